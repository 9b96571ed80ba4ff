//! A view's member identities in order, stored only when they are not simply `0..n`.

use crate::member::Identity;

/// The identities of a view, ascending.
///
/// A simulated view that has heard of every node holds exactly the dense identities `0..n`:
/// then the list is implied and not stored (4 or 8 bytes less per member, n² in all), and the
/// `k`-th member is `k` without a memory read. Any other set is a sorted vector.
#[derive(Clone, Debug)]
pub(crate) enum Members<Id> {
    /// Exactly the dense identities `0..n`.
    Dense(usize),
    /// Any set of identities, sorted ascending.
    Sorted(Vec<Id>),
}

impl<Id: Identity> Members<Id> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Members::Dense(n) => *n,
            Members::Sorted(ids) => ids.len(),
        }
    }

    /// The `k`-th identity (`k < len`).
    pub(crate) fn get(&self, k: usize) -> Id {
        match self {
            Members::Dense(_) => match Id::from_dense_index(k) {
                Some(id) => id,
                // `Dense` holds only identities that came from `dense_index`.
                None => unreachable!("dense member {k} has no identity"),
            },
            Members::Sorted(ids) => ids[k].clone(),
        }
    }

    /// Where `id` is (or would go), as `binary_search` answers.
    pub(crate) fn find(&self, id: &Id) -> Result<usize, usize> {
        match self {
            Members::Dense(n) => match id.dense_index() {
                Some(d) if d < *n => Ok(d),
                // Dense identities order as their indices; a non-dense one sorts after them
                // only for types that have none, so it never meets a `Dense` list.
                _ => Err(*n),
            },
            Members::Sorted(ids) => find(ids, id),
        }
    }

    /// Inserts `id` at `at` (from [`Members::find`]).
    pub(crate) fn insert(&mut self, at: usize, id: Id) {
        if let Members::Dense(n) = self {
            if at == *n && id.dense_index() == Some(*n) {
                *n += 1;
                return;
            }
        }
        let ids = self.sorted_mut();
        ids.insert(at, id);
        self.compact();
    }

    /// Keeps the identities for which `keep` says so, in order.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Id) -> bool) {
        self.sorted_mut().retain(keep);
        self.compact();
    }

    /// Calls `f` on each identity in order.
    pub(crate) fn for_each(&self, mut f: impl FnMut(usize, Id)) {
        for k in 0..self.len() {
            f(k, self.get(k));
        }
    }

    /// The list as a vector, written out if it was implied.
    fn sorted_mut(&mut self) -> &mut Vec<Id> {
        if let Members::Dense(n) = *self {
            *self = Members::Sorted((0..n).map_while(Id::from_dense_index).collect());
        }
        match self {
            Members::Sorted(ids) => ids,
            Members::Dense(_) => unreachable!("just written out"),
        }
    }

    /// Drops the vector when it holds exactly `0..n` (distinct sorted naturals whose largest
    /// is `n − 1`).
    fn compact(&mut self) {
        if let Members::Sorted(ids) = self {
            let last = ids.last().and_then(Identity::dense_index);
            if last.is_some_and(|d| d == ids.len() - 1) {
                *self = Members::Dense(ids.len());
            }
        }
    }
}

/// Where `id` is in the sorted `ids` (or where it would go), as `binary_search` answers.
///
/// With dense ids the entry for `d` sits at `d` or below (distinct sorted naturals have
/// `ids[k] ≥ k`), so the search gallops down from there: one probe in the common case, a few
/// nearby ones otherwise.
pub(crate) fn find<Id: Identity>(ids: &[Id], id: &Id) -> Result<usize, usize> {
    let Some(d) = id.dense_index() else {
        return ids.binary_search(id);
    };
    let n = ids.len();
    if n == 0 {
        return Err(0);
    }
    let hi = d.min(n - 1);
    match ids[hi].cmp(id) {
        std::cmp::Ordering::Equal => return Ok(hi),
        std::cmp::Ordering::Less => return Err(hi + 1),
        std::cmp::Ordering::Greater => {}
    }
    // ids[hi] > id: gallop down to a lower bound.
    let mut step = 1;
    let mut top = hi;
    loop {
        let lo = top.saturating_sub(step);
        if ids[lo] <= *id {
            return ids[lo..top]
                .binary_search(id)
                .map(|i| lo + i)
                .map_err(|i| lo + i);
        }
        if lo == 0 {
            return Err(0);
        }
        top = lo;
        step *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn agrees_with_a_sorted_vector_through_inserts_and_removals() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut m: Members<u32> = Members::Sorted(Vec::new());
        let mut model: Vec<u32> = Vec::new();
        for _ in 0..4000 {
            let id = rng.gen_range(0..24);
            if rng.gen_range(0..3) > 0 {
                if let Err(at) = m.find(&id) {
                    m.insert(at, id);
                }
                if let Err(at) = model.binary_search(&id) {
                    model.insert(at, id);
                }
            } else {
                m.retain(|x| *x != id);
                model.retain(|x| *x != id);
            }
            assert_eq!(m.len(), model.len());
            let mut listed = Vec::new();
            m.for_each(|_, id| listed.push(id));
            assert_eq!(listed, model);
            for probe in 0..30 {
                assert_eq!(m.find(&probe), model.binary_search(&probe));
            }
            let dense = matches!(m, Members::Dense(_));
            let is_prefix = model.iter().enumerate().all(|(k, &id)| id as usize == k);
            assert_eq!(dense, !model.is_empty() && is_prefix, "{model:?}");
        }
    }

    #[test]
    fn find_agrees_with_binary_search_on_dense_ids() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for _ in 0..300 {
            let mut ids: Vec<u32> = (0..rng.gen_range(0..60))
                .map(|_| rng.gen_range(0..80))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for probe in 0..90u32 {
                assert_eq!(
                    find(&ids, &probe),
                    ids.binary_search(&probe),
                    "{ids:?} {probe}"
                );
            }
        }
    }
}
