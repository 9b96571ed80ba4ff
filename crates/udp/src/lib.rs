//! # pekonode-udp
//!
//! The real UDP runtime: the sans-IO [`protocol::Node`](pekonode_proto::Node) on a socket,
//! behind Go PekoNode's API ([`NodeList`]).
//!
//! This module only moves bytes and time: datagrams in, `Time` (elapsed since the runtime
//! started) and wall-clock metadata versions in, transmits out. Every protocol rule lives in
//! [`protocol`](pekonode_proto); the codec is [`wire::JsonCodec`](pekonode_proto::wire::JsonCodec).
//!
//! # Concurrency model
//!
//! Each node has **one socket and two std threads**: a receiver blocked in `recv_from` with a
//! 50 ms read timeout, pushing datagrams into a bounded queue of `buffer` entries (full ⇒
//! dropped and counted, where Go blocks its reader), and a driver that sleeps on that queue
//! until the node's next timeout, then feeds it datagrams and timeouts. User commands lock the
//! node, run, drain its outputs and wake the driver. Sends leave from the node's own socket
//! (Go opens a socket per packet).
//!
//! Why not an async runtime: a node does one blocking receive and a few sends per cycle, so
//! two threads cost nothing worth saving; std threads keep the crate free of a runtime its
//! users may not want, keep the order of inputs obvious (one lock, one queue), and make
//! shutdown simple and bounded: set a flag and poke the receiver with an empty datagram to
//! itself; both threads notice at once (within one read timeout at worst), after which the
//! socket is closed and the port is free.
//!
//! # Addresses
//!
//! A node listens on `listen_addr:port` and announces `addr:port`. Packets go to the announced
//! `Node.Addr:Node.Port` of their target, never to a datagram's source address; `0.0.0.0`
//! means this machine (as in Go); host names are resolved (cached for a minute); IPv6 works.

mod address;
mod codec;
mod config;
mod error;
mod fault;
mod node;
mod node_list;
mod runtime;
mod stats;

pub use config::Config;
pub use error::UdpError;
pub use fault::checked_probability;
pub use node::Node;
pub use node_list::NodeList;
pub use runtime::Event;
pub use stats::Stats;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
