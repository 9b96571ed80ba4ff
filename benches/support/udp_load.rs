//! Loads for measuring the UDP runtime on loopback, shared by `benches/udp.rs` and the
//! examples `udp_cpu` and `flood`: a 10-node faithful cluster, the process's CPU time, and
//! valid Go-shaped heartbeats from a made-up peer.

#![allow(dead_code)] // each user takes what it needs

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use pekonode::protocol::{Forwarding, Infected, Metadata, NodeInfo, Packet, PacketKind};
use pekonode::udp::{Config, Node, NodeList, Stats, UdpError};
use pekonode::wire::{Endpoint, JsonCodec};

/// CPU time (user + system) of this whole process so far, from `getrusage`.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we pass; RUSAGE_SELF is always valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1_000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// `n` nodes on 127.0.0.1 (OS-chosen ports), Go's faithful forwarding, every node knowing
/// n0, all joined. `buffer` 0 is PekoNode's default.
pub fn faithful_cluster(
    n: usize,
    cycle: Duration,
    buffer: usize,
) -> Result<Vec<NodeList>, UdpError> {
    let config = Config {
        protocol: pekonode::protocol::Config {
            cycle,
            buffer,
            forwarding: Forwarding::Faithful,
            ..pekonode::protocol::Config::default()
        },
        listen_addr: "127.0.0.1".to_string(),
        // Go PekoNode's settings, as every number recorded with these tools.
        ..Config::compat()
    };
    let mut nodes: Vec<NodeList> = Vec::with_capacity(n);
    for i in 0..n {
        let node = NodeList::new(Node::new("127.0.0.1", 0, &format!("n{i}")), config.clone())?;
        if let Some(seed) = nodes.first() {
            node.set(seed.local().clone());
        }
        node.join();
        nodes.push(node);
    }
    Ok(nodes)
}

/// Datagrams the nodes read from their sockets and handled (read minus dropped inside the
/// node), summed.
pub fn handled(nodes: &[NodeList]) -> u64 {
    nodes
        .iter()
        .map(NodeList::stats)
        .map(|s: Stats| s.received.saturating_sub(s.queue_full))
        .sum()
}

/// The heartbeat a Go PekoNode peer at `from` sends to a node it has just met: its own record,
/// infected by itself only (so the receiver has nobody to forward it to).
pub fn go_heartbeat(from: SocketAddr) -> Vec<u8> {
    JsonCodec::new("").encode(&peer_heartbeat(from))
}

/// The packet of [`go_heartbeat`].
pub fn peer_heartbeat(from: SocketAddr) -> Packet<Endpoint> {
    let me = Endpoint::new(&from.ip().to_string(), from.port());
    Packet {
        kind: PacketKind::Heartbeat,
        infected: Infected::of(me.clone()),
        node: NodeInfo::new(me, "flood-peer"),
        metadata: Metadata::default(),
        lineage: None,
    }
}

/// Sends `datagram` to `to` at `rate` per second for `duration`, pacing in 1 ms slices.
/// Returns how many the OS accepted.
pub fn fire(
    socket: &UdpSocket,
    to: SocketAddr,
    datagram: &[u8],
    rate: u64,
    duration: Duration,
) -> u64 {
    fire_each(
        socket,
        to,
        std::slice::from_ref(&datagram.to_vec()),
        rate,
        duration,
    )
}

/// [`fire`] with datagram `k` taken from `datagrams[k % len]` (distinct sealed datagrams:
/// a receiver refuses a sealed datagram it saw before).
pub fn fire_each(
    socket: &UdpSocket,
    to: SocketAddr,
    datagrams: &[Vec<u8>],
    rate: u64,
    duration: Duration,
) -> u64 {
    let start = std::time::Instant::now();
    let mut sent = 0u64;
    loop {
        let elapsed = start.elapsed();
        if elapsed >= duration {
            return sent;
        }
        let due = (rate as u128 * elapsed.as_micros() / 1_000_000) as u64;
        while sent < due {
            let datagram = &datagrams[(sent % datagrams.len() as u64) as usize];
            if socket.send_to(datagram, to).is_ok() {
                sent += 1;
            } else {
                // A full send buffer: try again in the next slice.
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// The value after option `name` on the command line (`--rate 100000` → `"100000"`).
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}
