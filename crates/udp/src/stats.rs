//! Counters of what the runtime did with datagrams, outside the state machine.

use std::sync::atomic::{AtomicU64, Ordering};

use pekonode_proto::RejectReason;

/// What a node's socket has seen since it started. Read with [`NodeList::stats`](super::NodeList::stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams that reached the node's socket: read by the node, or dropped because its
    /// receive buffer was full (`queue_full`). `received - queue_full` were handled.
    pub received: u64,
    /// Datagrams dropped because the node's receive buffer (the kernel's, sized by `buffer`)
    /// was full: the kernel's count for the socket (Linux; 0 where the OS does not say).
    pub queue_full: u64,
    /// Datagrams sent.
    pub sent: u64,
    /// Transmits that could not be sent: no address for the destination, or the OS refused.
    pub send_errors: u64,
    /// Transmits dropped because their destination is a host name whose lookup has not
    /// answered yet (names are looked up off the node's thread; the next send goes).
    pub unresolved: u64,
    /// Datagrams dropped before sending by fault injection ([`Config::drop_probability`](super::Config)).
    pub dropped_fault: u64,
    /// Bytes sent (datagram payloads).
    pub bytes_sent: u64,
    /// Heartbeats this node started (one per broadcast, whatever its fan-out), as the
    /// protocol says of its transmits.
    pub heartbeats: u64,
    /// Heartbeat datagrams handed to the send path (own and forwarded; fault drops included).
    pub heartbeat_packets: u64,
    /// Datagrams or packets the node rejected, for any reason (each also reported as an
    /// [`Event::PacketRejected`](pekonode_proto::Event) with its reason).
    pub rejected: u64,
    /// Sealed mode: datagrams no installed key opens (forged, edited, or another key).
    pub unauthentic: u64,
    /// Sealed mode: datagrams replayed: a counter this node already saw from that sender, a
    /// datagram sealed for another receiver, or one sealed before this node started.
    pub replayed: u64,
    /// Sealed mode: datagrams whose timestamp is outside the clock-skew window.
    pub stale: u64,
    /// Packets a trust rule refused or limited (view full, admission rate, version ahead,
    /// swap reply withheld, a record of this node other than its own).
    pub distrusted: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Datagrams read (the kernel's drops are added at each snapshot).
    pub(crate) received: AtomicU64,
    pub(crate) sent: AtomicU64,
    pub(crate) send_errors: AtomicU64,
    pub(crate) dropped_fault: AtomicU64,
    pub(crate) unresolved: AtomicU64,
    pub(crate) bytes_sent: AtomicU64,
    pub(crate) heartbeats: AtomicU64,
    pub(crate) heartbeat_packets: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) unauthentic: AtomicU64,
    pub(crate) replayed: AtomicU64,
    pub(crate) stale: AtomicU64,
    pub(crate) distrusted: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters, with `drops` datagrams dropped by the kernel for a full receive buffer.
    pub(crate) fn snapshot(&self, drops: u64) -> Stats {
        Stats {
            received: self.received.load(Ordering::Relaxed) + drops,
            queue_full: drops,
            sent: self.sent.load(Ordering::Relaxed),
            send_errors: self.send_errors.load(Ordering::Relaxed),
            dropped_fault: self.dropped_fault.load(Ordering::Relaxed),
            unresolved: self.unresolved.load(Ordering::Relaxed),
            bytes_sent: self.bytes_sent.load(Ordering::Relaxed),
            heartbeats: self.heartbeats.load(Ordering::Relaxed),
            heartbeat_packets: self.heartbeat_packets.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            unauthentic: self.unauthentic.load(Ordering::Relaxed),
            replayed: self.replayed.load(Ordering::Relaxed),
            stale: self.stale.load(Ordering::Relaxed),
            distrusted: self.distrusted.load(Ordering::Relaxed),
        }
    }

    /// Counts one rejection under its reason.
    pub(crate) fn rejected(&self, reason: &RejectReason) {
        Counters::bump(&self.rejected);
        let specific = match reason {
            RejectReason::Unauthentic => Some(&self.unauthentic),
            RejectReason::Replayed
            | RejectReason::OtherReceiver
            | RejectReason::BeforeStart { .. } => Some(&self.replayed),
            RejectReason::Stale { .. } => Some(&self.stale),
            RejectReason::ViewFull { .. }
            | RejectReason::AdmissionLimit { .. }
            | RejectReason::Probation
            | RejectReason::VersionAhead { .. }
            | RejectReason::SwapToStranger
            | RejectReason::SwapBudget
            | RejectReason::OwnRecord => Some(&self.distrusted),
            _ => None,
        };
        if let Some(counter) = specific {
            Counters::bump(counter);
        }
    }
}
