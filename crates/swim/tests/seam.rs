//! PekoNode and SWIM on one harness, through the seam: joining, crash detection,
//! determinism, and SWIM's refusal of garbage.
//!
//! `cargo test -p pekonode-swim --test seam -- --nocapture` prints the measured times.

mod harness;

use std::time::Duration;

use harness::Net;
use pekonode_proto::seam::{Output, Protocol};
use pekonode_proto::{ChaCha8Rng, Config, Event, Node, NodeInfo, SeedableRng, Time};
use pekonode_proto::{RejectReason, DEFAULT_CYCLE};
use pekonode_swim::{Swim, SwimConfig};
use rand::Rng;

const N: usize = 20;
const DELAY: Duration = Duration::from_millis(5);
const LOSS: f64 = 0.01;
/// PekoNode's default expiry (`3 × cycle + 2 s`), SWIM's budget in [`swim`].
const TIMEOUT: Duration = Duration::from_secs(20);
const CRASHED: usize = 7;

fn rng(seed: u64, i: u32) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(u64::from(i)))
}

fn pekonode(seed: u64) -> impl Fn(u32) -> Node<u32> {
    move |i| {
        let info = NodeInfo::new(i, &format!("n{i}"));
        Node::new(info, Config::default(), rng(seed, i), Time::ZERO).expect("default config")
    }
}

fn swim(seed: u64) -> impl Fn(u32) -> Swim<u32> {
    move |i| {
        let config = SwimConfig::matching(DEFAULT_CYCLE, TIMEOUT);
        Swim::new(i, 0, config, rng(seed, i)).expect("matching config")
    }
}

/// Every node joins through node 0 in the first second; returns when all hold all.
fn join_all<P: Protocol<Id = u32>>(net: &mut Net<P>, bound: Duration) -> Time {
    net.with(0, |n, now| n.join(now, &[]));
    // Staggered, so that the nodes' timers are not in lockstep (which would round every
    // measured time to a period).
    for i in 1..N {
        net.run_until(Time::from_millis(37 * i as u64), |_| false);
        net.with(i, |n, now| n.join(now, &[0]));
    }
    let deadline = Time::ZERO + bound;
    net.run_until(deadline, |net| net.converged())
        .unwrap_or_else(|| {
            let views: Vec<usize> = net.nodes.iter().flatten().map(|n| n.members()).collect();
            panic!("not converged within {bound:?}: views {views:?}")
        })
}

/// When each survivor dropped the crashed node: (first, last), relative to the crash.
fn crash_detection<P: Protocol<Id = u32>>(
    net: &mut Net<P>,
    bound: Duration,
) -> (Duration, Duration) {
    let crash_at = net.now;
    net.crash(CRASHED);
    let expired = |net: &Net<P>, i: usize| {
        net.log.iter().any(|(at, node, e)| {
            *node == i && *at >= crash_at && *e == Event::MemberExpired(CRASHED as u32)
        })
    };
    let all = |net: &Net<P>| (0..N).filter(|&i| i != CRASHED).all(|i| expired(net, i));
    net.run_until(crash_at + bound, all)
        .unwrap_or_else(|| panic!("the crash was not detected by all within {bound:?}"));
    let times: Vec<Duration> = net
        .log
        .iter()
        .filter(|(at, _, e)| *at >= crash_at && *e == Event::MemberExpired(CRASHED as u32))
        .map(|(at, _, _)| at.saturating_since(crash_at))
        .collect();
    let false_alarms = net
        .log
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::MemberExpired(id) if *id != CRASHED as u32))
        .count();
    assert_eq!(false_alarms, 0, "a live node was declared gone");
    let first = times.iter().min().copied().unwrap_or_default();
    let last = times.iter().max().copied().unwrap_or_default();
    (first, last)
}

/// Joins everyone, lets the cluster settle, crashes one node: the whole event log.
fn scenario<P: Protocol<Id = u32>>(
    make: impl Fn(u32) -> P,
    seed: u64,
) -> Vec<(Time, usize, Event<u32>)> {
    let mut net = Net::new(N, make, DELAY, LOSS, seed);
    join_all(&mut net, Duration::from_secs(60));
    net.run_until(Time::from_secs(63), |_| false);
    crash_detection(&mut net, Duration::from_secs(60));
    net.log
}

#[test]
fn twenty_nodes_joining_through_node_0_all_see_each_other() {
    let mut peko = Net::new(N, pekonode(1), DELAY, LOSS, 1);
    let peko_at = join_all(&mut peko, Duration::from_secs(60));
    let mut swim_net = Net::new(N, swim(1), DELAY, LOSS, 1);
    let swim_at = join_all(&mut swim_net, Duration::from_secs(60));
    println!("join of {N} through node 0: pekonode {peko_at}, swim {swim_at}");
    assert!(swim_net.nodes.iter().flatten().all(|n| n.is_active()));
    assert!(swim_net.nodes.iter().flatten().all(|n| n.errors() == 0));
    // Traffic once joined, for the record: datagrams per node per second over a minute.
    let rate = |sent: u64| sent as f64 / N as f64 / 60.0;
    peko.run_until(Time::from_secs(60), |_| false);
    swim_net.run_until(Time::from_secs(60), |_| false);
    let (p0, s0) = (peko.sent, swim_net.sent);
    peko.run_until(Time::from_secs(120), |_| false);
    swim_net.run_until(Time::from_secs(120), |_| false);
    println!(
        "datagrams per node per second (60 s to 120 s): pekonode {:.2}, swim {:.2}",
        rate(peko.sent - p0),
        rate(swim_net.sent - s0)
    );
    assert!(swim_net.converged() && peko.converged());
}

#[test]
fn a_crashed_node_is_dropped_by_every_other_within_the_budget() {
    /// Joins all, lets them settle until mid-cycle, crashes node 7.
    fn detect<P: Protocol<Id = u32>>(mut net: Net<P>) -> (Duration, Duration) {
        join_all(&mut net, Duration::from_secs(60));
        net.run_until(Time::from_secs(63), |_| false);
        crash_detection(&mut net, Duration::from_secs(60))
    }
    let cycle = DEFAULT_CYCLE;
    let c = SwimConfig::matching(cycle, TIMEOUT);
    let seeds = 2..7u64;
    let (mut peko_sum, mut swim_sum) = (Duration::ZERO, Duration::ZERO);
    for seed in seeds.clone() {
        let (p_first, p_last) = detect(Net::new(N, pekonode(seed), DELAY, LOSS, seed));
        let (s_first, s_last) = detect(Net::new(N, swim(seed), DELAY, LOSS, seed));
        println!(
            "crash detection, seed {seed} (timeout {TIMEOUT:?}): pekonode first {p_first:?} \
             last {p_last:?}; swim first {s_first:?} last {s_last:?}"
        );
        // PekoNode: an entry expires `timeout` after the last heartbeat heard, at most a
        // cycle before the crash (plus a delivery) if it heard the last one; a node may miss
        // one (loss, or an infection that did not reach it: seed 6).
        assert!(p_first >= TIMEOUT - cycle * 2 - DELAY && p_last <= TIMEOUT + cycle);
        // SWIM: no one can declare it down before a probe fails and the suspicion runs
        // out; all must within the budget plus a few rounds of gossip.
        assert!(s_first >= c.suspect_to_down + c.probe_rtt);
        assert!(s_last <= TIMEOUT + cycle * 2);
        peko_sum += p_last;
        swim_sum += s_last;
    }
    let runs = seeds.count() as u32;
    println!(
        "crash detection, mean of the last detections over {runs} seeds: pekonode {:?}, swim {:?}",
        peko_sum / runs,
        swim_sum / runs
    );
}

#[test]
fn one_seed_one_run_and_another_seed_another() {
    let (a, b, c) = (
        scenario(pekonode(5), 5),
        scenario(pekonode(5), 5),
        scenario(pekonode(6), 6),
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    let (a, b, c) = (
        scenario(swim(5), 5),
        scenario(swim(5), 5),
        scenario(swim(6), 6),
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
}

/// A node in a small cluster, with a real packet it received.
fn swim_with_traffic() -> (Swim<u32>, Vec<Vec<u8>>) {
    let mut a = swim(9)(0);
    let mut b = swim(9)(1);
    b.join(Time::ZERO, &[0]);
    let mut seen = Vec::new();
    for _ in 0..10 {
        if let Output::Transmit(t) = b.poll_output() {
            seen.push(t.packet.clone());
            let len = t.packet.len();
            assert!(a.handle_packet(Time::ZERO, t.packet, len));
        }
    }
    (a, seen)
}

#[test]
fn garbage_to_swim_is_refused_without_a_panic() {
    let (mut node, real) = swim_with_traffic();
    let mut fuzz = ChaCha8Rng::seed_from_u64(0xF0CA);
    let (mut refused, mut tries) = (0, 0);
    for round in 0..5_000 {
        let bytes: Vec<u8> = if round % 2 == 0 || real.is_empty() {
            let len = fuzz.gen_range(0..300);
            (0..len).map(|_| fuzz.gen()).collect()
        } else {
            // A real packet with a few bytes changed: past the first checks, deeper in.
            let mut bytes = real[round % real.len()].clone();
            for _ in 0..fuzz.gen_range(1..4) {
                let at = fuzz.gen_range(0..bytes.len());
                bytes[at] = fuzz.gen();
            }
            bytes
        };
        let len = bytes.len();
        tries += 1;
        let now = Time::from_millis(round as u64);
        let accepted = node.handle_packet(now, bytes, len);
        let mut said_why = false;
        for _ in 0..10_000 {
            match node.poll_output() {
                Output::Event(Event::PacketRejected { len: l, .. }) => said_why |= l == len,
                Output::Timeout(_) | Output::Idle => break,
                _ => {}
            }
        }
        if !accepted {
            refused += 1;
            assert!(said_why, "a refusal says why");
        }
    }
    println!("garbage: {refused} of {tries} refused");
    assert!(refused > tries / 2);
    let big = vec![0u8; node.config().max_packet_size + 1];
    assert!(!node.handle_packet(Time::ZERO, big, 1_401));
    let Output::Event(Event::PacketRejected { reason, .. }) = node.poll_output() else {
        panic!("an oversized packet is rejected");
    };
    assert!(matches!(reason, RejectReason::Oversize { .. }));
    assert!(!node.handle_packet(Time::ZERO, Vec::new(), 0));
}

/// Whether `e` says that `id` joined (PekoNode's records carry names, SWIM's do not).
fn joined(id: usize) -> impl Fn(&Event<u32>) -> bool {
    move |e| matches!(e, Event::MemberJoined(info) if info.id == id as u32)
}

/// Whether `e` says that `id` left the view.
fn expired(id: usize) -> impl Fn(&Event<u32>) -> bool {
    move |e| *e == Event::MemberExpired(id as u32)
}

/// Whether every node but `but` logged an event that `is` since `since`.
fn all_logged<P: Protocol<Id = u32>>(
    net: &Net<P>,
    but: usize,
    since: Time,
    is: impl Fn(&Event<u32>) -> bool + Copy,
) -> bool {
    (0..N)
        .filter(|&i| i != but)
        .all(|i| net.logged(i, since, is))
}

/// Crashes node 7, waits until all dropped it, brings it back as `fresh` through node 0:
/// how long until everyone holds it again.
fn rejoin_after_crash<P: Protocol<Id = u32>>(net: &mut Net<P>, fresh: P) -> Duration {
    join_all(net, Duration::from_secs(60));
    net.run_until(Time::from_secs(63), |_| false);
    crash_detection(net, Duration::from_secs(60));
    let back_at = net.now;
    net.restart(CRASHED, fresh);
    net.with(CRASHED, |n, now| n.join(now, &[0]));
    let everyone =
        |net: &Net<P>| all_logged(net, CRASHED, back_at, &joined(CRASHED)) && net.converged();
    let done = net.run_until(back_at + Duration::from_secs(60), everyone);
    done.expect("the restarted node is held by all again")
        .saturating_since(back_at)
}

#[test]
fn a_restarted_node_is_taken_back_by_everyone() {
    let mut peko = Net::new(N, pekonode(3), DELAY, LOSS, 3);
    let p = rejoin_after_crash(&mut peko, pekonode(33)(CRASHED as u32));
    // SWIM: the old life was declared down, so the new one takes the next bump.
    let mut swim_net = Net::new(N, swim(3), DELAY, LOSS, 3);
    let config = SwimConfig::matching(DEFAULT_CYCLE, TIMEOUT);
    let fresh = Swim::new(CRASHED as u32, 1, config, rng(33, 7)).expect("config");
    let s = rejoin_after_crash(&mut swim_net, fresh);
    println!("rejoin after a crash: pekonode {p:?}, swim {s:?}");
}

/// Node 5 publishes once all joined: how long until every node adopted it.
fn metadata_spread<P: Protocol<Id = u32>>(net: &mut Net<P>) -> Duration {
    join_all(net, Duration::from_secs(60));
    let published_at = net.now;
    let version = 1_000;
    let mut result = None;
    net.with(5, |n, now| {
        result = Some(n.publish(now, version, b"config v2"))
    });
    assert_eq!(result, Some(Ok(())));
    let changed = move |e: &Event<u32>| *e == Event::MetadataChanged { version };
    let done = net.run_until(published_at + Duration::from_secs(60), |net| {
        (0..N).all(|i| net.logged(i, published_at, changed))
    });
    done.expect("every node adopts the metadata")
        .saturating_since(published_at)
}

#[test]
fn published_metadata_reaches_every_node() {
    let p = metadata_spread(&mut Net::new(N, pekonode(7), DELAY, LOSS, 7));
    let mut swim_net = Net::new(N, swim(7), DELAY, LOSS, 7);
    let s = metadata_spread(&mut swim_net);
    println!("metadata spread to {N}: pekonode {p:?}, swim {s:?}");
    for node in swim_net.nodes.iter().flatten() {
        assert_eq!(node.read().data(), Some(&b"config v2"[..]));
    }
    let mut alone = swim(7)(0);
    let big = vec![0; alone.config().max_packet_size];
    assert!(alone.publish(Time::ZERO, 1, &big).is_err());
}

#[test]
fn a_stopped_swim_node_is_dropped_and_a_started_one_taken_back() {
    let mut net = Net::new(N, swim(4), DELAY, LOSS, 4);
    join_all(&mut net, Duration::from_secs(60));
    let stopped_at = net.now;
    net.with(3, |n, now| n.stop(now));
    let dropped = net.run_until(stopped_at + Duration::from_secs(30), |net| {
        all_logged(net, 3, stopped_at, &expired(3))
    });
    let dropped = dropped.expect("a node that leaves is dropped by all");
    assert!(!net.nodes[3].as_ref().is_some_and(|n| n.is_active()));
    let started_at = net.now;
    net.with(3, |n, now| n.start(now));
    let taken = net.run_until(started_at + Duration::from_secs(30), |net| {
        all_logged(net, 3, started_at, &joined(3))
    });
    let taken = taken.expect("a node that starts again is taken back by all");
    println!(
        "swim stop: dropped by all in {:?}; start: taken back by all in {:?}",
        dropped.saturating_since(stopped_at),
        taken.saturating_since(started_at)
    );
    let node = net.nodes[3].as_ref().expect("node 3 runs");
    assert!(node.is_active() && node.identity().bump == 1);
}
