//! Who a node is: identity, the announced node record, and cluster metadata.

use std::fmt::{self, Debug};
use std::sync::Arc;

use super::time::UnixNanos;

/// What keys a node in a view: PekoNode's `addr:port`.
///
/// The core is generic over it so that each driver picks a cheap representation: the UDP
/// runtime uses [`crate::wire::Endpoint`] (address and port, as Go announces them), the
/// simulator a dense integer, so that delivering a packet never hashes or allocates a string.
/// Ordering must be total and stable: views and infected sets are kept sorted by it.
pub trait Identity: Clone + Ord + Debug {
    /// A small non-negative integer for this identity, if it is one (the simulator's node
    /// index). It must grow with the `Ord` order. Views use it to find an entry in about one
    /// probe instead of a binary search: a converged view of dense ids holds id `k` at `k`.
    ///
    /// Speed machinery for drivers with integer identities: hidden from the documentation;
    /// the default (`None`) is always correct.
    #[doc(hidden)]
    fn dense_index(&self) -> Option<usize> {
        None
    }

    /// The identity whose [`dense_index`](Identity::dense_index) is `index`, for types that
    /// have dense indices (the inverse of `dense_index`). A view holding exactly the dense
    /// identities `0..n` uses it to name its `k`-th member without reading its member list.
    #[doc(hidden)]
    fn from_dense_index(_index: usize) -> Option<Self> {
        None
    }
}

macro_rules! dense {
    ($($t:ty),*) => {$(
        impl Identity for $t {
            fn dense_index(&self) -> Option<usize> {
                usize::try_from(*self).ok()
            }

            fn from_dense_index(index: usize) -> Option<Self> {
                <$t>::try_from(index).ok()
            }
        }
    )*};
}
dense!(u16, u32, u64, usize);

impl Identity for String {}

/// A node as announced in packets (Go's `Node {Addr, Port, Name, PrivateData}`).
///
/// Two records with the same `id` are the same node: a new name or private data updates the
/// entry in place (Go PekoNode keys by the whole struct and keeps both until one expires).
///
/// Name and private data sit behind one shared pointer: every packet copy carries its origin's
/// record, so a clone costs one reference count.
///
/// ```
/// use pekonode_proto::NodeInfo;
///
/// let a = NodeInfo::new(7u32, "A").with_private_data("rack 2");
/// assert_eq!((a.id, a.name(), a.private_data()), (7, "A", "rack 2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct NodeInfo<Id> {
    /// The node's `addr:port` identity.
    pub id: Id,
    record: Arc<Record>,
}

/// The two reference counts kept before an `Arc`'s value: the value's address minus this is
/// where a clone or a drop writes (for prefetch hints).
pub(crate) const ARC_COUNTS: usize = 2 * std::mem::size_of::<usize>();

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Record {
    name: Box<str>,
    private_data: Box<str>,
}

impl<Id> NodeInfo<Id> {
    /// A node record with a name and no private data.
    pub fn new(id: Id, name: &str) -> NodeInfo<Id> {
        NodeInfo {
            id,
            record: Arc::new(Record {
                name: name.into(),
                private_data: "".into(),
            }),
        }
    }

    /// Where this record's reference counts are kept (just before the shared value): a
    /// prefetch hint, see [`Packet::shared_slots`](crate::Packet::shared_slots).
    #[inline]
    pub(crate) fn record_slot(&self) -> *const u8 {
        Arc::as_ptr(&self.record)
            .cast::<u8>()
            .wrapping_sub(ARC_COUNTS)
    }

    /// A node record with only an identity, as a bootstrap contact is often known.
    pub fn bare(id: Id) -> NodeInfo<Id> {
        NodeInfo::new(id, "")
    }

    /// The same record with `private_data` set.
    pub fn with_private_data(self, data: &str) -> NodeInfo<Id> {
        NodeInfo {
            id: self.id,
            record: Arc::new(Record {
                name: self.record.name.clone(),
                private_data: data.into(),
            }),
        }
    }

    /// Free-form name (`Name`).
    pub fn name(&self) -> &str {
        &self.record.name
    }

    /// Free-form data the node announces about itself (`PrivateData`, once `Tag`).
    pub fn private_data(&self) -> &str {
        &self.record.private_data
    }

    /// A node of identity `id` announcing `record` (a view rebuilds its entries this way: the
    /// identity is their key, not stored twice).
    pub(crate) fn from_record(id: Id, record: Arc<Record>) -> NodeInfo<Id> {
        NodeInfo { id, record }
    }

    /// The shared name and private data.
    pub(crate) fn record(&self) -> &Arc<Record> {
        &self.record
    }

    /// Whether this announces `record`'s name and private data (by pointer first).
    pub(crate) fn has_record(&self, record: &Arc<Record>) -> bool {
        self.record == *record
    }

    /// Whether both announce the same name and private data. Clones of one record answer
    /// by pointer, without reading the strings.
    pub fn same_record(&self, other: &NodeInfo<Id>) -> bool {
        self.record == other.record
    }

    /// Whether `other` is a clone of this very record (a pointer comparison only).
    ///
    /// A driver's fast path (the simulator measures each record once), not protocol API:
    /// hidden from the documentation, may change without notice.
    #[doc(hidden)]
    pub fn shares_record(&self, other: &NodeInfo<Id>) -> bool {
        Arc::ptr_eq(&self.record, &other.record)
    }
}

impl<Id: Debug> Debug for NodeInfo<Id> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeInfo")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("private_data", &self.private_data())
            .finish()
    }
}

/// Cluster-wide metadata: bytes ordered last-writer-wins by `version` (Unix ns of the publish).
///
/// [`data`](Metadata::data) is `None` for Go's nil slice (encoded `null`, as in heartbeats)
/// and `Some` for a value, possibly empty (encoded `""`). Cloning is cheap: the value is
/// shared.
///
/// One pointer wide: the unset metadata of a heartbeat (nil, version 0, the
/// [`Default`]) holds nothing, so the millions of heartbeat copies a simulation keeps in
/// flight do not carry 24 bytes each for it.
///
/// ```
/// use pekonode_proto::Metadata;
///
/// let m = Metadata::new(b"v2", 20);
/// assert_eq!((m.data(), m.version()), (Some(&b"v2"[..]), 20));
/// assert_eq!(Metadata::default(), Metadata::from_parts(None, 0));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Metadata(Option<Arc<MetadataValue>>);

/// What a set [`Metadata`] holds.
#[derive(Debug, PartialEq, Eq)]
struct MetadataValue {
    data: Option<Box<[u8]>>,
    version: UnixNanos,
}

impl fmt::Debug for Metadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metadata")
            .field("data", &self.data())
            .field("version", &self.version())
            .finish()
    }
}

impl Metadata {
    /// Metadata with these bytes and this version.
    pub fn new(data: &[u8], version: UnixNanos) -> Metadata {
        Metadata::from_parts(Some(data), version)
    }

    /// Metadata with these bytes (`None`: Go's nil slice) and this version.
    pub fn from_parts(data: Option<&[u8]>, version: UnixNanos) -> Metadata {
        if data.is_none() && version == 0 {
            return Metadata(None);
        }
        Metadata(Some(Arc::new(MetadataValue {
            data: data.map(Box::from),
            version,
        })))
    }

    /// The bytes, `None` when unset (Go's nil slice).
    pub fn data(&self) -> Option<&[u8]> {
        self.0.as_ref().and_then(|v| v.data.as_deref())
    }

    /// The version: Unix time in nanoseconds of the publish; 0 before any.
    pub fn version(&self) -> UnixNanos {
        self.0.as_ref().map_or(0, |v| v.version)
    }

    /// A node's metadata before any publish: empty bytes (not nil) and version 0, as Go's `New`.
    pub fn initial() -> Metadata {
        Metadata::new(&[], 0)
    }

    /// The bytes, empty when unset.
    pub fn bytes(&self) -> &[u8] {
        self.data().unwrap_or(&[])
    }
}
