//! Reading ahead: the event loop asks the memory system for what the next packets will
//! touch before it handles them, so that their cache misses overlap instead of stalling one
//! event at a time. It only reads: no outcome depends on it.

use super::simulator::Simulator;

impl Simulator {
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
    /// touch: the packet itself (16 events ahead), then (8 ahead, its fields now at hand) the
    /// receiver's view entry for the origin and the packet's infected set, whose reference
    /// count its drop updates. In a large bucket (a burst puts thousands of packets in one)
    /// the whole-bucket read of `warm_bucket` is evicted before most are handled.
    pub(crate) fn prefetch_ahead(&self) {
        let (near, far) = self.queue.ahead(PREFETCH_AHEAD);
        if let Some(p) = far {
            prefetch(p);
        }
        if let Some(env) = near {
            if let Some(Some(node)) = self.nodes.get(env.to as usize) {
                if let Some(p) = node.view_slot(&env.packet.node.id) {
                    prefetch(p);
                }
            }
            prefetch(env.packet.infected.as_slice().as_ptr().cast());
        }
    }
}

/// How many events ahead [`Simulator::prefetch_ahead`] reads a packet's fields (and twice that,
/// fetches the packet): far enough for a main-memory miss to complete, near enough that the
/// line is still in the first-level cache when the event comes.
const PREFETCH_AHEAD: usize = 16;

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
