//! The forwarding decision: whether a received heartbeat or update travels on.

use std::num::NonZeroU64;
use std::time::Duration;

use super::config::Forwarding;
use super::packet::PacketKind;
use super::time::Time;

/// When this node last forwarded a heartbeat of one origin (first-copy forwarding).
///
/// It lives in the origin's view entry, which the packet has just refreshed, so the decision
/// costs no second lookup. Losing it when the entry expires changes no decision: the entry was
/// silent for more than `timeout`, which is longer than a cycle, so the record was already
/// older than the half-cycle window.
///
/// Kept as one word (microseconds + 1, zero for never) so that a simulated view entry fits
/// half a cache line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LastForward(Option<NonZeroU64>);

impl LastForward {
    fn at(self) -> Option<Time> {
        self.0.map(|v| Time::from_micros(v.get() - 1))
    }

    fn set(&mut self, now: Time) {
        self.0 = NonZeroU64::new(now.as_micros().saturating_add(1));
    }
}

/// Whether a received packet of `kind` travels on under `mode`.
///
/// `adopted` says whether an update carried metadata newer than ours; `last` is the origin's
/// record (`None` if the origin has no entry, which forwards); `window` is `cycle / 2`.
pub(crate) fn decide(
    mode: Forwarding,
    kind: PacketKind,
    adopted: bool,
    last: Option<&mut LastForward>,
    now: Time,
    window: Duration,
) -> bool {
    match (mode, kind) {
        (Forwarding::Faithful, _) => true,
        (Forwarding::FirstCopy, PacketKind::Update) => adopted,
        (Forwarding::FirstCopy, _) => match last {
            Some(last) => match last.at() {
                Some(at) if now.saturating_since(at) < window => false,
                _ => {
                    last.set(now);
                    true
                }
            },
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

    #[test]
    fn first_copy_forwards_each_origin_once_per_half_cycle() {
        let (mut one, mut two) = (LastForward::default(), LastForward::default());
        let t0 = Time::from_secs(10);
        assert!(decide(FIRST, HB, false, Some(&mut one), t0, HALF));
        assert!(!decide(FIRST, HB, false, Some(&mut one), t0, HALF));
        let almost = t0 + HALF - Duration::from_micros(1);
        assert!(!decide(FIRST, HB, false, Some(&mut one), almost, HALF));
        assert!(
            decide(FIRST, HB, false, Some(&mut two), t0, HALF),
            "origins are separate"
        );
        assert!(decide(FIRST, HB, false, Some(&mut one), t0 + HALF, HALF));
    }

    #[test]
    fn the_first_heartbeat_at_time_zero_is_forwarded() {
        let mut last = LastForward::default();
        assert!(decide(FIRST, HB, false, Some(&mut last), Time::ZERO, HALF));
        assert!(!decide(FIRST, HB, false, Some(&mut last), Time::ZERO, HALF));
    }

    #[test]
    fn first_copy_forwards_an_update_only_if_adopted() {
        let mut last = LastForward::default();
        let up = PacketKind::Update;
        assert!(!decide(FIRST, up, false, Some(&mut last), Time::ZERO, HALF));
        assert!(decide(FIRST, up, true, Some(&mut last), Time::ZERO, HALF));
        // Updates do not use up the heartbeat's forward.
        assert!(decide(FIRST, HB, false, Some(&mut last), Time::ZERO, HALF));
    }

    #[test]
    fn faithful_forwards_every_copy() {
        let mut last = LastForward::default();
        for _ in 0..5 {
            for kind in [HB, PacketKind::Update] {
                let t = Time::ZERO;
                assert!(decide(
                    Forwarding::Faithful,
                    kind,
                    false,
                    Some(&mut last),
                    t,
                    HALF
                ));
            }
        }
        assert_eq!(last, LastForward::default(), "faithful keeps no record");
    }
}
