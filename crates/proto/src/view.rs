//! A node's list of live nodes: entries keyed by identity, refreshed by heartbeats, expired by
//! silence, and sampled at random for gossip targets.

mod members;

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::clock::Clock;
use super::forwarding::Lag;
use super::id_map::IdMap;
use super::member::{Identity, NodeInfo, Record};
use super::time::Time;
use members::Members;

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

/// Entries keyed by identity, with the identities also kept in order.
///
/// The ordered `members` make a pick an index (target selection stays O(amount)) and give
/// iteration and expiry their identity order; an insert moves only identities, not entries.
/// The entries themselves sit in an [`IdMap`], one indexed load away for dense identities, so
/// a refresh (once per received heartbeat) touches one entry and nothing else.
#[derive(Clone, Debug)]
pub(crate) struct View<Id> {
    members: Members<Id>,
    entries: IdMap<Id, Entry>,
    clock: Clock,
    /// No entry expires before this time: a lower bound, so a wake-up may find nothing to do.
    next_expiry: Option<Time>,
}

/// One node in the view: its record (name and private data, shared by every copy of one
/// announcement), when it was last refreshed and how long before that this node last
/// forwarded one of its heartbeats.
///
/// Sixteen bytes, aligned to sixteen: a received heartbeat reads and writes one entry within
/// one cache line, and a thousand views of a thousand entries take 16 MB, which a large
/// last-level cache holds. The identity is the entry's key, not stored again.
#[derive(Clone, Debug)]
#[repr(align(16))]
struct Entry {
    record: Arc<Record>,
    /// Last refresh, on the view's [`Clock`].
    seen: u32,
    forwarded: Lag,
}

/// The first instant at which an entry seen at `last_seen` counts as expired (silent for
/// *more* than `timeout`, as Go's `time + timeout < now`).
fn deadline(last_seen: Time, timeout: Duration) -> Time {
    last_seen + timeout + Duration::from_micros(1)
}

impl<Id: Identity> View<Id> {
    /// An empty view whose times are exact for a `timeout` and forwarding `window` this long
    /// (see [`Clock`]).
    pub(crate) fn new(timeout: Duration, window: Duration) -> View<Id> {
        View {
            members: Members::Sorted(Vec::new()),
            entries: IdMap::new(),
            clock: Clock::new(timeout.max(window)),
            next_expiry: None,
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    /// The entries by identity, with when each was last refreshed.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = (NodeInfo<Id>, Time)> + '_ {
        (0..self.members.len()).map(|k| {
            let id = self.members.get(k);
            match self.entries.get(&id) {
                Some(e) => {
                    let seen = self.clock.time(e.seen);
                    (NodeInfo::from_record(id, e.record.clone()), seen)
                }
                // Every member has an entry: both change together, in `refresh` and `expire`.
                None => unreachable!("view member without an entry"),
            }
        })
    }

    /// Where the entry of `id` is kept, without reading it (see [`Node::view_slot`]).
    ///
    /// [`Node::view_slot`]: crate::Node::view_slot
    pub(crate) fn slot(&self, id: &Id) -> Option<*const u8> {
        self.entries.dense_slot(id)
    }

    /// Calls `f` on each member's identity, in order, without touching the entries (an
    /// invariant check visits every view of a run at every sample).
    pub(crate) fn for_each_id(&self, mut f: impl FnMut(Id)) {
        self.members.for_each(|_, id| f(id));
    }

    /// Whether the entry of `id`, if any, announces `record` (by pointer first).
    pub(crate) fn holds_record(&self, id: &Id, record: &Arc<Record>) -> Option<bool> {
        self.entries.get(id).map(|e| e.record == *record)
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
        let stamp = match self.clock.stamp(now) {
            Some(stamp) => stamp,
            None => {
                self.rebase(now);
                self.clock.stamp(now).unwrap_or(u32::MAX)
            }
        };
        if let Some(e) = self.entries.get_mut(&info.id) {
            e.forwarded.age(stamp.saturating_sub(e.seen));
            e.seen = stamp;
            // Copies of one announcement share their record: this rarely reads the strings.
            return if !info.has_record(&e.record) {
                e.record = info.record().clone();
                Refresh::Updated
            } else {
                Refresh::Refreshed
            };
        }
        if let Err(at) = self.members.find(&info.id) {
            self.members.insert(at, info.id.clone());
        }
        let entry = Entry {
            record: info.record().clone(),
            seen: stamp,
            forwarded: Lag::NEVER,
        };
        self.entries.insert(info.id.clone(), entry);
        Refresh::Joined
    }

    /// Moves the clock's base forward to `now`'s neighbourhood, keeping every entry's time
    /// (entries older than the new base, long expired, read as the base).
    fn rebase(&mut self, now: Time) {
        let shift = self.clock.rebase(now);
        let entries = &mut self.entries;
        self.members.for_each(|_, id| {
            if let Some(e) = entries.get_mut(&id) {
                e.seen = e.seen.saturating_sub(shift);
            }
        });
    }

    /// How long before its last refresh this node last forwarded a heartbeat of `id`, if `id`
    /// is in the view.
    pub(crate) fn last_forward(&mut self, id: &Id) -> Option<(&mut Lag, &Clock)> {
        let clock = &self.clock;
        self.entries.get_mut(id).map(|e| (&mut e.forwarded, clock))
    }

    /// Removes every entry silent for more than `timeout`, calling `expired` for each in
    /// identity order. Does nothing before [`View::next_expiry`].
    pub(crate) fn expire(&mut self, now: Time, timeout: Duration, mut expired: impl FnMut(Id)) {
        match self.next_expiry {
            Some(t) if t <= now => {}
            _ => return,
        }
        let mut next: Option<Time> = None;
        let (entries, clock) = (&mut self.entries, &self.clock);
        self.members.retain(|id| {
            let due = entries
                .get(id)
                .map(|e| deadline(clock.time(e.seen), timeout));
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
                let id = ids.get(rng.gen_range(0..n));
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
        scratch.extend((0..n).filter(|&i| !taken(picked, &ids.get(i))));
        let take = need.min(scratch.len());
        for j in 0..take {
            let k = rng.gen_range(j..scratch.len());
            scratch.swap(j, k);
            picked.push(ids.get(scratch[j]));
        }
    }

    /// One entry other than `local`, uniformly at random (the swap partner).
    pub(crate) fn pick_other(&self, rng: &mut ChaCha8Rng, local: &Id) -> Option<Id> {
        let ids = &self.members;
        let n = ids.len();
        match ids.find(local) {
            Ok(at) if n > 1 => {
                // Draw among the others, skipping the local entry's slot.
                let k = rng.gen_range(0..n - 1);
                Some(ids.get(if k >= at { k + 1 } else { k }))
            }
            Ok(_) => None,
            Err(_) if n > 0 => Some(ids.get(rng.gen_range(0..n))),
            Err(_) => None,
        }
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
