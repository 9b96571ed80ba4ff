//! Cluster metadata over foca's custom broadcasts: the newest version wins, as in PekoNode.
//!
//! An item is the version (Unix ns, big-endian `i64`) followed by the bytes. foca spreads
//! it on the messages it sends anyway (probes, gossip), `max_transmissions` times per node.

use std::sync::{Arc, Mutex, PoisonError};

use foca::{BroadcastHandler, Invalidates};
use pekonode_proto::{Metadata, UnixNanos};

/// Bytes before the data: the version.
const VERSION_LEN: usize = 8;

/// What the handler adopted, shared with the [`Swim`](crate::Swim) that owns the foca
/// instance (foca keeps its handler to itself). Locked only inside calls on one node, so
/// never contended.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shared(Arc<Mutex<Adopted>>);

#[derive(Debug)]
pub(crate) struct Adopted {
    pub(crate) metadata: Metadata,
    /// Versions adopted since the owner last looked: its `MetadataChanged` events.
    pub(crate) changes: Vec<UnixNanos>,
}

impl Default for Adopted {
    /// Before any publish: empty bytes at version 0, as a PekoNode node starts.
    fn default() -> Self {
        Adopted {
            metadata: Metadata::initial(),
            changes: Vec::new(),
        }
    }
}

impl Shared {
    /// Runs `f` on the adopted state (a panic elsewhere cannot leave it half-written: every
    /// change is one assignment, so a poisoned lock is still consistent).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Adopted) -> R) -> R {
        let mut adopted = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut adopted)
    }
}

/// The item for `data` at `version`.
pub(crate) fn encode(version: UnixNanos, data: &[u8]) -> Vec<u8> {
    let mut item = Vec::with_capacity(VERSION_LEN + data.len());
    item.extend_from_slice(&version.to_be_bytes());
    item.extend_from_slice(data);
    item
}

/// One metadata version: a newer one replaces an older one in foca's backlog.
#[derive(Debug)]
pub(crate) struct Version(UnixNanos);

impl Invalidates for Version {
    fn invalidates(&self, other: &Self) -> bool {
        self.0 >= other.0
    }
}

/// A received item shorter than a version.
#[derive(Debug, thiserror::Error)]
#[error("metadata item of {0} bytes, shorter than its version")]
pub(crate) struct ShortItem(usize);

/// foca's [`BroadcastHandler`] for metadata: adopts what is newer, spreads only that.
#[derive(Debug, Default)]
pub(crate) struct MetadataHandler(pub(crate) Shared);

impl<T> BroadcastHandler<T> for MetadataHandler {
    type Key = Version;
    type Error = ShortItem;

    /// Our own publish (`sender` is `None`) is adopted whatever its version, as PekoNode's.
    fn receive_item(
        &mut self,
        item: &[u8],
        sender: Option<&T>,
    ) -> Result<Option<Version>, ShortItem> {
        let (version, data) = item
            .split_first_chunk::<VERSION_LEN>()
            .ok_or(ShortItem(item.len()))?;
        let version = UnixNanos::from_be_bytes(*version);
        Ok(self.0.with(|adopted| {
            if sender.is_some() && version <= adopted.metadata.version() {
                return None;
            }
            adopted.metadata = Metadata::new(data, version);
            adopted.changes.push(version);
            Some(Version(version))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_version_is_adopted_and_an_older_one_ignored() {
        let mut handler = MetadataHandler::default();
        let from = Some(&1u32);
        let newer = BroadcastHandler::<u32>::receive_item(&mut handler, &encode(20, b"b"), from);
        assert!(matches!(newer, Ok(Some(Version(20)))));
        let older = BroadcastHandler::<u32>::receive_item(&mut handler, &encode(10, b"a"), from);
        assert!(matches!(older, Ok(None)));
        let short = BroadcastHandler::<u32>::receive_item(&mut handler, &[1, 2], from);
        assert!(short.is_err());
        handler.0.with(|a| {
            assert_eq!(
                (a.metadata.data(), a.metadata.version()),
                (Some(&b"b"[..]), 20)
            );
            assert_eq!(a.changes, [20]);
        });
        assert!(Version(20).invalidates(&Version(10)) && !Version(10).invalidates(&Version(20)));
    }
}
