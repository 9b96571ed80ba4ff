//! SWIM from the command line, on 127.0.0.1 with OS-chosen ports: `pekonode cluster
//! --protocol swim` (and the SWIM scenario file) writes a report, `pekonode node --protocol
//! swim` joins another one and stops cleanly on SIGTERM. Deadlines are generous.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);

fn pekonode() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
}

#[test]
fn cluster_protocol_swim_writes_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("swim");
    let output = pekonode()
        .args([
            "cluster",
            "--protocol",
            "swim",
            "--nodes",
            "6",
            "--cycle",
            "300ms",
        ])
        .args(["--timeout", "2s", "--crash", "n2@3s", "--duration", "8s"])
        .args(["--publish", "n0@1s", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(std::fs::read_dir(&out).unwrap().count() > 0);
    // The summary states SWIM's settings, not PekoNode's, as the simulator's does.
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["protocol"]["forwarding"], "swim", "{summary}");
    // `SwimConfig::matching`: a probe every half cycle.
    assert_eq!(summary["protocol"]["cycle_ms"], 150.0, "{summary}");
    assert!(stderr.contains("swim, probe every 150 ms"), "{stderr}");
    let table = std::fs::read_to_string(out.join("README.md")).unwrap_or_default();
    assert!(!table.contains("fan-out"), "{table}");
}

#[test]
fn cluster_plays_the_swim_scenario_file_scaled() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/swim_quickstart.json"
    );
    let output = pekonode()
        .args([
            "cluster",
            "--scenario",
            scenario,
            "--time-scale",
            "0.05",
            "--out",
        ])
        .arg(dir.path().join("q"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn cluster_refuses_sealed_swim_with_one_line() {
    let output = pekonode()
        .args([
            "cluster",
            "--protocol",
            "swim",
            "--sealed",
            "--duration",
            "1s",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not sealed"));
}

#[test]
fn node_refuses_pekonode_only_options_with_swim() {
    let output = pekonode()
        .args([
            "node",
            "--protocol",
            "swim",
            "--listen",
            "127.0.0.1:0",
            "--name",
            "S",
        ])
        .args(["--secret-key", "K"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--secret-key") && stderr.contains("not authenticated"),
        "{stderr}"
    );
}

/// A SWIM daemon on an OS-chosen port, its log lines on a channel, killed if the test fails.
struct Daemon {
    child: Child,
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
    fn start(name: &str, join: Option<&str>) -> (Daemon, String) {
        let mut command = pekonode();
        command
            .args([
                "node",
                "--protocol",
                "swim",
                "--listen",
                "127.0.0.1:0",
                "--name",
                name,
            ])
            .args(["--cycle", "300ms", "--timeout", "3s"]);
        if let Some(contact) = join {
            command.args(["--join", contact]);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
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
            lines,
            seen: Vec::new(),
        };
        let line = daemon.wait_for("listening");
        let addr = line
            .split("listen=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        (daemon, addr)
    }

    fn wait_for(&mut self, text: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                self.seen.push(line.clone());
                if line.contains(text) {
                    return line;
                }
            }
        }
        panic!("no {text:?} within {DEADLINE:?}; saw:\n{:#?}", self.seen);
    }

    /// SIGTERM, then the exit status within 10 s (a hang fails the test).
    fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the SWIM daemon ignored SIGTERM for 10 s");
    }
}

#[test]
fn swim_daemons_join_each_other_and_stop_on_sigterm() {
    let (mut a, addr_a) = Daemon::start("A", None);
    let (mut b, addr_b) = Daemon::start("B", Some(&addr_a));
    a.wait_for(&format!("node={addr_b}"));
    b.wait_for(&format!("node={addr_a}"));
    let status = b.terminate();
    assert!(status.success(), "{status:?}");
    // B said goodbye: A sees it leave.
    a.wait_for("member expired");
    let status = a.terminate();
    assert!(status.success(), "{status:?}");
}
