//! CPU cost of the UDP runtime: a 10-node faithful cluster on 127.0.0.1 runs for a while and
//! the process's CPU time (user + system, `getrusage`) is divided by the datagrams the nodes
//! handled (read and not dropped inside the node) over the same window.
//!
//! ```sh
//! cargo run --release --example udp_cpu -- [--seconds 20] [--cycle-ms 100] [--buffer 0] [--nodes 10]
//! ```
//!
//! Prints one line: CPU µs per datagram, datagrams per second, drops inside the nodes.

#[path = "../benches/support/udp_load.rs"]
mod udp_load;

use std::time::{Duration, Instant};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: not a number: {v}"))
        })
        .unwrap_or(default)
}

fn main() -> Result<(), pekonode::udp::UdpError> {
    let seconds = arg("--seconds", 20);
    let cycle = Duration::from_millis(arg("--cycle-ms", 100));
    let buffer = arg("--buffer", 0) as usize;
    let n = arg("--nodes", 10) as usize;
    let nodes = udp_load::faithful_cluster(n, cycle, buffer)?;
    // Let the views fill before measuring: the steady state is what costs.
    std::thread::sleep(Duration::from_secs(2));
    let drops = |nodes: &[pekonode::udp::NodeList]| -> u64 {
        nodes.iter().map(|n| n.stats().queue_full).sum()
    };
    let (cpu0, handled0, drops0, t0) = (
        udp_load::cpu_time(),
        udp_load::handled(&nodes),
        drops(&nodes),
        Instant::now(),
    );
    std::thread::sleep(Duration::from_secs(seconds));
    let (cpu1, handled1, drops1, t1) = (
        udp_load::cpu_time(),
        udp_load::handled(&nodes),
        drops(&nodes),
        Instant::now(),
    );
    let handled = handled1 - handled0;
    let cpu = cpu1 - cpu0;
    let members: usize = nodes.iter().map(|n| n.get().len()).sum();
    println!(
        "nodes={n} cycle={}ms buffer={buffer} seconds={seconds}: cpu_us_per_datagram={:.2} \
         datagrams_per_s={:.0} handled={handled} cpu_s={:.3} dropped_in_node={} listed={members}/{}",
        cycle.as_millis(),
        cpu.as_secs_f64() * 1e6 / handled.max(1) as f64,
        handled as f64 / (t1 - t0).as_secs_f64(),
        cpu.as_secs_f64(),
        drops1 - drops0,
        n * n,
    );
    Ok(())
}
