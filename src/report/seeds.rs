//! The report of a multi-seed run (`pekonode run --seeds N`): `summary.json` with per-metric
//! statistics over the seeds, `seeds.csv` (one row per seed), `bands.csv` and the
//! `convergence` and `traffic` charts as medians with a 10–90 % band across seeds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::charts::band::{BandChart, Curve};
use super::charts::figure::Scale;
use super::charts::seed_convergence::SeedConvergence;
use super::charts::style;
use super::csv::{fixed, CsvText};
use super::error::ReportError;
use super::files::Folder;
use super::html::{self, Provenance, HTML_FILE};
use super::rows::seeds_rows;
use crate::run::outcome::{Attacks, BandPoint};
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

/// `seeds.csv`: `seed,stopped,<every metric>`, then, when some seed's faults or adversaries
/// counted anything, the [`AttackColumns`].
fn seeds_csv(outcomes: &[Outcome]) -> String {
    let attacks = AttackColumns::of(outcomes);
    let mut head: Vec<String> = ["seed", "stopped"].map(str::to_owned).to_vec();
    head.extend(Metric::ALL.iter().map(|m| m.name().to_owned()));
    head.extend(attacks.iter().flat_map(AttackColumns::head));
    let mut out = CsvText::new(head);
    for o in outcomes {
        let mut row = vec![
            o.seed.to_string(),
            u8::from(o.stopped.is_some()).to_string(),
        ];
        row.extend(metric::values(o).into_iter().map(|(_, v)| cell(v)));
        row.extend(attacks.iter().flat_map(|a| a.row(&o.attacks)));
        out.row(row);
    }
    out.finish()
}

/// The per-seed counts of what faults and adversaries did ([`Attacks`]), as `seeds.csv`
/// columns: `forged`, `rejected` (all reasons) and `rejected_<reason>` for every reason some
/// seed counted, `fake_entries_peak`, `fake_entries_end`, `held_while_paused`, `pauses`,
/// `nemesis_faults` (all kinds) and `nemesis_<kind>` for every kind some seed counted. Reasons
/// and kinds are in name order, spaces written as `_`.
struct AttackColumns {
    reasons: BTreeSet<String>,
    kinds: BTreeSet<String>,
}

impl AttackColumns {
    /// The columns for `outcomes`, or `None` when no seed counted anything (a run without
    /// faults or adversaries keeps the metric columns alone).
    fn of(outcomes: &[Outcome]) -> Option<AttackColumns> {
        if outcomes.iter().all(|o| o.attacks.is_empty()) {
            return None;
        }
        let names = |f: fn(&Attacks) -> Vec<&String>| -> BTreeSet<String> {
            outcomes
                .iter()
                .flat_map(|o| f(&o.attacks))
                .cloned()
                .collect()
        };
        Some(AttackColumns {
            reasons: names(|a| a.rejected.keys().collect()),
            kinds: names(|a| a.nemesis_faults.keys().collect()),
        })
    }

    fn head(&self) -> Vec<String> {
        let column = |prefix: &str, name: &String| format!("{prefix}_{}", name.replace(' ', "_"));
        let mut head = vec!["forged".to_owned(), "rejected".to_owned()];
        head.extend(self.reasons.iter().map(|r| column("rejected", r)));
        head.extend(
            [
                "fake_entries_peak",
                "fake_entries_end",
                "held_while_paused",
                "pauses",
            ]
            .map(str::to_owned),
        );
        head.push("nemesis_faults".to_owned());
        head.extend(self.kinds.iter().map(|k| column("nemesis", k)));
        head
    }

    fn row(&self, a: &Attacks) -> Vec<String> {
        let count = |map: &BTreeMap<String, u64>, name: &String| {
            map.get(name).copied().unwrap_or(0).to_string()
        };
        let mut row = vec![a.forged.to_string(), a.rejected_total().to_string()];
        row.extend(self.reasons.iter().map(|r| count(&a.rejected, r)));
        row.extend(
            [
                a.fake_entries_peak,
                a.fake_entries_end,
                a.held_while_paused,
                a.pauses,
                a.nemesis_total(),
            ]
            .map(|v| v.to_string()),
        );
        row.extend(self.kinds.iter().map(|k| count(&a.nemesis_faults, k)));
        row
    }
}

/// `bands.csv`: p10/median/p90 over the seeds of the converged fraction (samples with two or
/// more nodes up), of the up nodes per sample, then of packets sent per cycle.
fn bands_csv(s: &SeedSummary) -> String {
    let mut out = CsvText::new(["series", "x_ms", "p10", "median", "p90"]);
    let mut rows = |name: &str, points: &[BandPoint], decimals: usize| {
        for p in points {
            out.row([
                name.to_owned(),
                fixed(p.x, 3),
                fixed(p.p10, decimals),
                fixed(p.median, decimals),
                fixed(p.p90, decimals),
            ]);
        }
    };
    rows("converged_fraction", &s.convergence, 6);
    rows("up_nodes", &s.up, 1);
    rows("sent_per_cycle", &s.sent_per_cycle, 1);
    out.finish()
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

/// Writes the multi-seed report into `dir` (`report.html` last, its header naming
/// `provenance`); returns the files written.
pub fn write_seeds(
    s: &SeedSummary,
    outcomes: &[Outcome],
    dir: &Path,
    provenance: &Provenance,
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
    f.figure("convergence", &SeedConvergence(s))?;
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
    let page = html::seeds_page(s, &f.inline_charts(), provenance);
    f.put(
        super::PROVENANCE_FILE,
        super::provenance::record(provenance).as_bytes(),
    )?;
    f.put(HTML_FILE, page.as_bytes())?;
    Ok(f.written)
}

/// The table printed after a multi-seed run: one row per metric (mean ± standard deviation,
/// the 95 % Student-t interval of the mean, median, p10–p90, min–max, worst seeds),
/// newline-terminated.
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
        "{:<24} {:>11} {:>10} {:>25} {:>11} {:>11} {:>11} {:>11} {:>11}  worst seeds",
        "metric", "mean", "sd", "95 % CI of mean (t)", "median", "p10", "p90", "min", "max"
    );
    for [m, mean, sd, ci, median, p10, p90, min, max, worst] in seeds_rows(s) {
        let _ = writeln!(
            out,
            "{m:<24} {mean:>11} {sd:>10} {ci:>25} {median:>11} {p10:>11} {p90:>11} {min:>11} {max:>11}  {worst}",
        );
    }
    if s.seeds.len() > 1 {
        out.push_str(
            "sd: sample standard deviation over seeds; 95 % CI: mean ± t(0.975, n − 1) · sd / √n\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::fixtures;

    fn header(csv: &str) -> Vec<String> {
        let line = csv.lines().next().unwrap_or_default();
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn seeds_without_faults_keep_the_metric_columns_alone() {
        let csv = seeds_csv(&[fixtures::realistic()]);
        assert_eq!(header(&csv).len(), 2 + Metric::ALL.len());
        assert!(!csv.contains("forged"));
    }

    #[test]
    fn attack_counts_get_columns_named_by_reason_and_kind_in_name_order() {
        let mut a = fixtures::realistic();
        a.seed = 1;
        a.attacks.forged = 30;
        a.attacks.rejected.insert("admission limit".into(), 7);
        a.attacks.rejected.insert("unauthentic".into(), 2);
        a.attacks.pauses = 3;
        a.attacks.nemesis_faults.insert("pause".into(), 3);
        let mut b = fixtures::realistic();
        b.seed = 2;
        b.attacks.nemesis_faults.insert("crash".into(), 5);
        let csv = seeds_csv(&[a, b]);
        let head = header(&csv);
        let tail: Vec<&str> = head[2 + Metric::ALL.len()..]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(
            tail,
            [
                "forged",
                "rejected",
                "rejected_admission_limit",
                "rejected_unauthentic",
                "fake_entries_peak",
                "fake_entries_end",
                "held_while_paused",
                "pauses",
                "nemesis_faults",
                "nemesis_crash",
                "nemesis_pause",
            ]
        );
        let rows: Vec<&str> = csv.lines().skip(1).collect();
        let counts = |row: &str| -> String {
            let cells: Vec<&str> = row.split(',').collect();
            cells[2 + Metric::ALL.len()..].join(",")
        };
        assert_eq!(counts(rows[0]), "30,9,7,2,0,0,0,3,3,0,3");
        assert_eq!(counts(rows[1]), "0,0,0,0,0,0,0,0,5,5,0");
    }
}
