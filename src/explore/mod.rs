//! The explorer (`pekonode explore`): random scenarios drawn within bounds from a seed, run on
//! the simulator, checked against properties, and the first failure shrunk to a small
//! scenario file, in the spirit of TigerBeetle's VOPR and FoundationDB's simulation tests.
//!
//! - [`draw`]: one scenario per (seed, run index), as a scenario file's own types;
//! - [`properties`]: what every run must hold, and which liveness properties apply to it;
//! - [`shrink`]: fewer nodes, events, faults, a shorter run, a simpler network;
//! - here: the loop, the time budget and the files written.
//!
//! Same seed and same number of runs ⇒ same scenarios and same verdicts: each scenario comes
//! from its own stream of the seed, and the runs are played in order (the time budget only cuts
//! the sequence short).
//!
//! ```
//! use pekonode::explore::{self, Options};
//! let options = Options { runs: Some(2), ..Options::new(1) };
//! let report = explore::explore(&options, &mut |_| {}).unwrap();
//! assert_eq!(report.runs, 2);
//! assert!(report.found.is_none());
//! ```
#![deny(missing_docs)]

pub mod calm;
pub mod draw;
pub mod properties;
pub mod shrink;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::run::Outcome;
use crate::scenario::{ProtocolName, Scenario, ScenarioError, ScenarioSpec};
use crate::sim::SimError;

pub use properties::{Failure, Property};

/// What the explorer may draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// Fewest nodes a scenario starts with.
    pub min_nodes: u32,
    /// Most nodes a scenario ever has (joins included).
    pub max_nodes: u32,
    /// Longest run, in ms of virtual time.
    pub max_duration_ms: u64,
    /// Most faults (a fault is one or two events: a crash and its restart, …).
    pub max_faults: u32,
    /// Highest network loss drawn (0 … 1).
    pub max_loss: f64,
    /// The protocols drawn from.
    pub protocols: Vec<ProtocolName>,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            min_nodes: 3,
            max_nodes: 40,
            max_duration_ms: 180_000,
            max_faults: 6,
            max_loss: 0.2,
            protocols: vec![ProtocolName::Pekonode, ProtocolName::Swim],
        }
    }
}

/// One exploration.
#[derive(Debug, Clone)]
pub struct Options {
    /// The explorer's seed: scenario `i` is drawn from its stream `i`.
    pub seed: u64,
    /// Stop after this many scenarios.
    pub runs: Option<u64>,
    /// Start no new scenario after this much wall time.
    pub budget: Option<Duration>,
    /// What may be drawn.
    pub bounds: Bounds,
    /// Most candidates run while shrinking a failure.
    pub shrink_attempts: u32,
}

impl Options {
    /// Seed `seed`, default bounds, 1,000 runs at most, 200 shrink attempts.
    pub fn new(seed: u64) -> Options {
        Options {
            seed,
            runs: Some(1000),
            budget: None,
            bounds: Bounds::default(),
            shrink_attempts: 200,
        }
    }
}

/// What runs a scenario: the simulator, or (in tests) a simulator with a planted bug.
#[doc(hidden)]
pub trait Runner {
    /// Runs `scenario` with its seed.
    fn run(&self, scenario: &Scenario) -> Result<Outcome, SimError>;
}

/// The simulator, as `pekonode run` plays a scenario.
#[doc(hidden)]
pub struct Simulated;

impl Runner for Simulated {
    fn run(&self, scenario: &Scenario) -> Result<Outcome, SimError> {
        crate::experiment::run(scenario, |_| {})
    }
}

/// A progress report, for stderr.
#[derive(Debug)]
pub enum Step<'a> {
    /// Scenario `index` ran; `failure` if it broke a property.
    Ran {
        /// Its index.
        index: u64,
        /// The scenario.
        spec: &'a ScenarioSpec,
        /// The properties that applied.
        applicable: &'a [Property],
        /// What it broke.
        failure: Option<&'a Failure>,
    },
    /// A shrink candidate was kept.
    Shrunk {
        /// Candidates run so far.
        attempts: u32,
        /// The candidate.
        spec: &'a ScenarioSpec,
    },
}

/// A property broken, and the scenario shrunk.
#[derive(Debug, Clone)]
pub struct Found {
    /// The run that broke it.
    pub index: u64,
    /// The scenario as drawn.
    pub original: ScenarioSpec,
    /// The smallest scenario found that breaks the same property.
    pub shrunk: ScenarioSpec,
    /// How the shrunk scenario breaks it.
    pub failure: Failure,
    /// Candidates run while shrinking.
    pub attempts: u32,
}

/// What an exploration did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Scenarios run (the shrink candidates not counted).
    pub runs: u64,
    /// How many runs each property applied to, by name, in the order first seen.
    pub checked: Vec<(String, u64)>,
    /// The first failure, shrunk (the exploration stops there).
    pub found: Option<Found>,
}

/// What can stop an exploration.
#[derive(Debug, thiserror::Error)]
pub enum ExploreError {
    /// The explorer drew a scenario validation refuses: a bug in the explorer.
    #[error("the explorer drew an invalid scenario (run {index}): {source}")]
    Drawn {
        /// The run.
        index: u64,
        /// Why it is invalid.
        source: ScenarioError,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Explores with the simulator; see the [module documentation](self).
pub fn explore(options: &Options, progress: &mut dyn FnMut(Step)) -> Result<Report, ExploreError> {
    explore_with(options, &Simulated, progress)
}

/// Explores with `runner` instead of the simulator (a test plants a bug in it).
#[doc(hidden)]
pub fn explore_with(
    options: &Options,
    runner: &dyn Runner,
    progress: &mut dyn FnMut(Step),
) -> Result<Report, ExploreError> {
    let started = Instant::now();
    let mut report = Report::default();
    let mut index = 0;
    while options.runs.is_none_or(|n| index < n)
        && options.budget.is_none_or(|b| started.elapsed() < b)
    {
        let spec = draw::scenario(options.seed, index, &options.bounds);
        let scenario = Scenario::from_spec(spec.clone(), &format!("{}.json", spec.name))
            .map_err(|source| ExploreError::Drawn { index, source })?;
        let applicable = properties::applicable(&scenario);
        let failure = properties::verdict(&scenario, &applicable, &runner.run(&scenario));
        report.runs += 1;
        for p in &applicable {
            let name = p.to_string();
            match report.checked.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => report.checked.push((name, 1)),
            }
        }
        progress(Step::Ran {
            index,
            spec: &spec,
            applicable: &applicable,
            failure: failure.as_ref(),
        });
        if let Some(failure) = failure {
            report.found = Some(shrink_found(
                options, runner, index, spec, failure, progress,
            ));
            break;
        }
        index += 1;
    }
    Ok(report)
}

/// Whether `spec` is valid and breaks `property` under `runner`, and how.
pub fn breaks(runner: &dyn Runner, spec: &ScenarioSpec, property: &Property) -> Option<Failure> {
    let scenario = Scenario::from_spec(spec.clone(), &format!("{}.json", spec.name)).ok()?;
    let applicable = properties::applicable(&scenario);
    properties::verdict(&scenario, &applicable, &runner.run(&scenario))
        .filter(|f| f.property == *property)
}

/// Shrinks the failure of run `index`.
fn shrink_found(
    options: &Options,
    runner: &dyn Runner,
    index: u64,
    spec: ScenarioSpec,
    failure: Failure,
    progress: &mut dyn FnMut(Step),
) -> Found {
    let mut attempts = 0;
    let mut last = failure.clone();
    let shrunk = shrink::shrink(spec.clone(), options.shrink_attempts, &mut |candidate| {
        attempts += 1;
        match breaks(runner, candidate, &failure.property) {
            Some(f) => {
                last = f;
                progress(Step::Shrunk {
                    attempts,
                    spec: candidate,
                });
                true
            }
            None => false,
        }
    });
    let mut shrunk_spec = shrunk.spec;
    shrunk_spec.description = Some(format!(
        "Found by `pekonode explore --seed {} --runs {}` and shrunk in {} attempts: it breaks \
         {} ({}).",
        options.seed,
        index + 1,
        shrunk.attempts,
        last.property,
        last.detail
    ));
    Found {
        index,
        original: spec,
        shrunk: shrunk_spec,
        failure: last,
        attempts: shrunk.attempts,
    }
}

/// Writes the shrunk scenario as `<dir>/<name>.json` and the drawn one as
/// `<dir>/<name>.original.json`; returns the shrunk file's path.
pub fn write_found(found: &Found, dir: &Path) -> Result<PathBuf, ExploreError> {
    let write = |path: PathBuf, spec: &ScenarioSpec| {
        serde_json::to_string_pretty(spec)
            .map_err(std::io::Error::other)
            .and_then(|text| {
                std::fs::create_dir_all(dir)?;
                std::fs::write(&path, text + "\n")
            })
            .map_err(|source| ExploreError::Write {
                path: path.clone(),
                source,
            })
            .map(|()| path)
    };
    write(
        dir.join(format!("{}.original.json", found.original.name)),
        &found.original,
    )?;
    write(
        dir.join(format!("{}.json", found.shrunk.name)),
        &found.shrunk,
    )
}
