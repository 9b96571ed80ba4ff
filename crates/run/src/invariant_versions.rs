//! Built-in invariant: a node's metadata version never goes back within one life, unless the
//! run gave a reason (a skewed clock, a forged version).

use pekonode_proto::UnixNanos;

use crate::invariant::{Breach, Invariant, Moment};
use crate::node_index::NodeIndex;

/// Per node, the version it held at the last sample, within the life it had then.
#[derive(Default)]
pub(crate) struct VersionsNeverGoBack {
    last: Vec<Option<(u64, UnixNanos)>>,
}

impl Invariant for VersionsNeverGoBack {
    fn name(&self) -> &str {
        "metadata versions never go back at a node"
    }

    fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach> {
        let Some(state) = at.state else {
            return Ok(());
        };
        let n = state.node_count();
        self.last.resize(n, None);
        let excused = state.versions_excused().is_some();
        for (node, last) in (0..n as NodeIndex).zip(&mut self.last) {
            let now = state.incarnation(node).zip(state.metadata_version(node));
            if let (Some((life, version)), Some((was_life, was))) = (now, *last) {
                if life == was_life && version < was && !excused {
                    *last = now;
                    return Err(Breach::at(
                        node,
                        format!("its metadata version went back from {was} to {version}"),
                    ));
                }
            }
            *last = now;
        }
        Ok(())
    }
}
