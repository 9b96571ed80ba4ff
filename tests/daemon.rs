//! The `pekonode node` daemon against real Go PekoNode datagrams.
//!
//! Two fake Go nodes (A and B) are plain sockets of this test. The golden datagrams captured
//! from Go PekoNode v1.0.8 are replayed at the daemon, their ports rewritten to the fake nodes
//! (A: 39601, B: 39602) and to the daemon (the recorder, 39700). The daemon must list A and B,
//! adopt A's metadata "hello from go", reject an `"Infected":null` datagram, and what it sends
//! back must read like Go's packets. Then SIGTERM must stop it with exit status 0.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use pekonode::protocol::PacketKind;
use pekonode::wire::{secret_digest, JsonCodec};
use serde_json::Value;

const DEADLINE: Duration = Duration::from_secs(20);

/// Kills the daemon if the test fails before it is stopped.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn golden(name: &str) -> String {
    let path = format!(
        "{}/tests/golden/go-pekonode-1.0.8/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Reads JSON log lines until one satisfies `want`, or panics at the deadline.
fn wait_for_log(
    lines: &Receiver<Value>,
    seen: &mut Vec<Value>,
    what: &str,
    want: impl Fn(&Value) -> bool,
) -> Value {
    if let Some(v) = seen.iter().find(|v| want(v)) {
        return v.clone();
    }
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        if let Ok(v) = lines.recv_timeout(Duration::from_millis(100)) {
            seen.push(v.clone());
            if want(&v) {
                return v;
            }
        }
    }
    panic!("no log line for {what} within {DEADLINE:?}; saw:\n{seen:#?}");
}

fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    &v["fields"][name]
}

fn message(v: &Value) -> &str {
    field(v, "message").as_str().unwrap_or("")
}

fn fake_go_node() -> (UdpSocket, u16) {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind a fake Go node");
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("set a read timeout");
    let port = s.local_addr().expect("local address").port();
    (s, port)
}

#[test]
fn the_daemon_joins_go_nodes_adopts_their_metadata_and_stops_on_sigterm() {
    let (go_a, port_a) = fake_go_node();
    let (go_b, port_b) = fake_go_node();
    let child = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args([
            "node",
            "--listen",
            "127.0.0.1:0",
            "--name",
            "R",
            "--private-data",
            "rust",
            "--cycle",
            "300ms",
            "--timeout",
            "5s",
            "--secret-key",
            "test_key",
            "--forwarding",
            "faithful",
            "--log-format",
            "json",
            "--log-level",
            "debug",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the daemon");
    let mut daemon = Daemon(child);
    let stderr = daemon.0.stderr.take().expect("piped stderr");
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let v = serde_json::from_str(&line).unwrap_or(Value::String(line));
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    let mut seen = Vec::new();

    let listening = wait_for_log(&lines, &mut seen, "listening", |v| {
        message(v) == "listening"
    });
    let listen = field(&listening, "listen")
        .as_str()
        .expect("listen field")
        .to_string();
    let port_r: u16 = listen
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .expect("a port in the listening line");

    let rewrite = |name: &str| {
        golden(name)
            .replace("39601", &port_a.to_string())
            .replace("39602", &port_b.to_string())
            .replace("39700", &port_r.to_string())
    };
    let to = ("127.0.0.1", port_r);
    // Twice, a cycle apart, as Go nodes heartbeat: the daemon's default rules list a stranger
    // only when it is heard again half a cycle after its first packet (probation).
    for round in 0..2 {
        if round > 0 {
            std::thread::sleep(Duration::from_millis(300));
        }
        for name in [
            "heartbeat.json",
            "heartbeat-forwarded.json",
            "update.json",
            "swap-request.json",
        ] {
            go_a.send_to(rewrite(name).as_bytes(), to)
                .expect("send a golden datagram");
        }
    }
    let killer = rewrite("heartbeat.json").replace(
        &format!(r#""Infected":{{"127.0.0.1:{port_a}":true,"127.0.0.1:{port_b}":true,"127.0.0.1:{port_r}":true}}"#),
        r#""Infected":null"#,
    );
    assert!(killer.contains(r#""Infected":null"#));
    go_a.send_to(killer.as_bytes(), to)
        .expect("send the Infected:null datagram");

    for name in ["A", "B"] {
        wait_for_log(&lines, &mut seen, &format!("{name} joining"), |v| {
            matches!(message(v), "member joined" | "member updated") && field(v, "name") == name
        });
    }
    wait_for_log(&lines, &mut seen, "metadata adopted", |v| {
        message(v) == "metadata changed" && field(v, "data") == "hello from go"
    });
    // Rejections are summarised once a second per reason, with the latest detail.
    let rejected = wait_for_log(&lines, &mut seen, "Infected:null rejected", |v| {
        message(v) == "packets rejected in the last second"
    });
    assert!(
        field(&rejected, "example")
            .as_str()
            .unwrap_or("")
            .contains("Infected is null"),
        "{rejected}"
    );

    // What the daemon sends to the fake Go nodes: heartbeats (A and B are in its view) and, to
    // B, a swap reply with the newer metadata (B's swap request carried version 0).
    let codec = JsonCodec::new("test_key");
    let mut kinds = Vec::new();
    let start = Instant::now();
    let mut buf = [0u8; 65_536];
    while start.elapsed() < DEADLINE {
        let got = go_b
            .recv_from(&mut buf)
            .or_else(|_| go_a.recv_from(&mut buf));
        let Ok((len, _)) = got else { continue };
        let bytes = &buf[..len];
        check_reads_like_go(bytes, port_r);
        let packet = codec.decode(bytes).expect("the daemon's packets decode");
        assert_eq!(
            codec.encode(&packet),
            bytes,
            "re-encoding changes the bytes"
        );
        if packet.kind == PacketKind::SwapReply {
            assert_eq!(packet.metadata.bytes(), b"hello from go");
        }
        kinds.push(packet.kind);
        if kinds.contains(&PacketKind::Heartbeat) && kinds.contains(&PacketKind::SwapReply) {
            break;
        }
    }
    assert!(
        kinds.contains(&PacketKind::Heartbeat),
        "no heartbeat received: {kinds:?}"
    );
    assert!(
        kinds.contains(&PacketKind::SwapReply),
        "no swap reply received: {kinds:?}"
    );

    // SIGTERM: a clean stop with status 0.
    let pid = i32::try_from(daemon.0.id()).expect("a pid fits in i32");
    // SAFETY: kill(2) with a valid signal number on our own child's pid has no memory effects.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill failed");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = daemon.0.try_wait().expect("wait for the daemon") {
            break status;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the daemon did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "exit status {status:?}");
    wait_for_log(&lines, &mut seen, "stopped", |v| message(v) == "stopped");
}

/// The daemon's datagram has Go's shape: field order, the node record, an object of `true`s as
/// `Infected`, md5("test_key") as `SecretKey`.
fn check_reads_like_go(bytes: &[u8], port_r: u16) {
    let v: Value = serde_json::from_slice(bytes).expect("a JSON datagram");
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(
        keys(&v),
        [
            "Node",
            "Infected",
            "Metadata",
            "IsUpdate",
            "IsSwap",
            "SecretKey"
        ]
    );
    assert_eq!(keys(&v["Node"]), ["Addr", "Port", "Name", "PrivateData"]);
    assert_eq!(keys(&v["Metadata"]), ["Data", "Update"]);
    assert_eq!(v["Node"]["Addr"], "127.0.0.1");
    assert_eq!(v["Node"]["Port"], port_r);
    assert_eq!(v["Node"]["Name"], "R");
    assert_eq!(v["Node"]["PrivateData"], "rust");
    assert_eq!(v["SecretKey"], secret_digest("test_key"));
    let infected = v["Infected"].as_object().expect("Infected is an object");
    assert!(infected.values().all(|t| t == true));
    if v["IsSwap"] == 0 {
        assert!(infected.contains_key(&format!("127.0.0.1:{port_r}")));
    }
}
