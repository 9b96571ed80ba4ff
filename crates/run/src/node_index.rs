//! How a run names its nodes. Its own file because the plan, the network model and the
//! fault descriptions all speak of nodes, and the plan speaks of those two in turn.

/// A node index: nodes are numbered densely from 0 in the order of [`Plan::nodes`].
///
/// [`Plan::nodes`]: crate::Plan::nodes
pub type NodeIndex = u32;
