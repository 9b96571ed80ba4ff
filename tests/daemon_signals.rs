//! The daemon's signals (loopback only): SIGHUP re-reads the keyring (or says there is
//! nothing to reload) and never stops the node, so `systemctl reload` keeps it up; SIGTERM
//! and SIGINT stop it with status 0.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind};
use pekonode::wire::{Endpoint, JsonCodec, Key};

/// Generous for a loaded 2-core machine: every wait ends as soon as its line comes.
const DEADLINE: Duration = Duration::from_secs(20);

/// A daemon on an OS-chosen port, its log lines on a channel, killed if the test fails.
struct Daemon {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Daemon {
    fn start(options: &[&str]) -> Daemon {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pekonode"))
            .args(["node", "--listen", "127.0.0.1:0", "--name", "R"])
            .args(["--cycle", "200ms", "--timeout", "30s"])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the daemon starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut daemon = Daemon {
            child,
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = daemon.wait_for("listening", |l| l.contains("listening"));
        daemon.port = line
            .split("listen=127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        daemon
    }

    /// The first log line (from now on) that satisfies `want`, or a panic at the deadline.
    fn wait_for(&mut self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                self.seen.push(line.clone());
                if want(&line) {
                    return line;
                }
            }
        }
        panic!(
            "no log line for {what} within {DEADLINE:?}; saw:\n{:#?}",
            self.seen
        );
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits in i32");
        // SAFETY: kill(2) with a valid signal number on our own child's pid has no memory
        // effects.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill failed");
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// A fake node heartbeats the daemon until the daemon sends it something back.
    fn answers(&self) -> bool {
        let fake = UdpSocket::bind("127.0.0.1:0").expect("bind a fake node");
        fake.set_read_timeout(Some(Duration::from_millis(100)))
            .expect("read timeout");
        let port = fake.local_addr().expect("local address").port();
        let id = Endpoint::new("127.0.0.1", port);
        let heartbeat = JsonCodec::new("").encode(&Packet {
            kind: PacketKind::Heartbeat,
            node: NodeInfo::new(id.clone(), "F"),
            infected: Infected::of(id),
            metadata: Metadata::default(),
            lineage: None,
        });
        let start = Instant::now();
        let mut buf = [0u8; 65_536];
        while start.elapsed() < DEADLINE {
            let _ = fake.send_to(&heartbeat, ("127.0.0.1", self.port));
            if fake.recv_from(&mut buf).is_ok() {
                return true;
            }
        }
        false
    }

    /// The exit status within 10 s of `signal` (a hang fails the test, it does not stall it).
    fn stop_with(mut self, signal: libc::c_int) -> ExitStatus {
        self.signal(signal);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the daemon ignored signal {signal} for 10 s");
    }
}

#[test]
fn sighup_without_a_keyring_says_so_and_the_node_keeps_running() {
    let mut daemon = Daemon::start(&[]);
    daemon.signal(libc::SIGHUP);
    daemon.wait_for("the SIGHUP", |l| l.contains("SIGHUP: nothing to reload"));
    daemon.signal(libc::SIGHUP);
    daemon.wait_for("the second SIGHUP", |l| l.contains("SIGHUP"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(daemon.running(), "SIGHUP stopped the daemon");
    assert!(
        daemon.answers(),
        "the daemon no longer answers after SIGHUP"
    );
    assert!(
        !daemon.seen.iter().any(|l| l.contains("stopping")),
        "{:#?}",
        daemon.seen
    );
    let status = daemon.stop_with(libc::SIGTERM);
    assert!(status.success(), "{status:?}");
}

#[test]
fn sighup_rereads_the_keyring_at_once_and_sigint_stops_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("k");
    let key = |b: u8| Key::from_bytes([b; 32]).to_base64();
    std::fs::write(&keys, format!("{}\n", key(3))).expect("write");
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let path = keys.to_str().expect("utf-8");
    let mut daemon = Daemon::start(&["--keyring", path]);
    daemon.signal(libc::SIGHUP);
    daemon.wait_for("an unchanged keyring", |l| {
        l.contains("SIGHUP: keyring re-read, unchanged") && l.contains("keys=1")
    });
    // A second key installed: SIGHUP takes it (the once-a-second look may have been first:
    // then SIGHUP finds it in force).
    std::fs::write(&keys, format!("{}\n{}\n", key(3), key(4))).expect("write");
    daemon.signal(libc::SIGHUP);
    daemon.wait_for("the new keyring", |l| {
        l.contains("SIGHUP") && l.contains("keys=2")
    });
    // A broken file is refused and said; the node keeps its keyring and keeps running.
    std::fs::write(&keys, "not a key\n").expect("write");
    daemon.signal(libc::SIGHUP);
    daemon.wait_for("the refusal", |l| {
        l.contains("SIGHUP") && l.contains("the keyring in force stays")
    });
    std::thread::sleep(Duration::from_secs(2));
    assert!(daemon.running(), "SIGHUP stopped the daemon");
    let status = daemon.stop_with(libc::SIGINT);
    assert!(status.success(), "{status:?}");
}
