//! Reading each [`Metric`] off one run's [`Outcome`], by the metric table
//! (`METRICS` in `src/scenario/metric.rs`).

use crate::run::Outcome;
use crate::scenario::Metric;

/// The value of `metric` in `outcome`; `None` when the run has none (it never converged, a
/// crashed node was never removed everywhere, nothing was published, no heartbeat sampled).
pub fn value(metric: Metric, outcome: &Outcome) -> Option<f64> {
    metric.value(outcome)
}

/// Every metric of `outcome`, in [`Metric::ALL`] order.
pub fn values(outcome: &Outcome) -> Vec<(Metric, Option<f64>)> {
    Metric::ALL
        .iter()
        .map(|&m| (m, value(m, outcome)))
        .collect()
}
