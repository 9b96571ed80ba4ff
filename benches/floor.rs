//! The floor: how fast the bench loads' gossip can go on this machine when nothing but the
//! gossip is done, as a yardstick for the simulator's own numbers (`benches/sim.rs`).
//!
//! A bare event loop of first-copy heartbeats, written for this measurement and for nothing
//! else: every node heartbeats once a cycle to 3 random members of its view, each with the set
//! of nodes already sent the heartbeat; a receiver that has not seen this heartbeat yet learns
//! its origin, picks 3 members outside the set and forwards the enlarged set; a later copy is
//! counted and dropped. It keeps only what a delivery cannot do without: each node's member
//! list, its last-seen heartbeat number per origin (4 bytes per (node, member) pair), its
//! random stream, a calendar of 64 µs buckets, and the infected sets in arenas that are reused
//! once no packet in flight can point into them. The next events' cache lines are prefetched,
//! as the simulator does.
//!
//! Left out, all of which the simulator does per delivery: metrics (coverage, hops,
//! duplicates, per-cycle traffic, the time series), expiry and last-seen times, the network
//! model's loss, partitions and links, encoded packet lengths, faults, traces, and the
//! protocol's boundary (the sans-IO node the UDP runtime drives too). Its random streams are
//! its own, so its counts are close to the simulator's (the same loads) but not equal.
//!
//! ```text
//! cargo bench --bench floor                        # full_view_1000 and scale_1000, 3 runs each
//! cargo bench --bench floor -- spread10k --cycles 10 --runs 1   # 10,000 nodes × 10 cycles
//! ```
//!
//! Each run prints its deliveries, time and deliveries per second; the last line, the median.
//! Measured numbers: docs/performance.md, "The floor".

use std::io::Write;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Microseconds per calendar bucket.
const BUCKET_US: u64 = 64;
/// Buckets in the calendar ring: 262 ms ahead, more than any latency drawn here (capped).
const RING: usize = 4096;
/// The longest latency (µs); log-normal draws above it are capped (a 6.5σ tail).
const MAX_LATENCY_US: u64 = 250_000;
/// Buckets per arena epoch (65 ms); a set lives less than `ARENAS - 1` epochs.
const EPOCH: u64 = 1024;
/// Arenas in rotation: one is cleared as an epoch starts, the others may still be read.
const ARENAS: u64 = 5;
/// Gossip fan-out.
const FANOUT: usize = 3;
/// How far ahead (in events of the bucket) the next deliveries' cache lines are requested.
const AHEAD: usize = 16;

/// One of the loads of `benches/sim.rs` and docs/performance.md.
#[derive(Clone, Copy, Debug)]
struct Load {
    name: &'static str,
    nodes: usize,
    cycles: u64,
    cycle_us: u64,
    join_us: u64,
    /// Full views from the start, or 3 random earlier nodes that views grow from.
    full_view: bool,
    /// Uniform 5–30 ms, or log-normal (median 10 ms, σ 0.5, at least 1 ms).
    uniform: bool,
}

const LOADS: [Load; 3] = [
    Load {
        name: "full_view_1000",
        nodes: 1000,
        cycles: 10,
        cycle_us: 6_000_000,
        join_us: 0,
        full_view: true,
        uniform: true,
    },
    Load {
        name: "scale_1000",
        nodes: 1000,
        cycles: 20,
        cycle_us: 6_000_000,
        join_us: 6_000,
        full_view: false,
        uniform: false,
    },
    Load {
        name: "spread10k",
        nodes: 10_000,
        cycles: 1,
        cycle_us: 10_000_000,
        join_us: 1_000,
        full_view: true,
        uniform: true,
    },
];

/// A heartbeat copy in flight.
#[derive(Clone, Copy)]
struct Copy {
    at: u64,
    to: u32,
    origin: u32,
    emission: u32,
    /// Arena number (low 3 bits) and offset of the infected set.
    set: u32,
    len: u32,
}

/// Every node's state and the calendar.
struct World {
    n: usize,
    uniform: bool,
    full_view: bool,
    views: Vec<Vec<u32>>,
    /// Last heartbeat number seen, per (receiver, origin).
    seen: Vec<u32>,
    rngs: Vec<ChaCha8Rng>,
    links: Vec<ChaCha8Rng>,
    /// Each node's next random draw, taken ahead so the slot it picks can be prefetched.
    next: Vec<u64>,
    ring: Vec<Vec<Copy>>,
    arenas: Vec<Vec<u32>>,
    picks: Vec<u32>,
    merged: Vec<u32>,
}

impl World {
    fn new(load: &Load) -> World {
        let n = load.nodes;
        let mut boot = ChaCha8Rng::seed_from_u64(42);
        let views = (0..n as u32)
            .map(|i| match (load.full_view, i) {
                (true, _) => (0..n as u32).filter(|&j| j != i).collect(),
                (false, 0) => Vec::new(),
                (false, _) => {
                    let mut v: Vec<u32> = (0..3).map(|_| boot.gen_range(0..i)).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                }
            })
            .collect();
        let mut rngs: Vec<ChaCha8Rng> = (0..n as u64).map(ChaCha8Rng::seed_from_u64).collect();
        World {
            n,
            uniform: load.uniform,
            full_view: load.full_view,
            views,
            seen: vec![0; n * n],
            next: rngs.iter_mut().map(|r| r.gen()).collect(),
            rngs,
            links: (0..n as u64)
                .map(|i| ChaCha8Rng::seed_from_u64(1 << 32 | i))
                .collect(),
            ring: (0..RING).map(|_| Vec::new()).collect(),
            arenas: (0..ARENAS).map(|_| Vec::new()).collect(),
            picks: Vec::with_capacity(FANOUT),
            merged: Vec::with_capacity(64),
        }
    }

    /// Runs the load; returns the deliveries.
    fn run(&mut self, load: &Load) -> u64 {
        let end = load.cycles * load.cycle_us;
        let emit_at = |k: u64, o: usize| k * load.cycle_us + o as u64 * load.join_us;
        let (mut cycle, mut origin) = (0u64, 0usize);
        let mut delivered = 0u64;
        let mut bucket = Vec::new();
        let mut b = 0u64;
        while b * BUCKET_US < end {
            if b.is_multiple_of(EPOCH) {
                self.arenas[((b / EPOCH) % ARENAS) as usize].clear();
            }
            let arena = ((b / EPOCH) % ARENAS) as u32;
            while cycle < load.cycles && emit_at(cycle, origin) < (b + 1) * BUCKET_US {
                let at = emit_at(cycle, origin);
                self.merged.clear();
                self.merged.push(origin as u32);
                self.forward(arena, at, origin as u32, origin as u32, cycle as u32 + 1);
                origin += 1;
                if origin == self.n {
                    (origin, cycle) = (0, cycle + 1);
                }
            }
            std::mem::swap(&mut bucket, &mut self.ring[b as usize % RING]);
            bucket.sort_unstable_by_key(|c: &Copy| c.at);
            for k in 0..bucket.len() {
                if let Some(ahead) = bucket.get(k + AHEAD) {
                    self.prefetch(ahead);
                }
                let c = bucket[k];
                if c.at >= end {
                    continue;
                }
                delivered += 1;
                self.deliver(arena, c);
            }
            bucket.clear();
            b += 1;
        }
        delivered
    }

    fn deliver(&mut self, arena: u32, c: Copy) {
        let r = c.to as usize;
        let seen = &mut self.seen[r * self.n + c.origin as usize];
        if *seen >= c.emission {
            return; // a later copy: first-copy forwarding drops it
        }
        if *seen == 0 && !self.full_view {
            self.views[r].push(c.origin);
        }
        *seen = c.emission;
        let set = &self.arenas[(c.set & 7) as usize];
        let off = (c.set >> 3) as usize;
        self.merged.clear();
        self.merged
            .extend_from_slice(&set[off..off + c.len as usize]);
        self.forward(arena, c.at, c.to, c.origin, c.emission);
    }

    /// `from` sends heartbeat (`origin`, `emission`) on to members outside `self.merged`
    /// (the infected set, sorted), with its picks added to the set.
    fn forward(&mut self, arena: u32, now: u64, from: u32, origin: u32, emission: u32) {
        let f = from as usize;
        pick(
            &mut self.rngs[f],
            &mut self.next[f],
            &self.views[f],
            from,
            &self.merged,
            &mut self.picks,
        );
        if self.picks.is_empty() {
            return;
        }
        for &p in &self.picks {
            if let Err(at) = self.merged.binary_search(&p) {
                self.merged.insert(at, p);
            }
        }
        let store = &mut self.arenas[arena as usize];
        let set = (store.len() as u32) << 3 | arena;
        store.extend_from_slice(&self.merged);
        for &to in &self.picks {
            let at = now + latency(&mut self.links[f], self.uniform);
            self.ring[(at / BUCKET_US) as usize % RING].push(Copy {
                at,
                to,
                origin,
                emission,
                set,
                len: self.merged.len() as u32,
            });
        }
    }

    /// Requests the lines a delivery of `c` will read: the receiver's last-seen number, its
    /// random stream and the member it will pick first, and the infected set.
    fn prefetch(&self, c: &Copy) {
        let r = c.to as usize;
        let view = &self.views[r];
        let slot = ((u128::from(self.next[r]) * view.len() as u128) >> 64) as usize;
        let rng: *const u8 = (&self.rngs[r] as *const ChaCha8Rng).cast();
        let set = &self.arenas[(c.set & 7) as usize];
        let lines = [
            self.seen
                .as_ptr()
                .wrapping_add(r * self.n + c.origin as usize)
                .cast(),
            view.as_ptr().wrapping_add(slot).cast(),
            set.as_ptr().wrapping_add((c.set >> 3) as usize).cast(),
            rng,
            rng.wrapping_add(64),
            rng.wrapping_add(256),
        ];
        for p in lines {
            hint(p);
        }
    }
}

/// Up to `FANOUT` members of `view` other than `me` and not in `infected` (sorted).
fn pick(
    rng: &mut ChaCha8Rng,
    next: &mut u64,
    view: &[u32],
    me: u32,
    infected: &[u32],
    out: &mut Vec<u32>,
) {
    out.clear();
    if view.is_empty() {
        return;
    }
    for _ in 0..4 * FANOUT + 4 {
        if out.len() == FANOUT {
            break;
        }
        let id = view[((u128::from(*next) * view.len() as u128) >> 64) as usize];
        *next = rng.gen();
        if id != me && infected.binary_search(&id).is_err() && !out.contains(&id) {
            out.push(id);
        }
    }
}

/// One latency draw in µs, as the simulator's distributions (its Box–Muller for log-normal).
fn latency(rng: &mut ChaCha8Rng, uniform: bool) -> u64 {
    if uniform {
        return rng.gen_range(5_000..30_000);
    }
    let u1: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.gen();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    let secs = (0.010 * (0.5 * z).exp()).max(0.001);
    ((secs * 1e6) as u64).min(MAX_LATENCY_US)
}

/// A hint to bring the cache line at `p` in.
#[inline(always)]
fn hint(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` only hints the cache: it never faults, whatever the address, and
    // reads nothing the program sees. The simulator prefetches too, so the floor must; here
    // it saves about 7 % on the full-view load (5.17 / 5.86 / 5.49 s with it, 5.62 / 6.32 /
    // 5.63 s without, alternating) and nothing measurable on `scale_1000`.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

fn main() {
    if let Err(e) = run(std::env::args().skip(1)) {
        eprintln!("floor: {e}");
        std::process::exit(2);
    }
}

fn run(args: impl Iterator<Item = String>) -> Result<(), String> {
    let mut chosen: Vec<Load> = Vec::new();
    let (mut runs, mut cycles) = (3usize, None);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> Result<u64, String> {
            let value = args.next().ok_or(format!("{flag} needs a number"))?;
            match value.parse::<u64>() {
                Ok(v) if v > 0 && v <= 1000 => Ok(v),
                _ => Err(format!("{flag} {value}: expected a number from 1 to 1000")),
            }
        };
        match arg.as_str() {
            "--bench" => {} // passed by `cargo bench`
            "--runs" => runs = number("--runs")? as usize,
            "--cycles" => cycles = Some(number("--cycles")?),
            name => match LOADS.iter().find(|l| l.name == name) {
                Some(load) => chosen.push(*load),
                None => {
                    let names: Vec<&str> = LOADS.iter().map(|l| l.name).collect();
                    return Err(format!(
                        "unknown load {name:?}: one of {} (options: --runs N, --cycles N)",
                        names.join(", ")
                    ));
                }
            },
        }
    }
    if chosen.is_empty() {
        chosen = LOADS[..2].to_vec();
    }
    for mut load in chosen {
        load.cycles = cycles.unwrap_or(load.cycles);
        let mut rates = Vec::new();
        for i in 1..=runs {
            let mut world = World::new(&load);
            let started = Instant::now();
            let delivered = world.run(&load);
            let secs = started.elapsed().as_secs_f64();
            let rate = delivered as f64 / secs / 1e6;
            say(format_args!(
                "{} ({} cycles) run {i}: {delivered} deliveries in {secs:.2} s: {rate:.2} M/s",
                load.name, load.cycles
            ))?;
            rates.push(rate);
        }
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        say(format_args!("{}: median {median:.2} M/s", load.name))?;
    }
    Ok(())
}

/// One line on standard output (an error if it is closed, as by `| head -1`).
fn say(line: std::fmt::Arguments) -> Result<(), String> {
    writeln!(std::io::stdout(), "{line}").map_err(|e| format!("standard output: {e}"))
}
