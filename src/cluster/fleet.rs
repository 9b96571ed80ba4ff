//! What the loopback cluster asks of its running nodes, whatever protocol they run: the one
//! [`Driver`](crate::run::Driver) (`Loopback`) interprets a plan's actions through this, for
//! PekoNode's node lists ([`Members`](super::members::Members)) and for SWIM's seam nodes
//! ([`SwimMembers`](super::swim_members::SwimMembers)).

use pekonode_proto::UnixNanos;

use crate::run::{NodeIndex, Record};

use super::error::ClusterError;
use super::totals::Totals;

/// The nodes of one loopback cluster, by plan index.
pub(crate) trait Fleet {
    /// Whether node `i` is up (running and taking part: the up set of docs/metrics.md).
    fn is_up(&self, i: usize) -> bool;
    /// Whether node `i` has a process (joined, perhaps stopped; a reserved socket is none).
    fn running(&self, i: usize) -> bool;
    /// Binds node `i`'s socket ahead of its join, so that nodes joining at one instant know
    /// each other's ports. A node that runs already, or ran before, is left alone.
    fn reserve(&mut self, i: usize) -> Result<(), ClusterError>;
    /// A process for node `i` with fresh state, not yet joined (first join or restart), on
    /// its old port when free; a note says when it had to take another.
    fn spawn(&mut self, i: usize) -> Result<Option<String>, ClusterError>;
    /// Node `i`'s process dies (thread stopped, socket closed, no goodbye), its counters
    /// kept. Returns whether it was running.
    fn crash(&mut self, i: usize) -> bool;
    /// Node `i` joins through the contacts that have an address: it is up.
    fn join(&mut self, i: usize, contacts: &[NodeIndex]);
    /// Node `i` adds node `contact`.
    fn set(&mut self, i: usize, contact: usize);
    /// Node `i` stops taking part; returns whether it was up.
    fn stop(&mut self, i: usize) -> bool;
    /// Node `i` takes part again; returns whether it came up.
    fn start(&mut self, i: usize) -> bool;
    /// Node `i` publishes cluster metadata; the version it took (0 if it is not running).
    fn publish(&mut self, i: usize, data: &[u8]) -> Result<UnixNanos, ClusterError>;
    /// Sets the send-path drop probability of every node, running or future.
    fn set_drop_probability(&mut self, p: f64) -> Result<(), ClusterError>;
    /// What the nodes saw since the last call, as the observers' records (members that are
    /// no node of the plan are not followed).
    fn records(&self) -> Vec<Record<'static>>;
    /// Counters summed over every node the run had, crashed ones included.
    fn totals(&self) -> Totals;
    /// Stops every node (threads joined, sockets closed), keeping their counters.
    fn shutdown(&mut self);
}
