//! The fast engine's state as the invariant checks read it ([`RunState`]): in place, at each
//! sample, nothing copied.

use pekonode_proto::seam::Protocol;
use pekonode_proto::UnixNanos;
use pekonode_run::{Forgery, NodeIndex, PacketLedger, RunState};

use super::fast::Fast;

impl RunState for Fast {
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

    /// A node of the plan spawned or handed as a contact, or an identity a rogue sender
    /// started so far forges: a made-up one (numbered after the plan's nodes), an
    /// impersonated node, or the node a forged version claims to come from.
    fn existed(&self, member: NodeIndex) -> bool {
        if self.existed.get(member as usize) == Some(&true) {
            return true;
        }
        let made_up = member as usize >= self.nodes.len();
        self.faults.forges.iter().any(|run| match &run.forge.what {
            Forgery::Identities { .. } => made_up,
            Forgery::Impersonate { node, .. } => *node == member,
            Forgery::Version { from, .. } => *from == member,
            Forgery::Replay { .. } => false,
        })
    }

    fn metadata_version(&self, node: NodeIndex) -> Option<UnixNanos> {
        let n = self.nodes.get(node as usize)?.as_ref()?;
        Some(n.read().version())
    }

    fn versions_excused(&self) -> Option<&'static str> {
        if self.skewed {
            return Some("a node's clock was skewed");
        }
        let forged = self
            .faults
            .forges
            .iter()
            .any(|run| matches!(run.forge.what, Forgery::Version { .. }));
        forged.then_some("a rogue sender forged a metadata version")
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
            apart: self.rogue_arrived,
            in_flight: self.queue.in_flight(),
        }
    }
}
