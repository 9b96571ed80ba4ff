//! The loopback cluster: a [`Plan`] (a scenario's, or one built from command-line options)
//! played in real time by real [`NodeList`](crate::udp::NodeList)s on 127.0.0.1, measured with the
//! simulator's metrics (docs/metrics.md) into the same [`Outcome`], so `report::write` gives the
//! same files as `pekonode run`.
//!
//! Each plan node becomes a real node with an OS-chosen port when it joins; a crash drops it
//! (threads stopped, socket closed), a restart binds its old port again (a new one if that was
//! taken meanwhile). Network loss is played as seeded drops at each node's send path
//! ([`Config::drop_probability`](crate::udp::Config)); what loopback cannot model is refused or
//! noted ([`check`]).
//!
//! # What is measured, and how
//!
//! - **Converged fraction**, every `sample_interval`: the share of up nodes whose `get()`
//!   equals the up set; **convergence times** from that series (granularity: one sample).
//! - **Failure detection** and **false removals** from the nodes' `MemberExpired` events, seen
//!   within a 20 ms tick.
//! - **Metadata spread**: polled every tick, until every up node's `version()` is the
//!   published one or newer.
//! - **Traffic** from the sockets' counters ([`Stats`](crate::udp::Stats)). *Heartbeats emitted* are
//!   not observable on the wire without decoding it: they are counted as one per join or start
//!   plus one per further cycle begun while the node was up. *Packets per heartbeat* subtracts one swap
//!   request per heartbeat from the datagrams sent (swap replies and metadata updates stay in).
//! - **Infection spread** (by time, by hop, coverage, duplicates) needs the wire instrumented:
//!   left empty, and said so in the outcome's `notes`.
//!
//! ```no_run
//! # fn demo(plan: &pekonode::run::Plan) -> Result<(), Box<dyn std::error::Error>> {
//! let outcome = pekonode::cluster::run(plan, |p| eprintln!("{:?}", p.now))?;
//! pekonode::report::write(&outcome, std::path::Path::new("reports/udp"))?;
//! # Ok(()) }
//! ```

mod error;
mod members;
mod observer;
mod samples;
mod timeline;

use std::time::{Duration, Instant};

pub use error::ClusterError;
pub use timeline::{check, scale, MAX_NODES};

use crate::run::outcome::{GuardStop, Infection, Mark, ProtocolSummary, Traffic};
use crate::run::{Action, Outcome, Plan};

use members::Members;
use observer::Observer;
use samples::Series;

use crate::udp::Config;

/// How often the run's loop wakes to drain events and play due actions.
const TICK: Duration = Duration::from_millis(20);

/// Where a running cluster is, reported after every sample.
#[derive(Clone, Debug)]
pub struct Progress {
    /// Time since the start.
    pub now: Duration,
    /// The planned length of the run.
    pub duration: Duration,
    /// Nodes up.
    pub up: usize,
    /// Converged fraction at this sample.
    pub converged_fraction: f64,
    /// Datagrams sent so far (fault drops included).
    pub sent: u64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// The node configuration of a plan: its protocol settings on 127.0.0.1, its loss as the
/// send-path drop probability.
fn node_config(plan: &Plan) -> Config {
    let c = &plan.config;
    Config {
        amount: c.amount,
        cycle: c.cycle,
        buffer: c.buffer,
        size: c.size,
        timeout: c.timeout,
        secret_key: String::new(),
        listen_addr: "127.0.0.1".to_string(),
        forwarding: c.forwarding,
        seed: None,
        drop_probability: plan.network.loss,
    }
}

/// Plays `plan` in real time on 127.0.0.1 and returns what it measured. `progress` is called
/// after every sample. Every node is stopped and its port freed before this returns.
pub fn run(plan: &Plan, mut progress: impl FnMut(&Progress)) -> Result<Outcome, ClusterError> {
    let mut notes = check(plan)?;
    let config = node_config(plan);
    let resolved = config
        .protocol()
        .resolve()
        .map_err(|e| ClusterError::Node(e.into()))?;
    let cycle_ms = ms(resolved.cycle);
    let mut members = Members::new(plan.nodes.clone(), config, plan.seed);
    let mut observer = Observer::new(plan.nodes.len(), cycle_ms);
    let mut series = Series::new(cycle_ms);
    let mut marks: Vec<Mark> = Vec::new();
    let mut stopped = None;
    let limit = plan.limits.max_packets_per_cycle;

    let start = Instant::now();
    let (mut next_action, mut next_sample) = (0usize, Duration::ZERO);
    // Bounded: one pass per tick at least, plus one per action and per sample.
    let samples_planned = plan.duration.as_millis() / plan.sample_interval.as_millis().max(1);
    let max_passes = plan.duration.as_millis() / TICK.as_millis()
        + samples_planned
        + plan.timeline.len() as u128
        + 1_000;
    for _ in 0..max_passes {
        let now = start.elapsed();
        let t = ms(now);
        for (i, e) in members.drain_events() {
            observer.event(&members, i, &e, t);
        }
        // Bind the not yet running contacts of nodes joining now before any joins, so that
        // those joins know their ports (bootstrap `all`). Other nodes bind at their join.
        let due = plan.timeline[next_action..]
            .iter()
            .take_while(|a| a.at <= now);
        for timed in due {
            if let Action::Join { contacts, .. } = &timed.action {
                for &c in contacts {
                    members.reserve(c as usize)?;
                }
            }
        }
        while let Some(timed) = plan.timeline.get(next_action).filter(|a| a.at <= now) {
            next_action += 1;
            let at_start = timed.at.is_zero();
            let label = timeline::label(&plan.nodes, &timed.action, at_start);
            if !(at_start && marks.iter().any(|m| m.label == "start")) {
                marks.push(Mark { at_ms: t, label });
            }
            if let Some(note) = apply(&mut members, &mut observer, &timed.action, t)? {
                notes.push(note);
            }
        }
        observer.poll(&members, t);
        if now >= next_sample {
            let in_cycle = series.sample(&members, t);
            while next_sample <= now {
                next_sample += plan.sample_interval;
            }
            let last = series.samples.last();
            progress(&Progress {
                now,
                duration: plan.duration,
                up: last.map_or(0, |s| s.up),
                converged_fraction: last.map_or(1.0, |s| s.converged_fraction),
                sent: last.map_or(0, |s| s.sent),
            });
            if in_cycle > limit {
                stopped = Some(GuardStop {
                    at_ms: t,
                    limit: "max_packets_per_cycle".into(),
                    limit_value: limit,
                    value: in_cycle,
                    message: format!(
                        "{in_cycle} datagrams sent within one cycle (limit {limit}) at {:.1} s; \
                         use first-copy forwarding, fewer nodes, or raise the limit",
                        t / 1_000.0
                    ),
                });
                break;
            }
        }
        if now >= plan.duration {
            break;
        }
        let mut wake = (now + TICK).min(next_sample).min(plan.duration);
        if let Some(a) = plan.timeline.get(next_action) {
            wake = wake.min(a.at);
        }
        std::thread::sleep(
            wake.saturating_sub(start.elapsed())
                .max(Duration::from_millis(1)),
        );
    }
    let end = ms(start.elapsed());
    for (i, e) in members.drain_events() {
        observer.event(&members, i, &e, end);
    }
    observer.poll(&members, end);
    if series.samples.last().is_some_and(|s| end - s.t_ms > 1.0) && stopped.is_none() {
        series.sample(&members, end);
    }
    let totals = members.totals();
    // Heartbeats are due at join + k × cycle; one due at the very end has not gone out.
    let heartbeats = observer.heartbeats(end.min(ms(plan.duration)));
    let (failure_detection, false_removals, metadata) = observer.finish(&members);
    members.shutdown();

    let sent = samples::sent(&totals);
    let up_mean = mean_up(&series);
    let mut traffic = Traffic {
        sent,
        delivered: samples::delivered(&totals),
        lost: totals.dropped_fault,
        dropped_queue: totals.queue_full,
        bytes_sent: totals.bytes_sent,
        heartbeats,
        heartbeat_packets: sent.saturating_sub(heartbeats),
        ..Traffic::default()
    };
    if heartbeats > 0 {
        traffic.packets_per_heartbeat = traffic.heartbeat_packets as f64 / heartbeats as f64;
        traffic.datagrams_per_heartbeat = sent as f64 / heartbeats as f64;
    }
    if end > 0.0 && up_mean > 0.0 {
        traffic.per_node_per_cycle = sent as f64 / (end / cycle_ms) / up_mean;
    }
    let kernel = totals
        .sent
        .saturating_sub(totals.received)
        .saturating_add(totals.send_errors);
    notes.push(format!(
        "heartbeats emitted are estimated as one per join or start plus one per cycle begun while up; \
         packets per heartbeat = (datagrams sent - heartbeats) / heartbeats, i.e. minus one swap \
         request each; {kernel} datagrams were sent but never read (to crashed nodes, lost by \
         the kernel or still queued at the end) or failed to send"
    ));
    let convergence = series.convergence(&marks, end);
    Ok(Outcome {
        scenario: plan.name.clone(),
        seed: plan.seed,
        protocol: ProtocolSummary {
            forwarding: resolved.forwarding.to_string(),
            amount: resolved.amount,
            cycle_ms,
            timeout_ms: ms(resolved.timeout),
            size: resolved.size,
            buffer: resolved.buffer,
        },
        nodes: plan.nodes.len(),
        duration_ms: ms(plan.duration),
        ended_at_ms: end,
        stopped,
        samples: series.samples,
        marks,
        convergence,
        infection: Infection {
            heartbeats,
            sampled: 0,
            by_time: Vec::new(),
            by_hop: Vec::new(),
            coverage: Default::default(),
            spread_ms: Default::default(),
        },
        traffic,
        per_cycle: series.per_cycle,
        failure_detection,
        false_removals,
        metadata,
        notes,
    })
}

/// Mean number of up nodes over the samples.
fn mean_up(series: &Series) -> f64 {
    let n = series.samples.len();
    if n == 0 {
        return 0.0;
    }
    series.samples.iter().map(|s| s.up as f64).sum::<f64>() / n as f64
}

/// Plays one timeline action at `t`; returns a note when it was played differently.
fn apply(
    members: &mut Members,
    observer: &mut Observer,
    action: &Action,
    t: f64,
) -> Result<Option<String>, ClusterError> {
    let index = |n: &u32| *n as usize;
    match action {
        Action::Join { node, contacts } | Action::Restart { node, contacts } => {
            let i = index(node);
            if members.is_up(i) {
                observer.went_down(members, i, "crash", t);
            }
            let note = members.start_fresh(i, contacts)?;
            observer.went_up(i, t);
            return Ok(note);
        }
        Action::Crash { node } => {
            let i = index(node);
            if members.is_up(i) {
                observer.went_down(members, i, "crash", t);
            }
            members.crash(i);
        }
        Action::Stop { node } => {
            let i = index(node);
            if members.is_up(i) {
                observer.went_down(members, i, "stop", t);
                members.stop(i);
            }
        }
        Action::Start { node } => {
            let i = index(node);
            if members.start(i) {
                observer.went_up(i, t);
            }
        }
        Action::Set { node, contact } => members.set(index(node), index(contact)),
        Action::Publish { node, data } => {
            let i = index(node);
            if let Some(list) = members.list(i) {
                list.publish(data);
                observer.published(i, list.version(), t);
            }
        }
        Action::Loss { value } => members.set_drop_probability(*value)?,
        // Refused by `check` before the run.
        Action::Partition { .. } | Action::Heal => {}
    }
    Ok(None)
}
