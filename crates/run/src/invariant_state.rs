//! What an invariant check can read of a run in the simulator: each engine shows its own state
//! through [`RunState`], in place, so a check that needs no view copies none.

use pekonode_proto::UnixNanos;

use crate::node_index::NodeIndex;

/// A run's state at a sample, as a driver shows it to the invariant checks.
pub trait RunState {
    /// The plan's node count: nodes are `0..node_count()`.
    fn node_count(&self) -> usize;
    /// Node `node`'s name in the plan.
    fn node_name(&self, node: NodeIndex) -> &str;
    /// The life of node `node` that runs now (0 for its first), `None` if it does not run.
    fn incarnation(&self, node: NodeIndex) -> Option<u64>;
    /// Calls `visit` on each member of running node `node`'s view, as the protocol's seam
    /// lists them ([`Protocol::for_each_member`]); nothing if it does not run.
    ///
    /// [`Protocol::for_each_member`]: pekonode_proto::seam::Protocol::for_each_member
    fn for_each_member(&self, node: NodeIndex, visit: &mut dyn FnMut(NodeIndex));
    /// Whether `member` ever existed so far: a node spawned, a contact the timeline handed a
    /// node (it may never run), or an identity a rogue sender forged.
    fn existed(&self, member: NodeIndex) -> bool;
    /// The metadata version running node `node` holds, `None` if it does not run.
    fn metadata_version(&self, node: NodeIndex) -> Option<UnixNanos>;
    /// Why a node's metadata version may have gone back, if the run gave it a reason so far (a
    /// skewed clock publishes from another time; a forged version sits above every real one).
    fn versions_excused(&self) -> Option<&'static str>;
    /// What the protocol says of running node `node`'s own state
    /// ([`Protocol::check_invariants`]); `Ok` for a node that does not run.
    ///
    /// [`Protocol::check_invariants`]: pekonode_proto::seam::Protocol::check_invariants
    fn protocol_check(&self, node: NodeIndex) -> Result<(), String>;
    /// Every packet's whereabouts, as the records counted them and the queue holds them.
    fn packets(&self) -> PacketLedger;
}

/// Where every packet of a run is: each that came in (sent, copied by the network, injected
/// by a rogue sender) is delivered, dropped, taken apart (a rogue's, delivered outside the
/// cluster's traffic) or still in flight. Conservation is [`PacketLedger::balance`] = 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PacketLedger {
    /// Packets sent by nodes (`Traffic::sent`).
    pub sent: u64,
    /// Extra copies made by the network (`Traffic::duplicated`).
    pub duplicated: u64,
    /// Packets a rogue sender injected (`Attacks::forged`).
    pub injected: u64,
    /// Packets handed to a node (`Traffic::delivered`).
    pub delivered: u64,
    /// Packets dropped, for every reason (lost, partition, oversize, queue, receiver down).
    pub dropped: u64,
    /// A rogue's packets that reached a node (counted as forged, not delivered).
    pub apart: u64,
    /// Packets on their way, waiting in a receive queue or held for a paused node.
    pub in_flight: u64,
}

impl PacketLedger {
    /// Packets that came in minus packets accounted for: 0 when every packet is counted once.
    pub fn balance(&self) -> i128 {
        let came = i128::from(self.sent) + i128::from(self.duplicated) + i128::from(self.injected);
        let went = i128::from(self.delivered)
            + i128::from(self.dropped)
            + i128::from(self.apart)
            + i128::from(self.in_flight);
        came - went
    }
}
