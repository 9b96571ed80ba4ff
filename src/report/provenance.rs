//! `provenance.json`: which build wrote a report, beside every report folder's files.
//!
//! ```json
//! { "format": "pekonode-provenance/1", "version": "0.1.0",
//!   "revision": "1a2b…", "dirty": false, "command": "pekonode run scenarios/quickstart.json --seed 1" }
//! ```
//!
//! `revision` is the git revision of the build that ran the simulations (`unknown` without
//! git; `mixed` for a merge of units of several builds, listed in `revisions`), `dirty` whether
//! its checkout was edited (`null` when unknown). No date, no host: the record is the same
//! bytes for the same build and command, so the shards of one build merge into the very folder
//! the single process writes. It changes with every commit, so the byte-for-byte checks of the
//! committed reports (tests/reports.rs) leave it out, and `report.html` does not repeat the
//! revision (it names the version; the revision is here).

use serde_json::{json, Value};

use super::html::Provenance;
use crate::revision;

/// File name of the record.
pub const PROVENANCE_FILE: &str = "provenance.json";
/// Its `format` field.
pub const PROVENANCE_FORMAT: &str = "pekonode-provenance/1";

/// The record of a report with `provenance`, as pretty JSON with a final newline.
pub(crate) fn record(provenance: &Provenance) -> String {
    let this = [revision::build_id()];
    let ids: &[String] = if provenance.revisions.is_empty() {
        &this
    } else {
        &provenance.revisions
    };
    let mut doc = json!({
        "format": PROVENANCE_FORMAT,
        "version": revision::VERSION,
    });
    if let [id] = ids {
        let (rev, dirty) = split(id);
        doc["revision"] = rev.into();
        doc["dirty"] = dirty.map_or(Value::Null, Value::Bool);
    } else {
        doc["revision"] = "mixed".into();
        doc["dirty"] = Value::Null;
        doc["revisions"] = ids.to_vec().into();
    }
    doc["command"] = provenance
        .command
        .clone()
        .map_or(Value::Null, Value::String);
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A revision id (`rev`, `rev-dirty`, `unknown`) as revision and dirty flag.
fn split(id: &str) -> (&str, Option<bool>) {
    match id.strip_suffix("-dirty") {
        Some(rev) => (rev, Some(true)),
        None if id == "unknown" => (id, None),
        None => (id, Some(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_names_this_build_or_the_builds_of_the_units() {
        let p = Provenance::new("pekonode run x.json --seed 1", None);
        let v: Value = serde_json::from_str(&record(&p)).expect("json");
        assert_eq!(v["format"], PROVENANCE_FORMAT);
        assert_eq!(v["revision"], revision::REVISION);
        assert_eq!(v["command"], "pekonode run x.json --seed 1");
        let rev = "0123456789abcdef0123456789abcdef01234567";
        let merged = Provenance {
            revisions: vec![format!("{rev}-dirty")],
            ..p.clone()
        };
        let v: Value = serde_json::from_str(&record(&merged)).expect("json");
        assert_eq!((&v["revision"], &v["dirty"]), (&json!(rev), &json!(true)));
        let mixed = Provenance {
            revisions: vec![rev.to_owned(), "unknown".to_owned()],
            ..p
        };
        let v: Value = serde_json::from_str(&record(&mixed)).expect("json");
        assert_eq!(v["revision"], "mixed");
        assert_eq!(v["revisions"], json!([rev, "unknown"]));
        assert!(record(&mixed).ends_with("}\n"));
    }
}
