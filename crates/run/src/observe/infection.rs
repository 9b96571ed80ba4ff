//! Following every heartbeat from its origin: whom it reached, when, in how many hops, and how
//! many copies arrived twice.

use std::collections::VecDeque;

use pekonode_proto::{Slot, Time};

use crate::node_index::NodeIndex;
use crate::outcome::Infection;
use crate::stats::{band, ms, stats};

/// At most this many heartbeats keep their full spread curve; the rest only their coverage.
const MAX_SAMPLED: u64 = 2_000;
/// ...and at most this many arrivals in all (8 bytes each): above 4,000 nodes fewer curves
/// are kept, so that the curves take 64 MB at most whatever the cluster size.
const MAX_ARRIVALS: u64 = 8_000_000;
/// Points on the time axis of the spread curve.
const GRID: usize = 60;

struct Record {
    emitted: Time,
    up: u32,
    reached: Vec<u64>,
    count: u32,
    last: Time,
    /// (delay µs, hops) of each first arrival at an up node, when sampled.
    curve: Option<Vec<(u32, u16)>>,
}

struct Curve {
    up: u32,
    /// (delay µs, hops): a delay past 32 bits of µs (71 minutes, within a cycle that long)
    /// reads as 71 minutes.
    arrivals: Vec<(u32, u16)>,
}

/// Tracks open heartbeats and folds closed ones into the run's statistics.
pub(crate) struct InfectionTracker {
    words: usize,
    /// A heartbeat is closed this long after emission (one cycle: its successor is out).
    window: std::time::Duration,
    open: VecDeque<Record>,
    first_open: u64,
    stride: u64,
    pool: Vec<Vec<u64>>,
    /// Heartbeats emitted from here on are past the warm-up.
    warmup_end: Time,
    coverage: Vec<f64>,
    coverage_steady: Vec<f64>,
    spread: Vec<f64>,
    /// Per heartbeat that reached every node up at its emission: the time that took (ms).
    reached_all: Vec<f64>,
    curves: Vec<Curve>,
}

impl InfectionTracker {
    /// `expected` is a guess of how many heartbeats the run will emit, to space the samples.
    /// Heartbeats emitted at or after `warmup_end` also count in the steady-state coverage.
    pub(crate) fn new(
        nodes: usize,
        window: std::time::Duration,
        expected: u64,
        warmup_end: Time,
    ) -> Self {
        InfectionTracker {
            words: nodes.div_ceil(64),
            window,
            open: VecDeque::new(),
            first_open: 0,
            stride: expected
                .div_ceil(MAX_SAMPLED.min(MAX_ARRIVALS / (nodes as u64).max(1)).max(1))
                .max(1),
            pool: Vec::new(),
            warmup_end,
            coverage: Vec::new(),
            coverage_steady: Vec::new(),
            spread: Vec::new(),
            reached_all: Vec::new(),
            curves: Vec::new(),
        }
    }

    /// Heartbeats emitted so far.
    pub(crate) fn emitted(&self) -> u64 {
        self.first_open + self.open.len() as u64
    }

    /// A new heartbeat of `origin` while `up` nodes are up; returns its id.
    pub(crate) fn emit(&mut self, now: Time, origin: NodeIndex, up: usize) -> u64 {
        self.close_before(now);
        let id = self.emitted();
        let mut reached = self.pool.pop().unwrap_or_default();
        reached.clear();
        reached.resize(self.words, 0);
        reached[origin as usize / 64] |= 1 << (origin % 64);
        self.open.push_back(Record {
            emitted: now,
            up: up.max(1) as u32,
            reached,
            count: 1,
            last: now,
            curve: id.is_multiple_of(self.stride).then(Vec::new),
        });
        id
    }

    /// Where heartbeat `id`'s record is kept (a prefetch hint: nothing is read but the
    /// queue's own bounds).
    #[inline]
    pub(crate) fn record_slot(&self, id: u64) -> Option<Slot> {
        let i = id.checked_sub(self.first_open)?;
        let record = self.open.get(usize::try_from(i).ok()?)?;
        Some(Slot::of(record))
    }

    /// Where the mark of `to` for heartbeat `id` is kept (reads the record, not the mark).
    #[inline]
    pub(crate) fn reached_slot(&self, id: u64, to: NodeIndex) -> Option<Slot> {
        let i = id.checked_sub(self.first_open)?;
        let record = self.open.get(usize::try_from(i).ok()?)?;
        let word = record.reached.get(to as usize / 64)?;
        Some(Slot::of(word))
    }

    /// A copy of heartbeat `id` after `hops` hops reached `to`, up since `to_up_since` (`None`:
    /// down); returns whether `to` had already received it (a duplicate). Only nodes up when
    /// the heartbeat was emitted count towards its coverage: the share is of those.
    #[inline]
    pub(crate) fn deliver(
        &mut self,
        now: Time,
        id: u64,
        hops: u16,
        to: NodeIndex,
        to_up_since: Option<Time>,
    ) -> bool {
        let Some(record) = id
            .checked_sub(self.first_open)
            .and_then(|i| self.open.get_mut(i as usize))
        else {
            return false;
        };
        let (word, bit) = (to as usize / 64, 1u64 << (to % 64));
        // A receiver outside the plan (a made-up identity) is no one the heartbeat can cover.
        let Some(reached) = record.reached.get_mut(word) else {
            return false;
        };
        if *reached & bit != 0 {
            return true;
        }
        *reached |= bit;
        if to_up_since.is_some_and(|since| since <= record.emitted) {
            record.count += 1;
            record.last = now;
            if let Some(curve) = &mut record.curve {
                let delay = now.as_micros() - record.emitted.as_micros();
                curve.push((u32::try_from(delay).unwrap_or(u32::MAX), hops));
            }
        }
        false
    }

    fn close_before(&mut self, now: Time) {
        while self
            .open
            .front()
            .is_some_and(|r| r.emitted + self.window < now)
        {
            self.close_front();
        }
    }

    fn close_front(&mut self) {
        let Some(r) = self.open.pop_front() else {
            return;
        };
        self.first_open += 1;
        // Joins at the very instant of emission may add one or two to `count` beyond `up`.
        let coverage = (f64::from(r.count) / f64::from(r.up)).min(1.0);
        self.coverage.push(coverage);
        if r.emitted >= self.warmup_end {
            self.coverage_steady.push(coverage);
        }
        if r.count > 1 {
            self.spread
                .push(ms(r.last.as_micros() - r.emitted.as_micros()));
        }
        if r.count >= r.up {
            self.reached_all
                .push(ms(r.last.as_micros() - r.emitted.as_micros()));
        }
        if let Some(arrivals) = r.curve {
            self.curves.push(Curve { up: r.up, arrivals });
        }
        self.pool.push(r.reached);
    }

    /// Closes the heartbeats whose window ended by `end` and summarises them. Heartbeats
    /// still within their window when the run ended are counted as emitted but left out of
    /// coverage and spread: the run did not watch them long enough. Also returns, per closed
    /// heartbeat that reached every node up at its emission, how long that took (ms), and how
    /// many heartbeats were closed.
    pub(crate) fn finish(mut self, end: Time) -> (Infection, Vec<f64>, u64) {
        self.close_before(end + std::time::Duration::from_micros(1));
        let heartbeats = self.emitted();
        let spread = stats(self.spread);
        // The time axis reaches the slowest sampled arrival (at least 1 ms).
        let horizon = self
            .curves
            .iter()
            .flat_map(|c| c.arrivals.iter().map(|a| u64::from(a.0)))
            .max()
            .unwrap_or(0)
            .max(1_000);
        let by_time = (0..=GRID)
            .map(|k| {
                let delta = horizon * k as u64 / GRID as u64;
                let shares = self
                    .curves
                    .iter()
                    .map(|c| share(c, |a| u64::from(a.0) <= delta))
                    .collect();
                band(ms(delta), shares)
            })
            .collect();
        let max_hop = self
            .curves
            .iter()
            .flat_map(|c| c.arrivals.iter().map(|a| a.1))
            .max()
            .unwrap_or(0);
        let by_hop = (0..=max_hop)
            .map(|h| {
                let shares = self.curves.iter().map(|c| share(c, |a| a.1 <= h)).collect();
                band(f64::from(h), shares)
            })
            .collect();
        let closed = self.coverage.len() as u64;
        let infection = Infection {
            heartbeats,
            sampled: self.curves.len() as u64,
            by_time,
            by_hop,
            coverage: stats(self.coverage),
            coverage_steady: stats(self.coverage_steady),
            warmup_ms: ms(self.warmup_end.as_micros()),
            spread_ms: spread,
        };
        (infection, self.reached_all, closed)
    }
}

/// Share of up nodes reached (the origin counts) by arrivals satisfying `within`.
fn share(c: &Curve, within: impl Fn(&(u32, u16)) -> bool) -> f64 {
    let n = 1 + c.arrivals.iter().filter(|a| within(a)).count();
    (n as f64 / f64::from(c.up)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_second_copy_is_a_duplicate_and_coverage_counts_up_nodes() {
        let mut t = InfectionTracker::new(4, Duration::from_secs(6), 1, Time::ZERO);
        let id = t.emit(Time::ZERO, 0, 4);
        assert!(!t.deliver(Time::from_millis(5), id, 1, 1, Some(Time::ZERO)));
        assert!(t.deliver(Time::from_millis(6), id, 2, 1, Some(Time::ZERO)));
        assert!(!t.deliver(Time::from_millis(9), id, 2, 2, Some(Time::ZERO)));
        let (inf, reached_all, closed) = t.finish(Time::from_secs(6));
        assert_eq!(
            (reached_all.len(), closed),
            (0, 1),
            "3 of 4 up nodes: not all"
        );
        assert_eq!(inf.heartbeats, 1);
        assert_eq!(inf.coverage.median, 0.75);
        assert_eq!(inf.spread_ms.max, 9.0);
        assert_eq!(inf.by_hop.len(), 3);
        assert_eq!(inf.by_hop[0].median, 0.25);
        assert_eq!(inf.by_hop[2].median, 0.75);
        assert_eq!(inf.by_time.last().map(|p| p.median), Some(0.75));
    }

    #[test]
    fn nodes_joining_after_the_emission_do_not_count_and_the_warm_up_is_kept_apart() {
        let warm = Time::from_secs(2);
        let mut t = InfectionTracker::new(4, Duration::from_secs(1), 2, warm);
        // Emitted at 0 with 3 nodes up (0, 1, 3); node 2 comes up at 1 ms and receives it.
        let early = t.emit(Time::ZERO, 0, 3);
        assert!(!t.deliver(Time::from_millis(2), early, 1, 1, Some(Time::ZERO)));
        assert!(!t.deliver(
            Time::from_millis(3),
            early,
            1,
            2,
            Some(Time::from_millis(1))
        ));
        let late = t.emit(Time::from_secs(3), 1, 4);
        for to in [0, 2] {
            t.deliver(Time::from_millis(3_005), late, 1, to, Some(Time::ZERO));
        }
        let (inf, _, _) = t.finish(Time::from_secs(10));
        // 2 of the 3 up at emission: the joiner is not counted (it would make 3 / 3).
        assert_eq!(inf.coverage.min, 2.0 / 3.0);
        assert_eq!(inf.coverage.max, 0.75);
        assert_eq!(inf.coverage_steady.count, 1);
        assert_eq!(inf.coverage_steady.mean, 0.75);
        assert_eq!(inf.warmup_ms, 2000.0);
    }

    #[test]
    fn heartbeats_close_after_the_window() {
        let mut t = InfectionTracker::new(2, Duration::from_secs(1), 10, Time::ZERO);
        let old = t.emit(Time::ZERO, 0, 2);
        t.emit(Time::from_secs(2), 1, 2);
        assert!(
            !t.deliver(Time::from_secs(2), old, 1, 1, Some(Time::ZERO)),
            "closed: ignored"
        );
        assert_eq!(t.emitted(), 2);
    }

    #[test]
    fn a_heartbeat_that_reaches_every_up_node_times_its_last_arrival() {
        let mut t = InfectionTracker::new(3, Duration::from_secs(1), 1, Time::ZERO);
        let id = t.emit(Time::ZERO, 0, 3);
        t.deliver(Time::from_millis(4), id, 1, 1, Some(Time::ZERO));
        t.deliver(Time::from_millis(11), id, 2, 2, Some(Time::ZERO));
        let (_, reached_all, closed) = t.finish(Time::from_secs(2));
        assert_eq!((reached_all, closed), (vec![11.0], 1));
    }
}
