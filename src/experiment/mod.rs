//! Experiments: a scenario file turned into a simulation plan and run.
//!
//! This is the only place that knows both the scenario schema and the simulator's plan, so that
//! `scenario/` stays pure data and `sim/` depends on the protocol alone.
//!
//! ```
//! use pekonode::{experiment, scenario::Scenario};
//! let text = r#"{"name": "tiny", "seed": 3, "duration_ms": 30000,
//!                "protocol": {"forwarding": "first-copy"},
//!                "nodes": {"count": 5, "bootstrap": "seed"}}"#;
//! let scenario = Scenario::from_str_named(text, "tiny.json").unwrap();
//! let outcome = experiment::run(&scenario, |_| {}).unwrap();
//! assert_eq!(outcome.nodes, 5);
//! ```

use std::time::Duration;

use crate::protocol::{Config, Forwarding};
use crate::run::{
    bootstrap_contacts, Action, Bootstrap, Latency, Limits, LinkRule, NetworkSpec, NodeIndex,
    Outcome, Plan, Timed,
};
use crate::scenario::{self, Action as Act, Contacts, Scenario};
use crate::sim::{bootstrap_stream, Progress, SimError, Simulator};

fn ms(value: u64) -> Duration {
    Duration::from_millis(value)
}

/// Fractional milliseconds as a duration (the schema allows 0.5 ms latencies).
fn fms(value: f64) -> Duration {
    Duration::from_secs_f64((value / 1_000.0).clamp(0.0, 86_400.0))
}

fn latency(l: &scenario::Latency) -> Latency {
    match *l {
        scenario::Latency::Constant { ms } => Latency::Constant(fms(ms)),
        scenario::Latency::Uniform { min_ms, max_ms } => Latency::Uniform {
            min: fms(min_ms),
            max: fms(max_ms),
        },
        scenario::Latency::Normal {
            mean_ms,
            stddev_ms,
            min_ms,
        } => Latency::Normal {
            mean: fms(mean_ms),
            stddev: fms(stddev_ms),
            min: fms(min_ms),
        },
        scenario::Latency::Lognormal {
            median_ms,
            sigma,
            min_ms,
        } => Latency::LogNormal {
            median: fms(median_ms),
            sigma,
            min: fms(min_ms),
        },
    }
}

fn indexes(set: &scenario::NodeSet) -> Vec<NodeIndex> {
    match set {
        scenario::NodeSet::All => Vec::new(),
        scenario::NodeSet::Only(v) => v.iter().map(|&i| i as NodeIndex).collect(),
    }
}

fn nodes(v: &[usize]) -> Vec<NodeIndex> {
    v.iter().map(|&i| i as NodeIndex).collect()
}

/// The simulation plan of a validated scenario (with its current seed).
pub fn plan(s: &Scenario) -> Plan {
    let p = s.protocol();
    let config = Config {
        amount: p.amount as usize,
        cycle: ms(p.cycle_ms),
        buffer: p.buffer as usize,
        size: p.size as usize,
        timeout: ms(p.timeout_ms),
        forwarding: match p.forwarding {
            scenario::Forwarding::Faithful => Forwarding::Faithful,
            scenario::Forwarding::FirstCopy => Forwarding::FirstCopy,
        },
    };
    let net = s.network();
    let mut links = Vec::new();
    for r in s.link_rules() {
        let (from, to) = (indexes(&r.from), indexes(&r.to));
        let rule = |from, to| LinkRule {
            from,
            to,
            loss: r.loss,
            latency: r.latency.as_ref().map(latency),
            duplicate: r.duplicate,
        };
        if r.both_ways {
            links.push(rule(from.clone(), to.clone()));
            links.push(rule(to, from));
        } else {
            links.push(rule(from, to));
        }
    }
    let network = NetworkSpec {
        latency: latency(&net.latency),
        loss: net.loss,
        duplicate: net.duplicate,
        links,
        service_time: Duration::ZERO,
    };
    let mut rng = bootstrap_stream(s.seed());
    let initial = s.initial_nodes();
    let count = initial.len() as NodeIndex;
    let mut timeline: Vec<Timed> = initial
        .iter()
        .map(|n| {
            let index = n.index as NodeIndex;
            let contacts = match &n.contacts {
                Contacts::Listed(v) => nodes(v),
                Contacts::RandomEarlier { k } => {
                    bootstrap_contacts(Bootstrap::Random { k: *k }, index, count, &mut rng)
                }
                Contacts::AllInitial => bootstrap_contacts(Bootstrap::All, index, count, &mut rng),
            };
            Timed {
                at: ms(n.start_ms),
                action: Action::Join {
                    node: index,
                    contacts,
                },
            }
        })
        .collect();
    timeline.extend(s.events().iter().map(|e| Timed {
        at: ms(e.at_ms),
        action: match &e.action {
            Act::Join { node, contacts } => Action::Join {
                node: *node as NodeIndex,
                contacts: nodes(contacts),
            },
            Act::Crash { node } => Action::Crash {
                node: *node as NodeIndex,
            },
            Act::Restart { node, contacts } => Action::Restart {
                node: *node as NodeIndex,
                contacts: nodes(contacts),
            },
            Act::Stop { node } => Action::Stop {
                node: *node as NodeIndex,
            },
            Act::Start { node } => Action::Start {
                node: *node as NodeIndex,
            },
            Act::Set { node, contact } => Action::Set {
                node: *node as NodeIndex,
                contact: *contact as NodeIndex,
            },
            Act::Publish { node, data } => Action::Publish {
                node: *node as NodeIndex,
                data: data.as_bytes().to_vec(),
            },
            Act::Partition { groups, oneway } => Action::Partition {
                groups: groups.iter().map(|g| nodes(g)).collect(),
                oneway: *oneway,
            },
            Act::Heal => Action::Heal,
            Act::Loss { value } => Action::Loss { value: *value },
        },
    }));
    // Stable: initial joins before events at the same instant, events in file order.
    timeline.sort_by_key(|t| t.at);
    let limits = s.limits();
    Plan {
        name: s.name().to_string(),
        seed: s.seed(),
        duration: ms(s.duration_ms()),
        sample_interval: ms(s.sample_interval_ms()),
        config,
        network,
        nodes: s.node_names().to_vec(),
        timeline,
        limits: Limits {
            max_in_flight: limits.max_in_flight,
            max_packets_per_cycle: limits.max_packets_per_cycle,
        },
    }
}

/// Runs a scenario (with its current seed), calling `progress` now and then.
pub fn run(s: &Scenario, progress: impl FnMut(Progress)) -> Result<Outcome, SimError> {
    Ok(Simulator::new(plan(s))?.run_with(progress))
}
