//! Scenarios that load: the full format, the default rules, the shipped files, the schema file.

use std::path::{Path, PathBuf};

use super::*;

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

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_full_example_parses_and_resolves() {
    let s = load(FULL);
    assert_eq!(s.name(), "full-example_1.0");
    assert_eq!(s.seed(), 42);
    assert_eq!((s.duration_ms(), s.sample_interval_ms()), (300_000, 500));
    let p = *s.protocol();
    assert_eq!(
        (p.amount, p.cycle_ms, p.buffer, p.size, p.timeout_ms),
        (4, 5000, 12, 1400, 17_000)
    );
    assert_eq!(p.forwarding, Forwarding::FirstCopy);
    assert_eq!(s.node_count(), 9);
    assert_eq!(s.node_names()[8], "late");
    assert_eq!(s.node_index("late"), Some(8));
    assert_eq!(s.initial_nodes().len(), 8);
    assert_eq!(s.initial_nodes()[7].start_ms, 700);
    assert_eq!(s.initial_nodes()[0].contacts, Contacts::Listed(vec![]));
    assert_eq!(
        s.initial_nodes()[3].contacts,
        Contacts::RandomEarlier { k: 2 }
    );
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
    assert_eq!(s.events()[11].at_ms, 300_000);
    let links = s.link_rules();
    assert_eq!(links[0].from, NodeSet::Only(vec![0, 1]));
    assert_eq!(links[0].to, NodeSet::All);
    assert_eq!(links[2].to, NodeSet::Only(vec![4]));
    assert!(links[1].matches(2, 8) && links[1].matches(8, 2) && !links[1].matches(2, 7));
    assert!(links[0].matches(1, 7) && !links[0].matches(7, 1));
    assert_eq!(s.limits().max_in_flight, 1000);
    assert_eq!(s.expect().and_then(|e| e.min_coverage), Some(0.9));
    assert_eq!(s.network().loss, 0.02);
}

#[test]
fn zero_protocol_values_become_pekonode_defaults() {
    let p = *load(&minimal("")).protocol();
    assert_eq!(
        (
            p.amount,
            p.cycle_ms,
            p.buffer,
            p.size,
            p.timeout_ms,
            p.forwarding
        ),
        (3, 6000, 9, 16384, 20_000, Forwarding::Faithful)
    );
}

#[test]
fn a_timeout_not_longer_than_the_cycle_becomes_three_cycles_plus_two_seconds() {
    let short = load(&minimal(
        r#""protocol": {"cycle_ms": 1000, "timeout_ms": 1000}"#,
    ));
    assert_eq!(short.protocol().timeout_ms, 5000);
    let long = load(&minimal(
        r#""protocol": {"cycle_ms": 1000, "timeout_ms": 1001}"#,
    ));
    assert_eq!(long.protocol().timeout_ms, 1001);
}

#[test]
fn the_default_buffer_follows_the_fan_out() {
    assert_eq!(
        load(&minimal(r#""protocol": {"amount": 5}"#))
            .protocol()
            .buffer,
        15
    );
}

#[test]
fn omitted_blocks_take_their_documented_defaults() {
    let s = load(&minimal(""));
    assert_eq!(s.sample_interval_ms(), 1000);
    assert_eq!(s.network().latency, Latency::Constant { ms: 1.0 });
    assert_eq!((s.network().loss, s.network().duplicate), (0.0, 0.0));
    assert_eq!(
        *s.limits(),
        Limits {
            max_in_flight: 2_000_000,
            max_packets_per_cycle: 5_000_000
        }
    );
    assert!(s.expect().is_none() && s.events().is_empty() && s.link_rules().is_empty());
    assert_eq!(s.initial_nodes()[2].contacts, Contacts::Listed(vec![0])); // bootstrap "seed"
}

#[test]
fn generated_bootstraps_give_seed_random_or_full_contacts() {
    let all = load(&with_nodes(r#"{"count": 3, "bootstrap": "all"}"#, ""));
    assert!(all
        .initial_nodes()
        .iter()
        .all(|n| n.contacts == Contacts::AllInitial));
    let seed = load(&with_nodes(r#"{"count": 3, "bootstrap": "seed"}"#, ""));
    assert_eq!(seed.initial_nodes()[0].contacts, Contacts::Listed(vec![]));
    assert_eq!(seed.initial_nodes()[1].contacts, Contacts::Listed(vec![0]));
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
fn listed_nodes_keep_their_names_contacts_and_start_times() {
    let path = manifest_dir().join("scenarios/readme_example.json");
    let s = Scenario::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.node_names(), ["A", "B", "C", "D"]);
    assert_eq!(s.initial_nodes()[3].contacts, Contacts::Listed(vec![1]));
    assert_eq!(s.initial_nodes()[3].start_ms, 3000);
    let actions: Vec<&Action> = s.events().iter().map(|e| &e.action).collect();
    assert!(matches!(actions[0], Action::Publish { node: 0, .. }));
    assert_eq!(
        actions[1..],
        [
            &Action::Stop { node: 3 },
            &Action::Set {
                node: 3,
                contact: 1
            },
            &Action::Start { node: 3 }
        ]
    );
}

#[test]
fn every_shipped_scenario_loads_and_is_named_after_its_file() {
    let mut count = 0;
    let dir = manifest_dir().join("scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("schema.json"))
        .collect();
    paths.sort();
    for path in &paths {
        let s = Scenario::from_path(path).unwrap_or_else(|e| panic!("{e}"));
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert_eq!(s.name(), stem, "{}", path.display());
        count += 1;
    }
    assert!(
        count >= 8,
        "expected the 8 shipped scenarios, found {count}"
    );
}

#[test]
fn shipped_scenarios_have_the_promised_shapes() {
    let get = |name: &str| {
        Scenario::from_path(&manifest_dir().join(format!("scenarios/{name}.json")))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let quick = get("quickstart");
    assert_eq!(
        (quick.node_count(), quick.protocol().forwarding),
        (50, Forwarding::FirstCopy)
    );
    let scale = get("scale_1000");
    assert_eq!(
        (scale.node_count(), scale.protocol().forwarding),
        (1000, Forwarding::FirstCopy)
    );
    let (f, c) = (get("faithful_16"), get("first_copy_16"));
    assert_eq!(
        (f.protocol().forwarding, c.protocol().forwarding),
        (Forwarding::Faithful, Forwarding::FirstCopy)
    );
    assert_eq!(f.initial_nodes(), c.initial_nodes());
    assert_eq!(f.network(), c.network());
    assert_eq!(get("lossy_network").network().loss, 0.3);
    for s in [quick, scale, f, c] {
        assert_eq!(s.protocol().cycle_ms, 6000);
    }
}

#[test]
fn the_committed_json_schema_is_current() {
    let path = manifest_dir().join("scenarios/schema.json");
    let fresh = json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date with the scenario types; regenerate it with\n    UPDATE_SCHEMA=1 cargo test the_committed_json_schema_is_current\nand commit the result",
        path.display()
    );
}

#[test]
fn the_json_schema_describes_events_and_denies_unknown_fields() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap_or_default();
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
    assert_eq!(
        schema["$defs"]["Event"]["anyOf"].as_array().map(Vec::len),
        Some(10)
    );
    assert!(schema["properties"]["name"]["pattern"].is_string());
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
    let err = Scenario::from_path(Path::new("/dev/zero")).unwrap_err();
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
