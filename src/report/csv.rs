//! `timeseries.csv` (one row per `Sample`) and `per_cycle.csv` (one row per `CycleTraffic`).
//!
//! Floats are printed with a fixed number of decimals (`-0` printed as `0`), integers as they
//! are, so the bytes depend on the values alone.

use std::fmt::Write as _;

use crate::run::outcome::{CycleTraffic, Sample};

/// File name of the sample series.
pub(crate) const TIMESERIES_FILE: &str = "timeseries.csv";
/// File name of the per-cycle traffic series.
pub(crate) const PER_CYCLE_FILE: &str = "per_cycle.csv";

/// Header of `timeseries.csv`.
pub(crate) const TIMESERIES_HEADER: &str =
    "t_ms,up,converged_fraction,mean_view,min_view,max_view,in_flight,sent,delivered";
/// Header of `per_cycle.csv`.
pub(crate) const PER_CYCLE_HEADER: &str =
    "start_ms,sent,delivered,lost,dropped,duplicates,bytes_sent";

/// A float with `decimals` fixed decimals; `-0` becomes `0`, non-finite values are spelt
/// `NaN`, `inf`, `-inf`.
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_owned()
    } else {
        text
    }
}

/// The CSV text of the sample series, header first, `\n` line ends.
pub(crate) fn timeseries(samples: &[Sample]) -> String {
    let mut out = String::with_capacity(64 * (samples.len() + 1));
    out.push_str(TIMESERIES_HEADER);
    out.push('\n');
    for s in samples {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            fixed(s.t_ms, 3),
            s.up,
            fixed(s.converged_fraction, 6),
            fixed(s.mean_view, 3),
            s.min_view,
            s.max_view,
            s.in_flight,
            s.sent,
            s.delivered
        );
    }
    out
}

/// The CSV text of the per-cycle traffic, header first, `\n` line ends.
pub(crate) fn per_cycle(cycles: &[CycleTraffic]) -> String {
    let mut out = String::with_capacity(48 * (cycles.len() + 1));
    out.push_str(PER_CYCLE_HEADER);
    out.push('\n');
    for c in cycles {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            fixed(c.start_ms, 3),
            c.sent,
            c.delivered,
            c.lost,
            c.dropped,
            c.duplicates,
            c.bytes_sent
        );
    }
    out
}
