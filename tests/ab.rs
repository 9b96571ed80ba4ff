//! `pekonode ab` with a given binary as the other build (building a git revision takes
//! minutes: docs/studies.md shows one, run by hand): against itself nothing changes and the
//! exit is 0 in every format; against a build whose runs are better, the metrics that got
//! worse are named and the exit is non-zero.

use std::path::Path;
use std::process::{Command, Output};

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pekonode");

/// A 12-node, 30 s run with `loss`.
fn scenario(loss: f64) -> String {
    format!(
        r#"{{
  "name": "ab_small", "seed": 3, "duration_ms": 30000,
  "protocol": {{ "amount": 2, "cycle_ms": 2000, "forwarding": "first-copy" }},
  "network": {{ "latency": {{ "constant": {{ "ms": 5 }} }}, "loss": {loss} }},
  "nodes": {{ "count": 12, "bootstrap": "all" }}
}}"#
    )
}

fn ab(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("ab")
        .args(args)
        .args(["--seeds", "4", "--threads", "2", "--cache"])
        .arg(dir.join("cache"))
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Panics unless `xml` is well-formed; returns the `<testcase>` and `<failure>` elements
/// with their attributes.
fn elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("well-formed attribute");
                        let value = a.unescape_value().expect("escaped value").into_owned();
                        (String::from_utf8_lossy(a.key.as_ref()).into_owned(), value)
                    })
                    .collect();
                if name == "testcase" || name == "failure" {
                    found.push((name, attrs));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{xml}"),
        }
    }
    found
}

#[test]
fn the_same_build_changes_nothing_in_any_format() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("small.json");
    std::fs::write(&file, scenario(0.1)).expect("scenario");
    let f = file.to_str().expect("UTF-8 path");

    let out = ab(tmp.path(), &["--against-bin", BIN, f]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 of 14 metrics changed"), "{stdout}");
    assert!(!stdout.contains("REGRESSED"), "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("running"),
        "progress on stderr"
    );

    let all = ab(tmp.path(), &["--against-bin", BIN, f, "--all"]);
    assert!(all.status.success(), "{}", text(&all));
    assert!(String::from_utf8_lossy(&all.stdout).contains("coverage"));

    let json = ab(tmp.path(), &["--against-bin", BIN, f, "--format", "json"]);
    assert!(json.status.success(), "{}", text(&json));
    let doc: Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    assert_eq!(doc["regressed"], false);
    assert_eq!(doc["seeds"], 4);
    let metrics = doc["scenarios"][0]["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), 14);
    for m in metrics {
        assert_eq!(m["verdict"], "same", "{m}");
    }
    let coverage = metrics
        .iter()
        .find(|m| m["metric"] == "coverage")
        .expect("coverage");
    assert_eq!(coverage["difference"], 0.0);
    assert!(coverage["interval"].is_array(), "{coverage}");

    let junit = ab(tmp.path(), &["--against-bin", BIN, f, "--format", "junit"]);
    assert!(junit.status.success(), "{}", text(&junit));
    let found = elements(&String::from_utf8_lossy(&junit.stdout));
    assert_eq!(found.len(), 1, "one test case, no failure: {found:?}");
    // The runs are gone; the cache is left for builds of revisions only.
    let cache = std::fs::read_dir(tmp.path().join("cache")).expect("cache");
    assert_eq!(cache.count(), 0);
}

#[cfg(unix)]
#[test]
fn a_better_other_build_shows_this_one_regressed() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("small.json");
    std::fs::write(&file, scenario(0.3)).expect("scenario");
    // "The other build": the real binary on the scenario without loss, so its runs converge
    // sooner and cover more than this build's on the same seeds.
    let lossless = tmp.path().join("lossless.json");
    std::fs::write(&lossless, scenario(0.0)).expect("scenario");
    let fake = tmp.path().join("other-build");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\n# run FILE rest…: FILE replaced\nshift 2\nexec '{BIN}' run '{}' \"$@\"\n",
            lossless.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let f = file.to_str().expect("UTF-8 path");
    let fake = fake.to_str().expect("UTF-8 path");

    let out = ab(tmp.path(), &["--against-bin", fake, f]);
    assert!(
        !out.status.success(),
        "a regression exits non-zero: {}",
        text(&out)
    );
    let all = text(&out);
    assert!(all.contains("REGRESSED"), "{all}");
    assert!(
        all.contains("this build regressed against") && all.contains("coverage"),
        "{all}"
    );

    let json = ab(tmp.path(), &["--against-bin", fake, f, "--format", "json"]);
    assert!(!json.status.success());
    let doc: Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    assert_eq!(doc["regressed"], true);
    let coverage = doc["scenarios"][0]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == "coverage")
        .expect("coverage")
        .clone();
    assert_eq!(coverage["verdict"], "regressed", "{coverage}");
    let hi = coverage["interval"][1].as_f64().expect("interval");
    assert!(hi < 0.0, "the interval of B − A excludes 0: {coverage}");

    let junit = ab(tmp.path(), &["--against-bin", fake, f, "--format", "junit"]);
    assert!(!junit.status.success());
    let found = elements(&String::from_utf8_lossy(&junit.stdout));
    let failure = found
        .iter()
        .find(|(n, _)| n == "failure")
        .expect("a failure element");
    assert!(
        failure
            .1
            .iter()
            .any(|(k, v)| k == "message" && v.contains("coverage")),
        "{failure:?}"
    );
}

#[test]
fn a_missing_other_build_is_one_clear_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("small.json");
    std::fs::write(&file, scenario(0.1)).expect("scenario");
    let out = ab(
        tmp.path(),
        &[
            "--against-bin",
            "/nonexistent/pekonode",
            file.to_str().expect("path"),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--against-bin /nonexistent/pekonode: not a file"),
        "{err}"
    );
}
