//! The report of a multi-seed run (`pekonode run --seeds N`): `summary.json` with per-metric
//! statistics over the seeds, `seeds.csv` (one row per seed), `bands.csv` and the
//! `convergence` and `traffic` charts as medians with a 10–90 % band across seeds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::charts::band::{BandChart, Curve};
use super::charts::figure::Scale;
use super::charts::style;
use super::csv::fixed;
use super::error::ReportError;
use super::files::Folder;
use crate::run::outcome::BandPoint;
use crate::run::Outcome;
use crate::scenario::Metric;
use crate::study::metric;
use crate::study::seeds::SeedSummary;

/// File name of the per-seed table.
pub const SEEDS_FILE: &str = "seeds.csv";
/// File name of the time-series bands.
pub const BANDS_FILE: &str = "bands.csv";

/// A metric value for CSV: fixed decimals, empty when missing.
pub(crate) fn cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| fixed(v, 6))
}

/// `seeds.csv`: `seed,stopped,<every metric>`.
fn seeds_csv(outcomes: &[Outcome]) -> String {
    let mut out = String::from("seed,stopped");
    for m in Metric::ALL {
        out.push(',');
        out.push_str(m.name());
    }
    out.push('\n');
    for o in outcomes {
        let _ = write!(out, "{},{}", o.seed, u8::from(o.stopped.is_some()));
        for (_, v) in metric::values(o) {
            let _ = write!(out, ",{}", cell(v));
        }
        out.push('\n');
    }
    out
}

/// `bands.csv`: one row per sample time, converged fraction p10/median/p90, then per cycle.
fn bands_csv(s: &SeedSummary) -> String {
    let mut out = String::from("series,x_ms,p10,median,p90\n");
    let mut rows = |name: &str, points: &[BandPoint], decimals: usize| {
        for p in points {
            let _ = writeln!(
                out,
                "{name},{},{},{},{}",
                fixed(p.x, 3),
                fixed(p.p10, decimals),
                fixed(p.median, decimals),
                fixed(p.p90, decimals)
            );
        }
    };
    rows("converged_fraction", &s.convergence, 6);
    rows("sent_per_cycle", &s.sent_per_cycle, 1);
    out
}

/// The content of a multi-seed `summary.json`, as a JSON value.
pub fn seeds_summary_value(s: &SeedSummary) -> Value {
    let mut value = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        let mut series = Map::new();
        series.insert(SEEDS_FILE.to_owned(), s.seeds.len().into());
        series.insert(
            BANDS_FILE.to_owned(),
            (s.convergence.len() + s.sent_per_cycle.len()).into(),
        );
        map.insert("series".to_owned(), Value::Object(series));
    }
    value
}

fn curve(label: &str, color: plotters::style::RGBColor, points: &[BandPoint], x_div: f64) -> Curve {
    Curve {
        label: format!("{label}, median"),
        color,
        points: points
            .iter()
            .map(|p| (p.x / x_div, p.p10, p.median, p.p90))
            .collect(),
        stopped: Vec::new(),
    }
}

/// Writes the multi-seed report into `dir`; returns the files written.
pub fn write_seeds(
    s: &SeedSummary,
    outcomes: &[Outcome],
    dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut f = Folder::create(dir)?;
    f.json("summary.json", &seeds_summary_value(s))?;
    f.put(SEEDS_FILE, seeds_csv(outcomes).as_bytes())?;
    f.put(BANDS_FILE, bands_csv(s).as_bytes())?;
    let seeds = format!(
        "{} · {} · {} forwarding · fan-out {}",
        style::count(s.seeds.len(), "seed"),
        style::count(s.nodes, "node"),
        s.protocol.forwarding,
        s.protocol.amount
    );
    let chart = |title: &str, y: &str, c: Curve| BandChart {
        title: format!("{title}: {}", s.scenario),
        subtitle: seeds.clone(),
        x_desc: "virtual time (s)".to_owned(),
        y_desc: y.to_owned(),
        x_scale: Scale::Linear,
        y_scale: Scale::Linear,
        x_names: None,
        curves: vec![c],
        references: Vec::new(),
    };
    f.figure(
        "convergence",
        &chart(
            "Convergence",
            "converged fraction",
            curve("converged fraction", style::BLUE, &s.convergence, 1000.0),
        ),
    )?;
    f.figure(
        "traffic",
        &chart(
            "Traffic",
            "packets sent per cycle",
            curve(
                "packets sent per cycle",
                style::INK,
                &s.sent_per_cycle,
                1000.0,
            ),
        ),
    )?;
    Ok(f.written)
}

/// The table printed after a multi-seed run: one row per metric (median, p10–p90, min–max,
/// worst seeds), newline-terminated.
pub fn seeds_table(s: &SeedSummary) -> String {
    let mut out = String::new();
    let first = s.seeds.first().copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "scenario {} · seeds {first}…{} ({}) · {} nodes · {} forwarding",
        s.scenario,
        s.seeds.last().copied().unwrap_or(0),
        s.seeds.len(),
        s.nodes,
        s.protocol.forwarding
    );
    for stop in &s.guard_stops {
        let _ = writeln!(out, "!! seed {}: {}", stop.seed, stop.message);
    }
    let _ = writeln!(
        out,
        "{:<26} {:>12} {:>12} {:>12} {:>12} {:>12}  worst seeds",
        "metric", "median", "p10", "p90", "min", "max"
    );
    for (m, st) in &s.metrics.0 {
        let q = st.quantiles.as_ref();
        let v = |f: fn(&crate::study::seeds::Quantiles) -> f64| {
            q.map_or_else(|| "-".to_owned(), |q| fixed(f(q), 3))
        };
        let missing = if st.missing > 0 {
            format!(" ({} without a value)", st.missing)
        } else {
            String::new()
        };
        let worst: Vec<String> = st.worst_seeds.iter().map(u64::to_string).collect();
        let _ = writeln!(
            out,
            "{:<26} {:>12} {:>12} {:>12} {:>12} {:>12}  {}{missing}",
            m.name(),
            v(|q| q.median),
            v(|q| q.p10),
            v(|q| q.p90),
            v(|q| q.min),
            v(|q| q.max),
            worst.join(" ")
        );
    }
    out
}
