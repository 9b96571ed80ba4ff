//! The run and protocol types that scenario files write directly ([`Forwarding`],
//! [`Bootstrap`], [`Limits`]): their file-format defaults and their JSON Schemas.
//!
//! Those types live in crates that do not know JSON Schema, so each gets a marker type here
//! whose only job is to describe it (`#[schemars(with = "...")]` on the fields that hold it).
//! Values that the types define (default limits, forwarding names) are read from them, not
//! written again.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::protocol::Forwarding;
use crate::run::{Bootstrap, Limits};
use crate::wire::WireMode;

/// The forwarding rule a scenario gets when it names none: Go PekoNode's.
pub(super) fn default_forwarding() -> Forwarding {
    Forwarding::Faithful
}

/// The bootstrap of generated nodes when the file names none: everyone knows `n0`.
pub(super) fn default_bootstrap() -> Bootstrap {
    Bootstrap::Seed
}

/// Describes [`Forwarding`] (`"faithful"` or `"first-copy"`).
pub(super) struct ForwardingSchema;

impl JsonSchema for ForwardingSchema {
    fn schema_name() -> Cow<'static, str> {
        "Forwarding".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Which forwarding rule the nodes use.",
            "oneOf": [
                {
                    "description": "Go PekoNode's rule: every copy of a heartbeat is forwarded (cost exponential in cluster\nsize with full views).",
                    "type": "string",
                    "const": Forwarding::Faithful.as_str()
                },
                {
                    "description": "Our fix: forward a heartbeat of an origin at most once per half cycle, an update only if\nadopted.",
                    "type": "string",
                    "const": Forwarding::FirstCopy.as_str()
                }
            ]
        })
    }
}

/// Describes [`WireMode`] (`"json"` or `"sealed"`).
pub(super) struct WireSchema;

impl JsonSchema for WireSchema {
    fn schema_name() -> Cow<'static, str> {
        "WireMode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "How datagrams are written.",
            "oneOf": [
                {
                    "description": "Go PekoNode's JSON: mixes with Go nodes; anyone on the network can forge packets.",
                    "type": "string",
                    "const": WireMode::Json.as_str()
                },
                {
                    "description": "Sealed envelopes (authenticated, encrypted, replays refused): this project's nodes only, 54 bytes more per datagram.",
                    "type": "string",
                    "const": WireMode::Sealed.as_str()
                }
            ]
        })
    }
}

/// Describes [`Bootstrap`] (`"seed"`, `{"random": {"k": 3}}` or `"all"`).
pub(super) struct BootstrapSchema;

impl JsonSchema for BootstrapSchema {
    fn schema_name() -> Cow<'static, str> {
        "Bootstrap".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Whom each generated node knows when it starts.",
            "oneOf": [
                {
                    "description": "Every node knows node `n0` (which knows nobody): `\"seed\"`.",
                    "type": "string",
                    "const": "seed"
                },
                {
                    "description": "Each node knows `k` distinct earlier nodes picked at random by the simulator from the\nscenario seed (all earlier ones when fewer than `k` exist; `n0` knows nobody):\n`{\"random\": {\"k\": 3}}`.",
                    "type": "object",
                    "properties": {
                        "random": {
                            "type": "object",
                            "properties": {
                                "k": {
                                    "description": "How many earlier nodes each node knows: 1 to the node count − 1.",
                                    "type": "integer",
                                    "format": "uint32",
                                    "minimum": 0
                                }
                            },
                            "additionalProperties": false,
                            "required": ["k"]
                        }
                    },
                    "required": ["random"],
                    "additionalProperties": false
                },
                {
                    "description": "Every node knows every other node from the start (a full view): `\"all\"`.",
                    "type": "string",
                    "const": "all"
                }
            ]
        })
    }
}

/// Describes [`Limits`], with its defaults.
pub(super) struct LimitsSchema;

impl JsonSchema for LimitsSchema {
    fn schema_name() -> Cow<'static, str> {
        "Limits".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let default = Limits::default();
        json_schema!({
            "description": "The explosion guard (docs/metrics.md).",
            "type": "object",
            "properties": {
                "max_in_flight": {
                    "description": format!(
                        "Most packets in flight at once. Default {}.",
                        grouped(default.max_in_flight)
                    ),
                    "type": "integer",
                    "format": "uint64",
                    "minimum": 0,
                    "default": default.max_in_flight
                },
                "max_packets_per_cycle": {
                    "description": format!(
                        "Most packets sent during one cycle (all nodes together). Default {}.",
                        grouped(default.max_packets_per_cycle)
                    ),
                    "type": "integer",
                    "format": "uint64",
                    "minimum": 0,
                    "default": default.max_packets_per_cycle
                },
                "max_memory_mb": {
                    "description": format!(
                        "Largest estimated peak memory, in MiB, a run may have (validation \
                         refuses a file above it and prints the estimate). Default {}.",
                        grouped(default.max_memory_mb)
                    ),
                    "type": "integer",
                    "format": "uint64",
                    "minimum": 0,
                    "default": default.max_memory_mb
                }
            },
            "additionalProperties": false
        })
    }
}

/// `2000000` as `2 000 000`.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(2_000_000), "2 000 000");
        assert_eq!(grouped(12_345), "12 345");
        assert_eq!(grouped(999), "999");
    }
}
