//! The study layer's error type.

use std::path::PathBuf;

use crate::scenario::ScenarioError;
use crate::sim::SimError;

/// Why a study (several seeds, a sweep, a baseline comparison) could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// One run could not start (the simulator rejected its plan).
    #[error("{scenario}: seed {seed}: cannot simulate: {source}")]
    Sim {
        /// The scenario's name.
        scenario: String,
        /// The seed of the run.
        seed: u64,
        /// What the simulator said.
        #[source]
        source: SimError,
    },
    /// A sweep point is not a valid scenario.
    #[error("{point}: {source}")]
    Point {
        /// The point, e.g. `nodes = 4, forwarding = faithful`.
        point: String,
        /// What validation said.
        #[source]
        source: ScenarioError,
    },
    /// `sweep` was asked of a scenario without a `sweep` block.
    #[error("{file}: the scenario has no `sweep` block to run")]
    NoSweep {
        /// The scenario file.
        file: String,
    },
    /// A baseline summary could not be read.
    #[error("cannot read the baseline {}: {source}", path.display())]
    BaselineIo {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A baseline summary is not a `summary.json` written by `pekonode run`.
    #[error("{}: not a pekonode summary.json: {message}", path.display())]
    BaselineFormat {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}
