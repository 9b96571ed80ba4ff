//! Layering and determinism, checked on the source. Which crate may import which is the
//! compiler's job (see the `[dependencies]` of each crate and the `cargo tree` checks below);
//! what a grep still has to catch is ambient state: the protocol core has no I/O, no clock, no
//! threads, no ambient randomness, and the simulator reads no clock.

use std::path::Path;

fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under {dir}");
    out
}

fn forbid(dir: &str, needles: &[&str]) {
    for (path, text) in sources(dir) {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                assert!(
                    !code.contains(needle),
                    "{path}:{}: `{needle}` in {dir}",
                    n + 1
                );
            }
        }
    }
}

const AMBIENT: &[&str] = &[
    "thread_rng",
    "rand::rng",
    "from_entropy",
    "OsRng",
    "Instant::now",
    "SystemTime",
    "std::collections::HashMap",
    "std::collections::HashSet",
];

#[test]
fn the_protocol_core_has_no_io_clock_threads_or_ambient_randomness() {
    let mut banned = AMBIENT.to_vec();
    banned.extend([
        "std::net",
        "std::thread",
        "std::fs",
        "println!",
        "eprintln!",
    ]);
    forbid("crates/proto/src", &banned);
}

#[test]
fn the_swim_crate_has_no_io_clock_threads_or_ambient_randomness() {
    let mut banned = AMBIENT.to_vec();
    banned.extend([
        "std::net",
        "std::thread",
        "std::fs",
        "println!",
        "eprintln!",
    ]);
    forbid("crates/swim/src", &banned);
}

#[test]
fn the_simulator_reads_no_clock_and_no_ambient_randomness() {
    let mut banned = AMBIENT.to_vec();
    banned.extend(["std::net", "pekonode_udp"]);
    forbid("crates/sim/src", &banned);
}

#[test]
fn reports_and_scenarios_stay_pure() {
    // Reports read run outcomes and study aggregates (which name their metrics with the
    // scenario schema's `Metric`), never sockets or clocks.
    forbid(
        "src/report",
        &[
            "crate::udp",
            "crate::cluster",
            "crate::experiment",
            "Instant::now",
            "SystemTime",
        ],
    );
    forbid(
        "src/scenario",
        &["crate::udp", "crate::cluster", "crate::report"],
    );
}

/// The normal (non-dev) dependencies of one workspace crate, transitively, as `cargo tree`
/// prints them: one crate name per line.
fn dependency_tree(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "-p", package])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn assert_no_dependency(package: &str, banned: &[&str]) {
    let tree = dependency_tree(package);
    assert!(
        tree.iter().any(|c| c == package),
        "{package} not in its own tree: {tree:?}"
    );
    for b in banned {
        assert!(
            !tree.iter().any(|c| c == b),
            "{package} depends on {b} (transitively): {tree:?}"
        );
    }
}

/// What a library user of the runtime or the simulator compiles: none of the CLI, chart or
/// progress-bar crates, and never the other driver.
const TESTBED_ONLY: &[&str] = &[
    "clap",
    "plotters",
    "png",
    "indicatif",
    "schemars",
    "signal-hook",
    "tracing-subscriber",
    "pekonode",
];

#[test]
fn the_protocol_crate_depends_on_no_other_crate_of_ours() {
    let mut banned = TESTBED_ONLY.to_vec();
    banned.extend(["pekonode-sim", "pekonode-udp", "pekonode-swim", "foca"]);
    assert_no_dependency("pekonode-proto", &banned);
}

#[test]
fn the_swim_crate_depends_on_the_protocol_crate_only() {
    let mut banned = TESTBED_ONLY.to_vec();
    banned.extend(["pekonode-sim", "pekonode-udp", "pekonode-run"]);
    assert_no_dependency("pekonode-swim", &banned);
}

#[test]
fn the_udp_runtime_never_depends_on_the_simulator_nor_the_testbed() {
    let mut banned = TESTBED_ONLY.to_vec();
    banned.push("pekonode-sim");
    assert_no_dependency("pekonode-udp", &banned);
}

#[test]
fn the_simulator_never_depends_on_the_udp_runtime_nor_the_testbed() {
    let mut banned = TESTBED_ONLY.to_vec();
    banned.push("pekonode-udp");
    assert_no_dependency("pekonode-sim", &banned);
}

#[test]
fn the_udp_side_names_no_simulator_type() {
    // The loopback cluster plays the run description and feeds the shared observers
    // (pekonode-run); it never reaches into the simulator.
    forbid(
        "src/cluster",
        &["crate::sim", "pekonode_sim", "pekonode::sim"],
    );
    forbid(
        "crates/udp/src",
        &["pekonode_sim", "pekonode_run", "crate::sim"],
    );
}

/// pekonode-swim is allowed: a plan may choose SWIM and carry its knobs (sans-IO, like proto).
#[test]
fn the_run_crate_depends_on_the_protocol_crates_only() {
    let mut banned = TESTBED_ONLY.to_vec();
    banned.extend(["pekonode-sim", "pekonode-udp"]);
    assert_no_dependency("pekonode-run", &banned);
}
