//! The forwarding decision: whether a received heartbeat or update travels on.

use std::time::Duration;

use super::config::Forwarding;
use super::member::Identity;
use super::packet::PacketKind;
use super::id_map::IdMap;
use super::time::Time;

/// Remembers, per origin, when this node last forwarded one of its heartbeats (first-copy).
#[derive(Clone, Debug)]
pub(crate) struct ForwardLog<Id> {
    last: IdMap<Id, Time>,
    window: Duration,
}

impl<Id: Identity> ForwardLog<Id> {
    /// A log that suppresses repeats within `window` (`cycle / 2`).
    pub(crate) fn new(window: Duration) -> ForwardLog<Id> {
        ForwardLog {
            last: IdMap::new(),
            window,
        }
    }

    /// Whether a received packet of `kind` from `origin` is forwarded under `mode`.
    ///
    /// `adopted` says whether an update carried metadata newer than ours.
    pub(crate) fn decide(
        &mut self,
        mode: Forwarding,
        kind: PacketKind,
        origin: &Id,
        adopted: bool,
        now: Time,
    ) -> bool {
        match (mode, kind) {
            (Forwarding::Faithful, _) => true,
            (Forwarding::FirstCopy, PacketKind::Update) => adopted,
            (Forwarding::FirstCopy, _) => match self.last.get_mut(origin) {
                Some(last) if now.saturating_since(*last) < self.window => false,
                Some(last) => {
                    *last = now;
                    true
                }
                None => {
                    self.last.insert(origin.clone(), now);
                    true
                }
            },
        }
    }

    /// Forgets origins whose last forward is older than the window, once the log holds more
    /// than `bound` origins: memory stays proportional to the view without re-inserting live
    /// origins every cycle.
    pub(crate) fn prune(&mut self, now: Time, bound: usize) {
        if self.last.len() <= bound {
            return;
        }
        let window = self.window;
        self.last
            .retain(|last| now.saturating_since(*last) < window);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HALF: Duration = Duration::from_secs(3);

    #[test]
    fn first_copy_forwards_each_origin_once_per_half_cycle() {
        let mut log = ForwardLog::new(HALF);
        let hb = PacketKind::Heartbeat;
        let t0 = Time::from_secs(10);
        assert!(log.decide(Forwarding::FirstCopy, hb, &1u32, false, t0));
        assert!(!log.decide(Forwarding::FirstCopy, hb, &1, false, t0));
        assert!(!log.decide(
            Forwarding::FirstCopy,
            hb,
            &1,
            false,
            t0 + HALF - Duration::from_micros(1)
        ));
        assert!(
            log.decide(Forwarding::FirstCopy, hb, &2, false, t0),
            "origins are separate"
        );
        assert!(log.decide(Forwarding::FirstCopy, hb, &1, false, t0 + HALF));
    }

    #[test]
    fn first_copy_forwards_an_update_only_if_adopted() {
        let mut log = ForwardLog::new(HALF);
        let up = PacketKind::Update;
        assert!(!log.decide(Forwarding::FirstCopy, up, &1u32, false, Time::ZERO));
        assert!(log.decide(Forwarding::FirstCopy, up, &1, true, Time::ZERO));
        // Updates do not use up the heartbeat's forward.
        assert!(log.decide(
            Forwarding::FirstCopy,
            PacketKind::Heartbeat,
            &1,
            false,
            Time::ZERO
        ));
    }

    #[test]
    fn faithful_forwards_every_copy() {
        let mut log = ForwardLog::new(HALF);
        for _ in 0..5 {
            assert!(log.decide(
                Forwarding::Faithful,
                PacketKind::Heartbeat,
                &1u32,
                false,
                Time::ZERO
            ));
            assert!(log.decide(
                Forwarding::Faithful,
                PacketKind::Update,
                &1,
                false,
                Time::ZERO
            ));
        }
    }

    #[test]
    fn prune_forgets_old_origins() {
        let mut log = ForwardLog::new(HALF);
        log.decide(
            Forwarding::FirstCopy,
            PacketKind::Heartbeat,
            &1u32,
            false,
            Time::ZERO,
        );
        log.prune(Time::ZERO + HALF, 1);
        assert_eq!(log.last.len(), 1, "within bound: kept");
        log.decide(
            Forwarding::FirstCopy,
            PacketKind::Heartbeat,
            &2u32,
            false,
            Time::ZERO,
        );
        log.prune(Time::ZERO + HALF, 1);
        assert_eq!(log.last.len(), 0);
    }
}
