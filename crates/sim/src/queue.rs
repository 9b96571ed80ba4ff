//! The event queue: what happens next, ordered by (virtual time, sequence number).
//!
//! Packets in flight live in the calendar's bucket of their arrival, beside their keys, so that
//! the queue moves small keys, not packets, and a packet's memory is near its neighbours in
//! time; the few that arrive beyond the calendar's horizon, and those waiting in a receive
//! queue, live in a slab.

use pekonode_proto::{Packet, Time};

use super::calendar::Calendar;
use pekonode_run::NodeIndex;

/// A packet on its way, with what the observers need to follow its heartbeat.
///
/// 72 bytes (104 with the length and tracker number in full and the metadata inline):
/// millions are in flight in a full-view burst, and every byte of them is memory traffic.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) from: NodeIndex,
    pub(crate) to: NodeIndex,
    pub(crate) packet: Packet<NodeIndex>,
    /// The datagram's length (low 31 bits) and whether `heartbeat` holds a number (top bit).
    sized: u32,
    /// The low 32 bits of the infection tracker's number for the heartbeat it is a copy of
    /// (its hops are in the packet's lineage); see [`Envelope::heartbeat`].
    heartbeat: u32,
}

/// The top bit of [`Envelope::sized`]: a tracker number is held.
const TRACKED: u32 = 1 << 31;

impl Envelope {
    /// A packet of `len` bytes (saturated at 2^31 − 1, far above any datagram) from `from` to
    /// `to`, a copy of tracked heartbeat `heartbeat` or of none.
    pub(crate) fn new(
        from: NodeIndex,
        to: NodeIndex,
        packet: Packet<NodeIndex>,
        len: u64,
        heartbeat: Option<u64>,
    ) -> Envelope {
        let len = u32::try_from(len).unwrap_or(u32::MAX).min(TRACKED - 1);
        Envelope {
            from,
            to,
            packet,
            sized: len | heartbeat.map_or(0, |_| TRACKED),
            // Only the low bits travel: `heartbeat` restores the rest.
            heartbeat: heartbeat.map_or(0, |id| id as u32),
        }
    }

    /// The datagram's length in bytes.
    pub(crate) fn len(&self) -> u32 {
        self.sized & !TRACKED
    }

    /// The tracker's number for the heartbeat this is a copy of, given `next`, the number the
    /// tracker gives next. Exact while fewer than 2^32 heartbeats were emitted since this
    /// copy's heartbeat: a copy is in flight for seconds, during which the explosion guard
    /// bounds what is sent to far fewer.
    pub(crate) fn heartbeat(&self, next: u64) -> Option<u64> {
        if self.sized & TRACKED == 0 {
            return None;
        }
        let behind = (next as u32).wrapping_sub(self.heartbeat);
        Some(next.wrapping_sub(u64::from(behind)))
    }
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
    /// A packet reaches its receiver's socket (index in its calendar bucket).
    Land(u32),
    /// A queued packet is taken from the receive queue (slab slot).
    Process(u32),
    /// A node's protocol timer.
    Timer(NodeIndex),
    /// The next packet of a rogue sender (its number in the run).
    Forge(u32),
}

/// The queue of scheduled events plus the slab of in-flight packets.
///
/// Each scheduled event is one `u128` key — time (48 bits of µs), sequence number (40 bits),
/// kind (8 bits) and payload (32 bits), most significant first — so keys order by
/// (time, sequence) with a single comparison, and the calendar moves 16 bytes per entry.
#[derive(Default)]
pub(crate) struct Queue {
    keys: Calendar<Envelope>,
    seq: u64,
    slab: Vec<Option<Envelope>>,
    free: Vec<u32>,
    in_flight: u64,
}

/// Packets in flight below which new ones go to the slab rather than their bucket. A slab
/// reuses the slot freed last, so a light load stays within a few hot cache lines; a burst of
/// millions of packets makes every slot a cache miss, and its packets are better kept in
/// their bucket, written in a row and read while the bucket drains. Measured: buckets alone
/// cost `scale_1000` (a few thousand packets in flight) about 20 % and saved the full-view
/// load (2.8 million) about 15 %.
const SLAB_WHILE_UNDER: u64 = 65_536;

/// The largest bucket [`Queue::warm`] reads ahead. Measured: on the full-view load (buckets
/// of thousands of packets) skipping the read cut 4.6 % of the instructions; on
/// `scale_1000` (a few dozen per bucket) the read pays for itself.
const WARM_AT_MOST: usize = 256;

/// Latest time the queue can hold: 2^48 µs, about 8.9 years.
pub(crate) const MAX_TIME_MICROS: u64 = (1 << 48) - 1;

fn pack(at: Time, seq: u64, what: What) -> u128 {
    let (kind, payload) = match what {
        What::Action(k) => (0u128, k),
        What::Sample => (1, 0),
        What::Arrive(s) => (2, s),
        What::Process(s) => (3, s),
        What::Timer(n) => (4, n),
        What::Forge(k) => (5, k),
        What::Land(i) => (6, i),
    };
    (u128::from(at.as_micros().min(MAX_TIME_MICROS)) << 80)
        | (u128::from(seq & ((1 << 40) - 1)) << 40)
        | (kind << 32)
        | u128::from(payload)
}

fn unpack(key: u128) -> (Time, What) {
    let at = Time::from_micros((key >> 80) as u64);
    let payload = key as u32;
    let what = match (key >> 32) as u8 {
        0 => What::Action(payload),
        1 => What::Sample,
        2 => What::Arrive(payload),
        3 => What::Process(payload),
        4 => What::Timer(payload),
        5 => What::Forge(payload),
        _ => What::Land(payload),
    };
    (at, what)
}

impl Queue {
    /// Schedules `what` at `at`, which must not be before the last event popped.
    pub(crate) fn push(&mut self, at: Time, what: What) {
        self.seq += 1;
        self.keys.push(pack(at, self.seq, what));
    }

    pub(crate) fn pop(&mut self) -> Option<(Time, What)> {
        self.keys.pop().map(unpack)
    }

    pub(crate) fn peek_time(&mut self) -> Option<Time> {
        self.keys
            .peek()
            .map(|key| Time::from_micros((key >> 80) as u64))
    }

    /// When the clock has just reached a new bucket of events, calls `touch` with each packet
    /// about to arrive in it. The slab slots are read first, all together, so their cache
    /// misses overlap instead of coming one per event.
    ///
    /// Only a bucket of at most [`WARM_AT_MOST`] events is read ahead: what a larger one (a
    /// burst's thousands of packets) reads is evicted before most of it is handled, so that
    /// read would only cost instructions; the simulator's read-ahead of a few events covers it.
    pub(crate) fn warm(&mut self, mut touch: impl FnMut(&Envelope)) {
        let Some((keys, items)) = self.keys.fresh() else {
            return;
        };
        if keys.len() > WARM_AT_MOST {
            return;
        }
        let slots = keys.iter().filter_map(|&key| match unpack(key).1 {
            What::Arrive(slot) => self.slab.get(slot as usize),
            What::Land(index) => items.get(index as usize),
            _ => None,
        });
        // First pass: one independent load per slot, all in flight at once.
        let present = slots.clone().filter(|slot| slot.is_some()).count();
        std::hint::black_box(present);
        for env in slots.flatten() {
            touch(env);
        }
    }

    /// Sends a packet on its way: it arrives at `at` (a [`What::Land`] or, beyond the
    /// calendar's horizon, a [`What::Arrive`] event).
    pub(crate) fn send(&mut self, at: Time, envelope: Envelope) {
        if self.in_flight < SLAB_WHILE_UNDER {
            let slot = self.store(envelope);
            self.push(at, What::Arrive(slot));
            return;
        }
        self.seq += 1;
        match self
            .keys
            .push_with(pack(at, self.seq, What::Land(0)), envelope)
        {
            Ok(()) => self.in_flight += 1,
            Err(envelope) => {
                self.seq -= 1;
                let slot = self.store(envelope);
                self.push(at, What::Arrive(slot));
            }
        }
    }

    /// The packet of the [`What::Land`] event just popped.
    pub(crate) fn take_landed(&mut self, index: u32) -> Option<Envelope> {
        let envelope = self.keys.take(index)?;
        self.in_flight -= 1;
        Some(envelope)
    }

    /// The packet of the `k`-th event after the one just popped, if that event is a packet's
    /// arrival in the active bucket: what to prefetch for.
    pub(crate) fn envelope_ahead(&self, k: usize) -> Option<&Envelope> {
        match self.keys.next_key(k).map(|key| unpack(key).1) {
            Some(What::Land(index)) => self.keys.item(index),
            Some(What::Arrive(slot)) => self.slab.get(slot as usize).and_then(Option::as_ref),
            _ => None,
        }
    }

    /// Where the packet of the `k`-th event after the one just popped is kept, without
    /// reading it: what to prefetch.
    pub(crate) fn slot_ahead(&self, k: usize) -> Option<*const ()> {
        match self.keys.next_key(k).map(|key| unpack(key).1) {
            Some(What::Land(index)) => self.keys.item_slot(index),
            Some(What::Arrive(slot)) => {
                let i = slot as usize;
                (i < self.slab.len()).then(|| self.slab.as_ptr().wrapping_add(i).cast())
            }
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_is_small_and_keeps_its_length_and_tracker_number() {
        use pekonode_proto::{Infected, Metadata, NodeInfo, PacketKind};
        let packet = Packet {
            kind: PacketKind::Heartbeat,
            node: NodeInfo::new(3, "n3"),
            infected: Infected::new(),
            metadata: Metadata::default(),
            lineage: None,
        };
        assert_eq!(std::mem::size_of::<Envelope>(), 72);
        let untracked = Envelope::new(1, 2, packet.clone(), 312, None);
        assert_eq!((untracked.len(), untracked.heartbeat(10)), (312, None));
        // The number comes back whole across the low bits' wrap, and at the largest length.
        let id = (5u64 << 32) - 3;
        let env = Envelope::new(1, 2, packet, u64::MAX, Some(id));
        assert_eq!(env.len(), (1 << 31) - 1);
        for next in [id + 1, id + 3, id + 10, id + (1 << 31)] {
            assert_eq!(env.heartbeat(next), Some(id));
        }
        assert_eq!(
            Envelope::new(0, 0, env.packet, 0, Some(0)).heartbeat(0),
            Some(0)
        );
    }

    #[test]
    fn events_come_out_by_time_then_insertion_order() {
        let mut q = Queue::default();
        q.push(Time::from_millis(5), What::Timer(7));
        q.push(Time::from_millis(1), What::Arrive(u32::MAX));
        q.push(Time::from_millis(5), What::Sample);
        q.push(Time::from_millis(1), What::Action(3));
        let out: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            out,
            vec![
                (Time::from_millis(1), What::Arrive(u32::MAX)),
                (Time::from_millis(1), What::Action(3)),
                (Time::from_millis(5), What::Timer(7)),
                (Time::from_millis(5), What::Sample),
            ]
        );
    }
}
