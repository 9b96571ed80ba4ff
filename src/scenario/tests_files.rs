//! The files in the repository: the shipped scenarios load and have their promised shapes,
//! and the committed JSON Schema is current.

use std::path::PathBuf;

use super::tests::{manifest_dir, ms};
use super::*;
use crate::protocol::Forwarding;
use crate::run::Action;

#[test]
fn listed_nodes_keep_their_names_contacts_and_start_times() {
    let path = manifest_dir().join("scenarios/readme_example.json");
    let s = Scenario::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.node_names(), ["A", "B", "C", "D"]);
    assert_eq!(s.bootstrap(), None);
    let d = &s.initial_joins()[3];
    let join = Action::Join {
        node: 3,
        contacts: vec![1],
    };
    assert_eq!((d.at, &d.action), (ms(3000), &join));
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
        (quick.node_count(), quick.config().forwarding),
        (50, Forwarding::FirstCopy)
    );
    let scale = get("scale_1000");
    assert_eq!(
        (scale.node_count(), scale.config().forwarding),
        (1000, Forwarding::FirstCopy)
    );
    let (f, c) = (get("faithful_16"), get("first_copy_16"));
    assert_eq!(
        (f.config().forwarding, c.config().forwarding),
        (Forwarding::Faithful, Forwarding::FirstCopy)
    );
    assert_eq!(f.initial_joins(), c.initial_joins());
    assert_eq!(f.network(), c.network());
    assert_eq!(get("lossy_network").network().loss, 0.3);
    for s in [quick, scale, f, c] {
        assert_eq!(s.config().cycle, ms(6000));
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
        Some(16)
    );
    assert!(schema["properties"]["name"]["pattern"].is_string());
}
