//! The runtime's wire mode: Go PekoNode's JSON, or JSON in sealed envelopes.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use pekonode_proto::wire::{Endpoint, JsonCodec, Keyring, Sealed};
use pekonode_proto::{Node, Packet, Time};

use super::error::UdpError;
use super::lock::lock;

/// How a node's datagrams are written and read.
pub(crate) enum Codec {
    /// Go PekoNode's JSON, with the md5 of the secret key (a mistake guard, not security).
    Json(JsonCodec),
    /// Sealed envelopes under a keyring (authenticated; Go nodes cannot read them).
    Sealed(Mutex<Sealed>),
}

impl Codec {
    /// The codec of `secret_key` or `keyring` (not both: the digest is no use sealed). A
    /// sealed codec opens only datagrams sealed for one of `receivers` (this node's
    /// endpoints) and sealed after now (its start).
    pub(crate) fn new(
        secret_key: &str,
        keyring: Option<&Keyring>,
        receivers: &[Endpoint],
    ) -> Result<Codec, UdpError> {
        match keyring {
            None => Ok(Codec::Json(JsonCodec::new(secret_key))),
            Some(_) if !secret_key.is_empty() => Err(UdpError::KeyAndKeyring),
            Some(ring) => {
                // The nonce is the incarnation and a counter: a fresh random incarnation per
                // start keeps nonces unique under a key across restarts.
                let incarnation = getrandom::u64().map_err(|e| {
                    UdpError::Io(std::io::Error::other(format!("no OS randomness: {e}")))
                })?;
                let sealed = Sealed::new(ring.clone(), incarnation)
                    .for_receivers(receivers)
                    .not_before(wall_millis());
                Ok(Codec::Sealed(Mutex::new(sealed)))
            }
        }
    }

    /// The datagram of `packet` for `to` (JSON datagrams are the same for every receiver).
    pub(crate) fn encode(&self, packet: &Packet<Endpoint>, to: &Endpoint) -> Vec<u8> {
        match self {
            Codec::Json(c) => c.encode(packet),
            Codec::Sealed(s) => lock(s).encode(packet, to, wall_millis()),
        }
    }

    /// The length of [`encode`](Codec::encode)'s datagram.
    pub(crate) fn encoded_len(&self, packet: &Packet<Endpoint>) -> usize {
        match self {
            Codec::Json(c) => c.encoded_len(packet),
            Codec::Sealed(s) => lock(s).encoded_len(packet),
        }
    }

    /// Hands one received datagram to `node`.
    pub(crate) fn deliver(&self, node: &mut Node<Endpoint>, now: Time, datagram: &[u8]) {
        match self {
            Codec::Json(c) => node.handle_datagram(now, datagram, c),
            Codec::Sealed(s) => {
                let mut sealed = lock(s);
                node.handle_datagram_with(now, datagram, |d| sealed.decode(d, wall_millis()))
            }
        }
    }

    /// Replaces the keyring of a sealed codec; false for a JSON one.
    pub(crate) fn set_keyring(&self, keyring: Keyring) -> bool {
        match self {
            Codec::Json(_) => false,
            Codec::Sealed(s) => {
                lock(s).set_keyring(keyring);
                true
            }
        }
    }
}

/// The system clock in Unix ms (the envelope's timestamp and skew window).
fn wall_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
