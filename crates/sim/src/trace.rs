//! Event traces: an optional sink the simulator calls for every packet sent, delivered, lost
//! or dropped, every view change and every timeline action, with the virtual time.
//!
//! Off by default; a run without a sink pays one predictable branch per event. Set one with
//! [`Simulator::with_trace`](super::Simulator::with_trace). Events come in simulation order,
//! so a trace of one plan is the same on every run.
//!
//! ```
//! use pekonode_run::{Action, Plan, Timed};
//! use pekonode_sim::{Simulator, TraceEvent};
//! use std::{cell::RefCell, rc::Rc, time::Duration};
//!
//! let mut plan = Plan::new(
//!     "two",
//!     vec!["a".into(), "b".into()],
//!     vec![
//!         Timed { at: Duration::ZERO, action: Action::Join { node: 0, contacts: vec![] } },
//!         Timed { at: Duration::ZERO, action: Action::Join { node: 1, contacts: vec![0] } },
//!     ],
//! );
//! plan.duration = Duration::from_secs(10);
//! let sends = Rc::new(RefCell::new(0));
//! let counter = Rc::clone(&sends);
//! let sim = Simulator::new(plan)?.with_trace(Box::new(move |_, e: &TraceEvent<'_>| {
//!     if matches!(e, TraceEvent::Send { .. }) { *counter.borrow_mut() += 1; }
//! }));
//! let outcome = sim.run();
//! assert_eq!(*sends.borrow(), outcome.traffic.sent);
//! # Ok::<(), pekonode_sim::SimError>(())
//! ```

use pekonode_proto::{PacketKind, Time};

use super::queue::Envelope;
use pekonode_run::{DropReason, NodeIndex};

/// A packet as the trace shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketInfo {
    /// Sender.
    pub from: NodeIndex,
    /// Receiver.
    pub to: NodeIndex,
    /// Heartbeat, update or swap.
    pub kind: PacketKind,
    /// The packet's `Node` (the heartbeat's origin; forwarders do not rewrite it).
    pub origin: NodeIndex,
    /// Encoded size in bytes.
    pub bytes: u32,
}

/// One traced event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TraceEvent<'a> {
    /// A node sent a packet.
    Send(PacketInfo),
    /// A packet was handed to its receiver.
    Deliver(PacketInfo),
    /// A packet did not reach its receiver.
    Drop {
        /// The packet.
        packet: PacketInfo,
        /// Why.
        reason: DropReason,
    },
    /// `node` added `member` to its view.
    Learn {
        /// The node whose view changed.
        node: NodeIndex,
        /// The node it now lists.
        member: NodeIndex,
    },
    /// `node` removed `member` from its view (timeout expiry).
    Expire {
        /// The node whose view changed.
        node: NodeIndex,
        /// The node it no longer lists.
        member: NodeIndex,
    },
    /// `node` rejected a packet it was handed (a trust rule, or in sealed mode a forged or
    /// replayed packet), for the protocol's `reason` (`unauthentic`, `admission limit`, ...).
    Reject {
        /// The receiver.
        node: NodeIndex,
        /// The reason's short name.
        reason: &'static str,
    },
    /// A timeline action (join, crash, restart, stop, start, set, publish, partition, heal,
    /// loss change), described as on chart markers: `crash n3`.
    Action {
        /// What happened.
        label: &'a str,
    },
}

/// Where trace events go: called with the virtual time and the event.
pub type TraceSink = Box<dyn FnMut(Time, &TraceEvent<'_>)>;

/// The trace's view of a packet in flight.
pub(crate) fn packet_info(env: &Envelope) -> PacketInfo {
    PacketInfo {
        from: env.from,
        to: env.to,
        kind: env.packet.kind,
        origin: env.packet.node.id,
        bytes: env.len(),
    }
}

pub(crate) fn dropped(env: &Envelope, reason: DropReason) -> TraceEvent<'static> {
    TraceEvent::Drop {
        packet: packet_info(env),
        reason,
    }
}
