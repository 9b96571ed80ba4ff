//! Quantiles and summaries over observations.

use super::outcome::{BandPoint, Stats};

/// The `q` quantile (0..=1) of sorted `values`, interpolated linearly between ranks.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// Sorts `values` (NaNs last) and summarises them.
pub fn stats(mut values: Vec<f64>) -> Stats {
    if values.is_empty() {
        return Stats::default();
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Stats {
        count: n as u64,
        mean: values.iter().sum::<f64>() / n as f64,
        min: values[0],
        p10: quantile(&values, 0.1),
        median: quantile(&values, 0.5),
        p90: quantile(&values, 0.9),
        max: values[n - 1],
    }
}

/// The 10/50/90 band of `values` at `x`.
pub fn band(x: f64, mut values: Vec<f64>) -> BandPoint {
    values.sort_by(f64::total_cmp);
    BandPoint {
        x,
        p10: quantile(&values, 0.1),
        median: quantile(&values, 0.5),
        p90: quantile(&values, 0.9),
    }
}

/// Milliseconds, rounded to the microsecond so that printed values are stable.
pub fn ms(micros: u64) -> f64 {
    micros as f64 / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let v = [0.0, 10.0, 20.0, 30.0, 40.0];
        assert_eq!(quantile(&v, 0.5), 20.0);
        assert_eq!(quantile(&v, 0.1), 4.0);
        assert_eq!(quantile(&v, 1.0), 40.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn stats_summarise_unsorted_input() {
        let s = stats(vec![3.0, 1.0, 2.0]);
        assert_eq!(
            (s.count, s.min, s.median, s.max, s.mean),
            (3, 1.0, 2.0, 3.0, 2.0)
        );
    }
}
