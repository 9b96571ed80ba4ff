//! Socket counters summed over a cluster's nodes, and what grew between two sums.

use crate::run::Counts;
use crate::udp::Stats;

/// A counter sum over nodes, including those that crashed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) sent: u64,
    pub(crate) received: u64,
    pub(crate) queue_full: u64,
    pub(crate) dropped_fault: u64,
    pub(crate) send_errors: u64,
    pub(crate) bytes_sent: u64,
    pub(crate) heartbeats: u64,
    pub(crate) heartbeat_packets: u64,
}

impl Totals {
    /// Adds one node's counters.
    pub(crate) fn add(&mut self, s: &Stats) {
        self.sent += s.sent;
        self.received += s.received;
        self.queue_full += s.queue_full;
        self.dropped_fault += s.dropped_fault;
        self.send_errors += s.send_errors;
        self.bytes_sent += s.bytes_sent;
        self.heartbeats += s.heartbeats;
        self.heartbeat_packets += s.heartbeat_packets;
    }

    /// What the sockets counted since `before`, as the observers take it: datagrams sent
    /// include those dropped by fault injection on the way; delivered are those read and not
    /// dropped on a full queue.
    pub(crate) fn since(&self, before: &Totals) -> Counts {
        let sent = |t: &Totals| t.sent + t.dropped_fault;
        let delivered = |t: &Totals| t.received.saturating_sub(t.queue_full);
        Counts {
            sent: sent(self).saturating_sub(sent(before)),
            heartbeat_packets: self
                .heartbeat_packets
                .saturating_sub(before.heartbeat_packets),
            heartbeats: self.heartbeats.saturating_sub(before.heartbeats),
            bytes_sent: self.bytes_sent.saturating_sub(before.bytes_sent),
            delivered: delivered(self).saturating_sub(delivered(before)),
            lost: self.dropped_fault.saturating_sub(before.dropped_fault),
            dropped_queue: self.queue_full.saturating_sub(before.queue_full),
        }
    }
}
