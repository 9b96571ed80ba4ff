//! From announced addresses to socket addresses: the listen address, and where to send.
//!
//! A destination is an IP literal (free) or a host name. Names arrive from the network (Go
//! nodes may announce one), so looking one up must never hold the node's thread: a blocking
//! `getaddrinfo` on a resolver that never answers stopped a node for 10 s per forged name.
//! Names are therefore looked up by a small pool of lookup threads, cached, and bounded:
//!
//! - the node's thread only reads the cache: a name not there yet is queued for a lookup and
//!   this send is dropped (counted as `unresolved`); the next one goes once the answer is in;
//! - at most [`MAX_QUEUED`] names wait for a lookup; past that a new name is not queued;
//! - a lookup that has not answered within [`LOOKUP_DEADLINE`] counts as failed, and a failed
//!   name is not tried again for [`FAILED_TTL`], so a stalled resolver costs a lookup thread,
//!   never the node, and a flood of names costs at most one lookup per name per minute;
//! - contacts given by the operator ([`Resolver::pin`]) are looked up on the caller's thread
//!   and kept, so a cluster joined through names does not depend on the network's names.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::error::UdpError;
use pekonode_proto::wire::Endpoint;

/// How long a resolved host name is reused before it is looked up again.
const NAME_TTL: Duration = Duration::from_secs(60);
/// How long a name whose lookup failed (or timed out) is not looked up again.
pub const FAILED_TTL: Duration = Duration::from_secs(60);
/// A lookup still unanswered after this long counts as failed.
pub const LOOKUP_DEADLINE: Duration = Duration::from_secs(2);
/// Most names waiting for a lookup thread at once.
pub const MAX_QUEUED: usize = 32;
/// Lookup threads: two, so one stalled lookup does not stop every other.
const LOOKUP_THREADS: usize = 2;
/// Most names cached; past it the cache starts over (pinned names are kept).
const MAX_CACHED: usize = 4_096;

/// A host-name lookup: a name and port to the addresses it has. The default is the system
/// resolver (`getaddrinfo`); [`NodeList::set_name_lookup`](super::NodeList::set_name_lookup)
/// replaces it (a service registry, or a test's stalled resolver).
pub type NameLookup = Arc<dyn Fn(&str, u16) -> Vec<SocketAddr> + Send + Sync>;

/// The system resolver, as a [`NameLookup`].
pub fn system_lookup() -> NameLookup {
    Arc::new(|host: &str, port: u16| {
        (host, port)
            .to_socket_addrs()
            .map(|a| a.collect())
            .unwrap_or_default()
    })
}

/// The socket address to bind for `listen_addr` (an IP address or a host name) and `port`.
pub(crate) fn bind_addr(listen_addr: &str, port: u16) -> Result<SocketAddr, UdpError> {
    let host = strip_brackets(listen_addr);
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let bad = |reason: String| UdpError::BadAddress {
        addr: listen_addr.to_string(),
        reason,
    };
    if host.is_empty() {
        return Err(bad("empty address".to_string()));
    }
    let mut addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?;
    addrs
        .next()
        .ok_or_else(|| bad("the name resolves to no address".to_string()))
}

/// `[::1]` → `::1`; other text unchanged.
pub(crate) fn strip_brackets(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// What the cache knows of a name.
#[derive(Clone, Copy, Debug)]
enum Known {
    /// Queued or being looked up since `at`.
    Pending,
    /// Looked up at `at` (`None`: no address this socket can use).
    Found(Option<SocketAddr>),
    /// Given by the operator and looked up on their thread: kept until replaced.
    Pinned(SocketAddr),
}

/// The lookup threads: names in, answers out.
struct Pool {
    requests: SyncSender<Endpoint>,
    answers: Receiver<(Endpoint, Vec<SocketAddr>)>,
}

impl Pool {
    fn start(lookup: &NameLookup) -> Option<Pool> {
        let (requests, queue) = mpsc::sync_channel::<Endpoint>(MAX_QUEUED);
        let (answer, answers) = mpsc::channel();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..LOOKUP_THREADS {
            let queue = Arc::clone(&queue);
            let answer = answer.clone();
            let lookup = Arc::clone(lookup);
            // Threads end when the pool (its sender) is dropped and their lookup returns.
            let spawned = std::thread::Builder::new()
                .name(format!("pekonode-lookup-{i}"))
                .spawn(move || loop {
                    let next = super::lock::lock(&queue).recv();
                    let Ok(to) = next else { return };
                    let found = lookup(strip_brackets(to.addr()), to.port());
                    if answer.send((to, found)).is_err() {
                        return;
                    }
                });
            if spawned.is_err() {
                return None;
            }
        }
        Some(Pool { requests, answers })
    }
}

/// Turns destination endpoints into socket addresses reachable from one socket.
///
/// `0.0.0.0` (and `::`) mean this machine, as in Go PekoNode. IP literals cost nothing; host
/// names are looked up off the caller's thread (see the module docs) and cached for a minute.
/// An IPv6 socket reaches IPv4 nodes through IPv4-mapped addresses; an IPv4 socket cannot
/// reach IPv6 nodes.
pub(crate) struct Resolver {
    ipv6_socket: bool,
    names: BTreeMap<Endpoint, (Instant, Known)>,
    lookup: NameLookup,
    pool: Option<Pool>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("ipv6_socket", &self.ipv6_socket)
            .field("names", &self.names.len())
            .finish_non_exhaustive()
    }
}

/// Why [`Resolver::resolve`] gave no address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unreachable {
    /// A host name whose lookup has not answered yet (or could not be queued).
    Unresolved,
    /// No address this socket can send to.
    NoAddress,
}

impl Resolver {
    pub(crate) fn new(local: SocketAddr) -> Resolver {
        Resolver::with_lookup(local, system_lookup())
    }

    pub(crate) fn with_lookup(local: SocketAddr, lookup: NameLookup) -> Resolver {
        Resolver {
            ipv6_socket: local.is_ipv6(),
            names: BTreeMap::new(),
            lookup,
            pool: None,
        }
    }

    /// Replaces the lookup function; names are looked up again as they are next needed.
    pub(crate) fn set_lookup(&mut self, lookup: NameLookup) {
        self.lookup = lookup;
        self.pool = None;
        self.names.retain(|_, (_, k)| matches!(k, Known::Pinned(_)));
    }

    /// Where to send a packet for `to`. Never waits: a host name not cached yet is queued for
    /// a lookup and reported [`Unreachable::Unresolved`].
    pub(crate) fn resolve(&mut self, to: &Endpoint) -> Result<SocketAddr, Unreachable> {
        let host = strip_brackets(to.addr());
        let addr = match host.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, to.port()),
            Err(_) => self.cached(to, Instant::now())?,
        };
        self.fit(addr).ok_or(Unreachable::NoAddress)
    }

    /// Looks `to` up now, on the caller's thread, and keeps the answer: for contacts the
    /// operator names (never for names from the network). Returns whether it has an address.
    pub(crate) fn pin(&mut self, to: &Endpoint, found: &[SocketAddr]) -> bool {
        let host = strip_brackets(to.addr());
        if host.parse::<IpAddr>().is_ok() {
            return true;
        }
        match self.choose(found) {
            Some(addr) => {
                self.names
                    .insert(to.clone(), (Instant::now(), Known::Pinned(addr)));
                true
            }
            None => false,
        }
    }

    /// The lookup function in force (for a caller that looks a contact up on its own thread).
    pub(crate) fn lookup(&self) -> NameLookup {
        Arc::clone(&self.lookup)
    }

    /// The cached address of name `to`, queueing a lookup when there is none.
    fn cached(&mut self, to: &Endpoint, now: Instant) -> Result<SocketAddr, Unreachable> {
        self.take_answers(now);
        if let Some((at, known)) = self.names.get_mut(to) {
            let age = now.saturating_duration_since(*at);
            match *known {
                Known::Pinned(addr) => return Ok(addr),
                Known::Found(addr) if age < NAME_TTL => return addr.ok_or(Unreachable::NoAddress),
                Known::Found(None) if age < FAILED_TTL => return Err(Unreachable::NoAddress),
                Known::Pending if age < LOOKUP_DEADLINE => return Err(Unreachable::Unresolved),
                Known::Pending => {
                    // Past its deadline: failed; tried again after FAILED_TTL.
                    *at = now;
                    *known = Known::Found(None);
                    return Err(Unreachable::NoAddress);
                }
                Known::Found(_) => {}
            }
        }
        self.queue(to, now);
        Err(Unreachable::Unresolved)
    }

    /// Hands `to` to the lookup threads, if the queue has room.
    fn queue(&mut self, to: &Endpoint, now: Instant) {
        if self.pool.is_none() {
            self.pool = Pool::start(&self.lookup);
        }
        let Some(pool) = &self.pool else { return };
        match pool.requests.try_send(to.clone()) {
            Ok(()) => {
                if self.names.len() >= MAX_CACHED {
                    self.names.retain(|_, (_, k)| matches!(k, Known::Pinned(_)));
                }
                self.names.insert(to.clone(), (now, Known::Pending));
            }
            // Full: the name is asked for again at its next send.
            Err(TrySendError::Full(_)) => {}
            Err(TrySendError::Disconnected(_)) => self.pool = None,
        }
    }

    /// Files the answers the lookup threads have given since the last look.
    fn take_answers(&mut self, now: Instant) {
        let Some(pool) = &self.pool else { return };
        let answers: Vec<_> = pool.answers.try_iter().collect();
        for (to, found) in answers {
            let addr = self.choose(&found);
            if let Some((at, known)) = self.names.get_mut(&to) {
                if !matches!(known, Known::Pinned(_)) {
                    *at = now;
                    *known = Known::Found(addr);
                }
            }
        }
    }

    /// The address of `found` this socket's family prefers.
    fn choose(&self, found: &[SocketAddr]) -> Option<SocketAddr> {
        found
            .iter()
            .find(|a| a.is_ipv6() == self.ipv6_socket)
            .or_else(|| found.first())
            .copied()
    }

    /// Maps the unspecified address to loopback and fits the address family to the socket.
    fn fit(&self, addr: SocketAddr) -> Option<SocketAddr> {
        let ip = match addr.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let ip = match (ip, self.ipv6_socket) {
            (IpAddr::V4(v4), true) => IpAddr::V6(v4.to_ipv6_mapped()),
            (IpAddr::V6(v6), false) => IpAddr::V4(v6.to_ipv4_mapped()?),
            (ip, _) => ip,
        };
        Some(SocketAddr::new(ip, addr.port()))
    }
}

#[cfg(test)]
mod tests;
