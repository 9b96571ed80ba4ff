//! How a scenario names nodes: [`NodeRef`] (one node) and [`NodeSelector`] (a set of nodes).

use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A reference to one node: its name (`"n3"`, `"A"`) or its index (`3`).
///
/// Nodes are numbered in the order they are declared: the initial nodes first (generated nodes
/// are named `n0` … `n{count-1}`, listed nodes keep their names), then the nodes created by `join`
/// events, in timeline order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum NodeRef {
    /// The node with this index.
    Index(u32),
    /// The node with this name.
    Name(String),
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Index(i) => write!(f, "#{i}"),
            Self::Name(name) => write!(f, "'{}'", super::echo(name)),
        }
    }
}

impl From<&str> for NodeRef {
    fn from(name: &str) -> Self {
        Self::Name(name.to_string())
    }
}

impl From<u32> for NodeRef {
    fn from(index: u32) -> Self {
        Self::Index(index)
    }
}

struct NodeRefVisitor;

impl Visitor<'_> for NodeRefVisitor {
    type Value = NodeRef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a node name (string) or a node index (integer ≥ 0)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeRef, E> {
        u32::try_from(v)
            .map(NodeRef::Index)
            .map_err(|_| E::custom(format!("node index {v} is too large")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeRef, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::custom(format!(
                "node index {v} is negative; use a name or an index ≥ 0"
            ))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeRef, E> {
        Ok(NodeRef::Name(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeRefVisitor)
    }
}

/// A set of nodes, used by per-link overrides: `"*"` (every node), one node (`"A"`, `3`), or a
/// list of nodes (`["n0", "n1", 7]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeSelector {
    /// Every node, including nodes that join later (written `"*"`).
    Any,
    /// One node.
    One(NodeRef),
    /// These nodes (an empty list selects nothing and is rejected by validation).
    List(Vec<NodeRef>),
}

impl Serialize for NodeSelector {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Any => serializer.serialize_str("*"),
            Self::One(node) => node.serialize(serializer),
            Self::List(nodes) => nodes.serialize(serializer),
        }
    }
}

struct SelectorVisitor;

impl<'de> Visitor<'de> for SelectorVisitor {
    type Value = NodeSelector;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"*\", a node name, a node index or a list of node names and indexes")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeSelector, E> {
        NodeRefVisitor.visit_u64(v).map(NodeSelector::One)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeSelector, E> {
        NodeRefVisitor.visit_i64(v).map(NodeSelector::One)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeSelector, E> {
        if v == "*" {
            Ok(NodeSelector::Any)
        } else {
            NodeRefVisitor.visit_str(v).map(NodeSelector::One)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<NodeSelector, A::Error> {
        Vec::<NodeRef>::deserialize(de::value::SeqAccessDeserializer::new(seq))
            .map(NodeSelector::List)
    }
}

impl<'de> Deserialize<'de> for NodeSelector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SelectorVisitor)
    }
}

impl JsonSchema for NodeSelector {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NodeSelector".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let node = generator.subschema_for::<NodeRef>();
        json_schema!({
            "description": "A set of nodes: \"*\" (every node), one node name or index, or a list of them.",
            "anyOf": [
                { "const": "*" },
                node,
                { "type": "array", "items": node }
            ]
        })
    }
}
