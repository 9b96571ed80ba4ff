//! A calendar queue: the event queue's ordering structure.
//!
//! Almost every event is scheduled a few milliseconds ahead (a packet's latency), so keys are
//! dropped into fixed-width time buckets on a ring and each bucket is sorted only when the
//! clock reaches it. Popping then walks a small sorted vector instead of sifting a binary heap
//! of every pending event (a chain of dependent loads and unpredictable branches per pop).
//! Events beyond the ring's horizon (protocol timers a cycle ahead) wait in a binary heap and
//! move onto the ring as the clock approaches them.
//!
//! A bucket can also hold the items its events are about (packets on their way), appended
//! beside its keys: writes go to the end of a bucket's vector and reads stay within the bucket
//! being drained, instead of a random slot of one large table per event (two cache misses per
//! packet, a quarter of the simulator's time on a full-view load).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bucket width: 2^6 µs = 64 µs, a few dozen events in a busy thousand-node run.
const WIDTH_SHIFT: u32 = 6;
/// Number of buckets on the ring: 512 × 64 µs ≈ 33 ms of horizon, a few typical latencies.
/// Bucket memory is reused once per revolution, so a longer horizon writes more memory between
/// reuses than the cache keeps (measured under cachegrind: a 262 ms ring missed the last
/// level cache 20% more than a binary heap; this one about as often, with 4% fewer
/// instructions and 7% fewer first-level misses).
const RING: usize = 1 << 9;
/// Where a key's time (µs) starts: keys are `time << TIME_SHIFT | lower bits`.
const TIME_SHIFT: u32 = 80;

/// Distinct `u128` keys, popped smallest first, with the time in the top 48 bits; some carry
/// an item of type `P`, stored in their bucket.
///
/// Keys must be pushed in the queue's own order of events: never into a bucket the clock has
/// left (the simulator never schedules in the past).
pub(crate) struct Calendar<P> {
    /// The bucket being drained, sorted largest first so the smallest pops off the end.
    active: Vec<u128>,
    /// The items of the active bucket, by the index their key carries.
    active_items: Vec<Option<P>>,
    /// Bucket number (time >> WIDTH_SHIFT) of `active`.
    cursor: u64,
    /// Buckets `cursor + 1 .. cursor + RING`, at index `bucket % RING`, unsorted.
    ring: Vec<Vec<u128>>,
    /// The items of the ring's buckets, at the same index.
    ring_items: Vec<Vec<Option<P>>>,
    /// Keys held on the ring.
    on_ring: usize,
    /// Keys at `cursor + RING` or later.
    far: BinaryHeap<Reverse<u128>>,
    /// Whether `active` was just filled from the ring and not yet handed out by `fresh`.
    fresh: bool,
    /// Room for sorting a bucket by distribution (see [`sort_bucket`]).
    scratch: Vec<u128>,
}

fn bucket(key: u128) -> u64 {
    (key >> (TIME_SHIFT + WIDTH_SHIFT)) as u64
}

/// Items a drained bucket may keep room for: a burst's buckets give back what they grew to.
const KEEP_ITEMS: usize = 256;

impl<P> Default for Calendar<P> {
    fn default() -> Calendar<P> {
        Calendar {
            active: Vec::new(),
            active_items: Vec::new(),
            cursor: 0,
            ring: (0..RING).map(|_| Vec::new()).collect(),
            ring_items: (0..RING).map(|_| Vec::new()).collect(),
            on_ring: 0,
            far: BinaryHeap::new(),
            fresh: false,
            scratch: Vec::new(),
        }
    }
}

impl<P> Calendar<P> {
    /// Schedules `key` with `item`, if its bucket is within the horizon; otherwise hands the
    /// item back. The item's index in its bucket is or-ed into the key's low 32 bits, which
    /// must be zero; [`take`](Calendar::take) gets the item when the key has popped.
    pub(crate) fn push_with(&mut self, key: u128, item: P) -> Result<(), P> {
        let b = bucket(key);
        let items = if b <= self.cursor {
            &mut self.active_items
        } else if b - self.cursor < RING as u64 {
            &mut self.ring_items[b as usize % RING]
        } else {
            return Err(item);
        };
        let Ok(index) = u32::try_from(items.len()) else {
            return Err(item);
        };
        items.push(Some(item));
        self.push(key | u128::from(index));
        Ok(())
    }

    /// The `n`-th next key of the active bucket (0: the next to pop), if it holds that many.
    pub(crate) fn next_key(&self, n: usize) -> Option<u128> {
        let at = self.active.len().checked_sub(n + 1)?;
        self.active.get(at).copied()
    }

    /// The active bucket's item at `index`, left in place.
    pub(crate) fn item(&self, index: u32) -> Option<&P> {
        self.active_items.get(index as usize)?.as_ref()
    }

    /// Where the active bucket's item at `index` is kept, without reading it.
    pub(crate) fn item_slot(&self, index: u32) -> Option<*const ()> {
        let i = index as usize;
        (i < self.active_items.len()).then(|| self.active_items.as_ptr().wrapping_add(i).cast())
    }

    /// The item of the key just popped (`index`: its low 32 bits), once.
    pub(crate) fn take(&mut self, index: u32) -> Option<P> {
        self.active_items.get_mut(index as usize)?.take()
    }

    pub(crate) fn push(&mut self, key: u128) {
        let b = bucket(key);
        if b <= self.cursor {
            debug_assert_eq!(b, self.cursor, "scheduled into a bucket already left");
            // Largest first: the new key goes before every smaller one.
            let at = self.active.partition_point(|&k| k > key);
            self.active.insert(at, key);
        } else if b - self.cursor < RING as u64 {
            self.ring[b as usize % RING].push(key);
            self.on_ring += 1;
        } else {
            self.far.push(Reverse(key));
        }
    }

    /// The smallest key, left in place.
    pub(crate) fn peek(&mut self) -> Option<u128> {
        if self.active.is_empty() {
            self.advance();
        }
        self.active.last().copied()
    }

    /// The keys of a bucket the clock has just reached, once (largest first): what the next
    /// few dozen events are, while there is time to fetch their memory together.
    pub(crate) fn fresh(&mut self) -> Option<(&[u128], &[Option<P>])> {
        std::mem::take(&mut self.fresh)
            .then_some((self.active.as_slice(), self.active_items.as_slice()))
    }

    pub(crate) fn pop(&mut self) -> Option<u128> {
        self.peek()?;
        self.active.pop()
    }

    /// Moves the cursor to the next bucket that holds keys and makes it the active one.
    fn advance(&mut self) {
        loop {
            if self.on_ring == 0 {
                // Nothing near: jump straight to the first far key's bucket.
                match self.far.peek() {
                    Some(&Reverse(key)) => self.cursor = self.cursor.max(bucket(key) - 1),
                    None => return,
                }
            }
            self.cursor += 1;
            // Keep the ring's invariant: every key within the horizon is on it.
            while let Some(&Reverse(key)) = self.far.peek() {
                let b = bucket(key);
                if b - self.cursor >= RING as u64 {
                    break;
                }
                self.far.pop();
                self.ring[b as usize % RING].push(key);
                self.on_ring += 1;
            }
            let at = self.cursor as usize % RING;
            let slot = &mut self.ring[at];
            if !slot.is_empty() {
                std::mem::swap(&mut self.active, slot);
                // The drained bucket's items are all taken (or dropped with their event).
                self.active_items.clear();
                if self.active_items.capacity() > KEEP_ITEMS {
                    self.active_items.shrink_to(KEEP_ITEMS);
                }
                std::mem::swap(&mut self.active_items, &mut self.ring_items[at]);
                self.on_ring -= self.active.len();
                sort_bucket(&mut self.active, &mut self.scratch);
                self.fresh = true;
                return;
            }
        }
    }
}

/// Sorts one bucket's keys largest first.
///
/// A bucket spans 2^[`WIDTH_SHIFT`] microseconds, and its keys arrive nearly in order: within
/// one microsecond, by sequence number (keys moved from the far heap come in key order, before
/// any key pushed straight into the bucket, which is pushed later and so numbered higher). A
/// stable distribution by microsecond then leaves the bucket sorted in a few linear passes, where
/// a comparison sort of 16-byte keys cost a twentieth of a full-view run's instructions. The
/// result is checked, and sorted the general way should a bucket ever break that order, so the
/// order of events never depends on it.
fn sort_bucket(keys: &mut [u128], scratch: &mut Vec<u128>) {
    const SLOTS: usize = 1 << WIDTH_SHIFT;
    if keys.len() < 2 * SLOTS {
        keys.sort_unstable_by(|a, b| b.cmp(a));
        return;
    }
    let slot = |key: u128| (key >> TIME_SHIFT) as usize & (SLOTS - 1);
    let mut ends = [0usize; SLOTS];
    for &key in keys.iter() {
        ends[slot(key)] += 1;
    }
    // Largest first: the latest microsecond's keys take the front of the output.
    let mut end = 0;
    for e in ends.iter_mut().rev() {
        end += *e;
        *e = end;
    }
    // Every slot is written below: only growth needs filling.
    scratch.resize(keys.len(), 0);
    // Each microsecond's range fills from its back, so keys that came in ascending order come
    // out descending.
    for &key in keys.iter() {
        let e = &mut ends[slot(key)];
        *e -= 1;
        scratch[*e] = key;
    }
    // Copied back rather than swapped: each ring slot keeps a vector sized by its own buckets
    // (swapping let every slot's vector grow to the largest bucket of the run: 38 MB more at
    // 10,000 nodes).
    keys.copy_from_slice(scratch);
    if !keys.windows(2).all(|w| w[0] > w[1]) {
        keys.sort_unstable_by(|a, b| b.cmp(a));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn key(time_us: u64, seq: u64) -> u128 {
        (u128::from(time_us) << TIME_SHIFT) | (u128::from(seq) << 40)
    }

    #[test]
    fn pops_in_key_order_under_interleaved_pushes_near_and_far() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut calendar = Calendar::<()>::default();
        let mut model = std::collections::BTreeSet::new();
        let mut now = 0u64;
        for seq in 0..50_000u64 {
            if rng.gen_bool(0.55) {
                // Like the simulator: now, within the ring, or far beyond it.
                let ahead = match rng.gen_range(0..4) {
                    0 => 0,
                    1 => rng.gen_range(0..100),
                    2 => rng.gen_range(0..300_000),
                    _ => rng.gen_range(0..20_000_000),
                };
                let k = key(now + ahead, seq);
                model.insert(k);
                calendar.push(k);
            } else {
                let expected = model.pop_first();
                assert_eq!(calendar.peek(), expected);
                assert_eq!(calendar.pop(), expected);
                if let Some(k) = expected {
                    now = (k >> TIME_SHIFT) as u64;
                }
            }
        }
        while let Some(expected) = model.pop_first() {
            assert_eq!(calendar.pop(), Some(expected));
        }
        assert_eq!(calendar.pop(), None);
    }

    #[test]
    fn buckets_sort_largest_first_in_order_or_out_of_it() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut scratch = Vec::new();
        for shuffled in [false, true] {
            for n in [0, 1, 5, 127, 128, 1_000, 20_000] {
                // Pushed in sequence order, each at a random microsecond of one bucket.
                let mut keys: Vec<u128> = (0..n as u64)
                    .map(|seq| key((7 << WIDTH_SHIFT) + rng.gen_range(0..64), seq + 1))
                    .collect();
                if shuffled && n > 1 {
                    keys.swap(0, n - 1);
                }
                let mut expected = keys.clone();
                expected.sort_unstable_by(|a, b| b.cmp(a));
                sort_bucket(&mut keys, &mut scratch);
                assert_eq!(keys, expected, "{n} keys, shuffled: {shuffled}");
            }
        }
    }

    #[test]
    fn a_far_key_alone_is_reached_without_walking_the_empty_ring() {
        let mut calendar = Calendar::<()>::default();
        let far = key((1 << 48) - 1, 1);
        calendar.push(far);
        assert_eq!(calendar.pop(), Some(far));
        assert_eq!(calendar.pop(), None);
    }

    #[test]
    fn items_come_back_with_their_keys_and_far_ones_are_refused() {
        let mut calendar = Calendar::<u64>::default();
        let mut model = std::collections::BTreeMap::new();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut now = 0u64;
        for seq in 1..20_000u64 {
            if rng.gen_bool(0.5) {
                let at = now + rng.gen_range(0..40_000);
                let k = key(at, seq);
                match calendar.push_with(k, seq) {
                    Ok(()) => {
                        model.insert(k, Some(seq));
                    }
                    Err(back) => {
                        assert_eq!(back, seq);
                        assert!(at - now >= ((RING as u64 - 1) << WIDTH_SHIFT));
                        calendar.push(k);
                        model.insert(k, None);
                    }
                }
            } else if let Some((k, item)) = model.pop_first() {
                let popped = calendar.pop().expect("a key");
                assert_eq!(popped >> 32, k >> 32, "same time, sequence and kind");
                assert_eq!(item.and_then(|_| calendar.take(popped as u32)), item);
                now = (k >> TIME_SHIFT) as u64;
            }
        }
    }
}
