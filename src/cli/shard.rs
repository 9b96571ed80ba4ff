//! `--shard I/N`, `--shard-count N` and `--resume` of `sweep` and `run --seeds`: run one
//! slice of a study's units and write one result file per unit (`pekonode merge` makes the
//! report).

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use pekonode::run::Outcome;
use pekonode::scenario::Scenario;
use pekonode::study::shard::Shard;
use pekonode::study::unit::{self, StudyShape, UnitKey};
use pekonode::study::{parallel, StudyError};

/// The sharding flags, shared by `sweep` and `run`.
#[derive(Args, Debug, Default)]
pub struct ShardArgs {
    /// Run only shard I of N (I counts from 0: 0/4 … 3/4): units k with k mod N = I, where a
    /// unit is one point × seed of a sweep, or one seed of --seeds. Each unit's result goes
    /// to DIR/units/<name>-<hash>-<study>/ (DIR: --out); `pekonode merge` then writes the report.
    /// Default: SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) of SLURM_ARRAY_TASK_COUNT,
    /// or JOB_COMPLETION_INDEX of --shard-count, when set. GNU parallel's {#} counts from 1:
    /// pass --shard $(({#}-1))/N, or feed `seq 0 N-1` and use --shard {}/N.
    #[arg(long, value_name = "I/N", verbatim_doc_comment)]
    pub shard: Option<Shard>,
    /// Shards in all, when the index comes from the environment (JOB_COMPLETION_INDEX of a
    /// Kubernetes Indexed Job: its completions; or SLURM_ARRAY_TASK_ID).
    #[arg(long, value_name = "N", conflicts_with = "shard",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_count: Option<u64>,
    /// With a shard: skip units whose result file is already there, whole and the same
    /// (scenario hash, program version, point, seed); a corrupt or partial file is run again.
    #[arg(long)]
    pub resume: bool,
}

impl ShardArgs {
    /// The shard to run and where it came from; `None` to run the whole study.
    pub fn resolve(&self) -> anyhow::Result<Option<(Shard, String)>> {
        if let Some(s) = self.shard {
            return Ok(Some((s, format!("--shard {s}"))));
        }
        let found = Shard::from_env(|k| std::env::var(k).ok(), self.shard_count)?;
        if found.is_none() && self.resume {
            bail!("--resume needs --shard I/N (or a job array's environment)");
        }
        Ok(found)
    }
}

/// One shard of a study, ready to run.
pub struct ShardRun<'a> {
    /// This shard and where it came from.
    pub shard: Shard,
    /// `--shard 1/3`, `SLURM_ARRAY_TASK_ID=4`.
    pub from: String,
    /// Skip units already written.
    pub resume: bool,
    /// Threads.
    pub threads: usize,
    /// `sweep cost_cliff (22 points × 2 seeds)`.
    pub what: String,
    /// The report folder (--out); units go below it.
    pub out: PathBuf,
    /// Units in the study.
    pub total: usize,
    /// The key of unit `k`.
    pub key: &'a (dyn Fn(usize) -> UnitKey + Sync),
    /// Runs unit `k`.
    pub run: &'a (dyn Fn(usize) -> Result<Outcome, StudyError> + Sync),
    /// The line printed at the end: what to run once every shard is done.
    pub then: String,
}

impl ShardRun<'_> {
    /// Runs this shard's units (the last first, on `threads` threads), writing each result
    /// as soon as it is known, so an interrupted shard keeps what it finished.
    pub fn execute(&self) -> anyhow::Result<()> {
        let mine = self.shard.units(self.total);
        if mine.is_empty() {
            errln!(
                "shard {} ({}): 0 of {} units of {}: nothing to run",
                self.shard,
                self.from,
                self.total,
                self.what
            );
            return Ok(());
        }
        // Each unit's folder comes from its own key: `check` shards units of many files.
        let dir_of = |key: &UnitKey| {
            unit::units_dir(&self.out, &key.scenario, &key.scenario_hash, &key.study)
        };
        let todo: Vec<usize> = if self.resume {
            mine.iter()
                .copied()
                .filter(|&k| {
                    let key = (self.key)(k);
                    !unit::is_done(&dir_of(&key), &key)
                })
                .collect()
        } else {
            mine.clone()
        };
        errln!(
            "shard {} ({}): {} of {} units of {}{}",
            self.shard,
            self.from,
            mine.len(),
            self.total,
            self.what,
            if self.resume {
                format!(", {} already done", mine.len() - todo.len())
            } else {
                String::new()
            }
        );
        let n = todo.len();
        let results = parallel::map(n, self.threads, |j| -> anyhow::Result<PathBuf> {
            let k = todo[n - 1 - j];
            let outcome = (self.run)(k)?;
            let key = (self.key)(k);
            Ok(unit::write(&dir_of(&key), &key.into_file(outcome))?)
        });
        for r in results {
            r?;
        }
        let dirs: std::collections::BTreeSet<PathBuf> =
            mine.iter().map(|&k| dir_of(&(self.key)(k))).collect();
        let shown_dirs: Vec<String> = dirs.iter().map(|d| shown(d)).collect();
        outln!(
            "shard {}: {} unit(s) run, {} kept; results in {}",
            self.shard,
            n,
            mine.len() - n,
            shown_dirs.join(", ")
        )?;
        outln!("{}", self.then)?;
        Ok(())
    }
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// The scenario file's text, for its hash and for the unit files.
pub fn scenario_text(path: &Path) -> anyhow::Result<String> {
    let bytes = pekonode::files::read_bounded(path, pekonode::scenario::MAX_FILE_BYTES)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not UTF-8", path.display()))
}

/// The seeds of one scenario file as a study of units (`run --seeds --shard`, `check
/// --shard`): unit `k` is the `k`-th seed.
pub struct SeedStudy {
    /// The scenario, its seeds already set.
    pub scenario: Scenario,
    /// The file's text (kept in every unit).
    pub text: String,
    /// [`unit::scenario_hash`] of `text`.
    pub hash: String,
    /// The file's path as a reproducing command names it.
    pub file: String,
    /// Its seeds, in order.
    pub seeds: Vec<u64>,
}

impl SeedStudy {
    /// The study of `scenario` (read from `path`) over its seeds.
    pub fn new(path: &Path, scenario: &Scenario) -> anyhow::Result<SeedStudy> {
        let text = scenario_text(path)?;
        Ok(SeedStudy {
            hash: unit::scenario_hash(text.as_bytes()),
            text,
            file: super::provenance::shown_path(path),
            seeds: scenario.seed_list(),
            scenario: scenario.clone(),
        })
    }

    /// Its shape: the first seed and how many.
    pub fn shape(&self) -> StudyShape {
        StudyShape::Seeds {
            first_seed: self.scenario.seed(),
            seeds: self.seeds.len(),
        }
    }

    /// The key of unit `k` (`k` below the seed count).
    pub fn key(&self, k: usize) -> UnitKey {
        UnitKey {
            scenario: self.scenario.name().to_string(),
            scenario_hash: self.hash.clone(),
            scenario_text: self.text.clone(),
            scenario_file: Some(self.file.clone()),
            study: self.shape(),
            unit: k,
            point: None,
            point_label: None,
            point_values: serde_json::Value::Array(Vec::new()),
            seed: self.seeds[k],
        }
    }

    /// Runs unit `k`.
    pub fn run(&self, k: usize) -> Result<Outcome, StudyError> {
        let mut s = self.scenario.clone();
        s.set_seed(self.seeds[k]);
        pekonode::experiment::run(&s, |_| {}).map_err(|source| StudyError::Sim {
            scenario: s.name().to_string(),
            seed: self.seeds[k],
            source,
        })
    }
}
