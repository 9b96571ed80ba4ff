//! The sans-IO PekoNode core: one node's state machine, with no sockets, clocks, threads or
//! global randomness.
//!
//! Time arrives with every input as a [`Time`]; randomness comes from the [`ChaCha8Rng`] the
//! driver hands to [`Node::new`]; outputs are drained with `poll_*`. The simulator and the UDP
//! runtime drive this very code, so a behaviour never differs between them.
//!
//! [`ChaCha8Rng`]: rand_chacha::ChaCha8Rng

mod config;
mod event;
mod forwarding;
mod id_map;
mod member;
mod node;
mod packet;
mod time;
mod view;

pub use config::{
    Config, ConfigError, Forwarding, MAX_AMOUNT, MAX_PERIOD, MAX_SIZE, MIN_CYCLE, MIN_SIZE,
};
pub use event::{Decode, Event, RejectReason};
pub use member::{Identity, Metadata, NodeInfo};
pub use node::Node;
pub use packet::{Infected, Packet, PacketKind, Transmit};
pub use time::{Time, UnixNanos};
