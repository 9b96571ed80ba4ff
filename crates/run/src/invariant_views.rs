//! Built-in invariants on views, checked in one pass over every view at every sample: no view
//! lists its own node, and none lists a member that never existed.

use crate::invariant::{Breach, Invariant, Moment};
use crate::invariant_state::RunState;
use crate::node_index::NodeIndex;

/// The name of the invariant a view breaks by listing its own node.
pub(crate) const SELF_LISTING: &str = "no view lists its own node";
/// The name of the invariant a view breaks by listing a member that never existed.
pub(crate) const PHANTOM: &str = "no view lists a member that never existed";

/// No view lists its own node (as the seam lists members: PekoNode's own entry, its own
/// record, is the node itself and not listed), nor a member that never existed (never
/// spawned, never a contact, never forged by a rogue). Both in one pass: reading every view
/// is the costly part of the checks.
pub(crate) struct ViewsSound {
    /// The invariant broken, once one is (its name in the report).
    broke: &'static str,
}

impl Default for ViewsSound {
    fn default() -> ViewsSound {
        ViewsSound {
            broke: "views list only other nodes that existed",
        }
    }
}

impl Invariant for ViewsSound {
    fn name(&self) -> &str {
        self.broke
    }

    fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach> {
        let Some(state) = at.state else {
            return Ok(());
        };
        for node in 0..state.node_count() as NodeIndex {
            let mut wrong = None;
            state.for_each_member(node, &mut |member| {
                if wrong.is_none() && (member == node || !state.existed(member)) {
                    wrong = Some(member);
                }
            });
            let Some(member) = wrong else {
                continue;
            };
            if member == node {
                self.broke = SELF_LISTING;
                return Err(Breach::at(node, "its view lists itself".to_owned()));
            }
            self.broke = PHANTOM;
            let message = format!(
                "its view lists {}, which never existed (never spawned, never a contact, \
                 never forged)",
                name(state, member)
            );
            return Err(Breach::at(node, message));
        }
        Ok(())
    }
}

/// A member's name: the plan's, or its number for an identity outside the plan.
fn name(state: &dyn RunState, member: NodeIndex) -> String {
    if (member as usize) < state.node_count() {
        state.node_name(member).to_owned()
    } else {
        format!("#{member}")
    }
}
