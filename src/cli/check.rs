//! `pekonode check`: run scenario files (over their seeds) and enforce their `expect` blocks
//! and their golden files (every metric within its tolerance: [`super::golden`]); or, on a
//! batch engine, run one shard of their seeds (`--shard`) and check the unit results
//! once every shard is done (`--from`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use pekonode::report::ci::{self, CaseStatus, CheckCase};
use pekonode::run::Outcome;
use pekonode::scenario::Scenario;
use pekonode::study::merge::{self, Merged};
use pekonode::study::unit::UnitFile;
use pekonode::study::{self, unit};

use super::golden::{Entry, GoldenArgs};
use super::run::{load, simulate_seeds, threads};
use super::shard::{SeedStudy, ShardArgs, ShardRun};

/// Examples shown by `pekonode check --help`.
pub const EXAMPLES: &str = "Examples:
  pekonode check scenarios/*.json                          # every seed: expect blocks + golden files
  pekonode check scenarios/*.json --bless                  # a meant change: rewrite the golden files
  pekonode check scenarios/quickstart.json --no-golden     # the expect block only
  pekonode check scenarios/*.json --shard 0/4 --out /shared/ck   # one of 4 slices of all their seeds
  pekonode check scenarios/*.json --from /shared/ck        # after the 4 shards: check their results

A failed expectation prints the seed and the command that reproduces it with a trace.

The golden gate: each file's golden file (default golden/<file stem>.json beside it) holds the
mean over its seeds of every metric (docs/metrics.md). A mean that moves past the metric's
tolerance (costs 5 %, coverage and fractions 0.01, times 10 % or 1 s, counts 5–10 % or 1;
a golden file's `tolerance` map overrides them), or between measured and not measured, fails
with one line (scenario, metric, old → new, change) and the command that re-blesses. A file
with a golden file is checked even without an `expect` block; one without is a note.";

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
    /// With --from: accept unit results written by builds of different git revisions
    /// (refused by default: their numbers may differ for reasons the verdict would not show).
    #[arg(long, requires = "from")]
    allow_mixed_revisions: bool,
    /// `text` for people; `junit` (JUnit XML) or `json` put one document on stdout for CI,
    /// progress lines going to stderr. The exit status is the same in every format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// The golden gate.
    #[command(flatten)]
    golden: GoldenArgs,
}

/// Output formats of `pekonode check`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CheckFormat {
    /// Lines for people.
    #[default]
    Text,
    /// JUnit XML: one test case per scenario file.
    Junit,
    /// One JSON document.
    Json,
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

/// Tallies over the files, and one case per file for the CI formats.
#[derive(Default)]
struct Tally {
    failed_files: usize,
    failures: usize,
    golden_failures: usize,
    checked: usize,
    format: CheckFormat,
    gate: GoldenArgs,
    cases: Vec<CheckCase>,
    /// The first error writing a line to stdout (a closed pipe is none: see `out`).
    write_error: Option<std::io::Error>,
}

/// A case of `path` with no scenario run.
fn case(path: &Path, scenario: Option<&Scenario>, status: CaseStatus) -> CheckCase {
    CheckCase {
        file: path.display().to_string(),
        scenario: scenario.map(|s| s.name().to_string()),
        status,
        expectations: 0,
        seeds: 0,
        failures: Vec::new(),
        golden: Vec::new(),
        note: None,
    }
}

impl Tally {
    /// A line for people: on stdout, or on stderr when stdout holds a CI document.
    fn say(&mut self, line: String) {
        if self.format == CheckFormat::Text {
            if let Err(e) = outln!("{line}") {
                self.write_error.get_or_insert(e);
            }
        } else {
            errln!("{line}");
        }
    }

    /// A file that could not be checked: an error naming it.
    fn error(&mut self, path: &Path, scenario: Option<&Scenario>, message: String) {
        self.failed_files += 1;
        self.failures += 1;
        let name = scenario.map_or_else(|| path.display().to_string(), |s| s.name().to_string());
        self.say(format!("FAIL {name}: {message}"));
        self.cases
            .push(case(path, scenario, CaseStatus::Error(message)));
    }

    /// Checks `outcomes` of `scenario` (from `path`) against its expectations and its golden
    /// file, and prints the verdict.
    fn judge(&mut self, path: &Path, scenario: &Scenario, outcomes: &[Outcome]) {
        let found = study::expect::check(scenario, outcomes);
        let golden = self.gate.judge(path, scenario, outcomes);
        let passed = found.is_empty() && golden.failures.is_empty();
        self.checked += 1;
        self.cases.push(CheckCase {
            expectations: study::expect::count(scenario),
            seeds: outcomes.len(),
            failures: found.clone(),
            golden: golden.failures.clone(),
            note: golden.note,
            ..case(
                path,
                Some(scenario),
                if passed {
                    CaseStatus::Passed
                } else {
                    CaseStatus::Failed
                },
            )
        });
        if passed {
            let summary = golden.summary.map(|g| format!("; {g}")).unwrap_or_default();
            self.say(format!(
                "ok: {} ({}: {} expectations × {} seeds{summary})",
                path.display(),
                scenario.name(),
                study::expect::count(scenario),
                outcomes.len()
            ));
        } else {
            self.failed_files += 1;
            self.failures += found.len();
            self.golden_failures += golden.failures.len();
        }
        for f in &found {
            self.say(f.to_string());
        }
        // One command per failing seed reproduces it, with every event traced.
        let mut seeds: Vec<u64> = found.iter().filter_map(|f| f.seed).collect();
        seeds.sort_unstable();
        seeds.dedup();
        for seed in seeds {
            self.say(format!(
                "  reproduce (pekonode {}): pekonode run {} --seed {seed} --trace {}-s{seed}.jsonl",
                unit::program_label(),
                path.display(),
                scenario.name()
            ));
        }
        for line in golden.lines {
            self.say(line);
        }
    }

    /// The end: an error if any file failed, or if stdout could not be written.
    fn finish(mut self, given: &[PathBuf]) -> anyhow::Result<()> {
        let files = given.len();
        // One case per file, in the order given (load errors were found in a first pass).
        let order = |c: &CheckCase| given.iter().position(|p| p.display().to_string() == c.file);
        self.cases.sort_by_key(order);
        match self.format {
            CheckFormat::Text => {}
            CheckFormat::Junit => out!("{}", ci::junit(&self.cases))?,
            CheckFormat::Json => {
                outln!("{}", serde_json::to_string_pretty(&ci::json(&self.cases))?)?;
            }
        }
        if self.failed_files > 0 {
            let golden = match self.golden_failures {
                0 => String::new(),
                n => format!(", {n} golden value(s) or file(s) did not hold"),
            };
            bail!(
                "{} expectation(s) failed{golden}; {} of {files} files did not pass",
                self.failures,
                self.failed_files
            );
        }
        let what = if !self.gate.on() {
            "met their expectations"
        } else if self.gate.blessing() {
            "met their expectations; their golden files are blessed"
        } else {
            "met their expectations and golden values"
        };
        self.say(format!("all {} checked scenario(s) {what}", self.checked));
        match self.write_error {
            Some(e) => Err(anyhow::Error::new(e).context("cannot write to stdout")),
            None => Ok(()),
        }
    }
}

/// `pekonode check`.
pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let mut tally = Tally {
        format: args.format,
        gate: args.golden.clone(),
        ..Tally::default()
    };
    let mut checkable = Vec::new();
    for path in &args.files {
        if is_json_schema(path) {
            tally.say(format!(
                "skip: {} (a JSON Schema, not a scenario)",
                path.display()
            ));
            let why = "a JSON Schema, not a scenario".to_string();
            tally.cases.push(case(path, None, CaseStatus::Skipped(why)));
            continue;
        }
        match load(path) {
            Ok(s) => match args.golden.entry(path, &s, study::expect::count(&s)) {
                Entry::Run => checkable.push((path.clone(), s)),
                Entry::Skip(why) => {
                    tally.say(format!("skip: {} ({why})", path.display()));
                    tally
                        .cases
                        .push(case(path, Some(&s), CaseStatus::Skipped(why)));
                }
                Entry::Missing(failure) => {
                    tally.say(failure.to_string());
                    tally.failed_files += 1;
                    tally.golden_failures += 1;
                    tally.cases.push(CheckCase {
                        golden: vec![failure],
                        ..case(path, Some(&s), CaseStatus::Failed)
                    });
                }
            },
            Err(e) => {
                let line = super::one_line(&e);
                errln!("{line}");
                tally.failed_files += 1;
                tally.cases.push(case(path, None, CaseStatus::Error(line)));
            }
        }
    }
    if !args.from.is_empty() {
        check_units(&args, &checkable, &mut tally)?;
        return tally.finish(&args.files);
    }
    if let Some((shard, from)) = args.shard.resolve()? {
        if tally.failed_files > 0 {
            bail!(
                "{} file(s) could not be read (or lack a golden file): nothing run",
                tally.failed_files
            );
        }
        return run_shard(&args, &checkable, shard, from);
    }
    let threads = threads(args.threads);
    for (path, scenario) in &checkable {
        // A simulation that fails is this file's error; the other files are still checked.
        match simulate_seeds(scenario, threads) {
            Ok(outcomes) => tally.judge(path, scenario, &outcomes),
            Err(e) => tally.error(path, Some(scenario), super::one_line(&e)),
        }
    }
    tally.finish(&args.files)
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
    for (path, u) in merge::read_units_with(&args.from, args.allow_mixed_revisions)? {
        let folder = format!("{}-{}-{}", u.scenario, u.scenario_hash, u.study.tag());
        groups.entry(folder).or_default().push((path, u));
    }
    let dirs: Vec<String> = args.from.iter().map(|p| p.display().to_string()).collect();
    for (path, scenario) in checkable {
        let study = SeedStudy::new(path, scenario)?;
        let folder = format!("{}-{}-{}", scenario.name(), study.hash, study.shape().tag());
        let Some(units) = groups.remove(&folder) else {
            let message = format!(
                "no unit results units/{folder}/ under {} (this file as it is now, its {} \
                 seed(s)): run `pekonode check {} --shard I/N --out DIR` first",
                dirs.join(", "),
                study.seeds.len(),
                path.display()
            );
            tally.error(path, Some(scenario), message);
            continue;
        };
        match merge::merge_units(units, false) {
            Ok(m) => match m.merged {
                Merged::Seeds(outcomes) => tally.judge(path, scenario, &outcomes),
                Merged::Sweep(_) => bail!("units/{folder}: a sweep, not the seeds of a check"),
            },
            Err(e) => tally.error(path, Some(scenario), e.to_string()),
        }
    }
    if !groups.is_empty() {
        let other: Vec<&str> = groups.keys().map(String::as_str).collect();
        tally.say(format!(
            "note: ignored unit results of other files or studies: {}",
            other.join(", ")
        ));
    }
    Ok(())
}
