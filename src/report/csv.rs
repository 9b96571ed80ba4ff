//! `timeseries.csv` (one row per `Sample`) and `per_cycle.csv` (one row per `CycleTraffic`).
//!
//! Floats are printed with a fixed number of decimals (`-0` printed as `0`), integers as they
//! are, so the bytes depend on the values alone. Every CSV file of a report is written through
//! [`CsvText`] (the `csv` crate), which quotes a field that holds a comma or a quote.

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

/// A CSV file being written to memory by the `csv` crate: it quotes a field only when it
/// must (a comma, quote or line break in it), ends lines with `\n`, and checks nothing else,
/// so the bytes are the fields joined as given.
pub(crate) struct CsvText(csv::Writer<Vec<u8>>);

impl CsvText {
    /// A file starting with `header`.
    pub(crate) fn new<I, T>(header: I) -> CsvText
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        // `flexible`: a row's length is the caller's business (every caller writes full rows);
        // with it the writer's only possible error is I/O, and a `Vec` does no I/O.
        let w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let mut text = CsvText(w);
        text.row(header);
        text
    }

    /// Appends one row.
    pub(crate) fn row<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        // Cannot fail: see `new`.
        let _ = self.0.write_record(fields);
    }

    /// The text written.
    pub(crate) fn finish(self) -> String {
        let bytes = match self.0.into_inner() {
            Ok(bytes) => bytes,
            // A flush into a `Vec` cannot fail; keep what the writer holds if it ever did.
            Err(e) => e.into_inner().get_ref().clone(),
        };
        // Every field came from a `str`, so the bytes are UTF-8.
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The CSV text of the sample series, header first, `\n` line ends.
pub(crate) fn timeseries(samples: &[Sample]) -> String {
    let mut out = CsvText::new(TIMESERIES_HEADER.split(','));
    for s in samples {
        out.row([
            fixed(s.t_ms, 3),
            s.up.to_string(),
            fixed(s.converged_fraction, 6),
            fixed(s.mean_view, 3),
            s.min_view.to_string(),
            s.max_view.to_string(),
            s.in_flight.to_string(),
            s.sent.to_string(),
            s.delivered.to_string(),
        ]);
    }
    out.finish()
}

/// The CSV text of the per-cycle traffic, header first, `\n` line ends.
pub(crate) fn per_cycle(cycles: &[CycleTraffic]) -> String {
    let mut out = CsvText::new(PER_CYCLE_HEADER.split(','));
    for c in cycles {
        out.row([
            fixed(c.start_ms, 3),
            c.sent.to_string(),
            c.delivered.to_string(),
            c.lost.to_string(),
            c.dropped.to_string(),
            c.duplicates.to_string(),
            c.bytes_sent.to_string(),
        ]);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::CsvText;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut t = CsvText::new(["a", "b"]);
        t.row(["plain", "with, comma"]);
        t.row(["say \"hi\"", ""]);
        assert_eq!(
            t.finish(),
            "a,b\nplain,\"with, comma\"\n\"say \"\"hi\"\"\",\n"
        );
    }
}
