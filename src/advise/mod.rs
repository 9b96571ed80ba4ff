//! Fan-out and timeout for a target: `pekonode advise`.
//!
//! First-copy forwarding is push gossip: a heartbeat misses a given node with a probability
//! `q` (about `e^(−fπ)` with `π = 1 − e^(−fπ)` for fan-out `f`; at a finite size, loss and
//! latency spread included, a seeded Monte Carlo of the protocol's own rule, [`push`], with
//! early die-out under loss from its branching process, [`dieout`]; past
//! [`MONTE_CARLO_MAX_NODES`], the limit, an upper bound). A fan-out whose heartbeats reach
//! fewer than [`COVERAGE_FLOOR`] of the nodes is never advised. A node expires a
//! peer after `T = ⌊timeout / cycle⌋` of its heartbeats in a row missed it, and heartbeats
//! miss independently, so each ordered pair of live nodes starts a false removal with
//! probability `(1 − q)·q^T` per cycle: `n(n − 1)(1 − q)q^T` per cycle in all, plus
//! `n(n − 1)q^T` once at the start, when every entry is fresh. The timeout advised is
//! `(T + ½)·cycle`: half a cycle of margin for latency and jitter.
//!
//! ```
//! use std::time::Duration;
//! use pekonode::advise::{advise, Inputs};
//!
//! let advice = advise(&Inputs {
//!     nodes: 1000,
//!     cycle: Duration::from_secs(6),
//!     loss: 0.0,
//!     per_day: 1.0,
//!     ..Inputs::default()
//! });
//! let best = &advice.options[advice.chosen.unwrap()];
//! assert!(best.false_removals_per_day < 1.0);
//! assert!(best.fanout >= 3);
//! ```

pub mod auto;
pub mod dieout;
mod input;
pub mod push;
mod radix_heap;

pub use input::{
    check_loss, reaches_floor, shown, LossOutOfRange, COVERAGE_FLOOR, MAX_FANOUT, MAX_LOSS,
    MAX_PER_DAY,
};

use std::time::Duration;

use crate::run::Latency;

/// Fewest misses in a row advised: one late or lost heartbeat must never remove a node.
pub const MIN_MISSES: u32 = 2;
/// Heartbeats simulated per fan-out by the Monte Carlo (more for small clusters).
const TRIALS_BUDGET: u64 = 8_000_000;
/// Largest cluster the Monte Carlo simulates. Beyond it the miss probability is the infinite
/// cluster's, early die-out included ([`dieout::limit_miss`], an upper bound, so the advice
/// errs towards safety) and the cost is scaled from a Monte Carlo of this size: a
/// million-node question answers in seconds, not minutes.
pub const MONTE_CARLO_MAX_NODES: u32 = 50_000;
/// From this many nodes on, under loss, the share of heartbeats that die out early is the
/// branching process's ([`dieout::extinction`]) rather than counted: the Monte Carlo follows
/// at most 8,000,000 / (2,000 · f) ≤ 2,000 heartbeats here (20 at 50,000 nodes, fan-out 8),
/// too few to count die-outs of 0.4 % (fan-out 8, 50 % loss) without one of them moving `q`
/// by a third; and a die-out is decided within a few dozen nodes, where collisions among
/// thousands are negligible. Below, the Monte Carlo counts them itself.
pub const DIEOUT_MODEL_FROM_NODES: u32 = 2_000;
/// The Monte Carlo's seed: advice is the same on every machine.
const SEED: u64 = 0x005E_EDAD_715E;
/// Bytes per infected-set entry on the wire (`"10.0.0.123:7946":true,`).
const ENTRY_BYTES: f64 = 23.0;
/// Bytes of a heartbeat datagram without its infected set (Go's JSON: node, lineage, keys).
const BASE_BYTES: f64 = 230.0;

/// What the advice is for.
#[derive(Clone, Debug, PartialEq)]
pub struct Inputs {
    /// Nodes in the cluster (full views).
    pub nodes: u32,
    /// The heartbeat cycle.
    pub cycle: Duration,
    /// Probability that the network loses a datagram.
    pub loss: f64,
    /// The target: at most this many false removals per day, cluster-wide.
    pub per_day: f64,
    /// Fan-outs considered: `2 ..= max_fanout`.
    pub max_fanout: u32,
    /// Timeouts considered: from [`MIN_MISSES`] up to this many cycles (the longest
    /// failure detection accepted).
    pub max_cycles: u32,
    /// Evaluate this timeout instead of searching one (`misses = ⌊timeout / cycle⌋`).
    pub timeout: Option<Duration>,
    /// The network's latency distribution. Its shape matters, not its scale: it decides
    /// which copy of a heartbeat arrives first ([`push`]). Default: [`default_latency`].
    pub latency: Latency,
}

/// The latency `pekonode advise` assumes unless told: log-normal with σ = 0.5 (median 10 ms,
/// floor 1 ms), the long-tailed shape of a real network and of the shipped scenarios.
pub fn default_latency(sigma: f64) -> Latency {
    Latency::LogNormal {
        median: Duration::from_millis(10),
        sigma,
        min: Duration::from_millis(1),
    }
}

impl Default for Inputs {
    fn default() -> Inputs {
        Inputs {
            nodes: 100,
            cycle: Duration::from_secs(6),
            loss: 0.0,
            per_day: 1.0,
            max_fanout: 8,
            max_cycles: 10,
            timeout: None,
            latency: default_latency(0.5),
        }
    }
}

/// One (fan-out, timeout) and what it costs and gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Fan-out (`amount`).
    pub fanout: u32,
    /// Heartbeats missed in a row that remove a peer.
    pub misses: u32,
    /// The timeout to configure: `(misses + ½)·cycle` (or the one evaluated).
    pub timeout: Duration,
    /// Probability that a heartbeat misses a given node.
    pub miss: f64,
    /// Share of nodes a heartbeat reaches (`1 − miss`).
    pub coverage: f64,
    /// Packets each node sends per cycle.
    pub packets_per_node_per_cycle: f64,
    /// Bytes each node sends per second.
    pub bytes_per_node_per_sec: f64,
    /// Time until every node has removed a crashed one: about the timeout.
    pub detection: Duration,
    /// Expected false removals per cycle, cluster-wide, in steady state.
    pub false_removals_per_cycle: f64,
    /// The same per day.
    pub false_removals_per_day: f64,
}

/// A run to count false removals over: how long it lasts and how long its nodes take to
/// join, evenly spread from t = 0 (a scenario's `join_interval_ms` × nodes; zero: all at once),
/// each with a full view of fresh entries (`"bootstrap": "all"`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Horizon {
    /// Length of the run.
    pub duration: Duration,
    /// Joins spread evenly over this long.
    pub joins_over: Duration,
}

/// Grid points per axis when averaging over the join phases of a pair.
const PHASE_GRID: u32 = 128;

impl Choice {
    /// Expected false removals over a run (see [`Horizon`]), cluster-wide.
    ///
    /// Per ordered pair (observer `a`, peer `b`), a false removal starts at `a`'s join, when
    /// its entry for `b` is fresh, if every heartbeat `b` sends before the timeout runs out
    /// misses `a` (`T` or `T + 1` of them, as the two join phases fall); and after every
    /// heartbeat of `b` that reaches `a` while `a` is up, with probability `(1 − q)·q^T`. Only
    /// removals that fall inside the run count. The expectation is averaged over join phases
    /// spread evenly over `joins_over`.
    pub fn false_removals_in(&self, nodes: u32, cycle: Duration, run: &Horizon) -> f64 {
        let pairs = f64::from(nodes) * f64::from(nodes.saturating_sub(1));
        let (c, d) = (cycle.as_secs_f64(), run.duration.as_secs_f64());
        let (timeout, spread) = (self.timeout.as_secs_f64(), run.joins_over.as_secs_f64());
        if c <= 0.0 {
            return 0.0;
        }
        let q = self.miss;
        let grid = if spread > 0.0 { PHASE_GRID } else { 1 };
        let phase = |i: u32| spread * (f64::from(i) + 0.5) / f64::from(grid);
        let mut total = 0.0;
        for i in 0..grid {
            let ja = if spread > 0.0 { phase(i) } else { 0.0 };
            for j in 0..grid {
                let jb = if spread > 0.0 { phase(j) } else { 0.0 };
                // b's heartbeats go out at jb + k·c; the first one a can receive is after ja.
                let first = ((ja - jb) / c).floor().max(-1.0) + 1.0;
                if ja + timeout <= d {
                    // Heartbeats of b strictly between ja and ja + timeout must all miss.
                    let last = ((ja + timeout - jb) / c).ceil() - 1.0;
                    total += q.powf((last - first + 1.0).max(0.0));
                }
                // Received heartbeats at jb + k·c, k ≥ first, whose timeout ends in the run.
                let end = ((d - timeout - jb) / c).floor();
                let later = (end - first + 1.0).max(0.0);
                total += later * (1.0 - q) * q.powi(self.misses as i32);
            }
        }
        pairs * total / f64::from(grid * grid)
    }
}

impl Choice {
    /// Whether it is advisable for `per_day` false removals a day: at most that many, and a
    /// coverage of at least [`COVERAGE_FLOOR`] (a fan-out that reaches almost no one
    /// "removes" almost no one).
    pub fn meets(&self, per_day: f64) -> bool {
        reaches_floor(self.miss) && self.false_removals_per_day <= per_day
    }
}

/// The advice: every fan-out's shortest timeout that meets the target, and the one chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// What it was asked.
    pub inputs: Inputs,
    /// Per fan-out, the shortest timeout meeting the target (or the longest considered).
    pub options: Vec<Choice>,
    /// Index into `options` of the advised one: the least traffic that meets the target with
    /// a timeout of at most `max_cycles` cycles and reaches [`COVERAGE_FLOOR`] of the nodes
    /// ([`Choice::meets`]); `None` if none does.
    pub chosen: Option<usize>,
    /// Whether the cluster is larger than [`MONTE_CARLO_MAX_NODES`], so that the miss
    /// probability is the infinite cluster's limit rather than a Monte Carlo of this size.
    pub asymptotic: bool,
}

/// The choice for `fanout` and `misses` given the Monte Carlo estimate.
fn choice(inputs: &Inputs, fanout: u32, misses: u32, est: &push::PushEstimate) -> Choice {
    let n = f64::from(inputs.nodes);
    let cycle_s = inputs.cycle.as_secs_f64();
    let pairs = n * (n - 1.0).max(0.0);
    let q = est.miss;
    let per_cycle = pairs * (1.0 - q) * q.powi(misses as i32);
    // Every heartbeat costs `copies` deliveries, i.e. copies / (1 − loss) sends; each node
    // emits one heartbeat a cycle, so a node sends that many per cycle on average.
    let sent = est.copies / (1.0 - inputs.loss).max(1e-9);
    let bytes = BASE_BYTES + ENTRY_BYTES * est.carried;
    let timeout = inputs
        .timeout
        .unwrap_or_else(|| inputs.cycle.mul_f64(f64::from(misses) + 0.5));
    Choice {
        fanout,
        misses,
        timeout,
        miss: q,
        coverage: 1.0 - q,
        packets_per_node_per_cycle: sent,
        bytes_per_node_per_sec: sent * bytes / cycle_s,
        detection: timeout,
        false_removals_per_cycle: per_cycle,
        false_removals_per_day: per_cycle * 86_400.0 / cycle_s,
    }
}

/// Fewest heartbeats the Monte Carlo simulates. Past `TRIALS_BUDGET / MIN_TRIALS` sends per
/// heartbeat the budget, not this floor, would be exceeded: the floor is low so that a
/// million-node cluster costs seconds, not minutes (each heartbeat there watches a million
/// receivers, so a few already give millions of observations).
const MIN_TRIALS: u64 = 4;

/// Heartbeats simulated for `nodes` at fan-out `f`: the budget's share, at least
/// [`MIN_TRIALS`], at most 20,000.
fn trials(nodes: u32, f: u32) -> u32 {
    let per_trial = u64::from(nodes) * u64::from(f);
    (TRIALS_BUDGET / per_trial.max(1)).clamp(MIN_TRIALS, 20_000) as u32
}

/// The miss probability and cost of fan-out `f` for these inputs.
///
/// Up to [`MONTE_CARLO_MAX_NODES`], a Monte Carlo of this very cluster; from
/// [`DIEOUT_MODEL_FROM_NODES`] on, under loss, its heartbeats that took off (reached half of
/// `π·n`) give the miss share `m` of those, and the die-out probability `s` is the branching
/// process's: `q = s + (1 − s)·m`. Beyond, the miss probability is the infinite cluster's
/// [`dieout::limit_miss`], `s + (1 − s)(1 − π)` with `π = 1 − e^(−f(1 − loss)π)` (each node
/// reached sends `f` copies, a share `loss` of them lost), which finite clusters stay under
/// (or the Monte Carlo's at its largest size, if higher); copies per heartbeat grow with the
/// cluster, and the infected set a copy carries grows by `f` per extra hop,
/// `log_{f(1 − loss)}` of the size ratio.
pub fn estimate(inputs: &Inputs, f: u32) -> push::PushEstimate {
    let n = inputs.nodes.min(MONTE_CARLO_MAX_NODES);
    let trials = trials(n, f);
    let push = push::Push {
        nodes: n,
        fanout: f,
        loss: inputs.loss,
        latency: &inputs.latency,
    };
    let effective = f64::from(f) * (1.0 - inputs.loss);
    let pi = push::limit_coverage(effective);
    let model_dieout = inputs.loss > 0.0 && n >= DIEOUT_MODEL_FROM_NODES && pi > 0.0;
    // A heartbeat that took off reaches about π·n nodes; one that died, a few dozen.
    let took_off_at = if model_dieout {
        (0.5 * pi * f64::from(n)).ceil() as u32
    } else {
        u32::MAX
    };
    let (mut est, took_off_miss) =
        push::estimate_split(&push, trials, SEED ^ u64::from(f), took_off_at);
    if let Some(m) = took_off_miss.filter(|_| model_dieout) {
        let s = dieout::extinction(f, inputs.loss);
        est.miss = (s + (1.0 - s) * m).min(1.0);
    }
    if n == inputs.nodes {
        return est;
    }
    let ratio = f64::from(inputs.nodes) / f64::from(n);
    let extra_hops = if effective > 1.0 {
        ratio.ln() / effective.ln()
    } else {
        0.0
    };
    push::PushEstimate {
        miss: dieout::limit_miss(f, inputs.loss).max(est.miss),
        copies: est.copies * ratio,
        carried: est.carried + f64::from(f) * extra_hops,
    }
}

/// The choice for fan-out `f`: the shortest timeout that meets the target, from
/// [`MIN_MISSES`] up to `max_cycles` missed heartbeats (the longest when none does), or the
/// timeout `inputs` gives. Whether it meets the target: `false_removals_per_day ≤ per_day`.
pub fn for_fanout(inputs: &Inputs, f: u32) -> Choice {
    let est = estimate(inputs, f);
    if let Some(timeout) = inputs.timeout {
        let misses = (timeout.as_micros() / inputs.cycle.as_micros().max(1)) as u32;
        return choice(inputs, f, misses, &est);
    }
    let longest = inputs.max_cycles.max(MIN_MISSES);
    let mut misses = MIN_MISSES;
    loop {
        let c = choice(inputs, f, misses, &est);
        if misses >= longest || c.false_removals_per_day <= inputs.per_day {
            return c;
        }
        misses += 1;
    }
}

/// Advises a fan-out and a timeout for `inputs`.
pub fn advise(inputs: &Inputs) -> Advice {
    // One Monte Carlo per fan-out, each from its own seed: they run side by side on as many
    // cores as there are, and the advice does not depend on how many.
    let fanouts: Vec<u32> = (2..=inputs.max_fanout.max(2)).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = fanouts.len().div_ceil(threads).max(1);
    let options: Vec<Choice> = std::thread::scope(|scope| {
        let handles: Vec<_> = fanouts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|&f| for_fanout(inputs, f))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(choices) => choices,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let chosen = options
        .iter()
        .enumerate()
        .filter(|(_, c)| c.meets(inputs.per_day))
        .min_by(|(_, a), (_, b)| {
            a.packets_per_node_per_cycle
                .total_cmp(&b.packets_per_node_per_cycle)
        })
        .map(|(i, _)| i);
    Advice {
        inputs: inputs.clone(),
        options,
        chosen,
        asymptotic: inputs.nodes > MONTE_CARLO_MAX_NODES,
    }
}

#[cfg(test)]
mod tests;
