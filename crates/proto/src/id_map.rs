//! A map keyed by node identity that stores dense identities in a table indexed by them.

use std::collections::BTreeMap;

use super::member::Identity;

/// Dense indices at or above this go to the ordered map: the table grows to the largest dense
/// index it holds, so an identity such as a large `u64` must not decide its size.
const DENSE_LIMIT: usize = 1 << 16;

/// Identity → value. A dense identity below [`DENSE_LIMIT`] (the simulator's node index) is
/// its own slot in a table: a lookup is one indexed load, an insert or a removal O(1), with no
/// hashing and no moving of other entries. Any other identity lives in an ordered map.
///
/// No iteration order is exposed, so nothing that reaches an output depends on the layout.
#[derive(Clone, Debug)]
pub(crate) struct IdMap<Id, T> {
    dense: Vec<Option<T>>,
    sparse: BTreeMap<Id, T>,
}

fn slot<Id: Identity>(id: &Id) -> Option<usize> {
    id.dense_index().filter(|&d| d < DENSE_LIMIT)
}

impl<Id: Identity, T> IdMap<Id, T> {
    pub(crate) fn new() -> IdMap<Id, T> {
        IdMap {
            dense: Vec::new(),
            sparse: BTreeMap::new(),
        }
    }

    pub(crate) fn get(&self, id: &Id) -> Option<&T> {
        match slot(id) {
            Some(d) => self.dense.get(d)?.as_ref(),
            None => self.sparse.get(id),
        }
    }

    /// Where `id`'s value is or would be kept in the dense table, without reading it.
    pub(crate) fn dense_slot(&self, id: &Id) -> Option<*const u8> {
        let d = slot(id)?;
        (d < self.dense.len()).then(|| self.dense.as_ptr().wrapping_add(d).cast())
    }

    pub(crate) fn get_mut(&mut self, id: &Id) -> Option<&mut T> {
        match slot(id) {
            Some(d) => self.dense.get_mut(d)?.as_mut(),
            None => self.sparse.get_mut(id),
        }
    }

    /// Inserts or replaces; returns the value that was there.
    pub(crate) fn insert(&mut self, id: Id, value: T) -> Option<T> {
        match slot(&id) {
            Some(d) => {
                if d >= self.dense.len() {
                    // Grow by an eighth, not the doubling `resize` would do: a table of a
                    // large simulated view is a few hundred kB, and n of them are the run's
                    // memory.
                    if d >= self.dense.capacity() {
                        let cap = self.dense.capacity();
                        let want = (d + 1).max(cap + cap / 8);
                        self.dense.reserve_exact(want - self.dense.len());
                    }
                    self.dense.resize_with(d + 1, || None);
                }
                self.dense[d].replace(value)
            }
            None => self.sparse.insert(id, value),
        }
    }

    pub(crate) fn remove(&mut self, id: &Id) -> Option<T> {
        match slot(id) {
            Some(d) => self.dense.get_mut(d)?.take(),
            None => self.sparse.remove(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn agrees_with_an_ordered_map_for_dense_and_large_ids() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut map: IdMap<u64, u32> = IdMap::new();
        let mut model = BTreeMap::new();
        for step in 0..5000u32 {
            // Half the ids are dense table slots, half beyond the limit.
            let id = match rng.gen_range(0..2) {
                0 => rng.gen_range(0..64),
                _ => DENSE_LIMIT as u64 + rng.gen_range(0..64),
            };
            match rng.gen_range(0..3) {
                0 | 1 => assert_eq!(map.insert(id, step), model.insert(id, step)),
                _ => assert_eq!(map.remove(&id), model.remove(&id)),
            }
            assert_eq!(map.get(&id), model.get(&id));
            if let Some(v) = map.get_mut(&id) {
                *v += 1;
                *model.get_mut(&id).unwrap() += 1;
            }
        }
    }

    #[test]
    fn a_huge_dense_id_does_not_size_the_table() {
        let mut map: IdMap<u64, ()> = IdMap::new();
        map.insert(u64::MAX, ());
        map.insert(3, ());
        assert_eq!(map.dense.len(), 4);
        assert!(map.get_mut(&u64::MAX).is_some());
    }
}
