//! Unit results record the git revision of the build that ran them; `merge` refuses units of
//! different revisions by naming both, unless `--allow-mixed-revisions`, and the merged
//! report's `provenance.json` then lists them.

mod shard_cli;

use shard_cli::*;

/// A 6-node, 20 s run.
const SEEDS: &str = r#"{
  "name": "tiny_seeds", "seed": 1, "duration_ms": 20000,
  "protocol": { "amount": 2, "cycle_ms": 2000, "forwarding": "first-copy" },
  "network": { "latency": { "constant": { "ms": 5 } }, "loss": 0.05 },
  "nodes": { "count": 6, "bootstrap": "all" }
}"#;

const OTHER: &str = "0123456789abcdef0123456789abcdef01234567";

#[test]
fn units_of_two_revisions_are_refused_unless_allowed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("tiny.json");
    std::fs::write(&file, SEEDS).expect("scenario");
    let (single, units, merged) = (
        tmp.path().join("single"),
        tmp.path().join("units"),
        tmp.path().join("merged"),
    );
    ok(pekonode(
        &["run", s(&file), "--seeds", "2", "--out", s(&single)],
        &[],
    ));
    for shard in ["0/2", "1/2"] {
        ok(pekonode(
            &[
                "run",
                s(&file),
                "--seeds",
                "2",
                "--shard",
                shard,
                "--out",
                s(&units),
            ],
            &[],
        ));
    }
    // One build: the merge is the single process's report, provenance.json included.
    ok(pekonode(&["merge", s(&units), "--out", s(&merged)], &[]));
    assert_same_report(&single, &merged);
    let this = pekonode::revision::build_id();
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(merged.join("provenance.json")).expect("provenance.json"),
    )
    .expect("json");
    assert_eq!(record["revision"], pekonode::revision::REVISION);
    assert_eq!(
        record["command"],
        format!("pekonode run {} --seed 1 --seeds 2", s(&file))
    );

    // s2 as if another build had written it.
    let unit = unit_path(&units, "s2.json");
    let body = std::fs::read_to_string(&unit).expect("unit");
    let field = format!("\"program_revision\": \"{this}\"");
    assert!(body.contains(&field), "{body}");
    std::fs::write(
        &unit,
        body.replace(&field, &format!("\"program_revision\": \"{OTHER}\"")),
    )
    .expect("edit");
    let refused = pekonode(
        &["merge", s(&units), "--out", s(&tmp.path().join("m"))],
        &[],
    );
    assert!(!refused.status.success());
    let msg = text(&refused);
    assert!(
        msg.contains("units of different pekonode revisions cannot be merged")
            && msg.contains(OTHER)
            && msg.contains(&this)
            && msg.contains("s2.json")
            && msg.contains("--allow-mixed-revisions"),
        "{msg}"
    );
    assert!(!tmp.path().join("m").exists(), "nothing written");
    // check --from reads the same units: refused too.
    let check = pekonode(&["check", s(&file), "--from", s(&units)], &[]);
    assert!(!check.status.success());
    assert!(
        text(&check).contains("different pekonode revisions"),
        "{}",
        text(&check)
    );
    // … unless told: then the units are read (this file has no expectations to judge).
    let check = ok(pekonode(
        &[
            "check",
            s(&file),
            "--from",
            s(&units),
            "--allow-mixed-revisions",
            "--no-golden",
        ],
        &[],
    ));
    assert!(
        !text(&check).contains("different pekonode revisions"),
        "{}",
        text(&check)
    );

    // Allowed: merged, said on stderr, and recorded.
    let mixed = ok(pekonode(
        &[
            "merge",
            s(&units),
            "--out",
            s(&tmp.path().join("m")),
            "--allow-mixed-revisions",
        ],
        &[],
    ));
    assert!(
        text(&mixed).contains("units of 2 revisions merged"),
        "{}",
        text(&mixed)
    );
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("m/provenance.json")).expect("provenance.json"),
    )
    .expect("json");
    assert_eq!(record["revision"], "mixed");
    let mut both = vec![OTHER.to_owned(), this];
    both.sort();
    assert_eq!(record["revisions"], serde_json::json!(both));
}

#[test]
fn version_names_the_revision() {
    let out = ok(pekonode(&["--version"], &[]));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("pekonode 0."), "{line}");
    assert!(
        line.contains(&format!("(rev {}", pekonode::revision::REVISION)),
        "{line}"
    );
}
