//! The PekoNode JSON wire format, byte-compatible with Go PekoNode v1.0.8.
//!
//! One UDP datagram is one JSON object:
//!
//! ```text
//! {"Node":{"Addr":"127.0.0.1","Port":8110,"Name":"go","PrivateData":"x"},
//!  "Infected":{"127.0.0.1:8110":true,"127.0.0.1:8200":true},
//!  "Metadata":{"Data":null,"Update":0},"IsUpdate":false,"IsSwap":0,
//!  "SecretKey":"33e1b232a4e6fa0028a6670753749a17"}
//! ```
//!
//! [`JsonCodec`] encodes typed [`Packet`]s exactly as Go writes them and decodes whatever Go
//! would accept, rejecting the rest with a typed [`DecodeError`]; it never panics on input.

mod decode;
mod decode_fast;
mod encode;
mod endpoint;
pub mod sealed;

pub use decode::DecodeError;
pub use encode::encoded_len_by;
#[doc(hidden)]
pub use encode::{encoded_len_with_record, record_len_by};
pub use endpoint::Endpoint;
pub use sealed::{Key, Keyring, KeyringError, Sealed};

use crate::{Decode, Packet, RejectReason, MAX_SIZE};

/// How datagrams are written: Go PekoNode's JSON, or JSON in sealed envelopes.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum WireMode {
    /// Go PekoNode's JSON (with the md5 secret-key digest when a key is set): mixes with Go
    /// nodes; anyone on the network can forge or replay packets.
    #[default]
    Json,
    /// [`sealed`] envelopes: authenticated and encrypted under a keyring, replays refused.
    /// Only this project's nodes holding a key join; [`sealed::OVERHEAD`] more bytes each.
    Sealed,
}

impl WireMode {
    /// Bytes this mode adds to each JSON packet.
    pub fn overhead(self) -> usize {
        match self {
            WireMode::Json => 0,
            WireMode::Sealed => sealed::OVERHEAD,
        }
    }

    /// The name used in scenario files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            WireMode::Json => "json",
            WireMode::Sealed => "sealed",
        }
    }
}

/// The hex MD5 digest PekoNode sends as `SecretKey`; empty for an empty key.
///
/// It stops mistakes (two clusters on one network), not attackers: the digest is a password,
/// in clear in every packet. [`WireMode::Sealed`] is the secure mode.
///
/// ```
/// assert_eq!(pekonode_proto::wire::secret_digest("test_key"), "8c32d1183251df9828f929b935ae0419");
/// assert_eq!(pekonode_proto::wire::secret_digest(""), "");
/// ```
pub fn secret_digest(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!("{:x}", md5::compute(key.as_bytes()))
    }
}

/// Encodes and decodes PekoNode JSON packets for nodes sharing one secret key.
///
/// ```
/// use pekonode_proto::wire::JsonCodec;
/// let codec = JsonCodec::new("test_key");
/// let bytes = br#"{"Node":{"Addr":"127.0.0.1","Port":39602,"Name":"B","PrivateData":""},"Infected":{},"Metadata":{"Data":"","Update":0},"IsUpdate":false,"IsSwap":1,"SecretKey":"8c32d1183251df9828f929b935ae0419"}"#;
/// let packet = codec.decode(bytes).unwrap();
/// assert_eq!(codec.encode(&packet), bytes.to_vec());
/// assert!(JsonCodec::new("other").decode(bytes).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct JsonCodec {
    secret: String,
    limit: usize,
}

impl JsonCodec {
    /// A codec for nodes configured with `secret_key` (empty for none).
    pub fn new(secret_key: &str) -> JsonCodec {
        JsonCodec {
            secret: secret_digest(secret_key),
            limit: MAX_SIZE,
        }
    }

    /// The digest sent as `SecretKey`.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Encodes `packet` as Go PekoNode would.
    pub fn encode(&self, packet: &Packet<Endpoint>) -> Vec<u8> {
        encode::encode(packet, &self.secret)
    }

    /// Decodes one datagram.
    pub fn decode(&self, datagram: &[u8]) -> Result<Packet<Endpoint>, DecodeError> {
        decode::decode(datagram, &self.secret, self.limit)
    }

    /// The length [`encode`](JsonCodec::encode) would produce, without encoding.
    pub fn encoded_len(&self, packet: &Packet<Endpoint>) -> usize {
        // Addresses may need escaping here (they come from the network), so measure exactly.
        let escaped_addr = encode::go_string_len(packet.node.id.addr()) - 2;
        let plain_addr = packet.node.id.addr().len();
        let infected_extra: usize = packet
            .infected
            .iter()
            .map(|e| encode::go_string_len(&e.key()) - 2 - e.key().len())
            .sum();
        encoded_len_by(packet, self.secret.len(), |e| {
            e.addr().len() + 1 + digits(e.port())
        }) + (escaped_addr - plain_addr)
            + infected_extra
    }
}

fn digits(port: u16) -> usize {
    port.to_string().len()
}

impl Decode<Endpoint> for JsonCodec {
    fn decode(&self, datagram: &[u8]) -> Result<Packet<Endpoint>, RejectReason> {
        JsonCodec::decode(self, datagram).map_err(|e| match e {
            DecodeError::WrongSecret => RejectReason::WrongSecret,
            other => RejectReason::Malformed(other.to_string()),
        })
    }
}

#[cfg(test)]
mod tests;
