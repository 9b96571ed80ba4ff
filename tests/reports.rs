//! The committed reports under `reports/` are what the shipped scenarios produce today, byte
//! for byte: a protocol or simulator change that moves a number must regenerate them (and say
//! why) in the same commit. Regenerate with `cargo run --release -- run scenarios/NAME.json`.
//!
//! `provenance.json` (the build's git revision) is left out: it changes with every commit, is
//! not committed (.gitignore) and says nothing of what the scenario measures.

use std::process::Command;

/// Whether this is the crate as published (cargo writes `Cargo.toml.orig` into a package):
/// it ships without the committed reports, so there is nothing to compare with.
fn packaged_without_reports() -> bool {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    root.join("Cargo.toml.orig").exists() && !root.join("reports").exists()
}

fn check(name: &str) {
    if packaged_without_reports() {
        eprintln!("reports/ is not shipped in the package: nothing to compare {name} with");
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    // From the crate root with a relative path, as the reports' READMEs say: report.html names
    // the command that reproduces it, file path as given.
    let out = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .current_dir(root)
        .args(["run", &format!("scenarios/{name}.json"), "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = format!("{root}/reports/{name}");
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file == pekonode::report::PROVENANCE_FILE {
            continue;
        }
        let fresh = std::fs::read(&path).unwrap();
        let old = std::fs::read(format!("{committed}/{file}"))
            .unwrap_or_else(|e| panic!("{committed}/{file}: {e}; regenerate the report"));
        assert!(
            fresh == old,
            "reports/{name}/{file} differs from what scenarios/{name}.json produces now; \
             regenerate it with `cargo run --release -- run scenarios/{name}.json` and say why"
        );
    }
}

#[test]
fn quickstart_report_is_current() {
    check("quickstart");
}

#[test]
fn readme_example_report_is_current() {
    check("readme_example");
}

#[test]
fn faithful_and_first_copy_16_reports_are_current() {
    check("faithful_16");
    check("first_copy_16");
}

#[test]
fn crash_partition_and_lossy_reports_are_current() {
    check("crash_detection");
    check("partition_heal");
    check("partition_rejoin");
    check("lossy_network");
}

#[test]
fn scale_1000_report_is_current() {
    check("scale_1000");
}

#[test]
fn attack_study_reports_are_current() {
    check("forged_burst_compat");
    check("forged_burst_hardened");
    check("forged_burst_sealed");
    check("pinned_metadata_compat");
    check("pinned_metadata_hardened");
}

#[test]
fn long_partition_study_reports_are_current() {
    check("long_partition_compat");
    check("long_partition_hardened");
}

#[test]
fn fault_study_reports_are_current() {
    check("pause_timeout_4s");
    check("pause_timeout_12s");
    check("nemesis_compat");
    check("nemesis_hardened");
}
