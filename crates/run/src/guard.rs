//! The explosion guard, judged once for both drivers: a run that passes a limit of
//! [`Limits`] stops, with one line that says what passed which limit and what avoids it.

use pekonode_proto::{Forwarding, Time};

use crate::outcome::GuardStop;
use crate::plan::Limits;
use crate::stats::ms;

/// Whether `limits` are passed at `now`, by `in_flight` packets in flight (when the driver
/// can see them: the simulator can, sockets cannot) or by `this_cycle` packets sent during
/// the current cycle. `forwarding` says what the likely cause is.
#[inline]
pub fn check(
    limits: &Limits,
    forwarding: Forwarding,
    in_flight: Option<u64>,
    this_cycle: u64,
    now: Time,
) -> Option<GuardStop> {
    let passed = match in_flight {
        Some(value) if value > limits.max_in_flight => Some((
            "max_in_flight",
            limits.max_in_flight,
            value,
            "packets in flight",
        )),
        _ if this_cycle > limits.max_packets_per_cycle => Some((
            "max_packets_per_cycle",
            limits.max_packets_per_cycle,
            this_cycle,
            "packets sent in one cycle",
        )),
        _ => None,
    };
    passed.map(|(limit, limit_value, value, what)| {
        stop(forwarding, limit, limit_value, value, what, now)
    })
}

#[cold]
fn stop(
    forwarding: Forwarding,
    limit: &str,
    limit_value: u64,
    value: u64,
    what: &str,
    now: Time,
) -> GuardStop {
    // Only faithful (Go's) forwarding is exponential; a first-copy run that passes a limit is
    // simply that large.
    let why = match forwarding {
        Forwarding::Faithful => {
            "faithful forwarding sends a number of packets exponential in the cluster size \
             (first-copy forwarding avoids it)"
        }
        Forwarding::FirstCopy => {
            "first-copy forwarding is linear in the cluster size, so this is the load itself: \
             use fewer nodes, spread their joins (join_interval_ms) or raise the limit"
        }
    };
    let message = format!(
        "explosion guard: {value} {what} passed {limit} = {limit_value} at t = {:.3} s; {why}",
        now.as_secs_f64(),
    );
    GuardStop {
        at_ms: ms(now.as_micros()),
        limit: limit.to_string(),
        limit_value,
        value,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_is_judged_first_and_only_when_seen() {
        let limits = Limits {
            max_in_flight: 10,
            max_packets_per_cycle: 100,
            ..Limits::default()
        };
        let now = Time::from_secs(2);
        let f = Forwarding::FirstCopy;
        assert!(check(&limits, f, Some(10), 100, now).is_none());
        let stop = check(&limits, f, Some(11), 101, now).map(|s| s.limit);
        assert_eq!(stop.as_deref(), Some("max_in_flight"));
        let stop = check(&limits, f, None, 101, now);
        assert_eq!(stop.as_ref().map(|s| s.value), Some(101));
        assert!(stop.is_some_and(|s| s.message.contains("at t = 2.000 s")));
    }
}
