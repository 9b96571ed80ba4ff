//! Reading each [`Metric`] off one run's [`Outcome`].

use crate::run::Outcome;
use crate::scenario::Metric;

/// The value of `metric` in `outcome`; `None` when the run has none (it never converged, a
/// crashed node was never removed everywhere, nothing was published, no heartbeat sampled).
pub fn value(metric: Metric, outcome: &Outcome) -> Option<f64> {
    let t = &outcome.traffic;
    let coverage = &outcome.infection.coverage;
    match metric {
        Metric::PacketsPerHeartbeat => (t.heartbeats > 0).then_some(t.packets_per_heartbeat),
        Metric::DatagramsPerHeartbeat => (t.heartbeats > 0).then_some(t.datagrams_per_heartbeat),
        Metric::PerNodePerCycle => Some(t.per_node_per_cycle),
        Metric::Coverage => (coverage.count > 0).then_some(coverage.mean),
        Metric::CoverageMin => (coverage.count > 0).then_some(coverage.min),
        Metric::CoverageSteady => {
            let steady = &outcome.infection.coverage_steady;
            (steady.count > 0).then_some(steady.mean)
        }
        Metric::ConvergenceMs => outcome.convergence.first_converged_ms,
        Metric::FinalConvergedFraction => Some(outcome.convergence.final_fraction),
        Metric::FalseRemovals => Some(outcome.false_removals as f64),
        Metric::Duplicates => Some(t.duplicates as f64),
        Metric::CrashDetectionMs => slowest(
            outcome
                .failure_detection
                .iter()
                .map(|d| d.all_removed_after_ms),
        ),
        Metric::MetadataSpreadMs => slowest(outcome.metadata.iter().map(|m| m.everywhere_after_ms)),
        Metric::PacketsSent => Some(t.sent as f64),
    }
}

/// The largest of `values`; `None` if there is none or any is `None`.
fn slowest(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let mut max: Option<f64> = None;
    for v in values {
        let v = v?;
        max = Some(max.map_or(v, |m| m.max(v)));
    }
    max
}

/// Every metric of `outcome`, in [`Metric::ALL`] order.
pub fn values(outcome: &Outcome) -> Vec<(Metric, Option<f64>)> {
    Metric::ALL
        .iter()
        .map(|&m| (m, value(m, outcome)))
        .collect()
}
