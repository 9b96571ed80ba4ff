//! The driver: two threads that move bytes and time between one socket and one state machine.
//!
//! ```text
//!  socket ──recv_from──▶ [receiver thread] ──try_send──▶ queue (buffer) ──▶ [driver thread]
//!     ▲                     (drops + counts when full)                          │ handle_datagram
//!     │                                                                         │ handle_timeout
//!     └──────────────── send_to(Endpoint) ◀── drain poll_transmit ◀─── Node ◀───┘
//!                                         user commands lock the Node and drain the same way
//! ```

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::address::Resolver;
use super::codec::Codec;
use super::fault::Fault;
use super::stats::Counters;
use pekonode_proto::wire::Endpoint;
use pekonode_proto::{self as protocol, Time, Transmit, UnixNanos};

/// How long a blocking `recv_from` waits before the receiver checks for shutdown. It bounds how
/// long `leave` or a drop takes.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_millis(50);

/// How long the driver sleeps when the node has nothing scheduled (a stopped, empty node).
const IDLE: Duration = Duration::from_secs(1);

/// The events of a UDP node: the state machine's, with addresses as identities.
pub type Event = protocol::Event<Endpoint>;

/// What the receiver thread and commands put in the driver's queue.
pub(crate) enum Inbox {
    /// A datagram, truncated to `size` bytes.
    Datagram(Vec<u8>),
    /// Something changed outside the queue (a command, shutdown): recompute the wait.
    Wake,
}

/// The system clock in Unix ns (0 before 1970, saturated far in the future).
pub(crate) fn wall_nanos() -> UnixNanos {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Everything the threads and the [`NodeList`](super::NodeList) handle share.
pub(crate) struct Shared {
    pub(crate) node: Mutex<protocol::Node<Endpoint>>,
    pub(crate) socket: UdpSocket,
    pub(crate) codec: Codec,
    pub(crate) size: usize,
    pub(crate) start: Instant,
    pub(crate) resolver: Mutex<Resolver>,
    pub(crate) subscribers: Mutex<Vec<Sender<Event>>>,
    pub(crate) counters: Counters,
    pub(crate) shutdown: AtomicBool,
    pub(crate) wake: SyncSender<Inbox>,
    pub(crate) fault: Mutex<Fault>,
    last_version: Mutex<UnixNanos>,
}

/// Locks `m`, taking the data even if a thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        node: protocol::Node<Endpoint>,
        socket: UdpSocket,
        local_addr: SocketAddr,
        codec: Codec,
        size: usize,
        start: Instant,
        wake: SyncSender<Inbox>,
        fault: Fault,
    ) -> Shared {
        Shared {
            node: Mutex::new(node),
            socket,
            codec,
            size,
            start,
            resolver: Mutex::new(Resolver::new(local_addr)),
            subscribers: Mutex::new(Vec::new()),
            counters: Counters::default(),
            shutdown: AtomicBool::new(false),
            wake,
            fault: Mutex::new(fault),
            last_version: Mutex::new(0),
        }
    }

    /// The core's clock: time elapsed since the runtime started.
    pub(crate) fn now(&self) -> Time {
        Time::from_micros(u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX))
    }

    /// A metadata version: the wall clock in Unix ns, strictly above this node's last one.
    pub(crate) fn next_version(&self) -> UnixNanos {
        let wall = wall_nanos();
        let mut last = lock(&self.last_version);
        *last = wall.max(last.saturating_add(1));
        *last
    }

    /// Runs one input or command on the node, then obeys the drain rule: events go to the
    /// subscribers (under the lock, so they keep their order), transmits to the socket.
    pub(crate) fn step(&self, f: impl FnOnce(&mut protocol::Node<Endpoint>, Time)) {
        let mut out = Vec::new();
        {
            let mut node = lock(&self.node);
            let now = self.now();
            f(&mut node, now);
            // A new heartbeat of this node: the protocol marks its copies (hop 1, own origin).
            let mut emission = None;
            while let Some(t) = node.poll_transmit() {
                if let Some((origin, lineage)) = t.heartbeat() {
                    if lineage.hops == 1
                        && *origin == node.local().id
                        && emission != Some(lineage.emission)
                    {
                        emission = Some(lineage.emission);
                        Counters::bump(&self.counters.heartbeats);
                    }
                }
                out.push(t);
            }
            let mut subscribers = lock(&self.subscribers);
            while let Some(event) = node.poll_event() {
                if let protocol::Event::PacketRejected { reason, .. } = &event {
                    self.counters.rejected(reason);
                }
                subscribers.retain(|s| s.send(event.clone()).is_ok());
            }
        }
        for t in out {
            self.send(t);
        }
    }

    /// Runs a user command, then wakes the driver: the next timeout may have moved.
    pub(crate) fn command(&self, f: impl FnOnce(&mut protocol::Node<Endpoint>, Time)) {
        self.step(f);
        // A full queue means the driver is about to wake anyway.
        let _ = self.wake.try_send(Inbox::Wake);
    }

    fn send(&self, t: Transmit<Endpoint>) {
        if t.packet.kind == protocol::PacketKind::Heartbeat {
            Counters::bump(&self.counters.heartbeat_packets);
        }
        if lock(&self.fault).drop_next() {
            Counters::bump(&self.counters.dropped_fault);
            return;
        }
        let to = lock(&self.resolver).resolve(&t.to);
        let Some(to) = to else {
            Counters::bump(&self.counters.send_errors);
            return;
        };
        let bytes = self.codec.encode(&t.packet);
        match self.socket.send_to(&bytes, to) {
            Ok(len) => {
                Counters::bump(&self.counters.sent);
                self.counters
                    .bytes_sent
                    .fetch_add(len as u64, Ordering::Relaxed);
            }
            Err(_) => Counters::bump(&self.counters.send_errors),
        }
    }

    fn stopping(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }
}

/// The receiver thread: reads datagrams into the bounded queue until shutdown.
pub(crate) fn receive(shared: Arc<Shared>, queue: SyncSender<Inbox>) {
    let mut buf = vec![0u8; shared.size];
    while !shared.stopping() {
        match shared.socket.recv_from(&mut buf) {
            Ok(_) if shared.stopping() => return,
            Ok((len, _from)) => {
                Counters::bump(&shared.counters.received);
                let datagram = Inbox::Datagram(buf[..len].to_vec());
                match queue.try_send(datagram) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_)) => Counters::bump(&shared.counters.queue_full),
                    Err(TrySendError::Disconnected(_)) => return,
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // Other errors (an ICMP error reported on some systems, say) are transient: pause
            // briefly so that a persistent one cannot spin a core.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// The driver thread: feeds queued datagrams and due timeouts to the node until shutdown.
pub(crate) fn drive(shared: Arc<Shared>, inbox: Receiver<Inbox>) {
    while !shared.stopping() {
        let deadline = lock(&shared.node).poll_timeout();
        let wait = match deadline {
            Some(at) => at.saturating_since(shared.now()),
            None => IDLE,
        };
        if wait.is_zero() {
            shared.step(|node, now| node.handle_timeout(now));
            continue;
        }
        match inbox.recv_timeout(wait) {
            Ok(Inbox::Datagram(bytes)) => {
                shared.step(|node, now| shared.codec.deliver(node, now, &bytes))
            }
            Ok(Inbox::Wake) => {}
            Err(RecvTimeoutError::Timeout) => shared.step(|node, now| node.handle_timeout(now)),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
