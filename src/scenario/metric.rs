//! The metrics that studies aggregate, sweep, chart, check and compare with baselines, defined
//! once: one table row per metric says its name, label, direction and how to read it off a run's
//! `Outcome` (what each means is docs/metrics.md).

use std::fmt;

use schemars::JsonSchema;

use super::tolerance::Tolerance;
use crate::run::Outcome;
use serde::{Deserialize, Serialize};

/// One scalar metric of a run, as named in scenario files, `summary.json` and `sweep.csv`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Heartbeat packets (forwards included) per heartbeat emitted: P(n − 1) under faithful
    /// forwarding with full views.
    PacketsPerHeartbeat,
    /// All packets (heartbeats, updates, swaps) per heartbeat: what Go nodes were measured at.
    DatagramsPerHeartbeat,
    /// Packets sent per node per cycle, averaged over the run.
    PerNodePerCycle,
    /// Bytes sent per node per cycle, averaged over the run (packet counts hide that SWIM's
    /// binary messages and PekoNode's JSON differ in size).
    BytesPerNodePerCycle,
    /// Mean share of up nodes a heartbeat reached.
    Coverage,
    /// Smallest share of up nodes a sampled heartbeat reached.
    CoverageMin,
    /// Mean coverage of the heartbeats emitted after the warm-up (two cycles after the last
    /// join): the steady state push-gossip theory describes.
    CoverageSteady,
    /// First time the cluster converged (and stayed so for a cycle), in ms; missing if never.
    ConvergenceMs,
    /// Converged fraction at the end of the run.
    FinalConvergedFraction,
    /// Up nodes removed from some up node's view.
    FalseRemovals,
    /// Deliveries of a heartbeat to a node that had already received it.
    Duplicates,
    /// Slowest removal of a crashed or stopped node by every up node, in ms; missing if some
    /// node was never removed everywhere (or nothing went down).
    CrashDetectionMs,
    /// Slowest spread of a publish to every up node, in ms; missing if some publish never
    /// reached every up node (or nothing was published).
    MetadataSpreadMs,
    /// Packets sent in all.
    PacketsSent,
}

/// One row of the metric table: everything a study, a chart, a baseline and a check need to
/// know of a metric, defined once.
pub struct MetricDef {
    /// The metric.
    pub metric: Metric,
    /// The name used in files (`snake_case`, as serde writes the variant).
    pub name: &'static str,
    /// A label for chart axes and tables, with the unit.
    pub label: &'static str,
    /// Whether a larger value is better (coverage) rather than worse (cost, delay).
    pub higher_is_better: bool,
    /// Reads the metric off one run; `None` when the run has none (it never converged, a
    /// crashed node was never removed everywhere, nothing was published, no heartbeat
    /// sampled, or the driver could not measure it).
    pub value: fn(&Outcome) -> Option<f64>,
    /// How far its mean over the seeds may move from the golden value before `pekonode check`
    /// calls it a change (a golden file can override it per scenario).
    pub tolerance: Tolerance,
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

/// Whether heartbeats were counted (costs per heartbeat exist).
fn beats(o: &Outcome) -> bool {
    o.traffic.heartbeats > 0
}

/// Whether heartbeats were sampled for coverage (the simulator; not real sockets).
fn sampled(o: &Outcome) -> bool {
    o.infection.coverage.count > 0
}

/// Costs: 5 % more packets or bytes is a change at any size.
const COST: Tolerance = Tolerance::relative(0.05);
/// Fractions (coverage, converged share): one point in a hundred.
const FRACTION: Tolerance = Tolerance::absolute(0.01);
/// Times: 10 %, and at least a second (convergence is seen at sample times, 1 s apart by
/// default, so a smaller move can be one sample).
const TIME: Tolerance = Tolerance::either(0.1, 1000.0);
/// False removals: 10 %, and at least one (0 → 1 over a seed's run is noise on a lossy
/// network; the `expect` block bounds the count itself).
const FALSE_REMOVALS: Tolerance = Tolerance::either(0.1, 1.0);
/// Duplicates are a cost, judged as one; the one spare keeps 0 → 1 from failing.
const DUPLICATES: Tolerance = Tolerance::either(0.05, 1.0);

/// The metric table, in the order tables list the metrics. Adding a metric: a variant of
/// [`Metric`] and a row here (docs/extending.md).
pub const METRICS: [MetricDef; 14] = [
    MetricDef {
        metric: Metric::PacketsPerHeartbeat,
        name: "packets_per_heartbeat",
        label: "heartbeat packets per heartbeat",
        higher_is_better: false,
        value: |o| beats(o).then_some(o.traffic.packets_per_heartbeat),
        tolerance: COST,
    },
    MetricDef {
        metric: Metric::DatagramsPerHeartbeat,
        name: "datagrams_per_heartbeat",
        label: "datagrams per heartbeat",
        higher_is_better: false,
        value: |o| beats(o).then_some(o.traffic.datagrams_per_heartbeat),
        tolerance: COST,
    },
    MetricDef {
        metric: Metric::PerNodePerCycle,
        name: "per_node_per_cycle",
        label: "packets per node per cycle",
        higher_is_better: false,
        value: |o| Some(o.traffic.per_node_per_cycle),
        tolerance: COST,
    },
    MetricDef {
        metric: Metric::BytesPerNodePerCycle,
        name: "bytes_per_node_per_cycle",
        label: "bytes per node per cycle",
        higher_is_better: false,
        value: |o| {
            let t = &o.traffic;
            (t.sent > 0).then(|| t.per_node_per_cycle * t.bytes_sent as f64 / t.sent as f64)
        },
        tolerance: COST,
    },
    MetricDef {
        metric: Metric::Coverage,
        name: "coverage",
        label: "coverage (mean share of up nodes reached)",
        higher_is_better: true,
        value: |o| sampled(o).then_some(o.infection.coverage.mean),
        tolerance: FRACTION,
    },
    MetricDef {
        metric: Metric::CoverageMin,
        name: "coverage_min",
        label: "coverage, worst heartbeat",
        higher_is_better: true,
        value: |o| sampled(o).then_some(o.infection.coverage.min),
        tolerance: FRACTION,
    },
    MetricDef {
        metric: Metric::CoverageSteady,
        name: "coverage_steady",
        label: "coverage after the warm-up (mean)",
        higher_is_better: true,
        value: |o| {
            let steady = &o.infection.coverage_steady;
            (steady.count > 0).then_some(steady.mean)
        },
        tolerance: FRACTION,
    },
    MetricDef {
        metric: Metric::ConvergenceMs,
        name: "convergence_ms",
        label: "convergence time (ms)",
        higher_is_better: false,
        value: |o| o.convergence.first_converged_ms,
        tolerance: TIME,
    },
    MetricDef {
        metric: Metric::FinalConvergedFraction,
        name: "final_converged_fraction",
        label: "final converged fraction",
        higher_is_better: true,
        value: |o| Some(o.convergence.final_fraction),
        tolerance: FRACTION,
    },
    MetricDef {
        metric: Metric::FalseRemovals,
        name: "false_removals",
        label: "false removals",
        higher_is_better: false,
        value: |o| Some(o.false_removals as f64),
        tolerance: FALSE_REMOVALS,
    },
    MetricDef {
        metric: Metric::Duplicates,
        name: "duplicates",
        label: "duplicate deliveries",
        higher_is_better: false,
        value: |o| Some(o.traffic.duplicates as f64),
        tolerance: DUPLICATES,
    },
    MetricDef {
        metric: Metric::CrashDetectionMs,
        name: "crash_detection_ms",
        label: "crash detection, slowest (ms)",
        higher_is_better: false,
        value: |o| slowest(o.failure_detection.iter().map(|d| d.all_removed_after_ms)),
        tolerance: TIME,
    },
    MetricDef {
        metric: Metric::MetadataSpreadMs,
        name: "metadata_spread_ms",
        label: "metadata spread, slowest (ms)",
        higher_is_better: false,
        value: |o| slowest(o.metadata.iter().map(|m| m.everywhere_after_ms)),
        tolerance: TIME,
    },
    MetricDef {
        metric: Metric::PacketsSent,
        name: "packets_sent",
        label: "packets sent",
        higher_is_better: false,
        value: |o| Some(o.traffic.sent as f64),
        tolerance: COST,
    },
];

impl Metric {
    /// Every metric, in the order tables list them.
    pub const ALL: [Metric; METRICS.len()] = {
        let mut all = [Metric::PacketsSent; METRICS.len()];
        let mut i = 0;
        while i < METRICS.len() {
            all[i] = METRICS[i].metric;
            i += 1;
        }
        all
    };

    /// The metric's row of the table.
    pub fn def(self) -> &'static MetricDef {
        // Every variant has exactly one row (a test checks it), so the search always ends;
        // the fallback only keeps this total.
        METRICS
            .iter()
            .find(|d| d.metric == self)
            .unwrap_or(&METRICS[METRICS.len() - 1])
    }

    /// The name used in files (`snake_case`).
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The metric with this file name.
    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.iter().find(|d| d.name == name).map(|d| d.metric)
    }

    /// Whether a larger value is better (coverage) rather than worse (cost, delay).
    pub fn higher_is_better(self) -> bool {
        self.def().higher_is_better
    }

    /// A label for chart axes, with the unit.
    pub fn label(self) -> &'static str {
        self.def().label
    }

    /// How far its mean may move from a golden value before `check` calls it a change, unless
    /// a golden file says otherwise.
    pub fn tolerance(self) -> Tolerance {
        self.def().tolerance
    }

    /// The metric's value in `outcome` (its row's `value` in the metric table).
    pub fn value(self, outcome: &Outcome) -> Option<f64> {
        (self.def().value)(outcome)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_one_row_and_its_name_is_the_one_serde_writes() {
        for (i, def) in METRICS.iter().enumerate() {
            assert_eq!(Metric::ALL[i], def.metric);
            assert_eq!(METRICS.iter().filter(|d| d.metric == def.metric).count(), 1);
            let json = serde_json::to_string(&def.metric).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", def.name));
            assert_eq!(Metric::from_name(def.name), Some(def.metric));
            assert_eq!(def.tolerance.problem(), None, "{}", def.name);
        }
    }
}
