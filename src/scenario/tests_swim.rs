//! SWIM scenarios: the protocol's choice parses, PekoNode stays the default, SWIM's knobs are
//! checked with their paths, and expectations SWIM cannot meet are refused.

use super::tests::minimal;
use super::tests_bad::rejects;
use super::*;
use crate::run::ProtocolKind;
use std::time::Duration;

fn load(text: &str) -> Scenario {
    Scenario::from_str_named(text, "swim.json").expect("a valid scenario")
}

#[test]
fn pekonode_is_the_default_and_swim_derives_its_knobs_from_the_budget() {
    assert_eq!(load(&minimal("")).protocol(), &ProtocolKind::PekoNode);
    let s = load(&minimal(
        r#""protocol": {"kind": "swim", "cycle_ms": 4000, "timeout_ms": 14000}"#,
    ));
    let ProtocolKind::Swim(settings) = s.protocol() else {
        panic!("not swim: {:?}", s.protocol());
    };
    let config = settings.config.clone().expect("resolved knobs");
    assert_eq!(
        config,
        crate::swim::SwimConfig::matching(Duration::from_secs(4), Duration::from_secs(14))
    );
    let s = load(&minimal(
        r#""protocol": {"kind": "swim", "swim": {"probe_period_ms": 1500, "num_indirect_probes": 5, "gossip_period_ms": 0}}"#,
    ));
    let ProtocolKind::Swim(settings) = s.protocol() else {
        panic!("not swim");
    };
    let config = settings.config.clone().expect("resolved knobs");
    assert_eq!(config.probe_period, Duration::from_millis(1500));
    assert_eq!(config.probe_rtt, Duration::from_millis(500));
    assert_eq!(config.num_indirect_probes, 5);
    assert_eq!(config.gossip_period, None);
}

#[test]
fn swim_knobs_out_of_range_are_refused_with_their_paths() {
    rejects(
        &minimal(
            r#""protocol": {"kind": "swim", "swim": {"max_transmissions": 0, "max_packet_size": 64}}"#,
        ),
        &[
            "at `protocol.swim.max_transmissions`",
            "0 is out of range; use 1 to 255",
            "at `protocol.swim.max_packet_size`",
        ],
    );
    rejects(
        &minimal(
            r#""protocol": {"kind": "swim", "swim": {"probe_period_ms": 1000, "probe_rtt_ms": 1000}}"#,
        ),
        &[
            "at `protocol.swim.probe_rtt_ms`",
            "must be below the probe period",
        ],
    );
    rejects(
        &minimal(r#""protocol": {"kind": "swim", "swim": {"probe_period_ms": 5}}"#),
        &["at `protocol.swim.probe_period_ms`", "5 ms is out of range"],
    );
    rejects(
        &minimal(r#""protocol": {"swim": {}}"#),
        &["at `protocol.swim`", "need \"kind\": \"swim\""],
    );
    rejects(
        &minimal(r#""protocol": {"kind": "swim", "amount": "auto"}"#),
        &["at `protocol.kind`", "\"auto\""],
    );
    rejects(
        &minimal(r#""protocol": {"kind": "raft"}"#),
        &["at `protocol.kind`", "unknown variant `raft`"],
    );
}

#[test]
fn expectations_about_heartbeats_are_refused_for_swim() {
    rejects(
        &minimal(r#""protocol": {"kind": "swim"}, "expect": {"min_coverage": 0.9}"#),
        &["at `expect.min_coverage`", "SWIM has no heartbeats"],
    );
}

#[test]
fn the_shipped_swim_quickstart_is_valid() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/swim_quickstart.json"
    );
    let s = Scenario::from_path(std::path::Path::new(path)).expect("the shipped example loads");
    assert!(matches!(s.protocol(), ProtocolKind::Swim(_)));
}
