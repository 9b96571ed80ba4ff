//! The fault and adversary events of the timeline, as written: `pause`, `resume`, `slow`,
//! `skew`, `forge` and `nemesis` (validated in `timeline_faults.rs`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::refs::NodeRef;

/// `pause`: the node stops processing (a GC pause, a frozen VM) until a `resume`: packets
/// queue for it (up to the protocol's `buffer`, the rest are dropped) and its timers wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseSpec {
    /// The node (running or stopped, not paused).
    pub node: NodeRef,
    /// Resume it by itself after this many ms (≥ 1). Default: wait for a `resume` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_ms: Option<u64>,
}

/// `slow`: each packet costs the node this much processing time from now on (a slow node,
/// Lifeguard's case); its receive queue fills and overflows under load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlowSpec {
    /// The node.
    pub node: NodeRef,
    /// Processing time per packet in ms (0 … 60000, fractions allowed); 0 restores the
    /// network's.
    pub per_packet_ms: f64,
}

/// `skew`: the node's wall clock (the version of what it publishes, and the clock its skew
/// bound measures against) runs ahead, or behind when negative, from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkewSpec {
    /// The node.
    pub node: NodeRef,
    /// The offset in ms (−10 years … +10 years).
    pub offset_ms: i64,
}

/// `forge`: a rogue sender without the cluster's keys injects packets. Exactly one of
/// `identities`, `impersonate`, `version`, `replay`. Its packets reach their receivers at
/// once (it sits next to them: no loss, no partition); in sealed mode (`protocol.wire`)
/// receivers drop them as not authentic (replays: as replayed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgeSpec {
    /// The receivers, taken in turn. Default: every node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<NodeRef>,
    /// Heartbeats of new, made-up identities: a burst of members that do not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<RateSpec>,
    /// Heartbeats claiming to be a named node, with another name and private data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonate: Option<ImpersonateSpec>,
    /// One metadata update to each receiver with a chosen version (e.g. the largest,
    /// 9223372036854775807, which pins the metadata for good under Go's rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionSpec>,
    /// Replays of the last 256 packets the rogue saw the cluster send before this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<RateSpec>,
}

/// A rate and a duration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateSpec {
    /// Packets a second (1 … 100000).
    pub per_sec: u32,
    /// For how long, in ms (≥ 1; at most 1,000,000 packets in all).
    pub for_ms: u64,
}

/// `forge.impersonate`: heartbeats claiming to be `node`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpersonateSpec {
    /// The node impersonated.
    pub node: NodeRef,
    /// The name the forged record announces. Default: `"impostor"`.
    #[serde(default = "impostor")]
    pub name: String,
    /// The private data the forged record announces. Default: empty.
    #[serde(default)]
    pub private_data: String,
    /// Packets a second (1 … 100000).
    pub per_sec: u32,
    /// For how long, in ms (≥ 1; at most 1,000,000 packets in all).
    pub for_ms: u64,
}

fn impostor() -> String {
    "impostor".to_string()
}

/// `forge.version`: one metadata update with a chosen version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionSpec {
    /// The node the update claims to come from.
    pub from: NodeRef,
    /// The version (Unix ns; ≥ 1).
    pub version: i64,
    /// The forged metadata, as UTF-8 text. Default: `"forged"`.
    #[serde(default = "forged")]
    pub data: String,
}

fn forged() -> String {
    "forged".to_string()
}

/// `nemesis`: random faults for a while, drawn from the run's seed (its own stream: the rest
/// of the run draws as without it). One fault at a time, each undone after `fault_ms`, the
/// next an exponentially distributed time (mean `mean_interval_ms`) later: a partition into
/// two random halves then a heal (which also removes other partitions), a crash then a restart
/// with 3 random contacts, a pause then a resume, a loss spike then the network's loss again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NemesisSpec {
    /// How long faults keep coming, in ms (ends by `duration_ms`).
    pub for_ms: u64,
    /// Mean time between the end of one fault and the start of the next, in ms (≥ 1).
    pub mean_interval_ms: u64,
    /// How long each fault lasts, in ms (≥ 1).
    pub fault_ms: u64,
    /// The faults to draw from, uniformly, without repeats. Default: all four.
    #[serde(default = "all_faults")]
    pub faults: Vec<FaultKind>,
    /// The nodes faults may hit (at least 2). Default: every node of the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeRef>,
    /// The loss probability of a loss spike (0 … 1). Default 0.3.
    #[serde(default = "spike")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub loss: f64,
}

fn all_faults() -> Vec<FaultKind> {
    vec![
        FaultKind::Partition,
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Loss,
    ]
}

fn spike() -> f64 {
    0.3
}

/// A kind of fault a nemesis injects.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// Two random halves, then a heal.
    Partition,
    /// A random node crashes, then restarts.
    Crash,
    /// A random node pauses, then resumes.
    Pause,
    /// A loss spike, then the network's loss.
    Loss,
}

impl FaultKind {
    /// The run's fault kind.
    pub fn to_run(self) -> crate::run::NemesisFault {
        use crate::run::NemesisFault as F;
        match self {
            FaultKind::Partition => F::Partition,
            FaultKind::Crash => F::Crash,
            FaultKind::Pause => F::Pause,
            FaultKind::Loss => F::Loss,
        }
    }
}
