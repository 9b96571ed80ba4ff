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
    },
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
}

/// Turns datagram bytes into a typed packet: implemented by the wire codecs.
///
/// Lives here, not in `wire/`, so that [`crate::Node::handle_datagram`] can report
/// rejected packets as events without the core knowing any encoding.
pub trait Decode<Id> {
    /// Decodes one datagram, or says why it must be dropped.
    fn decode(&self, datagram: &[u8]) -> Result<Packet<Id>, RejectReason>;
}
