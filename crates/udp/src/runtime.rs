//! The driver: one thread per node that waits on the socket with the node's next timer as its
//! timeout, so a datagram goes from the kernel to the state machine without a hand-off.
//!
//! ```text
//!            ┌──────────────── [node thread] ◀── wake: empty datagram to itself ── commands,
//!            │  run due timers (handle_timeout)                                    shutdown
//!            │  set the read timeout to the next timer (≤ MAX_WAIT)
//!  kernel    │  recvmmsg ─── datagrams ─▶ handle_datagram ──┐
//!  receive ──┘       (timeout: loop)                        │ Node
//!  buffer                                                   ▼
//!  (buffer × size, counted drops)   send_to(Endpoint) ◀── drain poll_transmit / poll_event
//!                          user commands lock the Node and drain the same way, then wake it
//! ```
//!
//! The queue between the network and the node is the kernel's receive buffer
//! ([`socket::size_receive_buffer`](super::socket)); datagrams it has no room for are dropped
//! by the kernel and counted ([`socket::kernel_drops`](super::socket)). Datagrams are read up
//! to [`BATCH`](super::batch::BATCH) per system call ([`Batch`]); timers run before every read, so a flood delays
//! them by one batch's handling at most.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::address::{Resolver, Unreachable};
use super::batch::Batch;
use super::codec::Codec;
use super::fault::Fault;
use super::lock::lock;
use super::stats::Counters;
use pekonode_proto::wire::Endpoint;
use pekonode_proto::{self as protocol, Time, Transmit, UnixNanos};

/// The longest the node waits on its socket before it looks at its timers and the shutdown
/// flag again. It bounds how long `leave` or a drop takes if the wake datagram is lost, and
/// keeps the kernel's timeout on its finest timer wheel (under 64 scheduler ticks).
pub(crate) const MAX_WAIT: Duration = Duration::from_millis(50);

/// How far the read timeout in force may exceed the time to the next timer before it is set
/// again: one `setsockopt` per millisecond under load at most, timers at most this late (plus
/// the kernel's rounding of the timeout up to a scheduler tick).
const TIMEOUT_SLACK: Duration = Duration::from_millis(1);

/// The events of a UDP node: the state machine's, with addresses as identities.
pub type Event = protocol::Event<Endpoint>;

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
    /// Where the node's own wake datagrams go: its bound address (loopback if unspecified).
    wake_addr: SocketAddr,
    pub(crate) fault: Mutex<Fault>,
    last_version: Mutex<UnixNanos>,
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
        fault: Fault,
    ) -> Shared {
        let mut wake_addr = local_addr;
        if wake_addr.ip().is_unspecified() {
            wake_addr.set_ip(match wake_addr.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
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
            wake_addr,
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
        self.step_from(None, f);
    }

    /// [`step`](Shared::step) for a datagram from `source`: rejections name it.
    fn step_from(
        &self,
        source: Option<SocketAddr>,
        f: impl FnOnce(&mut protocol::Node<Endpoint>, Time),
    ) {
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
            while let Some(mut event) = node.poll_event() {
                if let protocol::Event::PacketRejected { reason, from, .. } = &mut event {
                    self.counters.rejected(reason);
                    if from.is_none() {
                        *from = source
                            .map(|s| Endpoint::new(&s.ip().to_canonical().to_string(), s.port()));
                    }
                }
                subscribers.retain(|s| s.send(event.clone()).is_ok());
            }
        }
        // The copies of one broadcast are equal packets: Go's JSON of one is the JSON of all,
        // so it is encoded once. Sealed datagrams are encoded each (every one has its nonce).
        let mut encoded: Option<Vec<u8>> = None;
        for (k, t) in out.iter().enumerate() {
            let same = k > 0
                && matches!(self.codec, Codec::Json(_))
                && out.get(k - 1).is_some_and(|prev| prev.packet == t.packet);
            if !same {
                encoded = None;
            }
            self.send(t, &mut encoded);
        }
    }

    /// Runs a user command, then wakes the node's thread: the next timeout may have moved.
    pub(crate) fn command(&self, f: impl FnOnce(&mut protocol::Node<Endpoint>, Time)) {
        self.step(f);
        self.wake();
    }

    /// Ends the node thread's wait on the socket: an empty datagram from its own socket to
    /// itself. Lost only if the receive buffer is full, and then the thread is not waiting;
    /// [`MAX_WAIT`] bounds the rest.
    pub(crate) fn wake(&self) {
        let _ = self.socket.send_to(&[], self.wake_addr);
    }

    /// Sends `t`, encoding it unless `encoded` already holds its datagram (left there for an
    /// equal packet next).
    fn send(&self, t: &Transmit<Endpoint>, encoded: &mut Option<Vec<u8>>) {
        if t.packet.kind == protocol::PacketKind::Heartbeat {
            Counters::bump(&self.counters.heartbeat_packets);
        }
        if lock(&self.fault).drop_next() {
            Counters::bump(&self.counters.dropped_fault);
            return;
        }
        let to = lock(&self.resolver).resolve(&t.to);
        let to = match to {
            Ok(to) => to,
            Err(Unreachable::Unresolved) => {
                Counters::bump(&self.counters.unresolved);
                return;
            }
            Err(Unreachable::NoAddress) => {
                Counters::bump(&self.counters.send_errors);
                return;
            }
        };
        let bytes = encoded.get_or_insert_with(|| self.codec.encode(&t.packet, &t.to));
        match self.socket.send_to(bytes, to) {
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

/// Whether a datagram is one of the node's own wake-ups (empty, from its own socket).
fn is_wake(shared: &Shared, len: usize, from: Option<SocketAddr>) -> bool {
    len == 0 && from == Some(shared.wake_addr)
}

impl Shared {
    /// Runs the node's due timers; returns the time until its next one, at most [`MAX_WAIT`].
    fn run_timers(&self) -> Duration {
        loop {
            let deadline = lock(&self.node).poll_timeout();
            let Some(at) = deadline else {
                return MAX_WAIT;
            };
            let wait = at.saturating_since(self.now());
            if !wait.is_zero() {
                return wait.min(MAX_WAIT);
            }
            self.step(|node, now| node.handle_timeout(now));
        }
    }
}

/// The node thread: runs due timers, waits on the socket until the next one, hands each
/// datagram to the node; until shutdown.
pub(crate) fn run(shared: Arc<Shared>) {
    // Datagrams of `size` bytes or more arrive truncated to `size` and the protocol rejects
    // them: fixed buffers, never a read or an allocation sized by the network.
    let mut batch = Batch::new(shared.size);
    let mut timeout = None;
    while !shared.stopping() {
        let wait = shared.run_timers();
        if timeout.is_none_or(|t: Duration| t.abs_diff(wait) > TIMEOUT_SLACK) {
            // Never zero: std refuses it (it would mean "wait forever").
            let t = wait.max(Duration::from_micros(1));
            if shared.socket.set_read_timeout(Some(t)).is_ok() {
                timeout = Some(t);
            }
        }
        match batch.recv(&shared.socket) {
            Ok(_) => {
                for (datagram, from) in batch.datagrams() {
                    if is_wake(&shared, datagram.len(), from) {
                        continue;
                    }
                    Counters::bump(&shared.counters.received);
                    shared.step_from(from, |node, now| shared.codec.deliver(node, now, datagram));
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
