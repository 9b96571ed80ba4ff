//! Parameter sweeps (`pekonode sweep`): every point of a scenario's `sweep` grid, several
//! seeds each, run in parallel and aggregated per point. A run the explosion guard stops is
//! recorded as stopped (with what it measured), never an error.

use serde::Serialize;

use super::error::StudyError;
use super::seeds::{MetricTable, SeedStop};
use super::{metric, parallel};
use crate::experiment;
use crate::scenario::{AxisValue, Scenario, SweepSpec};

/// One point of a sweep, aggregated over its seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointResult {
    /// The point's value on each axis, in axis order.
    pub values: Vec<AxisValue>,
    /// `nodes = 4, forwarding = faithful`.
    pub label: String,
    /// Nodes the point's runs had.
    pub nodes: usize,
    /// The seeds run.
    pub seeds: Vec<u64>,
    /// Every metric over the seeds.
    pub metrics: MetricTable,
    /// Runs stopped by the explosion guard (their metrics cover only what they simulated).
    pub guard_stops: Vec<SeedStop>,
}

/// A whole sweep: the `sweep.json` of `pekonode sweep`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepResult {
    /// Scenario name.
    pub scenario: String,
    /// The swept parameters, in axis order.
    pub params: Vec<String>,
    /// Each axis' values, in file order.
    pub axes: Vec<Vec<AxisValue>>,
    /// Seeds per point.
    pub seeds_per_point: u32,
    /// Virtual duration of each run.
    pub duration_ms: u64,
    /// The points, the last axis varying fastest.
    pub points: Vec<PointResult>,
    /// The sweep block as written (metrics, scales, references).
    #[serde(skip)]
    pub spec: SweepSpec,
}

struct Run {
    seed: u64,
    values: Vec<Option<f64>>,
    stop: Option<SeedStop>,
}

/// Runs the sweep of `scenario` on up to `threads` threads; `done(finished, total)` is called
/// after each run. Results are identical whatever the thread count.
pub fn run_sweep(
    scenario: &Scenario,
    threads: usize,
    done: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepResult, StudyError> {
    let spec = scenario.sweep().ok_or_else(|| StudyError::NoSweep {
        file: scenario.file().to_string(),
    })?;
    let seeds_per_point = spec.seeds.unwrap_or(scenario.seeds()).max(1);
    let grid = spec.points();
    let mut points = Vec::with_capacity(grid.len());
    for p in &grid {
        let label = spec.label(p);
        match scenario.sweep_point(p) {
            Some(Ok(s)) => points.push(s),
            Some(Err(source)) => {
                return Err(StudyError::Point {
                    point: label,
                    source,
                })
            }
            None => {
                return Err(StudyError::NoSweep {
                    file: scenario.file().to_string(),
                })
            }
        }
    }
    let per = seeds_per_point as usize;
    let total = points.len() * per;
    let finished = std::sync::atomic::AtomicUsize::new(0);
    // Later points are usually the larger ones: start them first so no big run is left alone
    // at the end. Results are put back in point order.
    let runs = parallel::map(total, threads, |k| {
        let job = total - 1 - k;
        let (point, seed_index) = (job / per, job % per);
        let mut s = points[point].clone();
        let seed = scenario.seed().wrapping_add(seed_index as u64);
        s.set_seed(seed);
        let out = experiment::run(&s, |_| {}).map_err(|source| StudyError::Sim {
            scenario: format!("{} ({})", s.name(), spec.label(&grid[point])),
            seed,
            source,
        });
        let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        done(n, total);
        out.map(|o| Run {
            seed,
            values: metric::values(&o).into_iter().map(|(_, v)| v).collect(),
            stop: o.stopped.as_ref().map(|st| SeedStop {
                seed,
                at_ms: st.at_ms,
                limit: st.limit.clone(),
                message: st.message.clone(),
            }),
        })
    });
    let mut runs: Vec<Run> = runs.into_iter().rev().collect::<Result<_, _>>()?;
    let mut results = Vec::with_capacity(points.len());
    for (p, s) in grid.iter().zip(&points) {
        let mine: Vec<Run> = runs.drain(..per).collect();
        let table: Vec<(u64, Vec<Option<f64>>)> =
            mine.iter().map(|r| (r.seed, r.values.clone())).collect();
        results.push(PointResult {
            values: spec.values_at(p),
            label: spec.label(p),
            nodes: s.node_count(),
            seeds: mine.iter().map(|r| r.seed).collect(),
            metrics: MetricTable::from_runs(&table),
            guard_stops: mine.into_iter().filter_map(|r| r.stop).collect(),
        });
    }
    Ok(SweepResult {
        scenario: scenario.name().to_string(),
        params: spec.axes.iter().map(|a| a.param().to_string()).collect(),
        axes: spec.axes.iter().map(|a| a.values()).collect(),
        seeds_per_point,
        duration_ms: scenario.duration_ms(),
        points: results,
        spec: spec.clone(),
    })
}
