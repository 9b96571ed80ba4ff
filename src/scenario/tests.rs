//! Scenarios that load: the full format, the default rules, errors naming their file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::protocol::Forwarding;
use crate::run::{Action, Bootstrap, Latency, Limits};

/// A scenario that uses every part of the format.
pub(super) const FULL: &str = r#"{
  "$schema": "schema.json",
  "name": "full-example_1.0",
  "description": "every feature once",
  "seed": 42,
  "duration_ms": 300000,
  "sample_interval_ms": 500,
  "protocol": { "amount": 4, "cycle_ms": 5000, "buffer": 0, "size": 1400,
                "timeout_ms": 0, "forwarding": "first-copy" },
  "network": {
    "latency": { "lognormal": { "median_ms": 12.5, "sigma": 0.4, "min_ms": 1 } },
    "loss": 0.02,
    "duplicate": 0.001,
    "links": [
      { "from": ["n0", 1], "to": "*", "loss": 0.5 },
      { "from": "n2", "to": "late", "both_ways": true,
        "latency": { "uniform": { "min_ms": 100, "max_ms": 200.5 } } },
      { "from": 3, "to": ["n4", "n4"], "duplicate": 0.1,
        "latency": { "normal": { "mean_ms": 40, "stddev_ms": 5 } } }
    ]
  },
  "nodes": { "count": 8, "bootstrap": { "random": { "k": 2 } }, "join_interval_ms": 100 },
  "events": [
    { "at_ms": 10000, "join": { "node": "late", "contacts": ["n0", 1] } },
    { "at_ms": 20000, "publish": { "node": "late", "data": "v1" } },
    { "at_ms": 30000, "crash": { "node": 5 } },
    { "at_ms": 40000, "restart": { "node": "n5", "contacts": ["n1"] } },
    { "at_ms": 50000, "stop": { "node": "n6" } },
    { "at_ms": 60000, "set": { "node": "n6", "contact": "late" } },
    { "at_ms": 60000, "start": { "node": "n6" } },
    { "at_ms": 70000, "partition": { "groups": [["n0", "n1"], ["n2", 3, "late"]] } },
    { "at_ms": 80000, "partition": { "groups": [["n4"], ["n5"]], "oneway": true } },
    { "at_ms": 90000, "heal": {} },
    { "at_ms": 100000, "loss": { "value": 0.3 } },
    { "at_ms": 300000, "loss": { "value": 0 } }
  ],
  "limits": { "max_in_flight": 1000, "max_packets_per_cycle": 20000 },
  "expect": {
    "converged_by_ms": 60000,
    "no_false_removals": true,
    "crash_detected_within_ms": 30000,
    "metadata_everywhere_within_ms": 20000,
    "max_packets_per_heartbeat": 40.5,
    "min_coverage": 0.9
  }
}"#;

/// The smallest useful scenario, with `extra` fields spliced into the top-level object.
pub(super) fn minimal(extra: &str) -> String {
    with_nodes(r#"{"count": 4}"#, extra)
}

/// A scenario with these `nodes` and `extra` top-level fields.
pub(super) fn with_nodes(nodes: &str, extra: &str) -> String {
    let sep = if extra.is_empty() { "" } else { ", " };
    format!(r#"{{"name": "t", "seed": 1, "duration_ms": 60000, "nodes": {nodes}{sep}{extra}}}"#)
}

fn load(text: &str) -> Scenario {
    match Scenario::from_str_named(text, "test.json") {
        Ok(s) => s,
        Err(e) => panic!("expected the scenario to load, got:\n{e}"),
    }
}

pub(super) fn ms(value: u64) -> Duration {
    Duration::from_millis(value)
}

pub(super) fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_full_example_parses_and_resolves() {
    let s = load(FULL);
    assert_eq!(s.name(), "full-example_1.0");
    assert_eq!(s.seed(), 42);
    assert_eq!((s.duration_ms(), s.sample_interval_ms()), (300_000, 500));
    let c = s.config();
    assert_eq!(
        (c.amount, c.cycle, c.buffer, c.size, c.timeout),
        (4, ms(5000), 12, 1400, ms(17_000))
    );
    assert_eq!(c.forwarding, Forwarding::FirstCopy);
    assert_eq!(s.node_count(), 9);
    assert_eq!(s.node_names()[8], "late");
    assert_eq!(s.node_index("late"), Some(8));
    assert_eq!(s.initial_joins().len(), 8);
    assert_eq!(s.initial_joins()[7].at, ms(700));
    assert_eq!(s.bootstrap(), Some(Bootstrap::Random { k: 2 }));
    let actions: Vec<&Action> = s.events().iter().map(|e| &e.action).collect();
    assert_eq!(
        *actions[0],
        Action::Join {
            node: 8,
            contacts: vec![0, 1]
        }
    );
    assert_eq!(*actions[2], Action::Crash { node: 5 });
    assert_eq!(
        *actions[3],
        Action::Restart {
            node: 5,
            contacts: vec![1]
        }
    );
    assert_eq!(
        *actions[5],
        Action::Set {
            node: 6,
            contact: 8
        }
    );
    assert_eq!(
        *actions[7],
        Action::Partition {
            groups: vec![vec![0, 1], vec![2, 3, 8]],
            oneway: false
        }
    );
    assert_eq!(
        *actions[8],
        Action::Partition {
            groups: vec![vec![4], vec![5]],
            oneway: true
        }
    );
    assert_eq!(*actions[9], Action::Heal);
    assert_eq!(*actions[10], Action::Loss { value: 0.3 });
    assert_eq!(s.events()[11].at, ms(300_000));
    // The both-ways rule is one rule per direction; "*" is an empty (match-all) side.
    let links = &s.network().links;
    let sides: Vec<(&[u32], &[u32])> = links.iter().map(|l| (&l.from[..], &l.to[..])).collect();
    assert_eq!(
        sides,
        [
            (&[0, 1][..], &[][..]),
            (&[2], &[8]),
            (&[8], &[2]),
            (&[3], &[4])
        ]
    );
    assert!(links[0].matches(1, 7) && !links[0].matches(7, 1));
    assert_eq!((links[0].loss, links[3].duplicate), (Some(0.5), Some(0.1)));
    assert!(matches!(links[2].latency, Some(Latency::Uniform { .. })));
    assert!(matches!(s.network().latency, Latency::LogNormal { sigma, .. } if sigma == 0.4));
    assert_eq!(s.limits().max_in_flight, 1000);
    assert_eq!(s.expect().and_then(|e| e.min_coverage), Some(0.9));
    assert_eq!(s.network().loss, 0.02);
}

#[test]
fn zero_protocol_values_become_pekonode_defaults() {
    let c = load(&minimal("")).config().clone();
    assert_eq!(
        (c.amount, c.cycle, c.buffer, c.size, c.timeout, c.forwarding),
        (3, ms(6000), 9, 16384, ms(20_000), Forwarding::Faithful)
    );
    let named = load(&minimal(r#""protocol": {"amount": 2}"#));
    assert_eq!(named.config().forwarding, Forwarding::Faithful);
}

#[test]
fn a_timeout_not_longer_than_the_cycle_becomes_three_cycles_plus_two_seconds() {
    let short = load(&minimal(
        r#""protocol": {"cycle_ms": 1000, "timeout_ms": 1000}"#,
    ));
    assert_eq!(short.config().timeout, ms(5000));
    let long = load(&minimal(
        r#""protocol": {"cycle_ms": 1000, "timeout_ms": 1001}"#,
    ));
    assert_eq!(long.config().timeout, ms(1001));
}

#[test]
fn the_default_buffer_follows_the_fan_out() {
    assert_eq!(
        load(&minimal(r#""protocol": {"amount": 5}"#))
            .config()
            .buffer,
        15
    );
}

#[test]
fn omitted_blocks_take_their_documented_defaults() {
    let s = load(&minimal(""));
    assert_eq!(s.sample_interval_ms(), 1000);
    assert_eq!(s.spec().network.latency, LatencySpec::Constant { ms: 1.0 });
    assert_eq!(s.network().latency, Latency::Constant(ms(1)));
    assert_eq!((s.network().loss, s.network().duplicate), (0.0, 0.0));
    assert_eq!(
        *s.limits(),
        Limits {
            max_in_flight: 2_000_000,
            max_packets_per_cycle: 5_000_000,
            max_memory_mb: 4_096
        }
    );
    assert!(s.expect().is_none() && s.events().is_empty() && s.network().links.is_empty());
    assert_eq!(s.bootstrap(), Some(Bootstrap::Seed));
}

#[test]
fn generated_bootstraps_give_seed_random_or_full_contacts() {
    let contacts = |bootstrap: &str| -> Vec<Vec<u32>> {
        let nodes = format!(r#"{{"count": 3, "bootstrap": {bootstrap}}}"#);
        let plan = crate::experiment::plan(&load(&with_nodes(&nodes, "")));
        let joins = plan.timeline.into_iter().map(|t| match t.action {
            Action::Join { contacts, .. } => contacts,
            other => panic!("{other:?}"),
        });
        joins.collect()
    };
    assert_eq!(contacts(r#""all""#), [vec![1, 2], vec![0, 2], vec![0, 1]]);
    assert_eq!(contacts(r#""seed""#), [vec![], vec![0], vec![0]]);
    assert_eq!(
        contacts(r#"{"random": {"k": 2}}"#),
        [vec![], vec![0], vec![0, 1]]
    );
}

#[test]
fn nodes_are_named_by_name_or_by_index() {
    let by_name = load(&minimal(
        r#""events": [{"at_ms": 1, "crash": {"node": "n2"}}]"#,
    ));
    let by_index = load(&minimal(
        r#""events": [{"at_ms": 1, "crash": {"node": 2}}]"#,
    ));
    assert_eq!(by_name.events(), by_index.events());
}

#[test]
fn a_spec_round_trips_through_serde() {
    let s = load(FULL);
    let text = serde_json::to_string_pretty(s.spec()).unwrap_or_default();
    assert_eq!(load(&text).spec(), s.spec());
}

#[test]
fn the_seed_can_be_overridden() {
    let mut s = load(&minimal(""));
    s.set_seed(99);
    assert_eq!(s.seed(), 99);
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_file() {
    let err = Scenario::from_path(Path::new("/nonexistent/dir/nope.json")).unwrap_err();
    assert!(matches!(err, ScenarioError::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("/nonexistent/dir/nope.json: cannot read"),
        "{err}"
    );
}

#[test]
fn errors_from_a_file_name_that_file_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("pekonode-scenario-test-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("broken.json");
    let written = std::fs::write(&path, "{\n  \"name\": \"x\",\n  \"seed\": 1,,\n}");
    assert!(written.is_ok());
    let err = Scenario::from_path(&path).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        err.to_string()
            .starts_with(&format!("{}:3:13: JSON syntax error", path.display())),
        "{err}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_file_is_refused_without_reading_it_all() {
    // A device is refused before it is opened (a FIFO would block, /dev/zero never ends).
    let err = Scenario::from_path(Path::new("/dev/zero")).unwrap_err();
    assert!(matches!(err, ScenarioError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn a_file_over_the_cap_is_refused_with_its_size() {
    let dir = std::env::temp_dir().join(format!("pekonode-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.json");
    std::fs::write(&path, vec![b' '; (super::MAX_FILE_BYTES + 10) as usize]).unwrap();
    let err = Scenario::from_path(&path).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(err, ScenarioError::TooLarge { .. }), "{err:?}");
}

#[test]
fn no_prefix_or_mutation_of_a_valid_file_panics() {
    let bytes = FULL.as_bytes();
    for end in 0..bytes.len() {
        let _ = Scenario::from_str_named(&String::from_utf8_lossy(&bytes[..end]), "prefix.json");
    }
    let mut state: u64 = 0x5eed;
    for _ in 0..3000 {
        let mut text = bytes.to_vec();
        for _ in 0..3 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pos = (state >> 33) as usize % text.len();
            text[pos] = b"0123456789-.,:[]{}\"ae \n"[(state >> 20) as usize % 23];
        }
        let _ =
            parse(&text, "mutant.json").and_then(|spec| Scenario::from_spec(spec, "mutant.json"));
    }
}
