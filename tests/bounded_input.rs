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

#[test]
fn check_names_the_cause_once() {
    // `check` once said "not a regular file (…): not a regular file (…)".
    let out = pekonode(&["check", "/tmp"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("not a regular file").count(), 1, "{stderr}");
}

/// Writes `text` as a scenario file in a fresh folder and validates it: the error text.
fn refused_file(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, text).unwrap();
    let out = pekonode(&["validate", file.to_str().unwrap()]);
    assert!(!out.status.success(), "{text:.200}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn random_contacts_beyond_the_cluster_are_refused_with_the_range() {
    for k in ["1000", "4294967295"] {
        let err = refused_file(&format!(
            r#"{{"name": "k", "seed": 1, "duration_ms": 10000,
                "nodes": {{"count": 50, "bootstrap": {{"random": {{"k": {k}}}}}}}}}"#
        ));
        assert!(
            err.contains(&format!(
                "at `nodes.bootstrap.random.k`: {k} is out of range; use 1 to 49"
            )),
            "{err}"
        );
    }
}

#[test]
fn errors_echo_at_most_a_short_piece_of_a_long_name_or_number() {
    let long = "x".repeat(10_000);
    let digits = format!("1{}", "0".repeat(300));
    for (text, says) in [
        (
            format!(
                r#"{{"name": "{long}", "seed": 1, "duration_ms": 1000, "nodes": {{"count": 2}}}}"#
            ),
            "(10000 bytes)",
        ),
        (
            format!(
                r#"{{"name": "n", "seed": 1, "duration_ms": 1000, "nodes": {{"count": 2}}, "{long}": 1}}"#
            ),
            "(10000 bytes)",
        ),
        (
            format!(
                r#"{{"name": "n", "seed": 1, "duration_ms": 1000, "nodes": {{"count": 2}},
                    "events": [{{"at_ms": 1, "crash": {{"node": "{long}"}}}}]}}"#
            ),
            "bytes)",
        ),
        (
            format!(
                r#"{{"name": "n", "seed": 1, "duration_ms": 1000, "nodes": {{"count": 2}},
                    "network": {{"loss": {digits}}}}}"#
            ),
            "1e300 is not a probability",
        ),
    ] {
        let err = refused_file(&text);
        assert!(err.contains(says), "{err:.300}");
        assert!(err.len() < 1_000, "{} bytes: {err:.300}", err.len());
    }
}

#[test]
fn a_memory_limit_above_the_machine_fails_cleanly() {
    // 60,000 nodes with full views need about 62 GB; a 1 TB limit once let the run abort on a
    // failed allocation (exit 134). Past the machine's memory it is refused in validation.
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total_kb: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(64 << 20);
    if total_kb > 60 << 20 {
        eprintln!("this machine has {total_kb} kB: 62 GB of views fit, nothing to refuse");
        return;
    }
    let err = refused_file(
        r#"{"name": "m", "seed": 1, "duration_ms": 10000,
            "nodes": {"count": 60000, "bootstrap": "all"}, "limits": {"max_memory_mb": 1000000}}"#,
    );
    assert!(
        err.contains("limits.max_memory_mb 1000000 is more than it has"),
        "{err}"
    );
}
