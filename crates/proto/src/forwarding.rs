//! The forwarding decision: whether a received heartbeat or update travels on.

use std::time::Duration;

use super::clock::Clock;
use super::config::Forwarding;
use super::packet::PacketKind;

/// How long before the origin's entry was last refreshed this node last forwarded one of its
/// heartbeats (first-copy forwarding), in units of the view's clock.
///
/// It lives in the origin's view entry, which the packet has just refreshed, so the decision
/// costs no second lookup, and the lag is then the time since that forward. Losing it when
/// the entry expires changes no decision: the entry was silent for more than `timeout`, which
/// is longer than a cycle, so the forward was already older than the half-cycle window.
///
/// Four bytes, so that a simulated view entry takes sixteen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lag(u32);

impl Lag {
    /// Never forwarded, or longer ago than 32 bits of units say.
    pub(crate) const NEVER: Lag = Lag(u32::MAX);

    /// The entry is refreshed `units` after its previous refresh.
    pub(crate) fn age(&mut self, units: u32) {
        self.0 = self.0.saturating_add(units);
    }
}

/// Whether a received packet of `kind` travels on under `mode`.
///
/// `adopted` says whether an update carried metadata newer than ours; `last` is the origin's
/// record and its view's clock, the entry refreshed just now (`None` if the origin has no
/// entry, which forwards); `window` is `cycle / 2`.
pub(crate) fn decide(
    mode: Forwarding,
    kind: PacketKind,
    adopted: bool,
    last: Option<(&mut Lag, &Clock)>,
    window: Duration,
) -> bool {
    match (mode, kind) {
        (Forwarding::Faithful, _) => true,
        (Forwarding::FirstCopy, PacketKind::Update) => adopted,
        (Forwarding::FirstCopy, _) => match last {
            Some((lag, clock)) => {
                if *lag != Lag::NEVER && clock.duration(lag.0) < window {
                    false
                } else {
                    *lag = Lag(0);
                    true
                }
            }
            None => true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HALF: Duration = Duration::from_secs(3);
    const HB: PacketKind = PacketKind::Heartbeat;
    const FIRST: Forwarding = Forwarding::FirstCopy;

    fn clock() -> Clock {
        Clock::new(Duration::from_secs(20))
    }

    /// Ages `lag` by `by` (a refresh that much later), then decides.
    fn after(lag: &mut Lag, by: Duration, kind: PacketKind, adopted: bool) -> bool {
        lag.age(u32::try_from(by.as_micros()).unwrap_or(u32::MAX));
        decide(FIRST, kind, adopted, Some((lag, &clock())), HALF)
    }

    #[test]
    fn first_copy_forwards_each_origin_once_per_half_cycle() {
        let (mut one, mut two) = (Lag::NEVER, Lag::NEVER);
        assert!(after(&mut one, Duration::ZERO, HB, false));
        assert!(!after(&mut one, Duration::ZERO, HB, false));
        assert!(!after(&mut one, HALF - Duration::from_micros(1), HB, false));
        assert!(
            after(&mut two, Duration::ZERO, HB, false),
            "origins are separate"
        );
        // Half a cycle after the forward, in two refreshes.
        assert!(after(&mut one, Duration::from_micros(1), HB, false));
    }

    #[test]
    fn a_lag_past_32_bits_reads_as_never() {
        let mut lag = Lag(0);
        lag.age(u32::MAX - 1);
        lag.age(5);
        assert_eq!(lag, Lag::NEVER);
        let long = Duration::from_secs(3 * 3600);
        let wide = Clock::new(long);
        assert!(decide(FIRST, HB, false, Some((&mut lag, &wide)), long,));
    }

    #[test]
    fn first_copy_forwards_an_update_only_if_adopted() {
        let mut last = Lag::NEVER;
        let up = PacketKind::Update;
        assert!(!after(&mut last, Duration::ZERO, up, false));
        assert!(after(&mut last, Duration::ZERO, up, true));
        // Updates do not use up the heartbeat's forward.
        assert!(after(&mut last, Duration::ZERO, HB, false));
    }

    #[test]
    fn faithful_forwards_every_copy() {
        let mut last = Lag::NEVER;
        for _ in 0..5 {
            for kind in [HB, PacketKind::Update] {
                let c = clock();
                assert!(decide(
                    Forwarding::Faithful,
                    kind,
                    false,
                    Some((&mut last, &c)),
                    HALF
                ));
            }
        }
        assert_eq!(last, Lag::NEVER, "faithful keeps no record");
    }
}
