//! SWIM's knobs in PekoNode's terms, and how they map onto foca's [`foca::Config`].

use std::num::{NonZeroU8, NonZeroUsize};
use std::time::Duration;

/// How a SWIM node probes, suspects and gossips.
///
/// [`Default`] is foca's [`Config::simple`](foca::Config::simple) (plain SWIM: 1.5 s probes,
/// 0.5 s round trip, 3 s suspicion); [`SwimConfig::matching`] derives values from a PekoNode
/// `cycle` and `timeout`, so both protocols can be compared at one detection budget.
///
/// ```
/// use pekonode_swim::SwimConfig;
/// use std::time::Duration;
///
/// // PekoNode's defaults: a heartbeat every 6 s, expiry after 20 s.
/// let c = SwimConfig::matching(Duration::from_secs(6), Duration::from_secs(20));
/// assert_eq!(c.probe_period, Duration::from_secs(3));
/// assert_eq!(c.probe_rtt, Duration::from_secs(1));
/// assert_eq!(c.suspect_to_down, Duration::from_secs(14));
/// assert!(c.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwimConfig {
    /// How often the node probes one member (foca's `probe_period`).
    pub probe_period: Duration,
    /// How long a direct probe waits for its ack before asking others (`probe_rtt`); below
    /// `probe_period`.
    pub probe_rtt: Duration,
    /// How many members are asked to probe indirectly (`num_indirect_probes`); also the
    /// fan-out of periodic gossip.
    pub num_indirect_probes: usize,
    /// How many messages carry each membership update (`max_transmissions`, 1..=255).
    pub max_transmissions: u8,
    /// How long a suspect stays alive before it is declared down (`suspect_to_down_after`).
    pub suspect_to_down: Duration,
    /// How long a down identity is remembered (`remove_down_after`; `None`: forever).
    pub remove_down_after: Option<Duration>,
    /// The largest packet sent and accepted, in bytes (`max_packet_size`).
    pub max_packet_size: usize,
    /// Extension: gossip updates to `num_indirect_probes` members this often, besides
    /// piggybacking them on probes (`periodic_gossip`; `None`: pure SWIM).
    pub gossip_period: Option<Duration>,
    /// Extension: ask one member for more members this often (`periodic_announce`).
    pub announce_period: Option<Duration>,
    /// Extension: tell members declared down that they are (`notify_down_members`), so a
    /// falsely suspected node rejoins quickly.
    pub notify_down_members: bool,
}

impl Default for SwimConfig {
    fn default() -> Self {
        SwimConfig::from_foca(&foca::Config::simple())
    }
}

/// A configuration foca cannot run with. Nothing was created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SwimConfigError {
    /// A period, the round trip or the suspicion time is zero.
    #[error("{0} must not be zero")]
    Zero(&'static str),
    /// `probe_rtt` is not below `probe_period`.
    #[error("probe_rtt must be below probe_period")]
    RttNotBelowPeriod,
    /// `max_packet_size` is too small to carry a message.
    #[error("max_packet_size below {MIN_PACKET} bytes")]
    PacketTooSmall,
}

/// The smallest `max_packet_size` accepted: a header and a few member updates.
pub const MIN_PACKET: usize = 128;

impl SwimConfig {
    /// foca's values as a `SwimConfig`.
    pub fn from_foca(c: &foca::Config) -> SwimConfig {
        SwimConfig {
            probe_period: c.probe_period,
            probe_rtt: c.probe_rtt,
            num_indirect_probes: c.num_indirect_probes.get(),
            max_transmissions: c.max_transmissions.get(),
            suspect_to_down: c.suspect_to_down_after,
            remove_down_after: c.remove_down_after,
            max_packet_size: c.max_packet_size.get(),
            gossip_period: c.periodic_gossip.as_ref().map(|p| p.frequency),
            announce_period: c.periodic_announce.as_ref().map(|p| p.frequency),
            notify_down_members: c.notify_down_members,
        }
    }

    /// Values that spend a PekoNode detection budget: a node sending a heartbeat every `cycle`
    /// and expiring entries after `timeout` notices a crash `timeout - cycle/2` after it on
    /// average (the last heartbeat it heard was half a cycle before the crash).
    ///
    /// SWIM notices a crash in about one probe period (some member probes the dead node
    /// almost at once in a cluster; the probe and its indirect round take one period), then
    /// waits `suspect_to_down`, then gossips the verdict. So:
    /// - `probe_period = cycle / 2` (two probes a cycle: a ping and an ack each, about the
    ///   packets of PekoNode's three heartbeats a cycle);
    /// - `probe_rtt = probe_period / 3` (foca's rule of thumb);
    /// - `suspect_to_down = timeout - cycle` (at least one probe period), so that probe plus
    ///   suspicion is `timeout - cycle/2`, PekoNode's mean;
    /// - gossip every probe period and an announce every `cycle` (foca's LAN extensions, so
    ///   that verdicts and new members spread within a few periods);
    /// - the rest from [`Default`]. `timeout` at or below `cycle` takes PekoNode's rule,
    ///   `3 × cycle + 2 s`.
    pub fn matching(cycle: Duration, timeout: Duration) -> SwimConfig {
        let timeout = if timeout <= cycle {
            cycle * 3 + Duration::from_secs(2)
        } else {
            timeout
        };
        let probe_period = cycle / 2;
        SwimConfig {
            probe_period,
            probe_rtt: probe_period / 3,
            suspect_to_down: (timeout - cycle).max(probe_period),
            gossip_period: Some(probe_period),
            announce_period: Some(cycle),
            notify_down_members: true,
            ..SwimConfig::default()
        }
    }

    /// Checks what foca needs (it does not check itself).
    pub fn validate(&self) -> Result<(), SwimConfigError> {
        let durations = [
            (self.probe_period, "probe_period"),
            (self.probe_rtt, "probe_rtt"),
            (self.suspect_to_down, "suspect_to_down"),
        ];
        let periods = [
            (self.gossip_period, "gossip_period"),
            (self.announce_period, "announce_period"),
        ];
        for (d, name) in durations {
            if d.is_zero() {
                return Err(SwimConfigError::Zero(name));
            }
        }
        for (d, name) in periods {
            if d.is_some_and(|d| d.is_zero()) {
                return Err(SwimConfigError::Zero(name));
            }
        }
        if self.num_indirect_probes == 0 {
            return Err(SwimConfigError::Zero("num_indirect_probes"));
        }
        if self.max_transmissions == 0 {
            return Err(SwimConfigError::Zero("max_transmissions"));
        }
        if self.probe_rtt >= self.probe_period {
            return Err(SwimConfigError::RttNotBelowPeriod);
        }
        if self.max_packet_size < MIN_PACKET {
            return Err(SwimConfigError::PacketTooSmall);
        }
        Ok(())
    }

    /// foca's config, once [validated](SwimConfig::validate).
    pub(crate) fn to_foca(&self) -> Result<foca::Config, SwimConfigError> {
        self.validate()?;
        let nonzero = |n: usize, name| NonZeroUsize::new(n).ok_or(SwimConfigError::Zero(name));
        let fan_out = nonzero(self.num_indirect_probes, "num_indirect_probes")?;
        let periodic = |frequency, num_members| foca::PeriodicParams {
            frequency,
            num_members,
        };
        let one = NonZeroUsize::MIN;
        Ok(foca::Config {
            probe_period: self.probe_period,
            probe_rtt: self.probe_rtt,
            num_indirect_probes: fan_out,
            max_transmissions: NonZeroU8::new(self.max_transmissions)
                .ok_or(SwimConfigError::Zero("max_transmissions"))?,
            suspect_to_down_after: self.suspect_to_down,
            remove_down_after: self.remove_down_after,
            max_packet_size: nonzero(self.max_packet_size, "max_packet_size")?,
            notify_down_members: self.notify_down_members,
            periodic_announce: self.announce_period.map(|f| periodic(f, one)),
            periodic_announce_to_down_members: None,
            periodic_gossip: self.gossip_period.map(|f| periodic(f, fan_out)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_foca_simple_and_round_trips() {
        let c = SwimConfig::default();
        assert_eq!(c.probe_period, Duration::from_millis(1_500));
        let back = SwimConfig::from_foca(&c.to_foca().expect("valid"));
        assert_eq!(back, c);
    }

    #[test]
    fn configs_foca_cannot_run_are_errors() {
        let bad = SwimConfig {
            probe_rtt: Duration::from_secs(2),
            ..SwimConfig::default()
        };
        assert_eq!(bad.validate(), Err(SwimConfigError::RttNotBelowPeriod));
        let zero = SwimConfig {
            max_transmissions: 0,
            ..SwimConfig::default()
        };
        assert_eq!(
            zero.validate(),
            Err(SwimConfigError::Zero("max_transmissions"))
        );
        let tiny = SwimConfig::matching(Duration::ZERO, Duration::ZERO);
        assert!(tiny.validate().is_err());
    }
}
