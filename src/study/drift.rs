//! A [`Golden`] file compared with a fresh run of the same scenario file, metric by metric:
//! what moved, and whether it moved past its tolerance (the golden gate of `pekonode check`).
//!
//! A metric *moved* when its mean is not exactly the golden one, or a seed measured it on one
//! side and not on the other. It is a *breach* when the means differ by more than the metric's
//! tolerance (an effect size: [`Tolerance`]), or it went between measured and not measured —
//! for the mean or for any seed. Runs are deterministic, so an unchanged program moves nothing.

use std::fmt;

use super::golden::Golden;
use crate::scenario::{Metric, Tolerance};

/// One metric that moved.
#[derive(Clone, Debug, PartialEq)]
pub struct Drift {
    /// The metric.
    pub metric: Metric,
    /// The golden mean; `None` when not measured.
    pub golden: Option<f64>,
    /// The fresh mean; `None` when not measured.
    pub fresh: Option<f64>,
    /// Seeds that measured the metric on one side only, with whether they measure it now.
    pub flipped: Vec<(u64, bool)>,
    /// The tolerance that judged it.
    pub tolerance: Tolerance,
    /// Whether it moved past the tolerance or between measured and not measured.
    pub breach: bool,
}

/// A golden file against a fresh run.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Comparison {
    /// Why the two do not describe the same runs (another scenario name, other seeds, a
    /// metric missing from the golden file); with other seeds no metric is compared.
    pub problems: Vec<String>,
    /// Every metric that moved, in table order, breach or not.
    pub drifts: Vec<Drift>,
}

impl Comparison {
    /// Whether the gate fails: a problem or a breach.
    pub fn fails(&self) -> bool {
        !self.problems.is_empty() || self.drifts.iter().any(|d| d.breach)
    }

    /// What fails the gate, one [`GoldenFailure`] each, problems first.
    pub fn failures(&self, scenario: &str) -> Vec<GoldenFailure> {
        let problems = self.problems.iter().map(|p| GoldenFailure::File {
            scenario: scenario.to_string(),
            message: p.clone(),
        });
        let breaches = self
            .drifts
            .iter()
            .filter(|d| d.breach)
            .map(|d| GoldenFailure::Metric {
                scenario: scenario.to_string(),
                drift: d.clone(),
            });
        problems.chain(breaches).collect()
    }
}

/// Something that fails the golden gate for one scenario file.
#[derive(Clone, Debug, PartialEq)]
pub enum GoldenFailure {
    /// A metric moved past its tolerance, or between measured and not measured.
    Metric {
        /// The scenario's name.
        scenario: String,
        /// What moved.
        drift: Drift,
    },
    /// The golden file does not describe these runs, or cannot be used.
    File {
        /// The scenario's name.
        scenario: String,
        /// Why.
        message: String,
    },
}

impl fmt::Display for GoldenFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoldenFailure::Metric { scenario, drift } => {
                write!(f, "FAIL {scenario}: golden {drift}")
            }
            GoldenFailure::File { scenario, message } => {
                write!(f, "FAIL {scenario}: golden: {message}")
            }
        }
    }
}

/// `first…last` of a run of seeds (they are consecutive), or "none".
fn seed_range(seeds: &[u64]) -> String {
    match (seeds.first(), seeds.last()) {
        (Some(a), Some(b)) if a == b => format!("seed {a}"),
        (Some(a), Some(b)) => format!("seeds {a}…{b} ({})", seeds.len()),
        _ => "no seeds".to_string(),
    }
}

/// Compares `fresh` (this run, [`Golden::of`]) with `golden` (the committed file), by the
/// golden file's tolerances.
pub fn compare(golden: &Golden, fresh: &Golden) -> Comparison {
    let mut out = Comparison::default();
    if golden.scenario != fresh.scenario {
        out.problems.push(format!(
            "the golden file is of scenario {:?}, the file now names {:?}",
            golden.scenario, fresh.scenario
        ));
    }
    if golden.seeds != fresh.seeds {
        out.problems.push(format!(
            "the golden file has {}, the run {}: means over other seeds are not compared",
            seed_range(&golden.seeds),
            seed_range(&fresh.seeds)
        ));
        return out;
    }
    for (&metric, now) in &fresh.metrics {
        let Some(then) = golden.metrics.get(&metric) else {
            out.problems.push(format!(
                "{metric} is not in the golden file (a metric added since it was blessed?)"
            ));
            continue;
        };
        let flipped: Vec<(u64, bool)> = golden
            .seeds
            .iter()
            .zip(then.per_seed.iter().zip(&now.per_seed))
            .filter(|(_, (a, b))| a.is_some() != b.is_some())
            .map(|(&seed, (_, b))| (seed, b.is_some()))
            .collect();
        let tolerance = golden.tolerance(metric);
        let (moved, breach) = match (then.mean, now.mean) {
            (Some(a), Some(b)) => (a.to_bits() != b.to_bits(), !tolerance.admits(a, b)),
            (None, None) => (false, false),
            _ => (true, true),
        };
        if moved || !flipped.is_empty() {
            out.drifts.push(Drift {
                metric,
                golden: then.mean,
                fresh: now.mean,
                breach: breach || !flipped.is_empty(),
                flipped,
                tolerance,
            });
        }
    }
    out
}

/// A value for people: whole numbers without decimals, others with four significant digits
/// (at least one decimal), `not measured` for none.
pub fn show(v: Option<f64>) -> String {
    let Some(v) = v else {
        return "not measured".to_string();
    };
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = if v.abs() >= 1.0 {
        v.abs().log10().floor() as i32 + 1
    } else {
        0
    };
    let decimals = (4 - digits).clamp(1, 6) as usize;
    format!("{v:.decimals$}")
}

impl fmt::Display for Drift {
    /// `packets_per_heartbeat: 283.8 → 2931 (+2648, +933.0 %; outside ±5 %)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} → {}",
            self.metric,
            show(self.golden),
            show(self.fresh)
        )?;
        let mut notes = Vec::new();
        if let (Some(a), Some(b)) = (self.golden, self.fresh) {
            let delta = b - a;
            let sign = if delta < 0.0 { "-" } else { "+" };
            let mut change = format!("{sign}{}", show(Some(delta.abs())));
            if a != 0.0 {
                change.push_str(&format!(", {:+.1} %", 100.0 * delta / a.abs()));
            }
            notes.push(change);
        }
        if !self.flipped.is_empty() {
            let shown: Vec<String> = self
                .flipped
                .iter()
                .take(5)
                .map(|(seed, now)| {
                    let now = if *now {
                        "now measured"
                    } else {
                        "no longer measured"
                    };
                    format!("seed {seed} {now}")
                })
                .collect();
            let more = self.flipped.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            notes.push(format!("{}{more}", shown.join(", ")));
        }
        let verdict = if self.golden.is_some() != self.fresh.is_some() || !self.flipped.is_empty() {
            "measured ↔ not measured".to_string()
        } else if self.breach {
            format!("outside {}", self.tolerance)
        } else {
            format!("within {}", self.tolerance)
        };
        if notes.is_empty() {
            write!(f, " ({verdict})")
        } else {
            write!(f, " ({}; {verdict})", notes.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::study::golden::GoldenValue;

    /// A golden file of one metric over seeds 1 and 2.
    fn one(metric: Metric, per_seed: [Option<f64>; 2], mean: Option<f64>) -> Golden {
        let mut metrics = BTreeMap::new();
        metrics.insert(
            metric,
            GoldenValue {
                mean,
                per_seed: per_seed.to_vec(),
            },
        );
        Golden {
            scenario: "s".into(),
            seeds: vec![1, 2],
            metrics,
            tolerance: BTreeMap::new(),
        }
    }

    fn cost(mean: f64) -> Golden {
        one(
            Metric::PacketsPerHeartbeat,
            [Some(mean), Some(mean)],
            Some(mean),
        )
    }

    #[test]
    fn nothing_moved_is_no_drift() {
        let c = compare(&cost(283.8), &cost(283.8));
        assert_eq!(c, Comparison::default());
        assert!(!c.fails());
    }

    #[test]
    fn a_cost_ten_times_larger_fails_and_says_old_new_and_change() {
        let c = compare(&cost(283.8), &cost(2931.3));
        assert!(c.fails());
        let line = c.failures("advise_loss")[0].to_string();
        assert_eq!(
            line,
            "FAIL advise_loss: golden packets_per_heartbeat: 283.8 → 2931.3 \
             (+2647.5, +932.9 %; outside ±5 %)"
        );
    }

    #[test]
    fn a_move_within_the_tolerance_is_listed_but_passes() {
        let c = compare(&cost(283.8), &cost(290.0));
        assert!(!c.fails());
        assert_eq!(c.drifts.len(), 1);
        assert!(c.drifts[0].to_string().ends_with("within ±5 %)"));
    }

    #[test]
    fn the_golden_files_override_replaces_the_default() {
        let mut golden = cost(283.8);
        golden
            .tolerance
            .insert(Metric::PacketsPerHeartbeat, Tolerance::relative(0.5));
        assert!(!compare(&golden, &cost(400.0)).fails(), "+41 % within 50 %");
        assert!(compare(&golden, &cost(430.0)).fails());
    }

    #[test]
    fn measured_to_not_measured_is_a_change_for_the_mean_and_for_a_seed() {
        let m = Metric::ConvergenceMs;
        let both = one(m, [Some(6000.0), Some(7000.0)], Some(6500.0));
        let none = one(m, [None, None], None);
        let c = compare(&both, &none);
        assert!(c.fails());
        assert!(c.failures("s")[0]
            .to_string()
            .contains("6500 → not measured"));
        assert!(compare(&none, &both).fails());
        // The mean is unchanged here, but seed 2 stopped converging.
        let one_seed = one(m, [Some(6500.0), None], Some(6500.0));
        let c = compare(&both, &one_seed);
        assert!(c.fails());
        let line = c.failures("s")[0].to_string();
        assert!(line.contains("seed 2 no longer measured"), "{line}");
        assert!(line.ends_with("measured ↔ not measured)"), "{line}");
    }

    #[test]
    fn other_seeds_or_a_missing_metric_are_problems() {
        let mut other = cost(283.8);
        other.seeds = vec![1, 2, 3];
        let c = compare(&other, &cost(283.8));
        assert!(c.fails());
        assert!(c.problems[0].contains("seeds 1…3 (3), the run seeds 1…2 (2)"));
        let empty = Golden {
            metrics: BTreeMap::new(),
            ..cost(1.0)
        };
        let c = compare(&empty, &cost(1.0));
        assert!(c.problems[0].starts_with("packets_per_heartbeat is not in the golden file"));
    }

    #[test]
    fn values_are_shown_with_four_significant_digits() {
        assert_eq!(show(Some(283.83)), "283.8");
        assert_eq!(show(Some(2931.3)), "2931.3");
        assert_eq!(show(Some(0.97953)), "0.9795");
        assert_eq!(show(Some(6100.0)), "6100");
        assert_eq!(show(Some(1.23456)), "1.235");
        assert_eq!(show(None), "not measured");
    }
}
