//! The `pekonode` binary on scenario files: byte-identical reports, seeds, `--json`,
//! `validate` on bad files, and the explosion guard's exit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pekonode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p: PathBuf| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn the_same_scenario_and_seed_write_byte_identical_reports_and_another_seed_differs() {
    let (a, b, c) = (tmp(), tmp(), tmp());
    let quick = scenario("quickstart.json");
    for dir in [&a, &b] {
        let out = pekonode(&["run", &quick, "--out", dir.path().to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (fa, fb) = (files(a.path()), files(b.path()));
    let names: Vec<_> = fa.iter().map(|f| f.0.as_str()).collect();
    for expected in [
        "summary.json",
        "timeseries.csv",
        "convergence.svg",
        "convergence.png",
        "infection.svg",
        "infection.png",
        "traffic.svg",
        "traffic.png",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(fa, fb, "two runs of one seed must write the same bytes");
    let out = pekonode(&[
        "run",
        &quick,
        "--seed",
        "2",
        "--out",
        c.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let summary = |d: &tempfile::TempDir| std::fs::read(d.path().join("summary.json")).unwrap();
    assert_ne!(summary(&a), summary(&c), "another seed gives other numbers");
}

#[test]
fn json_flag_prints_the_summary() {
    let dir = tmp();
    let out = pekonode(&[
        "run",
        &scenario("readme_example.json"),
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["scenario"], "readme_example");
}

#[test]
fn every_shipped_scenario_validates() {
    let mut args = vec!["validate".to_string()];
    for e in std::fs::read_dir(scenario("")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") && !p.ends_with("schema.json") {
            args.push(p.to_string_lossy().into_owned());
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = pekonode(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn validate_rejects_bad_scenarios_with_a_clear_message() {
    let bare = r#""name": "bad", "seed": 1, "duration_ms": 60000"#;
    let base = r#""name": "bad", "seed": 1, "duration_ms": 60000, "nodes": {"count": 3}"#;
    let cases: &[(&str, String, &str)] = &[
        ("syntax", format!("{{{bare},\n  \"nodes\": {{\"count\": 3,}}}}"), "2:"),
        ("unknown field", format!("{{{base}, \"nodez\": 3}}"), "nodez"),
        ("wrong type", format!("{{{bare}, \"nodes\": {{\"count\": \"three\"}}}}"), "nodes.count"),
        ("loss above 1", format!("{{{base}, \"network\": {{\"loss\": 1.5}}}}"), "network.loss"),
        ("negative amount", format!("{{{base}, \"protocol\": {{\"amount\": -1}}}}"), "protocol.amount"),
        (
            "event after the end",
            format!("{{{base}, \"events\": [{{\"at_ms\": 90000, \"heal\": {{}}}}]}}"),
            "events[0]",
        ),
        (
            "unknown node",
            format!("{{{base}, \"events\": [{{\"at_ms\": 1000, \"crash\": {{\"node\": \"zz\"}}}}]}}"),
            "zz",
        ),
        (
            "partition over a missing node",
            format!(
                "{{{base}, \"events\": [{{\"at_ms\": 1000, \"partition\": {{\"groups\": [[\"n0\"], [\"n99\"]]}}}}]}}"
            ),
            "n99",
        ),
        (
            "overlapping partition groups",
            format!(
                "{{{bare}, \"nodes\": {{\"count\": 4}}, \"events\": [{{\"at_ms\": 1000, \"partition\": {{\"groups\": [[\"n0\", \"n1\"], [\"n1\"]]}}}}]}}"
            ),
            "n1",
        ),
        ("zero sample interval", format!("{{{base}, \"sample_interval_ms\": 0}}"), "sample_interval_ms"),
        ("a billion nodes", format!("{{{bare}, \"nodes\": {{\"count\": 1000000000}}}}"), "nodes.count"),
        (
            "centuries",
            r#"{"name": "bad", "seed": 1, "duration_ms": 9000000000000, "nodes": {"count": 3}}"#.to_string(),
            "duration_ms",
        ),
        (
            "unsafe name",
            r#"{"name": "../x", "seed": 1, "duration_ms": 1000, "nodes": {"count": 3}}"#.to_string(),
            "name",
        ),
        (
            "latency min above max",
            format!(
                "{{{base}, \"network\": {{\"latency\": {{\"uniform\": {{\"min_ms\": 9, \"max_ms\": 1}}}}}}}}"
            ),
            "network.latency",
        ),
        ("not an object", "[1, 2]".to_string(), "bad.json"),
    ];
    let dir = tmp();
    for (what, text, needle) in cases {
        let path = dir.path().join("bad.json");
        std::fs::write(&path, text).unwrap();
        let out = pekonode(&["validate", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("bad.json"), "{what}: the file is named: {err}");
        assert!(err.contains(needle), "{what}: expected {needle:?} in {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
    assert!(cases.len() >= 12);
}

#[test]
fn an_exploding_faithful_run_stops_with_one_clear_line_and_still_writes_its_report() {
    let dir = tmp();
    let file = dir.path().join("faithful_60.json");
    std::fs::write(
        &file,
        r#"{"name": "faithful_60", "seed": 1, "duration_ms": 60000,
            "protocol": {"forwarding": "faithful"},
            "nodes": {"count": 60, "bootstrap": "all"}}"#,
    )
    .unwrap();
    let out_dir = dir.path().join("report");
    let out = pekonode(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines: Vec<_> = err
        .lines()
        .filter(|l| l.contains("explosion guard"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("first-copy") && lines[0].contains("faithful_60.json"),
        "{err}"
    );
    assert!(out_dir.join("summary.json").exists());
    assert!(out_dir.join("traffic.png").exists());
}
