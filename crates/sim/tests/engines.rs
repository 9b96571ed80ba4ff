//! The cross-check of the two engines: a PekoNode plan run on the fast engine and, through
//! the protocol seam, on the general engine (which runs SWIM) must measure the same run.
//!
//! Both draw from the same streams (node `(i << 24) | incarnation`, link `i`), make the same
//! network draws in the same order and emit the same records, so the outcomes are expected
//! to be identical; `cargo test -p pekonode-sim --test engines -- --nocapture` prints both.

use std::time::Duration;

use pekonode_proto::{Config, Forwarding};
use pekonode_run::{bootstrap_joins, Action, Bootstrap, Latency, Outcome, Plan, Timed};
use pekonode_sim::Simulator;

fn plan(forwarding: Forwarding, loss: f64) -> Plan {
    let n = 20;
    let mut plan = Plan::new(
        "engines",
        (0..n).map(|i| format!("n{i}")).collect(),
        bootstrap_joins(Bootstrap::Seed, 5, n),
    );
    plan.seed = 5;
    plan.duration = Duration::from_secs(90);
    plan.config = Config {
        forwarding,
        ..Config::default()
    };
    plan.network.latency = Latency::Uniform {
        min: Duration::from_millis(1),
        max: Duration::from_millis(30),
    };
    plan.network.loss = loss;
    plan.timeline.push(Timed {
        at: Duration::from_secs(30),
        action: Action::Crash { node: 7 },
    });
    plan
}

fn both(plan: Plan) -> (Outcome, Outcome) {
    let fast = Simulator::new(plan.clone()).expect("playable").run();
    let seam = Simulator::through_seam(plan).expect("playable").run();
    (fast, seam)
}

fn summary(o: &Outcome) -> String {
    format!(
        "converged {:?} ms, detection {:?} ms, sent {}, bytes {}, delivered {}",
        o.convergence.first_converged_ms,
        o.failure_detection
            .first()
            .and_then(|d| d.all_removed_after_ms),
        o.traffic.sent,
        o.traffic.bytes_sent,
        o.traffic.delivered
    )
}

#[test]
fn pekonode_through_the_seam_measures_what_the_fast_engine_measures() {
    for (forwarding, loss) in [(Forwarding::FirstCopy, 0.0), (Forwarding::Faithful, 0.05)] {
        let (fast, seam) = both(plan(forwarding, loss));
        println!("{forwarding} loss {loss}: fast  {}", summary(&fast));
        println!("{forwarding} loss {loss}: seam  {}", summary(&seam));
        assert!(fast.convergence.first_converged_ms.is_some());
        assert_eq!(fast.failure_detection.len(), 1);
        let a = serde_json::to_string(&fast).expect("serializes");
        let b = serde_json::to_string(&seam).expect("serializes");
        assert_eq!(a, b, "the two engines measure the same run");
    }
}
