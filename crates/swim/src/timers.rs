//! foca's relative timers (`submit_after`) as absolute [`Time`]s, in firing order.

use std::collections::BTreeMap;
use std::time::Duration;

use foca::Timer;
use pekonode_proto::Time;

/// Pending foca timers keyed by when they fire, ties in submission order (foca asks that
/// timers come back in order; a second key keeps equal times stable and deterministic).
#[derive(Debug)]
pub(crate) struct Timers<T> {
    pending: BTreeMap<(Time, u64), Timer<T>>,
    submitted: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            pending: BTreeMap::new(),
            submitted: 0,
        }
    }
}

impl<T> Timers<T> {
    /// Schedules `timer` at `now + after`.
    pub(crate) fn submit(&mut self, now: Time, after: Duration, timer: Timer<T>) {
        self.submitted += 1;
        self.pending.insert((now + after, self.submitted), timer);
    }

    /// When the earliest timer fires.
    pub(crate) fn next(&self) -> Option<Time> {
        self.pending.first_key_value().map(|((at, _), _)| *at)
    }

    /// Takes every timer due at `now`, in firing order. Timers submitted while these are
    /// handled wait for the next call, so one call does a bounded amount of work.
    pub(crate) fn take_due(&mut self, now: Time) -> Vec<Timer<T>> {
        let later = self.pending.split_off(&(now, u64::MAX));
        let due = std::mem::replace(&mut self.pending, later);
        due.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_come_back_by_time_then_by_submission() {
        let mut timers = Timers::<u32>::default();
        let t0 = Time::from_secs(1);
        timers.submit(t0, Duration::from_secs(2), Timer::PeriodicGossip(2));
        timers.submit(t0, Duration::from_secs(1), Timer::PeriodicGossip(1));
        timers.submit(t0, Duration::from_secs(2), Timer::PeriodicGossip(3));
        assert_eq!(timers.next(), Some(Time::from_secs(2)));
        assert_eq!(timers.take_due(Time::from_millis(1_999)), []);
        assert_eq!(
            timers.take_due(Time::from_secs(2)),
            [Timer::PeriodicGossip(1)]
        );
        let rest = timers.take_due(Time::from_secs(9));
        assert_eq!(rest, [Timer::PeriodicGossip(2), Timer::PeriodicGossip(3)]);
        assert_eq!(timers.next(), None);
    }
}
