//! `pekonode run`, `validate` and `schema`: scenario files in, reports out.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pekonode::report::Provenance;
use pekonode::run::Outcome;
use pekonode::run::INVARIANT_LIMIT;
use pekonode::scenario::Scenario;
use pekonode::sim::{Progress, Simulator};
use pekonode::study::shard::Shard;
use pekonode::{experiment, report, study};

use super::compare::{compare, deliver_quietly, Comparison, Format};
use super::provenance;
use super::shard::{SeedStudy, ShardArgs, ShardRun};

/// Examples shown by `pekonode run --help`.
pub const RUN_EXAMPLES: &str = "Examples:
  pekonode run scenarios/quickstart.json                 # writes reports/quickstart/
  pekonode run scenarios/faithful_16.json --seed 7 --out /tmp/f16
  pekonode run scenarios/lossy_network.json --json | jq .traffic
  pekonode run scenarios/quickstart.json --seeds 64      # statistics over seeds 1..64
  pekonode run scenarios/quickstart.json --seeds 64 --shard 1/4 --out /shared/q  # 16 seeds
  pekonode run scenarios/quickstart.json --baseline reports/quickstart/summary.json
  pekonode run scenarios/quickstart.json --seed 7 --trace /tmp/q7.jsonl
  pekonode run scenarios/quickstart.json --until 65s --dump-views

Same file + same seed => byte-identical summary.json, CSV, SVG, PNG and report.html.

A run whose views are estimated at 512 MiB or more (about 5,700 nodes with full views)
restarts itself once with glibc's heap on transparent huge pages (11-15 % faster at 10,000
nodes; results unchanged). PEKONODE_HUGE_PAGES=off, or your own GLIBC_TUNABLES, keeps the
allocator as it is.";

/// Arguments of `pekonode run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file (JSON; see scenarios/ and `pekonode schema`).
    file: PathBuf,
    /// Use this seed instead of the file's.
    #[arg(long)]
    seed: Option<u64>,
    /// Write the report here instead of reports/<scenario name>/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the summary as JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Run this many seeds (seed, seed + 1, …) in parallel and report their statistics
    /// (median, p10, p90, p99, min, max, worst seeds). Default: the file's `seeds` (1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    seeds: Option<u32>,
    /// Threads for several seeds. Default: every core. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Compare with a stored summary.json (single- or multi-seed) and print each metric's
    /// change; exit non-zero if one got worse by more than --tolerance.
    #[arg(long, value_name = "SUMMARY")]
    baseline: Option<PathBuf>,
    /// Relative change a metric may show before it counts (0.05 = 5 %), when the baseline has
    /// no seed-to-seed spread for it (a single-seed baseline). A multi-seed baseline flags a
    /// change only when it leaves the spread of its seeds.
    #[arg(long, default_value_t = 0.05, value_name = "FRACTION")]
    tolerance: f64,
    /// With --baseline: `json` prints only the comparison as JSON on stdout (for CI; the report
    /// is still written), `text` the run's table and the comparison table.
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "baseline")]
    format: Format,
    /// Write every event (send, deliver, drop and its reason, learn, expire, timeline action)
    /// with its virtual time to this JSON Lines file. One seed only.
    #[arg(long, value_name = "FILE.jsonl")]
    trace: Option<PathBuf>,
    /// Stop at this virtual time (e.g. 45s, 1m30s, 500ms) instead of the end; writes no
    /// report. One seed only.
    #[arg(long, value_name = "T", value_parser = humantime::parse_duration)]
    until: Option<Duration>,
    /// With --until: print every node's view there (member and age of its entry).
    #[arg(long, requires = "until")]
    dump_views: bool,
    /// Skip the built-in invariants checked at every sample (packets conserved, views sound,
    /// metadata versions monotonic, the protocol's own): for timing the simulator alone. One
    /// seed, no trace.
    #[arg(long)]
    no_invariants: bool,
    /// Sharding of --seeds: run one slice of the seeds (see `pekonode help merge`).
    #[command(flatten)]
    shard: ShardArgs,
}

impl RunArgs {
    /// What the baseline comparison needs of the arguments.
    fn comparison(&self) -> Comparison<'_> {
        Comparison {
            baseline: self.baseline.as_deref(),
            tolerance: self.tolerance,
            format: self.format,
        }
    }
}

/// Arguments of `pekonode validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn load(path: &std::path::Path) -> anyhow::Result<Scenario> {
    // The error already names the file, the JSON path and line:column.
    Scenario::from_path(path).map_err(anyhow::Error::new)
}

/// Wall time between two progress lines when stderr is not a terminal (a log, CI).
const LOG_EVERY: Duration = Duration::from_secs(60);

/// Runs a scenario with a progress bar on stderr (on a terminal, after a second; elsewhere,
/// such as a CI log, a plain line every [`LOG_EVERY`] of a long run).
pub fn simulate(scenario: &Scenario, invariants: bool) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let bar =
        ProgressBar::with_draw_target(Some(scenario.duration_ms()), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} ms virtual  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(scenario.name().to_string());
    let terminal = std::io::stderr().is_terminal();
    let mut shown = false;
    let mut logged = started;
    let mut simulator = Simulator::new(experiment::plan(scenario))
        .with_context(|| format!("cannot simulate {}", scenario.file()))?;
    if !invariants {
        simulator = simulator.without_invariants();
    }
    let outcome = simulator.run_with(|p: Progress| {
        if !shown && terminal && started.elapsed() > Duration::from_secs(1) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        if !terminal && logged.elapsed() >= LOG_EVERY {
            logged = Instant::now();
            errln!(
                "{}: {} of {} ms virtual, {} deliveries, {} s elapsed",
                scenario.name(),
                p.now.as_micros() / 1_000,
                scenario.duration_ms(),
                p.delivered,
                started.elapsed().as_secs()
            );
        }
        bar.set_position(p.now.as_micros() / 1_000);
        bar.set_message(format!("{} deliveries", p.delivered));
    });
    bar.finish_and_clear();
    Ok(outcome)
}

/// `pekonode run`.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let mut scenario = load(&args.file)?;
    // Before anything is printed or written: this may restart the process.
    super::tune::restart_for(scenario.cost().views_bytes);
    if let Some(seed) = args.seed {
        scenario.set_seed(seed);
    }
    if let Some(n) = args.seeds {
        scenario.set_seeds(n);
    }
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(scenario.name()));
    // What "auto" became, before the table (on stderr when stdout is JSON).
    if let Some(advised) = scenario.advised() {
        if args.json || args.format == Format::Json {
            errln!("auto: {advised}");
        } else {
            outln!("auto: {advised}")?;
        }
    }
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        bail!(
            "--tolerance {} is not a fraction ≥ 0 (0.05 = 5 %)",
            args.tolerance
        );
    }
    // Read the baseline first: the report written below may overwrite that very file.
    let baseline = args
        .baseline
        .as_deref()
        .map(study::baseline::load)
        .transpose()?;
    let traced = args.trace.is_some() || args.until.is_some();
    if let Some((shard, from)) = args.shard.resolve()? {
        if traced || args.baseline.is_some() || args.json {
            bail!("--shard writes unit results, not a report: drop --trace, --until, --baseline and --json");
        }
        return run_shard(&args, &scenario, &dir, shard, from);
    }
    if args.format == Format::Json && (args.json || traced) {
        bail!(
            "--format json prints the baseline comparison alone: drop --json, --trace and --until"
        );
    }
    if args.no_invariants && (traced || scenario.seeds() > 1) {
        bail!("--no-invariants times one plain run: drop --trace, --until and --seeds");
    }
    if traced && scenario.seeds() > 1 {
        bail!("--trace and --until follow one seed; drop --seeds (pick the seed with --seed)");
    }
    if scenario.seeds() > 1 {
        let summary = run_seeds(&args, &scenario, &dir)?;
        return compare(
            &args.comparison(),
            baseline.as_ref(),
            &report::seeds_summary_value(&summary),
        );
    }
    let outcome = if traced {
        match super::trace::run_traced(
            &scenario,
            args.trace.as_deref(),
            args.until,
            args.dump_views,
        )? {
            Some(outcome) => outcome,
            None => {
                if let Some(path) = &args.trace {
                    outln!("trace: {}", path.display())?;
                }
                return Ok(());
            }
        }
    } else {
        simulate(&scenario, !args.no_invariants)?
    };
    let what = args.file.display().to_string();
    let provenance = provenance::of(&scenario, provenance::run_command(&args.file, &scenario));
    let delivered = if args.format == Format::Json {
        deliver_quietly(&outcome, &dir, &what, &provenance)
    } else {
        deliver(&outcome, &dir, args.json, &what, &provenance)
    };
    if let Some(path) = &args.trace {
        outln!("trace: {}", path.display())?;
    }
    delivered?;
    let current: serde_json::Value = serde_json::from_str(&report::summary_json(&outcome))?;
    compare(&args.comparison(), baseline.as_ref(), &current)
}

/// Writes the report of `outcome` to `dir`, prints the table (or the summary JSON), and fails
/// with the explosion guard's line if it stopped the run. `what` names the run in that line;
/// `provenance` heads `report.html`.
pub fn deliver(
    outcome: &Outcome,
    dir: &std::path::Path,
    json: bool,
    what: &str,
    provenance: &Provenance,
) -> anyhow::Result<()> {
    report::write_with(outcome, dir, provenance)?;
    if json {
        outln!("{}", report::summary_json(outcome))?;
    } else {
        out!("{}", report::table(outcome))?;
        outln!("report: {}", dir.display())?;
    }
    if let Some(stop) = &outcome.stopped {
        if stop.limit == INVARIANT_LIMIT {
            let (name, seed) = (&outcome.scenario, outcome.seed);
            bail!("{}", invariant_line(name, seed, &stop.message, what, dir));
        }
        bail!(
            "{what}: {} (report of what was measured: {}; pekonode {})",
            stop.message,
            dir.display(),
            pekonode::revision::label()
        );
    }
    Ok(())
}

/// The one line of a run an invariant stopped: what broke, when and where, and the command
/// that replays it with every event traced (a broken invariant is a bug to chase).
fn invariant_line(
    scenario: &str,
    seed: u64,
    message: &str,
    what: &str,
    dir: &std::path::Path,
) -> String {
    format!(
        "{what}: {message}; reproduce: pekonode run {what} --seed {seed} --trace \
         {scenario}-s{seed}.jsonl (report of what was measured: {})",
        dir.display()
    )
}

/// The thread count of `--threads`, or every core.
pub fn threads(arg: Option<u32>) -> usize {
    arg.map_or_else(study::parallel::default_threads, |t| t as usize)
}

/// Runs every seed of `scenario` in parallel with a progress bar on stderr (on a terminal).
pub fn simulate_seeds(scenario: &Scenario, threads: usize) -> anyhow::Result<Vec<Outcome>> {
    let total = u64::from(scenario.seeds());
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} seeds  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(scenario.name().to_string());
    let outcomes = study::seeds::run_seeds(scenario, threads, &|_| bar.inc(1))?;
    bar.finish_and_clear();
    Ok(outcomes)
}

fn run_seeds(
    args: &RunArgs,
    scenario: &Scenario,
    dir: &std::path::Path,
) -> anyhow::Result<study::seeds::SeedSummary> {
    let outcomes = simulate_seeds(scenario, threads(args.threads))?;
    let Some(summary) = study::seeds::aggregate(&outcomes) else {
        bail!("{}: no seed was run", args.file.display());
    };
    let provenance = provenance::of(scenario, provenance::run_command(&args.file, scenario));
    report::write_seeds(&summary, &outcomes, dir, &provenance)?;
    if args.format == Format::Json {
        errln!("report: {}", dir.display());
    } else if args.json {
        let value = report::seeds_summary_value(&summary);
        outln!("{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        out!("{}", report::seeds_table(&summary))?;
        outln!("report: {}", dir.display())?;
    }
    // A broken invariant is a bug: the first seed that broke one, with its reproduce command.
    if let Some(stop) = summary
        .guard_stops
        .iter()
        .find(|s| s.limit == INVARIANT_LIMIT)
    {
        let what = args.file.display().to_string();
        let message = format!("seed {}: {}", stop.seed, stop.message);
        bail!(
            "{}",
            invariant_line(scenario.name(), stop.seed, &message, &what, dir)
        );
    }
    if !summary.guard_stops.is_empty() {
        bail!(
            "{}: the explosion guard stopped {} of {} seeds (report of what was measured: {})",
            args.file.display(),
            summary.guard_stops.len(),
            outcomes.len(),
            dir.display()
        );
    }
    Ok(summary)
}

/// `pekonode run --shard`: this shard's seeds, one result file each.
fn run_shard(
    args: &RunArgs,
    scenario: &Scenario,
    dir: &std::path::Path,
    shard: Shard,
    from: String,
) -> anyhow::Result<()> {
    let study = SeedStudy::new(&args.file, scenario)?;
    ShardRun {
        shard,
        from,
        resume: args.shard.resume,
        threads: threads(args.threads),
        what: format!(
            "{} ({} seeds from {})",
            scenario.name(),
            study.seeds.len(),
            scenario.seed()
        ),
        out: dir.to_path_buf(),
        then: format!("merge with: pekonode merge {} --out DIR", dir.display()),
        total: study.seeds.len(),
        key: &|k| study.key(k),
        run: &|k| study.run(k),
    }
    .execute()
}

/// `pekonode validate`.
pub fn validate(args: ValidateArgs) -> anyhow::Result<()> {
    let mut failed = 0;
    for path in &args.files {
        match load(path) {
            Ok(s) => outln!(
                "ok: {} ({}: {} nodes, {} events, {} ms)",
                path.display(),
                s.name(),
                s.node_count(),
                s.events().len(),
                s.duration_ms()
            )?,
            Err(e) => {
                failed += 1;
                errln!("{e}");
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} scenario files are invalid",
            args.files.len()
        );
    }
    Ok(())
}

/// `pekonode schema`.
pub fn schema() -> anyhow::Result<()> {
    out!("{}", pekonode::scenario::json_schema())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use pekonode::run::{outcome::Violation, stop_for};

    use super::*;

    /// A run an invariant stopped fails with one line: the invariant, the time, the node and
    /// the command that reproduces it.
    #[test]
    fn a_broken_invariant_fails_the_run_with_the_reproduce_command() {
        let v = Violation {
            invariant: "packets conserved".into(),
            at_ms: 12_000.0,
            node: Some("n3".into()),
            message: "11 packets came in but 10 are accounted for".into(),
        };
        let stop = stop_for(&v);
        let line = invariant_line(
            "quickstart",
            7,
            &stop.message,
            "scenarios/quickstart.json",
            std::path::Path::new("reports/quickstart"),
        );
        assert_eq!(
            line,
            "scenarios/quickstart.json: invariant 'packets conserved' broken at t = 12.000 s at \
             node n3: 11 packets came in but 10 are accounted for; reproduce: pekonode run \
             scenarios/quickstart.json --seed 7 --trace quickstart-s7.jsonl (report of what was \
             measured: reports/quickstart)"
        );
        assert!(!line.contains('\n'));
    }
}
