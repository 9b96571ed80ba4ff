//! The protocol seam: what a gossip protocol offers a driver, so that PekoNode and SWIM run
//! behind the same simulator, runtime and observers.
//!
//! In the spirit of str0m's single `poll_output()` and of quinn-proto and foca: `now` is an
//! input of every call, and everything a protocol wants done comes out of one queue,
//! [`Protocol::poll_output`]. The queue ends with the time of the next
//! [`handle_timeout`](Protocol::handle_timeout) (or [`Output::Idle`]), so a driver cannot
//! forget the timer.
//!
//! **The drain rule**: after every `handle_*` or command, call
//! [`poll_output`](Protocol::poll_output) until it returns [`Output::Timeout`] or
//! [`Output::Idle`].
//!
//! ```
//! use pekonode_proto::seam::{Output, Protocol};
//! use pekonode_proto::{ChaCha8Rng, Config, Node, NodeInfo, SeedableRng, Time};
//!
//! let rng = ChaCha8Rng::seed_from_u64(7);
//! let mut a = Node::new(NodeInfo::new(1u32, "A"), Config::default(), rng, Time::ZERO).unwrap();
//! Protocol::join(&mut a, Time::ZERO, &[2]);
//! let mut sent = Vec::new();
//! let next = loop {
//!     match a.poll_output() {
//!         Output::Transmit(t) => sent.extend(t.to),
//!         Output::Event(_) => {}
//!         Output::Timeout(at) => break Some(at),
//!         Output::Idle => break None,
//!     }
//! };
//! // A heartbeat and a swap request, both to node 2; the next heartbeat is a cycle away.
//! assert_eq!(sent, [2, 2]);
//! assert_eq!(next, Some(Time::from_secs(6)));
//! ```

use core::fmt::Debug;
use core::hash::Hash;

use crate::event::Event;
use crate::packet::Lineage;
use crate::time::{Time, UnixNanos};

/// A gossip protocol as a sans-IO state machine of one node.
///
/// Implemented by PekoNode's [`Node`](crate::Node) and by SWIM (`pekonode-swim`, through the
/// `foca` crate). Membership changes come out in the words of [`Event`] for both.
pub trait Protocol {
    /// How a node is addressed: where a transmit goes and whom an event is about.
    type Id: Clone + Eq + Hash + Debug;
    /// What travels between nodes: PekoNode's typed [`Packet`](crate::Packet), SWIM's bytes.
    type Packet: Clone + Debug;

    /// This node's own address.
    fn local_id(&self) -> &Self::Id;

    /// Handles one received packet whose encoding is `len` bytes long.
    ///
    /// Returns `false` when the packet was refused (too large, undecodable); an
    /// [`Event::PacketRejected`] says why. `true` means it was handled, which may still end
    /// in a rejection event (PekoNode's trust rules). A protocol documents whether a refusal
    /// can come after a partial change (PekoNode's never does).
    fn handle_packet(&mut self, now: Time, packet: Self::Packet, len: usize) -> bool;

    /// Runs whatever is due at `now`. Early or repeated calls are harmless.
    fn handle_timeout(&mut self, now: Time);

    /// Joins the cluster through `contacts` (addresses only: a protocol learns the rest from
    /// their replies). Contacts given on a later call are added to those it knows.
    fn join(&mut self, now: Time, contacts: &[Self::Id]);

    /// Stops taking part: PekoNode stops heartbeating (and still receives and forwards), SWIM
    /// leaves the cluster and falls silent.
    fn stop(&mut self, now: Time);

    /// Takes part again after [`stop`](Protocol::stop) (SWIM under a renewed identity).
    fn start(&mut self, now: Time);

    /// Publishes cluster metadata `data` with `version` (Unix ns), or says the protocol has
    /// no such thing; [`Unsupported`] leaves the state unchanged.
    fn publish(&mut self, now: Time, version: UnixNanos, data: &[u8]) -> Result<(), Unsupported>;

    /// Whether the node takes part in the cluster: PekoNode heartbeats (joined and not
    /// stopped), SWIM is connected (at least one active member knows it).
    fn is_active(&self) -> bool;

    /// How many other nodes this node holds alive (itself excluded).
    fn members(&self) -> usize;

    /// Calls `visit` on each member this node holds, in the protocol's order: the members
    /// [`members`](Protocol::members) counts, so never the node itself while it is sound (a
    /// driver's invariant checks look for exactly that). Visits, not a list: a check reads
    /// every view of a large run at every sample and must not copy them.
    fn for_each_member(&self, visit: &mut dyn FnMut(&Self::Id));

    /// What the protocol promises of its own state, checked by the simulator at every sample
    /// of every run (docs/extending.md): `Err` says which promise broke and how, and stops
    /// the run. Keep it cheap (a few comparisons, no walk over the view): it runs for every
    /// node at every sample. None by default.
    fn check_invariants(&self) -> Result<(), String> {
        Ok(())
    }

    /// The next output; see the drain rule in the [module documentation](self).
    fn poll_output(&mut self) -> Output<Self::Id, Self::Packet>;
}

/// One thing a protocol wants its driver to do, from [`Protocol::poll_output`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub enum Output<Id, P> {
    /// Send a packet (to one or many destinations).
    Transmit(Transmit<Id, P>),
    /// Something happened: a member joined or expired, metadata changed, a packet was refused.
    Event(Event<Id>),
    /// Nothing more is queued; call [`Protocol::handle_timeout`] at this time.
    Timeout(Time),
    /// Nothing more is queued and no timer runs: only a packet or a command wakes the node.
    Idle,
}

/// One packet to send, the same to every destination (as quinn's segmented transmit: one
/// stored packet for a broadcast).
///
/// The protocol says what it sends, so no driver re-derives it: which heartbeat the copies
/// carry and whether it is the sender's own new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit<Id, P> {
    /// The destinations, in the order the protocol picked them; each gets an identical copy.
    pub to: Vec<Id>,
    /// The packet.
    pub packet: P,
    /// Its encoded length when the protocol knows it (SWIM's bytes); `None` when the driver's
    /// codec decides it (PekoNode's typed packets: JSON, sealed, or measured by the simulator).
    pub len: Option<usize>,
    /// The heartbeat the copies carry: its origin and lineage (PekoNode heartbeats whose
    /// lineage is known; `None` for everything else, and for every SWIM message, which has no
    /// heartbeats).
    pub heartbeat: Option<(Id, Lineage)>,
    /// Whether this is the sender's own new heartbeat (first hop of one of its emissions).
    pub own: bool,
}

/// What a protocol answers to a command it has no counterpart for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the protocol does not support {0}")]
pub struct Unsupported(pub &'static str);
