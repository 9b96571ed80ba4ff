//! `pekonode check`: run scenario files (over their seeds) and enforce their `expect` blocks;
//! or, on a batch engine, run one shard of their seeds (`--shard`) and check the unit results
//! once every shard is done (`--from`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use pekonode::run::Outcome;
use pekonode::scenario::Scenario;
use pekonode::study::merge::{self, Merged};
use pekonode::study::unit::UnitFile;
use pekonode::study::{self, unit};

use super::run::{load, simulate_seeds, threads};
use super::shard::{SeedStudy, ShardArgs, ShardRun};

/// Examples shown by `pekonode check --help`.
pub const EXAMPLES: &str = "Examples:
  pekonode check scenarios/*.json                          # run every seed, check every expect block
  pekonode check scenarios/*.json --shard 0/4 --out /shared/ck   # one of 4 slices of all their seeds
  pekonode check scenarios/*.json --from /shared/ck        # after the 4 shards: check their results

A failed expectation prints the seed and the command that reproduces it with a trace.";

/// Arguments of `pekonode check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Scenario files to run and check. A JSON Schema file among them (scenarios/schema.json)
    /// is skipped, so `pekonode check scenarios/*.json` works.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Threads to run seeds on. Default: every core. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Sharding: run one slice of the seeds of all the files (units numbered file by file,
    /// seed by seed) and write one result file per unit under --out; check them with --from.
    #[command(flatten)]
    shard: ShardArgs,
    /// With a shard: the folder unit results go to (shared by every shard).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Do not run: check the unit results found under DIR (written by `check --shard` or
    /// `run --shard` of the same files; repeat for copies from several machines). Every
    /// seed of every file must be there.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["shard", "shard_count", "resume", "out"])]
    from: Vec<PathBuf>,
}

/// Whether `path` holds a JSON Schema document rather than a scenario.
fn is_json_schema(path: &Path) -> bool {
    let Ok(text) = pekonode::files::read_bounded(path, pekonode::scenario::MAX_FILE_BYTES) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&text).is_ok_and(|v| {
        v.get("$schema")
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.starts_with("https://json-schema.org/"))
    })
}

/// Tallies over the files.
#[derive(Default)]
struct Tally {
    failed_files: usize,
    failures: usize,
    checked: usize,
}

impl Tally {
    /// Checks `outcomes` of `scenario` (from `path`) and prints the verdict.
    fn judge(&mut self, path: &Path, scenario: &Scenario, outcomes: &[Outcome]) {
        let found = study::expect::check(scenario, outcomes);
        self.checked += 1;
        if found.is_empty() {
            println!(
                "ok: {} ({}: {} expectations × {} seeds)",
                path.display(),
                scenario.name(),
                study::expect::count(scenario),
                outcomes.len()
            );
            return;
        }
        self.failed_files += 1;
        self.failures += found.len();
        for f in &found {
            println!("{f}");
        }
        // One command per failing seed reproduces it, with every event traced.
        let mut seeds: Vec<u64> = found.iter().filter_map(|f| f.seed).collect();
        seeds.sort_unstable();
        seeds.dedup();
        for seed in seeds {
            println!(
                "  reproduce (pekonode {}): pekonode run {} --seed {seed} --trace {}-s{seed}.jsonl",
                unit::VERSION,
                path.display(),
                scenario.name()
            );
        }
    }

    /// The end: an error if any file failed.
    fn finish(self, files: usize) -> anyhow::Result<()> {
        if self.failed_files > 0 {
            bail!(
                "{} expectation(s) failed; {} of {files} files did not pass",
                self.failures,
                self.failed_files
            );
        }
        println!(
            "all {} checked scenario(s) met their expectations",
            self.checked
        );
        Ok(())
    }
}

/// `pekonode check`.
pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let mut tally = Tally::default();
    let mut checkable = Vec::new();
    for path in &args.files {
        if is_json_schema(path) {
            println!("skip: {} (a JSON Schema, not a scenario)", path.display());
            continue;
        }
        match load(path) {
            Ok(s) if study::expect::count(&s) == 0 => {
                println!("skip: {} (no expectations)", path.display());
            }
            Ok(s) => checkable.push((path.clone(), s)),
            Err(e) => {
                eprintln!("{e:#}");
                tally.failed_files += 1;
            }
        }
    }
    if !args.from.is_empty() {
        check_units(&args, &checkable, &mut tally)?;
        return tally.finish(args.files.len());
    }
    if let Some((shard, from)) = args.shard.resolve()? {
        if tally.failed_files > 0 {
            bail!(
                "{} file(s) could not be read: nothing run",
                tally.failed_files
            );
        }
        return run_shard(&args, &checkable, shard, from);
    }
    let threads = threads(args.threads);
    for (path, scenario) in &checkable {
        let outcomes = simulate_seeds(scenario, threads)?;
        tally.judge(path, scenario, &outcomes);
    }
    tally.finish(args.files.len())
}

/// `check --shard`: this shard's units of every file's seeds.
fn run_shard(
    args: &CheckArgs,
    checkable: &[(PathBuf, Scenario)],
    shard: pekonode::study::shard::Shard,
    from: String,
) -> anyhow::Result<()> {
    let Some(out) = &args.out else {
        bail!("check --shard needs --out DIR: the folder (shared by every shard) for unit results");
    };
    let studies = checkable
        .iter()
        .map(|(path, s)| SeedStudy::new(path, s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Unit k is (study, seed) counted file by file, seed by seed.
    let index: Vec<(usize, usize)> = studies
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..s.seeds.len()).map(move |j| (i, j)))
        .collect();
    let files: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    ShardRun {
        shard,
        from,
        resume: args.shard.resume,
        threads: threads(args.threads),
        what: format!("check of {} scenario(s)", studies.len()),
        out: out.clone(),
        then: format!(
            "check with: pekonode check {} --from {}",
            files.join(" "),
            out.display()
        ),
        total: index.len(),
        key: &|k| studies[index[k].0].key(index[k].1),
        run: &|k| studies[index[k].0].run(index[k].1),
    }
    .execute()
}

/// `check --from`: the expectations against unit results already written.
fn check_units(
    args: &CheckArgs,
    checkable: &[(PathBuf, Scenario)],
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let mut groups: BTreeMap<String, Vec<(PathBuf, UnitFile)>> = BTreeMap::new();
    for (path, u) in merge::read_units(&args.from)? {
        let folder = format!("{}-{}-{}", u.scenario, u.scenario_hash, u.study.tag());
        groups.entry(folder).or_default().push((path, u));
    }
    let dirs: Vec<String> = args.from.iter().map(|p| p.display().to_string()).collect();
    for (path, scenario) in checkable {
        let study = SeedStudy::new(path, scenario)?;
        let folder = format!("{}-{}-{}", scenario.name(), study.hash, study.shape().tag());
        let Some(units) = groups.remove(&folder) else {
            println!(
                "FAIL {}: no unit results units/{folder}/ under {} (this file as it is now, \
                 its {} seed(s)): run `pekonode check {} --shard I/N --out DIR` first",
                scenario.name(),
                dirs.join(", "),
                study.seeds.len(),
                path.display()
            );
            tally.failed_files += 1;
            tally.failures += 1;
            continue;
        };
        match merge::merge_units(units, false) {
            Ok(m) => match m.merged {
                Merged::Seeds(outcomes) => tally.judge(path, scenario, &outcomes),
                Merged::Sweep(_) => bail!("units/{folder}: a sweep, not the seeds of a check"),
            },
            Err(e) => {
                println!("FAIL {}: {e}", scenario.name());
                tally.failed_files += 1;
                tally.failures += 1;
            }
        }
    }
    if !groups.is_empty() {
        let other: Vec<&str> = groups.keys().map(String::as_str).collect();
        println!(
            "note: ignored unit results of other files or studies: {}",
            other.join(", ")
        );
    }
    Ok(())
}
