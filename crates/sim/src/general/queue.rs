//! The general engine's event queue: what happens next, ordered by (virtual time, sequence
//! number), so that events due at one time happen in the order they were scheduled.
//!
//! A plain binary heap: the general engine runs hundreds of nodes, not the fast engine's
//! hundred thousands, so it needs no calendar.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use pekonode_proto::{Lineage, Time};
use pekonode_run::NodeIndex;

/// A packet on its way to one receiver.
#[derive(Debug)]
pub(crate) struct Parcel<Pk> {
    pub(crate) to: NodeIndex,
    /// Shared by every copy of one multi-destination transmit.
    pub(crate) packet: Arc<Pk>,
    /// Its length on the wire, envelope included.
    pub(crate) len: u64,
    /// The tracked heartbeat it is a copy of: the tracker's number, its origin and lineage.
    pub(crate) heartbeat: Option<(u64, NodeIndex, Lineage)>,
}

/// Something scheduled.
#[derive(Debug)]
pub(crate) enum Due<Pk> {
    /// A timeline action, by index in the plan.
    Action(u32),
    /// A sample of the time series.
    Sample,
    /// A node's timer (stale when the node rescheduled it since).
    Timer(NodeIndex),
    /// A packet reaches its receiver.
    Arrive(Parcel<Pk>),
}

struct Entry<Pk> {
    at: Time,
    seq: u64,
    due: Due<Pk>,
}

impl<Pk> PartialEq for Entry<Pk> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl<Pk> Eq for Entry<Pk> {}

impl<Pk> PartialOrd for Entry<Pk> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<Pk> Ord for Entry<Pk> {
    /// Reversed: the heap pops the earliest (time, sequence) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// The queue, and how many packets are in it (for the explosion guard and the samples).
pub(crate) struct Queue<Pk> {
    heap: BinaryHeap<Entry<Pk>>,
    seq: u64,
    in_flight: u64,
}

impl<Pk> Default for Queue<Pk> {
    fn default() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            seq: 0,
            in_flight: 0,
        }
    }
}

impl<Pk> Queue<Pk> {
    /// Schedules `due` at `at`, after everything already scheduled at that time.
    pub(crate) fn push(&mut self, at: Time, due: Due<Pk>) {
        if matches!(due, Due::Arrive(_)) {
            self.in_flight += 1;
        }
        self.seq += 1;
        let seq = self.seq;
        self.heap.push(Entry { at, seq, due });
    }

    /// The time of the next event.
    pub(crate) fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|e| e.at)
    }

    /// The next event.
    pub(crate) fn pop(&mut self) -> Option<(Time, Due<Pk>)> {
        let e = self.heap.pop()?;
        if matches!(e.due, Due::Arrive(_)) {
            self.in_flight -= 1;
        }
        Some((e.at, e.due))
    }

    /// Packets on their way.
    pub(crate) fn in_flight(&self) -> u64 {
        self.in_flight
    }
}
