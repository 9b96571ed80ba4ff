//! DESIGN.md §2 layering and §3 determinism, checked on the source: the core has no I/O, no
//! clock, no ambient randomness, and each layer only uses the layers below it.

use std::path::Path;

fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
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
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

fn forbid(dir: &str, needles: &[&str]) {
    for (path, text) in sources(dir) {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                assert!(
                    !code.contains(needle),
                    "{path}:{}: `{needle}` in src/{dir}",
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
    forbid("protocol", &banned);
}

#[test]
fn the_protocol_core_depends_on_nothing_else_in_the_crate() {
    forbid(
        "protocol",
        &[
            "crate::wire",
            "crate::sim",
            "crate::udp",
            "crate::scenario",
            "crate::report",
        ],
    );
}

#[test]
fn the_simulator_reads_no_clock_and_no_ambient_randomness() {
    let mut banned = AMBIENT.to_vec();
    banned.extend(["crate::udp", "crate::scenario", "crate::report", "std::net"]);
    forbid("sim", &banned);
}

#[test]
fn reports_and_scenarios_stay_pure() {
    // Reports read run outcomes and study aggregates (which name their metrics with the
    // scenario schema's `Metric`), never sockets or clocks.
    forbid(
        "report",
        &[
            "crate::udp",
            "crate::experiment",
            "Instant::now",
            "SystemTime",
        ],
    );
    forbid(
        "scenario",
        &[
            "crate::sim",
            "crate::udp",
            "crate::report",
            "crate::protocol",
        ],
    );
}
