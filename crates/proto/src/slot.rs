//! Addresses for cache hints: where a driver that reads ahead will find what the next packets
//! touch, as numbers. A raw pointer in the public API would invite reading through it; an
//! address as a number carries no such promise, and the driver turns it into a prefetch.

/// Where some state is kept in memory, computed without reading it: a hint for a driver that
/// prefetches what the next packets will touch (the simulator does). Nothing can be read
/// through it; the state may have moved by the time the hint is used, which costs a wasted
/// prefetch, never a wrong result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(usize);

impl Slot {
    /// The slot `value` is kept in.
    #[inline(always)]
    pub fn of<T: ?Sized>(value: &T) -> Slot {
        Slot::at((value as *const T).cast())
    }

    /// The slot at `p`, which may point anywhere (a hint is never read through).
    #[inline(always)]
    pub(crate) fn at(p: *const u8) -> Slot {
        Slot(p.addr())
    }

    /// The address, for a prefetch instruction (on x86-64, `_mm_prefetch` of
    /// `std::ptr::without_provenance(slot.addr())`).
    #[inline(always)]
    pub fn addr(self) -> usize {
        self.0
    }
}
