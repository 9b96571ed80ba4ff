//! A view's clock: entry times as 32-bit offsets from a base that moves forward (its own file
//! because the view and the forwarding rule both measure with it).

use std::time::Duration;

use crate::time::Time;

/// Offsets stay below this many units for every entry that can still be live: a timeout or
/// forwarding window at most this long is kept exactly.
const HORIZON: u64 = 1 << 30;
/// A rebase leaves the present this many units past the new base, so the next one is about
/// as far away again (36 minutes of microseconds).
const KEEP: u64 = 1 << 31;

/// Times of one view as `u32` offsets from `base`, in units of `2^shift` µs.
///
/// Half the bytes of a full time in every entry. The unit is the microsecond (exact, as the
/// rest of the protocol) unless the view's longest period, timeout or forwarding window, is
/// longer than 2^30 µs (17.9 minutes); then it is the smallest power of two that brings the
/// period under 2^30 units. When the present outgrows 32 bits the view rebases: every
/// offset moves down by the same amount, and the few that would go below zero belong to
/// entries silent for more than 2^31 units, longer than any timeout the unit allows, which
/// the next expiry removes anyway.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    base: u64,
    shift: u32,
}

impl Clock {
    /// A clock exact for periods up to `longest` (see the type's note).
    pub(crate) fn new(longest: Duration) -> Clock {
        let micros = u64::try_from(longest.as_micros()).unwrap_or(u64::MAX);
        let mut shift = 0;
        while shift < 63 && (micros >> shift) >= HORIZON {
            shift += 1;
        }
        Clock { base: 0, shift }
    }

    /// `now` as an offset, or `None` when it no longer fits and the view must
    /// [`rebase`](Clock::rebase) first.
    pub(crate) fn stamp(&self, now: Time) -> Option<u32> {
        let off = now.as_micros().saturating_sub(self.base) >> self.shift;
        u32::try_from(off).ok().filter(|&o| o < u32::MAX)
    }

    /// Moves the base so that `now` is [`KEEP`] units past it; returns by how many units
    /// every offset must move down (saturated: all of them go to zero).
    pub(crate) fn rebase(&mut self, now: Time) -> u32 {
        let off = now.as_micros().saturating_sub(self.base) >> self.shift;
        let moved = off.saturating_sub(KEEP);
        self.base = self
            .base
            .saturating_add(moved.checked_shl(self.shift).unwrap_or(u64::MAX));
        u32::try_from(moved).unwrap_or(u32::MAX)
    }

    /// The time an offset stands for.
    pub(crate) fn time(&self, stamp: u32) -> Time {
        Time::from_micros(self.base.saturating_add(u64::from(stamp) << self.shift))
    }

    /// The length of `units` offsets.
    pub(crate) fn duration(&self, units: u32) -> Duration {
        Duration::from_micros(u64::from(units) << self.shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_up_to_the_horizon_are_kept_to_the_microsecond() {
        assert_eq!(Clock::new(Duration::from_secs(20)).shift, 0);
        assert_eq!(Clock::new(Duration::from_micros(HORIZON - 1)).shift, 0);
        assert_eq!(Clock::new(Duration::from_micros(HORIZON)).shift, 1);
        let year = Clock::new(Duration::from_secs(4 * 365 * 24 * 3600));
        assert!((Duration::from_secs(4 * 365 * 24 * 3600).as_micros() >> year.shift) < 1 << 30);
    }

    #[test]
    fn a_rebase_keeps_the_times_that_fit() {
        let mut c = Clock::new(Duration::from_secs(20));
        let t = Time::from_micros(u64::from(u32::MAX) - 5);
        let old = c.stamp(t).unwrap_or(0);
        let now = Time::from_micros(u64::from(u32::MAX) + 7);
        assert_eq!(c.stamp(now), None);
        let moved = c.rebase(now);
        assert_eq!(c.time(old - moved), t);
        assert_eq!(c.stamp(now), Some(KEEP as u32));
        assert_eq!(c.time(KEEP as u32), now);
    }

    #[test]
    fn a_rebase_after_years_of_silence_saturates() {
        let mut c = Clock::new(Duration::from_secs(20));
        let now = Time::from_secs(10 * 365 * 24 * 3600);
        assert_eq!(c.rebase(now), u32::MAX);
        assert_eq!(c.stamp(now), Some(KEEP as u32));
    }
}
