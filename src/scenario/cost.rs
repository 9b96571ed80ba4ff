//! What a run will cost, estimated from the file before it runs, and the refusal of files
//! whose estimate would exhaust the machine.
//!
//! The estimate is an upper bound of the order of magnitude, from the resolved parameters:
//!
//! - **packets**: every node emits one heartbeat per cycle; one heartbeat costs about
//!   `amount × n` packets under first-copy forwarding (measured: 2.9 n at n = 50, 2.7 n at
//!   n = 1,000, fan-out 3) and `P(n − 1)` under faithful (Go's) forwarding, exponential in
//!   the cluster size ([protocol.md](../../docs/protocol.md)). A cycle above
//!   `limits.max_packets_per_cycle` is stopped by the explosion guard in the first cycle, so
//!   it costs at most that many packets.
//! - **memory**: the views once every node knows every other (n² entries, whatever the
//!   bootstrap: the protocol converges to complete views), the bootstrap contacts of `"all"`
//!   (n² more), the packets in flight (bounded by `limits.max_in_flight`), one traffic row
//!   per cycle, two numbers per heartbeat (its coverage and spread) and the samples.
//!
//! A file whose memory estimate passes `limits.max_memory_mb` ([`MAX_MEMORY_BYTES`] unless
//! raised) or whose packet estimate passes
//! [`MAX_PACKETS`] is refused by validation, at the field that drives the estimate, with the
//! estimate and the value that would fit.

use std::fmt;

use crate::protocol::{Config, Forwarding};
use crate::run::{Bootstrap, Limits};

use super::checker::Checker;

/// Largest memory estimate a run may have unless its file raises `limits.max_memory_mb`:
/// 4 GiB.
pub const MAX_MEMORY_BYTES: u64 = 4 << 30;
/// Largest packet estimate a run may have: 10^11 (about 15 hours at the simulator's ~2
/// million packets per second).
pub const MAX_PACKETS: f64 = 1e11;
/// Packets the simulator plays per second of wall time on one core while its views fit in
/// the cache (scale_1000: 5.5 × 10^7 datagrams in about 30 s); only for the rough time of
/// [`CostEstimate::seconds`].
pub const PACKETS_PER_SECOND: f64 = 2e6;
/// Views up to this size play at [`PACKETS_PER_SECOND`]; larger ones slower, as each delivery
/// misses the cache on its receiver's view.
const CACHED_VIEW_BYTES: f64 = 32e6;
/// How fast the rate falls with the views' size past [`CACHED_VIEW_BYTES`]: as
/// `(bytes / CACHED_VIEW_BYTES)^-0.37`. Fitted to full-view runs on the 2-core VM: 5,000 nodes
/// (425 MB of views) at 0.76 M packets/s, 10,000 (1.7 GB) at 0.48 M/s.
const VIEW_SLOWDOWN_EXPONENT: f64 = 0.37;

/// Bytes per view entry: the 16-byte entry and the table's growth slack (an eighth at
/// most; a complete view stores no member list). Measured: 1.97 GB peak in all for 10,000
/// nodes with full views (docs/performance.md).
const VIEW_ENTRY_BYTES: u64 = 17;
/// Bytes per bootstrap contact of `"all"` (a node index). Contacts are freed as their node
/// joins, while its view fills: they never add to the views' peak.
const CONTACT_BYTES: u64 = 4;
/// Bytes per packet in flight (measured: about 350 at 3,000 nodes).
const IN_FLIGHT_BYTES: u64 = 384;
/// Bytes per cycle of virtual time, whatever the node count (measured: a 1 ms cycle peaks at
/// 75 MB per virtual minute with 2 or 8 nodes, 4.2 GB per virtual hour): the per-cycle
/// traffic table and what the report builds from it.
const CYCLE_ROW_BYTES: u64 = 1_200;
/// Bytes per closed heartbeat: its coverage and its spread time.
const HEARTBEAT_BYTES: u64 = 16;
/// Bytes per sample of the time series.
const SAMPLE_BYTES: u64 = 96;

/// The estimated cost of one run of a scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostEstimate {
    /// Nodes, joins included.
    pub nodes: u64,
    /// Virtual time of the run, in ms.
    pub duration_ms: u64,
    /// Heartbeat cycles of virtual time (`duration_ms / cycle_ms`, rounded up).
    pub cycles: u64,
    /// Packets sent in the whole run (an upper bound of the order of magnitude).
    pub packets: f64,
    /// Packets one heartbeat costs under the file's forwarding rule.
    pub per_heartbeat: f64,
    /// Whether the explosion guard will stop the run in its first cycle
    /// (`limits.max_packets_per_cycle` is below one cycle's packets).
    pub guard_stops: bool,
    /// Bytes of the views and bootstrap contacts (n² each).
    pub views_bytes: u64,
    /// Bytes of the per-cycle table and per-heartbeat numbers (grow with `duration / cycle`).
    pub series_bytes: u64,
    /// Bytes of the packets in flight and the samples.
    pub other_bytes: u64,
}

impl CostEstimate {
    /// Estimates one run of `nodes` nodes under `config` for `duration_ms`.
    pub fn new(
        nodes: u64,
        config: &Config,
        duration_ms: u64,
        sample_interval_ms: u64,
        limits: &Limits,
        bootstrap: Option<Bootstrap>,
    ) -> CostEstimate {
        let cycle_ms = (config.cycle.as_millis() as u64).max(1);
        let cycles = duration_ms.div_ceil(cycle_ms).max(1);
        let per_heartbeat = per_heartbeat(nodes, config.amount as u64, config.forwarding);
        let per_cycle = nodes as f64 * per_heartbeat;
        let guard_stops = per_cycle > limits.max_packets_per_cycle as f64;
        let packets = if guard_stops {
            limits.max_packets_per_cycle as f64
        } else {
            per_cycle * cycles as f64
        };
        let squared = nodes.saturating_mul(nodes);
        let contacts = match bootstrap {
            Some(Bootstrap::All) => squared.saturating_mul(CONTACT_BYTES),
            _ => 0,
        };
        let in_flight = (per_cycle.min(limits.max_in_flight as f64)) as u64;
        let heartbeats = if guard_stops {
            nodes
        } else {
            nodes.saturating_mul(cycles)
        };
        let series_cycles = if guard_stops { 1 } else { cycles };
        CostEstimate {
            nodes,
            duration_ms,
            cycles,
            packets,
            per_heartbeat,
            guard_stops,
            views_bytes: squared.saturating_mul(VIEW_ENTRY_BYTES).max(contacts),
            series_bytes: series_cycles
                .saturating_mul(CYCLE_ROW_BYTES)
                .saturating_add(heartbeats.saturating_mul(HEARTBEAT_BYTES)),
            other_bytes: in_flight.saturating_mul(IN_FLIGHT_BYTES).saturating_add(
                (duration_ms / sample_interval_ms.max(1)).saturating_mul(SAMPLE_BYTES),
            ),
        }
    }

    /// Estimated peak memory, in bytes.
    pub fn memory_bytes(&self) -> u64 {
        self.views_bytes
            .saturating_add(self.series_bytes)
            .saturating_add(self.other_bytes)
    }

    /// Rough wall time on one core, in seconds: [`PACKETS_PER_SECOND`], slower when the views
    /// outgrow the cache (each delivery then waits on memory).
    pub fn seconds(&self) -> f64 {
        let views = self.views_bytes as f64;
        let slowdown = if views > CACHED_VIEW_BYTES {
            (views / CACHED_VIEW_BYTES).powf(VIEW_SLOWDOWN_EXPONENT)
        } else {
            1.0
        };
        self.packets / PACKETS_PER_SECOND * slowdown
    }
}

impl fmt::Display for CostEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "about {} packets and {} of memory",
            count(self.packets),
            bytes(self.memory_bytes())
        )
    }
}

/// Packets one heartbeat costs with complete views: `amount × n` under first-copy (an upper
/// bound), `P(n − 1)` under faithful, where `P(m) = k + k·P(m − k)`, `k = min(amount, m)`.
pub fn per_heartbeat(nodes: u64, amount: u64, forwarding: Forwarding) -> f64 {
    let amount = amount.max(1);
    match forwarding {
        Forwarding::FirstCopy => (amount * nodes) as f64,
        Forwarding::Faithful => {
            // Unrolled from the inside out: P = k_1 + k_1 (k_2 + k_2 (…)).
            let mut ks = Vec::new();
            let mut m = nodes.saturating_sub(1);
            while m > 0 && ks.len() < 100_000 {
                let k = amount.min(m);
                ks.push(k as f64);
                m -= k;
            }
            ks.iter()
                .rev()
                .fold(0.0, |p: f64, &k| (k + k * p).min(f64::MAX))
        }
    }
}

/// Memory assumed when `/proc/meminfo` cannot be read (not Linux): 64 GiB.
pub const FALLBACK_MACHINE_BYTES: u64 = 64 << 30;

/// This machine's memory: `MemTotal` of `/proc/meminfo`, or [`FALLBACK_MACHINE_BYTES`].
pub fn machine_memory_bytes() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| mem_total(&text))
        .unwrap_or(FALLBACK_MACHINE_BYTES)
}

/// `MemTotal: 24683772 kB` in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// Refuses a run whose estimate passes the limits, at the field that drives it.
pub(super) fn check(ck: &mut Checker, e: &CostEstimate, forwarding: Forwarding, limits: &Limits) {
    check_on(ck, e, forwarding, limits, machine_memory_bytes());
}

/// [`check`] on a machine with `machine` bytes of memory: a limit above it counts as the
/// machine's (a run past it would abort on a failed allocation, not stop cleanly).
fn check_on(
    ck: &mut Checker,
    e: &CostEstimate,
    forwarding: Forwarding,
    limits: &Limits,
    machine: u64,
) {
    let memory = e.memory_bytes();
    let given = limits.max_memory_mb.saturating_mul(1 << 20);
    let max_memory = given.min(machine);
    if memory > max_memory {
        let (limit, raise) = if given > machine {
            let limit = format!(
                "this machine's {} (MemTotal; limits.max_memory_mb {} is more than it has)",
                bytes(machine),
                limits.max_memory_mb
            );
            (limit, "run it on a larger machine")
        } else {
            let limit = format!(
                "{} (limits.max_memory_mb {})",
                bytes(max_memory),
                limits.max_memory_mb
            );
            (limit, "raise the limit")
        };
        if e.views_bytes >= e.series_bytes {
            // Views grow as n²: the largest count that fits the rest of the budget.
            let room = max_memory.saturating_sub(e.series_bytes + e.other_bytes);
            let fits = ((room / VIEW_ENTRY_BYTES) as f64).sqrt() as u64;
            let guard = match (e.guard_stops, forwarding) {
                (true, Forwarding::Faithful) => {
                    "; faithful forwarding, exponential in the cluster size, would also have the \
                     explosion guard stop it in its first cycle (first-copy avoids that)"
                }
                (true, Forwarding::FirstCopy) => {
                    "; one cycle's packets would also pass limits.max_packets_per_cycle"
                }
                (false, _) => "",
            };
            // Fewer than 2 nodes gossip with no one: never suggest that; say what takes the
            // room instead.
            let fix = if fits >= 2 {
                format!("use at most about {fits} nodes or {raise}")
            } else {
                format!(
                    "the rest of the run alone (packets in flight, per-cycle table, samples) \
                     takes {}: lower limits.max_in_flight, shorten duration_ms or {raise}",
                    bytes(e.series_bytes.saturating_add(e.other_bytes))
                )
            };
            ck.err(
                "nodes.count",
                format!(
                    "{} nodes would need {e} ({} for views of n² entries: every node comes to \
                     know every other, whatever the bootstrap); the limit is {limit}: \
                     {fix}{guard}",
                    e.nodes,
                    bytes(e.views_bytes)
                ),
            );
        } else {
            // The series grow by one row and n heartbeats per cycle.
            let room = max_memory.saturating_sub(e.views_bytes + e.other_bytes);
            let per_cycle = CYCLE_ROW_BYTES + e.nodes.saturating_mul(HEARTBEAT_BYTES);
            let max_cycles = (room / per_cycle.max(1)).max(1);
            let min_cycle_ms = e.duration_ms.div_ceil(max_cycles);
            ck.err(
                "protocol.cycle_ms",
                format!(
                    "{} cycles of {} nodes would need {e} ({} for the per-cycle table and \
                     per-heartbeat numbers, which grow with duration_ms / cycle_ms); the limit \
                     is {limit}: use protocol.cycle_ms of at least {min_cycle_ms} ms, a \
                     shorter duration_ms or {raise}",
                    count(e.cycles as f64),
                    e.nodes,
                    bytes(e.series_bytes)
                ),
            );
        }
    } else if e.packets > MAX_PACKETS {
        let why = match forwarding {
            Forwarding::Faithful => {
                "faithful forwarding is exponential in the cluster size; \
                                     first-copy avoids it"
            }
            Forwarding::FirstCopy => "first-copy forwarding costs about amount × n per heartbeat",
        };
        ck.err(
            "duration_ms",
            format!(
                "{} nodes for {} cycles would need {e} (at {} packets per heartbeat: {why}); at \
                 most {} packets are simulated: use a shorter duration_ms, a longer \
                 protocol.cycle_ms or fewer nodes",
                e.nodes,
                count(e.cycles as f64),
                count(e.per_heartbeat),
                count(MAX_PACKETS)
            ),
        );
    }
}

/// A count in plain words: `12,345` below a million, `3.4e9` above.
pub fn count(x: f64) -> String {
    if x < 1e6 {
        let n = x.round() as u64;
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        format!("{x:.1e}")
    }
}

/// Bytes as MB, GB or TB (powers of 1,000), one decimal.
fn bytes(b: u64) -> String {
    let b = b as f64;
    match b {
        _ if b >= 1e12 => format!("{:.1} TB", b / 1e12),
        _ if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        _ => format!("{:.1} MB", b / 1e6),
    }
}

#[cfg(test)]
#[path = "tests_cost.rs"]
mod tests;
