//! Typed protocol messages: what one UDP datagram carries, before any encoding.
//!
//! ```text
//!  A ->[Heartbeat(origin A, infected {A,B,C,D})] B, C, D     A picks B, C, D
//!  B ->[Heartbeat(origin A, infected {A,B,C,D,E,F,G})] E,F,G  B adds its picks and forwards
//!  A ->[SwapRequest(A's metadata)] B                         anti-entropy, once per cycle
//!  B ->[SwapReply(B's newer metadata)] A                     only if A's version was older
//! ```

use super::member::{Metadata, NodeInfo};

/// What a packet is for (Go's `IsUpdate` and `IsSwap` fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PacketKind {
    /// A liveness heartbeat (`IsSwap` 0, `IsUpdate` false).
    Heartbeat,
    /// A heartbeat that carries newly published metadata (`IsSwap` 0, `IsUpdate` true).
    Update,
    /// Anti-entropy request carrying the sender's metadata (`IsSwap` 1).
    SwapRequest,
    /// Anti-entropy reply carrying newer metadata (`IsSwap` 2).
    SwapReply,
}

impl PacketKind {
    /// Whether this is a swap (request or reply): swaps never refresh liveness nor travel on.
    pub fn is_swap(self) -> bool {
        matches!(self, PacketKind::SwapRequest | PacketKind::SwapReply)
    }
}

/// The set of nodes a packet has already been sent to (Go's `Infected` map), kept sorted.
///
/// Forwarders add their picks before sending, so every target receives the enlarged set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Infected<Id>(Vec<Id>);

impl<Id> Infected<Id> {
    /// An empty set.
    pub fn new() -> Infected<Id> {
        Infected(Vec::new())
    }

    /// Number of nodes in the set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members, in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, Id> {
        self.0.iter()
    }
}

impl<Id: Ord> Infected<Id> {
    /// A set holding only `id`.
    pub fn of(id: Id) -> Infected<Id> {
        Infected(vec![id])
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: &Id) -> bool {
        self.0.binary_search(id).is_ok()
    }

    /// Makes room for `more` members without reallocating.
    pub fn reserve(&mut self, more: usize) {
        self.0.reserve_exact(more);
    }

    /// Adds `id`; returns false if it was already there.
    pub fn insert(&mut self, id: Id) -> bool {
        match self.0.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, id);
                true
            }
        }
    }
}

impl<Id: Ord> FromIterator<Id> for Infected<Id> {
    fn from_iter<I: IntoIterator<Item = Id>>(iter: I) -> Self {
        let mut v: Vec<Id> = iter.into_iter().collect();
        v.sort();
        v.dedup();
        Infected(v)
    }
}

/// One protocol message (Go's `packet` struct, minus the secret key, which is the codec's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet<Id> {
    /// What the packet is for.
    pub kind: PacketKind,
    /// The origin of a heartbeat or update (forwarders never rewrite it); the sender of a swap.
    pub node: NodeInfo<Id>,
    /// Nodes already sent this packet. Empty for swaps.
    pub infected: Infected<Id>,
    /// Metadata: the new value in an update, the sender's in a swap, unset (nil, 0) in a heartbeat.
    pub metadata: Metadata,
}

/// A packet the driver must send to `to` (PekoNode's `Node.Addr:Node.Port`, never the source
/// address of the datagram that caused it).
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit<Id> {
    /// The destination node.
    pub to: Id,
    /// The message.
    pub packet: Packet<Id>,
}
