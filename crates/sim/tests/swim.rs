//! SWIM on the simulator, from a plan: it converges, detects a crash, raises no false alarm
//! on a lossless network, is deterministic, and plans it cannot play are refused.
//!
//! `cargo test -p pekonode-sim --test swim -- --nocapture` prints the measured times.

use std::time::Duration;

use pekonode_run::{bootstrap_joins, Action, Bootstrap, Outcome, Plan, ProtocolKind, Timed};
use pekonode_sim::{SimError, Simulator};

/// A SWIM plan of `n` nodes all joining through node 0 at time zero (the `seed` bootstrap),
/// with PekoNode's default cycle (6 s) and timeout (20 s), so SWIM's knobs are
/// `SwimConfig::matching(6 s, 20 s)`: a probe every 3 s, 14 s of suspicion.
fn swim_plan(n: u32, secs: u64, seed: u64) -> Plan {
    let mut plan = Plan::new(
        &format!("swim-{n}"),
        (0..n).map(|i| format!("n{i}")).collect(),
        bootstrap_joins(Bootstrap::Seed, seed, n),
    );
    plan.seed = seed;
    plan.duration = Duration::from_secs(secs);
    plan.protocol = ProtocolKind::Swim(Default::default());
    plan
}

fn run(plan: Plan) -> Outcome {
    Simulator::new(plan).expect("a playable plan").run()
}

fn json(outcome: &Outcome) -> String {
    serde_json::to_string(outcome).expect("an outcome serializes")
}

/// Converged well within the bound: SWIM learns members from the announce replies (node 0
/// answers each joiner with the members it holds) and from gossip every probe period (3 s),
/// so a seed bootstrap fills every view in a few periods. Convergence counts once held for a
/// cycle (6 s), so the first time is at least 6 s; 30 s leaves room for a few lost rounds.
const CONVERGED_BY_MS: f64 = 30_000.0;

#[test]
fn twenty_and_a_hundred_nodes_converge() {
    for n in [20, 100] {
        let outcome = run(swim_plan(n, 60, 1));
        let first = outcome.convergence.first_converged_ms;
        println!("swim {n} nodes: converged first at {first:?} ms");
        assert!(
            first.is_some_and(|ms| ms < CONVERGED_BY_MS),
            "{n} nodes: first converged at {first:?}"
        );
        assert_eq!(outcome.convergence.final_fraction, 1.0);
        assert_eq!(outcome.false_removals, 0, "no loss, no false removal");
        assert!(!outcome.infection_measured && !outcome.real_sockets);
        assert_eq!(
            outcome.infection_unmeasured(),
            Some("not measured: the protocol has no heartbeats")
        );
        assert_eq!(outcome.protocol.forwarding, "swim");
        assert!(outcome.traffic.sent > 0 && outcome.traffic.bytes_sent > 0);
    }
}

/// Detected by all within the bound: some member probes the dead node within about one
/// probe period (3 s; with 19 probers, almost at once), the probe and its indirect round take
/// under a period, suspicion lasts 14 s, and the verdict spreads by gossip every 3 s within a
/// few periods: about 3 + 14 + 3 = 20 s expected (PekoNode's budget, `timeout − cycle/2` = 17 s
/// on average); 30 s bounds it with two more lost-free gossip rounds of slack.
const DETECTED_BY_MS: f64 = 30_000.0;

#[test]
fn a_crashed_node_is_detected_by_all() {
    let mut plan = swim_plan(20, 90, 1);
    plan.timeline.push(Timed {
        at: Duration::from_secs(30),
        action: Action::Crash { node: 7 },
    });
    let outcome = run(plan);
    let rows = &outcome.failure_detection;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let all = rows[0].all_removed_after_ms;
    println!(
        "swim 20 nodes, crash at 30 s: all removed after {all:?} ms (mean {:?} ms)",
        rows[0].mean_removal_after_ms
    );
    assert!(all.is_some_and(|ms| ms < DETECTED_BY_MS), "{rows:?}");
    assert!(
        all.is_some_and(|ms| ms > 14_000.0),
        "not before the suspicion time"
    );
    assert_eq!(outcome.false_removals, 0);
    assert_eq!(outcome.convergence.final_fraction, 1.0);
}

#[test]
fn the_same_seed_gives_the_same_outcome_and_another_seed_another() {
    let mut plan = swim_plan(20, 60, 3);
    plan.network.latency = pekonode_run::Latency::Uniform {
        min: Duration::from_millis(2),
        max: Duration::from_millis(40),
    };
    plan.network.loss = 0.02;
    let a = json(&run(plan.clone()));
    let b = json(&run(plan.clone()));
    assert_eq!(a, b, "same plan, same seed: byte-identical outcome");
    plan.seed = 4;
    let c = json(&run(plan));
    assert_ne!(
        a, c,
        "another seed draws other latencies, losses and probes"
    );
}

#[test]
fn plans_the_general_engine_cannot_play_are_refused_up_front() {
    let refused = |action: Action, label: &str| {
        let mut plan = swim_plan(5, 30, 1);
        plan.timeline.push(Timed {
            at: Duration::from_secs(10),
            action,
        });
        match Simulator::new(plan) {
            Err(e @ SimError::Unsupported { .. }) => {
                let text = e.to_string();
                assert!(text.contains(label) && text.contains("swim"), "{text}");
            }
            Err(other) => panic!("{label}: refused for another reason: {other}"),
            Ok(_) => panic!("{label}: accepted"),
        }
    };
    refused(Action::Pause { node: 2 }, "pause n2");
    refused(
        Action::Skew {
            node: 1,
            offset_ms: 5,
        },
        "skew n1",
    );
    let forge = pekonode_run::Forge {
        what: pekonode_run::Forgery::Replay {
            per_sec: 10,
            span: Duration::from_secs(5),
        },
        to: vec![0],
    };
    refused(Action::Forge(forge), "replay");
    let mut slow = swim_plan(5, 30, 1);
    slow.network.service_time = Duration::from_millis(1);
    assert!(matches!(
        Simulator::new(slow),
        Err(SimError::UnsupportedNetwork {
            what: "service_time",
            ..
        })
    ));
    let mut bad = swim_plan(5, 30, 1);
    let config = pekonode_swim::SwimConfig {
        max_packet_size: 10,
        ..Default::default()
    };
    bad.protocol = ProtocolKind::Swim(pekonode_run::SwimSettings {
        config: Some(config),
    });
    assert!(matches!(Simulator::new(bad), Err(SimError::Swim(_))));
}
