//! The observers fed records by hand, as a driver would.

use std::time::Duration;

use pekonode_proto::{Config, PacketKind, Time};

use super::{Measured, Observers};
use crate::outcome::Outcome;
use crate::plan::{Action, Plan, Timed};
use crate::record::{Counts, DownCause, Record};

fn plan(n: usize) -> Plan {
    let names = (0..n).map(|i| format!("n{i}")).collect();
    let timeline = (0..n as u32)
        .map(|node| Timed {
            at: Duration::ZERO,
            action: Action::Join {
                node,
                contacts: vec![],
            },
        })
        .collect();
    Plan::new("t", names, timeline)
}

/// `n` nodes up at 0 with full views.
fn converged(n: u32, measured: Measured) -> (Plan, Observers) {
    let plan = plan(n as usize);
    let config = Config::default().resolve().unwrap();
    let mut o = Observers::new(&plan, &config, measured);
    for node in 0..n {
        o.record(
            Time::ZERO,
            Record::Action(&plan.timeline[node as usize].action),
        );
        o.record(Time::ZERO, Record::Fresh { node });
        o.record(Time::ZERO, Record::Up { node });
    }
    for node in 0..n {
        for member in (0..n).filter(|&m| m != node) {
            o.record(Time::ZERO, Record::ViewAdded { node, member });
        }
    }
    (plan, o)
}

fn finish(plan: &Plan, o: Observers, end: Time) -> Outcome {
    o.finish(plan, end, None, Vec::new())
}

#[test]
fn a_crash_is_detected_when_every_holder_removed_it_and_nothing_else_counts_as_false() {
    let (plan, mut o) = converged(3, Measured::ALL);
    let t = Time::from_secs(10);
    o.record(
        t,
        Record::Down {
            node: 2,
            cause: DownCause::Crash,
        },
    );
    o.record(t, Record::Gone { node: 2 });
    o.record(
        t + Duration::from_secs(4),
        Record::ViewRemoved { node: 0, member: 2 },
    );
    o.record(
        t + Duration::from_secs(6),
        Record::ViewRemoved { node: 1, member: 2 },
    );
    o.sample(Time::from_secs(20), 0);
    let out = finish(&plan, o, Time::from_secs(30));
    let d = &out.failure_detection[0];
    assert_eq!((d.node.as_str(), d.cause.as_str()), ("n2", "crash"));
    assert_eq!(d.all_removed_after_ms, Some(6_000.0));
    assert_eq!(d.mean_removal_after_ms, Some(5_000.0));
    assert_eq!(out.false_removals, 0);
    assert_eq!(out.convergence.final_fraction, 1.0);
    let s = &out.samples[0];
    assert_eq!((s.up, s.min_view, s.max_view), (2, 2, 2));
}

#[test]
fn removing_a_live_member_is_a_false_removal_and_breaks_convergence() {
    let (plan, mut o) = converged(3, Measured::ALL);
    o.record(
        Time::from_secs(5),
        Record::ViewRemoved { node: 0, member: 1 },
    );
    let out = finish(&plan, o, Time::from_secs(6));
    assert_eq!(out.false_removals, 1);
    assert!(out.convergence.final_fraction < 1.0);
}

#[test]
fn a_publish_is_everywhere_when_every_up_node_holds_its_version() {
    let (plan, mut o) = converged(3, Measured::ALL);
    let at = Time::from_secs(1);
    o.record(
        at,
        Record::Metadata {
            node: 0,
            version: 7,
        },
    );
    o.record(
        at,
        Record::Published {
            node: 0,
            version: 7,
        },
    );
    o.record(
        Time::from_secs(2),
        Record::Metadata {
            node: 1,
            version: 7,
        },
    );
    o.record(
        Time::from_secs(3),
        Record::Metadata {
            node: 2,
            version: 9,
        },
    );
    o.record(
        Time::from_secs(3),
        Record::Published {
            node: 2,
            version: 9,
        },
    );
    let out = finish(&plan, o, Time::from_secs(10));
    assert_eq!(out.metadata[0].everywhere_after_ms, Some(2_000.0));
}

#[test]
fn a_version_nobody_published_does_not_count_as_newer() {
    // A rogue's forged version (never published) pins node 2: the publish never wins there.
    let (plan, mut o) = converged(3, Measured::ALL);
    let at = Time::from_secs(1);
    for node in 0..2 {
        o.record(at, Record::Metadata { node, version: 7 });
    }
    o.record(
        at,
        Record::Published {
            node: 0,
            version: 7,
        },
    );
    o.record(
        at,
        Record::Metadata {
            node: 2,
            version: i64::MAX,
        },
    );
    let out = finish(&plan, o, Time::from_secs(10));
    assert_eq!(out.metadata[0].everywhere_after_ms, None);
}

#[test]
fn socket_counters_fill_traffic_and_infection_is_left_unmeasured() {
    let (plan, mut o) = converged(2, Measured::SOCKETS);
    let counts = Counts {
        sent: 10,
        heartbeat_packets: 6,
        heartbeats: 2,
        bytes_sent: 1_000,
        delivered: 9,
        lost: 1,
        dropped_queue: 0,
    };
    o.record(Time::from_secs(1), Record::Counted(counts));
    assert_eq!(o.sent_in_cycle(Time::from_secs(1)), 10);
    let out = finish(&plan, o, Time::from_secs(6));
    assert_eq!(
        (out.traffic.sent, out.traffic.delivered, out.traffic.lost),
        (10, 9, 1)
    );
    assert_eq!(out.traffic.heartbeats, 2);
    assert_eq!(out.traffic.packets_per_heartbeat, 3.0);
    assert_eq!((out.infection.heartbeats, out.infection.sampled), (2, 0));
    assert!(out.infection.by_time.is_empty());
}

#[test]
fn a_tracked_heartbeat_counts_duplicates_and_coverage() {
    let (plan, mut o) = converged(3, Measured::ALL);
    let id = o.next_heartbeat();
    o.record(Time::ZERO, Record::Emitted { node: 0 });
    let sent = Record::Sent {
        kind: PacketKind::Heartbeat,
        bytes: 100,
    };
    o.record(Time::ZERO, sent);
    for to in [1, 1] {
        let heartbeat = Some((id, 1));
        o.record(
            Time::from_millis(5),
            Record::Delivered {
                to,
                bytes: 100,
                heartbeat,
            },
        );
    }
    let out = finish(&plan, o, Time::from_secs(60));
    assert_eq!(out.traffic.duplicates, 1);
    assert_eq!(out.infection.heartbeats, 1);
    assert!((out.infection.coverage.median - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn mean_up_nodes_weighs_time() {
    let (plan, mut o) = converged(2, Measured::SOCKETS);
    let counts = Counts {
        sent: 30,
        ..Counts::default()
    };
    o.record(Time::from_secs(1), Record::Counted(counts));
    o.record(
        Time::from_secs(6),
        Record::Down {
            node: 1,
            cause: DownCause::Stop,
        },
    );
    let out = finish(&plan, o, Time::from_secs(12));
    assert_eq!(out.failure_detection[0].cause, "stop");
    // 2 nodes up for one 6 s cycle, then 1: 1.5 on average over two cycles; 30 / 2 / 1.5.
    assert_eq!(out.traffic.per_node_per_cycle, 10.0);
}

#[test]
fn records_that_name_identities_outside_the_plan_change_nothing() {
    // A driver routes packets to made-up identities (forged senders, numbered after the
    // plan's nodes): records naming them must neither panic nor touch a plan node's counts.
    let (plan, mut o) = converged(3, Measured::ALL);
    let id = o.next_heartbeat();
    o.record(Time::ZERO, Record::Emitted { node: 0 });
    for to in [3, 64, 1_000, u32::MAX] {
        let heartbeat = Some((id, 1));
        o.record(
            Time::from_millis(5),
            Record::Delivered {
                to,
                bytes: 10,
                heartbeat,
            },
        );
        o.record(
            Time::from_millis(6),
            Record::ViewRemoved {
                node: 0,
                member: to,
            },
        );
        o.record(
            Time::from_millis(7),
            Record::Metadata {
                node: to,
                version: 5,
            },
        );
    }
    let out = finish(&plan, o, Time::from_secs(60));
    assert_eq!(out.traffic.duplicates, 0);
    assert_eq!(out.false_removals, 0);
    assert!((out.infection.coverage.median - 1.0 / 3.0).abs() < 1e-9);
}

#[test]
fn the_playback_follows_the_first_heartbeat_after_warm_up_of_the_lowest_up_node() {
    let (plan, mut o) = converged(3, Measured::ALL);
    let at = |ms: u64| Time::ZERO + Duration::from_millis(ms);
    let deliver = |o: &mut Observers, ms: u64, to: u32, id: u64| {
        o.record(
            at(ms),
            Record::Delivered {
                to,
                bytes: 100,
                heartbeat: Some((id, 1)),
            },
        );
    };
    o.record(at(5_000), Record::Emitted { node: 0 }); // id 0: during the warm-up
    o.record(at(20_000), Record::Emitted { node: 1 }); // id 1: n0 is up and lower
    o.record(at(20_010), Record::Emitted { node: 0 }); // id 2: played
    deliver(&mut o, 20_020, 2, 1);
    deliver(&mut o, 20_040, 2, 2);
    deliver(&mut o, 20_060, 1, 2);
    deliver(&mut o, 20_090, 1, 2);
    o.record(
        at(30_000),
        Record::Published {
            node: 1,
            version: 7,
        },
    );
    o.record(
        at(31_000),
        Record::Metadata {
            node: 2,
            version: 7,
        },
    );
    let out = finish(&plan, o, Time::from_secs(60));
    let p = out.playback.expect("a small simulated run has a playback");
    assert_eq!(p.names, ["n0", "n1", "n2"]);
    let h = p.heartbeat.expect("a heartbeat after the warm-up");
    assert_eq!((h.origin, h.id, h.at_ms), (0, 2, 20_010.0));
    assert_eq!(h.up, [true, true, true]);
    assert_eq!(
        h.arrived_ms,
        [Some(20_010.0), Some(20_060.0), Some(20_040.0)]
    );
    let m = p.publish.expect("the publish");
    assert_eq!((m.origin, m.id), (1, 7));
    assert_eq!(m.arrived_ms, [None, Some(30_000.0), Some(31_000.0)]);
}

#[test]
fn no_playback_on_real_sockets_or_past_the_node_limit() {
    let (small, o) = converged(3, Measured::SOCKETS);
    assert!(finish(&small, o, Time::from_secs(1)).playback.is_none());
    let big = plan(crate::outcome::PLAYBACK_MAX_NODES + 1);
    let config = Config::default().resolve().unwrap();
    let o = Observers::new(&big, &config, Measured::ALL);
    assert!(finish(&big, o, Time::from_secs(1)).playback.is_none());
}
