//! Timelines that must be refused: unknown nodes, bad partitions, events out of order, and
//! actions on nodes in the wrong state.

use super::tests::{minimal, with_nodes};
use super::tests_bad::{events, rejects};

#[test]
fn an_event_after_the_end_is_refused() {
    rejects(
        &events(r#"{"at_ms": 60001, "heal": {}}"#),
        &["at `events[0].at_ms`", "after the end of the run"],
    );
}

#[test]
fn events_out_of_time_order_are_refused() {
    rejects(
        &events(r#"{"at_ms": 500, "stop": {"node": 1}}, {"at_ms": 400, "start": {"node": 1}}"#),
        &["at `events[1].at_ms`", "list events in time order"],
    );
}

#[test]
fn an_unknown_node_name_or_index_is_refused() {
    rejects(
        &events(r#"{"at_ms": 1, "crash": {"node": "n99"}}"#),
        &[
            "at `events[0].crash.node`",
            "no node named 'n99'",
            "n0, n1, n2, n3",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 1, "set": {"node": 0, "contact": 7}}"#),
        &["at `events[0].set.contact`", "no node #7"],
    );
    rejects(
        &with_nodes(r#"[{"name": "A", "contacts": ["B"]}]"#, ""),
        &["at `nodes[0].contacts[0]`", "no node named 'B'"],
    );
    rejects(
        &minimal(r#""network": {"links": [{"from": ["n1", "x"], "to": "*", "loss": 0.1}]}"#),
        &["at `network.links[0].from[1]`"],
    );
}

#[test]
fn a_partition_over_an_unknown_node_is_refused() {
    rejects(
        &events(r#"{"at_ms": 1, "partition": {"groups": [["n0"], ["ghost", "n1"]]}}"#),
        &[
            "at `events[0].partition.groups[1][0]`",
            "no node named 'ghost'",
        ],
    );
}

#[test]
fn overlapping_or_empty_partition_groups_are_refused() {
    rejects(
        &events(r#"{"at_ms": 1, "partition": {"groups": [["n0", "n1"], ["n2", 1]]}}"#),
        &[
            "at `events[0].partition.groups[1][1]`",
            "in groups 0 and 1",
            "disjoint",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 1, "partition": {"groups": [["n0"], []]}}"#),
        &["groups[1]`", "at least one node"],
    );
    rejects(
        &events(r#"{"at_ms": 1, "partition": {"groups": [["n0"]]}}"#),
        &["at least 2 groups"],
    );
    rejects(
        &events(
            r#"{"at_ms": 1, "partition": {"groups": [["n0"], ["n1"], ["n2"]], "oneway": true}}"#,
        ),
        &["one-way partition has exactly 2 groups"],
    );
}

#[test]
fn a_heal_without_a_partition_is_refused() {
    rejects(
        &events(r#"{"at_ms": 1, "heal": {}}"#),
        &["at `events[0].heal`", "no partition to heal"],
    );
}

#[test]
fn a_node_must_be_in_the_right_state_for_each_action() {
    rejects(
        &events(r#"{"at_ms": 1, "start": {"node": "n1"}}"#),
        &["start needs a stopped node, but 'n1' is running at 1 ms"],
    );
    rejects(
        &events(r#"{"at_ms": 1, "restart": {"node": "n1"}}"#),
        &["restart needs a crashed node"],
    );
    rejects(
        &events(
            r#"{"at_ms": 1, "crash": {"node": "n1"}}, {"at_ms": 2, "publish": {"node": "n1", "data": "x"}}"#,
        ),
        &["at `events[1].publish.node`", "'n1' has crashed at 2 ms"],
    );
    let late = with_nodes(
        r#"[{"name": "A"}, {"name": "B", "start_ms": 5000}]"#,
        r#""events": [{"at_ms": 10, "stop": {"node": "B"}}]"#,
    );
    rejects(&late, &["'B' has not started yet (it starts at 5000 ms)"]);
}

#[test]
fn a_joined_node_cannot_be_used_before_its_join_or_join_twice() {
    rejects(
        &events(
            r#"{"at_ms": 1, "crash": {"node": "x"}}, {"at_ms": 2, "join": {"node": "x", "contacts": [0]}}"#,
        ),
        &[
            "at `events[0].crash.node`",
            "does not exist yet (it is created by the join at events[1], at 2 ms)",
        ],
    );
    rejects(
        &events(r#"{"at_ms": 1, "join": {"node": "n2"}}"#),
        &["at `events[0].join.node`", "'n2' already exists"],
    );
    rejects(
        &events(r#"{"at_ms": 1, "join": {"node": "a/b"}}"#),
        &["not a usable node name"],
    );
}

#[test]
fn a_node_cannot_be_its_own_contact() {
    rejects(
        &events(r#"{"at_ms": 1, "set": {"node": 1, "contact": "n1"}}"#),
        &["at `events[0].set.contact`", "own contact"],
    );
    rejects(
        &with_nodes(r#"[{"name": "A", "contacts": ["A"]}]"#, ""),
        &["at `nodes[0].contacts[0]`"],
    );
}
