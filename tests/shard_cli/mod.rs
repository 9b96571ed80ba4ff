//! Running the `pekonode` binary for the sharding tests: a clean job-array environment,
//! a small sweep, and the unit files a shard writes.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Variables a job array sets; cleared so the tests behave the same inside one.
pub const ARRAY_VARS: [&str; 5] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "JOB_COMPLETION_INDEX",
];

/// 3 points × 2 seeds of a 6-node, 20 s run.
pub const SWEEP: &str = r#"{
  "name": "tiny_sweep", "seed": 1, "duration_ms": 20000,
  "protocol": { "amount": 3, "cycle_ms": 2000, "forwarding": "first-copy" },
  "network": { "latency": { "constant": { "ms": 5 } }, "loss": 0.05 },
  "nodes": { "count": 6, "bootstrap": "all" },
  "sweep": { "axes": [ { "amount": [1, 2, 3] } ], "seeds": 2,
             "metrics": ["datagrams_per_heartbeat", "coverage"] }
}"#;

pub fn pekonode(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pekonode"));
    for var in ARRAY_VARS {
        cmd.env_remove(var);
    }
    cmd.args(args)
        .envs(env.iter().copied())
        .output()
        .expect("the pekonode binary runs")
}

pub fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", text(&out));
    out
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Every file under `dir` except unit results, by relative path.
pub fn report_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("report folder") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            out.insert(name, std::fs::read(&path).expect("report file"));
        }
    }
    out
}

pub fn assert_same_report(single: &Path, merged: &Path) {
    let (a, b) = (report_files(single), report_files(merged));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs after the merge");
    }
    assert!(a.len() >= 3);
}

/// The unit files under `dir`, by file name.
pub fn units(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for sub in std::fs::read_dir(dir.join("units")).expect("units folder") {
        for f in std::fs::read_dir(sub.expect("entry").path()).expect("unit folder") {
            names.push(f.expect("entry").file_name().to_string_lossy().to_string());
        }
    }
    names.sort();
    names
}

pub fn unit_path(dir: &Path, name: &str) -> PathBuf {
    let sub = std::fs::read_dir(dir.join("units"))
        .expect("units folder")
        .next()
        .expect("one study")
        .expect("entry")
        .path();
    sub.join(name)
}
