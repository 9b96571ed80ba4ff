//! The built-in invariants, in the order they are checked (one file each, beside this one).

use crate::invariant::Invariant;
use crate::invariant_packets::PacketsConserved;
use crate::invariant_protocol::ProtocolHolds;
use crate::invariant_versions::VersionsNeverGoBack;
use crate::invariant_views::ViewsSound;

/// The invariants every simulated run holds (docs/scenarios.md, "Invariants"): packets are
/// conserved, no view lists its own node or a member that never existed, metadata versions
/// never go back at a node, and whatever the protocol declares of itself.
pub fn built_in() -> Vec<Box<dyn Invariant + Send>> {
    vec![
        Box::new(PacketsConserved),
        Box::new(ViewsSound::default()),
        Box::new(VersionsNeverGoBack::default()),
        Box::new(ProtocolHolds),
    ]
}
