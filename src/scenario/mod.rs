//! Scenario files: the JSON schema of a simulation run, its parsing, semantic validation and
//! typed errors. Pure data: nothing here runs a simulation.
//!
//! A scenario names a run (`name`, also its report folder), a `seed`, a `duration_ms` and a
//! `sample_interval_ms`; the `protocol` parameters (PekoNode's, where 0 means "default", plus
//! the forwarding rule); the `network` model (latency distribution, loss, duplication, per-link
//! overrides); the initial `nodes` and how they bootstrap; a timeline of `events`; the explosion
//! guard's `limits`; and optional expectations (`expect`) that `pekonode check` enforces.
//! Unknown fields are errors, and every error names the file, the JSON path and, for syntax
//! and type errors, the line and column.
//!
//! Loading is two steps, both done by [`Scenario::from_path`] and [`Scenario::from_str_named`]:
//! serde parses the text into a [`ScenarioSpec`] (the file as written), then validation checks
//! ranges, sizes, node references and the life of each node over time, and resolves the file
//! into the run's own types (a [`Scenario`]): node names into dense [`NodeIndex`]es, events
//! into the run's [`Timed`] actions, the network into the run's [`NetworkSpec`], and the
//! "0 = default" protocol parameters into a [`Config`] by the protocol's own rules
//! ([`Config::resolve`]). The run's [`Limits`] and [`Bootstrap`] and the protocol's
//! [`Forwarding`] are written in the file as they are.
//!
//! [`NodeIndex`]: crate::run::NodeIndex
//! [`Timed`]: crate::run::Timed
//! [`NetworkSpec`]: crate::run::NetworkSpec
//! [`Config`]: crate::protocol::Config
//! [`Config::resolve`]: crate::protocol::Config::resolve
//! [`Limits`]: crate::run::Limits
//! [`Bootstrap`]: crate::run::Bootstrap
//! [`Forwarding`]: crate::protocol::Forwarding
//!
//! ```
//! use pekonode::run::Action;
//! use pekonode::scenario::Scenario;
//! use std::time::Duration;
//!
//! let text = r#"{
//!     "name": "tiny", "seed": 7, "duration_ms": 60000,
//!     "nodes": {"count": 4, "bootstrap": "all"},
//!     "events": [{"at_ms": 30000, "crash": {"node": "n3"}}]
//! }"#;
//! let scenario = Scenario::from_str_named(text, "tiny.json")?;
//! assert_eq!(scenario.node_names(), ["n0", "n1", "n2", "n3"]);
//! assert_eq!(scenario.config().timeout, Duration::from_secs(20)); // 3 × 6 s + 2 s, PekoNode's rule
//! assert_eq!(scenario.events()[0].action, Action::Crash { node: 3 });
//!
//! let bad = r#"{"name": "tiny", "seed": 7, "duration_ms": 60000,
//!               "nodes": {"count": 4}, "netwrk": {}}"#;
//! let err = Scenario::from_str_named(bad, "bad.json").unwrap_err();
//! assert!(err.to_string().starts_with("bad.json:2:"));
//! assert!(err.to_string().contains("unknown field `netwrk`"));
//! # Ok::<(), pekonode::scenario::ScenarioError>(())
//! ```
#![deny(missing_docs)]

mod auto;
mod checker;
mod cost;
mod error;
mod events;
mod faults;
mod foreign;
mod metric;
mod network;
mod nodes;
mod or_auto;
mod protocol;
mod refs;
mod resolved;
mod schema;
mod sweep;
mod sweep_points;
mod swim;
mod swim_spec;
mod table;
mod timeline;
mod timeline_faults;
mod tolerance;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_auto;
#[cfg(test)]
mod tests_bad;
#[cfg(test)]
mod tests_faults;
#[cfg(test)]
mod tests_files;
#[cfg(test)]
mod tests_swim;
#[cfg(test)]
mod tests_timeline;

use std::io::Read;
use std::path::Path;

pub use auto::{Advised, DEFAULT_TARGET_PER_DAY};
pub use cost::{
    count, per_heartbeat, CostEstimate, MAX_MEMORY_BYTES, MAX_PACKETS, PACKETS_PER_SECOND,
};
pub use error::{echo, Problem, ScenarioError, ECHO_CHARS};
pub use events::{
    ActionSpec, EventSpec, HealSpec, JoinSpec, LossSpec, NodeTarget, PartitionSpec, PublishSpec,
    RestartSpec, SetSpec,
};
pub use faults::{
    FaultKind, ForgeSpec, ImpersonateSpec, NemesisSpec, PauseSpec, RateSpec, SkewSpec, SlowSpec,
    VersionSpec,
};
pub use metric::Metric;
pub use nodes::{GeneratedNodes, NodeSpec, NodesSpec};
pub use or_auto::OrAuto;
pub use refs::{NodeRef, NodeSelector};
pub use resolved::Scenario;
pub use schema::{
    Expect, LatencySpec, LinkSpec, NetworkModelSpec, ProtocolSpec, ScenarioSpec, TrustSpec,
};
pub use sweep::{
    AxisValue, ProtocolChoice, Reference, SweepAxis, SweepSpec, MAX_SWEEP_POINTS, MAX_SWEEP_RUNS,
};
pub use swim_spec::{ProtocolName, SwimSpec};
pub use tolerance::Tolerance;

/// Most nodes a scenario may have, joins included: the run's limit, re-exported.
pub use crate::run::MAX_NODES;
/// Longest run: 7 days of virtual time, in ms.
pub const MAX_DURATION_MS: u64 = 7 * 24 * 3600 * 1000;
/// Most metric samples a run may take (`duration_ms / sample_interval_ms`).
pub const MAX_SAMPLES: u64 = 1_000_000;
/// Most seeds one scenario may ask for (`seeds`).
pub const MAX_SEEDS: u32 = 10_000;
/// Most timeline events.
pub const MAX_EVENTS: usize = 100_000;
/// Largest latency parameter, in ms (one hour).
pub const MAX_LATENCY_MS: f64 = 3_600_000.0;
/// Largest `limits.max_in_flight`: each packet in flight is held in memory.
pub const MAX_IN_FLIGHT: u64 = 20_000_000;
/// Largest `limits.max_memory_mb` (1 TiB).
pub const MAX_MEMORY_MB: u64 = 1 << 20;
/// Largest `limits.max_packets_per_cycle`.
pub const MAX_PACKETS_PER_CYCLE: u64 = 1_000_000_000;
/// Longest node or scenario name, in bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Largest scenario file accepted, in bytes (16 MiB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl Scenario {
    /// Reads, parses and validates the scenario file at `path`; errors name the file as given.
    pub fn from_path(path: &Path) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let io = |source| ScenarioError::Io {
            file: file.clone(),
            source,
        };
        crate::files::ensure_regular(path).map_err(io)?;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            let bytes = std::fs::metadata(path).map_or(MAX_FILE_BYTES + 1, |m| m.len());
            return Err(ScenarioError::TooLarge {
                file,
                bytes,
                max: MAX_FILE_BYTES,
            });
        }
        Self::from_slice_named(&bytes, &file)
    }

    /// Parses and validates scenario `text`; `file` is the label errors use (a path, `<stdin>`).
    pub fn from_str_named(text: &str, file: &str) -> Result<Self, ScenarioError> {
        Self::from_slice_named(text.as_bytes(), file)
    }

    /// Validates a scenario built in code (e.g. a test varying one parameter).
    pub fn from_spec(spec: ScenarioSpec, file: &str) -> Result<Self, ScenarioError> {
        validate::validate(spec, file)
    }

    fn from_slice_named(bytes: &[u8], file: &str) -> Result<Self, ScenarioError> {
        Self::from_spec(parse(bytes, file)?, file)
    }
}

/// Parses scenario JSON into the file's types, without semantic validation.
pub fn parse(bytes: &[u8], file: &str) -> Result<ScenarioSpec, ScenarioError> {
    // serde would read a top-level array as the struct's fields in order; refuse it plainly.
    if let Some(at) = bytes.iter().position(|b| !b.is_ascii_whitespace()) {
        if bytes[at] == b'[' {
            let before = &bytes[..at];
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
            return Err(ScenarioError::Schema {
                file: file.to_string(),
                path: "(top level)".to_string(),
                line,
                column,
                message: "a scenario is one JSON object {\"name\": ..., ...}, not an array"
                    .to_string(),
            });
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let spec =
        serde_path_to_error::deserialize(&mut de).map_err(|e| ScenarioError::from_json(file, e))?;
    de.end().map_err(|e| ScenarioError::Syntax {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: "unexpected text after the scenario object".to_string(),
    })?;
    Ok(spec)
}

/// The JSON Schema of scenario files (draft 2020-12), pretty-printed with a final newline.
///
/// The repository keeps a copy in `scenarios/schema.json` for editors; a test checks it is
/// current.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ScenarioSpec);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
