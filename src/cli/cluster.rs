//! `pekonode cluster`: N real UDP nodes on 127.0.0.1 in one process, measured like a
//! simulation, with the same report files as `pekonode run`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use pekonode::cluster::{self, Progress};
use pekonode::experiment;
use pekonode::protocol::{self, Forwarding};
use pekonode::run::{
    bootstrap_joins, seeds, Action, Bootstrap, Latency, Limits, NetworkSpec, Plan, ProtocolKind,
    SwimSettings, Timed,
};
use pekonode::scenario::Scenario;
use pekonode::wire::WireMode;
use rand::seq::index;

/// Examples shown by `pekonode cluster --help`.
pub const EXAMPLES: &str = "\
Examples:
  # 50 real nodes, 1 s cycle, everyone joins through n0; 30 s, report in reports/udp-50/:
  pekonode cluster --nodes 50 --cycle 1s --duration 30s --out reports/udp-50

  # 10% of datagrams dropped at the send path (seeded), n3 crashes at 10 s, back at 20 s:
  pekonode cluster --nodes 20 --cycle 500ms --drop 0.1 --crash n3@10s --restart n3@20s

  # Go PekoNode's forwarding on 16 nodes with full views: datagrams per heartbeat ~ 364
  # (a large receive buffer, so that bursts are not dropped at the socket):
  pekonode cluster --nodes 16 --bootstrap all --forwarding faithful --buffer 4096 --duration 20s

  # A scenario file in real time, 10 x faster (its 6 s cycle becomes 600 ms):
  pekonode cluster --scenario scenarios/crash_detection.json --time-scale 0.1

  # SWIM (foca) instead of PekoNode, its knobs derived from --cycle and --timeout (a probe
  # every half cycle); a SWIM scenario file runs as SWIM by itself:
  pekonode cluster --protocol swim --nodes 10 --cycle 500ms --crash n3@10s --duration 20s
  pekonode cluster --scenario scenarios/swim_quickstart.json --time-scale 0.1

SWIM datagrams are not authenticated (--sealed is refused with --protocol swim).

What is measured: converged fraction every --sample (share of up nodes whose list equals the
up set), convergence time after each event, failure detection and false removals (from expiry
events), metadata spread, and traffic from the sockets' counters. Infection spread by time and
by hop needs the wire instrumented and is left empty (the report says so). Heartbeats emitted
are estimated as one per join/start plus one per further cycle begun while up.

Scenario files: joins, crash, restart, stop, start, set, publish and loss are played; latency
is not (loopback delivers in microseconds); partitions, duplication and per-link rules are
refused. Progress goes to stderr, the summary table to stdout.";

/// Arguments of `pekonode cluster`.
#[derive(Args, Debug)]
pub struct ClusterArgs {
    /// How many nodes (n0, n1, ...), each a real UDP socket on 127.0.0.1 with an OS-chosen port.
    #[arg(long, default_value_t = 10, conflicts_with = "scenario")]
    nodes: usize,
    /// Time between two heartbeats, e.g. 1s or 250ms.
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration, conflicts_with = "scenario")]
    cycle: Duration,
    /// Expiry timeout; if not longer than the cycle (or not given): 3 x cycle + 2 s (Go's rule).
    #[arg(long, value_parser = humantime::parse_duration, conflicts_with = "scenario")]
    timeout: Option<Duration>,
    /// Rejoin period, e.g. 10s: nodes heartbeat the contacts they no longer list again (ours,
    /// not Go's; off by default, as in Go PekoNode).
    #[arg(long, value_parser = humantime::parse_duration, conflicts_with = "scenario")]
    rejoin: Option<Duration>,
    /// Harden every node against a hostile network (rejoin every 10s unless --rejoin says
    /// otherwise, and every trust bound on; see docs/security.md). Off by default, unlike
    /// `pekonode node`: a loopback cluster is measured against the simulator, whose scenario
    /// default is Go PekoNode's behaviour.
    #[arg(long, conflicts_with = "scenario")]
    hardened: bool,
    /// Fan-out: how many nodes each heartbeat is sent to.
    #[arg(long, default_value_t = pekonode::protocol::DEFAULT_AMOUNT, conflicts_with = "scenario")]
    amount: usize,
    /// Receive buffer: the socket's kernel buffer holds at least this many datagrams of
    /// --size bytes, and at least 4 MiB (capped by net.core.rmem_max); datagrams arriving when
    /// it is full are dropped by the kernel and counted (0: 3 x amount, Go's channel length).
    #[arg(long, default_value_t = 0, conflicts_with = "scenario")]
    buffer: usize,
    /// Forwarding rule: first-copy (ours) or faithful (Go PekoNode's).
    #[arg(
        long,
        default_value = "first-copy",
        value_name = "first-copy|faithful",
        conflicts_with = "scenario"
    )]
    forwarding: Forwarding,
    /// Which protocol the nodes run: pekonode, or swim (SWIM through foca, its knobs derived
    /// from --cycle and --timeout; its datagrams are NOT authenticated). A scenario file says
    /// its own.
    #[arg(
        long,
        default_value = "pekonode",
        value_name = "pekonode|swim",
        conflicts_with = "scenario"
    )]
    protocol: ProtocolArg,
    /// Sealed mode: every node authenticates and encrypts its datagrams under one fresh random
    /// key for the run (as `node --keyring`); also with --scenario.
    #[arg(long)]
    sealed: bool,
    /// Whom each node knows at the start: seed (n0), random:K (K random earlier nodes) or all.
    #[arg(long, default_value = "seed", value_parser = parse_bootstrap, value_name = "seed|random:K|all", conflicts_with = "scenario")]
    bootstrap: Bootstrap,
    /// Probability (0 to 1) that each datagram is dropped at its sender's send path, seeded.
    /// With --scenario it replaces the file's network loss.
    #[arg(long, value_name = "P")]
    drop: Option<f64>,
    /// Seed of peer choices, drops and random bootstrap (default 1, or the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// How long the run lasts (real time).
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration, conflicts_with = "scenario")]
    duration: Duration,
    /// Time between two samples of the converged fraction (100 to 500 ms is sensible).
    #[arg(long, default_value = "250ms", value_parser = humantime::parse_duration, conflicts_with = "scenario")]
    sample: Duration,
    /// Crash a node at a time, e.g. n3@10s (repeatable). Its process dies: state lost, port closed.
    #[arg(long, value_name = "NODE@TIME", value_parser = parse_at, conflicts_with = "scenario")]
    crash: Vec<(usize, Duration)>,
    /// Restart a crashed node at a time with fresh state, on its old port, knowing the
    /// bootstrap's contacts (repeatable).
    #[arg(long, value_name = "NODE@TIME", value_parser = parse_at, conflicts_with = "scenario")]
    restart: Vec<(usize, Duration)>,
    /// PekoNode's Stop on a node at a time (repeatable).
    #[arg(long, value_name = "NODE@TIME", value_parser = parse_at, conflicts_with = "scenario")]
    stop: Vec<(usize, Duration)>,
    /// PekoNode's Start on a stopped node at a time (repeatable).
    #[arg(long, value_name = "NODE@TIME", value_parser = parse_at, conflicts_with = "scenario")]
    start: Vec<(usize, Duration)>,
    /// A node publishes metadata at a time (repeatable); the report gives its spread time.
    #[arg(long, value_name = "NODE@TIME", value_parser = parse_at, conflicts_with = "scenario")]
    publish: Vec<(usize, Duration)>,
    /// Play this scenario file's timeline in real time instead (see `pekonode run`).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// With --scenario: multiply every time of the file by this (0.1 = 10 x faster).
    #[arg(
        long,
        default_value_t = 1.0,
        requires = "scenario",
        value_name = "FACTOR"
    )]
    time_scale: f64,
    /// Explosion guard: stop when more datagrams than this are sent within one cycle.
    #[arg(long, default_value_t = 500_000, value_name = "N")]
    max_packets_per_cycle: u64,
    /// Write the report here (default reports/udp-<N> or reports/udp-<scenario>).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the summary as JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
}

fn parse_bootstrap(s: &str) -> Result<Bootstrap, String> {
    match s {
        "seed" => Ok(Bootstrap::Seed),
        "all" => Ok(Bootstrap::All),
        _ => match s.strip_prefix("random:").map(str::parse::<usize>) {
            Some(Ok(k)) if k >= 1 => Ok(Bootstrap::Random { k }),
            _ => Err(format!("{s:?}: expected seed, all or random:K with K >= 1")),
        },
    }
}

/// `n3@10s` or `3@1.5s` → (3, 10 s).
fn parse_at(s: &str) -> Result<(usize, Duration), String> {
    let (node, time) = s
        .split_once('@')
        .ok_or_else(|| format!("{s:?}: expected NODE@TIME, e.g. n3@10s"))?;
    let digits = node.strip_prefix('n').unwrap_or(node);
    let node = digits
        .parse::<usize>()
        .map_err(|_| format!("{s:?}: node {node:?} is not n<index> or <index>"))?;
    let time = humantime::parse_duration(time).map_err(|e| format!("{s:?}: time: {e}"))?;
    Ok((node, time))
}

/// The protocols `--protocol` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProtocolArg {
    /// PekoNode (the default).
    Pekonode,
    /// SWIM through foca.
    Swim,
}

impl ProtocolArg {
    /// The plan's protocol.
    pub fn kind(self) -> ProtocolKind {
        match self {
            ProtocolArg::Pekonode => ProtocolKind::PekoNode,
            ProtocolArg::Swim => ProtocolKind::Swim(SwimSettings::default()),
        }
    }
}

/// The plan of the command-line options.
fn plan(args: &ClusterArgs) -> anyhow::Result<Plan> {
    let n = args.nodes;
    if n == 0 || n > cluster::MAX_LOOPBACK_NODES {
        bail!("--nodes {n}: between 1 and {}", cluster::MAX_LOOPBACK_NODES);
    }
    let base = if args.hardened {
        protocol::Config::hardened()
    } else {
        protocol::Config::default()
    };
    let config = protocol::Config {
        amount: args.amount,
        cycle: args.cycle,
        buffer: args.buffer,
        size: 0,
        timeout: args.timeout.unwrap_or(Duration::ZERO),
        forwarding: args.forwarding,
        rejoin: args.rejoin.unwrap_or(base.rejoin),
        ..base
    }
    .resolve()
    .context("bad protocol settings")?;
    let seed = args.seed.unwrap_or(1);
    let count = n as u32;
    let mut timeline = bootstrap_joins(args.bootstrap, seed, count);
    // Restart contacts are drawn from their own stream, apart from the initial joins'.
    let mut rng = seeds::stream(seed, seeds::Domain::Bootstrap, 1);
    let mut events = Vec::new();
    let check = |what: &str, (node, at): (usize, Duration)| -> anyhow::Result<(u32, Duration)> {
        if node >= n {
            bail!("--{what} n{node}: there are only n0 ... n{}", n - 1);
        }
        if at > args.duration {
            bail!(
                "--{what} n{node}@{at:?}: after the end of the run ({:?})",
                args.duration
            );
        }
        Ok((node as u32, at))
    };
    for &c in &args.crash {
        let (node, at) = check("crash", c)?;
        events.push(Timed {
            at,
            action: Action::Crash { node },
        });
    }
    for &c in &args.restart {
        let (node, at) = check("restart", c)?;
        let others: Vec<u32> = (0..count).filter(|&j| j != node).collect();
        let contacts = match args.bootstrap {
            Bootstrap::All => others,
            Bootstrap::Seed => others.into_iter().take(1).collect(),
            Bootstrap::Random { k } => index::sample(&mut rng, others.len(), k.min(others.len()))
                .into_iter()
                .map(|j| others[j])
                .collect(),
        };
        events.push(Timed {
            at,
            action: Action::Restart { node, contacts },
        });
    }
    for &c in &args.stop {
        let (node, at) = check("stop", c)?;
        events.push(Timed {
            at,
            action: Action::Stop { node },
        });
    }
    for &c in &args.start {
        let (node, at) = check("start", c)?;
        events.push(Timed {
            at,
            action: Action::Start { node },
        });
    }
    for &c in &args.publish {
        let (node, at) = check("publish", c)?;
        let data = format!("n{node}@{}ms", at.as_millis()).into_bytes();
        events.push(Timed {
            at,
            action: Action::Publish { node, data },
        });
    }
    events.sort_by_key(|t| t.at);
    timeline.extend(events);
    Ok(Plan {
        name: format!("udp-{n}"),
        seed,
        duration: args.duration,
        sample_interval: args.sample,
        protocol: args.protocol.kind(),
        config,
        network: NetworkSpec {
            latency: Latency::Constant(Duration::ZERO),
            loss: args.drop.unwrap_or(0.0),
            duplicate: 0.0,
            links: Vec::new(),
            service_time: Duration::ZERO,
        },
        nodes: (0..n).map(|i| format!("n{i}")).collect(),
        timeline,
        limits: Limits {
            max_in_flight: u64::MAX,
            max_packets_per_cycle: args.max_packets_per_cycle,
            ..Limits::default()
        },
        wire: wire(args),
    })
}

/// The plan of a scenario file, scaled in time.
fn scenario_plan(args: &ClusterArgs, file: &std::path::Path) -> anyhow::Result<Plan> {
    let mut scenario = Scenario::from_path(file).map_err(anyhow::Error::new)?;
    if let Some(seed) = args.seed {
        scenario.set_seed(seed);
    }
    let mut plan = experiment::plan(&scenario);
    plan.name = format!("udp-{}", scenario.name());
    if let Some(p) = args.drop {
        plan.network.loss = p;
    }
    plan.limits.max_packets_per_cycle = args.max_packets_per_cycle;
    if args.sealed {
        plan.wire = WireMode::Sealed;
    }
    cluster::scale(&plan, args.time_scale).with_context(|| format!("{}", file.display()))
}

/// The wire mode the options ask for.
fn wire(args: &ClusterArgs) -> WireMode {
    if args.sealed {
        WireMode::Sealed
    } else {
        WireMode::Json
    }
}

/// `pekonode cluster`.
pub fn run(args: ClusterArgs) -> anyhow::Result<()> {
    if let Some(p) = args.drop {
        if !(0.0..=1.0).contains(&p) {
            bail!("--drop {p}: a probability between 0 and 1");
        }
    }
    let plan = match &args.scenario {
        Some(file) => scenario_plan(&args, file)?,
        None => plan(&args)?,
    };
    let notes = cluster::check(&plan)?;
    let settings = match &plan.protocol {
        ProtocolKind::PekoNode => format!(
            "pekonode ({} forwarding), cycle {:?}",
            plan.config.forwarding, plan.config.cycle
        ),
        ProtocolKind::Swim(_) => {
            let p = plan.protocol.summary(&plan.config.resolve()?);
            format!(
                "swim, probe every {} ms, suspicion {} ms",
                p.cycle_ms, p.timeout_ms
            )
        }
    };
    errln!(
        "cluster {}: {} nodes on 127.0.0.1, {settings}, for {:?}",
        plan.name,
        plan.nodes.len(),
        plan.duration
    );
    for note in notes.iter().skip(1) {
        errln!("note: {note}");
    }
    let mut shown = Instant::now();
    let outcome = cluster::run(&plan, |p: &Progress| {
        if shown.elapsed() >= Duration::from_secs(2) {
            shown = Instant::now();
            errln!(
                "  {:>6.1} s / {:.0} s  up {:>4}  converged {:>5.1} %  sent {}",
                p.now.as_secs_f64(),
                p.duration.as_secs_f64(),
                p.up,
                p.converged_fraction * 100.0,
                p.sent
            );
        }
    })?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&plan.name));
    let provenance = pekonode::report::Provenance::new(super::provenance::this_command(), None);
    super::run::deliver(&outcome, &dir, args.json, "cluster", &provenance)
}
