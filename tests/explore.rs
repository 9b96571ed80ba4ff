//! `pekonode explore`: today's code breaks no property on a short budget, and a bug planted in
//! a test build is found, shrunk and written as a file that reproduces it.

use std::process::Command;

use pekonode::explore::{self, Bounds, Options, Property, Runner, Simulated, Step};
use pekonode::run::{LinkRule, Outcome};
use pekonode::scenario::{NodesSpec, Scenario, ScenarioSpec};
use pekonode::sim::{SimError, Simulator};

/// Runs the binary from the repository root.
fn pekonode(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn twenty_scenarios_of_todays_code_break_no_property_and_the_verdicts_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["explore", "--seed", "1", "--runs", "20", "--out", "found"];
    let first = pekonode(&args, dir.path());
    let stdout = String::from_utf8_lossy(&first.stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("20 scenarios, no property broken"),
        "{stdout}"
    );
    // Progress on stderr, one line per scenario.
    assert_eq!(stderr.lines().filter(|l| l.starts_with("run ")).count(), 20);
    assert!(!dir.path().join("found").exists());
    let again = pekonode(&args, dir.path());
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(first.stderr, again.stderr);
}

#[test]
fn bad_bounds_are_one_line_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let out = pekonode(
        &["explore", "--min-nodes", "9", "--max-nodes", "4"],
        dir.path(),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("--min-nodes 9 is above --max-nodes 4"),
        "{stderr}"
    );
}

/// Nodes a cluster needs before the planted bug shows.
const THRESHOLD: usize = 7;

/// The simulator with a bug planted: in a cluster of seven nodes or more, every packet to the
/// seventh node is lost (as if its receive path dropped them), so it never hears the others.
struct Planted;

impl Runner for Planted {
    fn run(&self, scenario: &Scenario) -> Result<Outcome, SimError> {
        let mut plan = pekonode::experiment::plan(scenario);
        let n = plan.nodes.len();
        if n >= THRESHOLD {
            plan.network.links.push(LinkRule {
                from: (0..n as u32).collect(),
                to: vec![THRESHOLD as u32 - 1],
                loss: Some(1.0),
                latency: None,
                duplicate: None,
            });
        }
        Ok(Simulator::new(plan)?.run())
    }
}

fn count(spec: &ScenarioSpec) -> usize {
    match &spec.nodes {
        NodesSpec::Generated(g) => g.count as usize,
        NodesSpec::Listed(list) => list.len(),
    }
}

#[test]
fn a_planted_bug_is_found_shrunk_to_its_threshold_and_written_as_a_reproducing_file() {
    let options = Options {
        runs: Some(40),
        bounds: Bounds {
            min_nodes: 10,
            max_nodes: 24,
            max_duration_ms: 90_000,
            ..Bounds::default()
        },
        shrink_attempts: 120,
        ..Options::new(3)
    };
    let mut shrunk_steps = 0;
    let report = explore::explore_with(&options, &Planted, &mut |s| {
        if let Step::Shrunk { .. } = s {
            shrunk_steps += 1;
        }
    })
    .unwrap();
    let found = report.found.expect("the planted bug is found");
    assert!(shrunk_steps > 0);
    assert!(found.attempts <= 120);
    assert!(count(&found.original) > THRESHOLD);
    // Fewer nodes than drawn, down to the threshold: one node less hides the bug.
    assert_eq!(count(&found.shrunk), THRESHOLD, "{:#?}", found.shrunk);
    assert!(found.shrunk.events.len() <= found.original.events.len());
    assert!(found.shrunk.events.is_empty(), "{:#?}", found.shrunk.events);

    // The file written reproduces the failure with the planted simulator, not with today's.
    let dir = tempfile::tempdir().unwrap();
    let path = explore::write_found(&found, dir.path()).unwrap();
    assert!(dir
        .path()
        .join(format!("{}.original.json", found.original.name))
        .exists());
    let from_file = Scenario::from_path(&path).unwrap().spec().clone();
    let property = &found.failure.property;
    assert!(explore::breaks(&Planted, &from_file, property).is_some());
    assert!(explore::breaks(&Simulated, &from_file, property).is_none());
    assert_ne!(*property, Property::Playable);

    // Same seed and runs: same verdict.
    let again = explore::explore_with(&options, &Planted, &mut |_| {}).unwrap();
    let again = again.found.unwrap();
    assert_eq!(again.index, found.index);
    assert_eq!(again.shrunk, found.shrunk);
}
