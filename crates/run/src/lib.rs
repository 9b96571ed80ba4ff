//! # pekonode-run
//!
//! One run of a PekoNode cluster, whichever driver plays it: what to run ([`Plan`]), what
//! happened ([`Record`]), and what it measured ([`Outcome`]), computed by one set of
//! [`Observers`]. The simulator (`pekonode-sim`) and the loopback cluster on real sockets
//! (the `pekonode` crate's `cluster`) both take a [`Plan`] and both emit records into the same
//! observers, so a metric has one definition whatever the driver. A plan runs PekoNode or SWIM
//! ([`ProtocolKind`]). This crate depends on the protocol crates only (`pekonode-proto`, and
//! `pekonode-swim` for SWIM's knobs): no driver, no I/O.
//!
//! ```
//! use pekonode_proto::{Config, Time};
//! use pekonode_run::{Action, Measured, Observers, Plan, Record, Timed};
//! use std::time::Duration;
//!
//! let plan = Plan::new(
//!     "two",
//!     vec!["a".into(), "b".into()],
//!     vec![Timed { at: Duration::ZERO, action: Action::Join { node: 0, contacts: vec![] } }],
//! );
//! let config = plan.config.resolve().unwrap();
//! let mut observers = Observers::new(&plan, &config, Measured::ALL);
//! observers.record(Time::ZERO, Record::Fresh { node: 0 });
//! observers.record(Time::ZERO, Record::Up { node: 0 });
//! let outcome = observers.finish(&plan, Time::from_secs(1), None, Vec::new());
//! assert_eq!(outcome.convergence.final_fraction, 1.0);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attacks;
mod bootstrap;
mod faults;
pub mod guard;
mod invariant;
mod invariant_builtin;
mod invariant_packets;
mod invariant_protocol;
mod invariant_state;
#[cfg(test)]
mod invariant_tests;
mod invariant_versions;
mod invariant_views;
mod nemesis;
mod network;
mod node_index;
mod observe;
pub mod outcome;
mod plan;
mod player;
mod protocol;
mod record;
pub mod seeds;
pub mod stats;

pub use bootstrap::{assign_contacts, bootstrap_contacts, bootstrap_joins, timeline_of, Bootstrap};
pub use faults::{Forge, Forgery, Nemesis, NemesisFault, REPLAY_CAPTURE};
pub use invariant::{stop_for, Breach, Invariant, Moment, PacketLedger, RunState, INVARIANT_LIMIT};
pub use invariant_builtin::built_in as built_in_invariants;
pub use network::{Latency, LinkRule, NetworkSpec};
pub use node_index::NodeIndex;
pub use observe::{Measured, Observers};
pub use outcome::Outcome;
pub use outcome::Violation;
pub use plan::{Action, Limits, Plan, Timed, MAX_NODES};
pub use player::{Command, Driver, Fault, NetworkChange, Player};
pub use protocol::{ProtocolKind, SwimSettings};
pub use record::{Counts, DownCause, DropReason, Record};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
