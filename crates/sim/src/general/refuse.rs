//! What the general engine cannot play, refused before the run with the action and the
//! protocol named, rather than played wrongly.
//!
//! Pause, resume, slow and skew act on a node's processing and clock, which the fast engine
//! models for PekoNode's node; a forge writes PekoNode packets. A service time queues packets
//! at a busy receiver, which the general engine does not model.

use pekonode_run::{Action, Plan};

use crate::error::SimError;

/// Refuses `plan` (its nemesis already expanded) if it holds an action or a network setting
/// the general engine cannot play for `protocol`.
pub(crate) fn unplayable(plan: &Plan, protocol: &'static str) -> Result<(), SimError> {
    if !plan.network.service_time.is_zero() {
        return Err(SimError::UnsupportedNetwork {
            what: "service_time",
            protocol,
        });
    }
    for (index, t) in plan.timeline.iter().enumerate() {
        if matches!(
            t.action,
            Action::Pause { .. }
                | Action::Resume { .. }
                | Action::Slow { .. }
                | Action::Skew { .. }
                | Action::Forge(_)
        ) {
            return Err(SimError::Unsupported {
                index,
                action: t.action.label(&plan.nodes),
                protocol,
            });
        }
    }
    Ok(())
}
