//! Five nodes on the in-test network, in both forwarding modes: views converge, a stopped node
//! is expired by the others, a published value reaches everyone.

mod common;

use std::time::Duration;

use common::{config, Net};
use pekonode::protocol::{Event, Forwarding, NodeInfo, Time};

const MODES: [Forwarding; 2] = [Forwarding::Faithful, Forwarding::FirstCopy];

/// Five nodes; nodes 1..4 know only node 0 (PekoNode's usual bootstrap); all joined at t = 0.
fn five(forwarding: Forwarding, seed: u64) -> Net {
    let mut net = Net::new(5, config(forwarding), seed);
    for i in 1..5 {
        net.with(i, |n, now| n.set(now, NodeInfo::bare(0)));
    }
    for i in 0..5 {
        net.with(i, |n, now| n.join(now));
    }
    net
}

fn everyone() -> Vec<u32> {
    (0..5).collect()
}

#[test]
fn five_nodes_converge_to_the_full_list() {
    for mode in MODES {
        for seed in 0..5 {
            let mut net = five(mode, seed);
            // Node 0 learns the others from their first heartbeats; they learn each other
            // from node 0's forwards within a couple of cycles.
            assert!(net.run_until(Time::from_secs(30), 1_000_000));
            for i in 0..5 {
                assert_eq!(net.view(i), everyone(), "{mode} seed {seed} node {i}");
            }
            // And they stay converged: nobody expires a live node.
            assert!(net.run_until(Time::from_secs(300), 10_000_000));
            for i in 0..5 {
                assert_eq!(net.view(i), everyone(), "{mode} seed {seed} node {i}");
            }
            assert!(!net
                .events
                .iter()
                .any(|e| matches!(e.2, Event::MemberExpired(_))));
        }
    }
}

#[test]
fn a_stopped_node_is_expired_by_the_others_and_returns_after_start() {
    for mode in MODES {
        let mut net = five(mode, 1);
        assert!(net.run_until(Time::from_secs(30), 1_000_000));
        net.with(4, |n, now| n.stop(now));
        let stopped_at = net.now;
        let timeout = Duration::from_secs(20);
        let cycle = Duration::from_secs(6);
        assert!(net.run_until(stopped_at + timeout + cycle, 10_000_000));
        for i in 0..4 {
            assert_eq!(net.view(i), vec![0, 1, 2, 3], "{mode} node {i}");
        }
        // The stopped node hears heartbeats until the others drop it, then its own entries
        // (itself included) fall silent too.
        assert!(net.run_until(stopped_at + timeout * 2 + cycle * 2, 10_000_000));
        assert!(
            net.view(4).is_empty(),
            "{mode}: the stopped node's own list empties"
        );
        net.with(4, |n, now| {
            n.set(now, NodeInfo::bare(0));
            n.start(now);
        });
        assert!(net.run_until(net.now + cycle * 3, 10_000_000));
        for i in 0..5 {
            assert_eq!(net.view(i), everyone(), "{mode} node {i} after start");
        }
    }
}

#[test]
fn published_metadata_reaches_every_node() {
    for mode in MODES {
        let mut net = five(mode, 2);
        assert!(net.run_until(Time::from_secs(30), 1_000_000));
        net.with(3, |n, now| n.publish(now, 1_000, b"hello"));
        // The update packet and the per-cycle swaps carry it everywhere within a few cycles.
        assert!(net.run_until(Time::from_secs(60), 10_000_000));
        for n in &net.nodes {
            assert_eq!(n.read().bytes(), b"hello", "{mode}");
            assert_eq!(n.read().version(), 1_000);
        }
    }
}
