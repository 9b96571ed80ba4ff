//! `summary.json`: the run's `Outcome` without its long series.
//!
//! The two per-time series (`samples` and `per_cycle`) go to `timeseries.csv` and
//! `per_cycle.csv`; in their place the summary has a `series` object naming those files and
//! their row counts. Field order is the struct's declaration order (serde_json is built with
//! `preserve_order`), floats are printed by serde_json's shortest round-trip formatter, so the
//! same `Outcome` always gives the same bytes.

use serde_json::{Map, Value};

use super::csv::{PER_CYCLE_FILE, TIMESERIES_FILE};
use crate::run::Outcome;

/// The summary as a JSON value (fields in declaration order, series replaced by file names).
pub(crate) fn summary_value(outcome: &Outcome) -> Result<Value, serde_json::Error> {
    let mut value = serde_json::to_value(outcome)?;
    if let Value::Object(map) = &mut value {
        // Node-by-node data for the playback of report.html, not a metric. Removed first:
        // it is the last field, so the order of the others stays what it always was
        // (`remove` moves the last entry into the removed one's place).
        map.remove("playback");
        map.remove("samples");
        map.remove("per_cycle");
        let mut series = Map::new();
        series.insert(TIMESERIES_FILE.to_owned(), outcome.samples.len().into());
        series.insert(PER_CYCLE_FILE.to_owned(), outcome.per_cycle.len().into());
        map.insert("series".to_owned(), Value::Object(series));
    }
    Ok(value)
}

/// Pretty JSON of the summary, newline-terminated.
pub(crate) fn summary_string(outcome: &Outcome) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&summary_value(outcome)?)?;
    text.push('\n');
    Ok(text)
}
