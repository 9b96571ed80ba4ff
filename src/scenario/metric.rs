//! The names of the metrics that studies aggregate, sweep, chart and compare with baselines.
//! What each means is defined on the run's `Outcome` (docs/metrics.md); this is only the name.

use std::fmt;

use schemars::JsonSchema;
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

impl Metric {
    /// Every metric, in the order tables list them.
    pub const ALL: [Metric; 13] = [
        Metric::PacketsPerHeartbeat,
        Metric::DatagramsPerHeartbeat,
        Metric::PerNodePerCycle,
        Metric::Coverage,
        Metric::CoverageMin,
        Metric::CoverageSteady,
        Metric::ConvergenceMs,
        Metric::FinalConvergedFraction,
        Metric::FalseRemovals,
        Metric::Duplicates,
        Metric::CrashDetectionMs,
        Metric::MetadataSpreadMs,
        Metric::PacketsSent,
    ];

    /// The name used in files (`snake_case`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::PacketsPerHeartbeat => "packets_per_heartbeat",
            Metric::DatagramsPerHeartbeat => "datagrams_per_heartbeat",
            Metric::PerNodePerCycle => "per_node_per_cycle",
            Metric::Coverage => "coverage",
            Metric::CoverageMin => "coverage_min",
            Metric::CoverageSteady => "coverage_steady",
            Metric::ConvergenceMs => "convergence_ms",
            Metric::FinalConvergedFraction => "final_converged_fraction",
            Metric::FalseRemovals => "false_removals",
            Metric::Duplicates => "duplicates",
            Metric::CrashDetectionMs => "crash_detection_ms",
            Metric::MetadataSpreadMs => "metadata_spread_ms",
            Metric::PacketsSent => "packets_sent",
        }
    }

    /// The metric with this file name.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether a larger value is better (coverage) rather than worse (cost, delay).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::Coverage
                | Metric::CoverageMin
                | Metric::CoverageSteady
                | Metric::FinalConvergedFraction
        )
    }

    /// A label for chart axes, with the unit.
    pub fn label(self) -> &'static str {
        match self {
            Metric::PacketsPerHeartbeat => "heartbeat packets per heartbeat",
            Metric::DatagramsPerHeartbeat => "datagrams per heartbeat",
            Metric::PerNodePerCycle => "packets per node per cycle",
            Metric::Coverage => "coverage (mean share of up nodes reached)",
            Metric::CoverageMin => "coverage, worst heartbeat",
            Metric::CoverageSteady => "coverage after the warm-up (mean)",
            Metric::ConvergenceMs => "convergence time (ms)",
            Metric::FinalConvergedFraction => "final converged fraction",
            Metric::FalseRemovals => "false removals",
            Metric::Duplicates => "duplicate deliveries",
            Metric::CrashDetectionMs => "crash detection, slowest (ms)",
            Metric::MetadataSpreadMs => "metadata spread, slowest (ms)",
            Metric::PacketsSent => "packets sent",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
