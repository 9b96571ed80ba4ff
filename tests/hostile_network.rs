//! Real nodes on 127.0.0.1 against forged, replayed and edited datagrams, in Go's JSON mode
//! with the hardening rules and in sealed mode. Each test is one row of the threat table in
//! docs/security.md.

mod udp_common;

use std::net::UdpSocket;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind, Trust};
use pekonode::udp::{Config, Event, NodeList};
use pekonode::wire::{Endpoint, JsonCodec, Key, Keyring, Sealed};
use udp_common::{all_list, cluster, config, names, node, wait_until, DEADLINE};

fn heartbeat(from: Endpoint, name: &str, version: i64) -> Packet<Endpoint> {
    Packet {
        kind: if version == 0 {
            PacketKind::Heartbeat
        } else {
            PacketKind::Update
        },
        node: NodeInfo::new(from.clone(), name),
        infected: Infected::of(from),
        metadata: Metadata::new(b"forged", version),
        lineage: None,
    }
}

fn endpoint(list: &NodeList) -> Endpoint {
    Endpoint::new("127.0.0.1", list.local_addr().port())
}

/// Sends `count` forged heartbeats of fake nodes to each target, within about a second.
fn forged_burst(
    targets: &[&NodeList],
    count: u16,
    mut encode: impl FnMut(&Packet<Endpoint>, &Endpoint) -> Vec<u8>,
) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..count {
        let packet = heartbeat(Endpoint::new("127.0.0.1", 30_000 + i), "fake", 0);
        for t in targets {
            let bytes = encode(&packet, &endpoint(t));
            let _ = socket.send_to(&bytes, t.local_addr());
        }
        if i % 50 == 49 {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn ring(byte: u8) -> Keyring {
    Keyring::new(Key::from_bytes([byte; 32]))
}

fn sealed_config(keyring: Keyring) -> Config {
    Config {
        keyring: Some(keyring),
        ..config()
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[test]
fn a_forged_burst_heals_within_two_timeouts_with_rejoin() {
    let timeout = Duration::from_secs(2);
    let config = Config {
        protocol: pekonode::protocol::Config {
            timeout,
            rejoin: Duration::from_millis(500),
            buffer: 4096,
            // No trust rule (the default's admission limit would keep most fakes out): rejoin alone.
            trust: Trust::default(),
            ..config().protocol
        },
        ..config()
    };
    let nodes = cluster(&["A", "B"], &config);
    let refs: Vec<&NodeList> = nodes.iter().collect();
    wait_until("A and B list each other", || all_list(&refs, &["A", "B"]));
    forged_burst(&refs, 3_000, |p, _| JsonCodec::new("").encode(p));
    let burst_end = Instant::now();
    wait_until(
        "the fake members expire and A and B list each other",
        || all_list(&refs, &["A", "B"]),
    );
    let healed = burst_end.elapsed();
    assert!(
        healed <= 2 * timeout,
        "converged {healed:?} after the burst"
    );
}

#[test]
fn sealed_nodes_reject_a_forged_burst_outright() {
    let config = Config {
        protocol: pekonode::protocol::Config {
            buffer: 4096,
            ..sealed_config(ring(1)).protocol
        },
        ..sealed_config(ring(1))
    };
    let nodes = cluster(&["A", "B"], &config);
    let refs: Vec<&NodeList> = nodes.iter().collect();
    wait_until("A and B list each other", || all_list(&refs, &["A", "B"]));
    // Plain JSON (what Go nodes and the attack above send), then envelopes under another key.
    forged_burst(&refs, 1_000, |p, _| JsonCodec::new("").encode(p));
    let mut stranger = Sealed::new(ring(9), 42);
    forged_burst(&refs, 1_000, |p, to| stranger.encode(p, to, now_ms()));
    wait_until("both nodes counted the forged envelopes", || {
        refs.iter().all(|n| n.stats().unauthentic >= 900)
    });
    for n in &refs {
        assert_eq!(names(n), ["A", "B"]);
        let s = n.stats();
        assert!(s.rejected >= s.unauthentic + 900, "{s:?}");
    }
}

#[test]
fn a_max_version_datagram_does_not_pin_the_hardened_metadata() {
    let config = Config {
        protocol: pekonode::protocol::Config {
            trust: Trust::HARDENED,
            ..config().protocol
        },
        ..config()
    };
    let nodes = cluster(&["A", "B"], &config);
    let refs: Vec<&NodeList> = nodes.iter().collect();
    wait_until("A and B list each other", || all_list(&refs, &["A", "B"]));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let forged = heartbeat(endpoint(&nodes[1]), "B", i64::MAX);
    socket
        .send_to(&JsonCodec::new("").encode(&forged), nodes[0].local_addr())
        .unwrap();
    wait_until("A counts the refused version", || {
        nodes[0].stats().distrusted >= 1
    });
    assert_ne!(nodes[0].version(), i64::MAX);
    // A later publish still spreads: nothing is pinned.
    nodes[1].publish(b"real").unwrap();
    wait_until("A adopts B's publish", || nodes[0].read() == b"real");
}

#[test]
fn a_forged_swap_request_gets_no_reply_to_a_stranger_when_hardened() {
    for (trust, replies) in [(Trust::default(), true), (Trust::HARDENED, false)] {
        let a = node(
            "A",
            &Config {
                protocol: pekonode::protocol::Config {
                    trust,
                    ..config().protocol
                },
                ..config()
            },
        );
        a.join();
        a.publish(b"metadata worth reflecting").unwrap();
        let victim = UdpSocket::bind("127.0.0.1:0").unwrap();
        victim
            .set_read_timeout(Some(Duration::from_millis(1_500)))
            .unwrap();
        let request = Packet {
            kind: PacketKind::SwapRequest,
            node: NodeInfo::new(
                Endpoint::new("127.0.0.1", victim.local_addr().unwrap().port()),
                "victim",
            ),
            infected: Infected::new(),
            metadata: Metadata::default(),
            lineage: None,
        };
        let attacker = UdpSocket::bind("127.0.0.1:0").unwrap();
        attacker
            .send_to(&JsonCodec::new("").encode(&request), a.local_addr())
            .unwrap();
        let mut buf = [0u8; 2048];
        let got = victim.recv_from(&mut buf).is_ok();
        assert_eq!(got, replies, "trust {trust:?}");
    }
}

/// Receives datagrams on `sniffer` until one is a sealed envelope (A heartbeats its contacts).
fn sniff(sniffer: &UdpSocket) -> Vec<u8> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    while start.elapsed() < DEADLINE {
        if let Ok((len, _)) = sniffer.recv_from(&mut buf) {
            if buf[0] == pekonode::wire::sealed::MAGIC {
                return buf[..len].to_vec();
            }
        }
    }
    panic!("no sealed datagram sniffed within {DEADLINE:?}");
}

#[test]
fn replayed_edited_stale_and_wrong_key_datagrams_are_rejected_and_counted() {
    // Go's trust rules, so that one genuine datagram from a stranger lists it (no probation).
    let config = Config {
        protocol: pekonode::protocol::Config {
            trust: Trust::default(),
            ..sealed_config(ring(1)).protocol
        },
        ..sealed_config(ring(1))
    };
    let a = node("A", &config);
    let b = node("B", &config);
    // A sniffer that A believes is a member: A's sealed heartbeats reach it.
    let sniffer = UdpSocket::bind("127.0.0.1:0").unwrap();
    sniffer
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let sniffed_at = Endpoint::new("127.0.0.1", sniffer.local_addr().unwrap().port());
    a.set(pekonode::udp::Node::new(
        "127.0.0.1",
        sniffed_at.port(),
        "sniffer",
    ));
    a.join();
    let captured = sniff(&sniffer);
    let attacker = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = b.local_addr();
    let b_end = endpoint(&b);
    // A genuine datagram sealed for the sniffer, replayed to B: refused, it names another
    // receiver (v1 envelopes named none, and B listed A from it).
    attacker.send_to(&captured, to).unwrap();
    attacker.send_to(&captured, to).unwrap();
    wait_until("B counts both replays", || b.stats().replayed >= 2);
    assert!(!names(&b).contains(&"A".to_string()));
    // A datagram sealed for B (by a key holder), accepted once; its replay is refused.
    let mut holder = Sealed::new(ring(1), 76);
    let packet = heartbeat(Endpoint::new("127.0.0.1", 40_002), "genuine", 0);
    let genuine = holder.encode(&packet, &b_end, now_ms());
    attacker.send_to(&genuine, to).unwrap();
    wait_until("B lists the genuine sender", || {
        names(&b).contains(&"genuine".to_string())
    });
    attacker.send_to(&genuine, to).unwrap();
    wait_until("B counts the replay", || b.stats().replayed >= 3);
    // One flipped bit in the ciphertext.
    let mut edited = holder.encode(&packet, &b_end, now_ms());
    let last = edited.len() - 20;
    edited[last] ^= 0x40;
    attacker.send_to(&edited, to).unwrap();
    wait_until("B counts the edit", || b.stats().unauthentic >= 1);
    // The right key, but a timestamp a minute old: a replay of a datagram B never saw.
    let mut old = Sealed::new(ring(1), 77);
    let packet = heartbeat(Endpoint::new("127.0.0.1", 40_001), "ghost", 0);
    attacker
        .send_to(&old.encode(&packet, &b_end, now_ms() - 60_000), to)
        .unwrap();
    wait_until("B counts the stale datagram", || b.stats().stale >= 1);
    // Another key.
    let mut wrong = Sealed::new(ring(2), 78);
    attacker
        .send_to(&wrong.encode(&packet, &b_end, now_ms()), to)
        .unwrap();
    wait_until("B counts the wrong key", || b.stats().unauthentic >= 2);
    assert!(!names(&b).contains(&"ghost".to_string()));
}

/// Whether `events` reported a member expiring.
fn lost_member(events: &Receiver<Event>) -> bool {
    events
        .try_iter()
        .any(|e| matches!(e, Event::MemberExpired(_)))
}

#[test]
fn keys_rotate_on_a_cluster_of_three_without_losing_membership() {
    let (old, new) = (Key::from_bytes([1; 32]), Key::from_bytes([2; 32]));
    let nodes = cluster(&["A", "B", "C"], &sealed_config(Keyring::new(old.clone())));
    let refs: Vec<&NodeList> = nodes.iter().collect();
    wait_until("all three list each other", || {
        all_list(&refs, &["A", "B", "C"])
    });
    let events: Vec<Receiver<Event>> = nodes.iter().map(NodeList::events).collect();
    let settle = || std::thread::sleep(udp_common::TIMEOUT + udp_common::CYCLE * 2);
    let mut rings: Vec<Keyring> = vec![Keyring::new(old.clone()); 3];
    // 1. install the new key everywhere, 2. use it node by node, 3. remove the old one.
    for (i, n) in nodes.iter().enumerate() {
        rings[i].install(new.clone()).unwrap();
        n.set_keyring(rings[i].clone()).unwrap();
    }
    settle();
    for (i, n) in nodes.iter().enumerate() {
        rings[i].use_key(&new).unwrap();
        n.set_keyring(rings[i].clone()).unwrap();
        settle();
    }
    for (i, n) in nodes.iter().enumerate() {
        rings[i].remove(&old).unwrap();
        n.set_keyring(rings[i].clone()).unwrap();
    }
    settle();
    assert!(all_list(&refs, &["A", "B", "C"]));
    for (n, e) in nodes.iter().zip(&events) {
        assert!(!lost_member(e), "{:?} lost a member", n.local());
    }
    // A node still sealing with the removed key cannot join.
    let late = node("D", &sealed_config(Keyring::new(old)));
    late.set(nodes[0].local().clone());
    late.join();
    wait_until("A refuses D's old-key datagrams", || {
        nodes[0].stats().unauthentic >= 2
    });
    assert!(all_list(&refs, &["A", "B", "C"]));
}
