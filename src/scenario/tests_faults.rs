//! The fault and adversary events: what they resolve to, and bad values refused at their path.

use std::time::Duration;

use super::tests_bad::{events, rejects};
use super::*;
use crate::run::{Action, Forgery, NemesisFault};

fn load(list: &str) -> Scenario {
    match Scenario::from_str_named(&events(list), "t.json") {
        Ok(s) => s,
        Err(e) => panic!("expected the scenario to load, got:\n{e}"),
    }
}

#[test]
fn fault_events_resolve_into_the_run_actions() {
    let s = load(
        r#"{"at_ms": 1000, "pause": {"node": "n1", "for_ms": 5000}},
           {"at_ms": 2000, "pause": {"node": "n2"}},
           {"at_ms": 3000, "resume": {"node": "n2"}},
           {"at_ms": 4000, "slow": {"node": "n3", "per_packet_ms": 2.5}},
           {"at_ms": 5000, "skew": {"node": "n0", "offset_ms": -60000}},
           {"at_ms": 6000, "forge": {"to": ["n0"], "identities": {"per_sec": 10, "for_ms": 1000}}},
           {"at_ms": 7000, "forge": {"version": {"from": "n1", "version": 9223372036854775807}}},
           {"at_ms": 8000, "nemesis": {"for_ms": 10000, "mean_interval_ms": 1000, "fault_ms": 500,
                                       "faults": ["pause", "loss"]}}"#,
    );
    let actions: Vec<&Action> = s.events().iter().map(|t| &t.action).collect();
    assert_eq!(actions[0], &Action::Pause { node: 1 });
    assert_eq!(actions[1], &Action::Pause { node: 2 });
    assert_eq!(actions[2], &Action::Resume { node: 2 });
    assert_eq!(
        actions[3],
        &Action::Slow {
            node: 3,
            per_packet: Duration::from_micros(2500)
        }
    );
    assert_eq!(
        actions[4],
        &Action::Skew {
            node: 0,
            offset_ms: -60000
        }
    );
    match actions[5] {
        Action::Forge(f) => {
            assert_eq!(f.to, vec![0]);
            assert_eq!(
                f.what,
                Forgery::Identities {
                    per_sec: 10,
                    span: Duration::from_secs(1)
                }
            );
        }
        other => panic!("{other:?}"),
    }
    match actions[6] {
        Action::Forge(f) => assert!(matches!(
            f.what,
            Forgery::Version {
                from: 1,
                version: i64::MAX,
                ..
            }
        )),
        other => panic!("{other:?}"),
    }
    match actions[7] {
        Action::Nemesis(n) => {
            assert_eq!(n.faults, vec![NemesisFault::Pause, NemesisFault::Loss]);
            assert_eq!(n.nodes, vec![0, 1, 2, 3], "default: the nodes running");
            assert_eq!(n.loss, 0.3);
        }
        other => panic!("{other:?}"),
    }
    // The pause with `for_ms` resumes by itself.
    let resume = &s.events()[8];
    assert_eq!(resume.at, Duration::from_millis(6000));
    assert_eq!(resume.action, Action::Resume { node: 1 });
}

#[test]
fn pause_and_resume_follow_the_life_of_their_node() {
    rejects(
        &events(r#"{"at_ms": 1000, "resume": {"node": "n1"}}"#),
        &[
            "events[0].resume.node",
            "resume needs a paused node",
            "'n1' is not paused",
        ],
    );
    rejects(
        &events(
            r#"{"at_ms": 1000, "pause": {"node": "n1", "for_ms": 5000}},
               {"at_ms": 2000, "pause": {"node": "n1"}}"#,
        ),
        &[
            "events[1].pause.node",
            "'n1' is already paused (until 6000 ms)",
        ],
    );
    // Once it resumed by itself, it can be paused again; a crash ends a pause.
    load(
        r#"{"at_ms": 1000, "pause": {"node": "n1", "for_ms": 500}},
           {"at_ms": 2000, "pause": {"node": "n1"}},
           {"at_ms": 3000, "crash": {"node": "n1"}},
           {"at_ms": 4000, "restart": {"node": "n1"}},
           {"at_ms": 5000, "pause": {"node": "n1"}}"#,
    );
    rejects(
        &events(
            r#"{"at_ms": 1000, "crash": {"node": "n1"}}, {"at_ms": 2000, "pause": {"node": "n1"}}"#,
        ),
        &[
            "events[1].pause.node",
            "pause needs a running or stopped node",
            "has crashed",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 1000, "pause": {"node": "n1", "for_ms": 0}}"#),
        &["events[0].pause.for_ms", "at least 1 ms"],
    );
    rejects(
        &events(r#"{"at_ms": 1000, "pause": {"node": "n9"}}"#),
        &["events[0].pause.node", "there is no node named 'n9'"],
    );
}

#[test]
fn slow_and_skew_values_are_bounded() {
    rejects(
        &events(r#"{"at_ms": 1000, "slow": {"node": "n1", "per_packet_ms": -1}}"#),
        &["events[0].slow.per_packet_ms", "out of range"],
    );
    rejects(
        &events(r#"{"at_ms": 1000, "slow": {"node": "n1", "per_packet_ms": 1e9}}"#),
        &["events[0].slow.per_packet_ms", "use 0 to 60000"],
    );
    rejects(
        &events(r#"{"at_ms": 1000, "skew": {"node": "n1", "offset_ms": 9000000000000}}"#),
        &["events[0].skew.offset_ms", "at most 315360000000 ms"],
    );
    rejects(
        &events(r#"{"at_ms": 1000, "skew": {"node": "n1"}}"#),
        &["events[0].skew", "missing field `offset_ms`"],
    );
}

#[test]
fn a_forge_needs_exactly_one_kind_and_sane_rates() {
    rejects(
        &events(r#"{"at_ms": 1000, "forge": {}}"#),
        &[
            "events[0].forge",
            "0 kinds of forgery",
            "exactly one of identities, impersonate",
        ],
    );
    rejects(
        &events(
            r#"{"at_ms": 1000, "forge": {"identities": {"per_sec": 1, "for_ms": 1},
                                         "replay": {"per_sec": 1, "for_ms": 1}}}"#,
        ),
        &["events[0].forge", "2 kinds of forgery"],
    );
    rejects(
        &events(r#"{"at_ms": 1000, "forge": {"identities": {"per_sec": 0, "for_ms": 1000}}}"#),
        &["events[0].forge.identities.per_sec", "use 1 to 100000"],
    );
    rejects(
        &events(r#"{"at_ms": 50000, "forge": {"replay": {"per_sec": 10, "for_ms": 20000}}}"#),
        &[
            "events[0].forge.replay.for_ms",
            "ends after the run (60000 ms)",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 0, "forge": {"identities": {"per_sec": 100000, "for_ms": 20000}}}"#),
        &[
            "events[0].forge.identities",
            "2000000 packets in all",
            "at most 1000000",
        ],
    );
    rejects(
        &events(
            r#"{"at_ms": 0, "forge": {"to": ["n7"], "impersonate": {"node": "n8", "per_sec": 1, "for_ms": 10}}}"#,
        ),
        &[
            "events[0].forge.to[0]",
            "events[0].forge.impersonate.node",
            "no node named 'n8'",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 0, "forge": {"version": {"from": "n1", "version": 0}}}"#),
        &["events[0].forge.version.version", "use 1 or more"],
    );
    rejects(
        &events(r#"{"at_ms": 0, "forge": {"version": {"from": "n1", "version": 5, "extra": 1}}}"#),
        &["events[0].forge.version", "unknown field `extra`"],
    );
}

#[test]
fn a_nemesis_is_checked_field_by_field() {
    rejects(
        &events(
            r#"{"at_ms": 1000, "nemesis": {"for_ms": 70000, "mean_interval_ms": 0, "fault_ms": 0,
                                           "faults": ["pause", "pause"], "loss": 2}}"#,
        ),
        &[
            "events[0].nemesis.for_ms",
            "ends after the run",
            "events[0].nemesis.mean_interval_ms",
            "events[0].nemesis.fault_ms",
            "events[0].nemesis.faults[1]",
            "\"pause\" is listed twice",
            "events[0].nemesis.loss",
        ],
    );
    rejects(
        &events(
            r#"{"at_ms": 0, "nemesis": {"for_ms": 1000, "mean_interval_ms": 1, "fault_ms": 1, "faults": []}}"#,
        ),
        &["events[0].nemesis.faults", "list at least one"],
    );
    rejects(
        &events(
            r#"{"at_ms": 0, "nemesis": {"for_ms": 1000, "mean_interval_ms": 1, "fault_ms": 1, "faults": ["flood"]}}"#,
        ),
        &["events[0].nemesis.faults[0]", "unknown variant `flood`"],
    );
    rejects(
        &events(
            r#"{"at_ms": 0, "nemesis": {"for_ms": 1000, "mean_interval_ms": 100, "fault_ms": 100, "nodes": ["n1"]}}"#,
        ),
        &["events[0].nemesis.nodes", "at least 2 nodes", "1 listed"],
    );
    rejects(
        &events(
            r#"{"at_ms": 0, "nemesis": {"for_ms": 60000, "mean_interval_ms": 1, "fault_ms": 1}}"#,
        ),
        &["events[0].nemesis.mean_interval_ms", "at most 10000"],
    );
}
