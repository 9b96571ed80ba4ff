//! # pekonode-proto
//!
//! The sans-IO PekoNode core: one node's state machine, with no sockets, clocks, threads or
//! global randomness, and the PekoNode JSON wire codec ([`wire`]), byte-compatible with Go
//! PekoNode v1.0.8.
//!
//! Time arrives with every input as a [`Time`]; randomness comes from the [`ChaCha8Rng`] the
//! driver hands to [`Node::new`] (re-exported here with [`SeedableRng`], so a caller needs no
//! `rand_chacha` of a matching version); outputs are drained with `poll_*`. The simulator and
//! the UDP runtime drive this very code, so a behaviour never differs between them.
//!
//! **The drain rule**: after every input (`handle_*`) or command (`set`, `join`, `stop`,
//! `start`, `publish`), drain [`Node::poll_transmit`] and [`Node::poll_event`] until `None`,
//! then read [`Node::poll_timeout`].
//!
//! ```
//! use pekonode_proto::wire::{Endpoint, JsonCodec};
//! use pekonode_proto::{ChaCha8Rng, Config, Node, NodeInfo, SeedableRng, Time};
//!
//! let a = Endpoint::new("127.0.0.1", 8000);
//! let rng = ChaCha8Rng::seed_from_u64(1);
//! let mut node = Node::new(NodeInfo::new(a, "A"), Config::default(), rng, Time::ZERO).unwrap();
//! node.set(Time::ZERO, NodeInfo::bare(Endpoint::new("127.0.0.1", 8001)));
//! node.join(Time::ZERO);
//! let codec = JsonCodec::new("");
//! let first = node.poll_transmit().unwrap();
//! let bytes = codec.encode(&first.packet);
//! assert!(bytes.starts_with(br#"{"Node":{"Addr":"127.0.0.1","Port":8000,"Name":"A""#));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod seam;
pub mod wire;

mod clock;
mod config;
mod event;
mod forwarding;
mod id_map;
mod member;
mod node;
mod packet;
mod probation;
mod slot;
mod time;
mod trust;
mod view;

pub use config::{
    Config, ConfigError, Forwarding, DEFAULT_AMOUNT, DEFAULT_CYCLE, DEFAULT_SIZE, HARDENED_REJOIN,
    MAX_AMOUNT, MAX_BUFFER, MAX_PERIOD, MAX_SIZE, MIN_CYCLE, MIN_SIZE,
};
pub use event::{Decode, Event, RejectReason};
pub use member::{Identity, Metadata, NodeInfo};
pub use node::{Node, MAX_CONTACTS};
pub use packet::{Infected, Lineage, Packet, PacketKind, Transmit};
pub use probation::MAX_PROBATION;
pub use slot::Slot;
pub use time::{Time, UnixNanos};
pub use trust::Trust;

/// Seeds a [`ChaCha8Rng`]: `ChaCha8Rng::seed_from_u64(seed)`.
pub use rand_chacha::rand_core::SeedableRng;
/// The random stream a [`Node`] draws from, re-exported so callers use the very version the
/// node takes.
pub use rand_chacha::ChaCha8Rng;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
