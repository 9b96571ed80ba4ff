//! Many seeds of one scenario: runs in parallel, and the aggregate `summary.json` of a
//! multi-seed run (per metric mean, standard deviation, 95 % Student-t interval of the mean,
//! median, p10, p90, p99, min, max and the worst seeds) with the time-series bands the charts
//! draw.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::error::StudyError;
use super::interval::MeanInterval;
use super::{metric, parallel};
use crate::experiment;
use crate::run::outcome::{BandPoint, Mark, ProtocolSummary};
use crate::run::stats::{band, quantile};
use crate::run::Outcome;
use crate::scenario::{Metric, Scenario};

/// How many of the worst seeds each metric names.
pub const WORST_SEEDS: usize = 5;

/// Runs every seed of `scenario` (see [`Scenario::seed_list`]) on up to `threads` threads;
/// `done(seed)` is called as each run ends. Outcomes come back in seed order, identical
/// whatever the thread count.
pub fn run_seeds(
    scenario: &Scenario,
    threads: usize,
    done: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Outcome>, StudyError> {
    let seeds = scenario.seed_list();
    parallel::map(seeds.len(), threads, |k| {
        let mut s = scenario.clone();
        s.set_seed(seeds[k]);
        let out = experiment::run(&s, |_| {}).map_err(|source| StudyError::Sim {
            scenario: s.name().to_string(),
            seed: seeds[k],
            source,
        });
        done(seeds[k]);
        out
    })
    .into_iter()
    .collect()
}

/// Statistics of one metric over the seeds that have a value: the mean with its spread and
/// interval ([`MeanInterval`]), and the quantiles.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Quantiles {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation over the seeds (`null` with one seed).
    pub sd: Option<f64>,
    /// Lower end of the 95 % confidence interval of the mean, by Student's t with n − 1
    /// degrees of freedom (`null` with one seed).
    pub ci95_low: Option<f64>,
    /// Upper end of that interval.
    pub ci95_high: Option<f64>,
    /// Median.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Quantiles {
    /// The statistics of `values` (quantiles by linear interpolation between ranks); `None` if
    /// empty.
    pub fn of(values: &[f64]) -> Option<Quantiles> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let m = MeanInterval::of(&v)?;
        Some(Quantiles {
            mean: m.mean,
            sd: m.sd,
            ci95_low: m.ci95.map(|c| c.0),
            ci95_high: m.ci95.map(|c| c.1),
            median: quantile(&v, 0.5),
            p10: quantile(&v, 0.1),
            p90: quantile(&v, 0.9),
            p99: quantile(&v, 0.99),
            min: v[0],
            max: v[v.len() - 1],
        })
    }
}

/// One metric over many seeds.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MetricStats {
    /// Seeds with a value.
    pub count: usize,
    /// Seeds without one (never converged, never removed everywhere, ...).
    pub missing: usize,
    /// The quantiles over the seeds with a value (absent when none has one).
    #[serde(flatten)]
    pub quantiles: Option<Quantiles>,
    /// Up to [`WORST_SEEDS`] seeds, worst first (a missing value counts as the worst), to rerun
    /// alone with `--seed`.
    pub worst_seeds: Vec<u64>,
}

impl MetricStats {
    /// Aggregates `(seed, value)` pairs of `metric`, in seed order.
    pub fn of(metric: Metric, values: &[(u64, Option<f64>)]) -> MetricStats {
        let present: Vec<f64> = values.iter().filter_map(|(_, v)| *v).collect();
        let mut ranked: Vec<(u64, Option<f64>)> = values.to_vec();
        // Stable: ties keep seed order. Missing first, then by badness.
        ranked.sort_by(|(_, a), (_, b)| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) if metric.higher_is_better() => a.total_cmp(b),
            (Some(a), Some(b)) => b.total_cmp(a),
        });
        MetricStats {
            count: present.len(),
            missing: values.len() - present.len(),
            quantiles: Quantiles::of(&present),
            worst_seeds: ranked.iter().take(WORST_SEEDS).map(|(s, _)| *s).collect(),
        }
    }
}

/// Every metric's statistics, serialized as a JSON object in [`Metric::ALL`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricTable(pub Vec<(Metric, MetricStats)>);

impl MetricTable {
    /// The statistics of `metric`.
    pub fn get(&self, metric: Metric) -> Option<&MetricStats> {
        self.0.iter().find(|(m, _)| *m == metric).map(|(_, s)| s)
    }

    /// Aggregates every metric over `outcomes`.
    pub fn of(outcomes: &[Outcome]) -> MetricTable {
        let runs: Vec<(u64, Vec<Option<f64>>)> = outcomes
            .iter()
            .map(|o| {
                (
                    o.seed,
                    metric::values(o).into_iter().map(|(_, v)| v).collect(),
                )
            })
            .collect();
        MetricTable::from_runs(&runs)
    }

    /// Aggregates runs given as `(seed, values in Metric::ALL order)`.
    pub fn from_runs(runs: &[(u64, Vec<Option<f64>>)]) -> MetricTable {
        MetricTable(
            Metric::ALL
                .iter()
                .enumerate()
                .map(|(k, &m)| {
                    let values: Vec<(u64, Option<f64>)> = runs
                        .iter()
                        .map(|(seed, v)| (*seed, v.get(k).copied().flatten()))
                        .collect();
                    (m, MetricStats::of(m, &values))
                })
                .collect(),
        )
    }
}

impl Serialize for MetricTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (m, stats) in &self.0 {
            map.serialize_entry(m.name(), stats)?;
        }
        map.end()
    }
}

/// A run the explosion guard stopped.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SeedStop {
    /// Its seed.
    pub seed: u64,
    /// When it stopped.
    pub at_ms: f64,
    /// Which limit it passed (`max_in_flight` or `max_packets_per_cycle`).
    pub limit: String,
    /// The guard's message.
    pub message: String,
}

/// The aggregate of a multi-seed run: the `summary.json` of `pekonode run --seeds N`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SeedSummary {
    /// Scenario name.
    pub scenario: String,
    /// The first seed.
    pub first_seed: u64,
    /// How many seeds (`first_seed`, `first_seed + 1`, …).
    pub seed_count: usize,
    /// The seeds, in order.
    #[serde(skip)]
    pub seeds: Vec<u64>,
    /// Protocol settings (shared by every seed).
    pub protocol: ProtocolSummary,
    /// Nodes the run ever had.
    pub nodes: usize,
    /// Planned duration.
    pub duration_ms: f64,
    /// Every metric over the seeds.
    pub metrics: MetricTable,
    /// Runs stopped by the explosion guard.
    pub guard_stops: Vec<SeedStop>,
    /// Converged fraction over time across seeds (x = ms), from the seeds with two or more
    /// nodes up at each sample.
    #[serde(skip)]
    pub convergence: Vec<BandPoint>,
    /// Up nodes over time across seeds (x = ms).
    #[serde(skip)]
    pub up: Vec<BandPoint>,
    /// Timeline events every seed had, in time order.
    #[serde(skip)]
    pub marks: Vec<Mark>,
    /// Events only some seeds had (summed over seeds), not in `marks`.
    #[serde(skip)]
    pub seed_marks: usize,
    /// Packets sent per cycle across seeds (x = start of the cycle in ms).
    #[serde(skip)]
    pub sent_per_cycle: Vec<BandPoint>,
}

/// Aggregates the outcomes of one scenario's seeds (in seed order). `None` if there is none.
pub fn aggregate(outcomes: &[Outcome]) -> Option<SeedSummary> {
    let first = outcomes.first()?;
    let rows = outcomes.iter().map(|o| o.samples.len()).max().unwrap_or(0);
    // With fewer than two nodes up a view is trivially the up set: such samples say nothing
    // of convergence and are left out of the band (a run's first instant would read 1).
    let convergence = (0..rows)
        .filter_map(|k| {
            let at: Vec<&_> = outcomes.iter().filter_map(|o| o.samples.get(k)).collect();
            let x = at.first()?.t_ms;
            let values: Vec<f64> = at
                .iter()
                .filter(|s| s.up >= 2)
                .map(|s| s.converged_fraction)
                .collect();
            (!values.is_empty()).then(|| band(x, values))
        })
        .collect();
    let up = (0..rows)
        .filter_map(|k| {
            let at: Vec<&_> = outcomes.iter().filter_map(|o| o.samples.get(k)).collect();
            let x = at.first()?.t_ms;
            Some(band(x, at.iter().map(|s| s.up as f64).collect()))
        })
        .collect();
    let (marks, seed_marks) = common_marks(outcomes);
    let cycles = outcomes
        .iter()
        .map(|o| o.per_cycle.len())
        .max()
        .unwrap_or(0);
    let sent_per_cycle = (0..cycles)
        .filter_map(|k| {
            let at: Vec<&_> = outcomes.iter().filter_map(|o| o.per_cycle.get(k)).collect();
            let x = at.first()?.start_ms;
            Some(band(x, at.iter().map(|c| c.sent as f64).collect()))
        })
        .collect();
    Some(SeedSummary {
        scenario: first.scenario.clone(),
        first_seed: first.seed,
        seed_count: outcomes.len(),
        seeds: outcomes.iter().map(|o| o.seed).collect(),
        protocol: first.protocol.clone(),
        nodes: first.nodes,
        duration_ms: first.duration_ms,
        metrics: MetricTable::of(outcomes),
        guard_stops: outcomes
            .iter()
            .filter_map(|o| {
                o.stopped.as_ref().map(|s| SeedStop {
                    seed: o.seed,
                    at_ms: s.at_ms,
                    limit: s.limit.clone(),
                    message: s.message.clone(),
                })
            })
            .collect(),
        convergence,
        up,
        marks,
        seed_marks,
        sent_per_cycle,
    })
}

/// The timeline events every seed had (same time, same label), in time order, and how many
/// other events (a nemesis draws its own per seed) some seeds had.
fn common_marks(outcomes: &[Outcome]) -> (Vec<Mark>, usize) {
    let Some(first) = outcomes.first() else {
        return (Vec::new(), 0);
    };
    let in_every = |m: &Mark| {
        outcomes[1..].iter().all(|o| {
            o.marks
                .iter()
                .any(|n| n.at_ms == m.at_ms && n.label == m.label)
        })
    };
    let common: Vec<Mark> = first
        .marks
        .iter()
        .filter(|m| in_every(m))
        .cloned()
        .collect();
    let others = outcomes
        .iter()
        .map(|o| o.marks.len().saturating_sub(common.len()))
        .sum();
    (common, others)
}
