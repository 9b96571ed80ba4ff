//! `pekonode check`: run scenario files (over their seeds) and enforce their `expect` blocks.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use pekonode::report::ci::{self, CaseStatus, CheckCase};
use pekonode::study;

use super::run::{load, simulate_seeds, threads};

/// Arguments of `pekonode check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Scenario files to run and check. A JSON Schema file among them (scenarios/schema.json)
    /// is skipped, so `pekonode check scenarios/*.json` works.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Threads to run seeds on. Default: every core. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// `text` for people; `junit` (JUnit XML) or `json` put one document on stdout for CI,
    /// progress lines going to stderr. The exit status is the same in every format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
}

/// Output formats of `pekonode check`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// Lines for people.
    Text,
    /// JUnit XML: one test case per scenario file.
    Junit,
    /// One JSON document.
    Json,
}

/// Whether `path` holds a JSON Schema document rather than a scenario.
fn is_json_schema(path: &Path) -> bool {
    let Ok(text) = pekonode::files::read_bounded(path, pekonode::scenario::MAX_FILE_BYTES) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&text).is_ok_and(|v| {
        v.get("$schema")
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.starts_with("https://json-schema.org/"))
    })
}

/// `pekonode check`.
pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let threads = threads(args.threads);
    let (mut failed_files, mut failures, mut checked) = (0usize, 0usize, 0usize);
    // With a CI format, stdout holds the document alone; the lines for people go to stderr.
    let text = args.format == CheckFormat::Text;
    let say = |line: String| {
        if text {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    };
    let mut cases: Vec<CheckCase> = Vec::new();
    let case = |path: &Path, status: CaseStatus| CheckCase {
        file: path.display().to_string(),
        scenario: None,
        status,
        expectations: 0,
        seeds: 0,
        failures: Vec::new(),
    };
    for path in &args.files {
        if is_json_schema(path) {
            say(format!(
                "skip: {} (a JSON Schema, not a scenario)",
                path.display()
            ));
            cases.push(case(
                path,
                CaseStatus::Skipped("a JSON Schema, not a scenario".into()),
            ));
            continue;
        }
        let scenario = match load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e:#}");
                failed_files += 1;
                cases.push(case(path, CaseStatus::Error(format!("{e:#}"))));
                continue;
            }
        };
        let expectations = study::expect::count(&scenario);
        if expectations == 0 {
            say(format!("skip: {} (no expectations)", path.display()));
            cases.push(CheckCase {
                scenario: Some(scenario.name().to_string()),
                ..case(path, CaseStatus::Skipped("no expectations".into()))
            });
            continue;
        }
        let outcomes = match simulate_seeds(&scenario, threads) {
            Ok(outcomes) => outcomes,
            Err(e) => {
                eprintln!("{e:#}");
                failed_files += 1;
                cases.push(CheckCase {
                    scenario: Some(scenario.name().to_string()),
                    ..case(path, CaseStatus::Error(format!("{e:#}")))
                });
                continue;
            }
        };
        let found = study::expect::check(&scenario, &outcomes);
        checked += 1;
        cases.push(CheckCase {
            scenario: Some(scenario.name().to_string()),
            expectations,
            seeds: outcomes.len(),
            failures: found.clone(),
            ..case(
                path,
                if found.is_empty() {
                    CaseStatus::Passed
                } else {
                    CaseStatus::Failed
                },
            )
        });
        if found.is_empty() {
            say(format!(
                "ok: {} ({}: {} expectations × {} seeds)",
                path.display(),
                scenario.name(),
                expectations,
                outcomes.len()
            ));
        } else {
            failed_files += 1;
            failures += found.len();
            for f in &found {
                say(f.to_string());
            }
        }
    }
    match args.format {
        CheckFormat::Text => {}
        CheckFormat::Junit => print!("{}", ci::junit(&cases)),
        CheckFormat::Json => println!("{}", serde_json::to_string_pretty(&ci::json(&cases))?),
    }
    if failed_files > 0 {
        bail!(
            "{failures} expectation(s) failed; {failed_files} of {} files did not pass",
            args.files.len()
        );
    }
    say(format!(
        "all {checked} checked scenario(s) met their expectations"
    ));
    Ok(())
}
