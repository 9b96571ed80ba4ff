//! Simulated packet deliveries per wall-clock second, single thread, on the
//! `scenarios/scale_1000.json` load (1,000 first-copy nodes joining 6 ms apart):
//!
//! - `scale_1000`: the whole scenario, 120 s of virtual time (about 25 s per run);
//! - `scale_1000_first_20s`: its first 20 s only, while every view grows from one entry to a
//!   thousand, the most expensive stretch per delivery.
//!
//! Run: `cargo bench --bench sim` (about 9 minutes; criterion reports the median time per run
//! and, with the delivery count as throughput, deliveries per second).

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

fn bench(c: &mut Criterion, name: &str, plan: Plan) {
    // One run first: the delivery count is the throughput unit.
    let deliveries = match Simulator::new(plan.clone()).map(Simulator::run) {
        Ok(outcome) => outcome.traffic.delivered,
        Err(e) => panic!("{e}"),
    };
    let mut group = c.benchmark_group("simulator");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(deliveries));
    group.bench_function(name, |b| {
        b.iter(|| Simulator::new(plan.clone()).map(Simulator::run))
    });
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

criterion_group!(benches, scale_1000, scale_1000_first_20s);
criterion_main!(benches);
