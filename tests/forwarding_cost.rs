//! The cost of one heartbeat: exactly P(n − 1) packets under faithful forwarding (what real
//! Go PekoNode nodes measured), at most amount × n under first-copy.

mod common;

use common::{config, faithful_cost, Net};
use pekonode::protocol::{Forwarding, Time};

/// Joins node 0 alone in an n-node full-view cluster and lets its first heartbeat play out.
fn one_heartbeat(n: u32, forwarding: Forwarding) -> common::Sent {
    let mut net = Net::new(n, config(forwarding), 42);
    net.full_views();
    net.with(0, |node, now| node.join(now));
    // Well before the next heartbeat (6 s) every copy has been delivered (5 ms per hop).
    assert!(net.run_until(Time::from_secs(5), 10_000_000));
    net.sent
}

#[test]
fn faithful_heartbeat_costs_exactly_p_of_n_minus_one() {
    // Real Go PekoNode v1.0.8 nodes measured 4, 13, 40, 121, 363 datagrams (heartbeat copies
    // plus the one swap request) at n = 4, 7, 10, 13, 16.
    let go_measured = [(4u32, 4u64), (7, 13), (10, 40), (13, 121), (16, 363)];
    for n in 4..=16u32 {
        let sent = one_heartbeat(n, Forwarding::Faithful);
        let p = faithful_cost(u64::from(n) - 1, 3);
        assert_eq!(sent.heartbeats, p, "n = {n}");
        assert_eq!(sent.swaps, 1, "n = {n}");
        if let Some(&(_, go)) = go_measured.iter().find(|(m, _)| *m == n) {
            // Go's capture at 16 nodes counted one datagram fewer than P(15) + 1 = 364.
            assert!(
                sent.total().abs_diff(go) <= 1,
                "n = {n}: {} vs Go {go}",
                sent.total()
            );
        }
    }
}

#[test]
fn p_follows_the_recurrence_of_the_design() {
    assert_eq!(
        [3, 6, 9, 12, 15].map(|m| faithful_cost(m, 3)),
        [3, 12, 39, 120, 363]
    );
}

#[test]
fn first_copy_heartbeat_costs_at_most_amount_times_n() {
    for n in 4..=64u32 {
        let sent = one_heartbeat(n, Forwarding::FirstCopy);
        assert!(
            sent.heartbeats <= 3 * u64::from(n),
            "n = {n}: {} packets",
            sent.heartbeats
        );
        assert_eq!(sent.swaps, 1);
    }
}
