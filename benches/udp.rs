//! CPU cost of the UDP runtime per datagram handled: a 10-node faithful cluster on 127.0.0.1
//! (cycle 100 ms, PekoNode's default `buffer`), one "iteration" per datagram the nodes handle,
//! timed in process CPU (user + system, `getrusage`), not wall time, so that criterion's
//! estimate is CPU time per datagram even on a shared machine.
//!
//! Run: `cargo bench --bench udp` (about a minute). The same load for a fixed time, printing
//! one line: `cargo run --release --example udp_cpu`. A flood at one node:
//! `cargo run --release --example flood`. Results: docs/performance.md, "Real sockets".

#[path = "support/udp_load.rs"]
mod udp_load;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let nodes = udp_load::faithful_cluster(10, Duration::from_millis(100), 0)
        .expect("bind 10 nodes on 127.0.0.1");
    // The views fill within a few cycles; the steady state is what costs.
    std::thread::sleep(Duration::from_secs(2));
    let mut group = c.benchmark_group("udp");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("cluster_10_faithful_cpu_per_datagram", |b| {
        b.iter_custom(|iters| {
            let (cpu0, handled0) = (udp_load::cpu_time(), udp_load::handled(&nodes));
            let give_up = Instant::now() + Duration::from_secs(60);
            while udp_load::handled(&nodes) - handled0 < iters && Instant::now() < give_up {
                std::thread::sleep(Duration::from_millis(5));
            }
            let handled = (udp_load::handled(&nodes) - handled0).max(1);
            // CPU time per handled datagram, scaled to the iterations asked for.
            (udp_load::cpu_time() - cpu0).mul_f64(iters as f64 / handled as f64)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
