//! The UDP runtime on 127.0.0.1: convergence, expiry and rejoin, metadata, secret keys,
//! garbage input, clean shutdown and start-up errors.

mod udp_common;

use std::net::UdpSocket;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use pekonode::protocol::RejectReason;
use pekonode::udp::{Config, Event, Node, NodeList, UdpError};
use rand::{Rng, SeedableRng};
use udp_common::*;

#[test]
fn three_nodes_converge() {
    let nodes = cluster(&["A", "B", "C"], &config());
    let all: Vec<&NodeList> = nodes.iter().collect();
    wait_until("A, B and C list each other", || {
        all_list(&all, &["A", "B", "C"])
    });
    // The lists hold the announced addresses and the OS-chosen ports.
    let a = nodes[0].get();
    for n in &nodes {
        assert!(a.contains(n.local()), "{a:?} lacks {}", n.local());
        assert_eq!(n.local().port, n.local_addr().port());
    }
}

#[test]
fn a_stopped_node_is_expired_within_timeout_and_rejoins_after_start() {
    let nodes = cluster(&["A", "B", "C"], &config());
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    wait_until("the cluster converges", || {
        all_list(&[a, b, c], &["A", "B", "C"])
    });

    c.stop();
    let took = wait_until("A and B expire C", || all_list(&[a, b], &["A", "B"]));
    // Its last heartbeat was at most one cycle before the stop; then `timeout`, plus slack
    // for a loaded machine.
    let limit = TIMEOUT + CYCLE + Duration::from_secs(3);
    eprintln!("expiry of a stopped node took {took:?} (timeout {TIMEOUT:?})");
    assert!(took <= limit, "expiry took {took:?}, more than {limit:?}");
    wait_until("C's own list empties", || c.get().is_empty());

    c.set(a.local().clone());
    c.start();
    wait_until("C is back everywhere", || {
        all_list(&[a, b, c], &["A", "B", "C"])
    });
}

#[test]
fn metadata_spreads_and_the_newest_wins() {
    let nodes = cluster(&["A", "B", "C"], &config());
    let all: Vec<&NodeList> = nodes.iter().collect();
    wait_until("the cluster converges", || all_list(&all, &["A", "B", "C"]));
    let events = nodes[2].events();

    nodes[0].publish(b"from A").expect("fits");
    wait_until("everyone reads A's metadata", || {
        all.iter().all(|n| n.read() == b"from A")
    });
    assert!(
        drain(&events)
            .iter()
            .any(|e| matches!(e, Event::MetadataChanged { .. })),
        "C reported no metadata change"
    );

    nodes[2].publish(b"from C").expect("fits");
    wait_until("everyone reads C's newer metadata", || {
        all.iter().all(|n| n.read() == b"from C")
    });
    let version = nodes[2].version();
    assert!(all.iter().all(|n| n.version() == version));
}

#[test]
fn a_node_with_another_secret_key_is_rejected_and_never_joins() {
    let key = Config {
        secret_key: "k1".to_string(),
        ..config()
    };
    let nodes = cluster(&["A", "B"], &key);
    let (a, b) = (&nodes[0], &nodes[1]);
    let events = a.events();
    let intruder = node(
        "X",
        &Config {
            secret_key: "k2".to_string(),
            ..config()
        },
    );
    intruder.set(a.local().clone());
    intruder.join();

    let mut seen = Vec::new();
    wait_until("A rejects X's packets for their secret key", || {
        seen.extend(drain(&events));
        seen.iter().any(|e| {
            matches!(
                e,
                Event::PacketRejected {
                    reason: RejectReason::WrongSecret,
                    ..
                }
            )
        })
    });
    wait_until("A and B list each other", || all_list(&[a, b], &["A", "B"]));
    // X keeps heartbeating at A every cycle; it must never get in.
    assert!(holds_for(CYCLE * 6, || all_list(&[a, b], &["A", "B"])));
}

#[test]
fn a_thousand_garbage_datagrams_leave_a_node_running_and_converged() {
    let big_queue = Config {
        protocol: pekonode::protocol::Config {
            buffer: 64,
            ..config().protocol
        },
        ..config()
    };
    let nodes = cluster(&["A", "B", "C"], &big_queue);
    let all: Vec<&NodeList> = nodes.iter().collect();
    wait_until("the cluster converges", || all_list(&all, &["A", "B", "C"]));
    let a = &nodes[0];
    let events = a.events();

    let garbage = garbage_datagrams(1_000, a.config().size);
    let sender = UdpSocket::bind("127.0.0.1:0").expect("bind a sender socket");
    for (i, datagram) in garbage.iter().enumerate() {
        // A send error (a full socket buffer) only means one fewer datagram.
        let _ = sender.send_to(datagram, a.local_addr());
        if i % 20 == 19 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    let mut rejected = Vec::new();
    wait_until("A has read the flood", || {
        rejected.extend(drain(&events).into_iter().filter_map(|e| match e {
            Event::PacketRejected { reason, .. } => Some(reason),
            _ => None,
        }));
        let s = a.stats();
        s.received >= 900 && rejected.len() as u64 + s.queue_full >= 900
    });
    eprintln!(
        "garbage: {:?}, {} rejected with a reason",
        a.stats(),
        rejected.len()
    );
    assert!(
        rejected
            .iter()
            .any(|r| matches!(r, RejectReason::Malformed(m) if m.contains("Infected is null"))),
        "no Infected:null rejection among {} rejections",
        rejected.len()
    );
    assert!(rejected
        .iter()
        .any(|r| matches!(r, RejectReason::Oversize { .. })));
    // Still running: converged, and it still gossips new metadata.
    assert!(holds_for(CYCLE * 4, || all_list(&all, &["A", "B", "C"])));
    a.publish(b"still here").expect("fits");
    wait_until("A's metadata reaches B and C", || {
        all.iter().all(|n| n.read() == b"still here")
    });
}

#[test]
fn closing_a_node_frees_its_port_promptly() {
    let a = node("A", &config());
    a.join();
    let addr = a.local_addr();
    // A second node cannot take the port while the first holds it.
    let taken = NodeList::new(Node::new("127.0.0.1", addr.port(), "A2"), config());
    assert!(
        matches!(taken, Err(UdpError::PortInUse { .. })),
        "{taken:?}"
    );

    let started = Instant::now();
    a.leave();
    let took = started.elapsed();
    eprintln!("leave took {took:?}");
    assert!(took < Duration::from_secs(1), "leave took {took:?}");
    UdpSocket::bind(addr).expect("the port is free after leave");

    let b = NodeList::new(Node::new("127.0.0.1", addr.port(), "B"), config())
        .expect("a node can bind the freed port");
    b.join();
    drop(b);
    UdpSocket::bind(addr).expect("the port is free after drop");
}

#[test]
fn bad_config_and_bad_addresses_are_typed_errors() {
    let local = || Node::new("127.0.0.1", 0, "A");
    let small = Config {
        protocol: pekonode::protocol::Config {
            size: 10,
            ..config().protocol
        },
        ..config()
    };
    assert!(matches!(
        NodeList::new(local(), small),
        Err(UdpError::Config(_))
    ));
    let nowhere = Config {
        listen_addr: "no such host!".to_string(),
        ..config()
    };
    assert!(matches!(
        NodeList::new(local(), nowhere),
        Err(UdpError::BadAddress { .. })
    ));
}

#[test]
fn an_own_record_or_publish_that_cannot_fit_a_datagram_is_an_error_with_the_sizes() {
    let long = "x".repeat(20_000);
    let err = NodeList::new(Node::new("127.0.0.1", 0, &long), config()).err();
    match err {
        Some(UdpError::TooLarge { bytes, size, .. }) => {
            assert!(bytes > 20_000 && size == 16_384, "{bytes} / {size}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let a = NodeList::new(Node::new("127.0.0.1", 0, "A"), config()).expect("a node");
    let refused = a.publish(long.as_bytes());
    assert!(
        matches!(refused, Err(UdpError::TooLarge { .. })),
        "{refused:?}"
    );
    assert!(a.read().is_empty(), "nothing published");
    a.publish(b"small").expect("fits");
    assert_eq!(a.read(), b"small");
}

/// Every event received so far.
fn drain(events: &Receiver<Event>) -> Vec<Event> {
    events.try_iter().collect()
}

/// `n` datagrams no node may accept: `"Infected":null` variants, golden Go datagrams cut short,
/// random bytes, and one oversize datagram every hundred.
fn garbage_datagrams(n: usize, size: usize) -> Vec<Vec<u8>> {
    let golden: Vec<Vec<u8>> = [
        "heartbeat.json",
        "heartbeat-forwarded.json",
        "update.json",
        "swap-request.json",
        "swap-reply.json",
    ]
    .iter()
    .map(|f| {
        let path = format!(
            "{}/tests/golden/go-pekonode-1.0.8/{f}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
    .collect();
    let null_infected: Vec<Vec<u8>> = vec![
        br#"{"Infected":null}"#.to_vec(),
        br#"{"Node":{"Addr":"127.0.0.1","Port":1,"Name":"x","PrivateData":""},"Infected":null,"Metadata":{"Data":null,"Update":0},"IsUpdate":false,"IsSwap":0,"SecretKey":""}"#.to_vec(),
        br#"{"Infected":null,"IsSwap":0}"#.to_vec(),
        br#"{"infected":null,"Node":{"Addr":"127.0.0.1","Port":2}}"#.to_vec(),
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x6a7b);
    (0..n)
        .map(|i| match i % 4 {
            _ if i % 100 == 99 => vec![b' '; size + 10],
            0 => null_infected[i / 4 % null_infected.len()].clone(),
            1 | 2 => {
                let g = &golden[i % golden.len()];
                g[..rng.gen_range(0..g.len())].to_vec()
            }
            _ => {
                let len = rng.gen_range(0..600);
                (0..len).map(|_| rng.gen()).collect()
            }
        })
        .collect()
}

#[test]
fn with_a_full_queue_every_datagram_is_either_handled_or_counted_as_dropped() {
    let tiny_queue = Config {
        protocol: pekonode::protocol::Config {
            buffer: 1,
            ..config().protocol
        },
        ..config()
    };
    let a = node("A", &tiny_queue);
    let events = a.events();
    let sender = UdpSocket::bind("127.0.0.1:0").expect("bind a sender socket");
    let burst = 2_000u64;
    for i in 0..burst {
        let _ = sender.send_to(format!("not json {i}").as_bytes(), a.local_addr());
    }
    let mut rejected = 0u64;
    wait_until("every received datagram is accounted for", || {
        rejected += drain(&events).len() as u64;
        let s = a.stats();
        s.received > 0 && rejected + s.queue_full == s.received
    });
    eprintln!(
        "burst of {burst} into a queue of 1: {:?}, {rejected} handled",
        a.stats()
    );
}

#[test]
fn nodes_on_ipv6_loopback_converge() {
    if UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let v6 = Config {
        listen_addr: "::1".to_string(),
        ..config()
    };
    let nodes: Vec<NodeList> = ["A", "B"]
        .iter()
        .map(|n| {
            NodeList::new(Node::new("::1", 0, n), v6.clone())
                .unwrap_or_else(|e| panic!("node {n}: {e}"))
        })
        .collect();
    nodes[1].set(nodes[0].local().clone());
    for n in &nodes {
        n.join();
    }
    let all: Vec<&NodeList> = nodes.iter().collect();
    wait_until("A and B list each other over IPv6", || {
        all_list(&all, &["A", "B"])
    });
}
