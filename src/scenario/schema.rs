//! The serde types of a scenario file, as written. Validation and resolution live in
//! `validate.rs`; these types accept any well-typed value.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::protocol::Forwarding;
use crate::run::Limits;

use super::events::EventSpec;
use super::foreign::{default_forwarding, ForwardingSchema, LimitsSchema, WireSchema};
use super::nodes::NodesSpec;
use super::or_auto::OrAuto;
use super::refs::NodeSelector;
use super::sweep::SweepSpec;
use super::swim_spec::{ProtocolName, SwimSpec};
use crate::wire::WireMode;

/// A scenario file, as written. Unknown fields are errors everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "pekonode scenario")]
pub struct ScenarioSpec {
    /// Optional link to this JSON Schema, for editors (`"$schema": "schema.json"`); ignored.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The scenario's name, also the report folder name: 1 to 64 characters of
    /// `A-Z a-z 0-9 _ . -`, starting with a letter or digit.
    #[schemars(pattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"))]
    pub name: String,
    /// What the scenario shows, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The master seed: every random choice of the run derives from it.
    pub seed: u64,
    /// How many seeds `run` and `check` use: seed, seed + 1, … (1 … 10000). Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds: Option<u32>,
    /// How long the run lasts, in ms of virtual time (1 … 7 days).
    pub duration_ms: u64,
    /// How often metrics are sampled, in ms of virtual time. Default 1000.
    #[serde(default = "default_sample_interval_ms")]
    pub sample_interval_ms: u64,
    /// Protocol parameters (PekoNode's config; 0 means "PekoNode's default").
    #[serde(default)]
    pub protocol: ProtocolSpec,
    /// The network model. Default: 1 ms constant latency, no loss.
    #[serde(default)]
    pub network: NetworkModelSpec,
    /// The initial nodes and how they bootstrap.
    pub nodes: NodesSpec,
    /// The timeline, in time order. Default: none.
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// The explosion guard: a run that passes a limit stops and reports what it measured.
    #[serde(default)]
    #[schemars(with = "LimitsSchema")]
    pub limits: Limits,
    /// What `pekonode check` requires of the run's results. Default: nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// A parameter sweep that `pekonode sweep` runs (`run` and `check` use the base values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSpec>,
}

fn default_sample_interval_ms() -> u64 {
    1000
}

/// Protocol parameters. As in Go PekoNode, 0 means "use the default".
// Validation hands them to `Config::resolve`, which holds the default rules and the ranges a
// node can run with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtocolSpec {
    /// Fan-out: how many nodes each broadcast picks. 0 = 3. `"auto"`: the least traffic that
    /// keeps false removals under the target (`pekonode advise`; first-copy forwarding).
    #[serde(default)]
    pub amount: OrAuto<u32>,
    /// Heartbeat period in ms. 0 = 6000.
    #[serde(default)]
    pub cycle_ms: u64,
    /// Receive queue length in packets. 0 = 3 × amount.
    #[serde(default)]
    pub buffer: u32,
    /// Largest packet in bytes; packets of `size` bytes or more are dropped. 0 = 16384.
    #[serde(default)]
    pub size: u32,
    /// Expiry timeout in ms. 0, or any value ≤ cycle, = 3 × cycle + 2000 (PekoNode's rule).
    /// `"auto"`: the shortest that keeps false removals under the target at this fan-out
    /// (`pekonode advise`; first-copy forwarding).
    #[serde(default)]
    pub timeout_ms: OrAuto<u64>,
    /// The target of `"auto"`: at most this many false removals a day, cluster-wide (default 1).
    /// Only with `"amount": "auto"` or `"timeout_ms": "auto"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_false_removals_per_day: Option<f64>,
    /// Forwarding rule. Default `"faithful"` (Go PekoNode's).
    #[serde(default = "default_forwarding")]
    #[schemars(with = "ForwardingSchema")]
    pub forwarding: Forwarding,
    /// Rejoin period in ms (ours, not Go's): every `rejoin_ms`, and sooner while a node lists
    /// no other member (at its next heartbeat, then after 2, 4, 8, … heartbeats while nobody
    /// answers, never longer than the period), its heartbeat also goes to each of its contacts
    /// it no longer lists, so a partition longer than the timeout heals. 0 (the default) = off,
    /// as in Go PekoNode: a node every other forgot never comes back.
    #[serde(default)]
    pub rejoin_ms: u64,
    /// Bounded trust in what packets say (ours, not Go's). Default: every rule off, as in Go
    /// PekoNode. `{"max_version_skew_ms": 60000, "max_view": 10000, "admit_per_sec": 100,
    /// "guarded_swaps": true}` is the hardened profile.
    #[serde(default, skip_serializing_if = "TrustSpec::is_off")]
    pub trust: TrustSpec,
    /// Wire mode: `"json"` (Go PekoNode's, the default) or `"sealed"` (authenticated envelopes
    /// of this project, 54 bytes more per datagram; a real cluster seals, the simulator counts
    /// the bytes).
    #[serde(default, skip_serializing_if = "is_json")]
    #[schemars(with = "WireSchema")]
    pub wire: WireMode,
    /// Which protocol the nodes run: `"pekonode"` (the default) or `"swim"` (SWIM through foca,
    /// simulated only; its knobs in `swim`, the rest derived from `cycle_ms` and `timeout_ms`).
    #[serde(default, skip_serializing_if = "ProtocolName::is_pekonode")]
    pub kind: ProtocolName,
    /// SWIM's knobs, only with `"kind": "swim"`; each one left out is derived from `cycle_ms`
    /// and `timeout_ms` (the same detection budget as PekoNode's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swim: Option<SwimSpec>,
}

fn is_json(w: &WireMode) -> bool {
    *w == WireMode::Json
}

/// The trust rules of the `protocol` block; each 0 or `false` turns its rule off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustSpec {
    /// Metadata versions more than this many ms ahead of the receiver's clock are not
    /// adopted, so one forged version cannot pin the metadata.
    #[serde(default)]
    pub max_version_skew_ms: u64,
    /// Most entries a view holds; packets from new senders are dropped while it is full.
    #[serde(default)]
    pub max_view: u32,
    /// New members a node admits from packets per second.
    #[serde(default)]
    pub admit_per_sec: u32,
    /// Swap replies only to live members of the view, at most `amount` per cycle.
    #[serde(default)]
    pub guarded_swaps: bool,
    /// A stranger is listed only when heard again half a cycle or more after its first
    /// packet: one-shot forged identities never enter a view.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub probation: bool,
}

impl TrustSpec {
    /// Whether every rule is off (Go PekoNode's behaviour).
    pub fn is_off(&self) -> bool {
        *self == TrustSpec::default()
    }

    /// The block that writes `trust`'s rules.
    pub fn of(trust: crate::protocol::Trust) -> TrustSpec {
        TrustSpec {
            max_version_skew_ms: trust.max_version_skew.as_millis() as u64,
            max_view: trust.max_view as u32,
            admit_per_sec: trust.admit_per_sec,
            guarded_swaps: trust.guarded_swaps,
            probation: trust.probation,
        }
    }

    /// The protocol's trust rules.
    pub fn to_trust(self) -> crate::protocol::Trust {
        crate::protocol::Trust {
            max_version_skew: std::time::Duration::from_millis(self.max_version_skew_ms),
            max_view: self.max_view as usize,
            admit_per_sec: self.admit_per_sec,
            guarded_swaps: self.guarded_swaps,
            probation: self.probation,
        }
    }
}

impl Default for ProtocolSpec {
    fn default() -> Self {
        Self {
            kind: ProtocolName::Pekonode,
            swim: None,
            amount: OrAuto::Value(0),
            cycle_ms: 0,
            buffer: 0,
            size: 0,
            timeout_ms: OrAuto::Value(0),
            target_false_removals_per_day: None,
            forwarding: default_forwarding(),
            rejoin_ms: 0,
            trust: TrustSpec::default(),
            wire: WireMode::Json,
        }
    }
}

/// The network model. Link overrides refine the network-wide values.
// As written (latencies in ms, nodes by name); validation turns it into the run's NetworkSpec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "NetworkSpec")]
pub struct NetworkModelSpec {
    /// One-way latency of every packet. Default `{"constant": {"ms": 1}}`.
    #[serde(default)]
    pub latency: LatencySpec,
    /// Probability that a packet is lost (0 … 1). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub loss: f64,
    /// Probability that a delivered packet is delivered twice (0 … 1). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub duplicate: f64,
    /// Per-link or per-group overrides. For each of loss, latency and duplicate separately, the
    /// first rule (in list order) that matches the packet and sets that value wins; otherwise the
    /// network-wide value applies.
    #[serde(default)]
    pub links: Vec<LinkSpec>,
}

impl Default for NetworkModelSpec {
    fn default() -> Self {
        Self {
            latency: LatencySpec::default(),
            loss: 0.0,
            duplicate: 0.0,
            links: Vec::new(),
        }
    }
}

/// A latency distribution, in ms (fractions allowed). Written `{"constant": {"ms": 5}}` etc.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
#[schemars(rename = "Latency")]
pub enum LatencySpec {
    /// Always `ms`.
    Constant {
        /// The latency in ms (≥ 0).
        ms: f64,
    },
    /// Uniform in `[min_ms, max_ms]`.
    Uniform {
        /// Smallest latency in ms (≥ 0).
        min_ms: f64,
        /// Largest latency in ms (≥ `min_ms`).
        max_ms: f64,
    },
    /// Normal, truncated below at `min_ms`.
    Normal {
        /// Mean in ms (≥ 0).
        mean_ms: f64,
        /// Standard deviation in ms (≥ 0).
        stddev_ms: f64,
        /// Smallest latency in ms (≥ 0). Default 0.
        #[serde(default)]
        min_ms: f64,
    },
    /// Log-normal with the given median and shape, truncated below at `min_ms`.
    Lognormal {
        /// Median in ms (> 0).
        median_ms: f64,
        /// Shape: standard deviation of the underlying normal (0 … 5).
        sigma: f64,
        /// Smallest latency in ms (≥ 0). Default 0.
        #[serde(default)]
        min_ms: f64,
    },
}

impl Default for LatencySpec {
    fn default() -> Self {
        Self::Constant { ms: 1.0 }
    }
}

/// A per-link or per-group override: packets from a node in `from` to a node in `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Senders the rule applies to.
    pub from: NodeSelector,
    /// Receivers the rule applies to.
    pub to: NodeSelector,
    /// Also apply the rule from `to` to `from`. Default false.
    #[serde(default)]
    pub both_ways: bool,
    /// Loss probability on these links (0 … 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// Latency on these links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySpec>,
    /// Duplication probability on these links (0 … 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
}

/// Expectations that `pekonode check` enforces on a run's results, for every seed (see
/// `seeds`). Each is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The cluster has converged (every up node's view equals the up set, and stays so for a
    /// cycle) by this time, in ms of virtual time (≤ `duration_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converged_by_ms: Option<u64>,
    /// Share of seeds that must meet `converged_by_ms` (0 … 1). Default 1 (every seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub converged_share: Option<f64>,
    /// No up node is ever removed from an up node's view. Default false (not checked).
    #[serde(default)]
    pub no_false_removals: bool,
    /// At most this many false removals per run (a looser form of `no_false_removals`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_false_removals: Option<u64>,
    /// Every crashed or stopped node is removed by every up node within this many ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_detected_within_ms: Option<u64>,
    /// Every publish reaches every up node within this many ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_everywhere_within_ms: Option<u64>,
    /// Mean packets per heartbeat stays at or below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_packets_per_heartbeat: Option<f64>,
    /// Mean datagrams (heartbeats, updates and swaps) per heartbeat stays at or below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_datagrams_per_heartbeat: Option<f64>,
    /// Mean heartbeat coverage (share of up nodes reached) is at least this (0 … 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub min_coverage: Option<f64>,
    /// After the timeline's last event (a heal, say), the cluster converges again (and stays
    /// so for a cycle) within this many ms. Needs at least one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconverged_within_ms: Option<u64>,
    /// The converged fraction at the end is at most this (0 … 1): for studies of a failure
    /// mode, that the cluster is still split when the run ends (a forged burst under Go's
    /// rules, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_final_converged_fraction: Option<f64>,
    /// The converged fraction at the end is at least this (0 … 1; 1: no member is missing
    /// from any view when the run ends, e.g. after a nemesis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub min_final_converged_fraction: Option<f64>,
}
