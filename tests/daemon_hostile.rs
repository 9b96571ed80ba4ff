//! The daemon against a hostile or careless environment (loopback only): its stderr closed
//! (`pekonode node … 2>&1 | head -1`) or never read, forged heartbeats from a thousand fake
//! nodes with control characters in their names. It must neither panic nor hang: SIGTERM ends
//! it promptly with status 0.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind};
use pekonode::wire::{Endpoint, JsonCodec};

/// Starts a daemon on an OS-chosen port; returns it, its port and its stderr (the first
/// line, which names the port, already read). `--compat`: every forged member is admitted
/// and logged (hardened admits 100 a second), so the log is as loud as it can get.
fn daemon() -> (Child, u16, BufReader<ChildStderr>) {
    let (child, port, _, err) = daemon_with(&[
        "--name",
        "R",
        "--cycle",
        "200ms",
        "--timeout",
        "30s",
        "--compat",
    ]);
    (child, port, err)
}

/// [`daemon`] with these options; also returns its first log line.
fn daemon_with(options: &[&str]) -> (Child, u16, String, BufReader<ChildStderr>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(["node", "--listen", "127.0.0.1:0"])
        .args(options)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the daemon starts");
    let mut err = BufReader::new(child.stderr.take().expect("stderr piped"));
    let mut line = String::new();
    err.read_line(&mut line).expect("a first log line");
    let port = line
        .split("listen=127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (child, port, line, err)
}

/// Forged heartbeats from `count` fake nodes whose names carry a newline and an ESC.
fn forge(port: u16, count: u16) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let codec = JsonCodec::new("");
    for i in 0..count {
        let fake = Endpoint::new("127.0.0.1", 20_000 + i);
        let packet = Packet {
            kind: PacketKind::Heartbeat,
            node: NodeInfo::new(
                fake.clone(),
                &format!("fake{i}\nlevel=ERROR forged\u{1b}[31m"),
            ),
            infected: Infected::of(fake),
            metadata: Metadata::default(),
            lineage: None,
        };
        let _ = socket.send_to(&codec.encode(&packet), ("127.0.0.1", port));
        if i % 100 == 99 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// SIGTERM, then the exit status within 10 s (a hang fails the test, it does not stall it).
fn terminate(mut child: Child) -> ExitStatus {
    let pid = i32::try_from(child.id()).expect("a pid fits in i32");
    // SAFETY: kill(2) with a valid signal number on our own child's pid has no memory effects.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill failed");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the daemon ignored SIGTERM for 10 s");
}

#[test]
fn a_closed_stderr_neither_panics_nor_stops_the_daemon() {
    let (child, port, err) = daemon();
    drop(err); // what `| head -1` does after its line
    forge(port, 300);
    std::thread::sleep(Duration::from_millis(500));
    let status = terminate(child);
    assert!(status.success(), "{status:?} (101 is a panic)");
}

#[test]
fn an_unread_stderr_does_not_block_sigterm() {
    let (child, port, err) = daemon();
    // Keep the pipe open but never read it: about 150 bytes a joined member, far over the
    // 64 KB a pipe holds.
    forge(port, 2_000);
    std::thread::sleep(Duration::from_millis(500));
    let status = terminate(child);
    drop(err);
    assert!(status.success(), "{status:?}");
}

/// One fake node renaming itself `count` times: a log line each, and no view growth.
fn renames(port: u16, count: u32) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let codec = JsonCodec::new("");
    let fake = Endpoint::new("127.0.0.1", 20_000);
    for i in 0..count {
        let packet = Packet {
            kind: PacketKind::Heartbeat,
            node: NodeInfo::new(fake.clone(), &format!("renamed-{i}-{}", "x".repeat(100))),
            infected: Infected::of(fake.clone()),
            metadata: Metadata::default(),
            lineage: None,
        };
        let _ = socket.send_to(&codec.encode(&packet), ("127.0.0.1", port));
        if i % 100 == 99 {
            // Paced so that the node's small receive queue takes most of them.
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// The resident set of `pid` in kB (Linux).
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

#[test]
fn an_unread_stderr_keeps_memory_bounded() {
    let (child, port, err) = daemon();
    std::thread::sleep(Duration::from_millis(300));
    let before = rss_kb(child.id());
    // 200,000 renames: about 40 MB of log lines, none read. Unbounded buffering grew the
    // daemon by tens of MB here; the bounded queue drops and counts lines instead.
    renames(port, 200_000);
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_kb(child.id());
    let status = terminate(child);
    drop(err);
    assert!(status.success(), "{status:?}");
    assert!(
        after < before + 16 * 1024,
        "RSS grew from {before} kB to {after} kB"
    );
}

#[test]
fn control_characters_from_the_network_are_escaped_in_log_lines() {
    let (child, port, err) = daemon();
    forge(port, 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut lines = err.lines();
    let mut seen = None;
    while Instant::now() < deadline {
        match lines.next() {
            Some(Ok(line)) if line.contains("fake0") => {
                seen = Some(line);
                break;
            }
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    let _ = terminate(child);
    let line = seen.expect("a log line about the fake node");
    assert!(line.contains(r"fake0\nlevel=ERROR"), "{line}");
    assert!(!line.contains('\u{1b}'), "{line:?}");
}

#[cfg(unix)]
#[test]
fn keygen_writes_a_private_keyring_and_the_daemon_refuses_a_shared_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("cluster.keys");
    let keys_arg = keys.to_str().expect("utf-8 path");
    let out = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(["keygen", "--out", keys_arg])
        .output()
        .expect("keygen runs");
    assert!(out.status.success(), "{out:?}");
    let mode = std::fs::metadata(&keys)
        .expect("written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    // keygen never overwrites a keyring.
    let again = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(["keygen", "--out", keys_arg])
        .output()
        .expect("keygen runs");
    assert!(!again.status.success());
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let refused = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args([
            "node",
            "--listen",
            "127.0.0.1:0",
            "--name",
            "S",
            "--keyring",
            keys_arg,
        ])
        .output()
        .expect("the daemon runs");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("chmod 600"), "{said}");
    let both = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(["node", "--listen", "127.0.0.1:0", "--name", "S"])
        .args(["--keyring", keys_arg, "--secret-key", "K"])
        .output()
        .expect("the daemon runs");
    assert!(
        !both.status.success(),
        "--secret-key with --keyring must be refused"
    );
}

#[cfg(unix)]
#[test]
fn a_sealed_daemon_says_so_shrugs_off_json_and_ends_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = keyring_file(&dir);
    let keys = keys.to_str().expect("utf-8");
    let (child, port, line, _err) = daemon_with(&["--name", "S", "--keyring", keys, "--hardened"]);
    assert!(line.contains(r#"wire="sealed""#), "{line}");
    // Plain JSON heartbeats (what Go nodes and the forger send) change nothing.
    forge(port, 200);
    let status = terminate(child);
    assert!(status.success(), "{status:?}");
}

#[cfg(unix)]
#[test]
fn a_sealed_daemon_names_the_sender_of_unauthentic_datagrams() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = keyring_file(&dir);
    let keys = keys.to_str().expect("utf-8");
    let (child, port, _, err) = daemon_with(&["--name", "S", "--keyring", keys]);
    // Envelopes sealed under another key, for this daemon.
    let ring = pekonode::wire::Keyring::new(pekonode::wire::Key::from_bytes([4; 32]));
    let mut wrong = pekonode::wire::Sealed::new(ring, 5);
    let me = Endpoint::new("127.0.0.1", port);
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let sender = format!(
        "from=127.0.0.1:{}",
        socket.local_addr().expect("addr").port()
    );
    let packet = Packet {
        kind: PacketKind::Heartbeat,
        node: NodeInfo::new(Endpoint::new("127.0.0.1", 40_300), "x"),
        infected: Infected::of(Endpoint::new("127.0.0.1", 40_300)),
        metadata: Metadata::default(),
        lineage: None,
    };
    // stderr is read on a thread, so a silent daemon fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let start = Instant::now();
    let mut found = None;
    while found.is_none() && start.elapsed() < Duration::from_secs(20) {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let _ = socket.send_to(&wrong.encode(&packet, &me, now_ms), ("127.0.0.1", port));
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            if line.contains("unauthentic") {
                found = Some(line);
                break;
            }
        }
    }
    let line = found.expect("an unauthentic summary line within 20 s");
    assert!(line.contains(&sender), "{line}");
    let status = terminate(child);
    assert!(status.success(), "{status:?}");
}

/// A keyring file of one key (`[3; 32]`), mode 0600, in `dir`.
#[cfg(unix)]
fn keyring_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let keys = dir.path().join("k");
    std::fs::write(
        &keys,
        format!("{}\n", pekonode::wire::Key::from_bytes([3; 32]).to_base64()),
    )
    .expect("write");
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    keys
}
