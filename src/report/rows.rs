//! The rows of the multi-seed and sweep tables, cells as printed: one source for the text
//! tables (`seeds.rs`, `sweep.rs`) and the HTML ones (`html/tables.rs`). Apart from both
//! because the text side writes the HTML pages, so the HTML side must not import it.

use super::csv::fixed;
use crate::scenario::Metric;
use crate::study::seeds::SeedSummary;
use crate::study::sweep::{PointResult, SweepResult};

/// The columns of [`seeds_rows`].
pub(crate) const SEEDS_HEAD: [&str; 10] = [
    "metric",
    "mean",
    "sd",
    "95 % CI of mean (t)",
    "median",
    "p10",
    "p90",
    "min",
    "max",
    "worst seeds",
];

/// One row per metric of the multi-seed table, cells as printed ([`SEEDS_HEAD`]).
pub(crate) fn seeds_rows(s: &SeedSummary) -> Vec<[String; 10]> {
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| fixed(v, 3));
    let mut rows = Vec::new();
    for (m, st) in &s.metrics.0 {
        let q = st.quantiles.as_ref();
        let missing = if st.missing > 0 {
            format!(" ({} without a value)", st.missing)
        } else {
            String::new()
        };
        let ci = match q.and_then(|q| q.ci95_low.zip(q.ci95_high)) {
            Some((lo, hi)) => format!("{} … {}", fixed(lo, 3), fixed(hi, 3)),
            None => "-".to_owned(),
        };
        let worst: Vec<String> = st.worst_seeds.iter().map(u64::to_string).collect();
        rows.push([
            m.name().to_owned(),
            num(q.map(|q| q.mean)),
            num(q.and_then(|q| q.sd)),
            ci,
            num(q.map(|q| q.median)),
            num(q.map(|q| q.p10)),
            num(q.map(|q| q.p90)),
            num(q.map(|q| q.min)),
            num(q.map(|q| q.max)),
            format!("{}{missing}", worst.join(" ")),
        ]);
    }
    rows
}

/// A point's median of metric `m`, if any seed measured it.
pub(super) fn median(p: &PointResult, m: Metric) -> Option<f64> {
    p.metrics.get(m)?.quantiles.as_ref().map(|q| q.median)
}

/// The sweep table: its header and one row per point, cells as printed.
pub(crate) fn sweep_rows(r: &SweepResult) -> (Vec<String>, Vec<Vec<String>>) {
    let metrics = &r.spec.metrics;
    let mut head = r.params.clone();
    head.extend(metrics.iter().map(|m| format!("{m} (median)")));
    head.push("explosion guard".to_owned());
    let mut rows = Vec::new();
    for p in &r.points {
        let mut row: Vec<String> = p.values.iter().map(ToString::to_string).collect();
        for &m in metrics {
            let missing = p.metrics.get(m).map_or(0, |s| s.missing);
            let text = match median(p, m) {
                Some(v) if v.abs() >= 100.0 || v == v.round() => fixed(v, 0),
                Some(v) if v.abs() < 1.0 => fixed(v, 4),
                Some(v) => fixed(v, 2),
                None if !p.guard_stops.is_empty() => "–".to_owned(),
                None if m == Metric::ConvergenceMs => "never".to_owned(),
                None => "n/a".to_owned(),
            };
            row.push(if missing > 0 && median(p, m).is_some() {
                format!("{text} ({missing} never)")
            } else {
                text
            });
        }
        row.push(match p.guard_stops.first() {
            Some(s) => format!(
                "stopped {}/{} seeds ({} at {} s)",
                p.guard_stops.len(),
                p.seeds.len(),
                s.limit,
                fixed(s.at_ms / 1000.0, 2)
            ),
            None => String::new(),
        });
        rows.push(row);
    }
    (head, rows)
}
