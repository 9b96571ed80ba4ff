//! # pekonode
//!
//! A Rust toolkit for the PekoNode gossip protocol: nodes keep a shared node list by
//! infection-style heartbeats over UDP, expire silent nodes, and share cluster metadata by
//! rumor and anti-entropy.
//!
//! - [`protocol`]: the sans-IO state machine of one node ([`protocol::Node`]), with Go
//!   PekoNode's `faithful` forwarding and our `first-copy` fix.
//! - [`wire`]: the PekoNode JSON codec, byte-compatible with Go PekoNode v1.0.8.
//! - [`sim`]: the discrete-event simulator: many nodes on a virtual clock and a seeded
//!   network model, measured by observers into an [`sim::Outcome`].
//! - [`udp`]: the real runtime: that state machine on a UDP socket, behind Go PekoNode's API
//!   ([`udp::NodeList`]: new / set / get / join / stop / start / publish / read).
//!
//! ```
//! use pekonode::protocol::{Config, Node, NodeInfo, Time};
//! use pekonode::wire::{Endpoint, JsonCodec};
//! use rand::SeedableRng;
//!
//! let a = Endpoint::new("127.0.0.1", 8000);
//! let rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
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

pub mod experiment;
pub mod protocol;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod study;
pub mod udp;
pub mod wire;
