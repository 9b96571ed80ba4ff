//! The simulator as the plan player's driver: what a timeline action does to a simulated node
//! or to the network model. What an action means (who is up, which records, in which order) is
//! the player's (`pekonode_run::Player`), shared with the loopback cluster.

use std::convert::Infallible;

use pekonode_proto::{Node, UnixNanos};
use pekonode_run::seeds::{stream, Domain};
use pekonode_run::{Command, Driver, Fault, NetworkChange, NodeIndex, Record};

use super::cause::Cause;
use super::fast::Fast;
use super::trace::TraceEvent;

impl Fast {
    /// Plays timeline action `k` through the plan player.
    pub(crate) fn apply(&mut self, k: usize) {
        let Some(action) = pekonode_run::Player::take(&mut self.plan, k) else {
            return;
        };
        let player = std::mem::take(&mut self.player);
        let played = player.play(k, action, self);
        self.player = player;
        match played {
            Ok(()) => {}
            Err(never) => match never {},
        }
    }

    /// Creates node `i` afresh (a new incarnation with its own random stream).
    pub(crate) fn spawn(&mut self, i: NodeIndex) {
        let iu = i as usize;
        self.existed[iu] = true;
        let incarnation = self.incarnations[iu];
        self.incarnations[iu] += 1;
        let rng = stream(
            self.plan.seed,
            Domain::Node,
            (u64::from(i) << 24) | incarnation,
        );
        let info = self.infos[iu].clone();
        // The config was resolved in `new`, so this cannot fail.
        self.nodes[iu] = Node::new(info, self.config.clone(), rng, self.now).ok();
        let wall = self.wall_clock(i, self.now);
        if let Some(node) = &mut self.nodes[iu] {
            node.set_wall_clock(self.now, wall);
        }
        self.timers[iu] = None;
    }
}

impl Driver for Fast {
    type Error = Infallible;

    fn record(&mut self, record: Record<'_>) {
        if let (Record::Action(action), true) = (&record, self.trace.is_some()) {
            let text = action.label(&self.plan.nodes);
            if let Some(sink) = &mut self.trace {
                sink(self.now, &TraceEvent::Action { label: &text });
            }
        }
        self.observers.record(self.now, record);
    }

    fn running(&self, node: NodeIndex) -> bool {
        self.nodes.get(node as usize).is_some_and(Option::is_some)
    }

    fn heartbeating(&self, node: NodeIndex) -> bool {
        self.nodes
            .get(node as usize)
            .and_then(Option::as_ref)
            .is_some_and(Node::is_heartbeating)
    }

    fn spawn(&mut self, node: NodeIndex) -> Result<(), Infallible> {
        Fast::spawn(self, node);
        Ok(())
    }

    fn crash(&mut self, node: NodeIndex) {
        self.forget_pause(node);
        self.nodes[node as usize] = None;
    }

    fn command(&mut self, node: NodeIndex, command: Command<'_>) -> Result<UnixNanos, Infallible> {
        let now = self.now;
        let version = match command {
            Command::Publish { .. } => self.wall_clock(node, now),
            _ => 0,
        };
        let infos = &self.infos;
        let Some(n) = &mut self.nodes[node as usize] else {
            return Ok(version);
        };
        // A contact exists for the invariants from now on, whether or not it ever runs.
        let existed = &mut self.existed;
        match command {
            Command::Join { contacts } => {
                for &c in contacts {
                    existed[c as usize] = true;
                    n.set(now, infos[c as usize].clone());
                }
                n.join(now);
            }
            Command::Set { contact } => {
                existed[contact as usize] = true;
                n.set(now, infos[contact as usize].clone());
            }
            Command::Stop => n.stop(now),
            Command::Start => n.start(now),
            Command::Publish { data } => n.publish(now, version, data),
        }
        Ok(version)
    }

    fn observe(&mut self, node: NodeIndex) {
        self.drain_events(node);
    }

    fn send(&mut self, node: NodeIndex) {
        self.drain_transmits(node, Cause::Other);
    }

    fn network(&mut self, change: NetworkChange<'_>) -> Result<(), Infallible> {
        match change {
            NetworkChange::Partition { groups, oneway } => {
                self.network.partition(self.nodes.len(), groups, oneway);
            }
            NetworkChange::Heal => self.network.heal(),
            NetworkChange::Loss(value) => self.network.set_loss(value),
        }
        Ok(())
    }

    fn fault(&mut self, fault: Fault<'_>) -> Result<(), Infallible> {
        match fault {
            Fault::Pause(node) => self.pause(node),
            Fault::Resume(node) => self.resume(node),
            Fault::Slow(node, per_packet) => self.slow(node, per_packet),
            Fault::Skew(node, offset_ms) => {
                self.skewed = true;
                self.skew(node, offset_ms);
            }
            Fault::Forge(forge) => self.start_forge(forge.clone()),
        }
        Ok(())
    }
}
