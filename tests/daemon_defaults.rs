//! Safe by default (loopback only): `pekonode node` and `NodeList::new` with
//! `Config::default()` run every trust rule and rejoin, and `--compat` / `Config::compat()`
//! is Go PekoNode's exact behaviour. A lonely node's rejoins back off instead of hitting a
//! silent contact every cycle.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pekonode::protocol::HARDENED_REJOIN;
use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind, Trust};
use pekonode::udp::{Config, Node, NodeList};
use pekonode::wire::{Endpoint, JsonCodec};

#[test]
fn the_library_is_hardened_by_default_and_go_exact_with_compat() {
    let local = || Node::new("127.0.0.1", 0, "A");
    let default = Config {
        listen_addr: "127.0.0.1".into(),
        ..Config::default()
    };
    let list = NodeList::new(local(), default).expect("a node");
    assert_eq!(list.config().trust, Trust::HARDENED);
    assert_eq!(list.config().rejoin, HARDENED_REJOIN);
    let compat = Config {
        listen_addr: "127.0.0.1".into(),
        ..Config::compat()
    };
    let list = NodeList::new(local(), compat).expect("a node");
    assert!(list.config().trust.is_off());
    assert!(list.config().rejoin.is_zero());
}

/// Kills the daemon if the test fails before it ends.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn socket(timeout: Duration) -> (UdpSocket, u16) {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.set_read_timeout(Some(timeout)).expect("read timeout");
    let port = s.local_addr().expect("local address").port();
    (s, port)
}

/// Datagrams `s` receives until `until`.
fn count_until(s: &UdpSocket, until: Instant) -> usize {
    let mut buf = [0u8; 65_536];
    let mut n = 0;
    while Instant::now() < until {
        if s.recv_from(&mut buf).is_ok() {
            n += 1;
        }
    }
    n
}

/// What a daemon started with `options` does: how many datagrams its silent `--join` contact
/// gets from 2 s to 6.5 s after it listens (the contact expires after 1 s), and whether a
/// forged swap request naming a stranger gets the stranger a reply.
fn behaviour(options: &[&str]) -> (usize, bool) {
    let (contact, contact_port) = socket(Duration::from_millis(50));
    let join = format!("127.0.0.1:{contact_port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(["node", "--listen", "127.0.0.1:0", "--name", "R"])
        .args(["--cycle", "200ms", "--timeout", "1s", "--join", &join])
        // Metadata newer than the request's: what a swap reply carries.
        .args(["--publish", "metadata worth reflecting"])
        .args(options)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the daemon starts");
    let mut err = BufReader::new(child.stderr.take().expect("stderr piped"));
    let daemon = Daemon(child);
    let mut line = String::new();
    err.read_line(&mut line).expect("the listening line");
    let listening = Instant::now();
    let port: u16 = line
        .split("listen=127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    // Keep reading stderr, so the daemon never waits on it.
    std::thread::spawn(move || for _ in err.lines().map_while(Result::ok) {});

    count_until(&contact, listening + Duration::from_secs(2));
    let rejoins = count_until(&contact, listening + Duration::from_millis(6_500));

    let (victim, victim_port) = socket(Duration::from_millis(1_500));
    let stranger = Endpoint::new("127.0.0.1", victim_port);
    let request = Packet {
        kind: PacketKind::SwapRequest,
        node: NodeInfo::new(stranger, "victim"),
        infected: Infected::new(),
        metadata: Metadata::default(),
        lineage: None,
    };
    let (attacker, _) = socket(Duration::from_millis(50));
    attacker
        .send_to(&JsonCodec::new("").encode(&request), ("127.0.0.1", port))
        .expect("send");
    let mut buf = [0u8; 65_536];
    let replied = victim.recv_from(&mut buf).is_ok();
    drop(daemon);
    (rejoins, replied)
}

#[test]
fn the_daemon_is_hardened_by_default_and_go_exact_with_compat() {
    // Three daemons side by side (each waits 8 s or so).
    let [default, hardened, compat] = std::thread::scope(|s| {
        let runs = [&[][..], &["--hardened"][..], &["--compat"][..]].map(|options| {
            s.spawn(move || {
                let seen = behaviour(options);
                eprintln!("{options:?}: (datagrams to the silent contact, swap reply) {seen:?}");
                seen
            })
        });
        runs.map(|run| run.join().expect("a daemon run"))
    });
    // Hardened: the lonely node rejoins its silent contact, backing off (1, 2, 4, 8, …
    // cycles: about 2 in the window where a rejoin every cycle would be 22), and a forged
    // swap request gets a stranger nothing.
    for (what, (rejoins, replied)) in [("default", default), ("--hardened", hardened)] {
        assert!((1..=6).contains(&rejoins), "{what}: {rejoins} rejoins");
        assert!(!replied, "{what}: a stranger got a swap reply");
    }
    // Go's behaviour: a forgotten contact never hears from it again; a swap request is
    // answered whoever it names.
    let (rejoins, replied) = compat;
    assert_eq!(rejoins, 0, "--compat");
    assert!(replied, "--compat: no swap reply");
}
