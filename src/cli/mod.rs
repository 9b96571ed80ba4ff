//! The `pekonode` command line: a thin clap front end that wires the library's layers together.

#[macro_use]
mod out;

mod ab;
mod ab_build;
mod ab_report;
mod advise;
mod check;
mod cluster;
mod compare;
mod decode;
mod explore;
mod golden;
mod keygen;
mod keyring_watch;
mod log_pipe;
mod merge;
mod node;
mod node_auto;
mod node_swim;
mod provenance;
mod run;
mod shard;
mod signals;
mod sweep;
mod trace;
mod tune;

use clap::{Parser, Subcommand};

/// The error and each cause that adds something, on one line: the CLI's last word, and
/// `check`'s line per file. `{e:#}` would print every cause, and a library error that already
/// names its cause (a file that is not a regular file, say) would say it twice.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

/// PekoNode gossip toolkit: a sans-IO protocol core, Go-compatible wire format, and tools.
#[derive(Parser, Debug)]
#[command(name = "pekonode", version = pekonode::revision::LONG_VERSION, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario file and write its report: summary.json, timeseries.csv,
    /// per_cycle.csv and convergence / infection / traffic charts as SVG and PNG.
    ///
    /// Prints a short table on stdout (or the summary as JSON with --json). Exits non-zero if
    /// the explosion guard stopped the run, after writing what was measured.
    #[command(after_long_help = run::RUN_EXAMPLES)]
    Run(run::RunArgs),
    /// Run scenario files over their seeds and enforce their `expect` blocks and golden files;
    /// exits non-zero with one line per failed expectation (scenario, seed, metric, expected,
    /// measured) and the command that reproduces each failing seed, and one line per metric
    /// that moved past its tolerance from the golden file (--bless rewrites them). On a job
    /// array: --shard, then --from.
    #[command(after_long_help = check::EXAMPLES)]
    Check(check::CheckArgs),
    /// Run a scenario's parameter sweep (its `sweep` block): every point × seeds, in parallel;
    /// writes sweep.csv, sweep.json, sweep.md and a chart per metric (plus heatmaps for two
    /// parameters) to reports/<name>/.
    #[command(after_long_help = sweep::SWEEP_EXAMPLES)]
    Sweep(sweep::SweepArgs),
    /// Merge the unit results of sharded `sweep` or `run --seeds` processes (--shard) from one
    /// or many folders into the report the single process writes, byte for byte.
    ///
    /// Refuses missing units (unless --allow-partial), units of another scenario file or
    /// program version, and one unit with two different results; each error names them.
    #[command(after_long_help = merge::EXAMPLES)]
    Merge(merge::MergeArgs),
    /// Check scenario files without running them; every error names the file, the JSON path
    /// and, for syntax errors, line and column.
    Validate(run::ValidateArgs),
    /// Print the JSON Schema of scenario files (for editors; also in scenarios/schema.json).
    Schema,
    /// Decode captured PekoNode datagrams (one JSON packet per file) and print what they say.
    ///
    /// Useful next to Go PekoNode nodes: capture a datagram (e.g. with tcpdump or a recorder
    /// socket), then check whether a Rust node would accept it and how it reads it.
    ///
    /// Example: pekonode decode --secret-key test_key heartbeat.json
    Decode(decode::DecodeArgs),
    /// Run one PekoNode node on a UDP socket until SIGINT or SIGTERM (SIGHUP reloads its
    /// keyring), logging what happens.
    ///
    /// It speaks Go PekoNode's wire format, so it can share a cluster with Go nodes (same
    /// --secret-key; --forwarding faithful to forward exactly as they do). Hardened by default
    /// (trust rules and rejoin on); --compat is Go PekoNode's exact behaviour.
    #[command(after_long_help = node::EXAMPLES)]
    Node(node::NodeArgs),
    /// Run N real UDP nodes on 127.0.0.1 in this process, measure them like a simulation, and
    /// write the same report as `run` (summary.json, CSV, charts).
    ///
    /// Bootstrap, crashes, restarts, stops, publishes and send-path packet drops are set by
    /// options, or taken from a scenario file played in real time (--scenario). Progress goes
    /// to stderr, the summary table to stdout.
    #[command(after_long_help = cluster::EXAMPLES)]
    Cluster(cluster::ClusterArgs),
    /// Create a key for sealed mode (`node --keyring`): 32 random bytes from the OS, base64.
    #[command(after_long_help = keygen::EXAMPLES)]
    Keygen(keygen::KeygenArgs),
    /// Advise a fan-out (amount) and a timeout for a cluster size, cycle and loss: fewer than a
    /// target number of false removals a day, at the least traffic; prints what each costs.
    #[command(after_long_help = advise::EXAMPLES)]
    Advise(advise::AdviseArgs),
    /// Run scenario files with this build and another one (a git revision, built once into
    /// target/ab/, or a binary) on the same seeds; print the metrics that changed with their
    /// effect sizes and 95 % intervals. Exits non-zero if one regressed.
    #[command(after_long_help = ab::EXAMPLES)]
    Ab(ab::AbArgs),
    /// Draw random scenarios from a seed (nodes, loss, churn, partitions, pauses, forgeries,
    /// PekoNode or SWIM), check each run against properties, and shrink the first failure to
    /// a small scenario file; exits non-zero when a property broke.
    #[command(after_long_help = explore::EXAMPLES)]
    Explore(explore::ExploreArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Validate(args) => run::validate(args),
        Command::Schema => run::schema(),
        Command::Decode(args) => decode::run(args),
        // SWIM's daemon has a module of its own, beside PekoNode's (which knows nothing of it).
        Command::Node(args) if args.protocol == cluster::ProtocolArg::Swim => node_swim::run(&args),
        Command::Node(args) => node::run(args),
        Command::Cluster(args) => cluster::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Advise(args) => advise::run(args),
        Command::Ab(args) => ab::run(args),
        Command::Explore(args) => explore::run(args),
    }
}
