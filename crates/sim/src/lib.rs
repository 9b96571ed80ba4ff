//! The discrete-event simulator: many protocol nodes on a virtual clock and a seeded network.
//!
//! A [`Plan`] (nodes, protocol settings, network model, timeline, limits) goes in; an
//! [`Outcome`] (every metric of docs/metrics.md) comes out, computed by `pekonode-run`'s
//! observers from the records the simulator emits (the very observers the loopback cluster
//! on real sockets feeds). Events are ordered by (virtual time,
//! sequence number); every random choice comes from ChaCha streams derived from the plan's
//! seed, so the same plan gives the same outcome, bit for bit. Nodes are the very
//! [`pekonode_proto::Node`] the UDP runtime drives, with dense integer identities; packets
//! stay typed (never encoded), their sizes computed without encoding them.
//!
//! A plan that runs SWIM ([`pekonode_run::ProtocolKind::Swim`]) plays on a general engine
//! instead, which drives any protocol behind the seam ([`pekonode_proto::seam::Protocol`])
//! over the same network model into the same observers; infection spread does not apply to
//! it (SWIM has no heartbeats) and is reported as not measured.
//!
//! [`Plan`]: pekonode_run::Plan
//! [`Outcome`]: pekonode_run::Outcome

mod actions;
mod calendar;
mod cause;
mod error;
mod fast;
mod fault_state;
mod faults;
mod general;
mod inspect;
mod links;
mod network;
mod outbox;
mod prefetch;
mod queue;
mod rogue;
mod run_state;
mod simulator;
mod trace;
mod validate;

pub use error::SimError;
pub use fast::Progress;
pub use fault_state::{REPLAYER, ROGUE};
pub use faults::SIM_EPOCH_UNIX_NS;
pub use inspect::{NodeState, NodeView};
pub use simulator::Simulator;
pub use trace::{PacketInfo, TraceEvent, TraceSink};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
