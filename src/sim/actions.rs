//! Playing the timeline: churn, PekoNode commands, partitions and loss changes.

use super::outcome::Mark;
use super::plan::{Action, NodeIndex};
use super::simulator::{version_at, Cause, Simulator};
use super::stats::ms;
use super::trace::TraceEvent;

/// Every node index an action names (for validation).
pub(crate) fn nodes_of(action: &Action) -> Vec<NodeIndex> {
    match action {
        Action::Join { node, contacts } | Action::Restart { node, contacts } => {
            std::iter::once(*node)
                .chain(contacts.iter().copied())
                .collect()
        }
        Action::Crash { node }
        | Action::Stop { node }
        | Action::Start { node }
        | Action::Publish { node, .. } => vec![*node],
        Action::Set { node, contact } => vec![*node, *contact],
        Action::Partition { groups, .. } => groups.iter().flatten().copied().collect(),
        Action::Heal | Action::Loss { .. } => Vec::new(),
    }
}

impl Simulator {
    /// Applies timeline action `k`.
    pub(crate) fn apply(&mut self, k: usize) {
        let action = self.plan.timeline[k].action.clone();
        let label = self.label(&action);
        if self.trace.is_some() {
            let text = self.describe(&action);
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
                    self.membership.went_down(now, &self.nodes, node, "stop");
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
                let version = version_at(now);
                if let Some(n) = &mut self.nodes[node as usize] {
                    n.publish(now, version, &data);
                    self.drain_events(node);
                    self.membership.published(now, &self.nodes, node, version);
                    self.drain_transmits(node, Cause::Other);
                }
            }
            Action::Partition { groups, oneway } => {
                self.network.partition(self.nodes.len(), &groups, oneway);
            }
            Action::Heal => self.network.heal(),
            Action::Loss { value } => self.network.set_loss(value),
        }
        if let Some(label) = label {
            self.marks.push(Mark {
                at_ms: ms(self.now.as_micros()),
                label,
            });
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
            self.membership.went_up(self.now, &self.nodes, i);
        }
        self.drain_transmits(i, Cause::Own);
    }

    fn crash(&mut self, i: NodeIndex) {
        if self.nodes[i as usize].is_some() {
            self.membership.went_down(self.now, &self.nodes, i, "crash");
            self.nodes[i as usize] = None;
        }
    }

    /// The chart label of an action; joins at time zero make one "start" mark.
    fn label(&mut self, action: &Action) -> Option<String> {
        let at_start = self.now.as_micros() == 0;
        match action {
            Action::Join { .. } if at_start => {
                if self
                    .marks
                    .iter()
                    .any(|m| m.at_ms == 0.0 && m.label == "start")
                {
                    return None;
                }
                Some("start".to_string())
            }
            _ => Some(self.describe(action)),
        }
    }

    /// An action in a few words: `crash n3`, `partition`, `loss 0.3`.
    fn describe(&self, action: &Action) -> String {
        match action {
            Action::Join { node, .. } => format!("join {}", self.name(*node)),
            Action::Crash { node } => format!("crash {}", self.name(*node)),
            Action::Restart { node, .. } => format!("restart {}", self.name(*node)),
            Action::Stop { node } => format!("stop {}", self.name(*node)),
            Action::Start { node } => format!("start {}", self.name(*node)),
            Action::Set { node, contact } => {
                format!("set {} += {}", self.name(*node), self.name(*contact))
            }
            Action::Publish { node, .. } => format!("publish {}", self.name(*node)),
            Action::Partition { oneway: true, .. } => "partition (one-way)".to_string(),
            Action::Partition { .. } => "partition".to_string(),
            Action::Heal => "heal".to_string(),
            Action::Loss { value } => format!("loss {value}"),
        }
    }
}
