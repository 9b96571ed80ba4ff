//! A flood of forged sealed envelopes at one node of a sealed two-node cluster whose keyring
//! holds 16 keys: do the honest nodes stay listed, and what does each forgery cost?
//!
//! ```sh
//! cargo run --release --example forged_flood -- [--rate 100000] [--seconds 10] [--keys 16] [--hint copied|none]
//! ```
//!
//! The forgeries are sealed under a key the cluster does not hold. `--hint copied` (the
//! default, the worst case) gives them the hint of the cluster's sealing key, as an attacker
//! who sniffed one datagram could, so each costs the receiver one failed decryption;
//! `--hint none` leaves a hint no installed key has, so each is refused before decryption.
//! Prints one line: what was sent, what A read and dropped, how many it found unauthentic,
//! the CPU the process used (A, B and the sender), and whether A and B listed each other at
//! every 20 ms look.

#[path = "../benches/support/udp_load.rs"]
mod udp_load;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind, Trust};
use pekonode::udp::{Config, Node, NodeList};
use pekonode::wire::{sealed, Endpoint, Key, Keyring, Sealed};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rate: u64 = udp_load::arg("--rate").map_or(Ok(100_000), |s| s.parse())?;
    let seconds: u64 = udp_load::arg("--seconds").map_or(Ok(10), |s| s.parse())?;
    let keys: u8 = udp_load::arg("--keys").map_or(Ok(16), |s| s.parse())?;
    let copied = match udp_load::arg("--hint").as_deref() {
        None | Some("copied") => true,
        Some("none") => false,
        Some(other) => return Err(format!("--hint {other:?}: copied or none").into()),
    };
    if !(1..=16).contains(&keys) {
        return Err("--keys: 1 to 16".into());
    }
    let ring = Keyring::from_keys((1..=keys).map(|i| Key::from_bytes([i; 32])).collect())?;
    let config = Config {
        protocol: pekonode::protocol::Config {
            cycle: Duration::from_millis(500),
            timeout: Duration::from_secs(3),
            trust: Trust::HARDENED,
            buffer: 16_384,
            ..pekonode::protocol::Config::default()
        },
        keyring: Some(ring.clone()),
        listen_addr: "127.0.0.1".to_string(),
        ..Config::compat()
    };
    let a = NodeList::new(Node::new("127.0.0.1", 0, "A"), config.clone())?;
    let b = NodeList::new(Node::new("127.0.0.1", 0, "B"), config)?;
    b.set(a.local().clone());
    a.set(b.local().clone());
    a.join();
    b.join();
    let both = || a.get().len() == 2 && b.get().len() == 2;
    let start = Instant::now();
    while !both() {
        if start.elapsed() > Duration::from_secs(20) {
            return Err("A and B did not list each other within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    // Forgeries for A, each with its own counter (a replay would be refused more cheaply).
    let to = Endpoint::new("127.0.0.1", a.local_addr().port());
    let fake = Endpoint::new("127.0.0.1", 40_500);
    let packet = Packet {
        kind: PacketKind::Heartbeat,
        node: NodeInfo::new(fake.clone(), "forged"),
        infected: Infected::of(fake),
        metadata: Metadata::default(),
        lineage: None,
    };
    let mut forger = Sealed::new(Keyring::new(Key::from_bytes([200; 32])), 7);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as u64;
    let hint = sealed::key_hint(&ring.keys()[0]);
    let count = (rate * seconds).min(2_000_000);
    let forged: Vec<Vec<u8>> = (0..count)
        .map(|_| {
            let mut d = forger.encode(&packet, &to, now_ms);
            if copied {
                d[2..2 + sealed::HINT_LEN].copy_from_slice(&hint);
            }
            d
        })
        .collect();

    let target = a.local_addr();
    let sender = std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        Ok::<u64, String>(udp_load::fire_each(
            &socket,
            target,
            &forged,
            rate,
            Duration::from_secs(seconds),
        ))
    });
    let cpu0 = udp_load::cpu_time();
    let (mut looks, mut listed) = (0u64, 0u64);
    let flood = Instant::now();
    while flood.elapsed() < Duration::from_secs(seconds) {
        looks += 1;
        listed += u64::from(both());
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = sender.join().map_err(|_| "the sender panicked")??;
    let cpu = udp_load::cpu_time() - cpu0;
    let s = a.stats();
    println!(
        "keys={keys} hint={} rate={rate}/s seconds={seconds}: sent={sent} read_by_a={} \
         dropped_at_a={} unauthentic={} cpu_s={:.2} both_listed={listed}/{looks} looks",
        if copied { "copied" } else { "none" },
        s.received - s.queue_full,
        s.queue_full,
        s.unauthentic,
        cpu.as_secs_f64(),
    );
    Ok(())
}
