//! The fast way to decode: Go's own shape (exact field names, each at most once, every
//! `Infected` value `true`, a valid port, a secret that matches) read straight into typed
//! fields, without building a JSON tree first (the tree, its ordered maps and their hashing
//! were most of a received datagram's CPU on real sockets: docs/performance.md).
//!
//! Anything else (other letter case, unknown or repeated fields, `false` or `null` in
//! `Infected`, wrong types, a stranger's key) gives `None` and goes the general way
//! ([`super::decode`]), which alone decides errors. So both ways give the same packet for
//! every datagram this one accepts (tested below on Go's datagrams and on mutations of them).

use std::borrow::Cow;
use std::fmt;

use base64::Engine;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::{Infected, Metadata, NodeInfo, Packet, PacketKind};

use super::endpoint::Endpoint;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire<'a> {
    #[serde(rename = "Node", borrow)]
    node: Option<WireNode<'a>>,
    #[serde(rename = "Infected")]
    infected: Option<TrueKeys>,
    #[serde(rename = "Metadata", borrow)]
    metadata: Option<WireMetadata<'a>>,
    #[serde(rename = "IsUpdate")]
    is_update: Option<bool>,
    #[serde(rename = "IsSwap")]
    is_swap: Option<i64>,
    #[serde(rename = "SecretKey", borrow)]
    secret_key: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireNode<'a> {
    #[serde(rename = "Addr", borrow)]
    addr: Option<Cow<'a, str>>,
    #[serde(rename = "Port")]
    port: Option<i64>,
    #[serde(rename = "Name", borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(rename = "PrivateData", borrow)]
    private_data: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireMetadata<'a> {
    #[serde(rename = "Data", borrow)]
    data: Option<Cow<'a, str>>,
    #[serde(rename = "Update")]
    update: Option<i64>,
}

/// The endpoints named by an `Infected` object whose values are all `true` (an error
/// otherwise, which sends the datagram the general way).
struct TrueKeys(Vec<Endpoint>);

impl<'de> Deserialize<'de> for TrueKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TrueKeys, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TrueKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of true values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TrueKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, value)) = map.next_entry::<Cow<'de, str>, bool>()? {
                    if !value {
                        return Err(serde::de::Error::custom("false in Infected"));
                    }
                    // A key that names no address is one Go never matches (as the general way).
                    keys.extend(Endpoint::parse_key(&key));
                }
                Ok(TrueKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// The packet of `datagram` if it has Go's own shape and `secret`; `None` otherwise.
pub(super) fn decode(datagram: &[u8], secret: &str) -> Option<Packet<Endpoint>> {
    let wire: Wire = serde_json::from_slice(datagram).ok()?;
    if wire.secret_key.as_deref().unwrap_or("") != secret {
        return None;
    }
    let kind = match (
        u8::try_from(wire.is_swap.unwrap_or(0)).ok()?,
        wire.is_update,
    ) {
        (0, Some(true)) => PacketKind::Update,
        (0, _) => PacketKind::Heartbeat,
        (1, _) => PacketKind::SwapRequest,
        _ => PacketKind::SwapReply,
    };
    let node = wire.node?;
    let port = u16::try_from(node.port?).ok().filter(|p| *p != 0)?;
    let infected = wire.infected?.0;
    let (data, version) = match wire.metadata {
        None => (None, 0),
        Some(m) => {
            let data = match m.data {
                None => None,
                Some(text) => Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(text.as_bytes())
                        .ok()?,
                ),
            };
            (data, m.update.unwrap_or(0))
        }
    };
    let text = |s: &Option<Cow<str>>| s.as_deref().unwrap_or("").to_owned();
    Some(Packet {
        kind,
        node: NodeInfo::new(Endpoint::new(&text(&node.addr), port), &text(&node.name))
            .with_private_data(&text(&node.private_data)),
        infected: infected.into_iter().collect::<Infected<_>>(),
        metadata: Metadata::from_parts(data.as_deref(), version),
        lineage: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::decode::decode_general;
    use super::*;

    /// Go's datagrams and mutations of them: the fast way either declines or agrees.
    #[test]
    fn the_fast_way_agrees_with_the_general_one_or_declines() {
        let go = [
            r#"{"Node":{"Addr":"127.0.0.1","Port":8000,"Name":"A","PrivateData":""},"Infected":{"127.0.0.1:8000":true},"Metadata":{"Data":null,"Update":0},"IsUpdate":false,"IsSwap":0,"SecretKey":""}"#,
            r#"{"Node":{"Addr":"127.0.0.1","Port":8001,"Name":"B\n\u001b","PrivateData":"x"},"Infected":{"127.0.0.1:8000":true,"127.0.0.1:8001":true,"bad":true},"Metadata":{"Data":"aGVsbG8=","Update":1700000000000000000},"IsUpdate":true,"IsSwap":0,"SecretKey":""}"#,
            r#"{"Node":{"Addr":"::1","Port":9,"Name":"S"},"Infected":{},"Metadata":null,"IsSwap":2}"#,
            r#"{"Node":{"Addr":"h","Port":5},"Infected":{"h:5":true},"IsSwap":1}"#,
        ];
        let mutations = [
            ("\"Port\":8000", "\"Port\":0"),
            ("\"Port\":8000", "\"Port\":70000"),
            ("\"Port\":8000", "\"Port\":8000.0"),
            ("\"Node\"", "\"node\""),
            ("\"IsSwap\":0", "\"IsSwap\":300"),
            ("\"IsSwap\":0", "\"IsSwap\":0,\"IsSwap\":1"),
            ("\"Infected\":{", "\"Infected\":{\"x:1\":false,"),
            ("\"Infected\":{", "\"Infected\":{\"x:1\":null,"),
            (
                "\"127.0.0.1:8000\":true",
                "\"127.0.0.1:8000\":true,\"127.0.0.1:8000\":false",
            ),
            (
                "\"Infected\":{\"127.0.0.1:8000\":true}",
                "\"Infected\":null",
            ),
            ("\"Data\":\"aGVsbG8=\"", "\"Data\":\"%%%\""),
            ("\"SecretKey\":\"\"", "\"SecretKey\":\"other\""),
            ("\"SecretKey\":\"\"", "\"SecretKey\":\"\",\"Extra\":1"),
            ("\"Update\":0", "\"Update\":18446744073709551615"),
            ("\"Name\":\"A\"", "\"Name\":\"\\ud800\""),
            ("}", "} "),
            ("}", "}x"),
        ];
        let mut datagrams: Vec<String> = go.iter().map(|s| s.to_string()).collect();
        for g in go {
            for (from, to) in mutations {
                if g.contains(from) {
                    datagrams.push(g.replacen(from, to, 1));
                }
            }
            for cut in 0..g.len() {
                datagrams.push(g[..cut].to_string());
            }
        }
        let mut fast_ones = 0;
        for d in &datagrams {
            let general = decode_general(d.as_bytes(), "");
            if let Some(fast) = decode(d.as_bytes(), "") {
                fast_ones += 1;
                assert_eq!(Ok(&fast), general.as_ref(), "{d}");
                assert_eq!(fast.node, general.as_ref().unwrap().node, "{d}");
            }
        }
        assert!(fast_ones >= go.len(), "{fast_ones}");
    }
}
