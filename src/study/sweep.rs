//! Parameter sweeps (`pekonode sweep`): every point of a scenario's `sweep` grid, several
//! seeds each, run in parallel and aggregated per point. A run the explosion guard stops is
//! recorded as stopped (with what it measured), never an error.

use serde::Serialize;

use super::error::StudyError;
use super::seeds::{MetricTable, SeedStop};
use super::{metric, parallel};
use crate::experiment;
use crate::run::Outcome;
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

/// What one run of a sweep contributes to its point: the seed, every metric, a guard stop.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRun {
    seed: u64,
    values: Vec<Option<f64>>,
    stop: Option<SeedStop>,
}

impl SweepRun {
    /// What the sweep keeps of `outcome` (the same whether it was just run or read back
    /// from a unit file, so a merged sweep is the single-process one byte for byte).
    pub fn of(outcome: &Outcome) -> SweepRun {
        SweepRun {
            seed: outcome.seed,
            values: metric::values(outcome)
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
            stop: outcome.stopped.as_ref().map(|st| SeedStop {
                seed: outcome.seed,
                at_ms: st.at_ms,
                limit: st.limit.clone(),
                message: st.message.clone(),
            }),
        }
    }
}

/// A sweep ready to run: its grid, each point's scenario and the seeds per point. Units are
/// numbered point by point, seeds fastest: unit `k` is point `k / seeds_per_point`, seed
/// index `k % seeds_per_point`.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    scenario: Scenario,
    spec: SweepSpec,
    grid: Vec<Vec<usize>>,
    points: Vec<Scenario>,
    per: usize,
}

impl SweepPlan {
    /// The plan of `scenario`'s sweep; an error without a sweep or with an invalid point.
    pub fn new(scenario: &Scenario) -> Result<SweepPlan, StudyError> {
        let spec = scenario.sweep().ok_or_else(|| StudyError::NoSweep {
            file: scenario.file().to_string(),
        })?;
        let per = spec.seeds.unwrap_or(scenario.seeds()).max(1) as usize;
        let grid = spec.points();
        let mut points = Vec::with_capacity(grid.len());
        for p in &grid {
            match scenario.sweep_point(p) {
                Some(Ok(s)) => points.push(s),
                Some(Err(source)) => {
                    return Err(StudyError::Point {
                        point: spec.label(p),
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
        Ok(SweepPlan {
            scenario: scenario.clone(),
            spec: spec.clone(),
            grid,
            points,
            per,
        })
    }

    /// Points of the grid.
    pub fn point_count(&self) -> usize {
        self.points.len()
    }

    /// Seeds per point.
    pub fn seeds_per_point(&self) -> usize {
        self.per
    }

    /// Units (point × seed) in all.
    pub fn unit_count(&self) -> usize {
        self.points.len() * self.per
    }

    /// The point and seed of unit `k`.
    pub fn unit(&self, k: usize) -> (usize, u64) {
        let seed = self.scenario.seed().wrapping_add((k % self.per) as u64);
        (k / self.per, seed)
    }

    /// `nodes = 4, forwarding = faithful` for point `point`.
    pub fn label(&self, point: usize) -> String {
        self.grid
            .get(point)
            .map_or_else(String::new, |p| self.spec.label(p))
    }

    /// The values of point `point`, in axis order.
    pub fn values(&self, point: usize) -> Vec<AxisValue> {
        self.grid
            .get(point)
            .map_or_else(Vec::new, |p| self.spec.values_at(p))
    }

    /// Runs unit `k` alone.
    pub fn run_unit(&self, k: usize) -> Result<Outcome, StudyError> {
        let (point, seed) = self.unit(k);
        let mut s = self.points[point].clone();
        s.set_seed(seed);
        experiment::run(&s, |_| {}).map_err(|source| StudyError::Sim {
            scenario: format!("{} ({})", s.name(), self.label(point)),
            seed,
            source,
        })
    }

    /// The sweep's result from `runs`, one list per point in point order (each in seed
    /// order); a point without runs is left out.
    pub fn assemble(&self, runs: Vec<Vec<SweepRun>>) -> SweepResult {
        let mut results = Vec::with_capacity(self.points.len());
        for ((p, s), mine) in self.grid.iter().zip(&self.points).zip(runs) {
            if mine.is_empty() {
                continue;
            }
            let table: Vec<(u64, Vec<Option<f64>>)> =
                mine.iter().map(|r| (r.seed, r.values.clone())).collect();
            results.push(PointResult {
                values: self.spec.values_at(p),
                label: self.spec.label(p),
                nodes: s.node_count(),
                seeds: mine.iter().map(|r| r.seed).collect(),
                metrics: MetricTable::from_runs(&table),
                guard_stops: mine.into_iter().filter_map(|r| r.stop).collect(),
            });
        }
        SweepResult {
            scenario: self.scenario.name().to_string(),
            params: self
                .spec
                .axes
                .iter()
                .map(|a| a.param().to_string())
                .collect(),
            axes: self.spec.axes.iter().map(|a| a.values()).collect(),
            seeds_per_point: self.per as u32,
            duration_ms: self.scenario.duration_ms(),
            points: results,
            spec: self.spec.clone(),
        }
    }
}

/// Runs `units` (unit numbers of `plan`) on up to `threads` threads, the last first (later
/// points are usually the larger ones: started first, no big run is left alone at the end);
/// `done(finished, total)` is called after each. Results come back in the order of `units`.
pub fn run_units(
    plan: &SweepPlan,
    units: &[usize],
    threads: usize,
    done: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Result<Outcome, StudyError>> {
    let total = units.len();
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let mut out = parallel::map(total, threads, |j| {
        let result = plan.run_unit(units[total - 1 - j]);
        let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        done(n, total);
        result
    });
    out.reverse();
    out
}

/// Runs the sweep of `scenario` on up to `threads` threads; `done(finished, total)` is called
/// after each run. Results are identical whatever the thread count.
pub fn run_sweep(
    scenario: &Scenario,
    threads: usize,
    done: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepResult, StudyError> {
    let plan = SweepPlan::new(scenario)?;
    let total = plan.unit_count();
    let finished = std::sync::atomic::AtomicUsize::new(0);
    // Later points are usually the larger ones: start them first so no big run is left alone
    // at the end. Only what the table needs is kept of each run; results go back in order.
    let runs = parallel::map(total, threads, |k| {
        let out = plan.run_unit(total - 1 - k);
        let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        done(n, total);
        out.map(|o| SweepRun::of(&o))
    });
    let mut runs: Vec<SweepRun> = runs.into_iter().rev().collect::<Result<_, _>>()?;
    let per = plan.seeds_per_point();
    let grouped = (0..plan.point_count())
        .map(|_| runs.drain(..per).collect())
        .collect();
    Ok(plan.assemble(grouped))
}
