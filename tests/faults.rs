//! Faults and adversaries in the simulator, each doing what it says: a paused node's queue
//! fills and its timers run late; a slow node's queue overflows; a skewed clock's versions are
//! refused under the skew bound; a rogue sender's packets are rejected by sealed receivers and
//! bounded by the trust rules; a nemesis is the same schedule for the same seed; and traces of
//! all of it are the same on every run.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::plans::{at, cluster, staggered};
use pekonode::protocol::{Forwarding, Trust};
use pekonode::run::{Action, Bootstrap, Forge, Forgery, Nemesis, NemesisFault, Outcome, Plan};
use pekonode::sim::{Simulator, ROGUE};
use pekonode::wire::WireMode;

/// 12 first-copy nodes, staggered joins, random bootstrap, `secs` long, plus `events`.
fn plan(secs: u64, events: Vec<pekonode::run::Timed>) -> Plan {
    let mut plan = staggered(cluster(
        12,
        Forwarding::FirstCopy,
        Bootstrap::Random { k: 3 },
        secs,
    ));
    plan.timeline.extend(events);
    plan.timeline.sort_by_key(|t| t.at);
    plan
}

/// Runs `plan` and returns its outcome and its trace, one line per event.
fn traced(plan: Plan) -> (Outcome, Vec<String>) {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&lines);
    let sim = Simulator::new(plan)
        .unwrap()
        .with_trace(Box::new(move |t, e| {
            sink.borrow_mut().push(format!("{} {e:?}", t.as_micros()));
        }));
    let outcome = sim.run();
    let lines = lines.borrow().clone();
    (outcome, lines)
}

fn hardened(mut plan: Plan) -> Plan {
    plan.config.trust = Trust::HARDENED;
    plan
}

fn rejected(o: &Outcome, reason: &str) -> u64 {
    o.attacks.rejected.get(reason).copied().unwrap_or(0)
}

#[test]
fn a_paused_node_queues_packets_runs_its_timers_late_and_is_removed_after_the_timeout() {
    // n5 freezes at 60 s for 30 s: longer than the 20 s timeout.
    let p = plan(
        150,
        vec![
            at(60, Action::Pause { node: 5 }),
            at(90, Action::Resume { node: 5 }),
        ],
    );
    let buffer = p.config.resolve().unwrap().buffer as u64;
    let (o, trace) = traced(p);
    // Its receive queue filled (buffer packets held), the rest were dropped.
    assert_eq!(o.attacks.held_while_paused, buffer);
    assert!(o.traffic.dropped_queue > 0);
    // It sent nothing while paused: its heartbeat timer came due and waited for the resume.
    let sends_by_n5 = |what: &str| -> Vec<u64> {
        trace
            .iter()
            .filter(|l| l.contains("Send(PacketInfo { from: 5,") && l.contains(what))
            .map(|l| l.split(' ').next().unwrap().parse().unwrap())
            .collect()
    };
    assert!(!sends_by_n5("")
        .iter()
        .any(|&t| (60_000_000..90_000_000).contains(&t)));
    let own = sends_by_n5("kind: Heartbeat, origin: 5,");
    assert!(own.contains(&90_000_000), "a late heartbeat at the resume");
    // The others removed it after the timeout (false removals: it never crashed)...
    assert!(trace
        .iter()
        .any(|l| l.contains("Expire { node: ") && l.contains("member: 5 }")));
    assert!(o.false_removals > 0);
    // ...and it is back in every view by the end.
    assert_eq!(o.convergence.final_fraction, 1.0);
}

#[test]
fn a_pause_shorter_than_the_timeout_removes_nobody() {
    let p = plan(
        120,
        vec![
            at(60, Action::Pause { node: 5 }),
            at(65, Action::Resume { node: 5 }),
        ],
    );
    let (o, _) = traced(p);
    assert!(o.attacks.held_while_paused > 0);
    assert_eq!(o.attacks.pauses, 1);
    assert!(o.attacks.nemesis_faults.is_empty(), "no nemesis here");
    assert_eq!(o.false_removals, 0);
}

#[test]
fn a_slow_node_overflows_its_queue() {
    let quiet = Simulator::new(plan(90, vec![])).unwrap().run();
    assert_eq!(quiet.traffic.dropped_queue, 0);
    let slow = Action::Slow {
        node: 3,
        per_packet: Duration::from_millis(500),
    };
    let o = Simulator::new(plan(90, vec![at(30, slow)])).unwrap().run();
    assert!(o.traffic.dropped_queue > 0);
}

fn skewed_publish(trust: bool) -> Outcome {
    // n2's clock runs 10 minutes ahead; it publishes at 40 s.
    let mut p = plan(
        90,
        vec![
            at(
                20,
                Action::Skew {
                    node: 2,
                    offset_ms: 600_000,
                },
            ),
            at(
                40,
                Action::Publish {
                    node: 2,
                    data: b"ahead".to_vec(),
                },
            ),
        ],
    );
    if trust {
        p = hardened(p);
    }
    Simulator::new(p).unwrap().run()
}

#[test]
fn a_skewed_clock_publishes_versions_ahead_that_the_skew_bound_refuses() {
    let go = skewed_publish(false);
    let version = go.metadata[0].version;
    assert_eq!(
        version,
        pekonode::sim::SIM_EPOCH_UNIX_NS + 640_000_000_000,
        "40 s of run plus 600 s of skew"
    );
    assert!(go.metadata[0].everywhere_after_ms.is_some());
    assert_eq!(rejected(&go, "version ahead"), 0);
    let bounded = skewed_publish(true);
    assert!(bounded.metadata[0].everywhere_after_ms.is_none());
    assert!(rejected(&bounded, "version ahead") > 0);
}

fn burst(wire: WireMode, trust: Option<Trust>) -> Outcome {
    let forge = Action::Forge(Forge {
        to: Vec::new(),
        what: Forgery::Identities {
            per_sec: 6000,
            span: Duration::from_secs(3),
        },
    });
    let mut p = plan(120, vec![at(40, forge)]);
    p.wire = wire;
    if let Some(trust) = trust {
        p.config.trust = trust;
    }
    Simulator::new(p).unwrap().run()
}

#[test]
fn forged_identities_flood_views_unless_sealed_or_bounded() {
    let go = burst(WireMode::Json, None);
    assert_eq!(go.attacks.forged, 18_000);
    // Each fake entered at least its receiver's view (forwards mostly go to other fakes once
    // views fill with them), and they all expired by the end.
    assert!(go.attacks.fake_entries_peak >= 18_000, "{:?}", go.attacks);
    assert!(
        go.convergence.final_fraction < 1.0,
        "the burst broke the cluster"
    );
    assert_eq!(go.attacks.fake_entries_end, 0);
    let sealed = burst(WireMode::Sealed, None);
    assert_eq!(sealed.attacks.forged, 18_000);
    assert_eq!(rejected(&sealed, "unauthentic"), 18_000);
    assert_eq!(sealed.attacks.fake_entries_peak, 0);
    assert_eq!(sealed.false_removals, 0);
    // The admission bucket: at most 100 new members a second per node (and its burst of 100),
    // where 500 a second reach each node directly.
    let bounded = burst(
        WireMode::Json,
        Some(Trust {
            probation: false,
            ..Trust::HARDENED
        }),
    );
    assert!(
        rejected(&bounded, "admission limit") > 12_000,
        "{:?}",
        bounded.attacks
    );
    assert!(
        bounded.attacks.fake_entries_peak <= 12 * 600,
        "{:?}",
        bounded.attacks
    );
    // Probation (in the hardened profile): one-shot identities never enter a view, so they
    // take no admission token and bury no member.
    let probation = burst(WireMode::Json, Some(Trust::HARDENED));
    assert_eq!(
        probation.attacks.fake_entries_peak, 0,
        "{:?}",
        probation.attacks
    );
    assert!(rejected(&probation, "probation") >= 18_000);
    assert_eq!(rejected(&probation, "admission limit"), 0);
    assert_eq!(probation.false_removals, 0);
}

fn impersonated(wire: WireMode) -> Outcome {
    // n4 crashes at 40 s; a rogue keeps sending heartbeats in its name.
    let forge = Action::Forge(Forge {
        to: (0..12).filter(|&i| i != 4).collect(),
        what: Forgery::Impersonate {
            node: 4,
            name: "impostor".into(),
            private_data: String::new(),
            per_sec: 2,
            span: Duration::from_secs(70),
        },
    });
    let mut p = plan(120, vec![at(40, Action::Crash { node: 4 }), at(41, forge)]);
    p.wire = wire;
    Simulator::new(p).unwrap().run()
}

#[test]
fn an_impersonator_keeps_a_crashed_node_alive_unless_sealed() {
    let go = impersonated(WireMode::Json);
    assert_eq!(go.failure_detection[0].all_removed_after_ms, None);
    let sealed = impersonated(WireMode::Sealed);
    assert!(sealed.failure_detection[0].all_removed_after_ms.is_some());
    assert_eq!(rejected(&sealed, "unauthentic"), sealed.attacks.forged);
}

fn pinned(trust: bool) -> Outcome {
    let forge = Action::Forge(Forge {
        to: vec![0, 1],
        what: Forgery::Version {
            from: 0,
            version: i64::MAX,
            data: b"pinned".to_vec(),
        },
    });
    let publish = Action::Publish {
        node: 7,
        data: b"real".to_vec(),
    };
    let mut p = plan(120, vec![at(30, forge), at(60, publish)]);
    if trust {
        p = hardened(p);
    }
    Simulator::new(p).unwrap().run()
}

#[test]
fn a_forged_maximum_version_pins_the_metadata_unless_the_skew_bound_refuses_it() {
    let go = pinned(false);
    assert_eq!(go.attacks.forged, 2);
    assert_eq!(go.metadata.len(), 1);
    assert_eq!(
        go.metadata[0].everywhere_after_ms, None,
        "the real publish never wins"
    );
    let bounded = pinned(true);
    assert_eq!(rejected(&bounded, "version ahead"), 2);
    assert!(bounded.metadata[0].everywhere_after_ms.is_some());
}

#[test]
fn replays_are_refused_as_replayed_in_sealed_mode() {
    let replay = Action::Forge(Forge {
        to: Vec::new(),
        what: Forgery::Replay {
            per_sec: 50,
            span: Duration::from_secs(10),
        },
    });
    let mut p = plan(90, vec![at(40, replay)]);
    let (json, trace) = traced(p.clone());
    assert_eq!(json.attacks.forged, 500);
    assert!(trace.iter().any(|l| l.contains("from: 4294967294")));
    p.wire = WireMode::Sealed;
    let sealed = Simulator::new(p).unwrap().run();
    assert_eq!(rejected(&sealed, "replayed"), 500);
}

fn with_everything(seed: u64) -> Plan {
    let nemesis = Action::Nemesis(Nemesis {
        span: Duration::from_secs(120),
        mean_interval: Duration::from_secs(10),
        fault: Duration::from_secs(8),
        faults: NemesisFault::ALL.to_vec(),
        nodes: (0..12).collect(),
        loss: 0.3,
    });
    let forge = Action::Forge(Forge {
        to: vec![1, 2],
        what: Forgery::Identities {
            per_sec: 20,
            span: Duration::from_secs(5),
        },
    });
    let mut p = plan(
        180,
        vec![
            at(10, nemesis),
            at(20, forge),
            at(
                25,
                Action::Skew {
                    node: 3,
                    offset_ms: -5_000,
                },
            ),
            at(
                30,
                Action::Slow {
                    node: 6,
                    per_packet: Duration::from_millis(3),
                },
            ),
        ],
    );
    p.seed = seed;
    p
}

#[test]
fn traces_of_faults_are_byte_identical_across_runs_and_the_nemesis_follows_the_seed() {
    let (a, ta) = traced(with_everything(3));
    let (b, tb) = traced(with_everything(3));
    assert_eq!(ta, tb);
    assert_eq!(a, b);
    // The nemesis' faults are in the trace and on the chart marks.
    let faults = |t: &[String]| -> Vec<String> {
        t.iter()
            .filter(|l| {
                [
                    "pause",
                    "resume",
                    "crash",
                    "restart",
                    "partition",
                    "heal",
                    "loss",
                ]
                .iter()
                .any(|k| l.contains(&format!("Action {{ label: \"{k}")))
            })
            .cloned()
            .collect()
    };
    assert!(faults(&ta).len() >= 4, "{:?}", faults(&ta));
    // The outcome counts each fault the nemesis started, by kind: one per start action it
    // traced (the undo actions are not counted; the file has no fault of its own here).
    let started = |kind: &str| {
        let action = |k: &str| format!("Action {{ label: \"{k}");
        let n = faults(&ta)
            .iter()
            .filter(|l| l.contains(&action(kind)))
            .count() as u64;
        // Restarts and heals undo crashes and partitions; a loss spike's undo is a loss too.
        if kind == "loss" {
            n / 2
        } else {
            n
        }
    };
    let counted = |kind: &str| a.attacks.nemesis_faults.get(kind).copied().unwrap_or(0);
    for kind in ["crash", "loss", "partition", "pause"] {
        assert_eq!(counted(kind), started(kind), "{kind}: {:?}", a.attacks);
    }
    assert!(a.attacks.nemesis_total() >= 2, "{:?}", a.attacks);
    assert_eq!(a.attacks.pauses, counted("pause"));
    assert!(ta.iter().any(|l| l.contains(&format!("from: {ROGUE}"))));
    let (_, tc) = traced(with_everything(4));
    assert_ne!(faults(&ta), faults(&tc), "another seed, another schedule");
}

#[test]
fn a_nemesis_leaves_the_other_random_streams_alone() {
    // A nemesis over a span that ends before it could inject anything changes nothing else.
    let base = plan(60, vec![]);
    let mut with = base.clone();
    with.timeline.push(at(
        59,
        Action::Nemesis(Nemesis {
            span: Duration::from_millis(1),
            mean_interval: Duration::from_secs(3600),
            fault: Duration::from_secs(1),
            faults: vec![NemesisFault::Crash],
            nodes: Vec::new(),
            loss: 0.3,
        }),
    ));
    let a = Simulator::new(base).unwrap().run();
    let b = Simulator::new(with).unwrap().run();
    assert_eq!(a.traffic, b.traffic);
    assert_eq!(a.samples, b.samples);
}
