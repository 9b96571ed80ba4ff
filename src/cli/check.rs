//! `pekonode check`: run scenario files (over their seeds) and enforce their `expect` blocks.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
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
    for path in &args.files {
        if is_json_schema(path) {
            println!("skip: {} (a JSON Schema, not a scenario)", path.display());
            continue;
        }
        let scenario = match load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e:#}");
                failed_files += 1;
                continue;
            }
        };
        let expectations = study::expect::count(&scenario);
        if expectations == 0 {
            println!("skip: {} (no expectations)", path.display());
            continue;
        }
        let outcomes = simulate_seeds(&scenario, threads)?;
        let found = study::expect::check(&scenario, &outcomes);
        checked += 1;
        if found.is_empty() {
            println!(
                "ok: {} ({}: {} expectations × {} seeds)",
                path.display(),
                scenario.name(),
                expectations,
                outcomes.len()
            );
        } else {
            failed_files += 1;
            failures += found.len();
            for f in &found {
                println!("{f}");
            }
        }
    }
    if failed_files > 0 {
        bail!(
            "{failures} expectation(s) failed; {failed_files} of {} files did not pass",
            args.files.len()
        );
    }
    println!("all {checked} checked scenario(s) met their expectations");
    Ok(())
}
