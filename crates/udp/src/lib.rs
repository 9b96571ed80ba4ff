//! # pekonode-udp
//!
//! The real UDP runtime: the sans-IO [`protocol::Node`](pekonode_proto::Node) on a socket,
//! behind Go PekoNode's API ([`NodeList`]).
//!
//! This module only moves bytes and time: datagrams in, `Time` (elapsed since the runtime
//! started) and wall-clock metadata versions in, transmits out. Every protocol rule lives in
//! [`protocol`](pekonode_proto); the codec is [`wire::JsonCodec`](pekonode_proto::wire::JsonCodec).
//!
//! Other seam protocols whose packets are bytes and whose nodes are socket addresses (SWIM
//! through `pekonode-swim`) run on [`SeamNode`], the same one-socket-one-thread model without
//! PekoNode's codec, sealing and address book. Their datagrams are not authenticated.
//!
//! # Concurrency model
//!
//! Each node has **one socket and one std thread**. The thread runs the node's due timers, then
//! waits on the socket with the time to the next timer as its read timeout (at most 50 ms) and
//! hands each datagram straight to the node: no queue, no hand-off between threads. The queue
//! is the kernel's receive buffer, sized for at least `buffer` datagrams of `size` bytes and at
//! least 4 MiB (capped by the OS: `net.core.rmem_max` on Linux); datagrams it has no room for
//! are dropped by the kernel and counted in [`Stats::queue_full`] (Linux), where Go blocks its
//! reader. User commands lock the node, run, drain its outputs, and wake the thread with an
//! empty datagram from its socket to itself (the next timer may have moved). Sends leave from
//! the node's own socket (Go opens a socket per packet).
//!
//! Why not an async runtime: a node does one blocking receive per datagram and a few sends,
//! which one thread does with no hand-off at all; std threads keep the crate free of a runtime
//! its users may not want, keep the order of inputs obvious (one lock, one thread), and make
//! shutdown simple and bounded: set a flag and wake the thread; it notices at once (within
//! 50 ms at worst), after which the socket is closed and the port is free.
//!
//! # Addresses
//!
//! A node listens on `listen_addr:port` and announces `addr:port`. Packets go to the announced
//! `Node.Addr:Node.Port` of their target, never to a datagram's source address; `0.0.0.0`
//! means this machine (as in Go); IPv6 works. Host names are looked up by lookup threads,
//! never on the node's thread (a name from the network must not stall the node), and cached
//! for a minute; names given with [`NodeList::set`] are looked up at once on the caller's
//! thread and kept.

mod address;
mod batch;
mod codec;
mod config;
mod error;
mod fault;
mod lock;
mod node;
mod node_list;
mod runtime;
mod seam;
mod socket;
mod stats;

pub use address::{system_lookup, NameLookup};
pub use config::Config;
pub use error::UdpError;
pub use fault::checked_probability;
pub use node::Node;
pub use node_list::NodeList;
pub use runtime::Event;
pub use seam::{SeamConfig, SeamNode, EVENT_CAPACITY};
pub use stats::Stats;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
