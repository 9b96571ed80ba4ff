//! One datagram must never stall a node, and a sealed datagram counts once, for one receiver:
//! real nodes on 127.0.0.1 against a stalled name resolver, replays across a restart, forged
//! news about the receiver itself and a flood of made-up identities. Each test is a row of the
//! threat table in docs/security.md.

mod udp_common;

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind, Trust};
use pekonode::udp::{Config, Event, NameLookup, Node, NodeList};
use pekonode::wire::{Endpoint, JsonCodec, Key, Keyring, Sealed};
use udp_common::{cluster, config, holds_for, names, node, wait_until, CYCLE};

fn heartbeat(from: Endpoint, name: &str) -> Packet<Endpoint> {
    Packet {
        kind: PacketKind::Heartbeat,
        node: NodeInfo::new(from.clone(), name),
        infected: Infected::of(from),
        metadata: Metadata::default(),
        lineage: None,
    }
}

fn endpoint(list: &NodeList) -> Endpoint {
    Endpoint::new("127.0.0.1", list.local_addr().port())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Go PekoNode's rules (no probation, no admission limit): every forged member is listed.
fn compat() -> Config {
    Config {
        protocol: pekonode::protocol::Config {
            trust: Trust::default(),
            rejoin: Duration::ZERO,
            ..config().protocol
        },
        ..config()
    }
}

#[test]
fn a_resolver_that_never_answers_does_not_stall_the_node() {
    // A fan-out above the view's size: every heartbeat goes to every member, B included.
    let config = Config {
        protocol: pekonode::protocol::Config {
            amount: 16,
            ..compat().protocol
        },
        ..compat()
    };
    let a = node("A", &config);
    let b = node("B", &config);
    // A's resolver never answers in time (a black-holed DNS server: 30 s per name).
    let stalled: NameLookup = Arc::new(|_: &str, _: u16| {
        std::thread::sleep(Duration::from_secs(30));
        Vec::new()
    });
    a.set_name_lookup(stalled);
    b.set(a.local().clone());
    a.join();
    b.join();
    wait_until("A and B list each other", || {
        names(&a) == ["A", "B"] && names(&b) == ["A", "B"]
    });
    // Forged members whose address is a host name: A heartbeats them, so it must look each
    // name up; one new name every 400 ms.
    let attacker = UdpSocket::bind("127.0.0.1:0").unwrap();
    let started = Instant::now();
    let mut sent = 0u16;
    let steady = holds_for(Duration::from_secs(4), || {
        if started.elapsed() > Duration::from_millis(400) * u32::from(sent) {
            let fake = Endpoint::new(&format!("stall-{sent}.invalid"), 9_000 + sent);
            let bytes = JsonCodec::new("").encode(&heartbeat(fake, "fake"));
            let _ = attacker.send_to(&bytes, a.local_addr());
            sent += 1;
        }
        names(&b).contains(&"A".to_string())
    });
    assert!(steady, "B lost A while A's resolver stalled: A froze");
    assert!(a.stats().unresolved > 0, "{:?}", a.stats());
    // A kept heartbeating all along: its heartbeat count grows by about one a cycle.
    let before = a.stats().heartbeats;
    std::thread::sleep(CYCLE * 8);
    assert!(a.stats().heartbeats >= before + 4, "{:?}", a.stats());
}

#[test]
fn news_that_renames_a_node_is_refused_by_that_node_and_not_forwarded() {
    for config in [compat(), config()] {
        let nodes = cluster(&["A", "B"], &config);
        let (a, b) = (&nodes[0], &nodes[1]);
        wait_until("A and B list each other", || {
            names(a) == ["A", "B"] && names(b) == ["A", "B"]
        });
        let events = a.events();
        let attacker = UdpSocket::bind("127.0.0.1:0").unwrap();
        let forged = JsonCodec::new("").encode(&heartbeat(endpoint(a), "MALLORY"));
        for _ in 0..20 {
            attacker.send_to(&forged, a.local_addr()).unwrap();
            std::thread::sleep(Duration::from_millis(10));
        }
        wait_until("A counts the forged news about itself", || {
            a.stats().distrusted >= 20
        });
        assert!(holds_for(CYCLE * 4, || names(a) == ["A", "B"]
            && names(b) == ["A", "B"]));
        // The rejection names the datagram's source.
        let from = events.try_iter().find_map(|e| match e {
            Event::PacketRejected { from, .. } => from,
            _ => None,
        });
        let source = attacker.local_addr().unwrap();
        assert_eq!(from, Some(Endpoint::new("127.0.0.1", source.port())));
    }
}

/// Sealed, with Go's rules otherwise (a stranger's first heartbeat lists it).
fn sealed(ring: &Keyring) -> Config {
    Config {
        keyring: Some(ring.clone()),
        ..compat()
    }
}

#[test]
fn a_datagram_captured_before_a_restart_is_refused_after_it() {
    let ring = Keyring::new(Key::from_bytes([3; 32]));
    let b = node("B", &sealed(&ring));
    let port = b.local_addr().port();
    let b_end = endpoint(&b);
    // A genuine datagram for B (sealed by a key holder), captured on its way.
    let mut holder = Sealed::new(ring.clone(), 11);
    let captured = holder.encode(
        &heartbeat(Endpoint::new("127.0.0.1", 40_100), "ghost"),
        &b_end,
        now_ms(),
    );
    let attacker = UdpSocket::bind("127.0.0.1:0").unwrap();
    attacker.send_to(&captured, b.local_addr()).unwrap();
    wait_until("B lists the genuine sender", || {
        names(&b).contains(&"ghost".to_string())
    });
    drop(b);
    // B restarts on the same port, with fresh replay windows; the capture is replayed.
    std::thread::sleep(Duration::from_millis(20));
    let restarted = NodeList::new(Node::new("127.0.0.1", port, "B"), sealed(&ring))
        .expect("the port is free again after a drop");
    let to: SocketAddr = restarted.local_addr();
    for _ in 0..5 {
        attacker.send_to(&captured, to).unwrap();
    }
    wait_until("the restarted B refuses the replays", || {
        restarted.stats().replayed >= 5
    });
    assert!(!names(&restarted).contains(&"ghost".to_string()));
    // What is sealed after its start is accepted.
    let fresh = holder.encode(
        &heartbeat(Endpoint::new("127.0.0.1", 40_101), "fresh"),
        &b_end,
        now_ms(),
    );
    attacker.send_to(&fresh, to).unwrap();
    wait_until("the restarted B lists a fresh sender", || {
        names(&restarted).contains(&"fresh".to_string())
    });
}

#[test]
fn members_keep_their_place_through_an_identity_flood_and_a_newcomer_gets_in_after_it() {
    // The daemon's rules: probation, admission limit, rejoin.
    let config = Config {
        protocol: pekonode::protocol::Config {
            trust: Trust::HARDENED,
            buffer: 8_192,
            ..config().protocol
        },
        ..config()
    };
    let nodes = cluster(&["A", "B"], &config);
    let (a, b) = (&nodes[0], &nodes[1]);
    wait_until("A and B list each other", || {
        names(a) == ["A", "B"] && names(b) == ["A", "B"]
    });
    // 10,000 made-up identities a second at A for 4 s.
    let target = a.local_addr();
    let flood = std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let start = Instant::now();
        for i in 0..40_000u32 {
            // Loopback addresses only: were one listed, nothing leaves this machine.
            let host = format!("127.{}.{}.{}", 1 + (i >> 16), (i >> 8) & 255, i & 255);
            let fake = Endpoint::new(&host, 7_000);
            let _ = socket.send_to(&JsonCodec::new("").encode(&heartbeat(fake, "fake")), target);
            let due = Duration::from_micros(100) * (i + 1);
            if let Some(ahead) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(ahead);
            }
        }
    });
    let held = holds_for(Duration::from_secs(3), || {
        names(a) == ["A", "B"] && names(b) == ["A", "B"]
    });
    let _ = flood.join();
    assert!(held, "A: {:?}, B: {:?}", names(a), names(b));
    assert!(a.stats().distrusted > 1_000, "{:?}", a.stats());
    // A newcomer joining through A once the flood ended is listed within two cycles (plus
    // the scheduling slack of a loaded machine).
    let c = node("C", &config);
    c.set(a.local().clone());
    c.join();
    let took = wait_until("A lists the newcomer", || {
        names(a).contains(&"C".to_string())
    });
    assert!(took < CYCLE * 2 + Duration::from_secs(1), "took {took:?}");
}
