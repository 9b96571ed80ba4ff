//! Simulated packet deliveries per wall-clock second, single thread, on the
//! `scenarios/scale_1000.json` load (1,000 first-copy nodes), cut to its first 20 s of virtual
//! time so that one iteration takes seconds, not a minute.
//!
//! Run: `cargo bench --bench sim` (criterion reports the median time per run and, with the
//! delivery count as throughput, deliveries per second).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pekonode::experiment;
use pekonode::scenario::Scenario;
use pekonode::sim::Simulator;

fn scale_1000(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/scale_1000.json");
    let scenario = match Scenario::from_path(std::path::Path::new(path)) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut plan = experiment::plan(&scenario);
    plan.duration = Duration::from_secs(20);
    let probe = Simulator::new(plan.clone()).map(Simulator::run);
    let deliveries = match probe {
        Ok(outcome) => outcome.traffic.delivered,
        Err(e) => panic!("{e}"),
    };
    let mut group = c.benchmark_group("simulator");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(deliveries));
    group.bench_function("scale_1000_first_20s", |b| {
        b.iter(|| Simulator::new(plan.clone()).map(Simulator::run))
    });
    group.finish();
}

criterion_group!(benches, scale_1000);
criterion_main!(benches);
