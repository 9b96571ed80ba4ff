//! The initial nodes of a scenario and how they bootstrap (whom each knows at its start).

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::run::Bootstrap;

use super::foreign::{default_bootstrap, BootstrapSchema};
use super::refs::NodeRef;

/// The initial nodes, written in one of two ways:
///
/// - generated: `{"count": 50, "bootstrap": "seed"}` makes nodes `n0` … `n49`;
/// - listed: `[{"name": "A"}, {"name": "B", "contacts": ["A"], "start_ms": 5000}]`, for small
///   clusters with explicit names and contacts (PekoNode's README example).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum NodesSpec {
    /// `count` nodes named `n0` … `n{count-1}`, bootstrapped by one rule.
    Generated(GeneratedNodes),
    /// Named nodes with explicit contacts, in index order.
    Listed(Vec<NodeSpec>),
}

/// `count` nodes named `n0` … `n{count-1}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratedNodes {
    /// How many nodes (1 … [`MAX_NODES`](super::MAX_NODES), joins included).
    pub count: u32,
    /// Whom each node knows when it starts. Default: `"seed"`.
    #[serde(default = "default_bootstrap")]
    #[schemars(with = "BootstrapSchema")]
    pub bootstrap: Bootstrap,
    /// Node `i` starts at `i × join_interval_ms`. Default 0: every node starts at time 0.
    #[serde(default)]
    pub join_interval_ms: u64,
}

/// One named node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Its name: 1 to 64 characters of `A-Z a-z 0-9 _ . -`, unique in the scenario.
    #[schemars(pattern(r"^[A-Za-z0-9_.-]{1,64}$"))]
    pub name: String,
    /// The nodes it knows when it starts (it joins through them). Default: none.
    #[serde(default)]
    pub contacts: Vec<NodeRef>,
    /// When it starts (joins), in ms of virtual time. Default 0.
    #[serde(default)]
    pub start_ms: u64,
}

struct NodesVisitor;

impl<'de> Visitor<'de> for NodesVisitor {
    type Value = NodesSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "either an object {\"count\": N, \"bootstrap\": ...} or a list of nodes [{\"name\": ...}, ...]",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NodesSpec, A::Error> {
        GeneratedNodes::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(NodesSpec::Generated)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<NodesSpec, A::Error> {
        Vec::<NodeSpec>::deserialize(de::value::SeqAccessDeserializer::new(seq))
            .map(NodesSpec::Listed)
    }
}

impl<'de> Deserialize<'de> for NodesSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodesVisitor)
    }
}
