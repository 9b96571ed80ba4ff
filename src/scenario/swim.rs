//! The `protocol` block's choice of protocol (`"kind"`) and SWIM's knobs (`"swim"`), checked
//! with their paths and resolved into the run's [`ProtocolKind`].
//!
//! A SWIM scenario keeps the PekoNode fields it shares meaning with: `cycle_ms` and
//! `timeout_ms` set the detection budget SWIM's omitted knobs are derived from
//! ([`SwimConfig::matching`]), `cycle_ms` buckets the per-cycle traffic, `wire` adds its
//! envelope bytes. PekoNode's `"auto"` advice does not apply to SWIM and is refused.

use std::time::Duration;

use crate::protocol::Config;
use crate::run::{ProtocolKind, SwimSettings};
use crate::swim::{SwimConfig, MIN_PACKET};

use super::checker::Checker;
use super::schema::{Expect, ProtocolSpec};
use super::swim_spec::{ProtocolName, SwimSpec};

/// Longest period or suspicion a knob takes (ms): an hour for periods, a day for suspicion.
const MAX_PERIOD_MS: u64 = 3_600_000;
const MAX_SUSPECT_MS: u64 = 86_400_000;
/// Largest UDP payload over IPv4.
const MAX_UDP_PAYLOAD: u32 = 65_507;

/// The protocol `p` chooses, with `config` the resolved PekoNode settings SWIM's omitted
/// knobs derive from (`None` when they did not resolve: nothing more is checked). Problems are
/// recorded at their paths (`protocol.swim.probe_rtt_ms`, …).
pub(super) fn resolve(
    ck: &mut Checker,
    p: &ProtocolSpec,
    config: Option<&Config>,
) -> Option<ProtocolKind> {
    match p.kind {
        ProtocolName::Pekonode => {
            if p.swim.is_some() {
                ck.err(
                    "protocol.swim",
                    "SWIM's knobs need \"kind\": \"swim\" (the default kind is PekoNode)",
                );
            }
            Some(ProtocolKind::PekoNode)
        }
        ProtocolName::Swim => {
            if super::auto::wanted(p) {
                ck.err(
                    "protocol.kind",
                    "\"auto\" advises PekoNode's fan-out and timeout; give numbers with \"swim\"",
                );
            }
            let before = ck.count();
            let config = knobs(ck, p.swim.as_ref().cloned().unwrap_or_default(), config?);
            let kind = ProtocolKind::Swim(SwimSettings {
                config: Some(config),
            });
            (ck.count() == before).then_some(kind)
        }
    }
}

/// SWIM's knobs: `spec`'s, the rest matching `config`; each out-of-range value recorded.
fn knobs(ck: &mut Checker, spec: SwimSpec, config: &Config) -> SwimConfig {
    let mut c = SwimConfig::matching(config.cycle, config.timeout);
    let path = |field: &str| format!("protocol.swim.{field}");
    let mut ms = |field: &str, value: Option<u64>, min: u64, max: u64| {
        let v = value?;
        if (min..=max).contains(&v) {
            Some(Duration::from_millis(v))
        } else {
            ck.err(
                path(field),
                format!("{v} ms is out of range; use {min} to {max}"),
            );
            None
        }
    };
    if let Some(d) = ms("probe_period_ms", spec.probe_period_ms, 10, MAX_PERIOD_MS) {
        c.probe_period = d;
        // The derived round trip follows a given period.
        c.probe_rtt = d / 3;
    }
    if let Some(d) = ms("probe_rtt_ms", spec.probe_rtt_ms, 1, MAX_PERIOD_MS) {
        c.probe_rtt = d;
    }
    if let Some(d) = ms(
        "suspect_to_down_ms",
        spec.suspect_to_down_ms,
        1,
        MAX_SUSPECT_MS,
    ) {
        c.suspect_to_down = d;
    }
    if let Some(v) = spec.gossip_period_ms {
        c.gossip_period = ms("gossip_period_ms", Some(v), 0, MAX_PERIOD_MS)
            .and_then(|d| (!d.is_zero()).then_some(d));
    }
    if let Some(v) = spec.announce_period_ms {
        c.announce_period = ms("announce_period_ms", Some(v), 0, MAX_PERIOD_MS)
            .and_then(|d| (!d.is_zero()).then_some(d));
    }
    let mut count = |field: &str, value: Option<u32>, min: u32, max: u32| {
        let v = value?;
        if (min..=max).contains(&v) {
            Some(v)
        } else {
            ck.err(
                path(field),
                format!("{v} is out of range; use {min} to {max}"),
            );
            None
        }
    };
    if let Some(v) = count("num_indirect_probes", spec.num_indirect_probes, 1, 64) {
        c.num_indirect_probes = v as usize;
    }
    if let Some(v) = count("max_transmissions", spec.max_transmissions, 1, 255) {
        c.max_transmissions = v as u8;
    }
    let (min_packet, max_packet) = (MIN_PACKET as u32, MAX_UDP_PAYLOAD);
    if let Some(v) = count(
        "max_packet_size",
        spec.max_packet_size,
        min_packet,
        max_packet,
    ) {
        c.max_packet_size = v as usize;
    }
    if let Some(v) = spec.notify_down_members {
        c.notify_down_members = v;
    }
    if c.probe_rtt >= c.probe_period {
        ck.err(
            path("probe_rtt_ms"),
            format!(
                "the probe round trip ({} ms) must be below the probe period ({} ms)",
                c.probe_rtt.as_millis(),
                c.probe_period.as_millis()
            ),
        );
    } else if let Err(e) = c.validate() {
        ck.err("protocol.swim", e.to_string());
    }
    c
}

/// Refuses expectations a SWIM run does not measure (it has no heartbeats).
pub(super) fn check_expect(ck: &mut Checker, p: &ProtocolSpec, expect: &Expect) {
    if p.kind != ProtocolName::Swim {
        return;
    }
    let unmeasured = [
        ("min_coverage", expect.min_coverage.is_some()),
        (
            "max_packets_per_heartbeat",
            expect.max_packets_per_heartbeat.is_some(),
        ),
        (
            "max_datagrams_per_heartbeat",
            expect.max_datagrams_per_heartbeat.is_some(),
        ),
    ];
    for (field, set) in unmeasured {
        if set {
            ck.err(
                format!("expect.{field}"),
                "SWIM has no heartbeats: this is not measured with \"kind\": \"swim\"",
            );
        }
    }
}
