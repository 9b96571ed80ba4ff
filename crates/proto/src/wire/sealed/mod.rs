//! The sealed envelope: authenticated, encrypted datagrams for clusters of this project's
//! nodes (Go PekoNode nodes cannot read it).
//!
//! Every datagram is the PekoNode JSON packet (with an empty `SecretKey`) sealed with
//! XChaCha20-Poly1305 under the keyring's primary key, for one receiver:
//!
//! ```text
//! offset  size  field (big-endian)           role
//!      0     1  magic 0xF0                   never the first byte of a JSON datagram
//!      1     1  envelope version (2)         so the format can evolve; 1 is refused
//!      2     4  key hint                     which installed key to try (ids::key_hint)
//!      6     8  receiver tag                 who it is sealed for (ids::receiver_tag)
//!     14     8  sender incarnation           random per sender start
//!     22     8  sender counter               1, 2, 3, ... per incarnation
//!     30     8  sender wall clock, Unix ms   bounded skew window at the receiver
//!     38     n  ciphertext of the JSON packet
//!   38+n    16  Poly1305 tag
//! ```
//!
//! The 38-byte header is authenticated (associated data); the 24-byte nonce is the incarnation
//! and counter followed by eight zero bytes, so it never repeats while incarnations do not.
//! No key travels: the hint is 32 bits of a one-way hash of the sealing key, and the receiver
//! tag 64 bits of one of the receiver's endpoint. A receiver checks, cheapest first:
//!
//! 1. the envelope and its version;
//! 2. the receiver tag is one of its own ([`Sealed::for_receivers`]): a datagram captured on
//!    its way to C and replayed to B is refused, unopened;
//! 3. the timestamp is within [`DEFAULT_SKEW`] of its clock, and not before the receiver
//!    started ([`Sealed::not_before`]): what was captured before a restart stays refused;
//! 4. the counter is not already in the sender's sliding window (a replay costs no decryption);
//! 5. some installed key whose hint matches opens it: forged envelopes cost one decryption at
//!    most whatever the keyring's size, none when their hint matches no key;
//! 6. then the counter is marked seen.
//!
//! Each hop seals anew, so a heartbeat forwarded by two nodes is two distinct datagrams.

mod ids;
mod keyring;
mod replay;

use std::time::Duration;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};

pub use ids::{key_hint, receiver_tag, HINT_LEN, RECEIVER_LEN};
pub use keyring::{Key, Keyring, KeyringError, KEY_LEN, MAX_KEYS};
pub use replay::{MAX_SENDERS, WINDOW};

use super::{Endpoint, JsonCodec};
use crate::{Packet, RejectReason};

/// First byte of every sealed datagram.
pub const MAGIC: u8 = 0xF0;
/// The envelope version this code writes and reads (1 had no receiver and no key hint).
pub const VERSION: u8 = 2;
/// Header bytes before the ciphertext.
pub const HEADER_LEN: usize = 38;
/// Bytes a sealed datagram adds to the JSON packet it carries: header and tag.
pub const OVERHEAD: usize = HEADER_LEN + 16;
/// How far a sender's clock may be from the receiver's before its datagrams are stale.
pub const DEFAULT_SKEW: Duration = Duration::from_secs(30);

/// A sealing and opening codec for one node: JSON packets in sealed envelopes.
///
/// It is sans-IO: the caller passes its wall clock (Unix ms) to every call, and the
/// incarnation, a number drawn at start from a cryptographic random source that must never
/// repeat under one key (the UDP runtime draws it from the OS).
///
/// ```
/// use pekonode_proto::wire::{Endpoint, Key, Keyring, Sealed};
/// use pekonode_proto::{Infected, Metadata, NodeInfo, Packet, PacketKind, RejectReason};
///
/// let ring = Keyring::new(Key::from_bytes([7; 32]));
/// let me = Endpoint::new("127.0.0.1", 8000);
/// let you = Endpoint::new("127.0.0.1", 8001);
/// let mut a = Sealed::new(ring.clone(), 0x1111);
/// let mut b = Sealed::new(ring.clone(), 0x2222).for_receivers(&[you.clone()]);
/// let mut c = Sealed::new(ring, 0x3333).for_receivers(&[Endpoint::new("127.0.0.1", 8002)]);
/// let packet = Packet {
///     kind: PacketKind::Heartbeat,
///     node: NodeInfo::new(me.clone(), "A"),
///     infected: Infected::of(me),
///     metadata: Metadata::default(),
///     lineage: None,
/// };
/// let now_ms = 1_800_000_000_000;
/// let datagram = a.encode(&packet, &you, now_ms);
/// assert_eq!(datagram.len(), a.encoded_len(&packet));
/// assert_eq!(b.decode(&datagram, now_ms).unwrap().node.name(), "A");
/// assert_eq!(b.decode(&datagram, now_ms).unwrap_err(), RejectReason::Replayed);
/// // Sealed for B: C refuses it unopened.
/// assert_eq!(c.decode(&datagram, now_ms).unwrap_err(), RejectReason::OtherReceiver);
/// ```
#[derive(Debug)]
pub struct Sealed {
    keyring: Keyring,
    /// The hint of each installed key, in the keyring's order.
    hints: Vec<[u8; HINT_LEN]>,
    /// The tags this node accepts as its own; empty: any (a codec told no names).
    receivers: Vec<[u8; RECEIVER_LEN]>,
    /// Datagrams stamped before this (Unix ms) are refused: the receiver's start.
    not_before_ms: u64,
    json: JsonCodec,
    incarnation: u64,
    counter: u64,
    skew_ms: u64,
    windows: replay::Windows,
}

impl Sealed {
    /// A codec sealing under `keyring`'s primary, as sender `incarnation`.
    ///
    /// It accepts datagrams sealed for any receiver until told its own endpoints with
    /// [`for_receivers`](Sealed::for_receivers), and any timestamp in the skew window until
    /// told when it started with [`not_before`](Sealed::not_before): a node on a network does
    /// both (the UDP runtime does).
    pub fn new(keyring: Keyring, incarnation: u64) -> Sealed {
        Sealed {
            hints: keyring.keys().iter().map(key_hint).collect(),
            receivers: Vec::new(),
            not_before_ms: 0,
            keyring,
            json: JsonCodec::new(""),
            incarnation,
            counter: 0,
            skew_ms: millis(DEFAULT_SKEW),
            windows: replay::Windows::default(),
        }
    }

    /// The same codec with another clock-skew window.
    pub fn with_skew(mut self, skew: Duration) -> Sealed {
        self.skew_ms = millis(skew);
        self
    }

    /// The same codec accepting only datagrams sealed for one of `endpoints` (this node's
    /// announced endpoint and the other spellings it is reached by).
    pub fn for_receivers(mut self, endpoints: &[Endpoint]) -> Sealed {
        self.receivers = endpoints.iter().map(receiver_tag).collect();
        self
    }

    /// The same codec refusing datagrams stamped before `start_ms` (Unix ms): give it the
    /// receiver's start, so that datagrams captured before a restart are not accepted again
    /// by a node whose replay windows are new. Honest senders whose clocks lag the receiver's
    /// by `d` are refused for `d` after the start.
    pub fn not_before(mut self, start_ms: u64) -> Sealed {
        self.not_before_ms = start_ms;
        self
    }

    /// The keyring.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// Replaces the keyring (a rotation step); the replay windows are kept.
    pub fn set_keyring(&mut self, keyring: Keyring) {
        self.hints = keyring.keys().iter().map(key_hint).collect();
        self.keyring = keyring;
    }

    /// The sealed datagram of `packet` for receiver `to`, stamped `now_ms` (the sender's
    /// Unix ms).
    pub fn encode(&mut self, packet: &Packet<Endpoint>, to: &Endpoint, now_ms: u64) -> Vec<u8> {
        self.seal(&self.json.encode(packet), to, now_ms)
    }

    /// The length [`encode`](Sealed::encode) produces.
    pub fn encoded_len(&self, packet: &Packet<Endpoint>) -> usize {
        self.json.encoded_len(packet) + OVERHEAD
    }

    /// Seals `body` for receiver `to`, stamped `now_ms`.
    pub fn seal(&mut self, body: &[u8], to: &Endpoint, now_ms: u64) -> Vec<u8> {
        // 2^64 datagrams are never sent; saturating keeps the nonce unique until then.
        self.counter = self.counter.saturating_add(1);
        let mut out = Vec::with_capacity(OVERHEAD + body.len());
        out.push(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.hints[0]);
        out.extend_from_slice(&receiver_tag(to));
        out.extend_from_slice(&self.incarnation.to_be_bytes());
        out.extend_from_slice(&self.counter.to_be_bytes());
        out.extend_from_slice(&now_ms.to_be_bytes());
        out.extend_from_slice(body);
        let cipher = XChaCha20Poly1305::new(self.keyring.primary().bytes().into());
        let (header, payload) = out.split_at_mut(HEADER_LEN);
        let tag = cipher
            .encrypt_in_place_detached(&nonce(header), header, payload)
            // Encryption fails only past 256 GiB per message; a datagram is at most 64 KiB.
            .unwrap_or_default();
        out.extend_from_slice(&tag);
        out
    }

    /// Opens and decodes one datagram received at `now_ms` (the receiver's Unix ms).
    pub fn decode(
        &mut self,
        datagram: &[u8],
        now_ms: u64,
    ) -> Result<Packet<Endpoint>, RejectReason> {
        let body = self.open(datagram, now_ms)?;
        crate::Decode::decode(&self.json, &body)
    }

    /// Opens one datagram: the checks of the module docs, cheapest first. Returns the JSON
    /// packet.
    pub fn open(&mut self, datagram: &[u8], now_ms: u64) -> Result<Vec<u8>, RejectReason> {
        if datagram.len() < OVERHEAD {
            return Err(RejectReason::Envelope("shorter than a sealed envelope"));
        }
        if datagram[0] != MAGIC {
            return Err(RejectReason::Envelope(
                "no envelope (a plain JSON packet? this node only takes sealed ones)",
            ));
        }
        match datagram[1] {
            VERSION => {}
            v if v < VERSION => {
                return Err(RejectReason::Envelope(
                    "envelope version 1, which binds no receiver (a node of an older \
                     pekonode: upgrade it)",
                ))
            }
            _ => {
                return Err(RejectReason::Envelope(
                    "an envelope version newer than this node reads (upgrade this node)",
                ))
            }
        }
        let (header, rest) = datagram.split_at(HEADER_LEN);
        let field = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&header[at..at + 8]);
            u64::from_be_bytes(b)
        };
        let receiver = &header[6..6 + RECEIVER_LEN];
        if !self.receivers.is_empty() && !self.receivers.iter().any(|r| r[..] == *receiver) {
            return Err(RejectReason::OtherReceiver);
        }
        let (incarnation, counter, sent_ms) = (field(14), field(22), field(30));
        let skew = i128::from(sent_ms) - i128::from(now_ms);
        if skew.unsigned_abs() > u128::from(self.skew_ms) {
            let skew_ms = i64::try_from(skew).unwrap_or(if skew < 0 { i64::MIN } else { i64::MAX });
            return Err(RejectReason::Stale { skew_ms });
        }
        if sent_ms < self.not_before_ms {
            return Err(RejectReason::BeforeStart {
                early_ms: self.not_before_ms - sent_ms,
            });
        }
        if self.windows.seen(incarnation, counter) {
            return Err(RejectReason::Replayed);
        }
        let (ciphertext, tag) = rest.split_at(rest.len() - 16);
        let tag = Tag::from_slice(tag);
        let nonce = nonce(header);
        let hint = &header[2..2 + HINT_LEN];
        let mut body = ciphertext.to_vec();
        let opened = self
            .keyring
            .keys()
            .iter()
            .zip(&self.hints)
            .filter(|(_, h)| h[..] == *hint)
            .any(|(key, _)| {
                let cipher = XChaCha20Poly1305::new(key.bytes().into());
                // A failed attempt leaves `body` untouched (the tag is checked first).
                cipher
                    .decrypt_in_place_detached(&nonce, header, &mut body, tag)
                    .is_ok()
            });
        if !opened {
            return Err(RejectReason::Unauthentic);
        }
        if !self.windows.accept(incarnation, counter, now_ms) {
            return Err(RejectReason::Replayed);
        }
        Ok(body)
    }
}

/// The nonce of a header: incarnation and counter, then zeros.
fn nonce(header: &[u8]) -> XNonce {
    let mut n = [0u8; 24];
    n[..16].copy_from_slice(&header[14..30]);
    n.into()
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
