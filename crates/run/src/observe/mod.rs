//! The observers: every metric of a run, computed once, from the [`Record`] stream both
//! drivers emit.
//!
//! - membership: converged fraction and convergence times, failure detection, false
//!   removals, metadata spread (views followed from `ViewAdded`/`ViewRemoved`);
//! - infection: how each heartbeat spreads (by time, by hop), coverage, duplicates;
//! - traffic: packets and bytes, in total and per cycle;
//! - the time series and the chart marks.
//!
//! What a driver cannot observe is said up front ([`Measured`]) and reported as not measured,
//! never as zero-by-accident.

mod attacks;
mod infection;
mod marks;
mod membership;
mod playback;
#[cfg(test)]
mod tests;
mod traffic;
mod views;

use std::time::Duration;

use pekonode_proto::{Config, PacketKind, Slot, Time};

use crate::node_index::NodeIndex;
use crate::outcome::{
    GuardStop, Infection, LatencyQuantiles, MetadataSpread, OpStats, Outcome, PerOp, Sample,
    Traffic,
};
use crate::plan::{Action, Plan};
use crate::record::Record;
use crate::stats::{latency, ms};

use attacks::AttackCounter;
use infection::InfectionTracker;
use marks::Marks;
use membership::Membership;
use playback::PlaybackRecorder;
use traffic::TrafficCounter;

/// What a driver can observe beyond membership and traffic counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Measured {
    /// Each heartbeat copy's delivery, with its lineage: infection spread, coverage,
    /// duplicates. The simulator sees it; real sockets do not (the lineage is not on the wire),
    /// nor does a protocol without heartbeats (SWIM).
    pub infection: bool,
    /// Whether the run played on real sockets in real time (`Outcome::real_sockets`).
    pub sockets: bool,
}

impl Measured {
    /// Everything: the simulator running PekoNode.
    pub const ALL: Measured = Measured {
        infection: true,
        sockets: false,
    };
    /// Membership, metadata and traffic counters: real sockets.
    pub const SOCKETS: Measured = Measured {
        infection: false,
        sockets: true,
    };
    /// Membership, metadata and every packet, but no heartbeat lineage: the simulator running
    /// a protocol without heartbeats (SWIM), whose infection metrics do not apply.
    pub const NO_LINEAGE: Measured = Measured {
        infection: false,
        sockets: false,
    };
}

/// Every observer of one run, fed by [`record`](Observers::record) and closed by
/// [`finish`](Observers::finish) into the run's [`Outcome`].
pub struct Observers {
    names: Vec<String>,
    config: Config,
    membership: Membership,
    /// `None` when infection is not measured: heartbeats are only counted.
    infection: Option<InfectionTracker>,
    /// One heartbeat and the first publish node by node, for small simulated runs.
    playback: Option<PlaybackRecorder>,
    heartbeats: u64,
    traffic: TrafficCounter,
    samples: Vec<Sample>,
    marks: Marks,
    /// The integral of the up count over time (node × µs) up to `up_since`.
    up_time: u128,
    up_since: Time,
    attacks: AttackCounter,
    /// What the driver can observe.
    measured: Measured,
    /// Per node, how many made-up identities its view holds (they are not in `membership`).
    fakes: Vec<u32>,
}

impl Observers {
    /// Observers for `plan`'s nodes under the resolved protocol settings `config` (the cycle
    /// buckets traffic and closes heartbeats; the summary names the settings).
    pub fn new(plan: &Plan, config: &Config, measured: Measured) -> Observers {
        let n = plan.nodes.len();
        let cycle = config.cycle;
        let warmup = warmup_end(plan, cycle);
        let expected = (n as u64)
            .saturating_mul(plan.duration.as_micros() as u64 / cycle.as_micros().max(1) as u64 + 1);
        Observers {
            names: plan.nodes.clone(),
            config: config.clone(),
            membership: Membership::new(n, cycle),
            infection: measured
                .infection
                .then(|| InfectionTracker::new(n, cycle, expected, warmup)),
            playback: if measured.infection {
                PlaybackRecorder::new(&plan.nodes, warmup)
            } else {
                None
            },
            heartbeats: 0,
            traffic: TrafficCounter::new(cycle),
            samples: Vec::new(),
            marks: Marks::new(cycle),
            up_time: 0,
            up_since: Time::ZERO,
            attacks: AttackCounter::default(),
            measured,
            fakes: vec![0; n],
        }
    }

    /// Observes one record at `now` (records come in time order).
    #[inline]
    pub fn record(&mut self, now: Time, record: Record<'_>) {
        match record {
            Record::Sent { kind, bytes } => {
                self.traffic.sent(now, bytes, kind == PacketKind::Heartbeat);
            }
            Record::Delivered {
                to,
                bytes,
                heartbeat,
            } => {
                self.traffic.delivered(now, bytes);
                if let (Some((id, hops)), Some(infection)) = (heartbeat, &mut self.infection) {
                    let up_since = self.membership.up_since(to);
                    if infection.deliver(now, id, hops, to, up_since) {
                        self.traffic.duplicate(now);
                    }
                }
                if let (Some((id, _)), Some(playback)) = (heartbeat, &mut self.playback) {
                    playback.delivered(now, id, to);
                }
            }
            Record::Dropped { reason } => self.traffic.dropped(now, reason),
            Record::Duplicated => self.traffic.duplicated(),
            Record::Emitted { node } => {
                let up = self.membership.up_count();
                if let Some(infection) = &mut self.infection {
                    infection.emit(now, node, up);
                }
                if let Some(playback) = &mut self.playback {
                    let m = &self.membership;
                    playback.emitted(now, node, self.heartbeats, &|i| m.is_up(i));
                }
                self.heartbeats += 1;
            }
            Record::Counted(counts) => {
                self.heartbeats += counts.heartbeats;
                self.traffic.counted(now, counts);
            }
            Record::ViewAdded { node, member } if self.is_fake(member) => {
                self.fake_entry(now, node, true);
            }
            Record::ViewRemoved { node, member } if self.is_fake(member) => {
                self.fake_entry(now, node, false);
            }
            Record::ViewAdded { node, member } => self.membership.view_added(now, node, member),
            Record::ViewRemoved { node, member } => {
                self.membership.view_removed(now, node, member);
            }
            Record::Rejected { reason, .. } => self.attacks.rejected(reason),
            Record::Forged => self.attacks.forged(),
            Record::Held => self.attacks.held(),
            Record::NemesisFault(fault) => self.attacks.nemesis(fault),
            Record::Metadata { node, version } => {
                if let Some(playback) = &mut self.playback {
                    playback.metadata(now, node, version);
                }
                self.membership.metadata(now, node, version);
            }
            Record::Published { node, version } => {
                if let Some(playback) = &mut self.playback {
                    let m = &self.membership;
                    playback.published(now, node, version, &|i| m.is_up(i));
                }
                self.membership.published(now, node, version);
            }
            Record::Fresh { node } => {
                self.forget_fakes(node);
                self.membership.fresh(node);
            }
            Record::Gone { node } => {
                self.forget_fakes(node);
                self.membership.gone(node);
            }
            Record::Up { node } => {
                self.account_up_time(now);
                self.membership.went_up(now, node);
            }
            Record::Down { node, cause } => {
                self.account_up_time(now);
                self.membership.went_down(now, node, cause);
            }
            Record::Action(action) => {
                if matches!(action, Action::Pause { .. }) {
                    self.attacks.paused();
                }
                self.marks.action(now, action, &self.names);
            }
        }
    }

    /// Whether `member` is a made-up identity (numbered after the plan's nodes): never up,
    /// it keeps a view that lists it from being converged.
    fn is_fake(&self, member: NodeIndex) -> bool {
        member as usize >= self.names.len()
    }

    fn fake_entry(&mut self, now: Time, node: NodeIndex, added: bool) {
        if let Some(count) = self.fakes.get_mut(node as usize) {
            if added {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
            }
            self.attacks.fake_entry(added);
            self.membership.foreign(now, node, added);
        }
    }

    fn forget_fakes(&mut self, node: NodeIndex) {
        if let Some(count) = self.fakes.get_mut(node as usize) {
            self.attacks.forget(u64::from(std::mem::take(count)));
        }
    }

    fn account_up_time(&mut self, now: Time) {
        let span = now.as_micros().saturating_sub(self.up_since.as_micros());
        self.up_time += self.membership.up_count() as u128 * u128::from(span);
        self.up_since = now;
    }

    /// Whether node `i` is up (running and heartbeating).
    pub fn is_up(&self, i: NodeIndex) -> bool {
        self.membership.is_up(i)
    }

    /// How many members node `i`'s view holds, as the records tell it.
    pub fn view_len(&self, i: NodeIndex) -> usize {
        self.membership.view_len(i)
    }

    /// How many nodes are up.
    pub fn up_count(&self) -> usize {
        self.membership.up_count()
    }

    /// Where the tracker keeps heartbeat `id`'s record, computed without reading it; with
    /// the record at hand, [`Observers::reached_slot`] says where `to`'s mark is. Prefetch
    /// hints for a driver that reads ahead (each delivery updates both, and in a large run
    /// both miss the cache).
    #[inline]
    pub fn heartbeat_slot(&self, id: u64) -> Option<Slot> {
        self.infection.as_ref()?.record_slot(id)
    }

    /// Where the mark of heartbeat `id` reaching `to` is kept: reads the heartbeat's record
    /// (see [`Observers::heartbeat_slot`]), not the mark.
    #[inline]
    pub fn reached_slot(&self, id: u64, to: NodeIndex) -> Option<Slot> {
        self.infection.as_ref()?.reached_slot(id, to)
    }

    /// The number the next [`Record::Emitted`] heartbeat will have (heartbeats so far).
    pub fn next_heartbeat(&self) -> u64 {
        self.heartbeats
    }

    /// Packets sent so far in the cycle holding `now` (for the explosion guard).
    pub fn sent_in_cycle(&mut self, now: Time) -> u64 {
        self.traffic.sent_in_cycle(now)
    }

    /// Packets sent and delivered so far.
    pub fn sent_and_delivered(&self) -> (u64, u64) {
        (self.traffic.totals.sent, self.traffic.totals.delivered)
    }

    /// Packet and byte counts so far (what the invariant checks balance against the queue).
    pub fn traffic_so_far(&self) -> &Traffic {
        &self.traffic.totals
    }

    /// Packets rogue senders injected so far ([`Record::Forged`]).
    pub fn forged_so_far(&self) -> u64 {
        self.attacks.forged_count()
    }

    /// Adds a row to the time series at `now`; `in_flight` is what the driver can tell of
    /// the packets on their way (0 where it cannot).
    pub fn sample(&mut self, now: Time, in_flight: u64) {
        let (mut sum, mut min, mut max, mut up) = (0usize, usize::MAX, 0usize, 0usize);
        for i in 0..self.names.len() as NodeIndex {
            if self.membership.is_up(i) {
                let v = self.membership.view_len(i);
                sum += v;
                min = min.min(v);
                max = max.max(v);
                up += 1;
            }
        }
        self.samples.push(Sample {
            t_ms: ms(now.as_micros()),
            up,
            converged_fraction: self.membership.fraction(),
            mean_view: if up == 0 { 0.0 } else { sum as f64 / up as f64 },
            min_view: if up == 0 { 0 } else { min },
            max_view: max,
            in_flight,
            sent: self.traffic.totals.sent,
            delivered: self.traffic.totals.delivered,
        });
    }

    /// The last row of the time series, if any.
    pub fn last_sample(&self) -> Option<&Sample> {
        self.samples.last()
    }

    /// Closes the books at `end` (the planned end, or when the run stopped) into the run's
    /// outcome.
    pub fn finish(
        mut self,
        plan: &Plan,
        end: Time,
        stopped: Option<GuardStop>,
        notes: Vec<String>,
    ) -> Outcome {
        self.account_up_time(end);
        let mean_up = if end.as_micros() == 0 {
            0.0
        } else {
            self.up_time as f64 / end.as_micros() as f64
        };
        let heartbeats = self.heartbeats;
        let (traffic, per_cycle) = self.traffic.finish(end, heartbeats, mean_up);
        let real_sockets = self.measured.sockets;
        let infection_measured = self.measured.infection;
        let (infection, reached_all, closed) = match self.infection {
            Some(tracker) => tracker.finish(end),
            None => (
                Infection {
                    heartbeats,
                    sampled: 0,
                    by_time: Vec::new(),
                    by_hop: Vec::new(),
                    coverage: Default::default(),
                    coverage_steady: Default::default(),
                    warmup_ms: 0.0,
                    spread_ms: Default::default(),
                },
                Vec::new(),
                0,
            ),
        };
        let marks = self.marks.marks;
        let (convergence, failure_detection, false_removals, metadata) =
            self.membership.finish(end, &marks, &self.names);
        let per_op = per_op(&traffic, &metadata, latency(closed, reached_all));
        Outcome {
            scenario: plan.name.clone(),
            seed: plan.seed,
            protocol: plan.protocol.summary(&self.config),
            nodes: plan.nodes.len(),
            duration_ms: ms(plan.duration.as_micros() as u64),
            ended_at_ms: ms(end.as_micros()),
            stopped,
            samples: self.samples,
            marks,
            convergence,
            infection,
            traffic,
            per_cycle,
            failure_detection,
            false_removals,
            metadata,
            attacks: self.attacks.finish(),
            per_op,
            real_sockets,
            infection_measured,
            notes,
            violations: Vec::new(),
            playback: self.playback.map(PlaybackRecorder::finish),
        }
    }

    /// The cycle the observers bucket traffic by.
    pub fn cycle(&self) -> Duration {
        self.config.cycle
    }
}

/// The end of the warm-up: two cycles after the last join of the timeline, while views fill.
/// Heartbeats emitted from then on make the steady-state coverage.
fn warmup_end(plan: &Plan, cycle: std::time::Duration) -> Time {
    let last_join = plan
        .timeline
        .iter()
        .filter(|t| matches!(t.action, crate::plan::Action::Join { .. }))
        .map(|t| t.at)
        .max()
        .unwrap_or_default();
    Time::ZERO + last_join + cycle * 2
}

/// Messages per operation and stable latencies of heartbeats (`heartbeat`: measured by the
/// infection tracker) and publishes.
fn per_op(traffic: &Traffic, metadata: &[MetadataSpread], heartbeat: LatencyQuantiles) -> PerOp {
    let per = |ops: u64| (ops > 0).then(|| traffic.sent as f64 / ops as f64);
    let publishes = metadata.len() as u64;
    PerOp {
        heartbeat: OpStats {
            ops: traffic.heartbeats,
            msgs_per_op: per(traffic.heartbeats),
            stable_latency_ms: heartbeat,
        },
        publish: OpStats {
            ops: publishes,
            msgs_per_op: per(publishes),
            stable_latency_ms: latency(
                publishes,
                metadata
                    .iter()
                    .filter_map(|m| m.everywhere_after_ms)
                    .collect(),
            ),
        },
    }
}
