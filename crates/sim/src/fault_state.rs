//! What the simulator holds about faults in play: per-node fault state and the rogue senders
//! at work. The data only: how faults act is `impl Fast` in `faults.rs` and `rogue.rs`,
//! which import this file as `fast.rs` does, so that the simulator needs neither.

use std::collections::VecDeque;
use std::time::Duration;

use pekonode_proto::{Packet, Time};
use pekonode_run::{Forge, NodeIndex, Plan};

/// The sender index of a forged packet in traces and envelopes.
pub const ROGUE: NodeIndex = NodeIndex::MAX;
/// The sender index of a replayed packet.
pub const REPLAYER: NodeIndex = NodeIndex::MAX - 1;

/// One rogue sender at work.
pub(crate) struct ForgeRun {
    pub(crate) forge: Forge,
    /// Receivers, in turn.
    pub(crate) to: Vec<NodeIndex>,
    pub(crate) start: Time,
    pub(crate) sent: u64,
    /// For replays: what was captured when it started.
    pub(crate) captured: Vec<Packet<NodeIndex>>,
}

/// Per-node fault state, and the rogue's. Empty vectors cost nothing in runs without faults.
pub(crate) struct Faults {
    pub(crate) paused: Vec<bool>,
    /// The packets a paused node has not read yet, as slab slots in arrival order.
    pub(crate) held: Vec<Vec<u32>>,
    /// Whether a paused node's timer came due while it was paused.
    pub(crate) late: Vec<bool>,
    /// Per-node processing time, where a `slow` event set one.
    pub(crate) service: Vec<Option<Duration>>,
    /// Per-node wall-clock offset, in ns.
    pub(crate) skew_ns: Vec<i64>,
    /// Rogue senders started so far.
    pub(crate) forges: Vec<ForgeRun>,
    /// The rogue's capture of recently sent packets, kept only when the plan replays.
    pub(crate) capture: Option<VecDeque<Packet<NodeIndex>>>,
    /// Made-up identities handed out so far (numbered after the plan's nodes).
    pub(crate) fakes: u32,
}

impl Faults {
    pub(crate) fn new(plan: &Plan) -> Faults {
        let n = plan.nodes.len();
        let replays = plan.timeline.iter().any(|t| {
            matches!(&t.action, pekonode_run::Action::Forge(f)
                if matches!(f.what, pekonode_run::Forgery::Replay { .. }))
        });
        Faults {
            paused: vec![false; n],
            held: vec![Vec::new(); n],
            late: vec![false; n],
            service: vec![None; n],
            skew_ns: vec![0; n],
            forges: Vec::new(),
            capture: replays.then(VecDeque::new),
            fakes: 0,
        }
    }
}
