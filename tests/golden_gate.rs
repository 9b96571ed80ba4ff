//! The golden gate of `pekonode check`, through the binary in a temp folder: a golden value
//! moved past its tolerance fails and names the metric, old and new; a move within passes;
//! `--bless` rewrites the file, says what moved and keeps the per-file tolerance override;
//! measured ↔ not measured fails; no golden file is a note; `--no-golden` switches it off;
//! `--shard` then `--from` judges the same way.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn pekonode(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the pekonode binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A small scenario with a crash (so crash detection is measured, metadata spread is not):
/// two seeds, a fraction of a second.
const TINY: &str = r#"{"name": "tiny", "seed": 3, "seeds": 2, "duration_ms": 30000,
  "protocol": {"forwarding": "first-copy"},
  "nodes": {"count": 8, "bootstrap": "all"},
  "events": [{"at_ms": 10000, "crash": {"node": "n3"}}],
  "expect": {"no_false_removals": true}}"#;

/// A temp folder holding `tiny.json` (with `expect` replaced when given), and its golden file
/// written by `--bless`.
fn blessed(scenario: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("tiny.json"), scenario).expect("scenario");
    let out = pekonode(
        dir.path(),
        &["check", "tiny.json", "--bless", "--threads", "1"],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("blessed: golden/tiny.json (new golden file)"),
        "{said}"
    );
    let golden = dir.path().join("golden").join("tiny.json");
    (dir, golden)
}

fn read(golden: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(golden).expect("golden file")).expect("JSON")
}

fn mean(golden: &Path, metric: &str) -> Value {
    read(golden)["metrics"][metric]["mean"].clone()
}

/// Sets `pointer` of the golden file to `value`.
fn edit(golden: &Path, pointer: &str, value: Value) {
    let mut doc = read(golden);
    *doc.pointer_mut(pointer).expect("the field exists") = value;
    std::fs::write(golden, serde_json::to_string_pretty(&doc).expect("JSON")).expect("write");
}

/// A value as `check` prints it: four significant digits, at least one decimal.
fn four(v: f64) -> String {
    let digits = if v.abs() >= 1.0 {
        v.abs().log10().floor() as i32 + 1
    } else {
        0
    };
    let decimals = (4 - digits).clamp(1, 6) as usize;
    format!("{v:.decimals$}")
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "tiny.json", "--threads", "1"];
    args.extend(extra);
    pekonode(dir, &args)
}

#[test]
fn a_golden_value_ten_times_off_fails_naming_the_metric_old_and_new() {
    let (dir, golden) = blessed(TINY);
    let fresh = mean(&golden, "packets_per_heartbeat")
        .as_f64()
        .expect("measured");
    let ok = check(dir.path(), &[]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("golden values unchanged"),
        "{}",
        text(&ok)
    );

    edit(
        &golden,
        "/metrics/packets_per_heartbeat/mean",
        (fresh * 10.0).into(),
    );
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    let line = said
        .lines()
        .find(|l| l.starts_with("FAIL tiny: golden packets_per_heartbeat: "))
        .unwrap_or_else(|| panic!("no line naming the metric in:\n{said}"));
    let (old, new) = (four(fresh * 10.0), four(fresh));
    assert!(line.contains(&format!("{old} → {new}")), "{line}");
    assert!(line.contains("-90.0 %; outside ±5 %"), "{line}");
    assert!(
        said.contains("re-bless if the change is meant: pekonode check tiny.json --bless"),
        "{said}"
    );
    // In JSON it is a failure of this file's case.
    let out = check(dir.path(), &["--format", "json"]);
    assert!(!out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let case = &doc["files"][0];
    assert_eq!(case["status"], "failed");
    assert_eq!(case["golden"][0]["metric"], "packets_per_heartbeat");
    assert_eq!(case["golden"][0]["golden"], fresh * 10.0);
    assert_eq!(case["golden"][0]["fresh"], fresh);
    // And in JUnit XML.
    let out = check(dir.path(), &["--format", "junit"]);
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.contains("<failure type=\"golden\""), "{xml}");
    assert!(xml.contains("golden packets_per_heartbeat"), "{xml}");
}

#[test]
fn a_golden_value_moved_within_the_tolerance_passes() {
    let (dir, golden) = blessed(TINY);
    let fresh = mean(&golden, "packets_per_heartbeat")
        .as_f64()
        .expect("measured");
    // 2 % off; coverage 0.005 off: inside 5 % and ±0.01.
    edit(
        &golden,
        "/metrics/packets_per_heartbeat/mean",
        (fresh * 1.02).into(),
    );
    let coverage = mean(&golden, "coverage").as_f64().expect("measured");
    edit(&golden, "/metrics/coverage/mean", (coverage - 0.005).into());
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("golden: 2 metric(s) moved within tolerance"),
        "{said}"
    );
    // 6 % is past the 5 % of a cost.
    edit(
        &golden,
        "/metrics/packets_per_heartbeat/mean",
        (fresh * 1.06).into(),
    );
    assert!(!check(dir.path(), &[]).status.success());
}

#[test]
fn bless_rewrites_the_file_says_what_moved_and_keeps_the_override() {
    let (dir, golden) = blessed(TINY);
    let before = std::fs::read(&golden).expect("golden");
    let fresh = mean(&golden, "packets_per_heartbeat");
    let sent = mean(&golden, "packets_sent").as_f64().expect("measured");
    // A per-file override: packets_sent may move by ±50 % in this scenario.
    let mut doc = read(&golden);
    doc["tolerance"] = serde_json::json!({"packets_sent": {"relative": 0.5}});
    std::fs::write(&golden, serde_json::to_string(&doc).expect("JSON")).expect("write");
    edit(&golden, "/metrics/packets_sent/mean", (sent / 1.3).into());
    edit(&golden, "/metrics/packets_per_heartbeat/mean", 1.0.into());
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("golden packets_per_heartbeat: 1 → "),
        "{said}"
    );
    assert!(
        !said.contains("golden packets_sent"),
        "+30 % is within the override: {said}"
    );

    let out = check(dir.path(), &["--bless"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("blessed: golden/tiny.json (2 metric(s) moved)"),
        "{said}"
    );
    let moved: Vec<&str> = said.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(moved.len(), 2, "{said}");
    assert!(
        moved[0].starts_with("  packets_per_heartbeat: 1 → "),
        "{said}"
    );
    assert!(moved[0].ends_with("outside ±5 %)"), "{said}");
    assert!(moved[1].starts_with("  packets_sent: "), "{said}");
    assert!(moved[1].ends_with("within ±50 %)"), "{said}");
    // Rewritten: the fresh values back, the override kept.
    assert_eq!(mean(&golden, "packets_per_heartbeat"), fresh);
    assert_eq!(mean(&golden, "packets_sent").as_f64(), Some(sent));
    assert_eq!(read(&golden)["tolerance"]["packets_sent"]["relative"], 0.5);
    let mut without = read(&golden);
    without
        .as_object_mut()
        .expect("an object")
        .remove("tolerance");
    assert_eq!(
        serde_json::from_slice::<Value>(&before).expect("JSON"),
        without,
        "the same values as the first blessing"
    );
    // The kept override is used (the change is relative to the golden value): +40 % passes,
    // +60 % fails.
    edit(&golden, "/metrics/packets_sent/mean", (sent / 1.4).into());
    assert!(check(dir.path(), &[]).status.success());
    edit(&golden, "/metrics/packets_sent/mean", (sent / 1.6).into());
    assert!(!check(dir.path(), &[]).status.success());
    // Blessing twice writes the same bytes.
    check(dir.path(), &["--bless"]);
    let once = std::fs::read(&golden).expect("golden");
    check(dir.path(), &["--bless", "--threads", "2"]);
    assert_eq!(std::fs::read(&golden).expect("golden"), once);
}

#[test]
fn measured_to_not_measured_either_way_fails() {
    let (dir, golden) = blessed(TINY);
    assert!(mean(&golden, "crash_detection_ms").is_number());
    assert!(
        mean(&golden, "metadata_spread_ms").is_null(),
        "nothing published"
    );
    edit(&golden, "/metrics/crash_detection_ms/mean", Value::Null);
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("golden crash_detection_ms: not measured → "),
        "{said}"
    );
    assert!(said.contains("measured ↔ not measured"), "{said}");

    let (dir, golden) = blessed(TINY);
    edit(&golden, "/metrics/metadata_spread_ms/mean", 1500.0.into());
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("golden metadata_spread_ms: 1500 → not measured"),
        "{said}"
    );
}

#[test]
fn no_golden_file_is_a_note_unless_required_and_no_golden_switches_the_gate_off() {
    let (dir, golden) = blessed(TINY);
    std::fs::remove_file(&golden).expect("remove");
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("note: tiny.json: no golden file golden/tiny.json"),
        "{said}"
    );
    let out = check(dir.path(), &["--require-golden"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("FAIL tiny: golden: no golden file golden/tiny.json"),
        "{}",
        text(&out)
    );

    let (dir, golden) = blessed(TINY);
    edit(&golden, "/metrics/packets_per_heartbeat/mean", 1.0.into());
    assert!(!check(dir.path(), &[]).status.success());
    let out = check(dir.path(), &["--no-golden"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("golden"), "{}", text(&out));
}

#[test]
fn a_golden_file_makes_a_file_without_expectations_checkable() {
    let plain = TINY.replace(",\n  \"expect\": {\"no_false_removals\": true}", "");
    assert!(!plain.contains("expect"), "{plain}");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("tiny.json"), &plain).expect("scenario");
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("skip: tiny.json (no expectations, no golden file golden/tiny.json)"),
        "{said}"
    );
    // --bless alone does not add a file without expectations; --require-golden does.
    check(dir.path(), &["--bless"]);
    assert!(!dir.path().join("golden/tiny.json").exists());
    let out = check(dir.path(), &["--bless", "--require-golden"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = check(dir.path(), &[]);
    let said = text(&out);
    assert!(
        said.contains("ok: tiny.json (tiny: 0 expectations × 2 seeds; golden values unchanged)"),
        "{said}"
    );
}

#[test]
fn another_golden_folder_and_sharded_checks_apply_the_same_gate() {
    let (dir, golden) = blessed(TINY);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    std::fs::copy(&golden, elsewhere.join("tiny.json")).expect("copy");
    edit(&golden, "/metrics/duplicates/mean", 1e6.into());
    assert!(!check(dir.path(), &[]).status.success());
    let out = check(dir.path(), &["--golden", "elsewhere"]);
    assert!(out.status.success(), "{}", text(&out));

    // Shards write units; --from judges them against the golden file as one check would.
    let units = dir.path().join("units");
    let units = units.to_str().expect("UTF-8");
    for shard in ["0/2", "1/2"] {
        let out = check(dir.path(), &["--shard", shard, "--out", units]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let whole = check(dir.path(), &[]);
    let from = check(dir.path(), &["--from", units]);
    assert!(!from.status.success(), "{}", text(&from));
    assert!(text(&from).contains("FAIL tiny: golden duplicates: 1000000 → "));
    assert_eq!(from.stdout, whole.stdout, "the verdict one check prints");
    let out = check(dir.path(), &["--from", units, "--golden", "elsewhere"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = check(dir.path(), &["--shard", "0/2", "--out", units, "--bless"]);
    assert!(!out.status.success(), "--bless judges: not with --shard");
}
