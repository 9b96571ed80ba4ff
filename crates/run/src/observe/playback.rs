//! The infection playback of `report.html`: for one heartbeat and for the first publish, when
//! each node first had it. Small runs only ([`PLAYBACK_MAX_NODES`]): two vectors of one entry
//! per node, whatever the run's length.
//!
//! The heartbeat played is the first one emitted at or after the warm-up by the
//! lowest-index node up at that instant (each up node emits once a cycle, so it comes within
//! one cycle of the warm-up's end unless nodes keep going down).

use pekonode_proto::Time;

use crate::node_index::NodeIndex;
use crate::outcome::{Playback, Spread, PLAYBACK_MAX_NODES};
use crate::stats::ms;

/// Records the two spreads of the playback.
pub(crate) struct PlaybackRecorder {
    names: Vec<String>,
    warmup_end: Time,
    /// The heartbeat being followed, once chosen.
    watched: Option<u64>,
    heartbeat: Option<Spread>,
    publish: Option<Spread>,
}

impl PlaybackRecorder {
    /// A recorder for the nodes `names`, or `None` if there are more than
    /// [`PLAYBACK_MAX_NODES`]. Heartbeats emitted before `warmup_end` are not played.
    pub(crate) fn new(names: &[String], warmup_end: Time) -> Option<PlaybackRecorder> {
        (names.len() <= PLAYBACK_MAX_NODES).then(|| PlaybackRecorder {
            names: names.to_vec(),
            warmup_end,
            watched: None,
            heartbeat: None,
            publish: None,
        })
    }

    fn spread(
        &self,
        now: Time,
        origin: NodeIndex,
        id: i64,
        up: &dyn Fn(NodeIndex) -> bool,
    ) -> Spread {
        let n = self.names.len();
        let mut arrived_ms = vec![None; n];
        if let Some(slot) = arrived_ms.get_mut(origin as usize) {
            *slot = Some(ms(now.as_micros()));
        }
        Spread {
            origin: origin as usize,
            at_ms: ms(now.as_micros()),
            id,
            up: (0..n as NodeIndex).map(up).collect(),
            arrived_ms,
        }
    }

    /// Heartbeat number `id` was emitted by `node`; `up` tells which nodes are up.
    pub(crate) fn emitted(
        &mut self,
        now: Time,
        node: NodeIndex,
        id: u64,
        up: &dyn Fn(NodeIndex) -> bool,
    ) {
        if self.watched.is_some() || now < self.warmup_end || (0..node).any(up) {
            return;
        }
        self.watched = Some(id);
        self.heartbeat = Some(self.spread(now, node, id as i64, up));
    }

    /// A copy of heartbeat `id` reached `to`.
    #[inline]
    pub(crate) fn delivered(&mut self, now: Time, id: u64, to: NodeIndex) {
        if self.watched == Some(id) {
            if let Some(slot) = self
                .heartbeat
                .as_mut()
                .and_then(|s| s.arrived_ms.get_mut(to as usize))
            {
                slot.get_or_insert(ms(now.as_micros()));
            }
        }
    }

    /// `node` published metadata `version`: the first publish is played.
    pub(crate) fn published(
        &mut self,
        now: Time,
        node: NodeIndex,
        version: i64,
        up: &dyn Fn(NodeIndex) -> bool,
    ) {
        if self.publish.is_none() {
            self.publish = Some(self.spread(now, node, version, up));
        }
    }

    /// `node` now holds metadata `version`.
    pub(crate) fn metadata(&mut self, now: Time, node: NodeIndex, version: i64) {
        if let Some(spread) = &mut self.publish {
            if version >= spread.id {
                if let Some(slot) = spread.arrived_ms.get_mut(node as usize) {
                    slot.get_or_insert(ms(now.as_micros()));
                }
            }
        }
    }

    /// What was recorded.
    pub(crate) fn finish(self) -> Playback {
        Playback {
            names: self.names,
            heartbeat: self.heartbeat,
            publish: self.publish,
        }
    }
}
