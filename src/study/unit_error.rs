//! Errors of unit result files: writing them, reading them back, merging them.

use std::path::PathBuf;

use super::StudyError;
use crate::scenario::ScenarioError;

/// Why unit results could not be written, read or merged; each names the files or units.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A unit file is not a pekonode unit result (corrupt, partial, or something else).
    #[error("{}: not a pekonode unit result: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// An outcome would not read back from JSON as it was (a non-finite number).
    #[error("{}: the outcome does not read back exactly from JSON; not written", path.display())]
    NotExact {
        /// The file it was meant for.
        path: PathBuf,
    },
    /// No unit file under the folders given.
    #[error("no unit results (units/<scenario>-<hash>-<study>/*.json) under {0}")]
    NoUnits(String),
    /// Units of different scenarios (or different versions of one scenario file).
    #[error("units of different scenario files cannot be merged: {0}")]
    MixedScenarios(String),
    /// Units of one scenario but of different studies (sweep vs seeds, other seed counts).
    #[error("units of different studies of {scenario} cannot be merged: {detail}; each study has its own folder under units/: merge one folder at a time")]
    MixedStudies {
        /// The scenario.
        scenario: String,
        /// The two studies and a file of each.
        detail: String,
    },
    /// Units written by another pekonode version.
    #[error(
        "{count} unit(s) were written by another pekonode version than this {version}: {list}"
    )]
    Version {
        /// How many.
        count: usize,
        /// This program's version.
        version: String,
        /// The first few, with their versions.
        list: String,
    },
    /// Units written by builds of different revisions (see [`crate::revision`]): their
    /// numbers may differ for reasons no report would show.
    #[error(
        "units of different pekonode revisions cannot be merged: {first} vs {second} \
         (`--allow-mixed-revisions` on `merge` or `check --from` accepts them anyway)"
    )]
    MixedRevisions {
        /// One revision, with a file of it.
        first: String,
        /// Another, with a file of it.
        second: String,
    },
    /// One unit found twice with different content.
    #[error("unit {unit} differs between {} and {}", first.display(), second.display())]
    Conflict {
        /// The unit, e.g. `p2-s1`.
        unit: String,
        /// One file.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// Units the study needs that no folder holds.
    #[error("{missing} of {total} units of {scenario} are missing: {list} (run their shards, or pass --allow-partial)")]
    Missing {
        /// The scenario.
        scenario: String,
        /// How many are missing.
        missing: usize,
        /// Units in all.
        total: usize,
        /// The first few.
        list: String,
    },
    /// The scenario stored in the units does not parse any more.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The sweep could not be planned or a run failed.
    #[error(transparent)]
    Study(#[from] StudyError),
}
