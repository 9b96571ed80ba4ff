//! The event queue: what happens next, ordered by (virtual time, sequence number).
//!
//! Packets in flight live in a slab so that the heap moves small keys, not packets.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::protocol::{Packet, Time};

use super::plan::NodeIndex;

/// A packet on its way, with what the observers need to follow its heartbeat.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) to: NodeIndex,
    pub(crate) packet: Packet<NodeIndex>,
    pub(crate) len: u32,
    /// The heartbeat it is a copy of, and the hops it has taken (1 = straight from origin).
    pub(crate) heartbeat: Option<(u64, u16)>,
}

/// Something scheduled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum What {
    /// A timeline action, by index in the plan.
    Action(u32),
    /// A sample of the time series.
    Sample,
    /// A packet reaches its receiver's socket (slab slot).
    Arrive(u32),
    /// A queued packet is taken from the receive queue (slab slot).
    Process(u32),
    /// A node's protocol timer.
    Timer(NodeIndex),
}

/// The queue of scheduled events plus the slab of in-flight packets.
#[derive(Default)]
pub(crate) struct Queue {
    heap: BinaryHeap<Reverse<(Time, u64, What)>>,
    seq: u64,
    slab: Vec<Option<Envelope>>,
    free: Vec<u32>,
    in_flight: u64,
}

impl Queue {
    pub(crate) fn push(&mut self, at: Time, what: What) {
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, what)));
    }

    pub(crate) fn pop(&mut self) -> Option<(Time, What)> {
        self.heap.pop().map(|Reverse((at, _, what))| (at, what))
    }

    pub(crate) fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }

    /// Stores a packet in flight; returns its slot.
    pub(crate) fn store(&mut self, envelope: Envelope) -> u32 {
        self.in_flight += 1;
        match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(envelope);
                slot
            }
            None => {
                self.slab.push(Some(envelope));
                (self.slab.len() - 1) as u32
            }
        }
    }

    /// Takes a packet out of flight.
    pub(crate) fn take(&mut self, slot: u32) -> Option<Envelope> {
        let envelope = self.slab.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        self.in_flight -= 1;
        Some(envelope)
    }

    /// Packets stored and not yet taken.
    pub(crate) fn in_flight(&self) -> u64 {
        self.in_flight
    }
}
