//! Scenario files that validate but would exhaust the machine: refused before the run, in one
//! line naming the field to change; charts of many events stay small; a sweep says up front
//! how much work it is. Every file is generated in a temporary folder; nothing here runs long.

use std::path::Path;
use std::process::{Command, Output};

fn pekonode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn write(dir: &Path, name: &str, json: &serde_json::Value) -> String {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, json.to_string()).unwrap();
    path.display().to_string()
}

/// Runs `file` and returns its stderr, checking it was refused in one line, before any report.
fn refused(dir: &Path, file: &str) -> String {
    let out = dir.join("out");
    let o = pekonode(&["run", file, "--out", &out.display().to_string()]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!out.exists(), "refused before the run");
    err
}

#[test]
fn a_one_ms_cycle_for_a_week_is_refused_at_the_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "week",
        &serde_json::json!({"name": "week", "seed": 1, "duration_ms": 604_800_000u64,
            "protocol": {"cycle_ms": 1}, "nodes": {"count": 2, "bootstrap": "all"}}),
    );
    let err = refused(dir.path(), &file);
    assert!(err.contains("at `protocol.cycle_ms`"), "{err}");
    assert!(
        err.contains("GB of memory") && err.contains("duration_ms"),
        "{err}"
    );
}

#[test]
fn twenty_thousand_nodes_knowing_all_are_refused_and_blame_the_right_forwarding() {
    let dir = tempfile::tempdir().unwrap();
    for (forwarding, says) in [
        (
            "faithful",
            "faithful forwarding, exponential in the cluster size",
        ),
        ("first-copy", "limits.max_packets_per_cycle"),
    ] {
        let file = write(
            dir.path(),
            forwarding,
            &serde_json::json!({"name": "big", "seed": 1, "duration_ms": 60000,
                "protocol": {"forwarding": forwarding},
                "nodes": {"count": 20000, "bootstrap": "all"}}),
        );
        let err = refused(dir.path(), &file);
        assert!(err.contains("at `nodes.count`"), "{err}");
        assert!(err.contains("limits.max_memory_mb 4096"), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("first-copy forwarding sends"), "{err}");
    }
}

#[test]
fn validate_refuses_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "hour",
        &serde_json::json!({"name": "hour", "seed": 1, "duration_ms": 3_600_000,
            "protocol": {"cycle_ms": 1}, "nodes": {"count": 2}}),
    );
    let o = pekonode(&["validate", &file]);
    assert_eq!(o.status.code(), Some(1));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("protocol.cycle_ms"), "{text}");
}

#[test]
fn many_events_make_small_charts() {
    let dir = tempfile::tempdir().unwrap();
    let events: Vec<_> = (0..5_000)
        .map(|i| serde_json::json!({"at_ms": 100 + i * 2, "loss": {"value": 0.01}}))
        .collect();
    let file = write(
        dir.path(),
        "events",
        &serde_json::json!({"name": "events", "seed": 1, "duration_ms": 12000,
            "protocol": {"forwarding": "first-copy"},
            "nodes": {"count": 4, "bootstrap": "all"}, "events": events}),
    );
    let out = dir.path().join("out");
    let o = pekonode(&["run", &file, "--out", &out.display().to_string()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for chart in ["convergence.svg", "traffic.svg"] {
        let size = std::fs::metadata(out.join(chart)).unwrap().len();
        assert!(size < 1_000_000, "{chart}: {size} bytes");
    }
}

#[test]
fn a_sweep_says_how_many_runs_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "sweep",
        &serde_json::json!({"name": "sw", "seed": 1, "duration_ms": 6000,
            "protocol": {"forwarding": "first-copy"}, "nodes": {"count": 4, "bootstrap": "all"},
            "sweep": {"axes": [{"loss": [0.0, 0.1, 0.2]}], "seeds": 2, "metrics": ["coverage"]}}),
    );
    let out = dir.path().join("out").display().to_string();
    let o = pekonode(&["sweep", &file, "--out", &out, "--threads", "1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.starts_with("sweep sw: 3 points × 2 seeds = 6 runs, about "),
        "{err}"
    );
}
