//! The discrete-event simulator: many protocol nodes on a virtual clock and a seeded network.
//!
//! A [`Plan`] (nodes, protocol settings, network model, timeline, limits) goes in; an
//! [`Outcome`] (every metric of docs/metrics.md) comes out. Events are ordered by (virtual time,
//! sequence number); every random choice comes from ChaCha streams derived from the plan's
//! seed, so the same plan gives the same outcome, bit for bit. Nodes are the very
//! [`pekonode_proto::Node`] the UDP runtime drives, with dense integer identities; packets
//! stay typed (never encoded), their sizes computed by [`pekonode_proto::wire::encoded_len_with_record`].

mod actions;
mod calendar;
mod error;
mod infection;
mod inspect;
mod membership;
mod network;
mod outbox;
pub mod outcome;
mod plan;
mod queue;
mod rng;
mod simulator;
pub mod stats;
mod trace;
mod traffic;

pub use error::SimError;
pub use inspect::{NodeState, NodeView};
pub use network::{Latency, LinkRule, NetworkSpec};
pub use outcome::Outcome;
pub use plan::{bootstrap_contacts, Action, Bootstrap, Limits, NodeIndex, Plan, Timed};
pub use rng::bootstrap_stream;
pub use simulator::{Progress, Simulator, MAX_NODES, SIM_EPOCH_UNIX_NS};
pub use trace::{DropReason, PacketInfo, TraceEvent, TraceSink};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
