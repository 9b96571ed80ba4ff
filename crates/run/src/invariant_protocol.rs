//! Built-in invariant: whatever the protocol declares of its own state
//! ([`Protocol::check_invariants`](pekonode_proto::seam::Protocol::check_invariants)) holds at
//! every running node.

use crate::invariant::{Breach, Invariant, Moment};
use crate::node_index::NodeIndex;

/// Every running node passes its protocol's own check.
pub(crate) struct ProtocolHolds;

impl Invariant for ProtocolHolds {
    fn name(&self) -> &str {
        "the protocol's own invariants hold"
    }

    fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach> {
        let Some(state) = at.state else {
            return Ok(());
        };
        for node in 0..state.node_count() as NodeIndex {
            state
                .protocol_check(node)
                .map_err(|message| Breach::at(node, message))?;
        }
        Ok(())
    }
}
