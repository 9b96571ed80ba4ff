//! Mean, sample standard deviation and a 95 % confidence interval of the mean, by Student's t.
//!
//! Why t and not a bootstrap: the seeds of a study are few (often 2–30) and the interval must
//! be the same bytes on every machine; a t interval is closed-form and deterministic, where a
//! bootstrap needs a resampling seed and hundreds of samples to settle. It assumes the
//! per-seed values are roughly normal; with skewed metrics (a rare slow seed) read it beside
//! the quantiles, which make no such assumption.

/// Two-sided 95 % critical values of Student's t, `t(0.975, df)` for df = 1..=30 (the
/// standard table, to the printed precision: 3 decimals).
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The normal quantile Φ⁻¹(0.975).
const Z975: f64 = 1.959_963_984_540_054;

/// `t(0.975, df)`: the table for df ≤ 30, beyond it the Cornish–Fisher expansion of t around
/// the normal quantile (four terms; off by less than 1e-4 for df > 30). `None` for df = 0.
pub fn t975(df: usize) -> Option<f64> {
    match df {
        0 => None,
        1..=30 => Some(T975[df - 1]),
        _ => {
            let (z, n) = (Z975, df as f64);
            let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
            Some(
                z + (z3 + z) / (4.0 * n)
                    + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                    + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n.powi(3)),
            )
        }
    }
}

/// Mean, spread and the t interval of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanInterval {
    /// The mean.
    pub mean: f64,
    /// The sample standard deviation (n − 1 in the denominator); `None` for one value.
    pub sd: Option<f64>,
    /// The 95 % t interval of the mean, `mean ± t(0.975, n − 1) · sd / √n`; `None` for one
    /// value (no spread to estimate).
    pub ci95: Option<(f64, f64)>,
}

impl MeanInterval {
    /// The statistics of `values` (finite ones); `None` if there is none.
    pub fn of(values: &[f64]) -> Option<MeanInterval> {
        let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len();
        if n == 0 {
            return None;
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Some(MeanInterval {
                mean,
                sd: None,
                ci95: None,
            });
        }
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        let half = t975(n - 1).unwrap_or(Z975) * sd / (n as f64).sqrt();
        Some(MeanInterval {
            mean,
            sd: Some(sd),
            ci95: Some((mean - half, mean + half)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    #[test]
    fn t_quantiles_match_the_table_and_its_tail() {
        assert_eq!(t975(0), None);
        assert_eq!(t975(1), Some(12.706));
        assert_eq!(t975(2), Some(4.303));
        assert_eq!(t975(4), Some(2.776));
        assert_eq!(t975(9), Some(2.262));
        assert_eq!(t975(30), Some(2.042));
        // Published values: t(0.975, 40) = 2.0211, 60 = 2.0003, 120 = 1.9799, 1000 = 1.9623.
        for (df, t) in [(40, 2.0211), (60, 2.0003), (120, 1.9799), (1000, 1.9623)] {
            let got = t975(df).unwrap_or(0.0);
            assert!(close(got, t, 2e-4), "df {df}: {got} vs {t}");
        }
        // The expansion joins the table smoothly: at df = 30 it gives 2.0423.
        let n = 30.0;
        let z = Z975;
        let cf = z
            + (z.powi(3) + z) / (4.0 * n)
            + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n);
        assert!(close(cf, 2.042, 1e-3));
        // Decreasing towards the normal quantile.
        let all: Vec<f64> = (1..200).filter_map(t975).collect();
        assert!(all.windows(2).all(|w| w[0] > w[1]));
        assert!(all.iter().all(|&t| t > Z975));
    }

    #[test]
    fn a_t_interval_on_a_fixed_sample() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32 / 7, sd 2.13809;
        // half-width t(0.975, 7) · sd / √8 = 2.365 · 2.13809 / 2.82843 = 1.78777.
        let s = MeanInterval::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.mean, 5.0);
        assert!(close(s.sd.unwrap_or(0.0), 2.138_090, 1e-6));
        let (lo, hi) = s.ci95.unwrap_or((0.0, 0.0));
        assert!(
            close(lo, 3.212_23, 1e-4) && close(hi, 6.787_77, 1e-4),
            "{lo} {hi}"
        );
    }

    #[test]
    fn one_value_has_no_spread_and_none_has_no_mean() {
        let s = MeanInterval::of(&[3.5]).unwrap();
        assert_eq!((s.mean, s.sd, s.ci95), (3.5, None, None));
        assert_eq!(MeanInterval::of(&[]), None);
        assert_eq!(MeanInterval::of(&[f64::NAN]), None);
        // Identical values: a zero-width interval.
        let s = MeanInterval::of(&[2.0, 2.0, 2.0]).unwrap();
        assert_eq!(s.ci95, Some((2.0, 2.0)));
    }
}
