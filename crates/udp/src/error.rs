//! What can go wrong when a node list starts.

use std::io;

use pekonode_proto::ConfigError;

/// Why a [`NodeList`](super::NodeList) could not start. Nothing is left running or bound.
#[derive(Debug, thiserror::Error)]
pub enum UdpError {
    /// The protocol settings are ones no node could run with.
    #[error("bad config: {0}")]
    Config(#[from] ConfigError),
    /// The listen address is neither an IP address nor a host name that resolves.
    #[error("bad listen address {addr:?}: {reason}")]
    BadAddress {
        /// The address as given.
        addr: String,
        /// Why it was refused.
        reason: String,
    },
    /// Another socket already holds this address and port.
    #[error("address {addr} is already in use")]
    PortInUse {
        /// The `ip:port` that could not be bound.
        addr: String,
    },
    /// The socket could not be bound for another reason (permissions, no such interface, ...).
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The `ip:port` that could not be bound.
        addr: String,
        /// The operating system's error.
        source: io::Error,
    },
    /// A drop probability outside 0 … 1 (fault injection, [`Config::drop_probability`](super::Config)).
    #[error("drop probability {0} is not between 0 and 1")]
    DropProbability(f64),
    /// What this node would send can never be received: its encoding reaches the size limit
    /// (every node drops datagrams of `size` bytes or more).
    #[error(
        "{what} would be {bytes} bytes on the wire, but datagrams of {size} bytes or more are \
         dropped: shorten it or raise size"
    )]
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// Its encoded length.
        bytes: usize,
        /// The size limit.
        size: usize,
    },
    /// Both a secret key and a keyring: sealed mode authenticates with the keyring, and the
    /// secret key's digest would add nothing but bytes.
    #[error("a secret key and a keyring are both set: a sealed cluster uses the keyring only")]
    KeyAndKeyring,
    /// This node's codec is not sealed, so it has no keyring to change.
    #[error("this node is not in sealed mode: it has no keyring")]
    NotSealed,
    /// The socket could not be set up, or a runtime thread could not be spawned.
    #[error("cannot start the runtime: {0}")]
    Io(#[from] io::Error),
}
