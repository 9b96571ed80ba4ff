//! The serde types of the `protocol` block's choice of protocol and of SWIM's knobs, as
//! written. Their own file because the schema names them and their checks (`swim.rs`) read
//! the schema: the types import neither.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which protocol the nodes run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProtocolName {
    /// PekoNode (the default).
    #[default]
    Pekonode,
    /// SWIM through the foca crate; its knobs in `swim`.
    Swim,
}

impl ProtocolName {
    /// Whether this is the default, PekoNode (left out when a scenario is written back).
    pub fn is_pekonode(&self) -> bool {
        *self == ProtocolName::Pekonode
    }
}

/// SWIM's knobs, each optional: one left out is derived from `cycle_ms` and `timeout_ms`
/// (a probe every half cycle, a third of it for the round trip, `timeout − cycle` of
/// suspicion, gossip every probe period, an announce every cycle).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwimSpec {
    /// How often a node probes one member, in ms (10 to 3 600 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe_period_ms: Option<u64>,
    /// How long a direct probe waits for its ack before asking others, in ms (below
    /// `probe_period_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe_rtt_ms: Option<u64>,
    /// How many members probe indirectly; also the fan-out of periodic gossip (1 to 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_indirect_probes: Option<u32>,
    /// How many messages carry each membership update (1 to 255).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_transmissions: Option<u32>,
    /// How long a suspect stays before it is declared down, in ms (1 to 86 400 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspect_to_down_ms: Option<u64>,
    /// Largest packet sent and accepted, in bytes (128 to 65 507).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_packet_size: Option<u32>,
    /// Gossip updates to `num_indirect_probes` members this often, in ms; 0 = only piggyback
    /// on probes (pure SWIM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gossip_period_ms: Option<u64>,
    /// Ask one member for more members this often, in ms; 0 = never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce_period_ms: Option<u64>,
    /// Tell members declared down that they are, so a falsely suspected node rejoins soon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_down_members: Option<bool>,
}
