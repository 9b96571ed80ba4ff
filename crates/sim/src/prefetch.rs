//! Reading ahead: the event loop asks the memory system for what the next packets will
//! touch before it handles them, so that their cache misses overlap instead of stalling one
//! event at a time. It only reads: no outcome depends on it.

use pekonode_proto::Slot;

use super::fast::Fast;
use super::queue::Envelope;

impl Fast {
    /// When the clock reaches a new bucket of events, reads what its packets will touch: the
    /// slab slot, the receiver's entry for the origin and its settings, the infected set. Each
    /// read misses the cache; issued together for a few dozen packets, the misses overlap
    /// instead of stalling one event at a time (in `perf`, view refresh and packet arrival fell
    /// from about 17 % of the time each to 2 %). It only reads: no outcome depends on it.
    pub(crate) fn warm_bucket(&mut self) {
        let nodes = &self.nodes;
        self.queue.warm(|env| {
            if let Some(Some(node)) = nodes.get(env.to as usize) {
                std::hint::black_box(node.knows(&env.packet.node.id));
                std::hint::black_box(node.config().size);
            }
            std::hint::black_box(env.packet.infected.iter().next());
        });
    }

    /// Asks the memory system, without waiting, for what the packets a few events ahead will
    /// touch, in three stages so that no stage waits on a miss:
    /// - 3k events ahead, the packet itself;
    /// - 2k ahead, its fields at hand: the receiver's state, its link stream (which its
    ///   forwards draw from) and the tracker's record of the packet's heartbeat;
    /// - k ahead, those at hand: the receiver's view entry for the origin, the buffers a
    ///   forward writes, the infected set (which a forward searches), the reference counts
    ///   of the set and of the origin's record (each clone and the drop update them), and
    ///   the receiver's mark in the heartbeat's record.
    ///
    /// In a large bucket (a burst puts thousands of packets in one) the whole-bucket read of
    /// `warm_bucket` is evicted before most are handled.
    pub(crate) fn prefetch_ahead(&self) {
        if let Some(p) = self.queue.slot_ahead(3 * PREFETCH_AHEAD) {
            prefetch(p);
        }
        if let Some(env) = self.queue.envelope_ahead(2 * PREFETCH_AHEAD) {
            let to = env.to as usize;
            // Addresses only: nothing of the receiver is read yet.
            if let (Some(node), Some(link)) = (self.nodes.get(to), self.link_rngs.get(to)) {
                prefetch_all(node);
                prefetch_all(link);
            }
            if let Some(p) = self
                .tracked(env)
                .and_then(|h| self.observers.heartbeat_slot(h))
            {
                prefetch_slot(p);
            }
        }
        if let Some(env) = self.queue.envelope_ahead(PREFETCH_AHEAD) {
            if let Some(Some(node)) = self.nodes.get(env.to as usize) {
                if let Some(s) = node.view_slot(&env.packet.node.id) {
                    prefetch_slot(s);
                }
                for s in node.forward_slots() {
                    prefetch_slot(s);
                }
            }
            // A forward searches the whole set: its first lines (a few dozen identities).
            let set = env.packet.infected.as_slice();
            prefetch_all(&set[..set.len().min(48)]);
            // Every clone and the drop of the packet count on its origin's record and set.
            for s in env.packet.shared_slots() {
                prefetch_slot(s);
            }
            // The delivery marks the receiver in its heartbeat's record (fetched above).
            if let Some(p) = self
                .tracked(env)
                .and_then(|h| self.observers.reached_slot(h, env.to))
            {
                prefetch_slot(p);
            }
        }
    }

    /// The tracker's number of the heartbeat `env` is a copy of.
    #[inline]
    fn tracked(&self, env: &Envelope) -> Option<u64> {
        env.heartbeat(self.observers.next_heartbeat())
    }
}

/// How many events ahead [`Fast::prefetch_ahead`] reads a packet's fields (twice that,
/// the receiver's state; three times, it fetches the packet): far enough for a main-memory
/// miss to complete, near enough that the line is still in the first-level cache when the
/// event comes.
const PREFETCH_AHEAD: usize = 8;

/// Hints every cache line of the value at `p` in (a node's state is a dozen lines; which of
/// them a packet touches depends on what it carries).
#[inline(always)]
fn prefetch_all<T: ?Sized>(value: &T) {
    // A reference is only an address: making it reads nothing.
    let base: *const u8 = (value as *const T).cast();
    for offset in (0..std::mem::size_of_val(value)).step_by(64) {
        prefetch(base.wrapping_add(offset).cast());
    }
}

/// A hint to bring in the cache line of a slot the protocol or the observers named.
#[inline(always)]
fn prefetch_slot(slot: Slot) {
    // Only an address for the hint: no provenance, as nothing is read through it.
    prefetch(std::ptr::without_provenance(slot.addr()));
}

/// A hint to bring the cache line at `p` in; it never faults and changes no result.
#[inline(always)]
fn prefetch(p: *const ()) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` only hints the cache: it never faults, whatever the address, and
    // reads nothing the program sees; SSE, which it needs, is part of every x86-64 CPU.
    // Measured: see docs/performance.md (the full-view load, prefetching ahead).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
