//! CI-native output through the `pekonode` binary: `check --format junit|json` parsed back
//! (the XML by a real parser, quick-xml), and `run --baseline … --format json` judged by the
//! seed-to-seed spread of a multi-seed baseline.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value;

fn pekonode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, body).expect("temp file");
    file
}

/// A small scenario: `expect` decides whether it passes.
fn scenario(name: &str, amount: u32, seeds: u32, expect: &str) -> String {
    format!(
        r#"{{"name": "{name}", "seed": 1, "seeds": {seeds}, "duration_ms": 20000,
            "protocol": {{"amount": {amount}, "forwarding": "first-copy"}},
            "nodes": {{"count": 12, "bootstrap": "all"}}, "expect": {expect}}}"#
    )
}

/// Three files: one passes, one fails (a heartbeat cannot cost one packet), one is invalid.
fn three_files(dir: &Path) -> Vec<String> {
    let good = write(
        dir,
        "good.json",
        &scenario("good", 3, 2, r#"{"no_false_removals": true}"#),
    );
    let bad = write(
        dir,
        "bad.json",
        &scenario("bad", 3, 2, r#"{"max_packets_per_heartbeat": 1}"#),
    );
    // Its error message quotes the name: XML special characters to escape.
    let broken = write(dir, "broken.json", &scenario("x <&>", 3, 1, "{}"));
    [good, bad, broken]
        .iter()
        .map(|p| path(p).to_owned())
        .collect()
}

/// Every element of the XML document with its attributes, in document order; panics if the
/// document is not well-formed.
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
                found.push((name, attrs));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{xml}"),
        }
    }
    found
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

#[test]
fn check_writes_junit_xml_that_a_parser_reads_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = three_files(tmp.path());
    let mut args = vec!["check", "--format", "junit", "--threads", "1"];
    args.extend(files.iter().map(String::as_str));
    let out = pekonode(&args);
    assert!(
        !out.status.success(),
        "a failure still fails: {}",
        text(&out)
    );
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        xml.starts_with("<?xml"),
        "stdout is the document alone: {xml}"
    );
    let all = elements(&xml);
    let suites = all.iter().find(|(n, _)| n == "testsuites").expect("root");
    assert_eq!(attr(&suites.1, "tests"), "3");
    assert_eq!(attr(&suites.1, "failures"), "1");
    assert_eq!(attr(&suites.1, "errors"), "1");
    let cases: Vec<&Vec<(String, String)>> = all
        .iter()
        .filter(|(n, _)| n == "testcase")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(cases.len(), 3);
    assert_eq!(attr(cases[0], "name"), "good");
    assert_eq!(attr(cases[1], "name"), "bad");
    let failure = all.iter().find(|(n, _)| n == "failure").expect("a failure");
    assert!(
        attr(&failure.1, "message").contains("2 failure(s)"),
        "{xml}"
    );
    let errors: Vec<_> = all.iter().filter(|(n, _)| n == "error").collect();
    assert_eq!(errors.len(), 1);
    assert!(
        attr(&errors[0].1, "message").contains("\"x <&>\" is not a usable name"),
        "escaped and read back: {xml}"
    );
    // Deterministic: the same files give the same bytes.
    assert_eq!(pekonode(&args).stdout, out.stdout);
}

#[test]
fn check_writes_json_with_every_failure() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = three_files(tmp.path());
    let mut args = vec!["check", "--format", "json", "--threads", "1"];
    args.extend(files.iter().map(String::as_str));
    let out = pekonode(&args);
    assert!(!out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["passed"], false);
    assert_eq!(doc["counts"]["passed"], 1);
    assert_eq!(doc["counts"]["failed"], 1);
    assert_eq!(doc["counts"]["errors"], 1);
    let bad = &doc["files"][1];
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["seeds"], 2);
    let failures = bad["failures"].as_array().expect("failures");
    assert!(!failures.is_empty());
    assert_eq!(failures[0]["expectation"], "max_packets_per_heartbeat");
    assert_eq!(doc["files"][2]["status"], "error");
}

#[test]
fn a_many_seed_baseline_judges_by_the_seed_spread_and_speaks_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = write(tmp.path(), "base.json", &scenario("base", 2, 6, "{}"));
    let changed = write(tmp.path(), "changed.json", &scenario("base", 4, 6, "{}"));
    let base_dir = tmp.path().join("base");
    let out = pekonode(&["run", path(&base), "--out", path(&base_dir)]);
    assert!(out.status.success(), "{}", text(&out));
    let summary = base_dir.join("summary.json");
    let compare = |file: &Path, out_dir: &str| {
        pekonode(&[
            "run",
            path(file),
            "--out",
            path(&tmp.path().join(out_dir)),
            "--baseline",
            path(&summary),
            "--format",
            "json",
        ])
    };
    let same = compare(&base, "same");
    assert!(same.status.success(), "{}", text(&same));
    let doc: Value = serde_json::from_slice(&same.stdout).expect("one JSON document");
    assert_eq!(doc["regressed"], false);
    let metrics = doc["metrics"].as_array().expect("metrics");
    let coverage = metrics
        .iter()
        .find(|m| m["metric"] == "coverage")
        .expect("coverage");
    assert_eq!(coverage["rule"], "spread", "{coverage}");
    assert_eq!(coverage["verdict"], "same");

    let more = compare(&changed, "changed");
    assert!(!more.status.success(), "{}", text(&more));
    let doc: Value = serde_json::from_slice(&more.stdout).expect("one JSON document");
    assert_eq!(doc["regressed"], true);
    let cost = doc["metrics"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["metric"] == "packets_per_heartbeat"))
        .expect("packets_per_heartbeat")
        .clone();
    assert_eq!(cost["verdict"], "regressed", "{cost}");
    assert_eq!(cost["rule"], "spread");
}
