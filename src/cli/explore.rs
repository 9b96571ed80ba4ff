//! `pekonode explore`: random scenarios from a seed, checked against properties; the first
//! failure shrunk and written as a scenario file (docs/explore.md).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use clap::Args;
use pekonode::explore::{self, Bounds, Options, Property, Simulated, Step};
use pekonode::scenario::{self, ProtocolName};

/// Examples shown by `pekonode explore --help`.
pub const EXAMPLES: &str = "Examples:
  pekonode explore --seed 1 --budget 60s            # as many scenarios as fit in a minute
  pekonode explore --seed 1 --runs 200              # exactly 200: same seed, same verdicts
  pekonode explore --seed 7 --runs 100 --protocol swim --max-nodes 20
  pekonode explore --replay explore-failures/explore-s1-r17.json   # check a file again

A failure is shrunk and written to --out (explore-failures/) with the command that replays it;
the exit status is then non-zero.";

/// Arguments of `pekonode explore`.
#[derive(Args, Debug)]
pub struct ExploreArgs {
    /// The explorer's seed: scenario i is drawn from its stream i.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this many scenarios (default: 1000, or unlimited with --budget).
    #[arg(long, value_name = "N")]
    runs: Option<u64>,
    /// Start no new scenario after this wall time (e.g. 60s, 10m); cuts the sequence short.
    #[arg(long, value_name = "T", value_parser = humantime::parse_duration)]
    budget: Option<Duration>,
    /// Where a failure's scenario files go.
    #[arg(long, value_name = "DIR", default_value = "explore-failures")]
    out: PathBuf,
    /// Fewest nodes a scenario starts with.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=1000))]
    min_nodes: u32,
    /// Most nodes a scenario ever has.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(2..=1000))]
    max_nodes: u32,
    /// Longest run, in virtual time (e.g. 3m).
    #[arg(long, value_name = "T", default_value = "3m", value_parser = humantime::parse_duration)]
    max_duration: Duration,
    /// Most faults per scenario (a fault is one or two events).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=50))]
    max_faults: u32,
    /// Highest network loss drawn (0 … 1).
    #[arg(long, default_value_t = 0.2)]
    max_loss: f64,
    /// Only this protocol (default: both).
    #[arg(long, value_enum)]
    protocol: Option<ProtocolArg>,
    /// Most candidates run while shrinking a failure.
    #[arg(long, default_value_t = 200)]
    shrink_attempts: u32,
    /// Check one scenario file against the properties instead of exploring (a found file, or
    /// your own).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["runs", "budget"])]
    replay: Option<PathBuf>,
}

/// `--protocol`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolArg {
    /// PekoNode, compat and hardened.
    Pekonode,
    /// SWIM through foca.
    Swim,
}

/// `pekonode explore`.
pub fn run(args: ExploreArgs) -> anyhow::Result<()> {
    if let Some(file) = &args.replay {
        return replay(file);
    }
    let options = options(&args)?;
    let mut step = |s: Step| match s {
        Step::Ran {
            index,
            spec,
            applicable,
            failure,
        } => {
            let names: Vec<String> = applicable.iter().map(Property::to_string).collect();
            let verdict = failure.map_or("ok".to_string(), |f| format!("FAILS {}", f.property));
            errln!(
                "run {index}: {} events, {} ms, checked {}: {verdict}",
                spec.events.len(),
                spec.duration_ms,
                names.join(", ")
            );
        }
        Step::Shrunk { attempts, spec } => errln!(
            "  shrink attempt {attempts}: still fails with {} events, {} ms",
            spec.events.len(),
            spec.duration_ms
        ),
    };
    let report = explore::explore(&options, &mut step)?;
    let checked: Vec<String> = report
        .checked
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    let Some(found) = report.found else {
        outln!(
            "explore --seed {}: {} scenarios, no property broken (runs per property: {})",
            options.seed,
            report.runs,
            checked.join(", ")
        )?;
        return Ok(());
    };
    let path = explore::write_found(&found, &args.out)?;
    outln!(
        "explore --seed {}: run {} breaks {}: {}",
        options.seed,
        found.index,
        found.failure.property,
        found.failure.detail
    )?;
    outln!(
        "shrunk in {} attempts to {} ({} events, {} ms); the drawn file is beside it",
        found.attempts,
        path.display(),
        found.shrunk.events.len(),
        found.shrunk.duration_ms
    )?;
    outln!(
        "reproduce: pekonode run {} --seed {}",
        path.display(),
        found.shrunk.seed
    )?;
    outln!("check:     pekonode explore --replay {}", path.display())?;
    bail!(
        "{} broken after {} scenarios (seed {})",
        found.failure.property,
        report.runs,
        options.seed
    )
}

/// The options the arguments ask for.
fn options(args: &ExploreArgs) -> anyhow::Result<Options> {
    if args.min_nodes > args.max_nodes {
        bail!(
            "--min-nodes {} is above --max-nodes {}",
            args.min_nodes,
            args.max_nodes
        );
    }
    if !(0.0..=1.0).contains(&args.max_loss) {
        bail!(
            "--max-loss {} is not a probability from 0 to 1",
            args.max_loss
        );
    }
    let max_duration_ms = args.max_duration.as_millis() as u64;
    if !(60_000..=scenario::MAX_DURATION_MS).contains(&max_duration_ms) {
        bail!("--max-duration must be from 1m to 7 days (faults need a warm-up and a calm tail)");
    }
    let protocols = match args.protocol {
        Some(ProtocolArg::Pekonode) => vec![ProtocolName::Pekonode],
        Some(ProtocolArg::Swim) => vec![ProtocolName::Swim],
        None => vec![ProtocolName::Pekonode, ProtocolName::Swim],
    };
    Ok(Options {
        seed: args.seed,
        runs: args.runs.or(if args.budget.is_some() {
            None
        } else {
            Some(1000)
        }),
        budget: args.budget,
        bounds: Bounds {
            min_nodes: args.min_nodes,
            max_nodes: args.max_nodes,
            max_duration_ms,
            max_faults: args.max_faults,
            max_loss: args.max_loss,
            protocols,
        },
        shrink_attempts: args.shrink_attempts,
    })
}

/// `--replay FILE`: the file's verdict.
fn replay(file: &std::path::Path) -> anyhow::Result<()> {
    let scenario = super::run::load(file)?;
    let applicable = explore::properties::applicable(&scenario);
    let outcome = explore::Runner::run(&Simulated, &scenario);
    let names: Vec<String> = applicable.iter().map(Property::to_string).collect();
    match explore::properties::verdict(&scenario, &applicable, &outcome) {
        None => {
            outln!("{}: holds {}", file.display(), names.join(", "))?;
            Ok(())
        }
        Some(f) => bail!("{}: breaks {}: {}", file.display(), f.property, f.detail),
    }
}
