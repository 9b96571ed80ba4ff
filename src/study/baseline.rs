//! Baselines: a run compared with a stored `summary.json`, metric by metric, so a change to
//! the protocol shows its effect in numbers (`pekonode run … --baseline FILE`).
//!
//! Both sides are read from summary JSON, single-seed (`pekonode run`) or multi-seed
//! (`--seeds N`, where each metric's mean over the seeds is compared), so any summary can be
//! compared with any other. A change is the relative difference `(current − baseline) /
//! |baseline|`; past the allowed change it is an *improvement* or a *regression* depending on
//! the metric's direction (coverage up is better; cost, delay and false removals up are worse).
//!
//! What change is allowed depends on the baseline: a multi-seed baseline knows each metric's
//! seed-to-seed spread, and a change counts only when it leaves that spread ([`spread`](super::spread):
//! Welch's t interval against another multi-seed run, a prediction interval against one seed);
//! a single-run baseline (or an old one without standard deviations) has no spread, and then
//! the flat relative `tolerance` applies. Each row says which rule judged it.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use super::error::StudyError;
use super::spread::{allowance, Spread};
use crate::run::Outcome;
use crate::scenario::Metric;

/// The verdict on one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within the tolerance.
    Same,
    /// Better by more than the tolerance (or newly measured).
    Improved,
    /// Worse by more than the tolerance (or no longer measured, e.g. never converges now).
    Regressed,
}

/// The rule that judged a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// A relative change of at most this fraction is the same.
    Tolerance(f64),
    /// An absolute difference of at most this much is within the seed-to-seed spread.
    Spread(f64),
}

/// One metric compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The metric.
    pub metric: Metric,
    /// Its value in the baseline.
    pub baseline: Option<f64>,
    /// Its value now.
    pub current: Option<f64>,
    /// `(current − baseline) / |baseline|`, when both exist (±∞ from a baseline of 0).
    pub change: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// What decided it.
    pub rule: Rule,
}

/// Reads a stored summary.
pub fn load(path: &Path) -> Result<Value, StudyError> {
    let text =
        crate::files::read_bounded(path, crate::scenario::MAX_FILE_BYTES).map_err(|source| {
            StudyError::BaselineIo {
                path: path.to_path_buf(),
                source,
            }
        })?;
    let value: Value = serde_json::from_slice(&text).map_err(|e| StudyError::BaselineFormat {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    metric_values(&value).map_err(|message| StudyError::BaselineFormat {
        path: path.to_path_buf(),
        message,
    })?;
    Ok(value)
}

fn num(v: &Value, pointer: &str) -> Option<f64> {
    v.pointer(pointer).and_then(Value::as_f64)
}

/// Every metric of a summary (single- or multi-seed), in [`Metric::ALL`] order: a multi-seed
/// summary's means by name, a single run's read back as the run's `Outcome` and measured by
/// the metric table, exactly as the run itself was.
pub fn metric_values(summary: &Value) -> Result<Vec<(Metric, Option<f64>)>, String> {
    if let Some(metrics) = summary.get("metrics").and_then(Value::as_object) {
        return Ok(Metric::ALL
            .iter()
            .map(|&m| (m, metrics.get(m.name()).and_then(|s| num(s, "/mean"))))
            .collect());
    }
    if summary.pointer("/traffic/sent").is_none() {
        return Err("it has neither `metrics` (multi-seed) nor `traffic` (single run)".into());
    }
    // `summary.json` leaves out the two long series, which no metric reads.
    let mut run = summary.clone();
    if let Some(fields) = run.as_object_mut() {
        for series in ["samples", "per_cycle"] {
            fields
                .entry(series)
                .or_insert_with(|| Value::Array(Vec::new()));
        }
    }
    let outcome: Outcome =
        serde_json::from_value(run).map_err(|e| format!("not a run's summary: {e}"))?;
    Ok(super::metric::values(&outcome))
}

/// Compares `current` with `baseline` (both summary JSON): within the seed-to-seed spread
/// when the baseline has one for the metric, else within a relative `tolerance`.
pub fn compare(
    baseline: &Value,
    current: &Value,
    tolerance: f64,
) -> Result<Vec<Comparison>, String> {
    let base = metric_values(baseline)?;
    let now = metric_values(current)?;
    Ok(base
        .into_iter()
        .zip(now)
        .map(|((metric, b), (_, c))| {
            let rule = match Spread::read(baseline, metric.name()) {
                Some(sb) => Rule::Spread(allowance(sb, Spread::read(current, metric.name()))),
                None => Rule::Tolerance(tolerance),
            };
            let (change, verdict) = match (b, c) {
                (None, None) => (None, Verdict::Same),
                (Some(_), None) => (None, Verdict::Regressed),
                (None, Some(_)) => (None, Verdict::Improved),
                (Some(b), Some(c)) => {
                    let change = if c == b {
                        0.0
                    } else if b == 0.0 {
                        f64::INFINITY.copysign(c)
                    } else {
                        (c - b) / b.abs()
                    };
                    let worse = if metric.higher_is_better() {
                        c < b
                    } else {
                        c > b
                    };
                    let same = match rule {
                        Rule::Tolerance(t) => change.abs() <= t,
                        Rule::Spread(half) => (c - b).abs() <= half,
                    };
                    let verdict = if same {
                        Verdict::Same
                    } else if worse {
                        Verdict::Regressed
                    } else {
                        Verdict::Improved
                    };
                    (Some(change), verdict)
                }
            };
            Comparison {
                metric,
                baseline: b,
                current: c,
                change,
                verdict,
                rule,
            }
        })
        .collect())
}

/// The comparison as JSON for CI: `regressed` (any regression), `tolerance`, and one row per
/// metric with `baseline`, `current`, `change` (relative; `null` if either side is missing or
/// the baseline is 0), `verdict` (`same`, `improved`, `regressed`), and `rule` (`spread` with
/// the allowed absolute difference, or `tolerance`).
pub fn to_json(rows: &[Comparison], tolerance: f64) -> Value {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let metrics: Vec<Value> = rows
        .iter()
        .map(|r| {
            let (rule, allowed) = match r.rule {
                Rule::Tolerance(t) => ("tolerance", t),
                Rule::Spread(h) => ("spread", h),
            };
            serde_json::json!({
                "metric": r.metric.name(),
                "baseline": r.baseline,
                "current": r.current,
                "change": finite(r.change),
                "verdict": verdict_name(r.verdict),
                "rule": rule,
                "allowed": finite(Some(allowed)),
            })
        })
        .collect();
    serde_json::json!({
        "regressed": rows.iter().any(|r| r.verdict == Verdict::Regressed),
        "tolerance": tolerance,
        "metrics": metrics,
    })
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Same => "same",
        Verdict::Improved => "improved",
        Verdict::Regressed => "regressed",
    }
}

/// The comparison as an aligned table, newline-terminated: each verdict with its rule (the
/// allowed difference within the seed spread, or the tolerance).
pub fn render(rows: &[Comparison]) -> String {
    let value = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| format!("{v:.3}"));
    let mut out = format!(
        "{:<26} {:>16} {:>16} {:>10}  verdict (rule)\n",
        "metric", "baseline", "current", "change",
    );
    for r in rows {
        let change = match r.change {
            Some(c) if c.is_infinite() => "new".to_string(),
            Some(c) => format!("{:+.1} %", c * 100.0),
            None if r.baseline.is_none() && r.current.is_none() => String::new(),
            None => "-".to_string(),
        };
        let verdict = match r.verdict {
            Verdict::Same => "same",
            Verdict::Improved => "improved",
            Verdict::Regressed => "REGRESSED",
        };
        let rule = match r.rule {
            Rule::Tolerance(t) => format!("tolerance {:.1} %", t * 100.0),
            Rule::Spread(h) => format!("seed spread ±{}", value(Some(h))),
        };
        let _ = writeln!(
            out,
            "{:<26} {:>16} {:>16} {:>10}  {verdict} ({rule})",
            r.metric.name(),
            value(r.baseline),
            value(r.current),
            change
        );
    }
    out
}
