//! `NodeList`: Go PekoNode's API for Rust users, on a real UDP socket.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::address::bind_addr;
use super::codec::Codec;
use super::config::Config;
use super::error::UdpError;
use super::fault::Fault;
use super::lock::lock;
use super::node::Node;
use super::runtime::{self, Event, Shared};
use super::socket;
use super::stats::Stats;
use pekonode_proto::wire::Keyring;
use pekonode_proto::{self as protocol, Infected, Metadata, Packet, PacketKind, Time};

/// One PekoNode node on a UDP socket: Go's `NodeList`, with the same methods.
///
/// [`new`](NodeList::new) binds the socket and starts the runtime; [`join`](NodeList::join)
/// starts heartbeating. Every method takes `&self`, so a `NodeList` can be shared between
/// threads (in an `Arc`). Dropping it, or calling [`leave`](NodeList::leave), stops the threads
/// and closes the socket at once (within a 50 ms read timeout at worst); the port is free
/// afterwards.
///
/// ```
/// use pekonode_udp::{Config, Node, NodeList};
/// use std::time::Duration;
///
/// # fn main() -> Result<(), pekonode_udp::UdpError> {
/// let config = Config { cycle: Duration::from_secs(1), listen_addr: "127.0.0.1".into(), ..Config::default() };
/// // Port 0: the OS picks one; `local()` tells which.
/// let a = NodeList::new(Node::new("127.0.0.1", 0, "A"), config.clone())?;
/// let b = NodeList::new(Node::new("127.0.0.1", 0, "B"), config)?;
/// let events = b.events();
/// b.set(a.local().clone()); // B knows A...
/// a.join();
/// b.join(); // ...and joins the cluster through it.
/// a.publish(b"hello")?;
/// // B's events: A joined, metadata changed, ...
/// for _ in 0..100 {
///     if b.read() == b"hello" && b.get().len() == 2 { break; }
///     if let Ok(event) = events.recv_timeout(Duration::from_millis(100)) {
///         println!("B: {event:?}");
///     }
/// }
/// println!("{:?}", b.get()); // [Node { name: "A", .. }, Node { name: "B", .. }]
/// assert_eq!(b.read(), b"hello");
/// # Ok(())
/// # }
/// ```
pub struct NodeList {
    shared: Arc<Shared>,
    local: Node,
    local_addr: SocketAddr,
    config: protocol::Config,
    threads: Vec<JoinHandle<()>>,
}

impl NodeList {
    /// Binds `config.listen_addr:local.port` (port 0: one the OS picks, which then becomes the
    /// announced port) and starts the runtime. The node knows only itself and does not
    /// heartbeat until [`join`](NodeList::join) (Go's `New`). With [`Config::default`] it runs
    /// hardened (every trust rule, rejoin on); [`Config::compat`] is Go PekoNode's behaviour.
    pub fn new(local: Node, config: Config) -> Result<NodeList, UdpError> {
        let resolved = config.protocol().resolve()?;
        let bind = bind_addr(&config.listen_addr, local.port)?;
        let socket = UdpSocket::bind(bind).map_err(|source| {
            let addr = bind.to_string();
            if source.kind() == std::io::ErrorKind::AddrInUse {
                UdpError::PortInUse { addr }
            } else {
                UdpError::Bind { addr, source }
            }
        })?;
        socket::size_receive_buffer(&socket, resolved.buffer, resolved.size)?;
        let local_addr = socket.local_addr()?;
        let mut local = local;
        local.port = local_addr.port();
        local.addr = local.endpoint().addr().to_string();

        let codec = Codec::new(
            &config.secret_key,
            config.keyring.as_ref(),
            &receivers(&local, local_addr),
        )?;
        // A node whose own heartbeat reaches the size limit could never be heard: say so now.
        let own = own_packet(&local, PacketKind::Heartbeat, Metadata::default());
        fits(
            &codec,
            &own,
            resolved.size,
            "this node's heartbeat (its name and private data)",
        )?;

        let seed = config.seed.unwrap_or_else(|| clock_seed(local_addr));
        let fault = Fault::new(config.drop_probability, seed)?;
        let start = Instant::now();
        let mut node = protocol::Node::new(
            local.to_info(),
            resolved.clone(),
            ChaCha8Rng::seed_from_u64(seed),
            Time::ZERO,
        )?;
        node.set_wall_clock(Time::ZERO, runtime::wall_nanos());
        let shared = Arc::new(Shared::new(
            node,
            socket,
            local_addr,
            codec,
            resolved.size,
            start,
            fault,
        ));
        let mut list = NodeList {
            shared: Arc::clone(&shared),
            local,
            local_addr,
            config: resolved,
            threads: Vec::new(),
        };
        let port = local_addr.port();
        list.threads.push(
            thread::Builder::new()
                .name(format!("pekonode-{port}"))
                .spawn(move || runtime::run(shared))?,
        );
        Ok(list)
    }

    /// This node as it announces itself, with the bound port.
    pub fn local(&self) -> &Node {
        &self.local
    }

    /// The socket's bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The protocol configuration in force, PekoNode's defaults filled in.
    pub fn config(&self) -> &protocol::Config {
        &self.config
    }

    /// Adds `node` to the list as a contact, or refreshes it (Go's `Set`). Call it before
    /// [`join`](NodeList::join) with a node of the cluster to join through.
    ///
    /// A contact named by a host name is looked up now, on the caller's thread, and its
    /// address kept (names that arrive from the network are looked up off the node's thread).
    pub fn set(&self, node: Node) {
        let info = node.to_info();
        let lookup = lock(&self.shared.resolver).lookup();
        let host = super::address::strip_brackets(info.id.addr()).to_string();
        if host.parse::<std::net::IpAddr>().is_err() {
            // No lock is held while the lookup runs: the node keeps going meanwhile.
            let found = lookup(&host, info.id.port());
            lock(&self.shared.resolver).pin(&info.id, &found);
        }
        self.shared.command(|n, now| n.set(now, info));
    }

    /// Replaces how host names are looked up (the system resolver by default): a service
    /// registry, a fixed table, or a test's resolver. Lookups run on lookup threads, never on
    /// the node's thread, with a deadline and a bound on how many wait (see
    /// [`NameLookup`](super::NameLookup)); contacts already given with [`set`](NodeList::set)
    /// keep their address.
    pub fn set_name_lookup(&self, lookup: super::NameLookup) {
        lock(&self.shared.resolver).set_lookup(lookup);
    }

    /// The nodes in the list, this one included while it heartbeats, sorted by address and
    /// port (Go's `Get`).
    pub fn get(&self) -> Vec<Node> {
        lock(&self.shared.node)
            .get()
            .map(|info| Node::from_info(&info))
            .collect()
    }

    /// Starts heartbeating: one heartbeat now, then one every `cycle` (Go's `Join`).
    pub fn join(&self) {
        self.shared.command(|n, now| n.join(now));
    }

    /// Stops heartbeating (Go's `Stop`). The node still receives, forwards and answers; the
    /// others expire it after `timeout`, and then its own list empties.
    pub fn stop(&self) {
        self.shared.command(|n, now| n.stop(now));
    }

    /// Resumes heartbeating after [`stop`](NodeList::stop) (Go's `Start`), through the nodes
    /// added with [`set`](NodeList::set) meanwhile.
    pub fn start(&self) {
        self.shared.command(|n, now| n.start(now));
    }

    /// Publishes cluster metadata (Go's `Publish`). Its version is the wall clock in Unix ns
    /// (strictly increasing for this node), so Go nodes order it as they order their own.
    ///
    /// Data whose update packet would reach the size limit is refused with
    /// [`UdpError::TooLarge`] (no node could receive it); nothing is published then.
    pub fn publish(&self, data: &[u8]) -> Result<(), UdpError> {
        let update = own_packet(
            &self.local,
            PacketKind::Update,
            Metadata::new(data, i64::MAX),
        );
        fits(
            &self.shared.codec,
            &update,
            self.config.size,
            "the published data",
        )?;
        let version = self.shared.next_version();
        self.shared.command(|n, now| n.publish(now, version, data));
        Ok(())
    }

    /// The cluster metadata as this node holds it (Go's `Read`).
    pub fn read(&self) -> Vec<u8> {
        lock(&self.shared.node).read().bytes().to_vec()
    }

    /// The metadata's version (Unix ns of its publish; 0 before any).
    pub fn version(&self) -> protocol::UnixNanos {
        lock(&self.shared.node).read().version()
    }

    /// A new subscription to this node's events (joins, updates, expiries, metadata changes,
    /// rejected datagrams with their reason), from now on, in order.
    ///
    /// Events queue until read: drop the receiver when you no longer want them.
    pub fn events(&self) -> Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        lock(&self.shared.subscribers).push(tx);
        rx
    }

    /// Counters of the socket side: received, dropped for a full receive buffer, sent, send
    /// errors, dropped by fault injection, bytes sent.
    pub fn stats(&self) -> Stats {
        let drops = socket::kernel_drops(&self.shared.socket);
        self.shared.counters.snapshot(drops)
    }

    /// Replaces the keyring of a sealed node (a rotation step: install a key everywhere, then
    /// use it everywhere, then remove the old one; see [`Keyring`]). Datagrams in flight under
    /// a key still installed keep opening. An error for a node not in sealed mode.
    pub fn set_keyring(&self, keyring: Keyring) -> Result<(), UdpError> {
        if self.shared.codec.set_keyring(keyring) {
            Ok(())
        } else {
            Err(UdpError::NotSealed)
        }
    }

    /// Fault injection: from now on, each datagram this node is about to send is dropped with
    /// `probability` (0 … 1; 0 turns it off), as if the network had lost it. Drops are counted
    /// in [`Stats::dropped_fault`]. Values outside 0 … 1 are refused and change nothing.
    pub fn set_drop_probability(&self, probability: f64) -> Result<(), UdpError> {
        lock(&self.shared.fault).set(probability)
    }

    /// Stops the runtime and closes the socket, waiting for both threads (as a drop does).
    pub fn leave(self) {}

    fn shutdown(&mut self) {
        self.shared.shutdown.store(true, Ordering::Release);
        // An empty datagram to ourselves ends the thread's wait at once; if it is lost, the
        // thread's longest wait (50 ms) still bounds it.
        self.shared.wake();
        for t in self.threads.drain(..) {
            // A panicked runtime thread has nothing left to clean up.
            let _ = t.join();
        }
    }
}

impl Drop for NodeList {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for NodeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeList")
            .field("local", &self.local)
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

/// A seed that differs between nodes and runs: the wall clock mixed with the bound address.
fn clock_seed(addr: SocketAddr) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let port = u64::from(addr.port());
    let pid = u64::from(std::process::id());
    nanos ^ (port << 48) ^ (pid << 24)
}

/// The endpoints a sealed datagram for this node may name: the announced one, the bound
/// address when it is a specific one, and `localhost` on a loopback socket (a contact given
/// by that name). Nothing else: a datagram sealed for another node is refused.
fn receivers(local: &Node, bound: SocketAddr) -> Vec<protocol::wire::Endpoint> {
    let port = bound.port();
    let mut out = vec![local.endpoint()];
    let ip = bound.ip();
    if !ip.is_unspecified() {
        out.push(protocol::wire::Endpoint::new(&ip.to_string(), port));
    }
    if ip.is_loopback() {
        out.push(protocol::wire::Endpoint::new("localhost", port));
    }
    out
}

/// A packet of this node's own, as it would first send it (infected: itself).
fn own_packet(
    local: &Node,
    kind: PacketKind,
    metadata: Metadata,
) -> Packet<protocol::wire::Endpoint> {
    let info = local.to_info();
    Packet {
        kind,
        infected: Infected::of(info.id.clone()),
        node: info,
        metadata,
        lineage: None,
    }
}

/// An error unless `packet`'s encoding stays under the size limit.
fn fits(
    codec: &Codec,
    packet: &Packet<protocol::wire::Endpoint>,
    size: usize,
    what: &'static str,
) -> Result<(), UdpError> {
    let bytes = codec.encoded_len(packet);
    if bytes >= size {
        return Err(UdpError::TooLarge { what, bytes, size });
    }
    Ok(())
}
