//! Why a node is being drained: the link from a handled heartbeat copy to the forwards it
//! causes. Its own file because the simulator, the timeline and the rogue sender all hand
//! nodes packets, and none of them should import the others for it.

use pekonode_run::NodeIndex;

/// What the node was handed, so that its forwards can be matched to the tracked heartbeat.
///
/// Which heartbeat a transmit carries is the protocol's statement ([`Transmit::heartbeat`]);
/// the simulator only maps that (origin, emission) to its tracker's number.
///
/// [`Transmit::heartbeat`]: pekonode_proto::Transmit::heartbeat
#[derive(Clone, Copy)]
pub(crate) enum Cause {
    /// Handling a copy of tracked heartbeat `id`: emission `emission` of `origin`.
    Copy {
        id: u64,
        origin: NodeIndex,
        emission: u32,
    },
    /// Anything else: a timer, a command, an untracked packet.
    Other,
}
