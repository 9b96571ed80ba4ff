//! SWIM on real UDP sockets (127.0.0.1, OS-chosen ports) through the seam runtime: a cluster
//! forms, a crash is detected, garbage is shrugged off. Deadlines are generous (a loaded
//! 2-core machine); every wait is a bounded poll.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use pekonode::protocol::{ChaCha8Rng, SeedableRng};
use pekonode::swim::{Swim, SwimConfig};
use pekonode::udp::{SeamConfig, SeamNode};
use rand::{Rng, RngCore};

/// Fast SWIM, yet patient enough for a loaded machine: a probe every 200 ms, 3.6 s of
/// suspicion.
fn config() -> SwimConfig {
    SwimConfig::matching(Duration::from_millis(400), Duration::from_secs(4))
}

fn spawn(seed: u64) -> SeamNode {
    let swim = config();
    let seam = SeamConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_packet: swim.max_packet_size,
        drop_probability: 0.0,
        seed,
    };
    SeamNode::spawn(&seam, |addr| {
        Swim::new(addr, 0, swim, ChaCha8Rng::seed_from_u64(seed))
    })
    .unwrap()
}

/// Polls `done` every 50 ms until it holds or `deadline` passes; returns how long it took.
fn wait_for(deadline: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < deadline {
        if done() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn cluster(n: usize) -> Vec<SeamNode> {
    let nodes: Vec<SeamNode> = (0..n).map(|i| spawn(i as u64 + 1)).collect();
    let first = nodes[0].local();
    for node in &nodes[1..] {
        node.join(&[first]);
    }
    let formed = wait_for(Duration::from_secs(30), || {
        nodes.iter().all(|node| node.members() == n - 1)
    });
    let counts: Vec<usize> = nodes.iter().map(SeamNode::members).collect();
    assert!(formed.is_some(), "not all see each other: {counts:?}");
    eprintln!("{n} SWIM nodes formed in {formed:?}");
    nodes
}

#[test]
fn swim_nodes_on_sockets_see_each_other_and_detect_a_crash() {
    let mut nodes = cluster(6);
    let crashed = nodes.pop().unwrap();
    let gone: SocketAddr = crashed.local();
    let mut events: Vec<_> = nodes.iter_mut().map(|n| n.events().unwrap()).collect();
    drop(crashed); // thread stopped, socket closed, no goodbye
    let mut expired = vec![false; nodes.len()];
    let detected = wait_for(Duration::from_secs(30), || {
        for (seen, rx) in expired.iter_mut().zip(&mut events) {
            for event in rx.try_iter() {
                if event == pekonode::protocol::Event::MemberExpired(gone) {
                    *seen = true;
                }
            }
        }
        expired.iter().all(|e| *e) && nodes.iter().all(|n| n.members() == nodes.len() - 1)
    });
    assert!(detected.is_some(), "crash not detected by all: {expired:?}");
    eprintln!("crash detected by all in {detected:?}");
    let stats = nodes[0].stats();
    assert!(
        stats.sent > 0 && stats.received > 0 && stats.bytes_sent > 0,
        "{stats:?}"
    );
}

#[test]
fn garbage_datagrams_neither_panic_nor_stall_a_swim_node() {
    let nodes = cluster(3);
    let target = nodes[0].local();
    let attacker = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut garbage = vec![0u8; 2_000];
    for i in 0..2_000 {
        let len = rng.gen_range(1..garbage.len());
        rng.fill_bytes(&mut garbage[..len]);
        let _ = attacker.send_to(&garbage[..len], target);
        if i % 200 == 0 {
            std::thread::sleep(Duration::from_millis(5)); // not a flood test
        }
    }
    let counted = wait_for(Duration::from_secs(20), || {
        nodes[0].stats().rejected >= 1_900
    });
    let stats = nodes[0].stats();
    assert!(counted.is_some(), "rejects not counted: {stats:?}");
    // Still a member of its cluster, and still answering: the others keep it.
    let kept = wait_for(Duration::from_secs(20), || {
        nodes.iter().all(|n| n.members() == 2) && nodes[0].is_active()
    });
    let counts: Vec<usize> = nodes.iter().map(SeamNode::members).collect();
    assert!(kept.is_some(), "members lost: {counts:?}");
}
