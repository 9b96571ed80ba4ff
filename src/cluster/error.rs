//! Why a loopback cluster run could not start or go on.

use crate::udp::UdpError;

/// What stops a [`run`](super::run) before it measured anything useful.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// A node could not start (no free port, too many threads, bad config, ...).
    #[error("a node could not start: {0}")]
    Node(#[from] UdpError),
    /// The plan names a node index it does not have.
    #[error("the plan names node {0}, which it does not have")]
    NoSuchNode(usize),
    /// The plan asks for something real sockets on one machine cannot play.
    #[error("cannot play on loopback: {0}")]
    Unplayable(String),
    /// A setting no run could use (empty cluster, zero sample interval, bad time scale, ...).
    #[error("bad cluster setting: {0}")]
    Setting(String),
}
