//! The one-thread runtime under a flood on 127.0.0.1: the node thread runs its timers before
//! every read, so a flood neither silences its heartbeats nor delays its expiry checks, and
//! `leave` still returns at once; a command wakes the thread from its wait on the socket.

mod udp_common;

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use udp_common::*;

/// Fires garbage at `to` from another thread until the returned flag is set.
fn flood(to: std::net::SocketAddr) -> (Arc<AtomicBool>, std::thread::JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let sender = UdpSocket::bind("127.0.0.1:0").expect("bind a sender socket");
    let handle = std::thread::spawn(move || {
        let mut sent = 0u64;
        // Bounded: a flag, and at most 10 million datagrams.
        while !flag.load(Ordering::Relaxed) && sent < 10_000_000 {
            if sender.send_to(b"{\"not\": \"a packet\"}", to).is_ok() {
                sent += 1;
            }
        }
        sent
    });
    (stop, handle)
}

#[test]
fn a_flood_does_not_starve_heartbeats_or_expiry() {
    let nodes = cluster(&["A", "B", "C"], &config());
    let all: Vec<&_> = nodes.iter().collect();
    wait_until("the cluster converges", || all_list(&all, &["A", "B", "C"]));
    let a = &nodes[0];
    let (stop, sender) = flood(a.local_addr());
    let before = a.stats();
    let period = CYCLE * 8;
    // A keeps heartbeating: B and C never expire it (timeout: 6 cycles)...
    let kept = holds_for(period, || all_list(&all, &["A", "B", "C"]));
    let after = a.stats();
    // ...and C, stopped meanwhile, is expired by A on time despite the flood.
    nodes[2].stop();
    let expired = wait_until("A expires the stopped C under the flood", || {
        names(a) == ["A", "B"]
    });
    stop.store(true, Ordering::Relaxed);
    let sent = sender.join().expect("the flood thread");
    eprintln!(
        "flood of {sent}: A read {} datagrams, {} dropped; {} heartbeats in {period:?}; \
         C expired after {expired:?}",
        after.received - before.received,
        after.queue_full - before.queue_full,
        after.heartbeats - before.heartbeats,
    );
    assert!(kept, "a member lost A during the flood");
    assert!(
        after.received - before.received > 1_000,
        "the flood did not arrive"
    );
    // 8 cycles: 8 heartbeats on time; at least 6 on a loaded machine.
    assert!(after.heartbeats - before.heartbeats >= 6, "{after:?}");
    assert!(expired < TIMEOUT + CYCLE * 4, "expiry took {expired:?}");
}

#[test]
fn leave_returns_at_once_under_a_flood() {
    let a = node("A", &config());
    a.join();
    let (stop, sender) = flood(a.local_addr());
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    a.leave();
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = sender.join();
    assert!(took < Duration::from_secs(1), "leave took {took:?}");
}

#[test]
fn joining_starts_the_timers_of_a_waiting_node() {
    // A node waits on its socket; `join` wakes it so that its timers run: with a 100 ms cycle,
    // a contact (a plain socket here) gets ten heartbeats within about a second.
    let quick = pekonode::udp::Config {
        protocol: pekonode::protocol::Config {
            cycle: Duration::from_millis(100),
            ..config().protocol
        },
        ..config()
    };
    let peer = UdpSocket::bind("127.0.0.1:0").expect("bind a peer socket");
    peer.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("set a read timeout");
    let port = peer.local_addr().expect("local address").port();
    let a = node("A", &quick);
    a.set(pekonode::udp::Node::new("127.0.0.1", port, "P"));
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    a.join();
    let mut buf = [0u8; 2048];
    let mut heard = 0;
    while heard < 10 && started.elapsed() < DEADLINE {
        if peer.recv_from(&mut buf).is_ok() {
            heard += 1;
        }
    }
    let took = started.elapsed();
    assert_eq!(
        heard, 10,
        "the contact heard {heard} heartbeats in {took:?}"
    );
    assert!(
        took < Duration::from_secs(5),
        "ten heartbeats took {took:?}"
    );
}
