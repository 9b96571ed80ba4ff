//! A flood of valid heartbeats at one node: a made-up Go PekoNode peer fires its heartbeat at
//! a fixed rate for a few seconds at a node with Go PekoNode's settings (`Config::compat()`,
//! on 127.0.0.1), then the node's counters say how many it read, handled and dropped.
//!
//! ```sh
//! cargo run --release --example flood -- [--rates 50000,100000,150000] [--seconds 3] [--buffer 0]
//! ```
//!
//! One line per rate: sent (accepted by the OS), received by the node (`Stats::received`),
//! dropped inside the node (`Stats::queue_full`: its receive queue, or, since the runtime has
//! one thread, its kernel receive buffer, counted on Linux), lost before the node counted them
//! (sent − received), rejected (should be 0: every heartbeat is valid).

#[path = "../benches/support/udp_load.rs"]
mod udp_load;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use pekonode::udp::{Config, Node, NodeList};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rates: Vec<u64> = arg("--rates")
        .unwrap_or_else(|| "50000,100000,150000,200000".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let seconds: u64 = arg("--seconds").map_or(Ok(3), |s| s.parse())?;
    let buffer: usize = arg("--buffer").map_or(Ok(0), |s| s.parse())?;
    for rate in rates {
        let config = Config {
            buffer,
            listen_addr: "127.0.0.1".to_string(),
            // Go PekoNode's settings, as every number recorded with this tool.
            ..Config::compat()
        };
        let node = NodeList::new(Node::new("127.0.0.1", 0, "target"), config)?;
        node.join();
        let peer = UdpSocket::bind("127.0.0.1:0")?;
        let heartbeat = udp_load::go_heartbeat(peer.local_addr()?);
        let cpu0 = udp_load::cpu_time();
        let sent = udp_load::fire(
            &peer,
            node.local_addr(),
            &heartbeat,
            rate,
            Duration::from_secs(seconds),
        );
        // Wait until the node has read what it will read.
        let settle = Instant::now();
        let mut last = node.stats().received;
        while settle.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(200));
            let now = node.stats().received;
            if now == last {
                break;
            }
            last = now;
        }
        let cpu = udp_load::cpu_time() - cpu0;
        let s = node.stats();
        println!(
            "rate={rate}/s seconds={seconds} buffer={buffer}: sent={sent} received={} \
             dropped_in_node={} lost_before_node={} rejected={} listed={} cpu_s={:.2}",
            s.received,
            s.queue_full,
            sent.saturating_sub(s.received),
            s.rejected,
            node.get().len(),
            cpu.as_secs_f64(),
        );
    }
    Ok(())
}
