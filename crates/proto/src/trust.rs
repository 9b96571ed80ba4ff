//! Bounded trust in what strangers say: the limits a node puts on packets from the network.
//!
//! PekoNode believes every packet: one datagram can pin the cluster metadata forever (a version
//! of `i64::MAX`), a burst of forged heartbeats fills every view with members that do not exist,
//! and a forged swap request makes a node send its metadata to any address. These rules bound
//! what such packets can do. All are off in [`Trust::default`] (Go PekoNode's behaviour);
//! [`Trust::HARDENED`] turns all on. They apply to packets only: `set` and `publish` are the
//! operator's word and are never limited.

use std::time::Duration;

use super::time::{micros, Time};

/// Limits on what a node takes from the network (see the module docs). Zero or `false` turns
/// a rule off.
///
/// ```
/// use pekonode_proto::{Config, Trust};
/// use std::time::Duration;
/// let config = Config { trust: Trust::HARDENED, ..Config::default() };
/// assert_eq!(config.trust.max_version_skew, Duration::from_secs(60));
/// assert_eq!(Trust::default().max_view, 0); // Go PekoNode: unbounded
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Metadata whose version (Unix ns) is more than this ahead of the receiver's wall clock is
    /// not adopted, so one forged version cannot pin the metadata. Needs the driver's wall clock
    /// ([`Node::set_wall_clock`](crate::Node::set_wall_clock)); both drivers of this project
    /// give it.
    pub max_version_skew: Duration,
    /// Most entries a view holds; a packet from a node the view does not list is dropped while
    /// the view is full.
    pub max_view: usize,
    /// New identities a node admits from packets per second (a token bucket holding one
    /// second's worth): a forged burst of fake members adds at most this many a second.
    pub admit_per_sec: u32,
    /// Swap replies go only to live members of the view, and at most `amount` per cycle (a
    /// burst of twice that): a forged swap request cannot aim replies at a stranger, and a
    /// flood of requests cannot multiply them.
    pub guarded_swaps: bool,
    /// A stranger is listed only when heard again at least half a cycle after its first
    /// packet (its next heartbeat): one-shot forged identities never enter the view, so a
    /// flood of them cannot bury the real members (see [`MAX_PROBATION`](crate::MAX_PROBATION)).
    /// A newcomer is listed one cycle later.
    pub probation: bool,
}

impl Trust {
    /// Every rule on, with defaults a steady cluster of up to 10,000 nodes whose clocks agree
    /// within a minute does not reach. A cold start of many nodes at once does: each node then
    /// lists at most 100 new members a second, each a cycle after it first hears of it.
    pub const HARDENED: Trust = Trust {
        max_version_skew: Duration::from_secs(60),
        max_view: 10_000,
        admit_per_sec: 100,
        guarded_swaps: true,
        probation: true,
    };

    /// Whether every rule is off (Go PekoNode's behaviour).
    pub fn is_off(&self) -> bool {
        *self == Trust::default()
    }
}

/// A token bucket on the driver's clock: `burst` tokens, one more every `every`.
/// Integer arithmetic in microseconds, so a simulation replays it exactly.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bucket {
    /// Tokens held, in microseconds of refill (a token is `every` of them).
    credit: u64,
    at: Time,
}

impl Bucket {
    /// A bucket holding `burst` tokens at `now`.
    pub(crate) fn full(now: Time, every: Duration, burst: u32) -> Bucket {
        Bucket {
            credit: micros(every).saturating_mul(u64::from(burst)),
            at: now,
        }
    }

    /// Takes one token if there is one at `now`.
    pub(crate) fn take(&mut self, now: Time, every: Duration, burst: u32) -> bool {
        let cost = micros(every).max(1);
        let cap = cost.saturating_mul(u64::from(burst));
        let gained = now.as_micros().saturating_sub(self.at.as_micros());
        self.credit = self.credit.saturating_add(gained).min(cap);
        self.at = self.at.max(now);
        if self.credit >= cost {
            self.credit -= cost;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_gives_its_burst_then_one_per_period() {
        let every = Duration::from_millis(10);
        let mut b = Bucket::full(Time::ZERO, every, 3);
        let now = Time::ZERO;
        assert_eq!((0..10).filter(|_| b.take(now, every, 3)).count(), 3);
        assert!(!b.take(Time::from_millis(5), every, 3));
        assert!(b.take(Time::from_millis(10), every, 3));
        // A long silence refills to the burst, never past it.
        let later = Time::from_secs(100);
        assert_eq!((0..10).filter(|_| b.take(later, every, 3)).count(), 3);
    }

    #[test]
    fn a_clock_going_back_gives_nothing() {
        let every = Duration::from_millis(10);
        let mut b = Bucket::full(Time::from_secs(1), every, 1);
        assert!(b.take(Time::from_secs(1), every, 1));
        assert!(!b.take(Time::ZERO, every, 1));
    }
}
