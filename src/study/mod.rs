//! Studies: many runs of a scenario, summarised. One run of one seed is an anecdote.
//!
//! - [`expect`]: a scenario's `expect` block checked against its runs (`pekonode check`).
//! - [`seeds`]: the seeds of a scenario run in parallel, aggregated per metric (mean, standard
//!   deviation, 95 % Student-t interval, median, p10, p90, p99, min, max, worst seeds) with
//!   time-series bands ([`interval`] computes the t interval).
//! - [`sweep`]: a scenario's `sweep` block: every point of a grid over one or two
//!   parameters, with several seeds per point.
//! - [`baseline`]: a run compared with a stored `summary.json`, metric by metric, within the
//!   seed-to-seed spread of a multi-seed baseline ([`spread`]) or a flat tolerance (a protocol
//!   change shows its effect in numbers).
//! - [`golden`], [`drift`]: golden files (every metric of a scenario file's seeds, committed)
//!   and a fresh run compared with them within each metric's tolerance: `check`'s golden gate.
//! - [`shard`], [`unit`](mod@unit), [`merge`]: a study split into units (point × seed) run by the shards
//!   of a job array, one result file per unit, merged back into the single-process result.
//! - [`metric`]: each [`Metric`](crate::scenario::Metric) read off an [`Outcome`](crate::run::Outcome).
//!
//! Runs are independent and deterministic; [`parallel::map`] spreads them over threads and
//! returns results in job order, so every output is identical whatever the thread count.
//!
//! ```
//! use pekonode::{scenario::Scenario, study};
//! let text = r#"{"name": "tiny", "seed": 3, "seeds": 4, "duration_ms": 30000,
//!                "protocol": {"forwarding": "first-copy"},
//!                "nodes": {"count": 5, "bootstrap": "all"},
//!                "expect": {"converged_by_ms": 20000, "no_false_removals": true}}"#;
//! let scenario = Scenario::from_str_named(text, "tiny.json")?;
//! let outcomes = study::seeds::run_seeds(&scenario, 2, &|_| {})?;
//! assert_eq!(outcomes.iter().map(|o| o.seed).collect::<Vec<_>>(), [3, 4, 5, 6]);
//! assert!(study::expect::check(&scenario, &outcomes).is_empty());
//! let summary = study::seeds::aggregate(&outcomes).expect("four seeds");
//! assert_eq!(summary.seeds.len(), 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod baseline;
pub mod drift;
pub mod error;
pub mod expect;
pub mod golden;
pub mod interval;
pub mod merge;
pub mod metric;
pub mod parallel;
pub mod seeds;
pub mod shard;
pub mod spread;
pub mod sweep;
pub mod unit;
pub mod unit_error;

pub use error::StudyError;
pub use unit_error::UnitError;
