//! Golden files: what a scenario file's seeds measured, committed, so that `pekonode check`
//! notices when a change to the code moves any metric of the metric table (`METRICS` in
//! `src/scenario/metric.rs`), not only the few an `expect` block bounds.
//!
//! One small JSON file per scenario file (`scenarios/golden/<file stem>.json` by default): the
//! scenario's name, its seeds, and for every metric its mean over the seeds that measured it
//! (`null` when none did) and the value of each seed (for people, and to see a seed start or
//! stop measuring it); plus an optional `tolerance` map that overrides the metric table's
//! default tolerance for this scenario, which blessing keeps. The bytes depend on the values
//! alone: one line per metric, in table order, numbers as serde writes them (shortest
//! round-trip form).
//!
//! [`drift`](super::drift) compares a golden file with a fresh run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::run::Outcome;
use crate::scenario::{Metric, Scenario, Tolerance};

/// Largest golden file read (a few KB in practice; thousands of seeds stay far below this).
const MAX_GOLDEN_BYTES: u64 = 16 << 20;

/// One metric in a golden file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldenValue {
    /// Mean over the seeds that measured it; `None` when none did.
    pub mean: Option<f64>,
    /// Each seed's value, in the order of [`Golden::seeds`]; `None` where not measured.
    pub per_seed: Vec<Option<f64>>,
}

/// A golden file: what the seeds of one scenario file measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Golden {
    /// The scenario's name.
    pub scenario: String,
    /// The seeds run, in order.
    pub seeds: Vec<u64>,
    /// Every metric of the table, by name.
    pub metrics: BTreeMap<Metric, GoldenValue>,
    /// Tolerances for this scenario that replace the table's defaults (both parts: a missing
    /// part is 0). Kept when the file is blessed again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tolerance: BTreeMap<Metric, Tolerance>,
}

/// Why a golden file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GoldenError {
    /// The file could not be read or written.
    #[error("golden file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a golden file.
    #[error("golden file {}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// A finite value, or `None`: JSON has no NaN or infinity, so a value that is neither would
/// not survive the file and is treated as not measured on both sides.
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

impl Golden {
    /// What `outcomes` (one per seed, in seed order) of `scenario` measured, with no
    /// tolerance overrides. Means are the ones `summary.json` of `run --seeds` reports.
    pub fn of(scenario: &Scenario, outcomes: &[Outcome]) -> Golden {
        let table = super::seeds::MetricTable::of(outcomes);
        let metrics = Metric::ALL
            .iter()
            .map(|&m| {
                let mean = table
                    .get(m)
                    .and_then(|s| s.quantiles.as_ref())
                    .map(|q| q.mean);
                let per_seed = outcomes
                    .iter()
                    .map(|o| finite(super::metric::value(m, o)))
                    .collect();
                let value = GoldenValue {
                    mean: finite(mean),
                    per_seed,
                };
                (m, value)
            })
            .collect();
        Golden {
            scenario: scenario.name().to_string(),
            seeds: outcomes.iter().map(|o| o.seed).collect(),
            metrics,
            tolerance: BTreeMap::new(),
        }
    }

    /// The tolerance of `metric` for this scenario: the file's override, else the table's.
    pub fn tolerance(&self, metric: Metric) -> Tolerance {
        self.tolerance
            .get(&metric)
            .copied()
            .unwrap_or_else(|| metric.tolerance())
    }

    /// Reads a golden file from JSON text; `path` names it in errors.
    pub fn from_json(text: &[u8], path: &Path) -> Result<Golden, GoldenError> {
        let format = |message: String| GoldenError::Format {
            path: path.to_path_buf(),
            message,
        };
        let golden: Golden = serde_json::from_slice(text).map_err(|e| format(e.to_string()))?;
        for (metric, value) in &golden.metrics {
            if value.per_seed.len() != golden.seeds.len() {
                return Err(format(format!(
                    "{metric}: {} per-seed values for {} seeds",
                    value.per_seed.len(),
                    golden.seeds.len()
                )));
            }
        }
        for (metric, t) in &golden.tolerance {
            if let Some(problem) = t.problem() {
                return Err(format(format!("tolerance of {metric}: {problem}")));
            }
        }
        Ok(golden)
    }

    /// The file's text: pretty, one line per metric in table order, a final newline. The same
    /// values give the same bytes.
    pub fn to_json(&self) -> String {
        // serde_json's pretty printer puts every number of every list on its own line (a
        // thousand lines for 64 seeds); one line per metric keeps the file small to read and
        // its diffs one line per metric that moved.
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"scenario\": {},", one_line(&self.scenario));
        let _ = writeln!(out, "  \"seeds\": {},", one_line(&self.seeds));
        out.push_str("  \"metrics\": {\n");
        let rows: Vec<String> = self
            .metrics
            .iter()
            .map(|(m, v)| format!("    \"{m}\": {}", one_line(v)))
            .collect();
        out.push_str(&rows.join(",\n"));
        out.push_str("\n  }");
        if !self.tolerance.is_empty() {
            out.push_str(",\n  \"tolerance\": {\n");
            let rows: Vec<String> = self
                .tolerance
                .iter()
                .map(|(m, t)| format!("    \"{m}\": {}", one_line(t)))
                .collect();
            out.push_str(&rows.join(",\n"));
            out.push_str("\n  }");
        }
        out.push_str("\n}\n");
        out
    }

    /// Reads the golden file at `path`; `Ok(None)` when there is none.
    pub fn read(path: &Path) -> Result<Option<Golden>, GoldenError> {
        let io = |source| GoldenError::Io {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
            Ok(_) => {}
        }
        let text = crate::files::read_bounded(path, MAX_GOLDEN_BYTES).map_err(io)?;
        Golden::from_json(&text, path).map(Some)
    }

    /// Writes the file to `path`, creating its folder.
    pub fn write(&self, path: &Path) -> Result<(), GoldenError> {
        let io = |source| GoldenError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(path, self.to_json()).map_err(io)
    }
}

/// `value` as one line of JSON, with a space after each comma and colon for people.
fn one_line<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
    // Plain data serialized to memory cannot fail; an empty string would show it if it did.
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's compact formatter with `", "` and `": "`.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        let text = r#"{"name": "tiny", "seed": 3, "seeds": 2, "duration_ms": 20000,
                       "protocol": {"forwarding": "first-copy"},
                       "nodes": {"count": 5, "bootstrap": "all"}}"#;
        Scenario::from_str_named(text, "tiny.json").expect("valid")
    }

    fn golden() -> Golden {
        let s = tiny();
        let outcomes = crate::study::seeds::run_seeds(&s, 1, &|_| {}).expect("runs");
        Golden::of(&s, &outcomes)
    }

    #[test]
    fn it_holds_every_metric_with_its_seeds_and_reads_back_what_it_wrote() {
        let mut g = golden();
        assert_eq!(g.seeds, [3, 4]);
        assert_eq!(g.metrics.len(), Metric::ALL.len());
        let cost = &g.metrics[&Metric::PacketsPerHeartbeat];
        assert_eq!(cost.per_seed.len(), 2);
        assert!(cost.mean.is_some());
        assert_eq!(
            g.metrics[&Metric::CrashDetectionMs].mean,
            None,
            "nothing crashed"
        );
        g.tolerance
            .insert(Metric::Duplicates, Tolerance::absolute(3.0));
        let text = g.to_json();
        let back = Golden::from_json(text.as_bytes(), Path::new("g.json")).expect("reads");
        assert_eq!(back, g);
        assert_eq!(back.to_json(), text, "stable bytes");
        assert_eq!(back.tolerance(Metric::Duplicates), Tolerance::absolute(3.0));
        assert_eq!(
            back.tolerance(Metric::Coverage),
            Metric::Coverage.tolerance()
        );
        // One line per metric, in table order, and valid JSON for any reader.
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[4].starts_with("    \"packets_per_heartbeat\": {\"mean\": "));
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }

    #[test]
    fn a_file_that_does_not_fit_is_refused_with_the_reason() {
        let g = golden();
        let p = Path::new("g.json");
        let short = g
            .to_json()
            .replacen("\"seeds\": [3, 4]", "\"seeds\": [3]", 1);
        let e = Golden::from_json(short.as_bytes(), p).expect_err("2 values for 1 seed");
        assert!(
            e.to_string().contains("2 per-seed values for 1 seeds"),
            "{e}"
        );
        let unknown = g.to_json().replacen("\"coverage\"", "\"coverage_x\"", 1);
        assert!(Golden::from_json(unknown.as_bytes(), p).is_err());
        let mut bad = g;
        bad.tolerance
            .insert(Metric::Coverage, Tolerance::absolute(-1.0));
        let e = Golden::from_json(bad.to_json().as_bytes(), p).expect_err("negative");
        assert!(e.to_string().contains("tolerance of coverage"), "{e}");
    }

    #[test]
    fn a_missing_file_is_none_and_a_written_one_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("golden").join("tiny.json");
        assert!(Golden::read(&path).expect("no error").is_none());
        let g = golden();
        g.write(&path).expect("writes");
        assert_eq!(Golden::read(&path).expect("reads"), Some(g));
    }
}
