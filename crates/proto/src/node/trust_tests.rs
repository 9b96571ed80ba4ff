//! The trust rules of one node, checked by feeding it forged packets by hand.

use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::Trust;

/// Unix ns at `Time::ZERO` in these tests.
const WALL: i64 = 1_800_000_000_000_000_000;

fn hardened(id: u32, trust: Trust) -> Node<u32> {
    let config = Config {
        trust,
        ..Config::default()
    };
    let rng = ChaCha8Rng::seed_from_u64(u64::from(id));
    let mut node = Node::new(NodeInfo::new(id, "me"), config, rng, Time::ZERO).unwrap();
    node.set_wall_clock(Time::ZERO, WALL);
    node
}

fn packet(kind: PacketKind, from: u32, version: i64) -> Packet<u32> {
    Packet {
        kind,
        node: NodeInfo::new(from, "x"),
        infected: Infected::of(from),
        metadata: Metadata::new(b"m", version),
        lineage: None,
    }
}

fn rejections(node: &mut Node<u32>) -> Vec<RejectReason> {
    std::iter::from_fn(|| node.poll_event())
        .filter_map(|e| match e {
            Event::PacketRejected { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

#[test]
fn a_version_far_ahead_of_the_clock_is_not_adopted_but_a_near_one_is() {
    // Without probation, so that a stranger's first packet is handled.
    let trust = Trust {
        probation: false,
        ..Trust::HARDENED
    };
    let mut n = hardened(0, trust);
    let now = Time::from_secs(5);
    n.handle_packet(now, packet(PacketKind::Update, 1, i64::MAX));
    assert_eq!(n.read().version(), 0);
    assert!(matches!(
        rejections(&mut n)[..],
        [RejectReason::VersionAhead { .. }]
    ));
    // The sender is still a member: only the metadata was refused.
    assert!(n.knows(&1));
    let near = WALL + 5_000_000_000 + 59_000_000_000;
    n.handle_packet(now, packet(PacketKind::SwapReply, 1, near));
    assert_eq!(n.read().version(), near);
    // Without the wall clock (or with the rule off), Go's rule: newer wins.
    let mut go = Node::new(
        NodeInfo::new(0, "go"),
        Config::default(),
        ChaCha8Rng::seed_from_u64(0),
        Time::ZERO,
    )
    .unwrap();
    go.set_wall_clock(Time::ZERO, WALL);
    go.handle_packet(now, packet(PacketKind::Update, 1, i64::MAX));
    assert_eq!(go.read().version(), i64::MAX);
}

#[test]
fn a_forged_burst_admits_at_most_the_rate_and_never_past_the_view_cap() {
    let trust = Trust {
        admit_per_sec: 10,
        max_view: 15,
        ..Trust::default()
    };
    let mut n = hardened(0, trust);
    n.set(Time::ZERO, NodeInfo::new(1, "friend"));
    let t = Time::from_millis(100);
    for fake in 1_000..4_000 {
        n.handle_packet(t, packet(PacketKind::Heartbeat, fake, 0));
    }
    // Self, the friend and one second's worth of strangers.
    assert_eq!(n.view_len(), 2 + 10);
    let refused = rejections(&mut n);
    assert_eq!(refused.len(), 3_000 - 10);
    assert!(matches!(
        refused[0],
        RejectReason::AdmissionLimit { per_sec: 10 }
    ));
    // A known member is always heard, however full the bucket.
    n.handle_packet(t, packet(PacketKind::Heartbeat, 1, 0));
    assert!(rejections(&mut n).is_empty());
    // Seconds later the rate admits more, up to the cap.
    for (i, fake) in (5_000..5_100).enumerate() {
        let at = Time::from_millis(200 + 100 * i as u64);
        n.handle_packet(at, packet(PacketKind::Heartbeat, fake, 0));
    }
    assert_eq!(n.view_len(), 15);
    assert!(rejections(&mut n)
        .iter()
        .any(|r| matches!(r, RejectReason::ViewFull { limit: 15 })));
    // `set` is the operator's word: never limited.
    n.set(t, NodeInfo::new(2, "operator's"));
    assert!(n.knows(&2));
}

#[test]
fn guarded_swaps_answer_members_only_and_within_the_budget() {
    let trust = Trust {
        guarded_swaps: true,
        ..Trust::default()
    };
    let mut n = hardened(0, trust);
    n.publish(Time::ZERO, WALL, b"ours");
    n.set(Time::ZERO, NodeInfo::new(1, "member"));
    while n.poll_transmit().is_some() {}
    let _ = rejections(&mut n);
    // A stranger (a forged address) gets nothing.
    n.handle_packet(Time::ZERO, packet(PacketKind::SwapRequest, 99, 0));
    assert!(n.poll_transmit().is_none());
    assert_eq!(rejections(&mut n), vec![RejectReason::SwapToStranger]);
    // A member gets replies, at most 2 × amount in a burst, then amount per cycle.
    let t = Time::from_secs(1);
    let replies = (0..100)
        .filter(|_| {
            n.handle_packet(t, packet(PacketKind::SwapRequest, 1, 0));
            n.poll_transmit().is_some()
        })
        .count();
    assert_eq!(replies, 6);
    assert!(rejections(&mut n).contains(&RejectReason::SwapBudget));
    let next_cycle = t + Duration::from_secs(6);
    let more = (0..100)
        .filter(|_| {
            n.handle_packet(next_cycle, packet(PacketKind::SwapRequest, 1, 0));
            n.poll_transmit().is_some()
        })
        .count();
    assert_eq!(more, 3);
}

#[test]
fn with_every_rule_off_a_node_believes_every_packet_as_go_does() {
    let mut n = hardened(0, Trust::default());
    for fake in 1..2_000 {
        n.handle_packet(Time::ZERO, packet(PacketKind::Heartbeat, fake, 0));
    }
    assert_eq!(n.view_len(), 2_000);
    n.publish(Time::ZERO, WALL, b"ours");
    while n.poll_transmit().is_some() {}
    n.handle_packet(Time::ZERO, packet(PacketKind::SwapRequest, 5_000, 0));
    assert_eq!(n.poll_transmit().map(|t| t.to), Some(5_000));
}

#[test]
fn news_that_would_change_this_nodes_own_record_is_refused_in_every_mode() {
    for trust in [Trust::default(), Trust::HARDENED] {
        let mut n = hardened(0, trust);
        n.set(Time::ZERO, NodeInfo::bare(2));
        n.join(Time::ZERO);
        while n.poll_transmit().is_some() {}
        rejections(&mut n);
        // A forged heartbeat naming node 0 "x" (its name is "me"), sent to node 0 itself.
        let forged = Packet {
            infected: Infected::of(9),
            ..packet(PacketKind::Heartbeat, 0, 0)
        };
        n.handle_packet(Time::from_secs(1), forged);
        assert_eq!(rejections(&mut n), [RejectReason::OwnRecord]);
        assert!(n.get().all(|info| info.name() != "x"), "renamed itself");
        assert!(n.poll_transmit().is_none(), "forwarded the forgery");
        // News of this node with its own record is not refused.
        let own = Packet {
            node: n.local().clone(),
            infected: Infected::of(9),
            ..packet(PacketKind::Heartbeat, 0, 0)
        };
        n.handle_packet(Time::from_secs(1), own);
        assert!(rejections(&mut n).is_empty());
    }
}

#[test]
fn one_shot_identities_never_enter_the_view_on_probation_and_a_newcomer_does() {
    let mut n = hardened(0, Trust::HARDENED);
    n.set(Time::ZERO, NodeInfo::new(1, "member"));
    n.join(Time::ZERO);
    while n.poll_transmit().is_some() {}
    rejections(&mut n);
    // 10,000 made-up identities a second for 5 s, each heard once.
    for i in 0..50_000u32 {
        let at = Time::from_micros(100_000 + u64::from(i) * 100);
        n.handle_packet(at, packet(PacketKind::Heartbeat, 1_000 + i, 0));
    }
    assert_eq!(n.view_len(), 2, "only self and the member are listed");
    // First heartbeats of strangers are forwarded within the budget only: a second's burst
    // and `admit_per_sec` a second after it (5 s of flood), each to the view's two entries
    // (the forgery's infected set names neither).
    let forwarded = std::iter::from_fn(|| n.poll_transmit()).count();
    assert!(
        (1_000..=1_200).contains(&forwarded),
        "{forwarded} forwarded"
    );
    let refused = rejections(&mut n);
    assert!(refused.iter().all(|r| *r == RejectReason::Probation));
    // Every heartbeat of this node still goes to the real member.
    n.handle_timeout(Time::from_secs(6));
    let to: Vec<u32> = std::iter::from_fn(|| n.poll_transmit())
        .filter(|t| t.packet.kind == PacketKind::Heartbeat)
        .map(|t| t.to)
        .collect();
    assert_eq!(to, [1]);
    // A newcomer heard once, then again a cycle later, is listed (the admission rate's
    // tokens were never spent on the flood).
    let newcomer = || packet(PacketKind::Heartbeat, 7, 0);
    n.handle_packet(Time::from_secs(6), newcomer());
    assert!(!n.knows(&7));
    n.handle_packet(Time::from_secs(12), newcomer());
    assert!(n.knows(&7));
}
