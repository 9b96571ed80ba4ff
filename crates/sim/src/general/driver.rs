//! The general engine as the plan player's driver: what a timeline action does to a node
//! behind the seam or to the network model. What an action means is the player's.

use pekonode_proto::UnixNanos;
use pekonode_run::seeds::{stream, Domain};
use pekonode_run::{Command, Driver, Fault, NetworkChange, NodeIndex, Player, Record};

use super::{General, Hosted};
use crate::faults::version_at;

/// An operation the general engine cannot play (refused before the run, so a run meets one
/// only through a protocol's own refusal, e.g. SWIM's metadata limit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unplayable(pub(crate) String);

impl<P: Hosted> General<P> {
    /// Plays timeline action `k` through the plan player; a refusal becomes a note of the
    /// outcome (the run goes on, as it would on a cluster whose operator saw an error).
    pub(super) fn apply(&mut self, k: usize) {
        let Some(action) = Player::take(&mut self.plan, k) else {
            return;
        };
        let label = action.label(&self.plan.nodes);
        let player = std::mem::take(&mut self.player);
        let played = player.play(k, action, self);
        self.player = player;
        if let Err(Unplayable(why)) = played {
            let at = self.now.as_micros() / 1_000;
            self.notes.push(format!("at {at} ms, {label}: {why}"));
        }
    }
}

impl<P: Hosted> Driver for General<P> {
    type Error = Unplayable;

    fn record(&mut self, record: Record<'_>) {
        self.observers.record(self.now, record);
    }

    fn running(&self, node: NodeIndex) -> bool {
        self.nodes.get(node as usize).is_some_and(Option::is_some)
    }

    fn heartbeating(&self, node: NodeIndex) -> bool {
        let stopped = self.stopped.get(node as usize).copied().unwrap_or(true);
        self.nodes
            .get(node as usize)
            .and_then(Option::as_ref)
            .is_some_and(|n| n.up(stopped))
    }

    /// A new life with its own stream: `(node << 24) | incarnation`, as the fast engine.
    fn spawn(&mut self, node: NodeIndex) -> Result<(), Unplayable> {
        let iu = node as usize;
        self.existed[iu] = true;
        let incarnation = self.incarnations[iu];
        self.incarnations[iu] += 1;
        let rng = stream(
            self.plan.seed,
            Domain::Node,
            (u64::from(node) << 24) | incarnation,
        );
        self.nodes[iu] = P::spawn(&self.shared, node, incarnation, rng, self.now);
        self.stopped[iu] = false;
        self.timers[iu] = None;
        if self.nodes[iu].is_none() {
            return Err(Unplayable("the protocol settings make no node".into()));
        }
        Ok(())
    }

    fn crash(&mut self, node: NodeIndex) {
        if let Some(slot) = self.nodes.get_mut(node as usize) {
            *slot = None;
        }
    }

    fn command(&mut self, node: NodeIndex, command: Command<'_>) -> Result<UnixNanos, Unplayable> {
        let now = self.now;
        let version = match command {
            Command::Publish { .. } => version_at(now),
            _ => 0,
        };
        let iu = node as usize;
        let Some(n) = &mut self.nodes[iu] else {
            return Ok(version);
        };
        match command {
            Command::Join { contacts } => {
                // A contact exists for the invariants from now on, whether or not it runs.
                for &c in contacts {
                    if let Some(e) = self.existed.get_mut(c as usize) {
                        *e = true;
                    }
                }
                n.join_with(&self.shared, now, contacts);
            }
            Command::Set { contact } => {
                if let Some(e) = self.existed.get_mut(contact as usize) {
                    *e = true;
                }
                n.add_contact(&self.shared, now, contact);
            }
            Command::Stop => {
                n.stop(now);
                self.stopped[iu] = true;
            }
            Command::Start => {
                n.start(now);
                self.stopped[iu] = false;
            }
            Command::Publish { data } => n
                .publish(now, version, data)
                .map_err(|e| Unplayable(e.to_string()))?,
        }
        Ok(version)
    }

    fn observe(&mut self, node: NodeIndex) {
        self.observe_events(node);
    }

    fn send(&mut self, node: NodeIndex) {
        self.send_transmits(node, None);
    }

    fn network(&mut self, change: NetworkChange<'_>) -> Result<(), Unplayable> {
        match change {
            NetworkChange::Partition { groups, oneway } => {
                self.network.partition(self.nodes.len(), groups, oneway);
            }
            NetworkChange::Heal => self.network.heal(),
            NetworkChange::Loss(value) => self.network.set_loss(value),
        }
        Ok(())
    }

    /// Refused before the run (`refuse`); here for completeness.
    fn fault(&mut self, fault: Fault<'_>) -> Result<(), Unplayable> {
        Err(Unplayable(format!(
            "{fault:?} is not played by the general engine ({})",
            P::NAME
        )))
    }
}
