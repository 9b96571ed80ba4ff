//! Quantiles and summaries over observations.

use super::outcome::{BandPoint, LatencyQuantiles, Stats};

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

/// The latency distribution of `measured` operations, `values` being the times of those that
/// completed (any order).
pub fn latency(measured: u64, mut values: Vec<f64>) -> LatencyQuantiles {
    values.sort_by(f64::total_cmp);
    let q = |q: f64| (!values.is_empty()).then(|| quantile(&values, q));
    LatencyQuantiles {
        measured,
        stable: values.len() as u64,
        p0: q(0.0),
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
        p100: q(1.0),
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
    fn latency_quantiles_are_maelstroms() {
        let l = latency(5, (1..=4).rev().map(|v| f64::from(v) * 10.0).collect());
        assert_eq!((l.measured, l.stable), (5, 4));
        assert_eq!((l.p0, l.p50, l.p100), (Some(10.0), Some(25.0), Some(40.0)));
        assert_eq!(l.p95, Some(38.5));
        assert!(l.p99.is_some_and(|v| (v - 39.7).abs() < 1e-9));
        assert_eq!(latency(2, Vec::new()).p50, None);
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
