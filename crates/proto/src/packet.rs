//! Typed protocol messages: what one UDP datagram carries, before any encoding.
//!
//! ```text
//!  A ->[Heartbeat(origin A, infected {A,B,C,D})] B, C, D     A picks B, C, D
//!  B ->[Heartbeat(origin A, infected {A,B,C,D,E,F,G})] E,F,G  B adds its picks and forwards
//!  A ->[SwapRequest(A's metadata)] B                         anti-entropy, once per cycle
//!  B ->[SwapReply(B's newer metadata)] A                     only if A's version was older
//! ```

use std::sync::Arc;

use super::member::{Metadata, NodeInfo, ARC_COUNTS};
use super::slot::Slot;

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
/// Forwarders add their picks before sending, so every target receives the enlarged set. The
/// copies of one broadcast carry the very same set, so it is shared: cloning a packet costs a
/// reference count, not an allocation and a copy per target.
#[derive(Clone, Debug, Default)]
pub struct Infected<Id>(Option<Arc<[Id]>>);

impl<Id> Infected<Id> {
    /// An empty set.
    pub fn new() -> Infected<Id> {
        Infected(None)
    }

    /// Number of nodes in the set.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The members, in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, Id> {
        self.as_slice().iter()
    }

    /// The members, in ascending order.
    pub fn as_slice(&self) -> &[Id] {
        self.0.as_deref().unwrap_or(&[])
    }
}

impl<Id: Ord + Clone> Infected<Id> {
    /// The set made of `members`, which must be sorted ascending without repeats.
    pub(crate) fn from_sorted(members: &[Id]) -> Infected<Id> {
        debug_assert!(members.windows(2).all(|w| w[0] < w[1]));
        if members.is_empty() {
            Infected(None)
        } else {
            Infected(Some(Arc::from(members)))
        }
    }

    /// A set holding only `id`.
    pub fn of(id: Id) -> Infected<Id> {
        Infected(Some(Arc::from([id])))
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: &Id) -> bool {
        self.as_slice().binary_search(id).is_ok()
    }

    /// Adds `id`; returns false if it was already there.
    ///
    /// The set is shared between the copies of a packet, so this rebuilds it: to build a large
    /// set, collect an iterator instead.
    pub fn insert(&mut self, id: Id) -> bool {
        let members = self.as_slice();
        match members.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                let mut grown = Vec::with_capacity(members.len() + 1);
                grown.extend_from_slice(&members[..at]);
                grown.push(id);
                grown.extend_from_slice(&members[at..]);
                *self = Infected::from_sorted(&grown);
                true
            }
        }
    }
}

impl<Id: Ord + Clone> Infected<Id> {
    /// This set with `extra` added (sorted ascending, disjoint from the set): one allocation,
    /// written in place.
    pub(crate) fn with(&self, extra: &[Id]) -> Infected<Id> {
        let members = self.as_slice();
        if extra.is_empty() {
            return self.clone();
        }
        let (mut i, mut j) = (0, 0);
        // A mapped range has a known length, so the shared slice is allocated once at its
        // size and filled by the merge (no buffer in between, no copy of it).
        let set: Arc<[Id]> = (0..members.len() + extra.len())
            .map(|_| {
                if j < extra.len() && (i == members.len() || extra[j] < members[i]) {
                    j += 1;
                    extra[j - 1].clone()
                } else {
                    i += 1;
                    members[i - 1].clone()
                }
            })
            .collect();
        Infected(Some(set))
    }
}

impl<Id: PartialEq> PartialEq for Infected<Id> {
    fn eq(&self, other: &Infected<Id>) -> bool {
        match (&self.0, &other.0) {
            // Copies of one broadcast share their set: equal without a comparison.
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.as_slice() == other.as_slice(),
        }
    }
}

impl<Id: Eq> Eq for Infected<Id> {}

impl<Id: Ord + Clone> FromIterator<Id> for Infected<Id> {
    fn from_iter<I: IntoIterator<Item = Id>>(iter: I) -> Self {
        let mut v: Vec<Id> = iter.into_iter().collect();
        v.sort();
        v.dedup();
        Infected::from_sorted(&v)
    }
}

/// Which broadcast a heartbeat or update copy belongs to, and how many sends it took to get
/// here: what the protocol knows it is sending, so that no driver has to infer it.
///
/// The origin is the packet's [`node`](Packet::node); `emission` numbers the origin's
/// broadcasts (1, 2, … for one node instance); `hops` is 1 on the origin's own copies and one
/// more at each forward. It is **not on the wire** (Go's packet has no such field): a decoded
/// packet has none, and a node forwarding a packet without one sends none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lineage {
    /// The origin's broadcast number, from 1 (wrapping after 2³² broadcasts: a label, not a
    /// count; 32 bits keep a packet copy small).
    pub emission: u32,
    /// Sends from the origin to the receiver of this copy, the last one included.
    pub hops: u16,
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
    /// Which broadcast this heartbeat or update copy belongs to (`None` for swaps and for
    /// packets off the wire). Never encoded.
    pub lineage: Option<Lineage>,
}

impl<Id> Packet<Id> {
    /// Where the reference counts a copy of this packet updates when cloned or dropped are
    /// kept (its origin's record and its infected set), computed without reading them: like
    /// [`Node::view_slot`](crate::Node::view_slot), a prefetch hint. In a large run those
    /// counts are spread over every node's record, and each clone or drop would wait on one.
    #[inline]
    pub fn shared_slots(&self) -> [Slot; 2] {
        let set = self.infected.0.as_ref().map_or(std::ptr::null(), |s| {
            Arc::as_ptr(s).cast::<u8>().wrapping_sub(ARC_COUNTS)
        });
        [Slot::at(self.node.record_slot()), Slot::at(set)]
    }
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

impl<Id> Transmit<Id> {
    /// The heartbeat this transmit sends: its origin and lineage, for heartbeats whose lineage
    /// is known (`None` for updates, swaps and forwards of packets off the wire).
    pub fn heartbeat(&self) -> Option<(&Id, Lineage)> {
        match (self.packet.kind, self.packet.lineage) {
            (PacketKind::Heartbeat, Some(lineage)) => Some((&self.packet.node.id, lineage)),
            _ => None,
        }
    }

    /// Whether this is a copy of the sender's own new heartbeat (`local` is the sender).
    pub fn is_own_heartbeat(&self, local: &Id) -> bool
    where
        Id: PartialEq,
    {
        matches!(self.heartbeat(), Some((origin, l)) if l.hops == 1 && origin == local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_keeps_every_member_once_in_order() {
        let set = |ids: &[u32]| Infected::from_sorted(ids);
        assert_eq!(
            set(&[2, 4, 6]).with(&[1, 5, 9]).as_slice(),
            [1, 2, 4, 5, 6, 9]
        );
        assert_eq!(set(&[]).with(&[3]).as_slice(), [3]);
        assert_eq!(set(&[3, 7]).with(&[]).as_slice(), [3, 7]);
        assert_eq!(set(&[1]).with(&[2, 3]).as_slice(), [1, 2, 3]);
        assert_eq!(set(&[5, 6]).with(&[1, 2]).as_slice(), [1, 2, 5, 6]);
    }

    #[test]
    fn copies_share_a_set_and_equal_sets_compare_equal() {
        let a: Infected<u32> = [3, 1, 2, 3].into_iter().collect();
        assert_eq!(a.as_slice(), [1, 2, 3]);
        let b = a.clone();
        assert_eq!(a, b);
        let mut c = Infected::of(1);
        assert!(c.insert(3));
        assert!(!c.insert(3));
        assert!(c.insert(2));
        assert_eq!(a, c);
        assert_ne!(a, Infected::of(1));
        assert!(Infected::<u32>::new().is_empty());
    }
}
