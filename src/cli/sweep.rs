//! `pekonode sweep`: run a scenario's parameter sweep and write its table and charts.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pekonode::scenario::{self as cost, Scenario};
use pekonode::{report, study};

use pekonode::study::shard::Shard;
use pekonode::study::sweep::SweepPlan;
use pekonode::study::unit::{self, StudyShape, UnitKey};

use super::run::{load, threads};
use super::shard::{scenario_text, ShardArgs, ShardRun};

/// Examples shown by `pekonode sweep --help`.
pub const SWEEP_EXAMPLES: &str = "Examples:
  pekonode sweep scenarios/cost_cliff.json            # writes reports/cost_cliff/
  pekonode sweep scenarios/first_copy_scale.json --threads 2 --out /tmp/fcs
  pekonode sweep scenarios/cost_cliff.json --shard 0/4 --out /shared/cc   # 1st of 4 slices
  SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=4 pekonode sweep FILE --out /shared/cc
  pekonode merge /shared/cc --out /shared/cc                              # the report

A run stopped by the explosion guard is recorded as stopped in the table, not an error.";

/// Arguments of `pekonode sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// A scenario file with a `sweep` block.
    file: PathBuf,
    /// Write the report here instead of reports/<scenario name>/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Threads. Default: every core. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Sharding: run one slice of the units (see `pekonode help merge`).
    #[command(flatten)]
    shard: ShardArgs,
}

/// `pekonode sweep`.
pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let scenario = load(&args.file)?;
    let threads = threads(args.threads);
    if let Some((shard, from)) = args.shard.resolve()? {
        return run_shard(&args, &scenario, threads, shard, from);
    }
    // Before hours of silence: how much work this is (validation bounded each run).
    if let Some(line) = estimate(&scenario, threads) {
        errln!("{line}");
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} runs  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(scenario.name().to_string());
    // Elsewhere than a terminal (a log, CI), one plain line per finished run.
    let terminal = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let logged = std::sync::atomic::AtomicUsize::new(0);
    let result = study::sweep::run_sweep(&scenario, threads, &|n, total| {
        bar.set_length(total as u64);
        bar.set_position(n as u64);
        if !terminal && n > 0 && logged.fetch_max(n, std::sync::atomic::Ordering::Relaxed) < n {
            errln!(
                "{}: {n} of {total} runs done, {:.0} s elapsed",
                scenario.name(),
                started.elapsed().as_secs_f64()
            );
        }
    })?;
    bar.finish_and_clear();
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("reports").join(scenario.name()));
    let command = format!(
        "pekonode sweep {}",
        super::provenance::shown_path(&args.file)
    );
    report::write_sweep(&result, &dir, &super::provenance::of(&scenario, command))?;
    out!("{}", report::sweep_table(&result))?;
    let stopped: usize = result.points.iter().map(|p| p.guard_stops.len()).sum();
    if stopped > 0 {
        outln!("{stopped} run(s) stopped by the explosion guard (recorded in the table)")?;
    }
    outln!("report: {}", dir.display())?;
    Ok(())
}

/// `pekonode sweep --shard`: this shard's units, one result file each.
fn run_shard(
    args: &SweepArgs,
    scenario: &Scenario,
    threads: usize,
    shard: Shard,
    from: String,
) -> anyhow::Result<()> {
    let plan = SweepPlan::new(scenario)?;
    let text = scenario_text(&args.file)?;
    let hash = unit::scenario_hash(text.as_bytes());
    let study = StudyShape::Sweep {
        points: plan.point_count(),
        seeds_per_point: plan.seeds_per_point(),
    };
    let key = |k: usize| {
        let (point, seed) = plan.unit(k);
        UnitKey {
            scenario: scenario.name().to_string(),
            scenario_hash: hash.clone(),
            scenario_text: text.clone(),
            scenario_file: Some(super::provenance::shown_path(&args.file)),
            study: study.clone(),
            unit: k,
            point: Some(point),
            point_label: Some(plan.label(point)),
            point_values: serde_json::to_value(plan.values(point)).unwrap_or_default(),
            seed,
        }
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(scenario.name()));
    ShardRun {
        shard,
        from,
        resume: args.shard.resume,
        threads,
        what: format!(
            "sweep {} ({} points × {} seeds)",
            scenario.name(),
            plan.point_count(),
            plan.seeds_per_point()
        ),
        then: format!("merge with: pekonode merge {} --out DIR", out.display()),
        out,
        total: plan.unit_count(),
        key: &key,
        run: &|k| plan.run_unit(k),
    }
    .execute()
}

/// One line: runs, packets and a rough wall time on `threads` threads (from
/// [`CostEstimate::seconds`](pekonode::scenario::CostEstimate::seconds)); `None` without a
/// sweep.
fn estimate(scenario: &Scenario, threads: usize) -> Option<String> {
    let sweep = scenario.sweep()?;
    let seeds = u64::from(sweep.seeds.unwrap_or(scenario.seeds()).max(1));
    let points = sweep.points();
    let (mut packets, mut seconds) = (0.0, 0.0);
    for p in &points {
        if let Some(Ok(s)) = scenario.sweep_point(p) {
            let cost = s.cost();
            packets += cost.packets * seeds as f64;
            seconds += cost.seconds() * seeds as f64;
        }
    }
    let runs = points.len() as u64 * seeds;
    let seconds = seconds / threads.max(1) as f64;
    Some(format!(
        "sweep {}: {} points × {seeds} seeds = {runs} runs, about {} packets: roughly {} on {threads} thread(s)",
        scenario.name(),
        points.len(),
        cost::count(packets),
        duration(seconds)
    ))
}

/// Seconds as "12 s", "35 min" or "4.2 h".
fn duration(seconds: f64) -> String {
    match seconds {
        s if s < 1.0 => "under a second".to_string(),
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}
