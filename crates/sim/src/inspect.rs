//! Looking inside a run: a trace sink, pausing at a virtual time, and every node's view there
//! (`pekonode run --trace`, `--until T --dump-views`).

use pekonode_proto::Time;

use super::fast::Fast;
use super::trace::TraceSink;
use pekonode_run::NodeIndex;

/// Whether a node runs and heartbeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// Running and heartbeating.
    Up,
    /// Running, but stopped (PekoNode's `Stop`): no heartbeats.
    Stopped,
    /// Not running (crashed, or not joined yet).
    Down,
}

/// One node's view at the current virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// The node.
    pub node: NodeIndex,
    /// Its state.
    pub state: NodeState,
    /// Its view: each member and when its entry was last refreshed, sorted by member.
    pub entries: Vec<(NodeIndex, Time)>,
}

impl Fast {
    /// Sends every trace event of the run to `sink` (see [`TraceEvent`](super::TraceEvent)).
    pub(crate) fn with_trace(mut self, sink: TraceSink) -> Fast {
        self.trace = Some(sink);
        self
    }

    /// Runs until virtual time `until` (events at `until` included; at most the planned end)
    /// and stops there, e.g. to look at [`Fast::views`]. No outcome is produced.
    pub(crate) fn run_until(&mut self, until: Time) {
        self.advance(until.min(self.end), &mut |_| {});
    }

    /// The current virtual time.
    pub(crate) fn now(&self) -> Time {
        self.now
    }

    /// Every node's view, in node order.
    pub(crate) fn views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let node_index = i as NodeIndex;
                match node {
                    None => NodeView {
                        node: node_index,
                        state: NodeState::Down,
                        entries: Vec::new(),
                    },
                    Some(n) => {
                        let mut entries: Vec<(NodeIndex, Time)> =
                            n.entries().map(|(info, at)| (info.id, at)).collect();
                        entries.sort_unstable();
                        NodeView {
                            node: node_index,
                            state: if n.is_heartbeating() {
                                NodeState::Up
                            } else {
                                NodeState::Stopped
                            },
                            entries,
                        }
                    }
                }
            })
            .collect()
    }
}
