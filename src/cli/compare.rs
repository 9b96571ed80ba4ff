//! `pekonode run --baseline`: the comparison with a stored summary, as tables or JSON for CI.

use std::path::Path;

use anyhow::bail;
use pekonode::run::Outcome;
use pekonode::{report, study};

/// How `run --baseline` prints its comparison.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tables for people.
    Text,
    /// One JSON document on stdout, for CI.
    Json,
}

/// What the comparison needs of `run`'s arguments.
pub(super) struct Comparison<'a> {
    /// `--baseline`.
    pub(super) baseline: Option<&'a Path>,
    /// `--tolerance`.
    pub(super) tolerance: f64,
    /// `--format`.
    pub(super) format: Format,
}

/// Writes the report of `outcome` and says where on stderr (stdout is kept for the JSON
/// comparison); fails like `run::deliver` if the explosion guard stopped the run.
pub(super) fn deliver_quietly(
    outcome: &Outcome,
    dir: &std::path::Path,
    what: &str,
    provenance: &pekonode::report::Provenance,
) -> anyhow::Result<()> {
    report::write_with(outcome, dir, provenance)?;
    errln!("report: {}", dir.display());
    if let Some(stop) = &outcome.stopped {
        bail!("{what}: {} (report: {})", stop.message, dir.display());
    }
    Ok(())
}

/// Prints the comparison with the baseline, if any; fails on a regression.
pub(super) fn compare(
    args: &Comparison<'_>,
    baseline: Option<&serde_json::Value>,
    current: &serde_json::Value,
) -> anyhow::Result<()> {
    let (Some(base), Some(path)) = (baseline, args.baseline) else {
        return Ok(());
    };
    let rows = study::baseline::compare(base, current, args.tolerance)
        .map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
    if args.format == Format::Json {
        let mut doc = study::baseline::to_json(&rows, args.tolerance);
        if let serde_json::Value::Object(map) = &mut doc {
            map.insert("baseline_file".into(), path.display().to_string().into());
        }
        outln!("{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        outln!("compared with {}:", path.display())?;
        out!("{}", study::baseline::render(&rows))?;
    }
    let worse: Vec<&str> = rows
        .iter()
        .filter(|r| r.verdict == study::baseline::Verdict::Regressed)
        .map(|r| r.metric.name())
        .collect();
    if !worse.is_empty() {
        bail!(
            "{} metric(s) regressed against {} (past the seed spread or the tolerance of {:.1} %): {}",
            worse.len(),
            path.display(),
            args.tolerance * 100.0,
            worse.join(", ")
        );
    }
    Ok(())
}
