//! Which protocol a plan runs: PekoNode (the default) or SWIM, each with its own settings.
//!
//! PekoNode takes [`Plan::config`](crate::Plan::config) as it always has. SWIM takes its own
//! knobs ([`SwimConfig`]), or, when a plan gives none, values derived from the plan's PekoNode
//! `cycle` and `timeout` by [`SwimConfig::matching`]: the same detection budget, so that one
//! scenario compares both protocols without restating it.

use pekonode_proto::Config;
use pekonode_swim::SwimConfig;

use crate::outcome::ProtocolSummary;

/// The protocol every node of a plan runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ProtocolKind {
    /// PekoNode, with the plan's `config` (the default: every plan ran PekoNode before).
    #[default]
    PekoNode,
    /// SWIM through foca (`pekonode-swim`).
    Swim(SwimSettings),
}

impl ProtocolKind {
    /// A short name: `pekonode` or `swim`.
    pub fn name(&self) -> &'static str {
        match self {
            ProtocolKind::PekoNode => "pekonode",
            ProtocolKind::Swim(_) => "swim",
        }
    }

    /// The settings the run's outcome reports, whichever driver ran it. `resolved` is the
    /// plan's PekoNode config after its defaults. SWIM fills PekoNode's columns with its own
    /// knobs: the indirect probes as the fan-out, the probe period as the cycle, the suspicion
    /// time as the timeout, the packet limit as the size.
    pub fn summary(&self, resolved: &Config) -> ProtocolSummary {
        let ms = |d: std::time::Duration| crate::stats::ms(d.as_micros() as u64);
        let mut summary = ProtocolSummary {
            forwarding: resolved.forwarding.to_string(),
            amount: resolved.amount,
            cycle_ms: ms(resolved.cycle),
            timeout_ms: ms(resolved.timeout),
            size: resolved.size,
            buffer: resolved.buffer,
        };
        if let ProtocolKind::Swim(settings) = self {
            let swim = settings.resolve(resolved);
            summary.forwarding = ProtocolSummary::SWIM.to_owned();
            summary.amount = swim.num_indirect_probes;
            summary.cycle_ms = ms(swim.probe_period);
            summary.timeout_ms = ms(swim.suspect_to_down);
            summary.size = swim.max_packet_size;
        }
        summary
    }
}

/// What a SWIM plan sets of SWIM.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SwimSettings {
    /// SWIM's knobs; `None` derives them from the plan's PekoNode settings (see
    /// [`SwimSettings::resolve`]).
    pub config: Option<SwimConfig>,
}

impl SwimSettings {
    /// The knobs the nodes run with: the given ones, or [`SwimConfig::matching`] of the
    /// `cycle` and `timeout` of `resolved` (the plan's PekoNode config after its defaults).
    pub fn resolve(&self, resolved: &Config) -> SwimConfig {
        match &self.config {
            Some(config) => config.clone(),
            None => SwimConfig::matching(resolved.cycle, resolved.timeout),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn without_knobs_swim_matches_the_pekonode_budget() {
        let resolved = Config::default().resolve().expect("defaults resolve");
        let swim = SwimSettings::default().resolve(&resolved);
        assert_eq!(swim, SwimConfig::matching(resolved.cycle, resolved.timeout));
        assert_eq!(swim.probe_period, Duration::from_secs(3));
        let given = SwimSettings {
            config: Some(SwimConfig::default()),
        };
        assert_eq!(given.resolve(&resolved), SwimConfig::default());
        assert_eq!(ProtocolKind::default(), ProtocolKind::PekoNode);
    }
}
