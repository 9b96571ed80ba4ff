//! The simulator on plans built in code: exact faithful cost, the explosion guard,
//! convergence, failure detection, partitions, metadata, determinism.

mod common;

use std::time::{Duration, Instant};

use common::faithful_cost;
use common::plans::{at, cluster, staggered, CYCLE};
use pekonode::protocol::Forwarding;
use pekonode::run::{Action, Bootstrap, Latency};
use pekonode::sim::Simulator;

#[test]
fn faithful_packets_per_heartbeat_equal_p_of_n_minus_one() {
    for n in 4..=16u32 {
        // Heartbeats at 0, 6, ..., 24 s; the run ends before the one at 30 s.
        let plan = cluster(n, Forwarding::Faithful, Bootstrap::All, 29);
        let out = Simulator::new(plan).unwrap().run();
        let p = faithful_cost(u64::from(n) - 1, 3) as f64;
        assert_eq!(out.traffic.heartbeats, 5 * u64::from(n), "n = {n}");
        assert_eq!(out.traffic.packets_per_heartbeat, p, "n = {n}");
        // Plus exactly one swap request per heartbeat (no metadata: no replies).
        assert_eq!(out.traffic.datagrams_per_heartbeat, p + 1.0, "n = {n}");
        assert_eq!(out.infection.coverage.min, 1.0, "n = {n}");
        assert_eq!(out.false_removals, 0);
    }
}

#[test]
fn faithful_sixty_nodes_trip_the_explosion_guard_quickly() {
    let plan = cluster(60, Forwarding::Faithful, Bootstrap::All, 120);
    let started = Instant::now();
    let out = Simulator::new(plan).unwrap().run();
    let stop = out.stopped.as_ref().expect("the guard must stop the run");
    assert!(stop.message.contains("explosion guard"), "{}", stop.message);
    assert!(stop.message.contains("first-copy"), "{}", stop.message);
    assert!(
        out.ended_at_ms < 6_000.0,
        "stopped at {} ms",
        out.ended_at_ms
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    // What was measured up to the stop is still there.
    assert!(out.traffic.sent > 1_000_000);
}

#[test]
fn one_hundred_first_copy_nodes_converge_within_the_derived_bound() {
    // Seed bootstrap: everyone knows n0, and n0 learns all 99 from their first heartbeats.
    // After that a node learns an origin when that origin's first-copy push tree reaches it;
    // the trees are bounded by views, and views grow about amount-fold (3×) per cycle from
    // their initial 2 entries, so complete views need about log3(100 / 2) ≈ 3.6 cycles.
    // Bound: 5 cycles = 30 s. (Measured over seeds 0..10: 18–24 s.)
    for seed in 0..10 {
        let mut plan = cluster(100, Forwarding::FirstCopy, Bootstrap::Seed, 60);
        plan.seed = seed;
        let out = Simulator::new(plan).unwrap().run();
        let first = out.convergence.first_converged_ms.expect("converged");
        assert!(
            first <= 5.0 * CYCLE.as_millis() as f64,
            "seed {seed}: converged at {first} ms"
        );
    }
}

#[test]
fn a_crashed_node_is_removed_everywhere_within_timeout_plus_cycle_plus_latency() {
    let mut plan = cluster(20, Forwarding::FirstCopy, Bootstrap::Seed, 120);
    plan.timeline.push(at(40, Action::Crash { node: 5 }));
    let out = Simulator::new(plan).unwrap().run();
    let d = &out.failure_detection[0];
    assert_eq!((d.node.as_str(), d.cause.as_str()), ("n5", "crash"));
    let bound = (20_000 + 6_000 + 10) as f64;
    let after = d.all_removed_after_ms.expect("detected");
    assert!(after <= bound, "{after} ms");
    assert!(
        after > 14_000.0,
        "{after} ms: nobody may expire a node before its timeout"
    );
}

/// `plan` with nodes 0..10 cut from the rest at `from` s and healed at `heal` s.
fn halves_cut(mut plan: pekonode::run::Plan, from: u64, heal: u64) -> pekonode::run::Plan {
    let left: Vec<u32> = (0..10).collect();
    let cut = Action::Partition {
        groups: vec![left],
        oneway: false,
    };
    plan.timeline.push(at(from, cut));
    plan.timeline.push(at(heal, Action::Heal));
    plan
}

/// How long after the heal mark the cluster converged (for a cycle), if it did.
fn converged_after_heal(out: &pekonode::run::Outcome) -> Option<f64> {
    let heal = out
        .convergence
        .after_events
        .iter()
        .find(|e| e.label == "heal");
    heal.expect("a heal mark").converged_after_ms
}

#[test]
fn a_partition_splits_views_and_a_heal_brings_convergence_back() {
    // Cut for 17 s: cross entries were last refreshed up to a cycle before the cut, so they
    // expire between 14 and 20 s into it (joins are staggered over a cycle). Views diverge,
    // but a few cross entries survive until the heal and carry heartbeats across again.
    let plan = staggered(cluster(20, Forwarding::Faithful, Bootstrap::Seed, 120));
    let out = Simulator::new(halves_cut(plan, 30, 47)).unwrap().run();
    let during = out.samples.iter().find(|s| s.t_ms == 46_000.0).unwrap();
    assert!(
        during.converged_fraction < 1.0,
        "views diverged during the partition"
    );
    let after = converged_after_heal(&out).expect("converged after heal");
    assert!(after <= 2.0 * CYCLE.as_millis() as f64, "{after} ms");
    assert_eq!(out.convergence.final_fraction, 1.0);
}

#[test]
fn a_partition_that_outlasts_every_cross_entry_splits_the_cluster_for_good() {
    // PekoNode has no rejoin: once no node on one side holds a node of the other, nothing
    // ever sends across again, healed network or not.
    let plan = cluster(20, Forwarding::FirstCopy, Bootstrap::Seed, 180);
    let out = Simulator::new(halves_cut(plan, 30, 90)).unwrap().run();
    let last = out.samples.last().unwrap();
    assert_eq!(last.converged_fraction, 0.0);
    assert_eq!(last.max_view, 10);
    assert!(out
        .convergence
        .after_events
        .iter()
        .any(|e| e.label == "heal" && e.converged_after_ms.is_none()));
}

#[test]
fn no_false_removals_without_loss_when_every_heartbeat_reaches_everyone() {
    // Faithful forwarding with full views: every heartbeat covers the cluster.
    let plan = cluster(12, Forwarding::Faithful, Bootstrap::All, 300);
    let out = Simulator::new(plan).unwrap().run();
    assert_eq!(out.infection.coverage.min, 1.0);
    assert_eq!(out.false_removals, 0);
}

#[test]
fn published_metadata_reaches_every_node() {
    let mut plan = cluster(30, Forwarding::FirstCopy, Bootstrap::Seed, 90);
    plan.timeline.push(at(
        30,
        Action::Publish {
            node: 3,
            data: b"hello".to_vec(),
        },
    ));
    let out = Simulator::new(plan).unwrap().run();
    let m = &out.metadata[0];
    assert_eq!(m.node, "n3");
    let after = m.everywhere_after_ms.expect("spread");
    assert!(after <= 2.0 * CYCLE.as_millis() as f64, "{after} ms");
}

#[test]
fn the_same_plan_and_seed_give_identical_outcomes_and_another_seed_differs() {
    let lossy = |seed| {
        let mut plan = cluster(40, Forwarding::FirstCopy, Bootstrap::Random { k: 3 }, 90);
        plan.seed = seed;
        plan.network.loss = 0.2;
        plan.network.latency = Latency::Uniform {
            min: Duration::from_millis(5),
            max: Duration::from_millis(40),
        };
        plan.timeline.push(at(45, Action::Crash { node: 7 }));
        Simulator::new(plan).unwrap().run()
    };
    let (a, b) = (lossy(1), lossy(1));
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let c = lossy(2);
    assert_ne!(a.traffic, c.traffic);
}

#[test]
fn the_simulator_refuses_more_nodes_than_a_run_may_have() {
    use pekonode::run::{Plan, MAX_NODES};
    let names = |n: usize| (0..n).map(|i| format!("n{i}")).collect::<Vec<_>>();
    assert!(Simulator::new(Plan::new("max", names(MAX_NODES), Vec::new())).is_ok());
    let err = Simulator::new(Plan::new("over", names(MAX_NODES + 1), Vec::new()))
        .err()
        .map(|e| e.to_string());
    let expected = format!(
        "{} nodes is more than a run's limit of {MAX_NODES}",
        MAX_NODES + 1
    );
    assert!(err.is_some_and(|e| e.starts_with(&expected)));
}

#[test]
fn with_rejoin_the_partition_that_outlasts_every_cross_entry_heals() {
    // The same cut as above, with the rejoin rule on: every 30 s each node heartbeats the
    // contacts it no longer lists (here n0, on the other side for half the cluster), so the
    // healed network carries heartbeats across again.
    let rejoin = Duration::from_secs(30);
    let mut plan = cluster(20, Forwarding::FirstCopy, Bootstrap::Seed, 180);
    plan.config.rejoin = rejoin;
    let out = Simulator::new(halves_cut(plan, 30, 90)).unwrap().run();
    let during = out.samples.iter().find(|s| s.t_ms == 89_000.0).unwrap();
    assert_eq!(during.converged_fraction, 0.0, "split while cut");
    let after = converged_after_heal(&out).expect("converged after the heal");
    let bound = (rejoin + 3 * CYCLE).as_millis() as f64;
    assert!(
        after <= bound,
        "{after} ms after the heal, bound {bound} ms"
    );
    assert_eq!(out.convergence.final_fraction, 1.0);
}

/// An invariant given to the run is checked at every sample; its first breach is reported once,
/// with the time of the sample, and stops the run there; one that holds leaves no trace.
#[test]
fn invariants_are_checked_at_every_sample_and_the_first_breach_stops_the_run() {
    use pekonode::run::{Breach, Invariant, Moment, INVARIANT_LIMIT};

    struct AtMost(usize, &'static str);
    impl Invariant for AtMost {
        fn name(&self) -> &str {
            self.1
        }
        fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach> {
            match at.sample.up <= self.0 {
                true => Ok(()),
                false => Err(format!("{} nodes up", at.sample.up).into()),
            }
        }
    }
    let mut plan = cluster(5, Forwarding::FirstCopy, Bootstrap::Seed, 20);
    plan.timeline.push(at(10, Action::Crash { node: 4 }));
    let out = Simulator::new(plan)
        .unwrap()
        .invariant(AtMost(3, "at most three up"))
        .invariant(AtMost(5, "at most five up"))
        .run();
    assert_eq!(out.violations.len(), 1, "{:?}", out.violations);
    let v = &out.violations[0];
    assert_eq!(v.invariant, "at most three up");
    assert_eq!(v.message, "5 nodes up");
    assert_eq!(v.at_ms, 0.0, "the nodes join at 0, before the first sample");
    let stop = out.stopped.as_ref().expect("a breach stops the run");
    assert_eq!(stop.limit, INVARIANT_LIMIT);
    assert_eq!(out.ended_at_ms, 0.0);
    assert!(
        stop.message
            .contains("'at most three up' broken at t = 0.000 s"),
        "{}",
        stop.message
    );
}
