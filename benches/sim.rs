//! Simulated packet deliveries per wall-clock second, single thread, on the
//! `scenarios/scale_1000.json` load (1,000 first-copy nodes joining 6 ms apart):
//!
//! - `scale_1000`: the whole scenario, 120 s of virtual time (about 25 s per run);
//! - `scale_1000_first_20s`: its first 20 s only, while every view grows from one entry to a
//!   thousand, the most expensive stretch per delivery;
//! - `full_view_1000`: 1,000 first-copy nodes with full views from the start (`"bootstrap":
//!   "all"`), fan-out 3, cycle 6 s, uniform latency 5–30 ms, no loss, 60 s: every node
//!   heartbeats at t = 0, so about 2.8 M packets are in flight at once.
//!
//! The built-in invariants are off (`Simulator::without_invariants`), so the figures stay
//! comparable with those before them; what they cost is in docs/performance.md.
//!
//! Run: `cargo bench --bench sim` (about 12 minutes; criterion reports the median time per
//! run and, with the delivery count as throughput, deliveries per second). One load:
//! `cargo bench --bench sim -- full_view_1000`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pekonode::experiment;
use pekonode::run::Plan;
use pekonode::scenario::Scenario;
use pekonode::sim::Simulator;

fn scale_1000_plan() -> Plan {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/scale_1000.json");
    match Scenario::from_path(std::path::Path::new(path)) {
        Ok(scenario) => experiment::plan(&scenario),
        Err(e) => panic!("{e}"),
    }
}

/// The full-view load (see the module note).
const FULL_VIEW_1000: &str = r#"{
  "name": "full_view_1000",
  "seed": 1,
  "duration_ms": 60000,
  "sample_interval_ms": 1000,
  "protocol": { "cycle_ms": 6000, "forwarding": "first-copy" },
  "network": { "latency": { "uniform": { "min_ms": 5, "max_ms": 30 } } },
  "nodes": { "count": 1000, "bootstrap": "all" },
  "limits": { "max_in_flight": 5000000 }
}"#;

fn bench(c: &mut Criterion, name: &str, plan: Plan) {
    // One run first: the delivery count is the throughput unit.
    let run = |plan: Plan| Simulator::new(plan).map(|s| s.without_invariants().run());
    let deliveries = match run(plan.clone()) {
        Ok(outcome) => outcome.traffic.delivered,
        Err(e) => panic!("{e}"),
    };
    let mut group = c.benchmark_group("simulator");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(deliveries));
    group.bench_function(name, |b| b.iter(|| run(plan.clone())));
    group.finish();
}

fn scale_1000(c: &mut Criterion) {
    bench(c, "scale_1000", scale_1000_plan());
}

fn scale_1000_first_20s(c: &mut Criterion) {
    let mut plan = scale_1000_plan();
    plan.duration = Duration::from_secs(20);
    bench(c, "scale_1000_first_20s", plan);
}

fn full_view_1000(c: &mut Criterion) {
    match Scenario::from_str_named(FULL_VIEW_1000, "full_view_1000") {
        Ok(scenario) => bench(c, "full_view_1000", experiment::plan(&scenario)),
        Err(e) => panic!("{e}"),
    }
}

criterion_group!(benches, scale_1000, scale_1000_first_20s, full_view_1000);
criterion_main!(benches);
