//! A runtime for any seam protocol whose packets are bytes and whose nodes are addressed by
//! socket address (SWIM through `pekonode-swim`): one thread and one socket per node.
//!
//! The thread follows the seam's drain rule ([`pekonode_proto::seam`]): a datagram goes to
//! [`handle_packet`](Protocol::handle_packet), a due timer to
//! [`handle_timeout`](Protocol::handle_timeout), then every output is drained: transmits are
//! sent to each destination from the node's socket, events go to a bounded channel, the
//! timeout sets the next wake. Owner commands (join, stop, start, publish, leave) arrive on a
//! channel, and each wakes the thread with an empty datagram to itself.
//!
//! Datagrams longer than the protocol's maximum packet size are dropped before the protocol
//! sees them and counted as rejected, as are those the protocol refuses. Nothing here
//! authenticates a datagram: a protocol that needs it must do it itself (SWIM does not).

mod worker;

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use pekonode_proto::seam::{Protocol, Unsupported};
use pekonode_proto::{Event, UnixNanos};

use crate::error::UdpError;
use crate::fault::{checked_probability, Fault};
use crate::socket;
use crate::stats::{Counters, Stats};

/// Events a node keeps for its owner before it drops new ones (counted in
/// [`SeamNode::events_dropped`]): an owner that stops reading must not grow the node's memory.
pub const EVENT_CAPACITY: usize = 65_536;

/// How long [`SeamNode::publish`] waits for the node's thread to answer.
const ANSWER_WAIT: Duration = Duration::from_secs(5);

/// How a [`SeamNode`] runs, beside its protocol.
#[derive(Clone, Debug)]
pub struct SeamConfig {
    /// Where to listen (`127.0.0.1:0` lets the OS pick a port).
    pub listen: SocketAddr,
    /// The protocol's largest packet in bytes: longer datagrams are dropped unread.
    pub max_packet: usize,
    /// Probability of dropping each datagram before sending (fault injection, 0 … 1).
    pub drop_probability: f64,
    /// Seed of the drop decisions.
    pub seed: u64,
}

/// What the owner asks of the node's thread.
pub(crate) enum Command<Id> {
    Join(Vec<Id>),
    Stop,
    Start,
    Publish(UnixNanos, Vec<u8>, Sender<Result<(), Unsupported>>),
    DropProbability(f64),
    /// Stop taking part (SWIM announces its leave), send what that queues, and end.
    Leave,
}

/// What the thread keeps the owner informed of without a round trip.
#[derive(Debug, Default)]
pub(crate) struct Status {
    pub(crate) members: AtomicUsize,
    pub(crate) active: AtomicBool,
    pub(crate) events_dropped: AtomicUsize,
    pub(crate) shutdown: AtomicBool,
}

/// A protocol node on its own UDP socket and thread. Dropping it is a crash: the thread ends
/// at once (within a read timeout) and the socket is closed, with no goodbye; [`leave`](SeamNode::leave)
/// says goodbye first.
pub struct SeamNode {
    local: SocketAddr,
    commands: Sender<Command<SocketAddr>>,
    events: Option<Receiver<Event<SocketAddr>>>,
    counters: Arc<Counters>,
    status: Arc<Status>,
    /// A second handle on the node's socket: for wake datagrams and the kernel's drop count.
    socket: UdpSocket,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SeamNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeamNode")
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

impl SeamNode {
    /// Binds `config.listen`, builds the protocol with `make(bound address)` and starts its
    /// thread. The node knows no one until [`join`](SeamNode::join).
    pub fn spawn<P, E>(
        config: &SeamConfig,
        make: impl FnOnce(SocketAddr) -> Result<P, E>,
    ) -> Result<SeamNode, UdpError>
    where
        P: Protocol<Id = SocketAddr, Packet = Vec<u8>> + Send + 'static,
        E: std::fmt::Display,
    {
        let fault = Fault::new(config.drop_probability, config.seed)?;
        let addr = config.listen.to_string();
        let socket = UdpSocket::bind(config.listen).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                UdpError::PortInUse { addr: addr.clone() }
            } else {
                UdpError::Bind { addr, source }
            }
        })?;
        socket::size_receive_buffer(&socket, 256, config.max_packet)?;
        let local = socket.local_addr()?;
        let protocol = make(local).map_err(|e| {
            UdpError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                e.to_string(),
            ))
        })?;
        let handle = socket.try_clone()?;
        let (commands, rx) = mpsc::channel();
        let (events_tx, events): (SyncSender<_>, _) = mpsc::sync_channel(EVENT_CAPACITY);
        let counters = Arc::new(Counters::default());
        let status = Arc::new(Status::default());
        let worker = worker::Worker {
            protocol,
            socket,
            max_packet: config.max_packet,
            commands: rx,
            events: events_tx,
            counters: counters.clone(),
            status: status.clone(),
            fault,
        };
        let thread = std::thread::Builder::new()
            .name(format!("seam-{local}"))
            .spawn(move || worker.run())?;
        Ok(SeamNode {
            local,
            commands,
            events: Some(events),
            counters,
            status,
            socket: handle,
            thread: Some(thread),
        })
    }

    /// The address the node is bound to (its identity on the network).
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// Joins the cluster through `contacts` (added to those known on a later call).
    pub fn join(&self, contacts: &[SocketAddr]) {
        self.send(Command::Join(contacts.to_vec()));
    }

    /// Stops taking part (SWIM leaves and falls silent); the socket stays open.
    pub fn stop(&self) {
        self.send(Command::Stop);
    }

    /// Takes part again after [`stop`](SeamNode::stop).
    pub fn start(&self) {
        self.send(Command::Start);
    }

    /// Publishes cluster metadata with `version` (Unix ns); the protocol may not support it.
    /// A node whose thread has ended, or does not answer within seconds, says so as
    /// `Unsupported`.
    pub fn publish(&self, version: UnixNanos, data: &[u8]) -> Result<(), Unsupported> {
        let (tx, rx) = mpsc::channel();
        self.send(Command::Publish(version, data.to_vec(), tx));
        rx.recv_timeout(ANSWER_WAIT)
            .unwrap_or(Err(Unsupported("publishing on a node that is not running")))
    }

    /// Sets the send-path drop probability.
    pub fn set_drop_probability(&self, p: f64) -> Result<(), UdpError> {
        self.send(Command::DropProbability(checked_probability(p)?));
        Ok(())
    }

    /// The node's events, taken once (later calls get `None`). The channel holds at most
    /// [`EVENT_CAPACITY`] unread events.
    pub fn events(&mut self) -> Option<Receiver<Event<SocketAddr>>> {
        self.events.take()
    }

    /// How many other nodes the node holds alive, as of its last step.
    pub fn members(&self) -> usize {
        self.status.members.load(Ordering::Relaxed)
    }

    /// Whether the node takes part in the cluster, as of its last step.
    pub fn is_active(&self) -> bool {
        self.status.active.load(Ordering::Relaxed)
    }

    /// Events dropped because the owner did not read them.
    pub fn events_dropped(&self) -> usize {
        self.status.events_dropped.load(Ordering::Relaxed)
    }

    /// The socket's counters since the node started. `heartbeats` and the sealed-mode
    /// counters stay 0 for a protocol without them.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot(socket::kernel_drops(&self.socket))
    }

    /// Leaves the cluster (the protocol's goodbye is sent), then ends the thread and closes
    /// the socket.
    pub fn leave(mut self) {
        self.send(Command::Leave);
        self.finish();
    }

    fn send(&self, command: Command<SocketAddr>) {
        // A thread that ended has dropped its receiver: the command has nothing to act on.
        let _ = self.commands.send(command);
        self.wake();
    }

    /// An empty datagram to the node's own socket, so that it reads its commands now.
    fn wake(&self) {
        let mut to = self.local;
        if to.ip().is_unspecified() {
            to.set_ip(match to {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = self.socket.send_to(&[], to);
    }

    fn finish(&mut self) {
        self.status.shutdown.store(true, Ordering::Relaxed);
        self.wake();
        if let Some(thread) = self.thread.take() {
            // A panic on the node's thread is not the owner's to re-raise while dropping.
            let _ = thread.join();
        }
    }
}

impl Drop for SeamNode {
    fn drop(&mut self) {
        self.finish();
    }
}
