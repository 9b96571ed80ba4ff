//! Probation: a stranger is listed only once it speaks again a while later.
//!
//! A forged flood names each made-up identity once. Under the admission rate alone, each node
//! still listed a hundred of them a second, and its heartbeats then went to members that do
//! not exist: real members were no longer heartbeated and expired ("buried"). On probation, a
//! stranger's first packet is only noted; it is listed when a packet from it arrives at least
//! half a cycle after the first (its next heartbeat), so one-shot identities never enter a
//! view, never take an admission token and never draw a heartbeat. A real newcomer is listed
//! one cycle later than without the rule.
//!
//! So that a newcomer is heard of everywhere in that cycle, the first heartbeat of a stranger
//! is still forwarded once (never its copies), within a budget of forwards per second: a
//! flood of forged identities is forwarded at that rate at most.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use super::time::Time;

/// Most strangers on probation at once: past it the longest-waiting is forgotten (a flood
/// turns the table over; a newcomer then gets in once the flood ends).
pub const MAX_PROBATION: usize = 4_096;

/// What probation says of a stranger's packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// First heard now: not listed yet; this packet may be forwarded (once).
    First,
    /// Heard too recently: not listed yet.
    Wait,
    /// Heard before, long enough ago: may be listed.
    Ready,
}

/// The strangers heard once, with when.
#[derive(Debug)]
pub(crate) struct Probation<Id> {
    first: BTreeMap<Id, Time>,
    /// Arrival order, for pruning and eviction; an entry whose time no longer matches `first`
    /// is stale (its identity was listed or heard anew) and skipped.
    order: VecDeque<(Time, Id)>,
}

impl<Id: Ord + Clone> Default for Probation<Id> {
    fn default() -> Self {
        Probation {
            first: BTreeMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<Id: Ord + Clone> Probation<Id> {
    /// Judges a packet of stranger `id` at `now`: ready when first heard at least `gap` ago
    /// and less than `keep` ago (older notes are forgotten).
    pub(crate) fn check(&mut self, now: Time, id: &Id, gap: Duration, keep: Duration) -> Verdict {
        self.prune(now, keep);
        if let Some(at) = self.first.get(id) {
            return if now.saturating_since(*at) >= gap {
                Verdict::Ready
            } else {
                Verdict::Wait
            };
        }
        while self.first.len() >= MAX_PROBATION {
            if !self.pop_oldest() {
                break;
            }
        }
        self.first.insert(id.clone(), now);
        self.order.push_back((now, id.clone()));
        Verdict::First
    }

    /// `id` was listed: its note goes.
    pub(crate) fn listed(&mut self, id: &Id) {
        self.first.remove(id);
        if self.first.is_empty() {
            self.order.clear();
        }
    }

    /// Strangers on probation now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.first.len()
    }

    /// Forgets notes older than `keep`.
    fn prune(&mut self, now: Time, keep: Duration) {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_since(*at) < keep {
                break;
            }
            self.pop_oldest();
        }
    }

    /// Forgets the oldest note; false when there is none.
    fn pop_oldest(&mut self) -> bool {
        let Some((at, id)) = self.order.pop_front() else {
            return false;
        };
        if self.first.get(&id) == Some(&at) {
            self.first.remove(&id);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAP: Duration = Duration::from_secs(3);
    const KEEP: Duration = Duration::from_secs(20);

    #[test]
    fn a_stranger_is_ready_when_heard_again_after_the_gap() {
        let mut p = Probation::default();
        assert_eq!(p.check(Time::ZERO, &1u32, GAP, KEEP), Verdict::First);
        assert_eq!(p.check(Time::from_secs(1), &1, GAP, KEEP), Verdict::Wait);
        assert_eq!(p.check(Time::from_secs(3), &1, GAP, KEEP), Verdict::Ready);
        p.listed(&1);
        assert_eq!(p.len(), 0);
        // Heard again only after `keep`: starts over.
        assert_eq!(p.check(Time::from_secs(4), &2, GAP, KEEP), Verdict::First);
        assert_eq!(p.check(Time::from_secs(30), &2, GAP, KEEP), Verdict::First);
        assert_eq!(p.check(Time::from_secs(33), &2, GAP, KEEP), Verdict::Ready);
    }

    #[test]
    fn the_table_is_bounded_and_forgets_the_longest_waiting() {
        let mut p = Probation::default();
        for id in 0..(MAX_PROBATION as u32 + 100) {
            p.check(Time::from_millis(u64::from(id)), &id, GAP, KEEP);
        }
        assert_eq!(p.len(), MAX_PROBATION);
        let late = Time::from_secs(10);
        assert_eq!(p.check(late, &0, GAP, KEEP), Verdict::First); // forgotten: new again
        assert_eq!(p.check(late, &200, GAP, KEEP), Verdict::Ready);
    }
}
