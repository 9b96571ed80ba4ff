//! What happened during a run, as both drivers tell it: one stream of records, in time
//! order, from which [`Observers`](crate::Observers) compute every metric.
//!
//! The simulator emits a record for every packet it sends, delivers or drops and for every
//! event its nodes emit. The loopback cluster on real sockets emits the same membership and
//! metadata records (from its nodes' events) and its traffic as socket counters
//! ([`Record::Counted`]): a socket cannot see a packet's fate one by one, and what it cannot
//! observe is marked as not measured ([`Measured`](crate::Measured)).

use pekonode_proto::{Event, PacketKind, UnixNanos};

use crate::faults::NemesisFault;
use crate::node_index::NodeIndex;
use crate::plan::Action;

/// Why a packet did not reach its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Lost by the network (loss probability).
    Lost,
    /// Cut by a partition.
    Partition,
    /// `size` bytes or more.
    Oversize,
    /// The receiver's queue (`buffer`) was full.
    Queue,
    /// The receiver was not running.
    Down,
}

impl DropReason {
    /// A short name: `lost`, `partition`, `oversize`, `queue`, `down`.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::Partition => "partition",
            DropReason::Oversize => "oversize",
            DropReason::Queue => "queue",
            DropReason::Down => "down",
        }
    }
}

/// Why a node left the up set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DownCause {
    /// PekoNode's `Stop`: the node runs on, without heartbeats.
    Stop,
    /// The process died: its state is gone.
    Crash,
}

impl DownCause {
    /// `stop` or `crash`, as failure-detection rows name it.
    pub fn name(self) -> &'static str {
        match self {
            DownCause::Stop => "stop",
            DownCause::Crash => "crash",
        }
    }
}

/// Socket counters grown since the last [`Record::Counted`] (real sockets).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Datagrams sent (handed to the socket or dropped by fault injection on the way).
    pub sent: u64,
    /// Of those, heartbeat datagrams (own and forwarded).
    pub heartbeat_packets: u64,
    /// Heartbeats started (one per broadcast of a node's own heartbeat).
    pub heartbeats: u64,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Datagrams handed to a node's state machine.
    pub delivered: u64,
    /// Dropped by fault injection (the plan's loss).
    pub lost: u64,
    /// Dropped on a full receive queue.
    pub dropped_queue: u64,
}

/// One thing that happened at one instant of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Record<'a> {
    /// A timeline action is played (chart marks, per-event convergence).
    Action(&'a Action),
    /// `node` starts with fresh state (first join, restart): its view holds only itself and
    /// its metadata is unset.
    Fresh {
        /// The node.
        node: NodeIndex,
    },
    /// `node` started heartbeating: it joins the up set.
    Up {
        /// The node.
        node: NodeIndex,
    },
    /// `node` leaves the up set; for a crash, its state goes right after ([`Record::Gone`]).
    Down {
        /// The node.
        node: NodeIndex,
        /// Why.
        cause: DownCause,
    },
    /// `node`'s process and state are gone (after a crash).
    Gone {
        /// The node.
        node: NodeIndex,
    },
    /// `node`'s view gained `member` (`MemberJoined`).
    ViewAdded {
        /// The node whose view changed.
        node: NodeIndex,
        /// The node it now lists.
        member: NodeIndex,
    },
    /// `node`'s view lost `member` (`MemberExpired`).
    ViewRemoved {
        /// The node whose view changed.
        node: NodeIndex,
        /// The node it no longer lists.
        member: NodeIndex,
    },
    /// `node` adopted metadata of `version` (`MetadataChanged`, its own publish included).
    Metadata {
        /// The node.
        node: NodeIndex,
        /// The version it now holds.
        version: UnixNanos,
    },
    /// `node` published metadata of `version`: its spread is watched from now on.
    Published {
        /// The node.
        node: NodeIndex,
        /// The published version.
        version: UnixNanos,
    },
    /// `node` sent the first copy of a new heartbeat of its own (the protocol's lineage says
    /// so): the observers number heartbeats in this order, from 0
    /// ([`Observers::next_heartbeat`](crate::Observers::next_heartbeat)).
    Emitted {
        /// The origin.
        node: NodeIndex,
    },
    /// A packet left its sender.
    Sent {
        /// What it is.
        kind: PacketKind,
        /// Encoded size.
        bytes: u64,
    },
    /// The network made a second copy of a packet.
    Duplicated,
    /// A packet was handed to its receiver's state machine.
    Delivered {
        /// The receiver.
        to: NodeIndex,
        /// Encoded size.
        bytes: u64,
        /// The tracked heartbeat it is a copy of and the hops it took, if any.
        heartbeat: Option<(u64, u16)>,
    },
    /// A packet did not reach its receiver.
    Dropped {
        /// Why.
        reason: DropReason,
    },
    /// `node` rejected a packet (the protocol's reason, [`RejectReason::kind`]).
    ///
    /// [`RejectReason::kind`]: pekonode_proto::RejectReason::kind
    Rejected {
        /// The receiver.
        node: NodeIndex,
        /// Why, as the protocol names it.
        reason: &'static str,
    },
    /// A rogue sender injected a packet (forged or replayed).
    Forged,
    /// A packet waits for a paused node.
    Held,
    /// A nemesis started a fault of this kind (the [`Record::Action`] that plays it follows).
    NemesisFault(NemesisFault),
    /// Real sockets: counters grown since the previous such record.
    Counted(Counts),
}

impl Record<'static> {
    /// What node `node`'s protocol event means to the observers, in both drivers: a view
    /// change, adopted metadata or a rejected packet. `index` maps a member's identity to its
    /// node index; a member that is no node of the plan (a stranger, a forged identity) is
    /// not followed (`None`), nor is an event the metrics do not use.
    #[inline]
    pub fn of_event<Id>(
        node: NodeIndex,
        event: &Event<Id>,
        index: impl Fn(&Id) -> Option<NodeIndex>,
    ) -> Option<Record<'static>> {
        match event {
            Event::MemberJoined(info) => {
                index(&info.id).map(|member| Record::ViewAdded { node, member })
            }
            Event::MemberExpired(id) => {
                index(id).map(|member| Record::ViewRemoved { node, member })
            }
            Event::MetadataChanged { version } => Some(Record::Metadata {
                node,
                version: *version,
            }),
            Event::PacketRejected { reason, .. } => Some(Record::Rejected {
                node,
                reason: reason.kind(),
            }),
            _ => None,
        }
    }
}
