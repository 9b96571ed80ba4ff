//! CPU cost of the UDP runtime per datagram handled: a 10-node faithful cluster on 127.0.0.1
//! (cycle 100 ms, PekoNode's default `buffer`), one "iteration" per datagram the nodes handle,
//! timed in process CPU (user + system, `getrusage`), not wall time, so that criterion's
//! estimate is CPU time per datagram even on a shared machine.
//!
//! Run: `cargo bench --bench udp` (about a minute after the build). The same load for a fixed time, printing
//! one line: `cargo run --release --example udp_cpu`. A flood at one node:
//! `cargo run --release --example flood`. Results: docs/performance.md, "Real sockets".

#[path = "support/udp_load.rs"]
mod udp_load;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

/// The fewest datagrams one sample measures, whatever criterion asks for.
const MIN_WINDOW: u64 = 10_000;

fn bench(c: &mut Criterion) {
    let nodes = udp_load::faithful_cluster(10, Duration::from_millis(100), 0)
        .expect("bind 10 nodes on 127.0.0.1");
    // The views fill within a few cycles; the steady state is what costs.
    std::thread::sleep(Duration::from_secs(2));
    let mut group = c.benchmark_group("udp");
    group.sample_size(10);
    // Criterion plans in the time the routine returns, CPU time here: the cluster spends about
    // 50 ms of CPU per second, so 1 s of it is about 20 s of wall time.
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("cluster_10_faithful_cpu_per_datagram", |b| {
        b.iter_custom(|iters| {
            // The kernel accounts CPU time in scheduler ticks (4 ms here): a window of fewer
            // than MIN_WINDOW datagrams (about 2.5 s, 120 ms of CPU) would be mostly rounding.
            let window = iters.max(MIN_WINDOW);
            let (cpu0, handled0) = (udp_load::cpu_time(), udp_load::handled(&nodes));
            let give_up = Instant::now() + Duration::from_secs(60);
            while udp_load::handled(&nodes) - handled0 < window && Instant::now() < give_up {
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
