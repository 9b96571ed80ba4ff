//! Plans built in code for simulator tests.

#![allow(dead_code)]

use std::time::Duration;

use pekonode::protocol::{Config, Forwarding};
use pekonode::run::{
    bootstrap_joins, Action, Bootstrap, Latency, Limits, NetworkSpec, Plan, Timed,
};

pub const CYCLE: Duration = Duration::from_secs(6);

/// `n` nodes joining at time zero under `bootstrap`, constant 10 ms latency, no loss.
pub fn cluster(n: u32, forwarding: Forwarding, bootstrap: Bootstrap, secs: u64) -> Plan {
    let seed = 7;
    let timeline = bootstrap_joins(bootstrap, seed, n);
    Plan {
        name: format!("test-{n}"),
        seed,
        duration: Duration::from_secs(secs),
        sample_interval: Duration::from_secs(1),
        protocol: Default::default(),
        config: Config {
            forwarding,
            ..Config::default()
        },
        network: NetworkSpec {
            latency: Latency::Constant(Duration::from_millis(10)),
            ..NetworkSpec::default()
        },
        nodes: (0..n).map(|i| format!("n{i}")).collect(),
        timeline,
        limits: Limits::default(),
        wire: Default::default(),
    }
}

pub fn at(secs: u64, action: Action) -> Timed {
    Timed {
        at: Duration::from_secs(secs),
        action,
    }
}

/// Spreads the joins of `plan` over one cycle (node i at i × cycle / n), as real nodes
/// would start, so that heartbeats are not all sent at the same instant.
pub fn staggered(mut plan: Plan) -> Plan {
    let n = plan.nodes.len() as u32;
    for t in plan.timeline.iter_mut() {
        if let Action::Join { node, .. } = t.action {
            t.at = CYCLE * node / n;
        }
    }
    plan
}
