//! Scenarios that must be refused, each with a message naming the file, the path and the fault.

use super::tests::{minimal, with_nodes};
use super::*;

/// Loads `text` as `bad.json`, expects an error and returns its message.
pub(super) fn error_of(text: &str) -> String {
    match Scenario::from_str_named(text, "bad.json") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Asserts that `text` is refused with a message containing every one of `needles`.
pub(super) fn rejects(text: &str, needles: &[&str]) {
    let message = error_of(text);
    assert!(
        message.starts_with("bad.json"),
        "the message should name the file:\n{message}"
    );
    for needle in needles {
        assert!(
            message.contains(needle),
            "expected {needle:?} in:\n{message}"
        );
    }
}

/// A minimal scenario with these events.
pub(super) fn events(list: &str) -> String {
    minimal(&format!(r#""events": [{list}]"#))
}

#[test]
fn an_unknown_field_is_refused_with_its_path() {
    rejects(
        &minimal(r#""protocol": {"amout": 2}"#),
        &[
            "at `protocol.amout`",
            "unknown field `amout`",
            "expected one of `amount`",
        ],
    );
    rejects(
        &minimal(r#""netwrk": {}"#),
        &["bad.json:1:", "unknown field `netwrk`"],
    );
}

#[test]
fn a_syntax_error_gives_line_and_column() {
    rejects(
        "{\n  \"name\": \"x\"\n  \"seed\": 1\n}",
        &["bad.json:3:3: JSON syntax error", "expected `,`"],
    );
    rejects("", &["bad.json:1:0: JSON syntax error", "EOF"]);
    rejects(
        &format!("{} trailing", minimal("")),
        &["unexpected text after the scenario object"],
    );
}

#[test]
fn a_wrong_type_is_refused_with_its_path_and_position() {
    rejects(
        &minimal(r#""sample_interval_ms": "fast""#),
        &[
            "bad.json:1:",
            "at `sample_interval_ms`",
            "invalid type: string",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 1, "crash": {"node": true}}"#),
        &[
            "at `events[0].crash.node`",
            "a node name (string) or a node index",
        ],
    );
    rejects(&with_nodes("5", ""), &["at `nodes`", "a list of nodes"]);
    rejects(
        " [1, 2]",
        &["bad.json:1:2: at `(top level)`", "not an array"],
    );
    rejects("7", &["at `(top level)`", "invalid type: integer `7`"]);
}

#[test]
fn a_missing_field_is_named() {
    rejects(
        r#"{"name": "x", "seed": 1, "nodes": {"count": 2}}"#,
        &["missing field `duration_ms`"],
    );
}

#[test]
fn a_loss_above_one_is_not_a_probability() {
    rejects(
        &minimal(r#""network": {"loss": 1.5}"#),
        &[
            "at `network.loss`",
            "1.5 is not a probability",
            "from 0 to 1",
        ],
    );
    rejects(
        &minimal(r#""network": {"duplicate": -0.1}"#),
        &["at `network.duplicate`"],
    );
    rejects(
        &events(r#"{"at_ms": 1, "loss": {"value": 2}}"#),
        &["at `events[0].loss.value`"],
    );
    rejects(
        &minimal(r#""network": {"links": [{"from": "*", "to": 1, "loss": 7}]}"#),
        &["at `network.links[0].loss`"],
    );
}

#[test]
fn a_negative_fan_out_is_refused() {
    rejects(
        &minimal(r#""protocol": {"amount": -2}"#),
        &["at `protocol.amount`", "-2", "expected u32"],
    );
}

#[test]
fn an_event_needs_exactly_one_action() {
    rejects(
        &events(r#"{"at_ms": 5}"#),
        &["at `events[0]`", "has no action"],
    );
    rejects(
        &events(r#"{"at_ms": 5, "stop": {"node": 1}, "crash": {"node": 1}}"#),
        &["2 actions (crash, stop)"],
    );
    rejects(
        &events(r#"{"at_ms": 5, "crsh": {"node": 1}}"#),
        &["at `events[0].crsh`", "unknown field `crsh`"],
    );
}

#[test]
fn a_zero_or_too_fine_sample_interval_is_refused() {
    rejects(
        &minimal(r#""sample_interval_ms": 0"#),
        &["at `sample_interval_ms`", "at least 1 ms"],
    );
    rejects(
        &minimal(r#""sample_interval_ms": 60001"#),
        &["longer than the run"],
    );
    let week = r#"{"name": "t", "seed": 1, "duration_ms": 604800000, "sample_interval_ms": 1, "nodes": {"count": 1}}"#;
    rejects(week, &["604800000 samples", "at most 1000000"]);
}

#[test]
fn a_billion_nodes_is_refused() {
    rejects(
        &with_nodes(r#"{"count": 1000000000}"#, ""),
        &[
            "at `nodes.count`",
            "1000000000 nodes cannot be simulated",
            "1 to 65536",
        ],
    );
    rejects(&with_nodes(r#"{"count": 0}"#, ""), &["at `nodes.count`"]);
    rejects(&with_nodes("[]", ""), &["at `nodes`", "list 1 to"]);
}

#[test]
fn a_duration_of_centuries_is_refused() {
    let centuries =
        r#"{"name": "t", "seed": 1, "duration_ms": 3153600000000, "nodes": {"count": 2}}"#;
    rejects(centuries, &["at `duration_ms`", "7 days"]);
    rejects(
        r#"{"name": "t", "seed": 1, "duration_ms": 0, "nodes": {"count": 2}}"#,
        &["at `duration_ms`"],
    );
}

#[test]
fn a_name_unsafe_for_a_folder_is_refused() {
    for name in ["../etc", "", ".hidden", "a b", "ünï", "x/y"] {
        let text = minimal("").replacen(r#""name": "t""#, &format!(r#""name": {name:?}"#), 1);
        rejects(&text, &["at `name`", "A-Z a-z 0-9 _ . -"]);
    }
}

#[test]
fn a_latency_with_min_above_max_is_refused() {
    rejects(
        &minimal(r#""network": {"latency": {"uniform": {"min_ms": 50, "max_ms": 10}}}"#),
        &[
            "at `network.latency.uniform`",
            "min_ms (50) is greater than max_ms (10)",
        ],
    );
    rejects(
        &minimal(r#""network": {"latency": {"constant": {"ms": -1}}}"#),
        &["at `network.latency.constant.ms`", "not a latency"],
    );
    rejects(
        &minimal(r#""network": {"latency": {"lognormal": {"median_ms": 0, "sigma": 9}}}"#),
        &["median", "sigma 9"],
    );
    rejects(
        &minimal(r#""network": {"latency": {"gauss": {}}}"#),
        &["at `network.latency`", "unknown variant `gauss`"],
    );
}

#[test]
fn out_of_range_protocol_and_guard_values_are_refused() {
    rejects(
        &minimal(r#""protocol": {"size": 70000}"#),
        &["at `protocol.size`", "65536"],
    );
    rejects(
        &minimal(r#""protocol": {"amount": 20000}"#),
        &["at `protocol.amount`"],
    );
    rejects(
        &minimal(r#""protocol": {"forwarding": "first_copy"}"#),
        &["unknown variant `first_copy`", "`first-copy`"],
    );
    rejects(
        &minimal(r#""limits": {"max_in_flight": 0}"#),
        &["at `limits.max_in_flight`"],
    );
    rejects(
        &with_nodes(r#"{"count": 3, "bootstrap": {"random": {"k": 0}}}"#, ""),
        &["at `nodes.bootstrap.random.k`"],
    );
    rejects(
        &with_nodes(r#"{"count": 3, "join_interval_ms": 40000}"#, ""),
        &["at `nodes.join_interval_ms`"],
    );
}

#[test]
fn a_link_rule_that_changes_nothing_or_selects_nobody_is_refused() {
    rejects(
        &minimal(r#""network": {"links": [{"from": "*", "to": "*"}]}"#),
        &["at `network.links[0]`", "changes nothing"],
    );
    rejects(
        &minimal(r#""network": {"links": [{"from": [], "to": "*", "loss": 0}]}"#),
        &["at `network.links[0].from`", "empty list"],
    );
}

#[test]
fn expectations_that_cannot_apply_are_refused() {
    rejects(
        &minimal(r#""expect": {"converged_by_ms": 90000}"#),
        &["at `expect.converged_by_ms`", "after the end"],
    );
    rejects(
        &minimal(r#""expect": {"crash_detected_within_ms": 5000}"#),
        &["no crash or stop event"],
    );
    rejects(
        &minimal(r#""expect": {"metadata_everywhere_within_ms": 5000}"#),
        &["no publish event"],
    );
    rejects(
        &minimal(r#""expect": {"min_coverage": 1.2}"#),
        &["at `expect.min_coverage`"],
    );
    rejects(
        &minimal(r#""expect": {"no_false_removal": true}"#),
        &["unknown field `no_false_removal`"],
    );
}

#[test]
fn every_semantic_problem_is_reported_at_once() {
    let text = minimal(r#""network": {"loss": 2}, "sample_interval_ms": 0"#);
    let err = Scenario::from_str_named(&text, "bad.json").unwrap_err();
    let ScenarioError::Invalid { problems, .. } = &err else {
        panic!("{err:?}")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["sample_interval_ms", "network.loss"]);
    assert_eq!(err.to_string().lines().count(), 2);
}

#[test]
fn a_spec_built_in_code_is_validated_too() {
    let mut spec = parse(minimal("").as_bytes(), "code").unwrap_or_else(|e| panic!("{e}"));
    spec.network.loss = f64::NAN;
    let err = Scenario::from_spec(spec, "code").unwrap_err();
    assert!(
        err.to_string().contains("NaN is not a probability"),
        "{err}"
    );
}
