//! Playing the timeline: churn, PekoNode commands, partitions and loss changes.

use pekonode_proto::Node;
use pekonode_run::{Action, DownCause, NodeIndex, Record};

use super::rng::{stream, Domain};

use super::cause::Cause;
use super::simulator::Simulator;
use super::trace::TraceEvent;

impl Simulator {
    /// Applies timeline action `k`.
    pub(crate) fn apply(&mut self, k: usize) {
        // A node's contacts are used once: taken, not copied, so that the contacts of a
        // large `"all"` bootstrap (n² in all) are freed as the nodes join.
        let action = match &mut self.plan.timeline[k].action {
            Action::Join { node, contacts } => Action::Join {
                node: *node,
                contacts: std::mem::take(contacts),
            },
            Action::Restart { node, contacts } => Action::Restart {
                node: *node,
                contacts: std::mem::take(contacts),
            },
            other => other.clone(),
        };
        if let Some(Some(fault)) = self.faults.nemesis_starts.get(k) {
            self.observers
                .record(self.now, Record::NemesisFault(*fault));
        }
        self.observers.record(self.now, Record::Action(&action));
        if self.trace.is_some() {
            let text = action.label(&self.plan.nodes);
            if let Some(sink) = &mut self.trace {
                sink(self.now, &TraceEvent::Action { label: &text });
            }
        }
        match action {
            Action::Join { node, contacts } => self.join(node, &contacts),
            Action::Crash { node } => self.crash(node),
            Action::Restart { node, contacts } => {
                self.crash(node);
                self.join(node, &contacts);
            }
            Action::Stop { node } => {
                let now = self.now;
                if let Some(n) = &mut self.nodes[node as usize] {
                    n.stop(now);
                    let cause = DownCause::Stop;
                    self.observers.record(now, Record::Down { node, cause });
                }
            }
            Action::Start { node } => {
                let now = self.now;
                if let Some(n) = &mut self.nodes[node as usize] {
                    n.start(now);
                    self.bring_up(node);
                }
            }
            Action::Set { node, contact } => {
                let now = self.now;
                let info = self.infos[contact as usize].clone();
                if let Some(n) = &mut self.nodes[node as usize] {
                    n.set(now, info);
                    self.drain(node, Cause::Other);
                }
            }
            Action::Publish { node, data } => {
                let now = self.now;
                let version = self.wall_clock(node, now);
                if let Some(n) = &mut self.nodes[node as usize] {
                    n.publish(now, version, &data);
                    self.drain_events(node);
                    self.observers
                        .record(now, Record::Published { node, version });
                    self.drain_transmits(node, Cause::Other);
                }
            }
            Action::Partition { groups, oneway } => {
                self.network.partition(self.nodes.len(), &groups, oneway);
            }
            Action::Heal => self.network.heal(),
            Action::Loss { value } => self.network.set_loss(value),
            Action::Pause { node } => self.pause(node),
            Action::Resume { node } => self.resume(node),
            Action::Slow { node, per_packet } => self.slow(node, per_packet),
            Action::Skew { node, offset_ms } => self.skew(node, offset_ms),
            Action::Forge(forge) => self.start_forge(forge),
            // Expanded into plain actions when the simulator was built (`nemesis.rs`).
            Action::Nemesis(_) => {}
        }
    }

    /// Starts node `i` afresh if it is not running, adds its contacts and joins.
    fn join(&mut self, i: NodeIndex, contacts: &[NodeIndex]) {
        if self.nodes[i as usize].is_none() {
            self.spawn(i);
        }
        let now = self.now;
        let infos: Vec<_> = contacts
            .iter()
            .map(|&c| self.infos[c as usize].clone())
            .collect();
        if let Some(n) = &mut self.nodes[i as usize] {
            for info in infos {
                n.set(now, info);
            }
            n.join(now);
            self.bring_up(i);
        }
    }

    /// After a call that may have started heartbeats: observe the view, mark the node up if it
    /// heartbeats, then send what it sent (so its first heartbeat counts it as up).
    fn bring_up(&mut self, i: NodeIndex) {
        self.drain_events(i);
        if self.nodes[i as usize]
            .as_ref()
            .is_some_and(|n| n.is_heartbeating())
        {
            self.observers.record(self.now, Record::Up { node: i });
        }
        self.drain_transmits(i, Cause::Other);
    }

    fn crash(&mut self, i: NodeIndex) {
        self.forget_pause(i);
        if self.nodes[i as usize].is_some() {
            let cause = DownCause::Crash;
            self.observers
                .record(self.now, Record::Down { node: i, cause });
            self.nodes[i as usize] = None;
            self.observers.record(self.now, Record::Gone { node: i });
        }
    }

    /// Creates node `i` afresh (a new incarnation with its own random stream).
    pub(crate) fn spawn(&mut self, i: NodeIndex) {
        let iu = i as usize;
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
        self.observers.record(self.now, Record::Fresh { node: i });
    }
}
