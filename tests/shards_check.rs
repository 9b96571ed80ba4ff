//! `check` on a job array: `check FILES --shard I/N --out DIR` runs a slice of every file's
//! seeds, `check FILES --from DIR` enforces the expectations on the results; and two studies
//! of one scenario file share one folder without writing over each other.

mod shard_cli;

use std::path::Path;

use shard_cli::*;

/// 6 nodes, 20 s, 3 seeds, expectations it meets.
const GOOD: &str = r#"{
  "name": "good", "seed": 1, "seeds": 3, "duration_ms": 20000,
  "protocol": { "amount": 3, "cycle_ms": 2000, "forwarding": "first-copy" },
  "network": { "latency": { "constant": { "ms": 5 } } },
  "nodes": { "count": 6, "bootstrap": "all" },
  "expect": { "no_false_removals": true, "min_coverage": 0.9 }
}"#;

/// The same cluster held to a convergence it cannot reach (1 ms), 2 seeds.
const BAD: &str = r#"{
  "name": "bad", "seed": 5, "seeds": 2, "duration_ms": 20000,
  "protocol": { "amount": 3, "cycle_ms": 2000, "forwarding": "first-copy" },
  "network": { "latency": { "constant": { "ms": 5 } } },
  "nodes": { "count": 6, "bootstrap": { "random": { "k": 1 } } },
  "expect": { "converged_by_ms": 1 }
}"#;

fn write(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("scenario");
    s(&path).to_string()
}

#[test]
fn check_in_shards_then_from_gives_the_verdict_of_one_check() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (good, bad) = (
        write(tmp.path(), "good.json", GOOD),
        write(tmp.path(), "bad.json", BAD),
    );
    let units = tmp.path().join("units_out");
    let whole = pekonode(&["check", &good, &bad], &[]);
    assert!(!whole.status.success());
    // 5 units (3 + 2 seeds) in 3 shards, in any order; one shard twice, resumed.
    for shard in ["2/3", "0/3", "1/3"] {
        let o = ok(pekonode(
            &["check", &good, &bad, "--shard", shard, "--out", s(&units)],
            &[],
        ));
        assert!(
            text(&o).contains("of 5 units of check of 2 scenario(s)"),
            "{}",
            text(&o)
        );
    }
    let again = ok(pekonode(
        &[
            "check",
            &good,
            &bad,
            "--shard",
            "1/3",
            "--out",
            s(&units),
            "--resume",
        ],
        &[],
    ));
    assert!(text(&again).contains("2 already done"), "{}", text(&again));
    let from = pekonode(&["check", &good, &bad, "--from", s(&units)], &[]);
    assert!(!from.status.success());
    // The same verdict, line for line, as the single process.
    assert_eq!(
        String::from_utf8_lossy(&from.stdout),
        String::from_utf8_lossy(&whole.stdout)
    );
    let out = text(&from);
    assert!(
        out.contains("ok: ") && out.contains("good: 2 expectations × 3 seeds"),
        "{out}"
    );
    assert!(out.contains("FAIL bad: seed 5: converged_by_ms"), "{out}");
    let repro = format!(
        "reproduce (pekonode {}): pekonode run {bad} --seed 6 --trace bad-s6.jsonl",
        pekonode::revision::label()
    );
    assert!(out.contains(&repro), "{out}");

    // A missing unit is named; an edited file finds no units of its own.
    let folder = std::fs::read_dir(units.join("units"))
        .expect("units")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains("good-"))
        .expect("good's folder");
    std::fs::remove_file(folder.join("s2.json")).expect("remove a unit");
    let o = pekonode(&["check", &good, "--from", s(&units)], &[]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("1 of 3 units of good-") && text(&o).contains("s2"),
        "{}",
        text(&o)
    );
    let edited = write(tmp.path(), "good.json", &GOOD.replace("0.9", "0.8"));
    let o = pekonode(&["check", &edited, "--from", s(&units)], &[]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("FAIL good: no unit results units/good-"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("note: ignored unit results"),
        "{}",
        text(&o)
    );
}

#[test]
fn check_shard_needs_an_out_folder_and_from_cannot_shard() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let good = write(tmp.path(), "good.json", GOOD);
    let o = pekonode(&["check", &good, "--shard", "0/2"], &[]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("check --shard needs --out DIR"),
        "{}",
        text(&o)
    );
    let o = pekonode(&["check", &good, "--from", "x", "--shard", "0/2"], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("cannot be used with"), "{}", text(&o));
}

#[test]
fn two_studies_of_one_file_share_a_folder_without_collision() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = write(tmp.path(), "tiny.json", SWEEP);
    let shared = tmp.path().join("shared");
    for n in ["2", "3"] {
        ok(pekonode(
            &[
                "run",
                &file,
                "--seeds",
                n,
                "--shard",
                "0/1",
                "--out",
                s(&shared),
                "--resume",
            ],
            &[],
        ));
    }
    let mut folders: Vec<String> = std::fs::read_dir(shared.join("units"))
        .expect("units")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 2, "{folders:?}");
    assert!(folders[0].ends_with("-seeds1+2") && folders[1].ends_with("-seeds1+3"));
    // Both studies in one folder: merge says which, and merges either one by its folder.
    let err = pekonode(
        &["merge", s(&shared), "--out", s(&tmp.path().join("m"))],
        &[],
    );
    assert!(!err.status.success());
    assert!(
        text(&err).contains("merge one folder at a time"),
        "{}",
        text(&err)
    );
    let (single, merged) = (tmp.path().join("single"), tmp.path().join("merged"));
    ok(pekonode(
        &["run", &file, "--seeds", "3", "--out", s(&single)],
        &[],
    ));
    let three = shared.join("units").join(&folders[1]);
    ok(pekonode(&["merge", s(&three), "--out", s(&merged)], &[]));
    assert_same_report(&single, &merged);
}
