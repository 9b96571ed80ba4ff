//! The general engine: any seam [`Protocol`](pekonode_proto::seam::Protocol) (SWIM, or
//! PekoNode through the seam) on the simulator's network model, its timeline played by the
//! plan player, measured by the same observers as the fast engine.
//!
//! What it shares with the fast engine is the model, not the machinery: the same
//! [`Network`] verdicts drawn from the same per-sender link streams, the same node streams,
//! the same records in the same order. What it leaves out is what only PekoNode's fast path
//! needs (a calendar queue for millions of packets, packet sizes without encoding) and the
//! faults it cannot play for an opaque protocol (pause, resume, slow, skew, forge, a service
//! time), which `refuse` turns away before the run.

mod driver;
mod hosted;
mod outbox;
mod queue;
mod refuse;
mod run_state;
#[cfg(test)]
mod tests;

use rand_chacha::ChaCha8Rng;

use pekonode_proto::seam::Transmit;
use pekonode_proto::{Event, Time};
use pekonode_run::outcome::GuardStop;
use pekonode_run::seeds::{stream, Domain};
use pekonode_run::{Invariant, Measured, NodeIndex, Observers, Outcome, Plan, Player};

use crate::error::SimError;
use crate::fast::Progress;
use crate::inspect::{NodeState, NodeView};
use crate::network::Network;

pub(crate) use hosted::{Hosted, PekoShared};
use queue::{Due, Queue};

/// One run of a [`Plan`] whose nodes run protocol `P`.
pub(crate) struct General<P: Hosted> {
    plan: Plan,
    shared: P::Shared,
    nodes: Vec<Option<P>>,
    /// Whether the timeline stopped the node (`Stop` without `Start` since).
    stopped: Vec<bool>,
    incarnations: Vec<u64>,
    link_rngs: Vec<ChaCha8Rng>,
    network: Network,
    queue: Queue<P::Packet>,
    /// Each node's armed timer: a queued `Timer` at another time is stale.
    timers: Vec<Option<Time>>,
    /// Outputs polled from a node but not handled yet (events are observed before transmits
    /// are sent, whatever order the protocol put them in).
    events: Vec<Event<NodeIndex>>,
    transmits: Vec<Transmit<NodeIndex, P::Packet>>,
    now: Time,
    end: Time,
    observers: Observers,
    guard_stop: Option<GuardStop>,
    player: Player,
    /// What went wrong while playing (an action the protocol refused), for the outcome.
    notes: Vec<String>,
    /// Per node, whether it existed so far: spawned, or handed to a node as a contact.
    existed: Vec<bool>,
    /// Packets due exactly at the end, popped from the queue but never handed over (the run
    /// covers [0, end)): still in flight for packet conservation.
    unseen_at_end: u64,
}

impl<P: Hosted> General<P> {
    /// Checks `plan` for this engine and builds the initial state. Nothing runs yet.
    ///
    /// `shared` is what the protocol's nodes share (its settings, already checked) and
    /// `measured` what the observers can measure of it.
    pub(crate) fn new(
        mut plan: Plan,
        shared: P::Shared,
        measured: Measured,
    ) -> Result<General<P>, SimError> {
        let mut player = Player::new(&mut plan);
        player.built_in_invariants();
        let config = plan.config.resolve()?;
        crate::validate::plan(&plan)?;
        refuse::unplayable(&plan, P::NAME)?;
        let n = plan.nodes.len();
        let mut queue = Queue::default();
        for (k, t) in plan.timeline.iter().enumerate() {
            queue.push(Time::ZERO + t.at, Due::Action(k as u32));
        }
        queue.push(Time::ZERO, Due::Sample);
        Ok(General {
            shared,
            nodes: (0..n).map(|_| None).collect(),
            stopped: vec![false; n],
            incarnations: vec![0; n],
            link_rngs: (0..n)
                .map(|i| stream(plan.seed, Domain::Link, i as u64))
                .collect(),
            network: Network::new(plan.network.clone()),
            queue,
            timers: vec![None; n],
            events: Vec::new(),
            transmits: Vec::new(),
            now: Time::ZERO,
            end: Time::ZERO + plan.duration,
            observers: Observers::new(&plan, &config, measured),
            guard_stop: None,
            player,
            notes: Vec::new(),
            existed: vec![false; n],
            unseen_at_end: 0,
            plan,
        })
    }

    /// Adds an invariant checked at every sample.
    pub(crate) fn invariant(&mut self, check: impl Invariant + Send + 'static) {
        self.player.invariant(check);
    }

    /// Drops the built-in invariants (for timing the simulator alone).
    pub(crate) fn without_invariants(&mut self) {
        self.player.without_built_in_invariants();
    }

    /// Runs to the end (or to the explosion guard) and returns what was measured.
    pub(crate) fn run_with(mut self, mut progress: impl FnMut(Progress)) -> Outcome {
        let end = self.end;
        self.advance(end, &mut progress);
        let end = match &self.guard_stop {
            Some(_) => self.now,
            None => self.end,
        };
        let notes = std::mem::take(&mut self.notes);
        let mut outcome = self
            .observers
            .finish(&self.plan, end, self.guard_stop, notes);
        outcome.violations = self.player.take_violations();
        outcome
    }

    /// Handles every event due at or before `until` (or until the explosion guard stops).
    pub(crate) fn advance(&mut self, until: Time, progress: &mut impl FnMut(Progress)) {
        let mut steps: u64 = 0;
        while let Some(at) = self.queue.peek_time() {
            if at > until.min(self.end) || self.guard_stop.is_some() {
                break;
            }
            let Some((at, due)) = self.queue.pop() else {
                break;
            };
            // The run covers [0, end): only the closing sample is taken at the end.
            if at == self.end && !matches!(due, Due::Sample) {
                self.unseen_at_end += u64::from(matches!(due, Due::Arrive(_)));
                continue;
            }
            self.now = at;
            match due {
                Due::Action(k) => self.apply(k as usize),
                Due::Sample => self.sample(),
                Due::Timer(i) => self.timer(i),
                Due::Arrive(parcel) => self.arrive(parcel),
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

    /// The current virtual time.
    pub(crate) fn now(&self) -> Time {
        self.now
    }

    /// Every node's view, in node order.
    pub(crate) fn views(&self) -> Vec<NodeView> {
        let now = self.now;
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let node_index = i as NodeIndex;
                let Some(n) = node else {
                    return NodeView {
                        node: node_index,
                        state: NodeState::Down,
                        entries: Vec::new(),
                    };
                };
                let mut entries = n.view(now);
                entries.sort_unstable();
                let state = if n.up(self.stopped[i]) {
                    NodeState::Up
                } else {
                    NodeState::Stopped
                };
                NodeView {
                    node: node_index,
                    state,
                    entries,
                }
            })
            .collect()
    }

    fn timer(&mut self, i: NodeIndex) {
        let iu = i as usize;
        if self.timers[iu] != Some(self.now) {
            return; // superseded by a later reschedule
        }
        self.timers[iu] = None;
        let now = self.now;
        if let Some(node) = &mut self.nodes[iu] {
            node.handle_timeout(now);
        }
        self.drain(i, None);
    }

    fn sample(&mut self) {
        self.observers.sample(self.now, self.queue.in_flight());
        let mut player = std::mem::take(&mut self.player);
        let stop = player.check_state(self.observers.last_sample(), &*self);
        self.player = player;
        if self.guard_stop.is_none() {
            self.guard_stop = stop;
        }
        let next = self.now + self.plan.sample_interval;
        if next <= self.end {
            self.queue.push(next, Due::Sample);
        }
    }
}
