//! # pekonode
//!
//! A Rust toolkit for the PekoNode gossip protocol: nodes keep a shared node list by
//! infection-style heartbeats over UDP, expire silent nodes, and share cluster metadata by
//! rumor and anti-entropy.
//!
//! This is the testbed crate of a workspace whose layers the compiler enforces:
//!
//! - [`protocol`] (crate `pekonode-proto`): the sans-IO state machine of one node
//!   ([`protocol::Node`]), with Go PekoNode's `faithful` forwarding and our `first-copy` fix,
//!   and [`wire`], the PekoNode JSON codec, byte-compatible with Go PekoNode v1.0.8. It
//!   depends on no other crate of ours.
//! - [`run`] (crate `pekonode-run`): one run, whichever driver plays it: the run description
//!   ([`run::Plan`]), the record stream both drivers emit, and the observers that compute
//!   every metric from it into a [`run::Outcome`]. It depends on the protocol crate only.
//! - [`sim`] (crate `pekonode-sim`): the discrete-event simulator: many nodes on a virtual
//!   clock and a seeded network model. It depends on the protocol and run crates, never on
//!   the UDP runtime.
//! - [`udp`] (crate `pekonode-udp`): the real runtime: that state machine on a UDP socket,
//!   behind Go PekoNode's API ([`udp::NodeList`]: new / set / get / join / stop / start /
//!   publish / read). It depends on the protocol crate only, never on the simulator nor on
//!   the run crate.
//! - This crate: scenario files ([`scenario`]), running them ([`experiment`]), the loopback
//!   cluster on real sockets ([`cluster`]), studies ([`study`]), reports ([`report`]), a
//!   builder for protocol regression tests in `cargo test` ([`testing`]) and the `pekonode`
//!   binary.
//!
//! ```
//! use pekonode::protocol::{ChaCha8Rng, Config, Node, NodeInfo, SeedableRng, Time};
//! use pekonode::wire::{Endpoint, JsonCodec};
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

pub mod advise;
pub mod cluster;
pub mod experiment;
pub mod explore;
pub mod files;
pub mod keys;
pub mod report;
pub mod revision;
pub mod scenario;
pub mod study;
pub mod testing;

pub use pekonode_proto as protocol;
pub use pekonode_proto::wire;
pub use pekonode_run as run;
pub use pekonode_sim as sim;
pub use pekonode_swim as swim;
pub use pekonode_udp as udp;
