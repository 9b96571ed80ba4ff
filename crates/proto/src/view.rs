//! A node's list of live nodes: entries keyed by identity, refreshed by heartbeats, expired by
//! silence, and sampled at random for gossip targets.

use std::time::Duration;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::forwarding::LastForward;
use super::id_map::IdMap;
use super::member::{Identity, NodeInfo};
use super::time::Time;

/// What [`View::refresh`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refresh {
    /// The node was not in the view.
    Joined,
    /// The node was there and announced a new name or private data.
    Updated,
    /// The node was there, unchanged.
    Refreshed,
}

/// Entries keyed by identity, with the identities also kept in a sorted vector.
///
/// The sorted `members` make a pick an index (target selection stays O(amount)) and give
/// iteration and expiry their identity order; an insert moves only identities, not entries.
/// The entries themselves sit in an [`IdMap`], one indexed load away for dense identities, so
/// a refresh (once per received heartbeat) touches one entry and nothing else.
#[derive(Clone, Debug)]
pub(crate) struct View<Id> {
    members: Vec<Id>,
    /// The members are exactly the dense identities `0..len`: member `k` is identity `k`, so a
    /// random pick needs no read of `members` (a cache miss in a large view).
    complete: bool,
    entries: IdMap<Id, Entry<Id>>,
    /// No entry expires before this time: a lower bound, so a wake-up may find nothing to do.
    next_expiry: Option<Time>,
}

/// One node in the view: when it was last refreshed, when this node last forwarded one of its
/// heartbeats, and its record. Half a cache line each (for dense ids), never split across two,
/// because a received heartbeat reads and writes all three; half, so that a thousand views of
/// a thousand entries take 32 MB rather than 64.
#[derive(Clone, Debug)]
#[repr(align(32))]
struct Entry<Id> {
    seen: Time,
    forwarded: LastForward,
    info: NodeInfo<Id>,
}

/// The first instant at which an entry seen at `last_seen` counts as expired (silent for
/// *more* than `timeout`, as Go's `time + timeout < now`).
fn deadline(last_seen: Time, timeout: Duration) -> Time {
    last_seen + timeout + Duration::from_micros(1)
}

/// Where `id` is in the sorted `ids` (or where it would go), as `binary_search` answers.
///
/// With dense ids the entry for `d` sits at `d` or below (distinct sorted naturals have
/// `ids[k] ≥ k`), and exactly at `d` in a complete view, so the search gallops down from
/// there: one probe in the common case, a few nearby ones otherwise.
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

impl<Id: Identity> View<Id> {
    pub(crate) fn new() -> View<Id> {
        View {
            members: Vec::new(),
            complete: false,
            entries: IdMap::new(),
            next_expiry: None,
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    /// The entries by identity, with when each was last refreshed.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = (&NodeInfo<Id>, Time)> + '_ {
        self.members.iter().map(|id| match self.entries.get(id) {
            Some(e) => (&e.info, e.seen),
            // Every member has an entry: both change together, in `refresh` and `expire`.
            None => unreachable!("view member without an entry"),
        })
    }

    pub(crate) fn contains(&self, id: &Id) -> bool {
        self.entries.get(id).is_some()
    }

    /// When the driver must look for expired entries next.
    pub(crate) fn next_expiry(&self) -> Option<Time> {
        self.next_expiry
    }

    /// Inserts `info` or refreshes its entry, taking its name and private data.
    pub(crate) fn refresh(&mut self, now: Time, info: &NodeInfo<Id>, timeout: Duration) -> Refresh {
        let due = deadline(now, timeout);
        self.next_expiry = Some(self.next_expiry.map_or(due, |t| t.min(due)));
        if let Some(e) = self.entries.get_mut(&info.id) {
            e.seen = now;
            // Copies of one announcement share their record: this rarely reads the strings.
            return if !e.info.same_record(info) {
                e.info = info.clone();
                Refresh::Updated
            } else {
                Refresh::Refreshed
            };
        }
        if let Err(at) = find(&self.members, &info.id) {
            self.members.insert(at, info.id.clone());
            self.complete = self.holds_exactly_dense_ids();
        }
        let entry = Entry {
            seen: now,
            forwarded: LastForward::default(),
            info: info.clone(),
        };
        self.entries.insert(info.id.clone(), entry);
        Refresh::Joined
    }

    /// The record of when this node last forwarded a heartbeat of `id`, if `id` is in the view.
    pub(crate) fn last_forward(&mut self, id: &Id) -> Option<&mut LastForward> {
        self.entries.get_mut(id).map(|e| &mut e.forwarded)
    }

    /// Removes every entry silent for more than `timeout`, calling `expired` for each in
    /// identity order. Does nothing before [`View::next_expiry`].
    pub(crate) fn expire(&mut self, now: Time, timeout: Duration, mut expired: impl FnMut(Id)) {
        match self.next_expiry {
            Some(t) if t <= now => {}
            _ => return,
        }
        let mut next: Option<Time> = None;
        let entries = &mut self.entries;
        self.members.retain(|id| {
            let due = entries.get(id).map(|e| deadline(e.seen, timeout));
            match due {
                Some(due) if due > now => {
                    next = Some(next.map_or(due, |t| t.min(due)));
                    true
                }
                _ => {
                    entries.remove(id);
                    expired(id.clone());
                    false
                }
            }
        });
        self.next_expiry = next;
        self.complete = self.holds_exactly_dense_ids();
    }

    /// Distinct sorted naturals whose largest is `len - 1` are exactly `0..len`.
    fn holds_exactly_dense_ids(&self) -> bool {
        let last = self.members.last().and_then(Identity::dense_index);
        last.is_some_and(|d| d + 1 == self.members.len())
    }

    /// The `k`-th member in identity order.
    fn member(&self, k: usize) -> Id {
        if self.complete {
            if let Some(id) = Id::from_dense_index(k) {
                return id;
            }
        }
        self.members[k].clone()
    }

    /// Picks up to `amount` entries neither in `infected` (sorted ascending) nor already in
    /// `picked`, uniformly at random, pushing each to `picked`.
    ///
    /// Go walks its map from a random start; we sample uniformly. Sampling by
    /// index with rejection costs O(amount) when few entries are infected; when many are, a
    /// scan of the candidates followed by a partial shuffle keeps the choice uniform.
    pub(crate) fn pick_uninfected(
        &self,
        rng: &mut ChaCha8Rng,
        amount: usize,
        infected: &[Id],
        picked: &mut Vec<Id>,
        scratch: &mut Vec<usize>,
    ) {
        let ids = &self.members;
        let n = ids.len();
        if n == 0 || amount == 0 {
            return;
        }
        let start = picked.len();
        // `picked` holds at most `amount` ids: a scan beats keeping it sorted.
        let taken = |picked: &[Id], id: &Id| {
            infected.binary_search(id).is_ok() || picked[start..].contains(id)
        };
        if infected.len() * 2 < n {
            let mut tries = 4 * amount + 4;
            while picked.len() - start < amount && tries > 0 {
                tries -= 1;
                let id = self.member(rng.gen_range(0..n));
                if !taken(picked, &id) {
                    picked.push(id);
                }
            }
        }
        let need = amount - (picked.len() - start);
        if need == 0 {
            return;
        }
        scratch.clear();
        scratch.extend((0..n).filter(|&i| !taken(picked, &ids[i])));
        let take = need.min(scratch.len());
        for j in 0..take {
            let k = rng.gen_range(j..scratch.len());
            scratch.swap(j, k);
            picked.push(ids[scratch[j]].clone());
        }
    }

    /// One entry other than `local`, uniformly at random (the swap partner).
    pub(crate) fn pick_other(&self, rng: &mut ChaCha8Rng, local: &Id) -> Option<Id> {
        let ids = &self.members;
        let n = ids.len();
        match find(ids, local) {
            Ok(at) if n > 1 => {
                // Draw among the others, skipping the local entry's slot.
                let k = rng.gen_range(0..n - 1);
                Some(self.member(if k >= at { k + 1 } else { k }))
            }
            Ok(_) => None,
            Err(_) if n > 0 => Some(self.member(rng.gen_range(0..n))),
            Err(_) => None,
        }
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
