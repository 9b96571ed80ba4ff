//! `scripts/build-fast.sh`, the profile-guided build for long runs: its help and its argument
//! errors (the build itself takes minutes and the llvm-tools component; docs/performance.md
//! has its measurements).

use std::process::{Command, Output};

fn script(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/build-fast.sh"
        ))
        .args(args)
        .output()
        .expect("bash runs")
}

#[test]
fn help_names_the_steps_and_what_pgo_needs() {
    let out = script(&["--help"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Usage: scripts/build-fast.sh",
        "profile `large`",
        "rustup component add llvm-tools",
        "--no-pgo",
    ] {
        assert!(text.contains(needle), "help lacks {needle:?}:\n{text}");
    }
}

#[test]
fn bad_arguments_exit_2_with_one_line_that_says_why() {
    for (args, says) in [
        (&["--fast"][..], "unknown argument '--fast'"),
        (&["--out"][..], "--out needs a path"),
        (
            &["--out", "/nonexistent-dir/pekonode"][..],
            "no directory /nonexistent-dir",
        ),
    ] {
        let out = script(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn the_large_profile_it_builds_exists() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml reads");
    assert!(
        manifest.contains("[profile.large]"),
        "Cargo.toml lost the large profile"
    );
}
