//! What `pekonode ab` prints: per scenario, each metric of the other build (the baseline) and
//! of this one over the same seeds, with the difference, its 95 % interval (Welch's, the rule
//! of [`study::baseline`]), the effect size and the verdict; as text, JSON or JUnit XML.

use std::fmt::Write as _;

use pekonode::report::ci::xml_escape;
use pekonode::study::baseline::{self, Comparison, Rule, Verdict};
use pekonode::study::spread::Spread;
use serde_json::{json, Value};

/// One metric of one scenario, both builds.
pub struct AbRow {
    /// The baseline comparison (baseline = the other build, current = this one).
    pub comparison: Comparison,
    /// This build's mean minus the other's.
    pub difference: Option<f64>,
    /// The 95 % interval of that difference (Welch), when both sides have a spread.
    pub interval: Option<(f64, f64)>,
    /// Cohen's d: the difference over the pooled standard deviation (none when both sides
    /// are the same on every seed).
    pub effect: Option<f64>,
}

/// One scenario file compared.
pub struct AbCase {
    /// The file as given.
    pub file: String,
    /// Every metric, in the metric table's order.
    pub rows: Vec<AbRow>,
}

impl AbCase {
    /// The metrics that got worse.
    pub fn regressed(&self) -> Vec<&'static str> {
        self.rows
            .iter()
            .filter(|r| r.comparison.verdict == Verdict::Regressed)
            .map(|r| r.comparison.metric.name())
            .collect()
    }
}

/// The rows of `other` (baseline) against `this` (both multi-seed summary JSON).
pub fn rows(other: &Value, this: &Value, tolerance: f64) -> Result<Vec<AbRow>, String> {
    let compared = baseline::compare(other, this, tolerance)?;
    Ok(compared
        .into_iter()
        .map(|c| {
            let difference = match (c.baseline, c.current) {
                (Some(b), Some(t)) => Some(t - b),
                _ => None,
            };
            let interval = match (c.rule, difference) {
                (Rule::Spread(half), Some(d)) if half.is_finite() => Some((d - half, d + half)),
                _ => None,
            };
            let name = c.metric.name();
            let effect = match (
                Spread::read(other, name),
                Spread::read(this, name),
                difference,
            ) {
                (Some(a), Some(b), Some(d)) => cohens_d(a, b, d),
                _ => None,
            };
            AbRow {
                comparison: c,
                difference,
                interval,
                effect,
            }
        })
        .collect())
}

/// `difference` over the pooled standard deviation of `a` and `b`.
fn cohens_d(a: Spread, b: Spread, difference: f64) -> Option<f64> {
    let df = (a.n + b.n).checked_sub(2).filter(|&df| df > 0)? as f64;
    let pooled = (((a.n - 1) as f64 * a.sd.powi(2) + (b.n - 1) as f64 * b.sd.powi(2)) / df).sqrt();
    (pooled > 0.0).then(|| difference / pooled)
}

/// A number for a table: three decimals, `none` if absent.
fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "none".to_owned(), |v| format!("{v:.3}"))
}

/// The text report: a header line per scenario, then its changed metrics (every one with
/// `all`), or a line saying none changed.
pub fn text(cases: &[AbCase], other: &str, this: &str, seeds: u32, all: bool) -> String {
    let mut out = format!("A/B over {seeds} seed(s): A = {other}, B = this build ({this})\n");
    for case in cases {
        let shown: Vec<&AbRow> = case
            .rows
            .iter()
            .filter(|r| all || r.comparison.verdict != Verdict::Same)
            .collect();
        let changed = case
            .rows
            .iter()
            .filter(|r| r.comparison.verdict != Verdict::Same)
            .count();
        let _ = writeln!(
            out,
            "\n{}: {changed} of {} metrics changed",
            case.file,
            case.rows.len()
        );
        if shown.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<26} {:>12} {:>12} {:>9} {:>30} {:>7}  verdict",
            "metric", "A", "B", "change", "B − A [95 % interval]", "d"
        );
        for r in shown {
            let c = &r.comparison;
            let change = match c.change {
                Some(x) if x.is_infinite() => "new".to_owned(),
                Some(x) => format!("{:+.1} %", x * 100.0),
                None => "-".to_owned(),
            };
            let diff = match (r.difference, r.interval) {
                (Some(d), Some((lo, hi))) => format!("{d:+.3} [{lo:+.3}, {hi:+.3}]"),
                (Some(d), None) => format!("{d:+.3}"),
                (None, _) => "-".to_owned(),
            };
            let effect = r
                .effect
                .map_or_else(|| "-".to_owned(), |d| format!("{d:+.2}"));
            let verdict = match c.verdict {
                Verdict::Same => "same",
                Verdict::Improved => "improved",
                Verdict::Regressed => "REGRESSED",
            };
            let _ = writeln!(
                out,
                "  {:<26} {:>12} {:>12} {change:>9} {diff:>30} {effect:>7}  {verdict}",
                c.metric.name(),
                num(c.baseline),
                num(c.current),
            );
        }
    }
    out
}

/// The JSON document: `regressed`, both builds, the seeds, and per scenario the rows of
/// [`baseline::to_json`] (A is `baseline`, B `current`) with `difference`, `interval` and
/// `effect_size` added.
pub fn json(cases: &[AbCase], other: &str, this: &str, seeds: u32, tolerance: f64) -> Value {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let scenarios: Vec<Value> = cases
        .iter()
        .map(|case| {
            let comparisons: Vec<Comparison> =
                case.rows.iter().map(|r| r.comparison.clone()).collect();
            let mut doc = baseline::to_json(&comparisons, tolerance);
            if let Some(Value::Array(metrics)) = doc.get_mut("metrics") {
                for (m, r) in metrics.iter_mut().zip(&case.rows) {
                    m["difference"] = json!(finite(r.difference));
                    m["interval"] = json!(r.interval.map(|(lo, hi)| [lo, hi]));
                    m["effect_size"] = json!(finite(r.effect));
                }
            }
            doc["file"] = json!(case.file);
            doc
        })
        .collect();
    json!({
        "regressed": cases.iter().any(|c| !c.regressed().is_empty()),
        "a": other,
        "b": this,
        "seeds": seeds,
        "scenarios": scenarios,
    })
}

/// JUnit XML: one test case per scenario file, failed when a metric regressed (its text one
/// line per regressed metric).
pub fn junit(cases: &[AbCase], other: &str) -> String {
    let failed = cases.iter().filter(|c| !c.regressed().is_empty()).count();
    let counts = format!(
        "tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\"",
        cases.len()
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let suite = xml_escape(&format!("pekonode ab against {other}"));
    let _ = writeln!(out, "<testsuites name=\"{suite}\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"{suite}\" {counts}>");
    for case in cases {
        let file = xml_escape(&case.file);
        let _ = write!(out, "    <testcase classname=\"{file}\" name=\"{file}\"");
        let regressed = case.regressed();
        if regressed.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        let lines: Vec<String> = case
            .rows
            .iter()
            .filter(|r| r.comparison.verdict == Verdict::Regressed)
            .map(|r| {
                let c = &r.comparison;
                format!(
                    "{}: A {} B {}",
                    c.metric.name(),
                    num(c.baseline),
                    num(c.current)
                )
            })
            .collect();
        let _ = write!(
            out,
            ">\n      <failure type=\"regression\" message=\"{}\">{}</failure>\n    </testcase>\n",
            xml_escape(&format!("regressed: {}", regressed.join(", "))),
            xml_escape(&lines.join("\n"))
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effect_size_is_the_difference_over_the_pooled_sd() {
        let s = |sd: f64| Spread {
            mean: 0.0,
            sd,
            n: 5,
        };
        assert_eq!(cohens_d(s(2.0), s(2.0), 1.0), Some(0.5));
        assert_eq!(cohens_d(s(0.0), s(0.0), 1.0), None);
    }

    #[test]
    fn a_summary_against_itself_changes_nothing() {
        let v = json!({"metrics": {"coverage": {"count": 4, "mean": 0.9, "sd": 0.01}}});
        let rows = rows(&v, &v, 0.05).expect("rows");
        assert!(rows.iter().all(|r| r.comparison.verdict == Verdict::Same));
        let cov = rows
            .iter()
            .find(|r| r.comparison.metric.name() == "coverage")
            .expect("coverage");
        assert_eq!(cov.difference, Some(0.0));
        assert_eq!(cov.effect, Some(0.0));
    }
}
