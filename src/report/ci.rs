//! What `pekonode check` found, in the formats CI systems read: JUnit XML (one test case per
//! scenario file; GitLab, Jenkins, GitHub test reporters and Buildkite parse it) and JSON.
//!
//! No timestamps or durations are written, so the same files and seeds give the same bytes.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::study::drift::GoldenFailure;
use crate::study::expect::Failure;

/// How one scenario file fared.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseStatus {
    /// Every expectation held on every seed.
    Passed,
    /// Some expectation failed or the golden gate failed (the case's `failures` and `golden`
    /// say which).
    Failed,
    /// Not run, for this reason (a JSON Schema file, no `expect` block).
    Skipped(String),
    /// Could not be run: the file is invalid or the simulation failed.
    Error(String),
}

/// One scenario file checked.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckCase {
    /// The file as given on the command line.
    pub file: String,
    /// The scenario's name, when the file loaded.
    pub scenario: Option<String>,
    /// The verdict.
    pub status: CaseStatus,
    /// Expectations the scenario declares.
    pub expectations: usize,
    /// Seeds run.
    pub seeds: usize,
    /// Every failed expectation, in seed then expectation order.
    pub failures: Vec<Failure>,
    /// What failed the golden gate: metrics past their tolerance, or a golden file that does
    /// not fit.
    pub golden: Vec<GoldenFailure>,
    /// A note for people (no golden file; a golden file written by `--bless`).
    pub note: Option<String>,
}

/// Counts of `cases` by status: (passed, failed, skipped, errors).
fn tally(cases: &[CheckCase]) -> (usize, usize, usize, usize) {
    let of = |f: fn(&CaseStatus) -> bool| cases.iter().filter(|c| f(&c.status)).count();
    (
        of(|s| *s == CaseStatus::Passed),
        of(|s| *s == CaseStatus::Failed),
        of(|s| matches!(s, CaseStatus::Skipped(_))),
        of(|s| matches!(s, CaseStatus::Error(_))),
    )
}

/// `text` escaped for an XML attribute or text node; characters XML 1.0 forbids (control
/// characters other than tab, line feed and carriage return) are dropped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The JUnit XML document: one `<testsuite name="pekonode check">` with one `<testcase>` per
/// file (`classname` the file, `name` the scenario), carrying `<failure>` (its text one line
/// per failed expectation), `<error>` or `<skipped>`.
pub fn junit(cases: &[CheckCase]) -> String {
    let (_, failed, skipped, errors) = tally(cases);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failed}\" errors=\"{errors}\" skipped=\"{skipped}\"",
        cases.len()
    );
    let _ = writeln!(out, "<testsuites name=\"pekonode check\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"pekonode check\" {counts}>");
    for c in cases {
        let name = c.scenario.as_deref().unwrap_or(&c.file);
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml_escape(&c.file),
            xml_escape(name)
        );
        match &c.status {
            CaseStatus::Passed => out.push_str("/>\n"),
            CaseStatus::Failed => {
                let mut parts = Vec::new();
                if !c.failures.is_empty() {
                    parts.push(format!(
                        "{} failure(s) over {} expectation(s) × {} seed(s)",
                        c.failures.len(),
                        c.expectations,
                        c.seeds
                    ));
                }
                if !c.golden.is_empty() {
                    parts.push(format!(
                        "{} golden failure(s) over {} seed(s)",
                        c.golden.len(),
                        c.seeds
                    ));
                }
                let message = parts.join("; ");
                // `type` says which gate failed; both when both did.
                let kind = match (c.failures.is_empty(), c.golden.is_empty()) {
                    (false, false) => "expectation golden",
                    (true, false) => "golden",
                    _ => "expectation",
                };
                let body: Vec<String> = c
                    .failures
                    .iter()
                    .map(ToString::to_string)
                    .chain(c.golden.iter().map(ToString::to_string))
                    .collect();
                let _ = write!(
                    out,
                    ">\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(&message),
                    xml_escape(&body.join("\n"))
                );
            }
            CaseStatus::Skipped(why) => {
                let _ = write!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    xml_escape(why)
                );
            }
            CaseStatus::Error(why) => {
                let _ = write!(
                    out,
                    ">\n      <error type=\"error\" message=\"{}\">{}</error>\n    </testcase>\n",
                    xml_escape(why.lines().next().unwrap_or_default()),
                    xml_escape(why)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The JSON document: `passed` (no failure, no error), counts, and one object per file with
/// its `status` (`passed`, `failed`, `skipped`, `error`), `message` (why skipped or in error,
/// or a note), `failures` (`seed`, null for an expectation over all seeds; `expectation`;
/// `expected`; `measured`) and `golden` (`metric`, null for a golden file that does not fit;
/// `golden`, `fresh`, `tolerance`, `message`).
pub fn json(cases: &[CheckCase]) -> Value {
    let (passed, failed, skipped, errors) = tally(cases);
    let files: Vec<Value> = cases
        .iter()
        .map(|c| {
            let note = c.note.as_deref();
            let (status, message) = match &c.status {
                CaseStatus::Passed => ("passed", note),
                CaseStatus::Failed => ("failed", note),
                CaseStatus::Skipped(m) => ("skipped", Some(m.as_str())),
                CaseStatus::Error(m) => ("error", Some(m.as_str())),
            };
            let failures: Vec<Value> = c
                .failures
                .iter()
                .map(|f| {
                    json!({
                        "seed": f.seed,
                        "expectation": f.metric,
                        "expected": f.expected,
                        "measured": f.measured,
                    })
                })
                .collect();
            let golden: Vec<Value> = c.golden.iter().map(golden_json).collect();
            json!({
                "file": c.file,
                "scenario": c.scenario,
                "status": status,
                "message": message,
                "expectations": c.expectations,
                "seeds": c.seeds,
                "failures": failures,
                "golden": golden,
            })
        })
        .collect();
    json!({
        "passed": failed == 0 && errors == 0,
        "counts": {"files": cases.len(), "passed": passed, "failed": failed,
                   "skipped": skipped, "errors": errors},
        "files": files,
    })
}

/// One golden failure as JSON (`message` is the line `check` prints).
fn golden_json(g: &GoldenFailure) -> Value {
    match g {
        GoldenFailure::Metric { drift, .. } => json!({
            "metric": drift.metric,
            "golden": drift.golden,
            "fresh": drift.fresh,
            "tolerance": drift.tolerance,
            "message": g.to_string(),
        }),
        GoldenFailure::File { .. } => json!({
            "metric": null,
            "message": g.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_special_and_forbidden_characters_are_escaped_or_dropped() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\n"
        );
    }
}
