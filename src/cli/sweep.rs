//! `pekonode sweep`: run a scenario's parameter sweep and write its table and charts.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pekonode::{report, study};

use super::run::{load, threads};

/// Examples shown by `pekonode sweep --help`.
pub const SWEEP_EXAMPLES: &str = "Examples:
  pekonode sweep scenarios/cost_cliff.json            # writes reports/cost_cliff/
  pekonode sweep scenarios/first_copy_scale.json --threads 2 --out /tmp/fcs

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
}

/// `pekonode sweep`.
pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let scenario = load(&args.file)?;
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
    let result = study::sweep::run_sweep(&scenario, threads(args.threads), &|n, total| {
        bar.set_length(total as u64);
        bar.set_position(n as u64);
    })?;
    bar.finish_and_clear();
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("reports").join(scenario.name()));
    report::write_sweep(&result, &dir)?;
    print!("{}", report::sweep_table(&result));
    let stopped: usize = result.points.iter().map(|p| p.guard_stops.len()).sum();
    if stopped > 0 {
        println!("{stopped} run(s) stopped by the explosion guard (recorded in the table)");
    }
    println!("report: {}", dir.display());
    Ok(())
}
