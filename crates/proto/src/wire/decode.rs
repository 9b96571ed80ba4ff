//! Decoding untrusted datagrams as Go's `encoding/json` would, with typed errors.
//!
//! Go matches field names case-insensitively, ignores unknown fields, zero-fills missing ones
//! and treats `null` as "leave it zero". We accept the same, and reject what Go rejects
//! (wrong types, `IsSwap` 300, numbers that are not integers) plus what would harm a node:
//! a heartbeat or update whose `Infected` is `null` or missing (Go writes into that map, and
//! panics on both), and ports outside 1..=65535. A swap with a `null` or missing `Infected` is
//! accepted, as Go accepts it: swaps never read the field.

use base64::Engine;
use serde_json::{Map, Value};

use crate::{Infected, Metadata, NodeInfo, Packet, PacketKind};

use super::endpoint::Endpoint;

/// Why a datagram is not a PekoNode packet. Decoding has no side effects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The datagram is longer than the codec accepts.
    #[error("datagram of {len} bytes exceeds the codec limit of {limit}")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON at all (or nested too deep), with serde_json's description.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The top-level JSON value is not an object.
    #[error("packet is not a JSON object")]
    NotAnObject,
    /// A field has a JSON type Go cannot decode into it.
    #[error("field {field} has the wrong type (expected {expected})")]
    WrongType {
        /// The field, as `Node.Port`.
        field: &'static str,
        /// What Go's struct holds there.
        expected: &'static str,
    },
    /// `IsSwap` is not a uint8.
    #[error("IsSwap {0} is not a uint8")]
    IsSwapOutOfRange(String),
    /// `Node.Port` is missing, zero or outside 1..=65535.
    #[error("Node.Port {0} is not a port in 1..=65535")]
    InvalidPort(String),
    /// A heartbeat or update whose `Infected` is `null` or missing: a Go node that receives it
    /// panics (it writes into a nil map), so it is never valid. Swaps may omit it.
    #[error("Infected is null or missing in a heartbeat or update")]
    NullInfected,
    /// `Metadata.Data` is not valid standard base64.
    #[error("Metadata.Data is not base64: {0}")]
    InvalidBase64(String),
    /// The secret key digest differs from ours.
    #[error("secret key mismatch")]
    WrongSecret,
}

/// Finds the field of `obj` named `name` as Go does: an exact match, else the last key equal
/// ignoring ASCII case.
fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(v) = obj.get(name) {
        return Some(v);
    }
    obj.iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .next_back()
}

fn string<'a>(v: Option<&'a Value>, name: &'static str) -> Result<&'a str, DecodeError> {
    match v {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(DecodeError::WrongType {
            field: name,
            expected: "string",
        }),
    }
}

fn boolean(v: Option<&Value>, name: &'static str) -> Result<bool, DecodeError> {
    match v {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(DecodeError::WrongType {
            field: name,
            expected: "bool",
        }),
    }
}

/// An integer as Go reads one: a JSON number written without fraction or exponent.
fn integer(v: Option<&Value>, name: &'static str) -> Result<Option<i128>, DecodeError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i128::from(i)))
            } else if let Some(u) = n.as_u64() {
                Ok(Some(i128::from(u)))
            } else {
                Err(DecodeError::WrongType {
                    field: name,
                    expected: "integer",
                })
            }
        }
        Some(_) => Err(DecodeError::WrongType {
            field: name,
            expected: "integer",
        }),
    }
}

fn object<'a>(
    v: Option<&'a Value>,
    name: &'static str,
) -> Result<Option<&'a Map<String, Value>>, DecodeError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(DecodeError::WrongType {
            field: name,
            expected: "object",
        }),
    }
}

/// Decodes one datagram. `secret` is the expected digest (`""` when no key is configured).
pub(crate) fn decode(
    datagram: &[u8],
    secret: &str,
    limit: usize,
) -> Result<Packet<Endpoint>, DecodeError> {
    if datagram.len() > limit {
        return Err(DecodeError::TooLong {
            len: datagram.len(),
            limit,
        });
    }
    // Go's own datagrams, the common case, the fast way; anything else, the general one.
    if let Some(packet) = super::decode_fast::decode(datagram, secret) {
        return Ok(packet);
    }
    decode_general(datagram, secret)
}

/// Decodes one datagram through a JSON tree: every rule above, every error.
pub(super) fn decode_general(
    datagram: &[u8],
    secret: &str,
) -> Result<Packet<Endpoint>, DecodeError> {
    let value: Value =
        serde_json::from_slice(datagram).map_err(|e| DecodeError::Json(e.to_string()))?;
    let obj = match &value {
        Value::Object(o) => o,
        _ => return Err(DecodeError::NotAnObject),
    };
    // Go compares the key before anything else: a stranger's packet is dropped as such.
    if string(field(obj, "SecretKey"), "SecretKey")? != secret {
        return Err(DecodeError::WrongSecret);
    }
    let is_update = boolean(field(obj, "IsUpdate"), "IsUpdate")?;
    let is_swap = match integer(field(obj, "IsSwap"), "IsSwap")? {
        None => 0,
        Some(v) => u8::try_from(v).map_err(|_| DecodeError::IsSwapOutOfRange(v.to_string()))?,
    };
    let kind = match (is_swap, is_update) {
        (0, false) => PacketKind::Heartbeat,
        (0, true) => PacketKind::Update,
        (1, _) => PacketKind::SwapRequest,
        // Go treats every other non-zero IsSwap as a swap it does not answer: a reply.
        _ => PacketKind::SwapReply,
    };
    let node = object(field(obj, "Node"), "Node")?;
    let get = |name| node.and_then(|n| field(n, name));
    let addr = string(get("Addr"), "Node.Addr")?;
    let port = match integer(get("Port"), "Node.Port")? {
        Some(p) if (1..=65_535).contains(&p) => p as u16,
        Some(p) => return Err(DecodeError::InvalidPort(p.to_string())),
        None => return Err(DecodeError::InvalidPort("missing".into())),
    };
    let name = string(get("Name"), "Node.Name")?;
    let private_data = string(get("PrivateData"), "Node.PrivateData")?;

    let infected = object(field(obj, "Infected"), "Infected")?;
    if infected.is_none() && !kind.is_swap() {
        return Err(DecodeError::NullInfected);
    }
    let mut set = Vec::new();
    for (key, v) in infected.into_iter().flatten() {
        // A key marked false, or one that names no address, is one Go never matches.
        if boolean(Some(v), "Infected value")? {
            if let Some(e) = Endpoint::parse_key(key) {
                set.push(e);
            }
        }
    }

    let meta = object(field(obj, "Metadata"), "Metadata")?;
    let mget = |name| meta.and_then(|m| field(m, name));
    let data = match mget("Data") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| DecodeError::InvalidBase64(e.to_string()))?,
        ),
        Some(_) => {
            return Err(DecodeError::WrongType {
                field: "Metadata.Data",
                expected: "base64 string",
            })
        }
    };
    let version = match integer(mget("Update"), "Metadata.Update")? {
        None => 0,
        Some(v) => i64::try_from(v).map_err(|_| DecodeError::WrongType {
            field: "Metadata.Update",
            expected: "int64",
        })?,
    };

    Ok(Packet {
        kind,
        node: NodeInfo::new(Endpoint::new(addr, port), name).with_private_data(private_data),
        infected: set.into_iter().collect::<Infected<_>>(),
        metadata: Metadata::from_parts(data.as_deref(), version),
        lineage: None,
    })
}
