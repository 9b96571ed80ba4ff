//! The fast engine: an event loop that drives PekoNode's nodes over the network model.

use rand_chacha::ChaCha8Rng;

use pekonode_proto::wire::record_len_by;
use pekonode_proto::{Config, Event, Node, NodeInfo, Time};
use pekonode_run::outcome::GuardStop;
use pekonode_run::{DropReason, Measured, NodeIndex, Observers, Outcome, Plan, Record};

use super::cause::Cause;
use super::error::SimError;
use super::fault_state::{Faults, REPLAYER};
use super::network::Network;
use super::queue::{Envelope, Queue, What};
use super::trace::{dropped, packet_info, TraceEvent, TraceSink};
use pekonode_run::seeds::{stream, Domain};
use pekonode_run::{Invariant, Player};

/// Progress of a run, reported while it goes.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Virtual time reached.
    pub now: Time,
    /// Planned end.
    pub end: Time,
    /// Packets delivered so far.
    pub delivered: u64,
}

/// The fast engine: a discrete-event simulation of one PekoNode [`Plan`], hard-wired to
/// [`Node`] (typed packets in a calendar queue, sizes computed without encoding, every fault).
/// [`Simulator`](crate::Simulator) runs PekoNode plans here.
pub(crate) struct Fast {
    pub(crate) plan: Plan,
    pub(crate) config: Config,
    pub(crate) nodes: Vec<Option<Node<NodeIndex>>>,
    /// Each node's record, built once: every copy of it shares the name's allocation, so
    /// views compare names by pointer.
    pub(crate) infos: Vec<NodeInfo<NodeIndex>>,
    pub(crate) incarnations: Vec<u64>,
    pub(crate) link_rngs: Vec<ChaCha8Rng>,
    /// Each node's `addr:port` key length, and its record's share of a packet's length: the
    /// sizes of a packet without encoding it or measuring its strings again.
    pub(crate) key_len: Vec<u8>,
    pub(crate) record_len: Vec<usize>,
    pub(crate) network: Network,
    pub(crate) queue: Queue,
    pub(crate) timers: Vec<Option<Time>>,
    pub(crate) busy_until: Vec<Time>,
    pub(crate) queued: Vec<u32>,
    pub(crate) now: Time,
    pub(crate) end: Time,
    /// Every metric: the records of the run go there.
    pub(crate) observers: Observers,
    pub(crate) stopped: Option<GuardStop>,
    pub(crate) events: Vec<Event<NodeIndex>>,
    /// Where trace events go; `None` (the default) costs one branch per event.
    pub(crate) trace: Option<TraceSink>,
    /// Pauses, slow nodes, skewed clocks and the rogue sender.
    pub(crate) faults: Faults,
    /// The interpreter of the timeline, shared with the loopback cluster.
    pub(crate) player: Player,
    /// Per node, whether it existed so far: spawned, or handed to a node as a contact (for
    /// the invariant that no view lists a member that never existed).
    pub(crate) existed: Vec<bool>,
    /// Whether a node's clock was skewed so far (its versions may then go back).
    pub(crate) skewed: bool,
    /// A rogue's packets that reached a node: out of flight, yet neither delivered (they are
    /// not the cluster's traffic) nor dropped (for packet conservation).
    pub(crate) rogue_arrived: u64,
}

/// The `addr:port` key length of a simulated node at 10.a.b.c:7946, for packet sizes.
pub(crate) fn key_len(i: usize) -> u8 {
    let octet = |v: usize| {
        if v & 255 >= 100 {
            3
        } else if v & 255 >= 10 {
            2
        } else {
            1
        }
    };
    ("10...:7946".len() + octet(i >> 16) + octet(i >> 8) + octet(i)) as u8
}

impl Fast {
    /// Checks the plan and builds the initial state. Nothing runs yet.
    pub(crate) fn new(mut plan: Plan) -> Result<Fast, SimError> {
        let mut player = Player::new(&mut plan);
        player.built_in_invariants();
        let config = plan.config.resolve()?;
        super::validate::plan(&plan)?;
        let n = plan.nodes.len();
        let end = Time::ZERO + plan.duration;
        let key_lens: Vec<u8> = (0..n).map(key_len).collect();
        let infos: Vec<NodeInfo<NodeIndex>> = (0..n)
            .map(|i| NodeInfo::new(i as NodeIndex, &plan.nodes[i]))
            .collect();
        let record_len = infos
            .iter()
            .map(|info| record_len_by(info, |id| usize::from(key_lens[*id as usize])))
            .collect();
        let mut queue = Queue::default();
        for (k, t) in plan.timeline.iter().enumerate() {
            queue.push(Time::ZERO + t.at, What::Action(k as u32));
        }
        queue.push(Time::ZERO, What::Sample);
        Ok(Fast {
            link_rngs: (0..n)
                .map(|i| stream(plan.seed, Domain::Link, i as u64))
                .collect(),
            key_len: key_lens,
            record_len,
            network: Network::new(plan.network.clone()),
            nodes: (0..n).map(|_| None).collect(),
            infos,
            incarnations: vec![0; n],
            timers: vec![None; n],
            busy_until: vec![Time::ZERO; n],
            queued: vec![0; n],
            now: Time::ZERO,
            end,
            observers: Observers::new(&plan, &config, Measured::ALL),
            stopped: None,
            events: Vec::new(),
            trace: None,
            faults: Faults::new(&plan),
            player,
            existed: vec![false; n],
            skewed: false,
            rogue_arrived: 0,
            queue,
            config,
            plan,
        })
    }

    /// Runs to the end (or to the explosion guard), calling `progress` now and then (every 2^16 events).
    pub(crate) fn run_with(mut self, mut progress: impl FnMut(Progress)) -> Outcome {
        let end = self.end;
        self.advance(end, &mut progress);
        let end = match &self.stopped {
            Some(_) => self.now,
            None => self.end,
        };
        let mut outcome = self
            .observers
            .finish(&self.plan, end, self.stopped, Vec::new());
        outcome.violations = self.player.take_violations();
        outcome
    }

    /// Adds an invariant the run must hold at every sample; its first breach is reported in
    /// the outcome's `violations`.
    pub(crate) fn invariant(mut self, check: impl Invariant + Send + 'static) -> Fast {
        self.player.invariant(check);
        self
    }

    /// Drops the built-in invariants (for timing the simulator alone).
    pub(crate) fn without_invariants(mut self) -> Fast {
        self.player.without_built_in_invariants();
        self
    }

    /// Handles every event due at or before `until` (or until the explosion guard stops).
    pub(crate) fn advance(&mut self, until: Time, progress: &mut impl FnMut(Progress)) {
        let mut steps: u64 = 0;
        while let Some(at) = self.queue.peek_time() {
            if at > until || self.stopped.is_some() {
                break;
            }
            let Some((at, what)) = self.queue.pop() else {
                break;
            };
            self.warm_bucket();
            self.prefetch_ahead();
            // The run covers [0, end): what is due exactly at the end would start a cycle the
            // run never sees. Only the closing sample is taken there.
            if at == self.end && what != What::Sample {
                continue;
            }
            self.now = at;
            match what {
                What::Action(k) => self.apply(k as usize),
                What::Sample => self.sample(),
                What::Arrive(slot) => {
                    if let Some(env) = self.queue.take(slot) {
                        self.arrive(env);
                    }
                }
                What::Land(index) => {
                    if let Some(env) = self.queue.take_landed(index) {
                        self.arrive(env);
                    }
                }
                What::Process(slot) => {
                    if let Some(env) = self.queue.take(slot) {
                        if let Some(env) = self.hold_queued(env) {
                            let to = env.to as usize;
                            self.queued[to] = self.queued[to].saturating_sub(1);
                            self.process(env);
                        }
                    }
                }
                What::Timer(i) => self.timer(i),
                What::Forge(k) => self.forge_tick(k),
            }
            steps += 1;
            if steps & 0xFFFF == 0 {
                progress(Progress {
                    now: self.now,
                    end: self.end,
                    delivered: self.observers.sent_and_delivered().1,
                });
            }
        }
    }

    fn timer(&mut self, i: NodeIndex) {
        let iu = i as usize;
        if self.timers[iu] != Some(self.now) {
            return; // superseded by a later reschedule
        }
        if self.timer_waits(i) {
            return; // paused: it fires on resume
        }
        self.timers[iu] = None;
        let now = self.now;
        if let Some(node) = &mut self.nodes[iu] {
            node.handle_timeout(now);
        }
        self.drain(i, Cause::Other);
    }

    fn arrive(&mut self, env: Envelope) {
        let to = env.to as usize;
        if self.nodes[to].is_none() {
            let reason = DropReason::Down;
            self.observers.record(self.now, Record::Dropped { reason });
            if let Some(sink) = &mut self.trace {
                sink(self.now, &dropped(&env, DropReason::Down));
            }
            return;
        }
        let Some(env) = self.hold(env) else {
            return;
        };
        let service = self.service_of(to);
        if service.is_zero() {
            self.process(env);
        } else if self.busy_until[to] <= self.now {
            self.busy_until[to] = self.now + service;
            self.process(env);
        } else if (self.queued[to] as usize) < self.config.buffer {
            // Wait in the receive queue until the node is free.
            self.queued[to] += 1;
            let at = self.busy_until[to];
            self.busy_until[to] = at + service;
            let slot = self.queue.store(env);
            self.queue.push(at, What::Process(slot));
        } else {
            let reason = DropReason::Queue;
            self.observers.record(self.now, Record::Dropped { reason });
            if let Some(sink) = &mut self.trace {
                sink(self.now, &dropped(&env, DropReason::Queue));
            }
        }
    }

    fn process(&mut self, env: Envelope) {
        let now = self.now;
        let to = env.to;
        if self.nodes[to as usize].is_none() {
            let reason = DropReason::Down;
            self.observers.record(now, Record::Dropped { reason });
            if let Some(sink) = &mut self.trace {
                sink(now, &dropped(&env, DropReason::Down));
            }
            return;
        }
        let Some(env) = self.unseal(env) else {
            return;
        };
        let Some(node) = &mut self.nodes[to as usize] else {
            return;
        };
        let rogue = env.from >= REPLAYER;
        let len = env.len() as usize;
        let tracked = env.heartbeat(self.observers.next_heartbeat());
        let info = self.trace.is_some().then(|| packet_info(&env));
        let (lineage, origin) = (env.packet.lineage, env.packet.node.id);
        if !node.handle_sized_packet(now, env.packet, len) {
            let reason = DropReason::Oversize;
            self.observers.record(now, Record::Dropped { reason });
            if let (Some(sink), Some(packet)) = (&mut self.trace, info) {
                let reason = DropReason::Oversize;
                sink(now, &TraceEvent::Drop { packet, reason });
            }
            self.drain(to, Cause::Other);
            return;
        }
        let heartbeat = tracked.zip(lineage).map(|(id, l)| (id, l.hops));
        // A rogue's packets are not the cluster's traffic (they are counted as forged).
        if rogue {
            self.rogue_arrived += 1;
        } else {
            self.observers.record(
                now,
                Record::Delivered {
                    to,
                    bytes: len as u64,
                    heartbeat,
                },
            );
        }
        if let (Some(sink), Some(packet)) = (&mut self.trace, info) {
            sink(now, &TraceEvent::Deliver(packet));
        }
        let cause = match (tracked, lineage) {
            (Some(id), Some(l)) => Cause::Copy {
                id,
                origin,
                emission: l.emission,
            },
            _ => Cause::Other,
        };
        self.drain(to, cause);
    }

    fn sample(&mut self) {
        self.observers.sample(self.now, self.queue.in_flight());
        let mut player = std::mem::take(&mut self.player);
        let stop = player.check_state(self.observers.last_sample(), &*self);
        self.player = player;
        if self.stopped.is_none() {
            self.stopped = stop;
        }
        let next = self.now + self.plan.sample_interval;
        if next <= self.end {
            self.queue.push(next, What::Sample);
        }
    }
}
