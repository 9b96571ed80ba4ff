//! Sharded studies through the `pekonode` binary: `sweep --shard` and `run --seeds --shard`
//! (or a job array's environment) write one result per unit; `merge` rebuilds the report the
//! single process writes, byte for byte, and refuses missing or foreign units by name.

use std::path::Path;

mod shard_cli;

use shard_cli::*;

#[test]
fn a_sweep_in_three_shards_merges_to_the_single_process_bytes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("tiny.json");
    std::fs::write(&file, SWEEP).expect("scenario");
    let (single, a, b, merged) = (
        tmp.path().join("single"),
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("merged"),
    );
    ok(pekonode(&["sweep", s(&file), "--out", s(&single)], &[]));
    // Any order; shard 0 twice (into two folders: duplicates with the same content).
    for (shard, dir) in [("2/3", &a), ("0/3", &a), ("0/3", &b), ("1/3", &a)] {
        let out = ok(pekonode(
            &["sweep", s(&file), "--shard", shard, "--out", s(dir)],
            &[],
        ));
        assert!(text(&out).contains(&format!("shard {shard} (--shard {shard}): 2 of 6 units")));
    }
    assert_eq!(units(&b), ["p0-s1.json", "p1-s2.json"]);
    // Shard 1 (units 1 and 4: p0-s2, p2-s1) interrupted, shard 2's p1-s1 cut short: resumed.
    std::fs::remove_file(unit_path(&a, "p0-s2.json")).expect("delete");
    let partial = unit_path(&a, "p1-s1.json");
    let whole = std::fs::read(&partial).expect("unit");
    std::fs::write(&partial, &whole[..whole.len() / 2]).expect("truncate");
    let missing = pekonode(&["merge", s(&a), "--out", s(&merged)], &[]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("p1-s1.json: not a pekonode unit result"),
        "{}",
        text(&missing)
    );
    for shard in ["1/3", "2/3"] {
        let out = ok(pekonode(
            &[
                "sweep",
                s(&file),
                "--shard",
                shard,
                "--out",
                s(&a),
                "--resume",
            ],
            &[],
        ));
        assert!(
            text(&out).contains("1 unit(s) run, 1 kept"),
            "{}",
            text(&out)
        );
    }
    assert_eq!(std::fs::read(&partial).expect("unit"), whole);
    let out = ok(pekonode(&["merge", s(&a), s(&b), "--out", s(&merged)], &[]));
    assert!(text(&out).contains("6 of 6 units"), "{}", text(&out));
    assert!(
        text(&out).contains("2 unit(s) found more than once"),
        "{}",
        text(&out)
    );
    assert_same_report(&single, &merged);
}

#[test]
fn seeds_in_two_shards_merge_to_the_single_process_bytes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("tiny.json");
    std::fs::write(&file, SWEEP).expect("scenario");
    let (single, sh, merged) = (
        tmp.path().join("single"),
        tmp.path().join("sh"),
        tmp.path().join("merged"),
    );
    let seeds = ["run", s(&file), "--seeds", "4"];
    let single_out = pekonode(&[&seeds[..], &["--out", s(&single)]].concat(), &[]);
    ok(single_out);
    for shard in ["1/2", "0/2"] {
        ok(pekonode(
            &[&seeds[..], &["--shard", shard, "--out", s(&sh)]].concat(),
            &[],
        ));
    }
    assert_eq!(units(&sh), ["s1.json", "s2.json", "s3.json", "s4.json"]);
    // Only shard 1's seeds: a clear error naming the missing ones.
    let half = tmp.path().join("half");
    ok(pekonode(
        &[&seeds[..], &["--shard", "1/2", "--out", s(&half)]].concat(),
        &[],
    ));
    let err = pekonode(&["merge", s(&half), "--out", s(&merged)], &[]);
    assert!(!err.status.success());
    assert!(
        text(&err).contains("2 of 4 units of tiny_sweep-"),
        "{}",
        text(&err)
    );
    assert!(text(&err).contains("missing: s1, s3"), "{}", text(&err));
    ok(pekonode(&["merge", s(&sh), "--out", s(&merged)], &[]));
    assert_same_report(&single, &merged);
}

#[test]
fn units_of_another_scenario_file_are_refused_by_hash() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (one, two) = (tmp.path().join("one.json"), tmp.path().join("two.json"));
    std::fs::write(&one, SWEEP).expect("scenario");
    std::fs::write(&two, SWEEP.replace("20000", "18000")).expect("scenario");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let seeds = |f: &Path, dir: &Path| {
        ok(pekonode(
            &[
                "run",
                s(f),
                "--seeds",
                "2",
                "--shard",
                "0/1",
                "--out",
                s(dir),
            ],
            &[],
        ))
    };
    seeds(&one, &a);
    seeds(&two, &b);
    let err = pekonode(
        &["merge", s(&a), s(&b), "--out", s(&tmp.path().join("m"))],
        &[],
    );
    assert!(!err.status.success());
    let msg = text(&err);
    assert!(
        msg.contains("units of different scenario files cannot be merged"),
        "{msg}"
    );
    let hash = |dir: &Path| {
        unit_path(dir, "s1.json")
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string()
    };
    let (ha, hb) = (hash(&a), hash(&b));
    assert_ne!(ha, hb);
    for h in [ha, hb] {
        let hex = h.trim_start_matches("tiny_sweep-");
        assert!(msg.contains(hex), "{msg} names {hex}");
    }
    // A unit from another program version is named, not merged.
    let unit = unit_path(&a, "s2.json");
    let body = std::fs::read_to_string(&unit).expect("unit");
    let version = format!("\"program_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    std::fs::write(
        &unit,
        body.replace(&version, "\"program_version\": \"0.0.0-old\""),
    )
    .expect("edit");
    let err = pekonode(&["merge", s(&a), "--out", s(&tmp.path().join("m"))], &[]);
    assert!(!err.status.success());
    let msg = text(&err);
    assert!(
        msg.contains("written by another pekonode version")
            && msg.contains("s2.json (pekonode 0.0.0-old)"),
        "{msg}"
    );
}

#[test]
fn job_array_environments_pick_the_slice() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("tiny.json");
    std::fs::write(&file, SWEEP).expect("scenario");
    let run = |env: &[(&str, &str)], extra: &[&str], dir: &str| {
        let out = tmp.path().join(dir);
        let o = pekonode(
            &[&["sweep", s(&file), "--out", s(&out)], extra].concat(),
            env,
        );
        (o, out)
    };
    let (o, dir) = run(
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
        &[],
        "slurm",
    );
    assert!(
        text(&o).contains("shard 1/3 (SLURM_ARRAY_TASK_ID=1): 2 of 6 units"),
        "{}",
        text(&o)
    );
    assert_eq!(units(&dir), ["p0-s2.json", "p2-s1.json"]);
    let (o, dir) = run(
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
        ],
        &[],
        "slurm_min",
    );
    assert!(text(&o).contains("shard 2/3"), "{}", text(&o));
    assert_eq!(units(&dir), ["p1-s1.json", "p2-s2.json"]);
    let (o, dir) = run(
        &[("JOB_COMPLETION_INDEX", "0")],
        &["--shard-count", "2"],
        "k8s",
    );
    assert!(
        text(&o).contains("shard 0/2 (JOB_COMPLETION_INDEX=0): 3 of 6 units"),
        "{}",
        text(&o)
    );
    assert_eq!(units(&dir), ["p0-s1.json", "p1-s1.json", "p2-s1.json"]);
    // Bad values: one clear line, non-zero exit, nothing run.
    for (env, extra, says) in [
        (
            vec![("SLURM_ARRAY_TASK_ID", "x")],
            vec![],
            "SLURM_ARRAY_TASK_ID=\"x\" is not a whole number",
        ),
        (
            vec![
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            vec![],
            "shard index 3 is not below the count 3",
        ),
        (
            vec![("JOB_COMPLETION_INDEX", "1")],
            vec![],
            "--shard-count is not",
        ),
        (
            vec![],
            vec!["--shard", "3/3"],
            "shard index 3 is not below the count 3",
        ),
        (
            vec![],
            vec!["--shard", "0/0"],
            "the shard count must be at least 1",
        ),
        (vec![], vec!["--shard", "one/2"], "is not I/N"),
        (vec![], vec!["--resume"], "--resume needs --shard"),
    ] {
        let (o, _) = run(&env, &extra, "bad");
        assert!(!o.status.success(), "{env:?} {extra:?}");
        let msg = String::from_utf8_lossy(&o.stderr);
        assert!(msg.contains(says), "{env:?} {extra:?}: {msg}");
    }
    assert!(!tmp.path().join("bad").exists());
}
