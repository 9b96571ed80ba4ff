//! The report of a sweep (`pekonode sweep`): `sweep.csv` (one row per point), `sweep.json`
//! (every metric's statistics per point), `sweep.md` (the printed table) and, for each
//! charted metric, a chart of the metric against the first swept parameter (median and
//! 10–90 % band over seeds, one curve per value of the second parameter) and, for two
//! parameters, a heatmap.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::band::{BandChart, Curve, RefCurve};
use super::charts::figure::{Scale, CURVE_COLORS};
use super::charts::heatmap::{Cell, Heatmap};
use super::charts::style;
use super::csv::{fixed, CsvText};
use super::error::ReportError;
use super::files::Folder;
use super::html::{self, Provenance, HTML_FILE};
use super::rows::{median, sweep_rows};
use super::seeds::cell;
use crate::scenario::Metric;
use crate::study::sweep::{PointResult, SweepResult};

/// The statistics `sweep.csv` gives of every metric, in column order.
const SWEEP_STATS: [&str; 7] = [
    "median",
    "p10",
    "p90",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
];

/// `sweep.csv`.
fn sweep_csv(r: &SweepResult) -> String {
    let mut head: Vec<String> = r.params.clone();
    for h in [
        "node_count",
        "seeds",
        "stopped",
        "stop_limit",
        "stopped_at_ms",
    ] {
        head.push(h.to_owned());
    }
    for m in Metric::ALL {
        head.extend(SWEEP_STATS.iter().map(|q| format!("{}_{q}", m.name())));
    }
    let mut out = CsvText::new(head);
    for p in &r.points {
        let mut row: Vec<String> = p.values.iter().map(ToString::to_string).collect();
        let first_stop = p
            .guard_stops
            .iter()
            .min_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        row.extend([
            p.nodes.to_string(),
            p.seeds.len().to_string(),
            p.guard_stops.len().to_string(),
            first_stop.map_or_else(String::new, |s| s.limit.clone()),
            first_stop.map_or_else(String::new, |s| fixed(s.at_ms, 3)),
        ]);
        for (_, st) in &p.metrics.0 {
            let q = st.quantiles.as_ref();
            row.extend(
                [
                    q.map(|q| q.median),
                    q.map(|q| q.p10),
                    q.map(|q| q.p90),
                    q.map(|q| q.mean),
                    q.and_then(|q| q.sd),
                    q.and_then(|q| q.ci95_low),
                    q.and_then(|q| q.ci95_high),
                ]
                .map(cell),
            );
        }
        out.row(row);
    }
    out.finish()
}

/// The table printed after a sweep (Markdown; also written as `sweep.md`).
pub fn sweep_table(r: &SweepResult) -> String {
    let (head, rows) = sweep_rows(r);
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", "---:|".repeat(head.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out
}

fn subtitle(r: &SweepResult) -> String {
    format!(
        "{} per point · {} s of virtual time each",
        style::count(r.seeds_per_point as usize, "seed"),
        fixed(r.duration_ms as f64 / 1000.0, 0)
    )
}

fn band_chart(r: &SweepResult, m: Metric) -> BandChart {
    let numeric = r.spec.axes.first().is_some_and(|a| a.is_numeric());
    let x_of = |p: &PointResult, i0: usize| {
        if numeric {
            p.values.first().map_or(0.0, |v| v.as_f64())
        } else {
            i0 as f64
        }
    };
    let n0 = r.axes.first().map_or(0, Vec::len);
    let n1 = r.axes.get(1).map_or(1, Vec::len).max(1);
    let mut curves = Vec::new();
    for i1 in 0..n1 {
        let mut curve = Curve {
            label: match (r.params.get(1), r.axes.get(1).and_then(|a| a.get(i1))) {
                (Some(param), Some(v)) if param == "forwarding" => v.to_string(),
                (Some(param), Some(v)) => format!("{param} {v}"),
                _ => r.scenario.clone(),
            },
            color: CURVE_COLORS[i1 % CURVE_COLORS.len()],
            points: Vec::new(),
            stopped: Vec::new(),
        };
        for i0 in 0..n0 {
            let Some(p) = r.points.get(i0 * n1 + i1) else {
                continue;
            };
            let x = x_of(p, i0);
            if let Some(q) = p.metrics.get(m).and_then(|s| s.quantiles.as_ref()) {
                // A stopped run measured only its start: a marker, not part of the curve.
                if p.guard_stops.is_empty() {
                    curve.points.push((x, q.p10, q.median, q.p90));
                } else {
                    curve.stopped.push((x, q.median));
                }
            }
        }
        curves.push(curve);
    }
    let log_y = r.spec.log_y.contains(&m);
    // False removals are 0 on good curves and tens of thousands on bad ones: on a linear axis
    // every small count sits on zero. A symmetric-log axis keeps 0 and spreads the rest.
    let symlog = !log_y && m == Metric::FalseRemovals;
    BandChart {
        title: format!("{}: {} vs {}", r.scenario, m.label(), r.params.join(" × ")),
        subtitle: if r.seeds_per_point > 1 {
            format!("median and 10–90 % band over seeds · {}", subtitle(r))
        } else {
            format!("median, no band: {}", subtitle(r))
        },
        x_desc: r.params.first().cloned().unwrap_or_default(),
        y_desc: format!(
            "{}{}",
            m.label(),
            if log_y {
                " (log scale)"
            } else if symlog {
                " (symmetric log scale)"
            } else {
                ""
            }
        ),
        x_scale: if r.spec.log_x {
            Scale::Log
        } else {
            Scale::Linear
        },
        y_scale: if log_y {
            Scale::Log
        } else if symlog {
            Scale::SymLog
        } else {
            Scale::Linear
        },
        x_names: (!numeric).then(|| {
            r.axes
                .first()
                .map(|a| a.iter().map(ToString::to_string).collect())
                .unwrap_or_default()
        }),
        curves,
        references: r
            .spec
            .references
            .iter()
            .filter(|x| x.metric == m)
            .map(|x| RefCurve {
                label: x.label.clone(),
                points: x.points.iter().map(|p| (p[0], p[1])).collect(),
                line: x.line,
            })
            .collect(),
    }
}

fn cells_iter(cells: &[Vec<Cell>]) -> impl Iterator<Item = f64> + '_ {
    cells.iter().flatten().filter_map(|c| match c {
        Cell::Value(v) => Some(*v),
        _ => None,
    })
}

fn heatmap(r: &SweepResult, m: Metric) -> Heatmap {
    let names = |k: usize| -> Vec<String> {
        r.axes
            .get(k)
            .map(|a| a.iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    };
    let (x_names, y_names) = (names(0), names(1));
    let n1 = y_names.len().max(1);
    let cells: Vec<Vec<Cell>> = (0..x_names.len())
        .map(|i0| {
            (0..n1)
                .map(|i1| match r.points.get(i0 * n1 + i1) {
                    Some(p) if !p.guard_stops.is_empty() => Cell::Stopped(median(p, m)),
                    Some(p) => median(p, m).map_or(Cell::Missing, Cell::Value),
                    None => Cell::Missing,
                })
                .collect()
        })
        .collect();
    // Colours on a log scale when asked, or when the positive values span over two decades
    // (false removals from 1 to 90k: a linear scale would show one bright cell).
    let positive = cells_iter(&cells).filter(|v| *v > 0.0);
    let wide = style::finite_range(positive).is_some_and(|(lo, hi)| hi > 100.0 * lo);
    let log = r.spec.log_y.contains(&m) || wide;
    Heatmap {
        title: format!("{}: {} (median)", r.scenario, m.label()),
        subtitle: format!(
            "{}{}",
            subtitle(r),
            if log { " · log colour scale" } else { "" }
        ),
        x_desc: r.params.first().cloned().unwrap_or_default(),
        y_desc: r.params.get(1).cloned().unwrap_or_default(),
        x_names,
        y_names,
        cells,
        scale: if log { Scale::Log } else { Scale::Linear },
    }
}

/// Writes the sweep's report into `dir` (`report.html` last, its header naming
/// `provenance`); returns the files written.
pub fn write_sweep(
    r: &SweepResult,
    dir: &Path,
    provenance: &Provenance,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut f = Folder::create(dir)?;
    f.put("sweep.csv", sweep_csv(r).as_bytes())?;
    f.json("sweep.json", r)?;
    f.put("sweep.md", sweep_table(r).as_bytes())?;
    for &m in &r.spec.metrics {
        f.figure(m.name(), &band_chart(r, m))?;
        if r.axes.len() == 2 {
            f.figure(&format!("{}_heatmap", m.name()), &heatmap(r, m))?;
        }
    }
    let page = html::sweep_page(r, &f.inline_charts(), provenance);
    f.put(
        super::PROVENANCE_FILE,
        super::provenance::record(provenance).as_bytes(),
    )?;
    f.put(HTML_FILE, page.as_bytes())?;
    Ok(f.written)
}
