//! `pekonode advise`: fan-out and timeout for a cluster size, cycle, loss and a target rate
//! of false removals, with what they cost.

use std::time::Duration;

use anyhow::bail;
use clap::Args;
use pekonode::advise::{
    advise, check_loss, reaches_floor, shown, Advice, Horizon, Inputs, COVERAGE_FLOOR, MAX_FANOUT,
    MAX_PER_DAY,
};

/// Examples shown by `pekonode advise --help`.
pub const EXAMPLES: &str = "Examples:
  pekonode advise --nodes 1000                         # cycle 6s, no loss, < 1 false removal a day
  pekonode advise --nodes 5000 --cycle 1s --loss 0.01 --per-day 0.1
  pekonode advise --nodes 200 --json | jq .chosen
  pekonode advise --nodes 5000 --cycle 30s --timeout 135s --duration 600s --join-spread 30s

The model: a heartbeat misses a node with probability q (a seeded Monte Carlo of first-copy
push gossip, loss and latency spread included; under loss from 2,000 nodes on, the share of
heartbeats that die out in their first hops is the branching process's, s = (loss + (1-loss)s)^f;
past 50,000 nodes q = s + (1-s)(1-pi), the infinite cluster's limit, an upper bound: 50,000
simulated nodes at 50 % loss stay under it); a peer is removed after T = timeout/cycle misses
in a row, so n(n-1)(1-q)q^T false removals per cycle. A fan-out whose heartbeats reach fewer
than 90 % of the nodes is listed but never advised (near q = 1 that formula falls to 0: a
heartbeat that reaches no one removes no one). Loss: 0 to 0.95, the same rule as \"auto\" in
scenario files. Checked against the simulator: docs/studies.md.";

/// Arguments of `pekonode advise`.
#[derive(Args, Debug)]
pub struct AdviseArgs {
    /// Nodes in the cluster (full views).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
    nodes: u32,
    /// Heartbeat cycle, e.g. 6s or 500ms.
    #[arg(long, default_value = "6s", value_parser = humantime::parse_duration)]
    cycle: Duration,
    /// Probability that the network loses a datagram (0 to 0.95: beyond, no fan-out up to 64
    /// reaches 90 % of the nodes).
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    loss: f64,
    /// Target: at most this many false removals per day, cluster-wide.
    #[arg(long, default_value_t = 1.0, value_name = "R")]
    per_day: f64,
    /// Largest fan-out considered.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=i64::from(MAX_FANOUT)))]
    max_fanout: u32,
    /// Longest timeout considered, in cycles (the slowest crash detection you accept; the
    /// shortest is 2 cycles, so one late heartbeat never removes a node). Among the fan-outs
    /// that meet the target within it, the least traffic is advised.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=100))]
    max_cycles: u32,
    /// Evaluate this timeout (e.g. 20s, Go PekoNode's default) for every fan-out instead of
    /// advising one; the removal takes ⌊timeout / cycle⌋ missed heartbeats in a row.
    #[arg(long, value_parser = humantime::parse_duration)]
    timeout: Option<Duration>,
    /// Also give the false removals expected over a run this long that starts with full,
    /// fresh views (what a scenario with "bootstrap": "all" measures).
    #[arg(long, value_parser = humantime::parse_duration)]
    duration: Option<Duration>,
    /// With --duration: the nodes join evenly spread over this long from the start (a
    /// scenario's join_interval_ms × nodes), not all at once.
    #[arg(long, value_parser = humantime::parse_duration, requires = "duration", default_value = "0s")]
    join_spread: Duration,
    /// Spread of the network's latency: σ of a log-normal (0: every datagram takes the same
    /// time). Its shape, not its scale, matters: it decides which copy of a heartbeat arrives
    /// first, so how large the infected set the forwarder carries is.
    #[arg(long, default_value_t = 0.5, value_name = "SIGMA")]
    latency_sigma: f64,
    /// Print the advice as JSON.
    #[arg(long)]
    json: bool,
}

/// `pekonode advise`.
pub fn run(args: AdviseArgs) -> anyhow::Result<()> {
    // Numbers echo by `shown`: a 300-digit argument prints as 1e300, not whole.
    if let Err(e) = check_loss(args.loss) {
        bail!("--loss {e}");
    }
    if !(args.per_day.is_finite() && args.per_day > 0.0 && args.per_day <= MAX_PER_DAY) {
        bail!(
            "--per-day {} is not a rate above 0 (and at most {MAX_PER_DAY:e})",
            shown(args.per_day)
        );
    }
    if !(args.latency_sigma.is_finite() && (0.0..=3.0).contains(&args.latency_sigma)) {
        bail!(
            "--latency-sigma {} is not a spread from 0 to 3 (0.5: a typical network)",
            shown(args.latency_sigma)
        );
    }
    if args.cycle < Duration::from_millis(1) {
        bail!("--cycle {:?} is shorter than 1 ms", args.cycle);
    }
    let advice = advise(&Inputs {
        nodes: args.nodes,
        cycle: args.cycle,
        loss: args.loss,
        per_day: args.per_day,
        max_fanout: args.max_fanout,
        max_cycles: args.max_cycles,
        timeout: args.timeout,
        latency: pekonode::advise::default_latency(args.latency_sigma),
    });
    if let Some(t) = args.timeout {
        if t < args.cycle {
            bail!("--timeout {t:?} is shorter than the cycle: every node would expire");
        }
    }
    let horizon = args.duration.map(|duration| Horizon {
        duration,
        joins_over: args.join_spread,
    });
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json(&advice, horizon.as_ref()))?
        )?;
    } else {
        out!("{}", table(&advice, horizon.as_ref()))?;
    }
    if advice.chosen.is_none() && advice.options.iter().all(|c| !reaches_floor(c.miss)) {
        bail!(
            "no fan-out up to {} reaches {:.0} % of the nodes at loss {:?}: raise --max-fanout \
             (each node's copies must reach about 3 others: fan-out × (1 − loss) ≳ 3)",
            args.max_fanout,
            100.0 * COVERAGE_FLOOR,
            args.loss
        );
    }
    if advice.chosen.is_none() && args.timeout.is_none() {
        bail!(
            "no fan-out up to {} with a timeout up to {} cycles meets {} false removals a day: \
             raise --max-fanout or --max-cycles",
            args.max_fanout,
            args.max_cycles,
            args.per_day
        );
    }
    Ok(())
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// The advice as a table, the chosen row marked, and the settings to paste.
fn table(a: &Advice, horizon: Option<&Horizon>) -> String {
    let i = &a.inputs;
    let mut out = format!(
        "advice for {} nodes, cycle {} ms, loss {}, target ≤ {} false removals a day\n\n",
        i.nodes,
        ms(i.cycle),
        i.loss,
        i.per_day
    );
    if a.asymptotic {
        out.push_str(&format!(
            "(past {} nodes: miss q is the infinite cluster's limit, early die-out included, an \
             upper bound; costs scaled from a Monte Carlo of {} nodes)\n\n",
            pekonode::advise::MONTE_CARLO_MAX_NODES,
            pekonode::advise::MONTE_CARLO_MAX_NODES
        ));
    }
    out.push_str("  fan-out  timeout    miss q     coverage  packets/node/cycle  bytes/s/node  detection  false removals/day");
    if let Some(h) = horizon {
        out.push_str(&format!("  per run of {} s", h.duration.as_secs_f64()));
        if !h.joins_over.is_zero() {
            out.push_str(&format!(" (joins over {} s)", h.joins_over.as_secs_f64()));
        }
    }
    out.push('\n');
    for (k, c) in a.options.iter().enumerate() {
        let mark = if Some(k) == a.chosen { "→" } else { " " };
        out.push_str(&format!(
            "{mark} {:>7}  {:>7}  {:>9.3e}  {:>8.4}  {:>18.0}  {:>12.0}  {:>8.1} s  {:>17.3e}\n",
            c.fanout,
            format!("{} ms", ms(c.timeout)),
            c.miss,
            c.coverage,
            c.packets_per_node_per_cycle,
            c.bytes_per_node_per_sec,
            c.detection.as_secs_f64(),
            c.false_removals_per_day
        ));
        if let Some(h) = horizon {
            out.pop();
            let run = c.false_removals_in(i.nodes, i.cycle, h);
            out.push_str(&format!("  {run:>10.3}\n"));
        }
        if !reaches_floor(c.miss) {
            out.pop();
            out.push_str(&format!("  (coverage < {COVERAGE_FLOOR}: never advised)\n"));
        }
    }
    if let Some(c) = a.chosen.map(|k| &a.options[k]) {
        out.push_str(&format!(
            "\nadvised: fan-out {}, timeout {} ms ({} missed heartbeats in a row + half a cycle)\n\
             scenario: \"protocol\": {{ \"amount\": {}, \"cycle_ms\": {}, \"timeout_ms\": {}, \"forwarding\": \"first-copy\" }}\n\
             daemon:   pekonode node --amount {} --cycle {}ms --timeout {}ms …\n",
            c.fanout,
            ms(c.timeout),
            c.misses,
            c.fanout,
            ms(i.cycle),
            ms(c.timeout),
            c.fanout,
            ms(i.cycle),
            ms(c.timeout)
        ));
    }
    out
}

fn json(a: &Advice, horizon: Option<&Horizon>) -> serde_json::Value {
    let i = &a.inputs;
    let options: Vec<serde_json::Value> = a
        .options
        .iter()
        .map(|c| {
            serde_json::json!({
                "amount": c.fanout,
                "timeout_ms": ms(c.timeout),
                "misses": c.misses,
                "miss_probability": c.miss,
                "coverage": c.coverage,
                "reaches_floor": reaches_floor(c.miss),
                "packets_per_node_per_cycle": c.packets_per_node_per_cycle,
                "bytes_per_node_per_sec": c.bytes_per_node_per_sec,
                "detection_ms": ms(c.detection),
                "false_removals_per_cycle": c.false_removals_per_cycle,
                "false_removals_per_day": c.false_removals_per_day,
                "false_removals_per_run": horizon.map(|h| c.false_removals_in(i.nodes, i.cycle, h)),
            })
        })
        .collect();
    serde_json::json!({
        "nodes": i.nodes,
        "cycle_ms": ms(i.cycle),
        "loss": i.loss,
        "per_day": i.per_day,
        "asymptotic": a.asymptotic,
        "coverage_floor": COVERAGE_FLOOR,
        "chosen": a.chosen.map(|k| options[k].clone()),
        "options": options,
    })
}
