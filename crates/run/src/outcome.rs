//! What one simulated run measured (docs/metrics.md): the simulator's only output, and the
//! report layer's only input.
//!
//! Times are virtual milliseconds since the start of the run. Every field is computed from
//! the run alone (no wall clock), so the same scenario and seed give the same `Outcome`.
//! It also reads back from JSON exactly (floats round-trip), which `pekonode merge` relies on.

use serde::{Deserialize, Serialize};

pub use crate::attacks::Attacks;

/// Everything one run measured.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    /// Scenario name (also the report folder name).
    pub scenario: String,
    /// The seed the run used.
    pub seed: u64,
    /// Protocol settings after PekoNode's defaults were applied.
    pub protocol: ProtocolSummary,
    /// Nodes the run ever had (initial and joined later).
    pub nodes: usize,
    /// Planned duration.
    pub duration_ms: f64,
    /// When the run ended: the duration, or earlier if the explosion guard stopped it.
    pub ended_at_ms: f64,
    /// Why the run stopped early, if it did.
    pub stopped: Option<GuardStop>,
    /// The time series, one row per sample interval (written as `timeseries.csv`).
    pub samples: Vec<Sample>,
    /// Timeline events, for chart markers and per-event convergence.
    pub marks: Vec<Mark>,
    /// Converged fraction and convergence times.
    pub convergence: Convergence,
    /// How heartbeats spread.
    pub infection: Infection,
    /// Packet and byte counts over the whole run.
    pub traffic: Traffic,
    /// Traffic split by protocol cycle (`cycle` of virtual time each).
    pub per_cycle: Vec<CycleTraffic>,
    /// For each crash or stop: how long until every up node removed the node.
    pub failure_detection: Vec<Detection>,
    /// Up nodes removed from some up node's view (each removal counted once).
    pub false_removals: u64,
    /// For each publish: how long until every up node read the new version.
    pub metadata: Vec<MetadataSpread>,
    /// What faults and adversaries did (forged packets, rejections by reason, made-up members
    /// held in views). Omitted from JSON when nothing happened, so runs without them read as
    /// before.
    #[serde(default, skip_serializing_if = "Attacks::is_empty")]
    pub attacks: Attacks,
    /// Per operation (heartbeat, publish), as Jepsen Maelstrom reports a broadcast workload:
    /// messages per operation and the distribution of stable latencies (docs/metrics.md).
    #[serde(default)]
    pub per_op: PerOp,
    /// Whether the run was measured on real sockets (`pekonode cluster`): times are real time,
    /// and infection spread, coverage and duplicate deliveries were not measured. Omitted from
    /// JSON when false (the simulator).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub real_sockets: bool,
    /// Whether infection spread, coverage, duplicate deliveries and heartbeat latencies were
    /// measured: not on real sockets (no lineage on the wire), not for a protocol without
    /// heartbeats (SWIM). Omitted from JSON when true (PekoNode in the simulator).
    #[serde(default = "measured", skip_serializing_if = "is_measured")]
    pub infection_measured: bool,
    /// What this run could not measure or measured approximately, for people (empty for the
    /// simulator; the UDP `cluster` mode lists its approximations). Omitted from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The first breach of each invariant the run was given (the player checks them at every
    /// sample, `Player::invariant`). Omitted from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// Node by node, how one heartbeat and the first publish spread, for the infection
    /// playback of `report.html`: simulated runs of at most [`PLAYBACK_MAX_NODES`] nodes only.
    /// Kept out of `summary.json` (the report removes it); unit files keep it, so a merged
    /// report is the single-process one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playback: Option<Playback>,
}

impl Outcome {
    /// Why infection spread, coverage, duplicates and heartbeat latencies are not in this
    /// outcome, for people (`None`: they were measured).
    pub fn infection_unmeasured(&self) -> Option<&'static str> {
        if !self.protocol.has_heartbeats() || (!self.real_sockets && !self.infection_measured) {
            Some("not measured: the protocol has no heartbeats")
        } else if self.real_sockets {
            Some("not measured on real sockets")
        } else {
            None
        }
    }
}

/// The default of [`Outcome::infection_measured`] (outcomes written before it was a field).
fn measured() -> bool {
    true
}

/// Whether [`Outcome::infection_measured`] takes its default (and is left out of JSON).
fn is_measured(measured: &bool) -> bool {
    *measured
}

/// Largest run (in nodes) whose spread is recorded node by node for the playback.
pub const PLAYBACK_MAX_NODES: usize = 500;

/// What the playback of `report.html` shows: the nodes, and when each first had one heartbeat
/// and the first published metadata.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct Playback {
    /// Every node's name, by index.
    pub names: Vec<String>,
    /// The first heartbeat emitted at or after the warm-up by the lowest-index node up then
    /// (`None` if the run emitted none).
    pub heartbeat: Option<Spread>,
    /// The run's first publish (`None` without one).
    pub publish: Option<Spread>,
}

/// How one heartbeat or one metadata version reached the nodes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct Spread {
    /// The node it started from (index into [`Playback::names`]).
    pub origin: usize,
    /// When it started (virtual ms since the start of the run).
    pub at_ms: f64,
    /// The heartbeat's number among the run's heartbeats, or the published version.
    pub id: i64,
    /// Per node, whether it was up when it started.
    pub up: Vec<bool>,
    /// Per node, when it first had it (virtual ms since the start of the run; the origin at
    /// `at_ms`), `None` if it never did.
    pub arrived_ms: Vec<Option<f64>>,
}

/// The protocol settings of the run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ProtocolSummary {
    /// `faithful` or `first-copy`.
    pub forwarding: String,
    /// Fan-out.
    pub amount: usize,
    /// Heartbeat period.
    pub cycle_ms: f64,
    /// Expiry timeout.
    pub timeout_ms: f64,
    /// Datagram size limit in bytes.
    pub size: usize,
    /// Receive queue length.
    pub buffer: usize,
}

impl ProtocolSummary {
    /// What `forwarding` says of a SWIM run.
    pub const SWIM: &'static str = "swim";

    /// Whether the protocol sends heartbeats (PekoNode does; SWIM probes instead).
    pub fn has_heartbeats(&self) -> bool {
        self.forwarding != Self::SWIM
    }
}

/// The explosion guard's verdict (docs/metrics.md).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GuardStop {
    /// Virtual time at which a limit was passed.
    pub at_ms: f64,
    /// Which limit: `max_in_flight` or `max_packets_per_cycle`.
    pub limit: String,
    /// The limit's value.
    pub limit_value: u64,
    /// The value that passed it.
    pub value: u64,
    /// One line for people: what passed which limit, when, and what avoids it.
    pub message: String,
}

/// The [`GuardStop::limit`] of a run stopped by an invariant.
pub const INVARIANT_LIMIT: &str = "invariant";

impl GuardStop {
    /// Who stopped the run, for people: the explosion guard or a broken invariant.
    pub fn stopper(&self) -> &'static str {
        if self.limit == INVARIANT_LIMIT {
            "an invariant"
        } else {
            "the explosion guard"
        }
    }
}

/// One row of the time series.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Sample {
    /// Virtual time of the sample.
    pub t_ms: f64,
    /// Nodes up (running and heartbeating).
    pub up: usize,
    /// Share of up nodes whose view equals the up set (1 when no node is up).
    pub converged_fraction: f64,
    /// Mean view size over up nodes.
    pub mean_view: f64,
    /// Smallest view among up nodes.
    pub min_view: usize,
    /// Largest view among up nodes.
    pub max_view: usize,
    /// Packets in flight at the sample.
    pub in_flight: u64,
    /// Packets sent so far.
    pub sent: u64,
    /// Packets delivered so far.
    pub delivered: u64,
}

/// A timeline event.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Mark {
    /// When it happened.
    pub at_ms: f64,
    /// Short label, e.g. `crash n3`.
    pub label: String,
}

/// Convergence results.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Convergence {
    /// First time the converged fraction reached 1 and stayed there for a cycle.
    pub first_converged_ms: Option<f64>,
    /// Converged fraction at the end of the run.
    pub final_fraction: f64,
    /// Share of the run's time during which every up node was converged.
    pub converged_time_share: f64,
    /// For each timeline event: time from it until convergence (1, held for a cycle).
    pub after_events: Vec<ConvergenceAfter>,
}

/// Convergence after one event.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConvergenceAfter {
    /// The event's label.
    pub label: String,
    /// When it happened.
    pub at_ms: f64,
    /// Time from the event to convergence, `None` if the run ended first.
    pub converged_after_ms: Option<f64>,
}

/// A quantile band at one point of a curve.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BandPoint {
    /// The x value: milliseconds since emission, or a hop count.
    pub x: f64,
    /// 10th percentile over heartbeats.
    pub p10: f64,
    /// Median over heartbeats.
    pub median: f64,
    /// 90th percentile over heartbeats.
    pub p90: f64,
}

/// Summary statistics of one metric over many observations.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct Stats {
    /// Number of observations.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Minimum.
    pub min: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Maximum.
    pub max: f64,
}

/// How heartbeats spread ("infection spread" in docs/metrics.md). Fields added since the
/// first summaries read as their default from older files (a baseline may be old).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct Infection {
    /// Heartbeats emitted during the run.
    pub heartbeats: u64,
    /// Heartbeats whose spread curves were recorded (an evenly spaced subset).
    pub sampled: u64,
    /// Share of up nodes reached by Δ ms after emission (origin counted as reached at 0).
    pub by_time: Vec<BandPoint>,
    /// Share of up nodes reached within h hops (h = 0 is the origin alone).
    pub by_hop: Vec<BandPoint>,
    /// Share of the nodes up at its emission that each heartbeat reached (nodes joining
    /// later do not count), over every heartbeat watched for a full cycle.
    pub coverage: Stats,
    /// The same over the heartbeats emitted after the warm-up ([`warmup_ms`](Self::warmup_ms)),
    /// once views have filled: what push-gossip theory predicts.
    pub coverage_steady: Stats,
    /// End of the warm-up: two cycles after the timeline's last join, in ms.
    pub warmup_ms: f64,
    /// Time until a heartbeat reached its last node, over heartbeats that reached any.
    pub spread_ms: Stats,
}

/// Packet and byte counts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct Traffic {
    /// Packets sent by nodes.
    pub sent: u64,
    /// Packets handed to a node.
    pub delivered: u64,
    /// Packets lost by the network (loss probability).
    pub lost: u64,
    /// Packets dropped at a partition.
    pub dropped_partition: u64,
    /// Packets dropped because they were `size` bytes or more.
    pub dropped_oversize: u64,
    /// Packets dropped because the receiver's queue (`buffer`) was full.
    pub dropped_queue: u64,
    /// Packets dropped because the receiver was not running (crashed or not yet joined).
    pub dropped_down: u64,
    /// Extra copies made by network duplication.
    pub duplicated: u64,
    /// Deliveries of a heartbeat to a node that had already received it.
    pub duplicates: u64,
    /// Bytes sent (encoded size).
    pub bytes_sent: u64,
    /// Bytes delivered.
    pub bytes_delivered: u64,
    /// Heartbeats emitted by their origins.
    pub heartbeats: u64,
    /// Heartbeat packets sent, forwards included.
    pub heartbeat_packets: u64,
    /// Heartbeat packets per heartbeat: P(n − 1) under faithful forwarding with full views.
    pub packets_per_heartbeat: f64,
    /// All packets (heartbeats, updates, swaps) per heartbeat: what Go nodes were measured at.
    pub datagrams_per_heartbeat: f64,
    /// Packets sent per node per cycle, averaged over the run.
    pub per_node_per_cycle: f64,
}

/// Traffic during one cycle of virtual time.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct CycleTraffic {
    /// Start of the cycle.
    pub start_ms: f64,
    /// Packets sent.
    pub sent: u64,
    /// Packets delivered.
    pub delivered: u64,
    /// Packets lost by the network.
    pub lost: u64,
    /// Packets dropped (partition, oversize, queue, receiver down).
    pub dropped: u64,
    /// Duplicate heartbeat deliveries.
    pub duplicates: u64,
    /// Bytes sent.
    pub bytes_sent: u64,
}

/// Failure detection of one crash or stop.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Detection {
    /// The node that went down.
    pub node: String,
    /// `crash` or `stop`.
    pub cause: String,
    /// When it went down.
    pub at_ms: f64,
    /// Time until every up node had removed it; `None` if some still held it at the end
    /// (or it came back first).
    pub all_removed_after_ms: Option<f64>,
    /// Mean over up nodes of the time each took to remove it (those that did).
    pub mean_removal_after_ms: Option<f64>,
}

/// Spread of one published metadata value.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MetadataSpread {
    /// The publishing node.
    pub node: String,
    /// When it published.
    pub at_ms: f64,
    /// The version (Unix ns).
    pub version: i64,
    /// Time until every up node read this version or a newer one; `None` if never.
    pub everywhere_after_ms: Option<f64>,
}

/// What one operation cost and how long it took to reach every up node, in the terms of Jepsen
/// Maelstrom's broadcast workload (`msgs-per-op`, `stable-latencies`). A run has two kinds of
/// operation: heartbeats (the membership service's work) and publishes (metadata).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct PerOp {
    /// Heartbeats as operations.
    pub heartbeat: OpStats,
    /// Publishes as operations.
    pub publish: OpStats,
}

/// One kind of operation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct OpStats {
    /// Operations in the run (heartbeats emitted, or publishes).
    pub ops: u64,
    /// All datagrams sent, divided by `ops` (Maelstrom's `msgs-per-op`); `None` without an
    /// operation.
    pub msgs_per_op: Option<f64>,
    /// Time from each operation until every up node had it (Maelstrom's `stable-latencies`).
    pub stable_latency_ms: LatencyQuantiles,
}

/// A latency distribution: the quantiles Maelstrom prints, {0, 0.5, 0.95, 0.99, 1}, over the
/// operations that reached every up node. All `None` when none did (or none was measured).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct LatencyQuantiles {
    /// Operations measured (heartbeats watched for a full cycle; every publish).
    pub measured: u64,
    /// Of those, operations that reached every up node: the sample of the quantiles.
    pub stable: u64,
    /// Quantile 0 (the fastest).
    pub p0: Option<f64>,
    /// Quantile 0.5.
    pub p50: Option<f64>,
    /// Quantile 0.95.
    pub p95: Option<f64>,
    /// Quantile 0.99.
    pub p99: Option<f64>,
    /// Quantile 1 (the slowest).
    pub p100: Option<f64>,
}

/// The first breach of one invariant.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: String,
    /// When it was first seen broken (the sample's time).
    pub at_ms: f64,
    /// The node that broke it, if one did. Omitted from JSON when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// How.
    pub message: String,
}
