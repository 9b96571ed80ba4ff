//! A view's member identities in order, stored only where they differ from `0..n`.

use crate::member::Identity;

/// The identities of a view, ascending.
///
/// A simulated view that has heard of every node holds the dense identities `0..n`: then the
/// list is implied and not stored (4 or 8 bytes less per member, n² in all), and the `k`-th
/// member is `k` without a memory read. A view that has lost a few of them (a node expired, a
/// false removal in a large cluster) stores only the missing ones, its holes, so one silent
/// node does not make ten thousand views write out their lists. Any other set is a sorted
/// vector.
#[derive(Clone, Debug)]
pub(crate) enum Members<Id> {
    /// The dense identities `0..span` except `holes`.
    ///
    /// `holes` are dense indices, ascending, all below `span − 1` (the last identity is
    /// present, so the span is as short as it can be), and never more than the members:
    /// past that a sorted list is smaller.
    Dense { span: usize, holes: Vec<u32> },
    /// Any set of identities, sorted ascending.
    Sorted(Vec<Id>),
}

impl<Id: Identity> Members<Id> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Members::Dense { span, holes } => span - holes.len(),
            Members::Sorted(ids) => ids.len(),
        }
    }

    /// The `k`-th identity (`k < len`).
    pub(crate) fn get(&self, k: usize) -> Id {
        match self {
            Members::Dense { holes, .. } => dense_id(k + holes_at_or_below_rank(holes, k)),
            Members::Sorted(ids) => ids[k].clone(),
        }
    }

    /// Where `id` is (or would go), as `binary_search` answers.
    pub(crate) fn find(&self, id: &Id) -> Result<usize, usize> {
        match self {
            Members::Dense { span, holes } => match id.dense_index() {
                Some(d) if d < *span => {
                    let below = holes.partition_point(|&h| (h as usize) < d);
                    if holes.get(below).is_some_and(|&h| h as usize == d) {
                        Err(d - below)
                    } else {
                        Ok(d - below)
                    }
                }
                // Dense identities order as their indices; a non-dense one sorts after them
                // only for types that have none, so it never meets a `Dense` list.
                _ => Err(span - holes.len()),
            },
            Members::Sorted(ids) => find(ids, id),
        }
    }

    /// Inserts `id` at `at` (from [`Members::find`]).
    pub(crate) fn insert(&mut self, at: usize, id: Id) {
        if let Members::Dense { span, holes } = self {
            match id.dense_index() {
                // A hole filled (`find` said it is missing, so it is one).
                Some(d) if d < *span => {
                    let j = holes.partition_point(|&h| (h as usize) < d);
                    holes.remove(j);
                    return;
                }
                Some(d) if d == *span => {
                    *span += 1;
                    return;
                }
                // Past the end: the gap becomes holes, while they stay fewer than the members.
                Some(d)
                    if u32::try_from(d).is_ok()
                        && holes.len() + (d - *span) <= *span - holes.len() + 1 =>
                {
                    holes.extend(*span as u32..d as u32);
                    *span = d + 1;
                    return;
                }
                _ => {}
            }
        }
        let ids = self.sorted_mut();
        ids.insert(at, id);
        self.compact();
    }

    /// Keeps the identities for which `keep` says so, in order.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&Id) -> bool) {
        if let Members::Dense { span, holes } = self {
            // The identities dropped, ascending; usually none, and then nothing is allocated.
            let mut dropped: Vec<u32> = Vec::new();
            let mut next_hole = holes.iter().copied().peekable();
            for d in 0..*span {
                if next_hole.peek().is_some_and(|&h| h as usize == d) {
                    next_hole.next();
                } else if !keep(&dense_id(d)) {
                    // `d < span`, and a span fits in u32 (see `insert`, `compact`).
                    dropped.push(d as u32);
                }
            }
            if !dropped.is_empty() {
                *holes = merge(holes, &dropped);
                self.trim();
            }
            return;
        }
        if let Members::Sorted(ids) = self {
            ids.retain(keep);
        }
        self.compact();
    }

    /// Calls `f` on each identity in order.
    pub(crate) fn for_each(&self, mut f: impl FnMut(usize, Id)) {
        match self {
            Members::Dense { span, holes } => {
                let mut next_hole = holes.iter().copied().peekable();
                let mut k = 0;
                for d in 0..*span {
                    if next_hole.peek().is_some_and(|&h| h as usize == d) {
                        next_hole.next();
                        continue;
                    }
                    f(k, dense_id(d));
                    k += 1;
                }
            }
            Members::Sorted(ids) => {
                for (k, id) in ids.iter().enumerate() {
                    f(k, id.clone());
                }
            }
        }
    }

    /// The list as a vector, written out if it was implied.
    fn sorted_mut(&mut self) -> &mut Vec<Id> {
        if let Members::Dense { .. } = self {
            let mut ids = Vec::with_capacity(self.len() + 1);
            self.for_each(|_, id| ids.push(id));
            *self = Members::Sorted(ids);
        }
        match self {
            Members::Sorted(ids) => ids,
            Members::Dense { .. } => unreachable!("just written out"),
        }
    }

    /// Restores the `Dense` invariants after holes were added: drops trailing holes, and
    /// writes the list out when the holes outnumber the members.
    fn trim(&mut self) {
        let Members::Dense { span, holes } = self else {
            return;
        };
        while *span > 0 && holes.last().is_some_and(|&h| h as usize == *span - 1) {
            holes.pop();
            *span -= 1;
        }
        if *span == 0 {
            *self = Members::Sorted(Vec::new());
        } else if holes.len() > *span - holes.len() {
            self.sorted_mut();
        }
    }

    /// Stores a sorted list by its holes when they are at most half the members (half, not
    /// all, so a list near the limit does not switch back and forth on every change).
    fn compact(&mut self) {
        let Members::Sorted(ids) = self else {
            return;
        };
        let Some(last) = ids.last().and_then(Identity::dense_index) else {
            return;
        };
        let (span, n) = (last + 1, ids.len());
        // Distinct sorted identities, the last of them dense: all are dense, and `span − n`
        // are missing below the last.
        if u32::try_from(span).is_err() || 2 * (span - n) > n {
            return;
        }
        let mut holes = Vec::with_capacity(span - n);
        let mut expect = 0;
        for id in ids.iter() {
            let d = id.dense_index().unwrap_or(expect);
            holes.extend(expect as u32..d as u32);
            expect = d + 1;
        }
        *self = Members::Dense { span, holes };
    }
}

/// The identity of dense index `d` (which came from an identity of this type).
fn dense_id<Id: Identity>(d: usize) -> Id {
    match Id::from_dense_index(d) {
        Some(id) => id,
        // `Dense` holds only indices below a span that came from `dense_index`.
        None => unreachable!("dense member {d} has no identity"),
    }
}

/// How many holes lie below the `k`-th member: the `k`-th member is `k` plus that.
///
/// `h − i` (hole value minus its rank) does not decrease along distinct ascending holes, and
/// hole `i` lies below the `k`-th member exactly when `h − i ≤ k`.
fn holes_at_or_below_rank(holes: &[u32], k: usize) -> usize {
    let (mut lo, mut hi) = (0, holes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        // Distinct naturals: the hole of rank `mid` is at least `mid`.
        if holes[mid] as usize - mid <= k {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The union of two disjoint ascending lists, ascending.
fn merge(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
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
#[path = "members_tests.rs"]
mod tests;
