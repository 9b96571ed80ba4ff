//! Studies through the `pekonode` binary: multi-seed determinism across thread counts,
//! `check`, `sweep`, baselines and traces.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pekonode::scenario::Scenario;
use pekonode::{experiment, report, study};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pekonode(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the pekonode binary runs");
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, body).expect("temp file");
    file
}

#[test]
fn sixty_four_seeds_give_the_same_summary_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut bytes = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = tmp.path().join(threads);
        let out = pekonode(&[
            "run",
            "scenarios/quickstart.json",
            "--seeds",
            "64",
            "--threads",
            threads,
            "--out",
            path(&out_dir),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        let summary = std::fs::read(out_dir.join("summary.json")).expect("summary.json");
        let seeds = std::fs::read(out_dir.join("seeds.csv")).expect("seeds.csv");
        for chart in [
            "convergence.svg",
            "convergence.png",
            "traffic.svg",
            "traffic.png",
        ] {
            assert!(out_dir.join(chart).is_file(), "{chart} missing");
        }
        bytes.push((summary, seeds));
    }
    assert!(
        bytes[0] == bytes[1],
        "summary.json or seeds.csv differ by thread count"
    );
    let summary: serde_json::Value = serde_json::from_slice(&bytes[0].0).expect("JSON");
    assert_eq!(summary["seed_count"], 64);
    let coverage = &summary["metrics"]["coverage"];
    for field in ["mean", "median", "p10", "p90", "p99", "min", "max"] {
        assert!(
            coverage[field].is_number(),
            "coverage.{field} missing: {coverage}"
        );
    }
    assert_eq!(coverage["worst_seeds"].as_array().map(Vec::len), Some(5));
}

#[test]
fn check_passes_on_every_shipped_scenario() {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("scenarios"))
        .expect("scenarios/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            format!(
                "scenarios/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = pekonode(&args);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("ok: scenarios/quickstart.json"), "{said}");
    assert!(said.contains("skip: scenarios/schema.json"), "{said}");
}

#[test]
fn check_fails_with_one_clear_line_per_broken_expectation() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = write(
        tmp.path(),
        "impossible.json",
        r#"{"name": "impossible", "seed": 5, "seeds": 2, "duration_ms": 30000,
            "protocol": {"forwarding": "faithful"},
            "nodes": {"count": 8, "bootstrap": "all"},
            "expect": {"max_packets_per_heartbeat": 1, "no_false_removals": true}}"#,
    );
    let out = pekonode(&["check", path(&file)]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    for seed in [5, 6] {
        let line = format!(
            "FAIL impossible: seed {seed}: max_packets_per_heartbeat: expected ≤ 1, measured 21.000"
        );
        assert!(said.contains(&line), "missing {line:?} in:\n{said}");
    }
    assert!(!said.contains("no_false_removals"), "{said}");
}

#[test]
fn a_small_sweep_writes_its_table_and_charts_and_records_guard_stops() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = write(
        tmp.path(),
        "small_sweep.json",
        r#"{"name": "small_sweep", "seed": 1, "duration_ms": 12000,
            "nodes": {"count": 4, "bootstrap": "all"},
            "limits": {"max_in_flight": 2000000, "max_packets_per_cycle": 2000},
            "sweep": {"axes": [{"nodes": [4, 16]}, {"forwarding": ["faithful", "first-copy"]}],
                      "seeds": 2, "metrics": ["datagrams_per_heartbeat", "coverage"],
                      "log_y": ["datagrams_per_heartbeat"],
                      "references": [{"label": "Go", "metric": "datagrams_per_heartbeat",
                                      "points": [[4, 4], [16, 363]]}]}}"#,
    );
    let out_dir = tmp.path().join("report");
    let out = pekonode(&["sweep", path(&file), "--out", path(&out_dir)]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let csv = std::fs::read_to_string(out_dir.join("sweep.csv")).expect("sweep.csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 5, "{csv}");
    assert!(
        rows[0].starts_with("nodes,forwarding,node_count,seeds,stopped,stop_limit"),
        "{csv}"
    );
    // packets per heartbeat P(3) = 3, then datagrams per heartbeat 4, as median/p10/p90/mean,
    // sd 0 and a zero-width 95 % interval (every seed gives the same).
    let exact = "3.000000,3.000000,3.000000,3.000000,0.000000,3.000000,3.000000,\
                 4.000000,4.000000,4.000000,4.000000,0.000000,4.000000,4.000000,";
    assert!(
        rows[1].starts_with(&format!("4,faithful,4,2,0,,,{exact}")),
        "{csv}"
    );
    assert!(
        rows[3].starts_with("16,faithful,16,2,2,max_packets_per_cycle,"),
        "{csv}"
    );
    assert!(rows[4].starts_with("16,first-copy,16,2,0,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("sweep.json")).expect("json"))
            .expect("sweep.json parses");
    assert_eq!(json["points"].as_array().map(Vec::len), Some(4));
    for stem in [
        "datagrams_per_heartbeat",
        "coverage",
        "datagrams_per_heartbeat_heatmap",
        "coverage_heatmap",
    ] {
        for ext in ["svg", "png"] {
            let f = out_dir.join(format!("{stem}.{ext}"));
            assert!(f.is_file(), "{} missing", f.display());
        }
    }
    assert!(said.contains("stopped 2/2 seeds"), "{said}");
}

#[test]
fn bad_sweeps_are_rejected_with_their_paths() {
    let bad = r#"{"name": "t", "seed": 1, "duration_ms": 60000,
        "nodes": [{"name": "a"}, {"name": "b", "contacts": ["a"]}],
        "sweep": {"axes": [{"nodes": [4]}, {"loss": [0.1, 1.5, 0.1]}], "log_y": ["duplicates"]}}"#;
    let err = Scenario::from_str_named(bad, "bad.json")
        .expect_err("invalid sweep")
        .to_string();
    for needle in [
        "bad.json: at `sweep.axes[0].nodes`: only generated nodes",
        "at `sweep.axes[1].loss[1]`: 1.5 is not a probability",
        "at `sweep.axes[1].loss[2]`: 0.1 is listed twice",
        "at `sweep.log_y[0]`: duplicates is not charted",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    // A point that is not a valid scenario names the point.
    let bad_point = r#"{"name": "t", "seed": 1, "duration_ms": 60000,
        "nodes": {"count": 8}, "events": [{"at_ms": 1000, "crash": {"node": "n6"}}],
        "sweep": {"axes": [{"nodes": [4, 8]}]}}"#;
    let err = Scenario::from_str_named(bad_point, "p.json")
        .expect_err("n6 does not exist with 4 nodes")
        .to_string();
    assert!(
        err.contains("at `sweep.axes`: at the point nodes = 4: `events[0].crash.node`"),
        "{err}"
    );
}

#[test]
fn a_changed_protocol_parameter_is_flagged_against_the_baseline() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scenario = |amount: u32| {
        format!(
            r#"{{"name": "base", "seed": 1, "duration_ms": 60000,
                "protocol": {{"amount": {amount}, "forwarding": "first-copy"}},
                "nodes": {{"count": 20, "bootstrap": {{"random": {{"k": 3}}}}}}}}"#
        )
    };
    let base = write(tmp.path(), "base.json", &scenario(3));
    let changed = write(tmp.path(), "changed.json", &scenario(5));
    let base_dir = tmp.path().join("base");
    let out = pekonode(&["run", path(&base), "--out", path(&base_dir)]);
    assert!(out.status.success(), "{}", text(&out));
    let summary = base_dir.join("summary.json");
    let same_dir = tmp.path().join("same");
    let same = pekonode(&[
        "run",
        path(&base),
        "--out",
        path(&same_dir),
        "--baseline",
        path(&summary),
    ]);
    assert!(same.status.success(), "{}", text(&same));
    assert!(!text(&same).contains("REGRESSED"), "{}", text(&same));
    let new_dir = tmp.path().join("new");
    let out = pekonode(&[
        "run",
        path(&changed),
        "--out",
        path(&new_dir),
        "--baseline",
        path(&summary),
        "--tolerance",
        "0.05",
    ]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.lines().any(|l| l.starts_with("packets_per_heartbeat")
            && l.ends_with("REGRESSED (tolerance 5.0 %)")),
        "{said}"
    );
    assert!(
        said.contains("(past the seed spread or the tolerance of 5.0 %)"),
        "{said}"
    );
}

#[test]
fn baselines_read_single_seed_summaries_as_the_run_measured_them() {
    let s = Scenario::from_path(&repo().join("scenarios/crash_detection.json")).expect("loads");
    let outcome = experiment::run(&s, |_| {}).expect("runs");
    let summary: serde_json::Value =
        serde_json::from_str(&report::summary_json(&outcome)).expect("JSON");
    let read = study::baseline::metric_values(&summary).expect("a summary");
    let direct = study::metric::values(&outcome);
    assert_eq!(read.len(), direct.len());
    for ((m, a), (n, b)) in read.into_iter().zip(direct) {
        assert_eq!(m, n);
        match (a, b) {
            // serde_json parses floats to within one ulp, not always exactly.
            (Some(a), Some(b)) => {
                assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{m}: {a} vs {b}")
            }
            (a, b) => assert_eq!(a, b, "{m}"),
        }
    }
}

#[test]
fn traces_of_one_seed_are_byte_identical_and_cover_every_kind_of_event() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut traces = Vec::new();
    for k in 0..2 {
        let trace = tmp.path().join(format!("t{k}.jsonl"));
        let out = pekonode(&[
            "run",
            "scenarios/crash_detection.json",
            "--seed",
            "3",
            "--trace",
            path(&trace),
            "--out",
            path(&tmp.path().join(format!("r{k}"))),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        traces.push(std::fs::read(&trace).expect("trace"));
    }
    assert!(traces[0] == traces[1], "the traces differ");
    let body = String::from_utf8_lossy(&traces[0]);
    for ev in ["send", "deliver", "drop", "learn", "expire", "action"] {
        assert!(body.contains(&format!(r#""ev":"{ev}""#)), "no {ev} event");
    }
    assert!(body.contains(r#""reason":"down""#));
    assert!(body.contains(r#"{"t_ms":40000.000,"ev":"action","what":"crash n5"}"#));
    let first = body.lines().next().unwrap_or_default();
    assert!(
        serde_json::from_str::<serde_json::Value>(first).is_ok(),
        "{first}"
    );
}

#[test]
fn until_and_dump_views_print_every_view_at_that_time() {
    let out = pekonode(&[
        "run",
        "scenarios/crash_detection.json",
        "--until",
        "45s",
        "--dump-views",
    ]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.starts_with("views at t = 45.000 s (virtual)\n"),
        "{said}"
    );
    assert!(said.contains("\nn5 [down] 0 entries:"), "{said}");
    assert!(said.contains("\nn0 [up] 32 entries: n0("), "{said}");
    assert_eq!(said.lines().count(), 33, "{said}");
}
