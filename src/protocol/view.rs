//! A node's list of live nodes: entries keyed by identity, refreshed by heartbeats, expired by
//! silence, and sampled at random for gossip targets.

use std::time::Duration;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::member::{Identity, NodeInfo};
use super::packet::Infected;
use super::time::Time;

/// One node in a view and when it was last heard of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<Id> {
    /// The node as last announced.
    pub info: NodeInfo<Id>,
    /// When it was last refreshed (a heartbeat or update of its origin, or `set`).
    pub last_seen: Time,
}

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

/// Entries sorted by identity.
///
/// A sorted vector rather than a map: lookups are a binary search, and picking a random entry
/// is an index, which keeps target selection O(amount) on a thousand-node view. Inserts are
/// O(n) but rare (a node joins a view once).
#[derive(Clone, Debug)]
pub(crate) struct View<Id> {
    entries: Vec<Entry<Id>>,
    /// No entry expires before this time: a lower bound, so a wake-up may find nothing to do.
    next_expiry: Option<Time>,
}

/// The first instant at which an entry seen at `last_seen` counts as expired (silent for
/// *more* than `timeout`, as Go's `time + timeout < now`).
fn deadline(last_seen: Time, timeout: Duration) -> Time {
    last_seen + timeout + Duration::from_micros(1)
}

impl<Id: Identity> View<Id> {
    pub(crate) fn new() -> View<Id> {
        View {
            entries: Vec::new(),
            next_expiry: None,
        }
    }

    pub(crate) fn entries(&self) -> &[Entry<Id>] {
        &self.entries
    }

    pub(crate) fn get(&self, id: &Id) -> Option<&Entry<Id>> {
        self.entries
            .binary_search_by(|e| e.info.id.cmp(id))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// When the driver must look for expired entries next.
    pub(crate) fn next_expiry(&self) -> Option<Time> {
        self.next_expiry
    }

    /// Inserts `info` or refreshes its entry, taking its name and private data.
    pub(crate) fn refresh(&mut self, now: Time, info: &NodeInfo<Id>, timeout: Duration) -> Refresh {
        let due = deadline(now, timeout);
        self.next_expiry = Some(self.next_expiry.map_or(due, |t| t.min(due)));
        match self.entries.binary_search_by(|e| e.info.id.cmp(&info.id)) {
            Ok(i) => {
                let e = &mut self.entries[i];
                e.last_seen = now;
                if e.info.name != info.name || e.info.private_data != info.private_data {
                    e.info = info.clone();
                    Refresh::Updated
                } else {
                    Refresh::Refreshed
                }
            }
            Err(i) => {
                self.entries.insert(
                    i,
                    Entry {
                        info: info.clone(),
                        last_seen: now,
                    },
                );
                Refresh::Joined
            }
        }
    }

    /// Removes every entry silent for more than `timeout`, calling `expired` for each in
    /// identity order. Does nothing before [`View::next_expiry`]; returns whether it scanned.
    pub(crate) fn expire(
        &mut self,
        now: Time,
        timeout: Duration,
        mut expired: impl FnMut(Id),
    ) -> bool {
        match self.next_expiry {
            Some(t) if t <= now => {}
            _ => return false,
        }
        let mut next: Option<Time> = None;
        self.entries.retain(|e| {
            let due = deadline(e.last_seen, timeout);
            if due <= now {
                expired(e.info.id.clone());
                false
            } else {
                next = Some(next.map_or(due, |t| t.min(due)));
                true
            }
        });
        self.next_expiry = next;
        true
    }

    /// Picks up to `amount` entries not in `infected`, uniformly at random, adding each to
    /// `infected` as it is picked and pushing it to `picked`.
    ///
    /// Go walks its map from a random start; we sample uniformly (DESIGN.md §4). Sampling by
    /// index with rejection costs O(amount) when few entries are infected; when many are, a
    /// scan of the candidates followed by a partial shuffle keeps the choice uniform.
    pub(crate) fn pick_uninfected(
        &self,
        rng: &mut ChaCha8Rng,
        amount: usize,
        infected: &mut Infected<Id>,
        picked: &mut Vec<Id>,
        scratch: &mut Vec<usize>,
    ) {
        let n = self.entries.len();
        if n == 0 || amount == 0 {
            return;
        }
        let start = picked.len();
        if infected.len() * 2 < n {
            let mut tries = 4 * amount + 4;
            while picked.len() - start < amount && tries > 0 {
                tries -= 1;
                let id = &self.entries[rng.gen_range(0..n)].info.id;
                if infected.insert(id.clone()) {
                    picked.push(id.clone());
                }
            }
        }
        let need = amount - (picked.len() - start);
        if need == 0 {
            return;
        }
        scratch.clear();
        scratch.extend((0..n).filter(|&i| !infected.contains(&self.entries[i].info.id)));
        let take = need.min(scratch.len());
        for j in 0..take {
            let k = rng.gen_range(j..scratch.len());
            scratch.swap(j, k);
            let id = &self.entries[scratch[j]].info.id;
            infected.insert(id.clone());
            picked.push(id.clone());
        }
    }

    /// One entry other than `local`, uniformly at random (the swap partner).
    pub(crate) fn pick_other(&self, rng: &mut ChaCha8Rng, local: &Id) -> Option<Id> {
        let others = self.entries.len() - usize::from(self.get(local).is_some());
        if others == 0 {
            return None;
        }
        let mut k = rng.gen_range(0..others);
        for e in &self.entries {
            if &e.info.id == local {
                continue;
            }
            if k == 0 {
                return Some(e.info.id.clone());
            }
            k -= 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const T: Duration = Duration::from_secs(20);

    fn view_of(n: u32) -> View<u32> {
        let mut v = View::new();
        for id in 0..n {
            v.refresh(Time::ZERO, &NodeInfo::bare(id), T);
        }
        v
    }

    #[test]
    fn picks_never_target_an_infected_node_nor_more_than_amount() {
        let v = view_of(40);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for round in 0..500u32 {
            let mut infected: Infected<u32> = (0..(round % 40)).step_by(2).collect();
            let before = infected.clone();
            let mut picked = Vec::new();
            v.pick_uninfected(&mut rng, 3, &mut infected, &mut picked, &mut Vec::new());
            assert!(picked.len() <= 3);
            for p in &picked {
                assert!(!before.contains(p), "picked infected {p}");
                assert!(infected.contains(p), "pick not added to the set");
            }
            let mut unique = picked.clone();
            unique.dedup();
            assert_eq!(unique.len(), picked.len());
        }
    }

    #[test]
    fn picks_take_every_candidate_when_fewer_than_amount_remain() {
        let v = view_of(10);
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut infected: Infected<u32> = (0..8).collect();
        let mut picked = Vec::new();
        v.pick_uninfected(&mut rng, 3, &mut infected, &mut picked, &mut Vec::new());
        picked.sort();
        assert_eq!(picked, vec![8, 9]);
    }

    #[test]
    fn picks_are_spread_over_the_whole_view() {
        let v = view_of(10);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut hits = [0u32; 10];
        for _ in 0..3000 {
            let mut infected = Infected::of(0);
            let mut picked = Vec::new();
            v.pick_uninfected(&mut rng, 3, &mut infected, &mut picked, &mut Vec::new());
            for p in picked {
                hits[p as usize] += 1;
            }
        }
        assert_eq!(hits[0], 0);
        // 9000 picks over 9 nodes: 1000 each on average.
        assert!(
            hits[1..].iter().all(|&h| (850..1150).contains(&h)),
            "{hits:?}"
        );
    }

    #[test]
    fn expiry_boundary_is_more_than_timeout() {
        let mut v = view_of(1);
        let mut gone = Vec::new();
        v.expire(Time::ZERO + T, T, |id| gone.push(id));
        assert!(
            gone.is_empty(),
            "exactly timeout of silence keeps the entry"
        );
        v.expire(Time::ZERO + T + Duration::from_micros(1), T, |id| {
            gone.push(id)
        });
        assert_eq!(gone, vec![0]);
        assert!(v.entries().is_empty());
        assert_eq!(v.next_expiry(), None);
    }

    #[test]
    fn swap_partner_is_never_the_local_node() {
        let v = view_of(3);
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for _ in 0..100 {
            assert_ne!(v.pick_other(&mut rng, &1), Some(1));
        }
        assert_eq!(view_of(1).pick_other(&mut rng, &0), None);
    }
}
