//! Reports of one simulated run: files for people and tools, built from an
//! [`Outcome`] alone.
//!
//! [`write()`] fills a folder with
//!
//! - `summary.json`: the `Outcome` as pretty JSON, without its two long series, which go to
//! - `timeseries.csv` (one row per [`Sample`](crate::run::outcome::Sample)) and
//!   `per_cycle.csv` (one row per [`CycleTraffic`](crate::run::outcome::CycleTraffic));
//! - `convergence`, `infection` (not for a run on real sockets) and `traffic` charts, each as
//!   `.svg` and `.png`
//!   (1200 × 700 px; text in the DejaVu Sans font embedded in the binary, so no system font
//!   is needed);
//! - `report.html`: one self-contained page (no network: charts inlined as SVG, a small inline
//!   script) with the scenario, seed, program version and the command that reproduces the
//!   run ([`Provenance`]), every chart, the summary table and, for a simulated run of at most
//!   500 nodes, an infection playback (docs/studies.md#reporthtml);
//! - `provenance.json`: the version and git revision of the build and the command
//!   ([`PROVENANCE_FILE`]; left out of the byte-for-byte checks of committed reports).
//!
//! [`table()`] is the short summary printed after a run and [`summary_json`] the JSON that
//! `--json` prints. Everything is deterministic: the same `Outcome` gives the same bytes in
//! every file, on every run.
//!
//! ```no_run
//! # fn demo(outcome: &pekonode::run::Outcome) -> Result<(), pekonode::report::ReportError> {
//! let files = pekonode::report::write(outcome, std::path::Path::new("reports/quickstart"))?;
//! print!("{}", pekonode::report::table(outcome));
//! # Ok(()) }
//! ```

mod charts;
pub mod ci;
mod csv;
mod error;
mod files;
mod html;
mod provenance;
mod rows;
mod seeds;
mod summary;
mod sweep;
mod table;

#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};

pub use error::ReportError;
pub use html::{Provenance, HTML_FILE};
pub use provenance::{PROVENANCE_FILE, PROVENANCE_FORMAT};
pub use seeds::{seeds_summary_value, seeds_table, write_seeds, BANDS_FILE, SEEDS_FILE};
pub use sweep::{sweep_table, write_sweep};

use crate::run::Outcome;

/// Writes the report of `outcome` into `dir` (created if needed) and returns the files
/// written, in a fixed order: `summary.json`, `timeseries.csv`, `per_cycle.csv`, each
/// chart's `.svg` and `.png`, `provenance.json`, then `report.html`.
///
/// Degenerate outcomes (no samples, no heartbeat, no traffic) still give every file; charts
/// then carry a "no data" note. The page names no command to reproduce the run: see
/// [`write_with`].
pub fn write(outcome: &Outcome, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    write_with(outcome, dir, &Provenance::default())
}

/// [`write()`], with the scenario's description and the command that reproduces the run in
/// the header of `report.html`.
pub fn write_with(
    outcome: &Outcome,
    dir: &Path,
    provenance: &Provenance,
) -> Result<Vec<PathBuf>, ReportError> {
    fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), ReportError> {
        let path = dir.join(name);
        fs::write(&path, bytes).map_err(|source| ReportError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
        Ok(())
    };

    let summary_name = "summary.json";
    let summary = summary::summary_string(outcome).map_err(|source| ReportError::Json {
        path: dir.join(summary_name),
        source,
    })?;
    put(summary_name, summary.as_bytes())?;
    put(
        csv::TIMESERIES_FILE,
        csv::timeseries(&outcome.samples).as_bytes(),
    )?;
    put(
        csv::PER_CYCLE_FILE,
        csv::per_cycle(&outcome.per_cycle).as_bytes(),
    )?;

    let mut svgs = Vec::new();
    for chart in charts::render_all(outcome) {
        let svg_name = format!("{}.svg", chart.name);
        let svg = chart.svg.map_err(|e| ReportError::Chart {
            path: dir.join(&svg_name),
            message: e.0,
        })?;
        put(&svg_name, svg.as_bytes())?;

        let png_name = format!("{}.png", chart.name);
        let pixels = chart.pixels.map_err(|e| ReportError::Chart {
            path: dir.join(&png_name),
            message: e.0,
        })?;
        let png = charts::encode_png(&pixels).map_err(|message| ReportError::Png {
            path: dir.join(&png_name),
            message,
        })?;
        put(&png_name, &png)?;
        svgs.push((chart.name, svg));
    }
    let inline: Vec<html::InlineChart<'_>> = svgs
        .iter()
        .map(|(stem, svg)| html::InlineChart { stem, svg })
        .collect();
    put(PROVENANCE_FILE, provenance::record(provenance).as_bytes())?;
    put(
        HTML_FILE,
        html::run_page(outcome, &inline, provenance).as_bytes(),
    )?;
    Ok(written)
}

/// The short, aligned summary table printed on stdout after a run (newline-terminated).
///
/// Scenario, seed, nodes, forwarding, convergence, packets and datagrams per heartbeat,
/// coverage, duplicates, losses and drops, false removals, failure detection and metadata
/// spread; when the explosion guard stopped the run, its message comes first and a reminder
/// last.
pub fn table(outcome: &Outcome) -> String {
    table::render(outcome)
}

/// The content of `summary.json`: pretty JSON of `outcome` with `samples` and `per_cycle`
/// replaced by a `series` object naming their CSV files and row counts (newline-terminated).
pub fn summary_json(outcome: &Outcome) -> String {
    match summary::summary_string(outcome) {
        Ok(text) => text,
        // Unreachable for `Outcome` (string keys, no fallible Serialize impl); kept typed
        // rather than panicking.
        Err(e) => format!("{}\n", serde_json::json!({ "error": e.to_string() })),
    }
}

/// The names of the files [`write()`] creates for `outcome`, in the order it creates them (a
/// run on real sockets has no infection chart), `provenance.json`, then `report.html`.
pub fn file_names(outcome: &Outcome) -> Vec<String> {
    let mut names = vec![
        "summary.json".to_owned(),
        csv::TIMESERIES_FILE.to_owned(),
        csv::PER_CYCLE_FILE.to_owned(),
    ];
    for chart in charts::names(outcome) {
        names.push(format!("{chart}.svg"));
        names.push(format!("{chart}.png"));
    }
    names.push(PROVENANCE_FILE.to_owned());
    names.push(HTML_FILE.to_owned());
    names
}
