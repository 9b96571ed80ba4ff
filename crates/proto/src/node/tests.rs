//! Rules of one node, checked by feeding it inputs by hand.

use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::Forwarding;

const CYCLE: Duration = Duration::from_secs(6);
const TIMEOUT: Duration = Duration::from_secs(20);

fn node_with(id: u32, forwarding: Forwarding) -> Node<u32> {
    let config = Config {
        forwarding,
        ..Config::default()
    };
    let rng = ChaCha8Rng::seed_from_u64(u64::from(id) + 100);
    Node::new(
        NodeInfo::new(id, &format!("n{id}")),
        config,
        rng,
        Time::ZERO,
    )
    .unwrap()
}

fn node(id: u32) -> Node<u32> {
    node_with(id, Forwarding::Faithful)
}

/// A node that knows `0..n`.
fn full_view(id: u32, n: u32, forwarding: Forwarding) -> Node<u32> {
    let mut node = node_with(id, forwarding);
    for other in 0..n {
        node.set(Time::ZERO, NodeInfo::new(other, &format!("n{other}")));
    }
    drain_events(&mut node);
    node
}

fn drain(node: &mut Node<u32>) -> Vec<Transmit<u32>> {
    std::iter::from_fn(|| node.poll_transmit()).collect()
}

fn drain_events(node: &mut Node<u32>) -> Vec<Event<u32>> {
    std::iter::from_fn(|| node.poll_event()).collect()
}

fn heartbeat_from(origin: u32, infected: &[u32]) -> Packet<u32> {
    Packet {
        kind: PacketKind::Heartbeat,
        node: NodeInfo::new(origin, &format!("n{origin}")),
        infected: infected.iter().copied().collect(),
        metadata: Metadata::default(),
        lineage: None,
    }
}

fn swap(kind: PacketKind, from: u32, version: i64) -> Packet<u32> {
    Packet {
        kind,
        node: NodeInfo::new(from, &format!("n{from}")),
        infected: Infected::new(),
        metadata: Metadata::new(b"v", version),
        lineage: None,
    }
}

fn ids(node: &Node<u32>) -> Vec<u32> {
    node.get().map(|n| n.id).collect()
}

#[test]
fn heartbeat_goes_to_at_most_amount_uninfected_nodes_then_one_swap_request() {
    let mut n = full_view(0, 10, Forwarding::Faithful);
    n.join(Time::ZERO);
    let out = drain(&mut n);
    assert_eq!(out.len(), 4);
    let (beats, swaps) = out.split_at(3);
    for t in beats {
        assert_eq!(t.packet.kind, PacketKind::Heartbeat);
        assert_ne!(t.to, 0, "a node never sends its heartbeat to itself");
        assert_eq!(t.packet.node.id, 0);
    }
    assert_eq!(swaps[0].packet.kind, PacketKind::SwapRequest);
    assert_ne!(swaps[0].to, 0);
}

#[test]
fn every_target_gets_the_set_enlarged_by_all_picks() {
    let mut n = full_view(0, 10, Forwarding::Faithful);
    n.join(Time::ZERO);
    let beats: Vec<_> = drain(&mut n).into_iter().take(3).collect();
    let expected: Infected<u32> = std::iter::once(0)
        .chain(beats.iter().map(|t| t.to))
        .collect();
    for t in &beats {
        assert_eq!(t.packet.infected, expected);
    }
}

#[test]
fn forwarding_never_targets_an_infected_node() {
    let mut n = full_view(5, 10, Forwarding::Faithful);
    for round in 0..200 {
        let infected: Vec<u32> = (0..10)
            .filter(|i| (i + round) % 3 == 0)
            .chain([5])
            .collect();
        n.handle_packet(Time::ZERO, heartbeat_from(1, &infected));
        let out = drain(&mut n);
        assert!(out.len() <= 3);
        for t in out {
            assert!(!infected.contains(&t.to), "sent to infected {}", t.to);
        }
    }
}

#[test]
fn a_packet_stops_when_its_infected_set_covers_the_view() {
    let mut n = full_view(5, 6, Forwarding::Faithful);
    n.handle_packet(Time::ZERO, heartbeat_from(1, &[0, 1, 2, 3, 4, 5]));
    assert!(drain(&mut n).is_empty());
}

#[test]
fn the_origin_not_the_forwarder_is_refreshed() {
    let mut n = node(0);
    // Node 2 forwards node 1's heartbeat: only 1 enters the view.
    n.handle_packet(Time::ZERO, heartbeat_from(1, &[1, 2, 0]));
    assert_eq!(ids(&n), vec![0, 1]);
    assert!(drain_events(&mut n).contains(&Event::MemberJoined(NodeInfo::new(1, "n1"))));
}

#[test]
fn expiry_happens_after_more_than_timeout_of_silence() {
    let mut n = node(0);
    let t0 = Time::from_secs(1);
    n.set(t0, NodeInfo::bare(1));
    drain_events(&mut n);
    n.handle_timeout(t0 + TIMEOUT);
    assert!(n.knows(&1), "silent for exactly timeout: still there");
    let at = t0 + TIMEOUT + Duration::from_micros(1);
    assert_eq!(n.poll_timeout(), Some(at));
    n.handle_timeout(at);
    assert!(!n.knows(&1));
    assert!(drain_events(&mut n).contains(&Event::MemberExpired(1)));
}

#[test]
fn the_local_entry_expires_after_stop_and_the_list_empties() {
    let mut n = full_view(0, 3, Forwarding::Faithful);
    n.join(Time::ZERO);
    n.stop(Time::from_secs(1));
    drain(&mut n);
    let mut t = Time::from_secs(1);
    while let Some(next) = n.poll_timeout() {
        assert!(next < Time::from_secs(100), "a stopped node must go quiet");
        t = next;
        n.handle_timeout(t);
        assert!(
            drain(&mut n).is_empty(),
            "a stopped node sends nothing by itself"
        );
    }
    assert!(ids(&n).is_empty());
    assert!(t > Time::ZERO + TIMEOUT);
}

#[test]
fn stop_still_forwards_and_answers_swaps() {
    let mut n = full_view(0, 10, Forwarding::Faithful);
    n.join(Time::ZERO);
    n.publish(Time::ZERO, 50, b"x");
    drain(&mut n);
    n.stop(Time::ZERO);
    n.handle_packet(Time::ZERO, heartbeat_from(1, &[1, 0]));
    assert_eq!(drain(&mut n).len(), 3);
    n.handle_packet(Time::ZERO, swap(PacketKind::SwapRequest, 2, 10));
    let reply = drain(&mut n);
    assert_eq!(reply.len(), 1);
    assert_eq!(reply[0].packet.kind, PacketKind::SwapReply);
}

#[test]
fn start_resumes_heartbeats_and_brings_the_local_entry_back() {
    let mut n = full_view(0, 3, Forwarding::Faithful);
    n.join(Time::ZERO);
    n.stop(Time::ZERO);
    drain(&mut n);
    n.handle_timeout(Time::from_secs(60));
    assert!(ids(&n).is_empty());
    assert!(!n.is_heartbeating());
    n.set(Time::from_secs(61), NodeInfo::bare(1));
    n.start(Time::from_secs(61));
    assert!(n.is_heartbeating());
    assert_eq!(ids(&n), vec![0, 1]);
    let out = drain(&mut n);
    assert_eq!(out.len(), 2, "one heartbeat to 1, one swap request to 1");
    assert!(out.iter().all(|t| t.to == 1));
    assert!(n.poll_timeout() <= Some(Time::from_secs(61) + CYCLE));
}

#[test]
fn heartbeats_repeat_every_cycle_while_started() {
    let mut n = full_view(0, 4, Forwarding::Faithful);
    n.join(Time::ZERO);
    drain(&mut n);
    for k in 1..=5u64 {
        let at = Time::ZERO + CYCLE * k as u32;
        assert!(n.poll_timeout().unwrap() <= at);
        n.handle_timeout(at);
        let out = drain(&mut n);
        let beats = out
            .iter()
            .filter(|t| t.packet.kind == PacketKind::Heartbeat)
            .count();
        // Others are silent here, so they expire after the timeout and sends stop.
        if at > Time::ZERO + TIMEOUT {
            assert_eq!(ids(&n), vec![0]);
            assert_eq!(beats, 0);
        } else {
            assert_eq!(beats, 3);
        }
    }
}

#[test]
fn a_newer_swap_is_adopted_without_reply() {
    let mut n = node(0);
    n.handle_packet(Time::ZERO, swap(PacketKind::SwapRequest, 1, 10));
    assert_eq!(n.read().version(), 10);
    assert_eq!(n.read().bytes(), b"v");
    assert!(drain(&mut n).is_empty());
    assert!(drain_events(&mut n).contains(&Event::MetadataChanged { version: 10 }));
}

#[test]
fn an_older_swap_request_gets_our_metadata_back_and_an_older_reply_does_not() {
    let mut n = node(0);
    n.publish(Time::ZERO, 20, b"ours");
    drain(&mut n);
    n.handle_packet(Time::ZERO, swap(PacketKind::SwapRequest, 1, 10));
    let out = drain(&mut n);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].to, 1);
    assert_eq!(out[0].packet.kind, PacketKind::SwapReply);
    assert_eq!(out[0].packet.metadata, Metadata::new(b"ours", 20));
    n.handle_packet(Time::ZERO, swap(PacketKind::SwapReply, 1, 10));
    assert!(drain(&mut n).is_empty());
    assert_eq!(n.read().version(), 20);
}

#[test]
fn an_equal_swap_does_nothing() {
    let mut n = node(0);
    n.publish(Time::ZERO, 20, b"ours");
    drain(&mut n);
    drain_events(&mut n);
    n.handle_packet(Time::ZERO, swap(PacketKind::SwapRequest, 1, 20));
    assert!(drain(&mut n).is_empty());
    assert!(drain_events(&mut n).is_empty());
}

#[test]
fn swaps_never_refresh_liveness() {
    let mut n = node(0);
    n.handle_packet(Time::ZERO, swap(PacketKind::SwapRequest, 1, 10));
    assert!(!n.knows(&1), "a swap does not insert its sender");
    n.set(Time::ZERO, NodeInfo::bare(1));
    n.handle_packet(Time::from_secs(15), swap(PacketKind::SwapReply, 1, 11));
    n.handle_timeout(Time::ZERO + TIMEOUT + Duration::from_micros(1));
    assert!(!n.knows(&1), "a swap does not refresh its sender");
}

#[test]
fn an_update_is_adopted_only_if_newer() {
    let mut n = full_view(0, 4, Forwarding::Faithful);
    n.publish(Time::ZERO, 20, b"ours");
    let mut older = heartbeat_from(1, &[1]);
    older.kind = PacketKind::Update;
    older.metadata = Metadata::new(b"old", 10);
    n.handle_packet(Time::ZERO, older);
    assert_eq!(n.read().bytes(), b"ours");
    let mut newer = heartbeat_from(1, &[1]);
    newer.kind = PacketKind::Update;
    newer.metadata = Metadata::new(b"new", 30);
    n.handle_packet(Time::ZERO, newer);
    assert_eq!(n.read().bytes(), b"new");
    // A plain heartbeat never carries metadata into the node.
    let mut hb = heartbeat_from(1, &[1]);
    hb.metadata = Metadata::new(b"sneaky", 99);
    n.handle_packet(Time::ZERO, hb);
    assert_eq!(n.read().version(), 30);
}

#[test]
fn a_node_is_identified_by_address_and_a_new_name_updates_it_in_place() {
    let mut n = node(0);
    n.set(Time::ZERO, NodeInfo::bare(1));
    n.handle_packet(Time::ZERO, heartbeat_from(1, &[1]));
    assert_eq!(ids(&n), vec![0, 1]);
    assert_eq!(n.get().nth(1).unwrap().name(), "n1");
    let events = drain_events(&mut n);
    assert!(events.contains(&Event::MemberUpdated(NodeInfo::new(1, "n1"))));
}

#[test]
fn first_copy_forwards_each_heartbeat_at_most_once_per_node() {
    let mut n = full_view(5, 20, Forwarding::FirstCopy);
    n.handle_packet(Time::ZERO, heartbeat_from(1, &[1]));
    assert_eq!(drain(&mut n).len(), 3);
    for _ in 0..10 {
        n.handle_packet(Time::from_secs(1), heartbeat_from(1, &[1]));
        assert!(drain(&mut n).is_empty(), "a second copy is not forwarded");
    }
    assert_eq!(
        n.entries().nth(1).map(|e| e.1),
        Some(Time::from_secs(1)),
        "every copy refreshes"
    );
    // The next heartbeat of the same origin, a cycle later, travels again.
    n.handle_packet(Time::ZERO + CYCLE, heartbeat_from(1, &[1]));
    assert_eq!(drain(&mut n).len(), 3);
}

#[test]
fn first_copy_forwards_an_update_only_if_adopted() {
    let mut n = full_view(5, 20, Forwarding::FirstCopy);
    let mut up = heartbeat_from(1, &[1]);
    up.kind = PacketKind::Update;
    up.metadata = Metadata::new(b"m", 7);
    n.handle_packet(Time::ZERO, up.clone());
    assert_eq!(drain(&mut n).len(), 3);
    n.handle_packet(Time::ZERO, up);
    assert!(drain(&mut n).is_empty());
}

#[test]
fn the_same_seed_and_inputs_give_the_same_outputs() {
    let run = || {
        let mut n = full_view(0, 30, Forwarding::Faithful);
        n.join(Time::ZERO);
        n.handle_packet(Time::from_secs(1), heartbeat_from(7, &[7, 3]));
        n.handle_timeout(Time::ZERO + CYCLE);
        (drain(&mut n), drain_events(&mut n))
    };
    assert_eq!(run(), run());
}

#[test]
fn transmits_say_which_heartbeat_and_hop_they_carry() {
    let mut a = full_view(0, 10, Forwarding::Faithful);
    a.join(Time::ZERO);
    let first = drain(&mut a);
    let own: Vec<_> = first.iter().filter_map(Transmit::heartbeat).collect();
    assert!(!own.is_empty());
    assert!(own
        .iter()
        .all(|(origin, l)| **origin == 0 && l.emission == 1 && l.hops == 1));
    assert!(first
        .iter()
        .filter(|t| t.heartbeat().is_some())
        .all(|t| t.is_own_heartbeat(&0)));
    // The swap request carries no heartbeat.
    assert!(first
        .iter()
        .any(|t| t.packet.kind == PacketKind::SwapRequest && t.heartbeat().is_none()));

    // A forward keeps the origin's emission and adds a hop; a packet off the wire (no
    // lineage) is forwarded without one.
    let mut b = full_view(5, 10, Forwarding::Faithful);
    let copy = first
        .iter()
        .find(|t| t.heartbeat().is_some())
        .unwrap()
        .packet
        .clone();
    b.handle_packet(Time::ZERO, copy);
    let forwards = drain(&mut b);
    assert!(!forwards.is_empty());
    for t in &forwards {
        let (origin, l) = t.heartbeat().unwrap();
        assert_eq!((*origin, l.emission, l.hops), (0, 1, 2));
        assert!(!t.is_own_heartbeat(&5));
    }
    let mut c = full_view(6, 10, Forwarding::Faithful);
    c.handle_packet(Time::ZERO, heartbeat_from(0, &[0]));
    assert!(drain(&mut c).iter().all(|t| t.heartbeat().is_none()));

    // The next heartbeat is the next emission.
    a.handle_timeout(Time::ZERO + CYCLE);
    let second = drain(&mut a);
    assert!(second
        .iter()
        .filter_map(Transmit::heartbeat)
        .all(|(_, l)| l.emission == 2 && l.hops == 1));
}

#[test]
fn with_rejoin_a_node_that_lost_everyone_heartbeats_its_contacts_again() {
    let rejoin = Duration::from_secs(30);
    let lonely_after_expiry = |rejoin: Duration| {
        let config = Config {
            forwarding: Forwarding::FirstCopy,
            rejoin,
            ..Config::default()
        };
        let rng = ChaCha8Rng::seed_from_u64(5);
        let mut a = Node::new(NodeInfo::new(0u32, "n0"), config, rng, Time::ZERO).unwrap();
        a.set(Time::ZERO, NodeInfo::new(1, "n1"));
        a.set(Time::ZERO, NodeInfo::new(2, "n2"));
        a.join(Time::ZERO);
        drain(&mut a);
        // Nobody answers: both contacts expire, then the next heartbeat is due.
        let mut now = Time::ZERO;
        for _ in 0..10 {
            now = now + CYCLE;
            a.handle_timeout(now);
            drain(&mut a);
        }
        assert_eq!(ids(&a), [0], "only itself is left");
        now = now + CYCLE;
        a.handle_timeout(now);
        drain(&mut a)
    };
    let sent = lonely_after_expiry(rejoin);
    let mut to: Vec<u32> = sent
        .iter()
        .filter(|t| t.is_own_heartbeat(&0))
        .map(|t| t.to)
        .collect();
    to.sort_unstable();
    assert_eq!(to, [1, 2], "its heartbeat goes to both forgotten contacts");
    // Go PekoNode's behaviour (rejoin off): a lonely node sends nothing at all.
    assert!(lonely_after_expiry(Duration::ZERO).is_empty());
}
