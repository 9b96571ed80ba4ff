//! Drawing one random scenario within [`Bounds`]: a cluster, a protocol, a network and a few
//! faults, as a [`ScenarioSpec`] (the file's own types), so a scenario the explorer finds is
//! a file anyone can run with `pekonode run`.
//!
//! Everything comes from one ChaCha stream per (seed, run index): the same seed draws the same
//! scenarios whatever else happens. A drawn event the scenario checks refuse (a restart of a
//! node that is not down, a pause on a paused node) is dropped, so every drawn file is valid.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::protocol::Forwarding;
use crate::run::{Bootstrap, Limits};
#[cfg(test)]
use crate::scenario::FaultKind;
use crate::scenario::{
    ActionSpec, EventSpec, ForgeSpec, GeneratedNodes, HealSpec, ImpersonateSpec, JoinSpec,
    LatencySpec, LossSpec, NemesisSpec, NetworkModelSpec, NodeRef, NodeTarget, NodesSpec, OrAuto,
    PartitionSpec, PauseSpec, ProtocolName, ProtocolSpec, PublishSpec, RateSpec, RestartSpec,
    Scenario, ScenarioSpec, SetSpec, SkewSpec, SlowSpec, VersionSpec,
};
use crate::scenario::{FaultKind as Fk, TrustSpec};
use crate::wire::WireMode;

use super::Bounds;

/// Largest cluster drawn with faithful forwarding: Go's rule sends each heartbeat along every
/// path, so its cost grows exponentially with the cluster (docs/scenarios.md, cost limits).
const MAX_FAITHFUL_NODES: u32 = 8;

/// The random stream of run `index` of explorer seed `seed`.
pub(super) fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// Scenario `index` of explorer seed `seed`, named `explore-s{seed}-r{index}`.
pub fn scenario(seed: u64, index: u64, bounds: &Bounds) -> ScenarioSpec {
    let mut rng = stream(seed, index);
    let mut spec = base(&mut rng, bounds, format!("explore-s{seed}-r{index}"));
    let wanted = rng.gen_range(0..=bounds.max_faults);
    for _ in 0..wanted {
        let events = fault(&mut rng, &spec, bounds);
        add_if_valid(&mut spec, events);
    }
    spec
}

/// Everything but the timeline.
fn base(rng: &mut ChaCha8Rng, bounds: &Bounds, name: String) -> ScenarioSpec {
    let swim = bounds.protocols.contains(&ProtocolName::Swim)
        && (!bounds.protocols.contains(&ProtocolName::Pekonode) || rng.gen_bool(0.3));
    let count = rng.gen_range(bounds.min_nodes..=bounds.max_nodes);
    let cycle_ms = *[1000, 1000, 2000, 3000].choose(rng).unwrap_or(&1000);
    let hardened = !swim && rng.gen_bool(0.5);
    let faithful = !swim && count <= MAX_FAITHFUL_NODES && rng.gen_bool(0.3);
    let protocol = ProtocolSpec {
        kind: if swim {
            ProtocolName::Swim
        } else {
            ProtocolName::Pekonode
        },
        amount: OrAuto::Value(rng.gen_range(2..=5)),
        cycle_ms,
        // 0: PekoNode's rule, 3 cycles + 2 s; or a longer one.
        timeout_ms: OrAuto::Value(if rng.gen_bool(0.5) {
            0
        } else {
            cycle_ms * rng.gen_range(4..=6)
        }),
        forwarding: if faithful {
            Forwarding::Faithful
        } else {
            Forwarding::FirstCopy
        },
        rejoin_ms: if hardened { 2 * cycle_ms } else { 0 },
        trust: if hardened {
            TrustSpec::of(crate::protocol::Trust::HARDENED)
        } else {
            TrustSpec::default()
        },
        wire: if !swim && rng.gen_bool(0.2) {
            WireMode::Sealed
        } else {
            WireMode::Json
        },
        ..ProtocolSpec::default()
    };
    let bootstrap = match rng.gen_range(0..3) {
        0 => Bootstrap::Seed,
        1 if count > 1 => Bootstrap::Random {
            k: rng.gen_range(1..=(count as usize - 1).min(3)),
        },
        _ => Bootstrap::All,
    };
    // Long enough for the faults and a calm tail in which the liveness properties apply.
    let settle = 2 * 6 * cycle_ms + 10 * cycle_ms + 2 * protocol.rejoin_ms;
    let duration_ms = rng
        .gen_range(settle + 30_000..=bounds.max_duration_ms.max(settle + 30_000))
        .min(bounds.max_duration_ms.max(1000));
    ScenarioSpec {
        schema: None,
        name,
        description: None,
        seed: rng.gen_range(1..=1_000_000),
        seeds: None,
        duration_ms,
        sample_interval_ms: 1000,
        protocol,
        network: network(rng, bounds),
        nodes: NodesSpec::Generated(GeneratedNodes {
            count,
            bootstrap,
            join_interval_ms: if rng.gen_bool(0.3) {
                rng.gen_range(1..=200)
            } else {
                0
            },
        }),
        events: Vec::new(),
        limits: Limits::default(),
        expect: None,
        sweep: None,
    }
}

/// A small network: a latency well under a cycle, sometimes loss and duplicates.
fn network(rng: &mut ChaCha8Rng, bounds: &Bounds) -> NetworkModelSpec {
    let latency = match rng.gen_range(0..4) {
        0 => LatencySpec::Constant {
            ms: rng.gen_range(0..=20) as f64,
        },
        1 => LatencySpec::Uniform {
            min_ms: 1.0,
            max_ms: rng.gen_range(1..=60) as f64,
        },
        2 => LatencySpec::Normal {
            mean_ms: rng.gen_range(5..=40) as f64,
            stddev_ms: rng.gen_range(0..=10) as f64,
            min_ms: 1.0,
        },
        _ => LatencySpec::Lognormal {
            median_ms: rng.gen_range(5..=30) as f64,
            sigma: 0.5,
            min_ms: 1.0,
        },
    };
    let lossy = bounds.max_loss > 0.0 && rng.gen_bool(0.35);
    NetworkModelSpec {
        latency,
        loss: if lossy {
            round(rng.gen_range(0.0..=bounds.max_loss))
        } else {
            0.0
        },
        duplicate: if rng.gen_bool(0.2) { 0.01 } else { 0.0 },
        links: Vec::new(),
    }
}

/// Three decimals: drawn numbers read well in a file.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The nodes a fault may name: the initial ones and those joined by earlier events.
fn names(spec: &ScenarioSpec) -> Vec<String> {
    let mut names: Vec<String> = match &spec.nodes {
        NodesSpec::Generated(g) => (0..g.count).map(|i| format!("n{i}")).collect(),
        NodesSpec::Listed(list) => list.iter().map(|n| n.name.clone()).collect(),
    };
    for e in &spec.events {
        if let ActionSpec::Join(j) = &e.action {
            names.push(j.node.clone());
        }
    }
    names
}

/// One fault (or workload step) as its events: a fault and, most often, its undoing.
fn fault(rng: &mut ChaCha8Rng, spec: &ScenarioSpec, bounds: &Bounds) -> Vec<EventSpec> {
    let names = names(spec);
    let pick = |rng: &mut ChaCha8Rng| -> NodeRef {
        NodeRef::Name(names.choose(rng).cloned().unwrap_or_else(|| "n0".into()))
    };
    // Crashes, stops, pauses and slow-downs spare n0, and every node that (re)joins knows
    // it: a node joining through a dead contact, or through itself, would know nobody alive,
    // which no protocol repairs and no property could then ask of it.
    let target = |rng: &mut ChaCha8Rng| -> NodeRef {
        NodeRef::Name(
            names
                .get(1..)
                .and_then(|rest| rest.choose(rng))
                .cloned()
                .unwrap_or_else(|| "n0".into()),
        )
    };
    let anchor = || NodeRef::Name("n0".into());
    let cycle = spec.protocol.cycle_ms.max(1000);
    // Faults start after a warm-up and end, mostly, long before the end of the run.
    let end = spec.duration_ms.saturating_sub(20 * cycle).max(10_001);
    let at = rng.gen_range(10_000..end);
    let lasting = |rng: &mut ChaCha8Rng| rng.gen_range(1..=15) * cycle;
    let ev = |at_ms: u64, action: ActionSpec| EventSpec { at_ms, action };
    let pekonode = spec.protocol.kind == ProtocolName::Pekonode;
    let kinds: &[&str] = if pekonode {
        &[
            "crash",
            "stop",
            "partition",
            "loss",
            "join",
            "publish",
            "set",
            "nemesis",
            "pause",
            "slow",
            "skew",
            "forge",
        ]
    } else {
        &[
            "crash",
            "stop",
            "partition",
            "loss",
            "join",
            "publish",
            "set",
            "nemesis",
        ]
    };
    let kind = *kinds.choose(rng).unwrap_or(&"crash");
    match kind {
        "crash" => {
            let node = target(rng);
            let mut out = vec![ev(at, ActionSpec::Crash(NodeTarget { node: node.clone() }))];
            if rng.gen_bool(0.7) {
                let contacts = vec![anchor()];
                let back = at + lasting(rng);
                out.push(ev(
                    back,
                    ActionSpec::Restart(RestartSpec { node, contacts }),
                ));
            }
            out
        }
        "stop" => {
            let node = target(rng);
            let back = at + lasting(rng);
            vec![
                ev(at, ActionSpec::Stop(NodeTarget { node: node.clone() })),
                ev(back, ActionSpec::Start(NodeTarget { node })),
            ]
        }
        "partition" => {
            let mut shuffled: Vec<NodeRef> =
                names.iter().map(|n| NodeRef::Name(n.clone())).collect();
            shuffled.shuffle(rng);
            let cut = rng.gen_range(1..shuffled.len().max(2));
            let second = shuffled.split_off(cut.min(shuffled.len()));
            let groups = vec![shuffled, second];
            let oneway = rng.gen_bool(0.2);
            vec![
                ev(at, ActionSpec::Partition(PartitionSpec { groups, oneway })),
                ev(at + lasting(rng), ActionSpec::Heal(HealSpec {})),
            ]
        }
        "loss" => {
            let value = round(rng.gen_range(0.05..=0.6));
            vec![
                ev(at, ActionSpec::Loss(LossSpec { value })),
                ev(
                    at + lasting(rng),
                    ActionSpec::Loss(LossSpec {
                        value: spec.network.loss,
                    }),
                ),
            ]
        }
        "join" => {
            let joined = names.len() as u32 - bounds_count(spec);
            if names.len() as u32 >= bounds.max_nodes {
                return Vec::new();
            }
            let node = format!("j{joined}");
            vec![ev(
                at,
                ActionSpec::Join(JoinSpec {
                    node,
                    contacts: vec![anchor()],
                }),
            )]
        }
        "publish" => vec![ev(
            at,
            ActionSpec::Publish(PublishSpec {
                node: pick(rng),
                data: format!("v{at}"),
            }),
        )],
        "set" => vec![ev(
            at,
            ActionSpec::Set(SetSpec {
                node: pick(rng),
                contact: pick(rng),
            }),
        )],
        "nemesis" => {
            let mut faults = vec![Fk::Partition, Fk::Crash, Fk::Loss];
            if pekonode {
                faults.push(Fk::Pause);
            }
            faults.shuffle(rng);
            faults.truncate(rng.gen_range(1..=faults.len()));
            faults.sort();
            vec![ev(
                at,
                ActionSpec::Nemesis(NemesisSpec {
                    for_ms: rng.gen_range(2..=20) * cycle,
                    mean_interval_ms: rng.gen_range(1..=10) * cycle,
                    fault_ms: lasting(rng),
                    faults,
                    nodes: Vec::new(),
                    loss: round(rng.gen_range(0.1..=0.5)),
                }),
            )]
        }
        "pause" => vec![ev(
            at,
            ActionSpec::Pause(PauseSpec {
                node: target(rng),
                for_ms: Some(lasting(rng)),
            }),
        )],
        "slow" => {
            let node = target(rng);
            let per_packet_ms = rng.gen_range(1..=20) as f64;
            vec![
                ev(
                    at,
                    ActionSpec::Slow(SlowSpec {
                        node: node.clone(),
                        per_packet_ms,
                    }),
                ),
                ev(
                    at + lasting(rng),
                    ActionSpec::Slow(SlowSpec {
                        node,
                        per_packet_ms: 0.0,
                    }),
                ),
            ]
        }
        "skew" => vec![ev(
            at,
            ActionSpec::Skew(SkewSpec {
                node: pick(rng),
                offset_ms: rng.gen_range(-600_000..=600_000),
            }),
        )],
        _ => vec![ev(at, ActionSpec::Forge(forge(rng, &names, cycle)))],
    }
}

/// How many nodes the `nodes` block starts.
fn bounds_count(spec: &ScenarioSpec) -> u32 {
    match &spec.nodes {
        NodesSpec::Generated(g) => g.count,
        NodesSpec::Listed(list) => list.len() as u32,
    }
}

/// A rogue sender's attack, short and at a modest rate.
fn forge(rng: &mut ChaCha8Rng, names: &[String], cycle: u64) -> ForgeSpec {
    let node = || NodeRef::Name(names.first().cloned().unwrap_or_else(|| "n0".into()));
    let rate = |rng: &mut ChaCha8Rng| RateSpec {
        per_sec: rng.gen_range(1..=200),
        for_ms: rng.gen_range(1..=5) * cycle,
    };
    let mut forge = ForgeSpec::default();
    match rng.gen_range(0..4) {
        0 => forge.identities = Some(rate(rng)),
        1 => {
            let r = rate(rng);
            forge.impersonate = Some(ImpersonateSpec {
                node: names
                    .choose(rng)
                    .map_or_else(node, |n| NodeRef::Name(n.clone())),
                name: "impostor".into(),
                private_data: String::new(),
                per_sec: r.per_sec,
                for_ms: r.for_ms,
            });
        }
        2 => {
            forge.version = Some(VersionSpec {
                from: node(),
                version: i64::MAX,
                data: "forged".into(),
            });
        }
        _ => forge.replay = Some(rate(rng)),
    }
    forge
}

/// Adds `events` to the timeline (in time order) if the scenario stays valid with all of
/// them; otherwise leaves it as it was.
fn add_if_valid(spec: &mut ScenarioSpec, events: Vec<EventSpec>) {
    if events.is_empty() {
        return;
    }
    let mut candidate = spec.clone();
    candidate.events.extend(events);
    candidate.events.sort_by_key(|e| e.at_ms);
    if Scenario::from_spec(candidate.clone(), "<drawn>").is_ok() {
        *spec = candidate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_scenarios_and_every_one_is_valid() {
        let bounds = Bounds::default();
        for index in 0..40 {
            let a = scenario(7, index, &bounds);
            assert_eq!(a, scenario(7, index, &bounds));
            Scenario::from_spec(a.clone(), "drawn").unwrap();
            let count = bounds_count(&a);
            assert!((bounds.min_nodes..=bounds.max_nodes).contains(&count));
            assert!(a.duration_ms <= bounds.max_duration_ms);
        }
        assert_ne!(scenario(7, 0, &bounds), scenario(8, 0, &bounds));
    }

    #[test]
    fn swim_scenarios_draw_no_fault_the_general_engine_refuses() {
        let bounds = Bounds {
            protocols: vec![ProtocolName::Swim],
            ..Bounds::default()
        };
        for index in 0..40 {
            let s = scenario(3, index, &bounds);
            assert_eq!(s.protocol.kind, ProtocolName::Swim);
            for e in &s.events {
                let refused = ["pause", "resume", "slow", "skew", "forge"];
                assert!(!refused.contains(&e.action.kind()), "{:?}", e.action);
                if let ActionSpec::Nemesis(n) = &e.action {
                    assert!(!n.faults.contains(&FaultKind::Pause));
                }
            }
        }
    }
}
