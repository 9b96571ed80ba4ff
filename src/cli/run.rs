//! `pekonode run`, `validate` and `schema`: scenario files in, reports out.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pekonode::scenario::Scenario;
use pekonode::sim::{Outcome, Progress};
use pekonode::{experiment, report};

/// Examples shown by `pekonode run --help`.
pub const RUN_EXAMPLES: &str = "Examples:
  pekonode run scenarios/quickstart.json                 # writes reports/quickstart/
  pekonode run scenarios/faithful_16.json --seed 7 --out /tmp/f16
  pekonode run scenarios/lossy_network.json --json | jq .traffic

Same file + same seed => byte-identical summary.json, CSV, SVG and PNG.";

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
}

/// Arguments of `pekonode validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn load(path: &std::path::Path) -> anyhow::Result<Scenario> {
    // The error already names the file, the JSON path and line:column.
    Scenario::from_path(path).map_err(anyhow::Error::new)
}

/// Runs a scenario with a progress bar on stderr (only on a terminal, after a second).
pub fn simulate(scenario: &Scenario) -> anyhow::Result<Outcome> {
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
    let outcome = experiment::run(scenario, |p: Progress| {
        if !shown && terminal && started.elapsed() > Duration::from_secs(1) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        bar.set_position(p.now.as_micros() / 1_000);
        bar.set_message(format!("{} deliveries", p.delivered));
    })
    .with_context(|| format!("cannot simulate {}", scenario.file()))?;
    bar.finish_and_clear();
    Ok(outcome)
}

/// `pekonode run`.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let mut scenario = load(&args.file)?;
    if let Some(seed) = args.seed {
        scenario.set_seed(seed);
    }
    let outcome = simulate(&scenario)?;
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("reports").join(scenario.name()));
    let what = args.file.display().to_string();
    deliver(&outcome, &dir, args.json, &what)
}

/// Writes the report of `outcome` to `dir`, prints the table (or the summary JSON), and fails
/// with the explosion guard's line if it stopped the run. `what` names the run in that line.
pub fn deliver(
    outcome: &Outcome,
    dir: &std::path::Path,
    json: bool,
    what: &str,
) -> anyhow::Result<()> {
    report::write(outcome, dir)?;
    if json {
        println!("{}", report::summary_json(outcome));
    } else {
        print!("{}", report::table(outcome));
        println!("report: {}", dir.display());
    }
    if let Some(stop) = &outcome.stopped {
        bail!(
            "{what}: {} (report of what was measured: {})",
            stop.message,
            dir.display()
        );
    }
    Ok(())
}

/// `pekonode validate`.
pub fn validate(args: ValidateArgs) -> anyhow::Result<()> {
    let mut failed = 0;
    for path in &args.files {
        match load(path) {
            Ok(s) => println!(
                "ok: {} ({}: {} nodes, {} events, {} ms)",
                path.display(),
                s.name(),
                s.node_count(),
                s.events().len(),
                s.duration_ms()
            ),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
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
    print!("{}", pekonode::scenario::json_schema());
    Ok(())
}
