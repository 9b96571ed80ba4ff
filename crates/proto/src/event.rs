//! What a node tells its driver: membership and metadata changes, rejected packets.

use super::member::NodeInfo;
use super::packet::Packet;
use super::time::UnixNanos;

/// Something that happened inside a node, drained with [`crate::Node::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<Id> {
    /// A node entered the view (by a heartbeat, an update or `set`).
    MemberJoined(NodeInfo<Id>),
    /// A node already in the view announced a new name or private data.
    MemberUpdated(NodeInfo<Id>),
    /// A node was not refreshed for more than `timeout` and left the view.
    MemberExpired(Id),
    /// The node adopted newer metadata (from an update or a swap, or by its own publish).
    MetadataChanged {
        /// The new version (Unix ns).
        version: UnixNanos,
    },
    /// A datagram was dropped before it could change anything.
    PacketRejected {
        /// Length of the datagram in bytes.
        len: usize,
        /// Why.
        reason: RejectReason,
        /// Where it came from, when the driver knows (the UDP runtime gives the datagram's
        /// source address; the state machine itself never knows it).
        from: Option<Id>,
    },
}

impl<Id> Event<Id> {
    /// A [`PacketRejected`](Event::PacketRejected) of unknown source.
    pub(crate) fn rejected(len: usize, reason: RejectReason) -> Event<Id> {
        Event::PacketRejected {
            len,
            reason,
            from: None,
        }
    }
}

/// Why a datagram was rejected. The node's state is unchanged by a rejected datagram.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    /// The datagram is `size` bytes or longer.
    #[error("datagram of {len} bytes is not below the size limit of {limit}")]
    Oversize {
        /// Its length.
        len: usize,
        /// The configured `size`.
        limit: usize,
    },
    /// The packet's secret key digest does not match ours.
    #[error("secret key mismatch")]
    WrongSecret,
    /// The bytes are not a packet Go PekoNode would accept.
    #[error("malformed packet: {0}")]
    Malformed(String),
    /// Trust rule: the sender is new and the view already holds `max_view` entries.
    #[error("view full ({limit} entries): a new sender is not admitted")]
    ViewFull {
        /// The configured `max_view`.
        limit: usize,
    },
    /// Trust rule: the sender is new and this second's admissions are used up.
    #[error("new-member admission rate ({per_sec}/s) exceeded")]
    AdmissionLimit {
        /// The configured `admit_per_sec`.
        per_sec: u32,
    },
    /// Trust rule: the sender is a stranger on probation; it is listed when heard again half
    /// a cycle or more after its first packet.
    #[error("new sender on probation: listed when heard again")]
    Probation,
    /// Trust rule: the metadata version is further ahead of the wall clock than the skew
    /// bound allows; the metadata is not adopted (the rest of the packet is handled).
    #[error("metadata version {version} is ahead of the clock's bound {limit}")]
    VersionAhead {
        /// The offered version (Unix ns).
        version: i64,
        /// The newest version adopted now.
        limit: i64,
    },
    /// Trust rule: a swap request from a node the view does not list gets no reply.
    #[error("swap request from a node not in the view: no reply")]
    SwapToStranger,
    /// Trust rule: swap replies this cycle are used up; this request gets no reply.
    #[error("swap reply budget exceeded: no reply")]
    SwapBudget,
    /// The packet names this node with a record (name, private data) other than its own:
    /// a node's own record is authoritative, so the packet changes nothing.
    #[error("a packet names this node with another record: refused")]
    OwnRecord,
    /// Sealed mode: no installed key opens the datagram (forged, edited, or sealed under a key
    /// this node does not have).
    #[error("not authentic: no installed key opens it")]
    Unauthentic,
    /// Sealed mode: this sender's counter was already seen (or is too old for the window).
    #[error("replayed datagram")]
    Replayed,
    /// Sealed mode: the sender's timestamp is outside the clock-skew window.
    #[error("stale datagram: its timestamp is {skew_ms} ms from this node's clock")]
    Stale {
        /// How far the timestamp is from this node's clock, in ms (positive: ahead).
        skew_ms: i64,
    },
    /// Sealed mode: the datagram was sealed for another receiver (captured on its way to
    /// another node and replayed here).
    #[error("sealed for another receiver")]
    OtherReceiver,
    /// Sealed mode: the datagram was sealed before this node started (captured before a
    /// restart and replayed), or its sender's clock lags this node's by `early_ms`.
    #[error("sealed {early_ms} ms before this node started")]
    BeforeStart {
        /// How long before this node's start it was sealed, in ms.
        early_ms: u64,
    },
    /// Sealed mode: not a sealed envelope, or one of a version this node does not read.
    #[error("not a sealed envelope: {0}")]
    Envelope(&'static str),
}

impl RejectReason {
    /// A short stable name of the reason, for counters and log summaries.
    pub fn kind(&self) -> &'static str {
        match self {
            RejectReason::Oversize { .. } => "oversize",
            RejectReason::WrongSecret => "wrong secret key",
            RejectReason::Malformed(_) => "malformed",
            RejectReason::ViewFull { .. } => "view full",
            RejectReason::AdmissionLimit { .. } => "admission limit",
            RejectReason::Probation => "probation",
            RejectReason::VersionAhead { .. } => "version ahead",
            RejectReason::SwapToStranger => "swap to stranger",
            RejectReason::SwapBudget => "swap budget",
            RejectReason::OwnRecord => "own record",
            RejectReason::Unauthentic => "unauthentic",
            RejectReason::Replayed => "replayed",
            RejectReason::Stale { .. } => "stale",
            RejectReason::OtherReceiver => "other receiver",
            RejectReason::BeforeStart { .. } => "before start",
            RejectReason::Envelope(_) => "not sealed",
        }
    }
}

/// Turns datagram bytes into a typed packet: implemented by the wire codecs.
///
/// Lives here, not in `wire/`, so that [`crate::Node::handle_datagram`] can report
/// rejected packets as events without the core knowing any encoding.
pub trait Decode<Id> {
    /// Decodes one datagram, or says why it must be dropped.
    fn decode(&self, datagram: &[u8]) -> Result<Packet<Id>, RejectReason>;
}
