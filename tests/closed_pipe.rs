//! Every command whose stdout is a pipe nobody reads any more (`pekonode … | head -1`) ends
//! quietly: no panic ("failed printing to stdout"), no death by a signal, and the status it
//! would have had (`keygen`, whose only output is the key, fails with one line: a key nobody
//! got is an error).

#![cfg(unix)]

use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// 6 nodes for 20 s, with an expectation (for `check`) and a sweep of 2 points (for `sweep`).
const TINY: &str = r#"{
  "name": "tiny", "seed": 1, "duration_ms": 20000,
  "protocol": { "amount": 3, "cycle_ms": 2000, "forwarding": "first-copy" },
  "network": { "latency": { "constant": { "ms": 5 } } },
  "nodes": { "count": 6, "bootstrap": "all" },
  "expect": { "min_coverage": 0.5 },
  "sweep": { "axes": [ { "amount": [2, 3] } ], "seeds": 1, "metrics": ["coverage"] }
}"#;

/// The write end of a pipe whose read end is already closed: every write fails with EPIPE.
fn closed_pipe() -> OwnedFd {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) writes two new descriptors into the array it is given.
    let made = unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(made, 0, "pipe failed");
    // SAFETY: both descriptors were just made by pipe(2) and are owned by nobody else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    write
}

/// Runs `pekonode args` with stdout closed; returns its status and stderr, after checking
/// that it neither panicked nor died of a signal.
fn closed_stdout(args: &[&str], dir: &Path) -> (ExitStatus, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .stdin(Stdio::null())
        .stdout(Stdio::from(closed_pipe()))
        .stderr(Stdio::piped())
        .output()
        .expect("the pekonode binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let what = args.join(" ");
    assert!(
        out.status.code().is_some(),
        "`pekonode {what}` died of a signal: {:?}\n{stderr}",
        out.status
    );
    for bad in ["panicked", "failed printing", "RUST_BACKTRACE"] {
        assert!(
            !stderr.contains(bad),
            "`pekonode {what}` said {bad:?}:\n{stderr}"
        );
    }
    (out.status, stderr)
}

fn ends_quietly(args: &[&str], dir: &Path) {
    let (status, stderr) = closed_stdout(args, dir);
    assert!(
        status.success(),
        "`pekonode {}`: {status:?}\n{stderr}",
        args.join(" ")
    );
}

#[test]
fn every_command_survives_a_closed_stdout() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(dir.join("tiny.json"), TINY).expect("write the scenario");
    let golden = format!(
        "{}/tests/golden/go-pekonode-1.0.8/heartbeat.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let commands: &[&[&str]] = &[
        &["run", "tiny.json", "--out", "r1"],
        &[
            "run",
            "tiny.json",
            "--out",
            "r2",
            "--until",
            "10s",
            "--dump-views",
        ],
        &["run", "tiny.json", "--out", "r3", "--json"],
        &["run", "tiny.json", "--out", "r4", "--seeds", "2"],
        &[
            "run",
            "tiny.json",
            "--out",
            "r5",
            "--baseline",
            "r1/summary.json",
        ],
        &["run", "tiny.json", "--out", "r6", "--trace", "t.jsonl"],
        &[
            "run",
            "tiny.json",
            "--out",
            "r7",
            "--seeds",
            "2",
            "--shard",
            "0/2",
        ],
        &["check", "tiny.json"],
        &["check", "tiny.json", "--format", "junit"],
        &["validate", "tiny.json"],
        &["schema"],
        &["sweep", "tiny.json", "--out", "s1"],
        &["sweep", "tiny.json", "--out", "s2", "--shard", "0/2"],
        &["sweep", "tiny.json", "--out", "s2", "--shard", "1/2"],
        &["merge", "--out", "s3", "s2"],
        &["advise", "--nodes", "100"],
        &["advise", "--nodes", "100", "--json"],
        &["decode", "--secret-key", "test_key", &golden],
        &[
            "cluster",
            "--nodes",
            "3",
            "--duration",
            "2s",
            "--cycle",
            "200ms",
        ],
        &["--help"],
        &["--version"],
        &["run", "--help"],
    ];
    for args in commands {
        ends_quietly(args, dir);
    }
    // The report was written all the same.
    assert!(dir.join("r1/summary.json").is_file());
    // keygen's only output is the key: a key nobody read fails, in one line.
    let (status, stderr) = closed_stdout(&["keygen"], dir);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
