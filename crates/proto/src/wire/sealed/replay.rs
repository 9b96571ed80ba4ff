//! Anti-replay: a sliding window of counters per sender, as IPsec and WireGuard keep.

use std::collections::BTreeMap;

/// How many counters below the highest seen a window still accepts (out-of-order delivery).
pub const WINDOW: u64 = 64;

/// Most senders tracked at once. Only authentic datagrams create a sender, so only key holders
/// fill it; past it, the sender heard from least recently is forgotten (its old datagrams are
/// then stopped by the timestamp window alone).
pub const MAX_SENDERS: usize = 65_536;

/// The counters seen from one sender incarnation: the highest, and a bitmap of the `WINDOW`
/// below it (bit `d` is counter `top - d`).
#[derive(Clone, Copy, Debug)]
struct Window {
    top: u64,
    bits: u64,
    heard_ms: u64,
}

impl Window {
    /// Marks `counter` seen; false if it was already seen or is older than the window.
    fn accept(&mut self, counter: u64) -> bool {
        if counter > self.top {
            let shift = counter - self.top;
            self.bits = if shift >= WINDOW {
                1
            } else {
                (self.bits << shift) | 1
            };
            self.top = counter;
            return true;
        }
        let age = self.top - counter;
        if age >= WINDOW || self.bits & (1 << age) != 0 {
            return false;
        }
        self.bits |= 1 << age;
        true
    }
}

/// The windows of every sender, by incarnation (a random number each sender draws at start).
#[derive(Debug, Default)]
pub(crate) struct Windows {
    senders: BTreeMap<u64, Window>,
}

impl Windows {
    /// Whether `counter` from `incarnation` was already seen (or is older than its window):
    /// a look that changes nothing, so a replay is refused before any key is tried.
    pub(crate) fn seen(&self, incarnation: u64, counter: u64) -> bool {
        self.senders.get(&incarnation).is_some_and(|w| {
            counter <= w.top
                && (w.top - counter >= WINDOW || w.bits & (1 << (w.top - counter)) != 0)
        })
    }

    /// Accepts `counter` from `incarnation` at `now_ms` unless it is a replay.
    pub(crate) fn accept(&mut self, incarnation: u64, counter: u64, now_ms: u64) -> bool {
        if let Some(w) = self.senders.get_mut(&incarnation) {
            w.heard_ms = w.heard_ms.max(now_ms);
            return w.accept(counter);
        }
        if self.senders.len() >= MAX_SENDERS {
            // The least recently heard (ties: the lowest incarnation).
            let oldest = self
                .senders
                .iter()
                .min_by_key(|(id, w)| (w.heard_ms, **id))
                .map(|(id, _)| *id);
            if let Some(id) = oldest {
                self.senders.remove(&id);
            }
        }
        self.senders.insert(
            incarnation,
            Window {
                top: counter,
                bits: 1,
                heard_ms: now_ms,
            },
        );
        true
    }

    /// Senders tracked.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.senders.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_counter_is_accepted_once_in_any_order_within_the_window() {
        let mut w = Windows::default();
        assert!(w.accept(1, 10, 0));
        assert!(!w.accept(1, 10, 0));
        assert!(w.accept(1, 12, 0));
        assert!(w.accept(1, 11, 0)); // late, but within the window
        assert!(!w.accept(1, 11, 0));
        assert!(w.accept(1, 12 + WINDOW, 0));
        assert!(!w.accept(1, 12, 0)); // fell out of the window
        assert!(w.accept(1, 13, 0)); // the oldest counter the window still holds
                                     // Another incarnation (a restarted sender) has its own window.
        assert!(w.accept(2, 10, 0));
    }

    #[test]
    fn a_big_jump_clears_the_window() {
        let mut w = Windows::default();
        assert!(w.accept(7, 1, 0));
        assert!(w.accept(7, 1_000_000, 0));
        assert!(!w.accept(7, 1, 0));
        assert!(w.accept(7, 999_999, 0));
    }

    #[test]
    fn the_sender_table_is_bounded_and_forgets_the_least_recent() {
        let mut w = Windows::default();
        for id in 0..MAX_SENDERS as u64 {
            w.accept(id, 1, 1_000 + id);
        }
        assert!(w.accept(u64::MAX, 1, 10_000_000));
        assert_eq!(w.len(), MAX_SENDERS);
        // Sender 0 was forgotten: its counter 1 looks new again (the timestamp check is what
        // stops such a replay); sender 1 is still tracked.
        assert!(!w.accept(1, 1, 10_000_000));
    }
}
