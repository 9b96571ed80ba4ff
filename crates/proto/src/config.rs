//! Protocol parameters, PekoNode's defaults, and the values no node could run with.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::trust::Trust;

/// How a node treats a heartbeat or update that reaches it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Forwarding {
    /// Go PekoNode's rule: every copy is forwarded until its infected set covers the view.
    /// One heartbeat costs a number of packets exponential in the cluster size.
    Faithful,
    /// Our fix: a heartbeat of origin O is forwarded only if none of O's heartbeats was
    /// forwarded in the last `cycle / 2`; an update only if this node adopted it.
    /// Same packets on the wire, so it mixes with Go nodes.
    #[default]
    FirstCopy,
}

impl Forwarding {
    /// The name used in scenario files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Forwarding::Faithful => "faithful",
            Forwarding::FirstCopy => "first-copy",
        }
    }
}

impl fmt::Display for Forwarding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Forwarding {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "faithful" => Ok(Forwarding::Faithful),
            "first-copy" | "first_copy" => Ok(Forwarding::FirstCopy),
            other => Err(ConfigError::UnknownForwarding(other.to_string())),
        }
    }
}

/// Protocol parameters, named and defaulted as in Go PekoNode: a zero means "use the default".
///
/// ```
/// use pekonode_proto::Config;
/// use std::time::Duration;
/// let c = Config::default().resolve().unwrap();
/// assert_eq!((c.amount, c.buffer, c.size), (3, 9, 16384));
/// assert_eq!(c.cycle, Duration::from_secs(6));
/// assert_eq!(c.timeout, Duration::from_secs(20)); // timeout ≤ cycle ⇒ 3 × cycle + 2 s
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Fan-out: how many uninfected nodes each broadcast targets (0 ⇒ 3).
    pub amount: usize,
    /// Time between two heartbeats of a node (0 ⇒ 6 s).
    pub cycle: Duration,
    /// Receive queue length of the driver (0 ⇒ 3 × amount). The core does not queue; drivers do.
    pub buffer: usize,
    /// Datagrams of `size` bytes or more are rejected (0 ⇒ 16384).
    pub size: usize,
    /// An entry not refreshed for more than `timeout` expires (≤ cycle ⇒ 3 × cycle + 2 s).
    pub timeout: Duration,
    /// The forwarding rule.
    pub forwarding: Forwarding,
    /// Rejoin (ours, not Go's): every `rejoin`, the heartbeat also goes to each contact given
    /// with `set` that the view no longer lists, so a partition longer than `timeout` heals
    /// and a node that every other forgot comes back. While the view lists no other member,
    /// it goes sooner: at the next heartbeat, then after 2, 4, 8, … heartbeats as long as no
    /// member shows up (a silent or refusing contact is not sent a heartbeat a cycle
    /// forever), the wait capped at `rejoin`. Zero (the default) is Go PekoNode's behaviour:
    /// no way back.
    pub rejoin: Duration,
    /// Limits on what the node takes from the network ([`Trust`]); all off by default, as in
    /// Go PekoNode.
    pub trust: Trust,
}

impl Config {
    /// PekoNode's defaults with this project's hardening on: rejoin every
    /// [`HARDENED_REJOIN`] and every [`Trust::HARDENED`] rule. Same packets on the wire, so it
    /// still mixes with Go nodes.
    ///
    /// ```
    /// let c = pekonode_proto::Config::hardened();
    /// assert!(!c.rejoin.is_zero() && c.trust.guarded_swaps);
    /// ```
    pub fn hardened() -> Config {
        Config {
            rejoin: HARDENED_REJOIN,
            trust: Trust::HARDENED,
            ..Config::default()
        }
    }
}

/// The rejoin period of [`Config::hardened`]: half the default timeout, so that a node every
/// other forgot is heard again well within twice the timeout.
pub const HARDENED_REJOIN: Duration = Duration::from_secs(10);

/// Largest fan-out accepted: beyond this a broadcast is a flood, not gossip.
pub const MAX_AMOUNT: usize = 1_000;
/// Go PekoNode's fan-out when `amount` is 0.
pub const DEFAULT_AMOUNT: usize = 3;
/// Go PekoNode's heartbeat period when `cycle` is zero.
pub const DEFAULT_CYCLE: Duration = Duration::from_secs(6);
/// Go PekoNode's size limit (bytes) when `size` is 0.
pub const DEFAULT_SIZE: usize = 16_384;
/// Largest receive queue (`buffer`) accepted, in packets.
pub const MAX_BUFFER: usize = 1_000_000;
/// Largest `size` accepted: the largest UDP datagram plus one.
pub const MAX_SIZE: usize = 65_536;
/// Smallest `size` accepted: no PekoNode packet fits in fewer bytes.
pub const MIN_SIZE: usize = 128;
/// Shortest cycle accepted.
pub const MIN_CYCLE: Duration = Duration::from_millis(1);
/// Longest cycle or timeout accepted (a year): longer ones overflow nothing but help no one.
pub const MAX_PERIOD: Duration = Duration::from_secs(365 * 24 * 3600);

/// A configuration no node could run with. Returned by [`Config::resolve`]; nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The fan-out is above [`MAX_AMOUNT`].
    #[error("amount {0} is too large (at most {MAX_AMOUNT})")]
    AmountTooLarge(usize),
    /// The cycle is below [`MIN_CYCLE`].
    #[error("cycle {0:?} is too short (at least 1 ms)")]
    CycleTooShort(Duration),
    /// The cycle is above [`MAX_PERIOD`], or the timeout above four times that.
    #[error("{what} {value:?} is too long (at most {max:?})")]
    PeriodTooLong {
        /// Which setting.
        what: &'static str,
        /// Its value.
        value: Duration,
        /// The longest allowed.
        max: Duration,
    },
    /// The size limit is outside [`MIN_SIZE`]..=[`MAX_SIZE`].
    #[error("size {0} is outside {MIN_SIZE}..={MAX_SIZE} bytes")]
    SizeOutOfRange(usize),
    /// The receive queue length is above [`MAX_BUFFER`].
    #[error("buffer {0} is too large (at most {MAX_BUFFER})")]
    BufferTooLarge(usize),
    /// A forwarding mode name that does not exist.
    #[error("unknown forwarding mode {0:?} (expected \"faithful\" or \"first-copy\")")]
    UnknownForwarding(String),
}

impl Config {
    /// Fills in PekoNode's defaults and checks that a node can run with the result.
    ///
    /// The rules are Go PekoNode's: `amount` 3, `cycle` 6 s, `buffer` 3 × amount, `size` 16384,
    /// and a `timeout` that is not longer than `cycle` becomes 3 × cycle + 2 s.
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        let amount = if self.amount == 0 {
            DEFAULT_AMOUNT
        } else {
            self.amount
        };
        if amount > MAX_AMOUNT {
            return Err(ConfigError::AmountTooLarge(amount));
        }
        let cycle = if self.cycle.is_zero() {
            DEFAULT_CYCLE
        } else {
            self.cycle
        };
        if cycle < MIN_CYCLE {
            return Err(ConfigError::CycleTooShort(cycle));
        }
        if cycle > MAX_PERIOD {
            return Err(ConfigError::PeriodTooLong {
                what: "cycle",
                value: cycle,
                max: MAX_PERIOD,
            });
        }
        let buffer = if self.buffer == 0 {
            amount * 3
        } else {
            self.buffer
        };
        if buffer > MAX_BUFFER {
            return Err(ConfigError::BufferTooLarge(buffer));
        }
        let size = if self.size == 0 {
            DEFAULT_SIZE
        } else {
            self.size
        };
        if !(MIN_SIZE..=MAX_SIZE).contains(&size) {
            return Err(ConfigError::SizeOutOfRange(size));
        }
        let timeout = if self.timeout <= cycle {
            cycle * 3 + Duration::from_secs(2)
        } else {
            self.timeout
        };
        if timeout > MAX_PERIOD * 4 {
            return Err(ConfigError::PeriodTooLong {
                what: "timeout",
                value: timeout,
                max: MAX_PERIOD * 4,
            });
        }
        if self.rejoin > MAX_PERIOD {
            return Err(ConfigError::PeriodTooLong {
                what: "rejoin",
                value: self.rejoin,
                max: MAX_PERIOD,
            });
        }
        Ok(Config {
            amount,
            cycle,
            buffer,
            size,
            timeout,
            forwarding: self.forwarding,
            rejoin: self.rejoin,
            trust: self.trust,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_values_take_pekonode_defaults() {
        let c = Config::default().resolve().unwrap();
        assert_eq!(c.amount, 3);
        assert_eq!(c.cycle, Duration::from_secs(6));
        assert_eq!(c.buffer, 9);
        assert_eq!(c.size, 16_384);
        assert_eq!(c.timeout, Duration::from_secs(20));
        assert_eq!(c.forwarding, Forwarding::FirstCopy);
    }

    #[test]
    fn buffer_default_follows_amount() {
        let c = Config {
            amount: 5,
            ..Config::default()
        };
        assert_eq!(c.resolve().unwrap().buffer, 15);
    }

    #[test]
    fn timeout_not_above_cycle_becomes_three_cycles_plus_two_seconds() {
        for t in [0, 1, 10] {
            let c = Config {
                cycle: Duration::from_secs(10),
                timeout: Duration::from_secs(t),
                ..Config::default()
            };
            assert_eq!(c.resolve().unwrap().timeout, Duration::from_secs(32));
        }
        let c = Config {
            cycle: Duration::from_secs(10),
            timeout: Duration::from_secs(11),
            ..Config::default()
        };
        assert_eq!(c.resolve().unwrap().timeout, Duration::from_secs(11));
    }

    #[test]
    fn values_no_node_can_run_with_are_errors() {
        let bad = [
            Config {
                amount: MAX_AMOUNT + 1,
                ..Config::default()
            },
            Config {
                cycle: Duration::from_micros(10),
                ..Config::default()
            },
            Config {
                cycle: MAX_PERIOD * 2,
                ..Config::default()
            },
            Config {
                size: 10,
                ..Config::default()
            },
            Config {
                size: 1 << 20,
                ..Config::default()
            },
            Config {
                buffer: usize::MAX,
                ..Config::default()
            },
        ];
        for c in bad {
            assert!(c.resolve().is_err(), "{c:?} should be rejected");
        }
    }

    #[test]
    fn forwarding_names_round_trip() {
        for f in [Forwarding::Faithful, Forwarding::FirstCopy] {
            assert_eq!(f.as_str().parse::<Forwarding>().unwrap(), f);
        }
        assert!("flood".parse::<Forwarding>().is_err());
    }
}
