//! A flood of valid heartbeats at one node: a made-up Go PekoNode peer fires its heartbeat at
//! a fixed rate for a few seconds at a node with Go PekoNode's settings (`Config::compat()`,
//! on 127.0.0.1), then the node's counters say how many it read, handled and dropped.
//!
//! ```sh
//! cargo run --release --example flood -- [--rates 50000,100000,150000] [--seconds 3] [--buffer 0] \
//!     [--mode compat|hardened|sealed]
//! ```
//!
//! `--mode`: Go PekoNode's rules (`compat`, the default here), the daemon's hardened rules, or
//! sealed envelopes with the hardened rules (each datagram sealed beforehand for the node,
//! distinct counters). The peer is one of the node's contacts, so it is a member from the
//! start and every heartbeat is handled in full.
//!
//! One line per rate: sent (accepted by the OS), received by the node (`Stats::received`),
//! dropped inside the node (`Stats::queue_full`: its receive queue, or, since the runtime has
//! one thread, its kernel receive buffer, counted on Linux), lost before the node counted them
//! (sent − received), rejected (should be 0: every heartbeat is valid).

#[path = "../benches/support/udp_load.rs"]
mod udp_load;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use pekonode::protocol::Trust;
use pekonode::udp::{Config, Node, NodeList};
use pekonode::wire::{Endpoint, Key, Keyring, Sealed};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rates: Vec<u64> = udp_load::arg("--rates")
        .unwrap_or_else(|| "50000,100000,150000,200000".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let seconds: u64 = udp_load::arg("--seconds").map_or(Ok(3), |s| s.parse())?;
    let buffer: usize = udp_load::arg("--buffer").map_or(Ok(0), |s| s.parse())?;
    let mode = udp_load::arg("--mode").unwrap_or_else(|| "compat".into());
    let ring = Keyring::new(Key::from_bytes([7; 32]));
    let (trust, keyring) = match mode.as_str() {
        "compat" => (Trust::default(), None),
        "hardened" => (Trust::HARDENED, None),
        "sealed" => (Trust::HARDENED, Some(ring.clone())),
        other => return Err(format!("--mode {other:?}: compat, hardened or sealed").into()),
    };
    for rate in rates {
        let config = Config {
            protocol: pekonode::protocol::Config {
                buffer,
                trust,
                ..pekonode::protocol::Config::default()
            },
            listen_addr: "127.0.0.1".to_string(),
            keyring: keyring.clone(),
            // Go PekoNode's settings otherwise, as every number recorded with this tool.
            ..Config::compat()
        };
        let node = NodeList::new(Node::new("127.0.0.1", 0, "target"), config)?;
        let peer = UdpSocket::bind("127.0.0.1:0")?;
        // The peer is a member (a contact): its heartbeats are handled in full in every mode,
        // not stopped early by probation.
        let at = peer.local_addr()?;
        node.set(Node::new("127.0.0.1", at.port(), "flood-peer"));
        node.join();
        let datagrams = if keyring.is_some() {
            let mut sealer = Sealed::new(ring.clone(), 99);
            let packet = udp_load::peer_heartbeat(peer.local_addr()?);
            let to = Endpoint::new("127.0.0.1", node.local_addr().port());
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis() as u64;
            (0..rate * seconds)
                .map(|_| sealer.encode(&packet, &to, now_ms))
                .collect()
        } else {
            vec![udp_load::go_heartbeat(peer.local_addr()?)]
        };
        let cpu0 = udp_load::cpu_time();
        let sent = udp_load::fire_each(
            &peer,
            node.local_addr(),
            &datagrams,
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
            "mode={mode} rate={rate}/s seconds={seconds} buffer={buffer}: sent={sent} received={} \
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
