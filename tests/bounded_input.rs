//! Every file the CLI reads is read with a cap: `/dev/zero`, a FIFO nobody writes to and an
//! oversized file give one clear error line and a non-zero exit, promptly, never an
//! out-of-memory kill or a hang.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary and waits at most 60 s (a hang is a failure, not a stuck test).
fn pekonode(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("pekonode {args:?} did not finish within 60 s");
}

fn assert_refused(args: &[&str], needle: &str) {
    let out = pekonode(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} succeeded: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
    // `validate` adds a summary line after its one line per bad file.
    let lines = if args[0] == "validate" { 2 } else { 1 };
    assert_eq!(
        stderr.trim_end().lines().count(),
        lines,
        "{args:?}: {stderr}"
    );
}

const QUICK: &str = "scenarios/quickstart.json";

#[test]
fn devices_are_refused_everywhere_a_file_is_read() {
    assert_refused(&["run", "/dev/zero"], "not a regular file");
    assert_refused(&["validate", "/dev/zero"], "not a regular file");
    assert_refused(&["decode", "/dev/zero"], "not a regular file");
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    assert_refused(
        &["run", QUICK, "--baseline", "/dev/zero", "--out", out],
        "not a regular file",
    );
}

#[test]
fn a_fifo_nobody_writes_to_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        // mkfifo is in coreutils on every machine this runs on; say so if it is not.
        panic!("mkfifo is missing: cannot create the FIFO this test needs");
    }
    let fifo = fifo.to_str().unwrap();
    assert_refused(&["run", fifo], "not a regular file");
    assert_refused(&["decode", fifo], "not a regular file");
}

#[test]
fn oversized_files_are_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![b' '; 70_000]).unwrap();
    let big = big.to_str().unwrap();
    assert_refused(&["decode", big], "larger than 65536 bytes");
    assert!(Path::new(big).exists());
}
