//! The general engine's state as the invariant checks read it ([`RunState`]): in place, at
//! each sample, through the seam. No rogue sender or skewed clock runs here (`refuse` turns
//! them away), so no identity is forged and no version excused.

use pekonode_proto::UnixNanos;
use pekonode_run::{NodeIndex, PacketLedger, RunState};

use super::{General, Hosted};

impl<P: Hosted> RunState for General<P> {
    fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn node_name(&self, node: NodeIndex) -> &str {
        self.plan
            .nodes
            .get(node as usize)
            .map_or("?", String::as_str)
    }

    fn incarnation(&self, node: NodeIndex) -> Option<u64> {
        let iu = node as usize;
        self.nodes.get(iu)?.as_ref()?;
        // `spawn` counts the life it starts: the running one is the last counted.
        self.incarnations.get(iu).map(|k| k.saturating_sub(1))
    }

    fn for_each_member(&self, node: NodeIndex, visit: &mut dyn FnMut(NodeIndex)) {
        if let Some(Some(n)) = self.nodes.get(node as usize) {
            n.for_each_member(&mut |&member| visit(member));
        }
    }

    fn existed(&self, member: NodeIndex) -> bool {
        self.existed.get(member as usize) == Some(&true)
    }

    fn metadata_version(&self, node: NodeIndex) -> Option<UnixNanos> {
        let n = self.nodes.get(node as usize)?.as_ref()?;
        Some(n.metadata_version())
    }

    fn versions_excused(&self) -> Option<&'static str> {
        None
    }

    fn protocol_check(&self, node: NodeIndex) -> Result<(), String> {
        match self.nodes.get(node as usize) {
            Some(Some(n)) => n.check_invariants(),
            _ => Ok(()),
        }
    }

    fn packets(&self) -> PacketLedger {
        let t = self.observers.traffic_so_far();
        PacketLedger {
            sent: t.sent,
            duplicated: t.duplicated,
            injected: self.observers.forged_so_far(),
            delivered: t.delivered,
            dropped: t.lost
                + t.dropped_partition
                + t.dropped_oversize
                + t.dropped_queue
                + t.dropped_down,
            apart: 0,
            in_flight: self.queue.in_flight() + self.unseen_at_end,
        }
    }
}
