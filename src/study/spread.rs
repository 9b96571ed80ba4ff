//! Whether a change leaves the seed-to-seed spread: the rule a many-seed baseline uses instead
//! of a flat tolerance.
//!
//! A metric that varies by 20 % from seed to seed moves by 5 % for no reason; one that is the
//! same on every seed moves by 0.1 % only when something changed. So, with a multi-seed
//! baseline (mean, sample standard deviation and seed count of each metric in its
//! `summary.json`):
//!
//! - against a multi-seed run, the two means differ when Welch's two-sample t interval of their
//!   difference (95 %, Welch–Satterthwaite degrees of freedom) excludes 0;
//! - against one seed, the value is out of the spread when it falls outside the 95 %
//!   prediction interval of one new seed, `mean ± t(0.975, n − 1) · sd · √(1 + 1/n)`.
//!
//! With no spread at all (every seed equal on both sides), any difference counts.

use serde_json::Value;

use super::interval::t975;

/// One metric over the seeds of a summary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// The mean over the seeds.
    pub mean: f64,
    /// The sample standard deviation.
    pub sd: f64,
    /// Seeds with a value.
    pub n: usize,
}

impl Spread {
    /// The spread of `name` in a multi-seed summary (`metrics.<name>.{mean, sd, count}`);
    /// `None` for a single-run summary, an old summary without `sd`, or fewer than two seeds.
    pub fn read(summary: &Value, name: &str) -> Option<Spread> {
        let m = summary.get("metrics")?.get(name)?;
        let n = usize::try_from(m.get("count")?.as_u64()?).ok()?;
        let spread = Spread {
            mean: m.get("mean")?.as_f64()?,
            sd: m.get("sd")?.as_f64()?,
            n,
        };
        (n >= 2 && spread.sd.is_finite() && spread.sd >= 0.0).then_some(spread)
    }
}

/// How far a difference may go before it leaves the spread: the half-width of the interval
/// described in the module documentation. `current` is the other side's spread, or `None`
/// when it is one seed.
pub fn allowance(baseline: Spread, current: Option<Spread>) -> f64 {
    match current {
        None => {
            let n = baseline.n as f64;
            t975(baseline.n - 1).unwrap_or(f64::INFINITY) * baseline.sd * (1.0 + 1.0 / n).sqrt()
        }
        Some(c) => {
            let (vb, vc) = (
                baseline.sd.powi(2) / baseline.n as f64,
                c.sd.powi(2) / c.n as f64,
            );
            let se2 = vb + vc;
            if se2 == 0.0 {
                return 0.0;
            }
            // Welch–Satterthwaite; rounded down to a whole df (a wider, safer interval).
            let df = se2.powi(2)
                / (vb.powi(2) / (baseline.n - 1) as f64 + vc.powi(2) / (c.n - 1) as f64);
            let df = (df.floor() as usize).max(1);
            t975(df).unwrap_or(f64::INFINITY) * se2.sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_against_a_prediction_interval() {
        // 8 seeds, mean 5, sd 2.13809: 2.365 · 2.13809 · √(9/8) = 5.3634.
        let b = Spread {
            mean: 5.0,
            sd: 2.138_090,
            n: 8,
        };
        assert!((allowance(b, None) - 5.3634).abs() < 1e-3);
    }

    #[test]
    fn two_multi_seed_runs_by_welch() {
        // Equal sd 1 and n 10 on both sides: se = √0.2, df = 18, t = 2.101.
        let s = Spread {
            mean: 0.0,
            sd: 1.0,
            n: 10,
        };
        assert!((allowance(s, Some(s)) - 2.101 * 0.2f64.sqrt()).abs() < 1e-9);
        let fixed = Spread { sd: 0.0, ..s };
        assert_eq!(allowance(fixed, Some(fixed)), 0.0);
    }

    #[test]
    fn reads_only_a_multi_seed_summary_with_sd() {
        let v = serde_json::json!({"metrics": {"coverage": {"count": 4, "mean": 0.9, "sd": 0.01},
                                               "duplicates": {"count": 1, "mean": 3.0, "sd": null},
                                               "packets_sent": {"count": 4, "mean": 3.0}}});
        assert_eq!(
            Spread::read(&v, "coverage"),
            Some(Spread {
                mean: 0.9,
                sd: 0.01,
                n: 4
            })
        );
        assert_eq!(Spread::read(&v, "duplicates"), None);
        assert_eq!(Spread::read(&v, "packets_sent"), None);
        assert_eq!(
            Spread::read(&serde_json::json!({"traffic": {}}), "coverage"),
            None
        );
    }
}
