//! From announced addresses to socket addresses: the listen address, and where to send.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::error::UdpError;
use pekonode_proto::wire::Endpoint;

/// How long a resolved host name is reused before it is looked up again.
const NAME_TTL: Duration = Duration::from_secs(60);

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

/// Turns destination endpoints into socket addresses reachable from one socket.
///
/// `0.0.0.0` (and `::`) mean this machine, as in Go PekoNode. IP literals cost nothing; host
/// names are looked up and cached for a minute. An IPv6 socket reaches IPv4 nodes through
/// IPv4-mapped addresses; an IPv4 socket cannot reach IPv6 nodes.
#[derive(Debug)]
pub(crate) struct Resolver {
    ipv6_socket: bool,
    names: BTreeMap<Endpoint, (Instant, Option<SocketAddr>)>,
}

impl Resolver {
    pub(crate) fn new(local: SocketAddr) -> Resolver {
        Resolver {
            ipv6_socket: local.is_ipv6(),
            names: BTreeMap::new(),
        }
    }

    /// Where to send a packet for `to`, or `None` if it cannot be reached from this socket.
    pub(crate) fn resolve(&mut self, to: &Endpoint) -> Option<SocketAddr> {
        let host = strip_brackets(to.addr());
        let addr = match host.parse::<IpAddr>() {
            Ok(ip) => Some(SocketAddr::new(ip, to.port())),
            Err(_) => self.lookup(to, host),
        }?;
        self.fit(addr)
    }

    fn lookup(&mut self, to: &Endpoint, host: &str) -> Option<SocketAddr> {
        let now = Instant::now();
        if let Some((at, addr)) = self.names.get(to) {
            if now.duration_since(*at) < NAME_TTL {
                return *addr;
            }
        }
        let found: Vec<SocketAddr> = (host, to.port())
            .to_socket_addrs()
            .map(|a| a.collect())
            .unwrap_or_default();
        let addr = found
            .iter()
            .find(|a| a.is_ipv6() == self.ipv6_socket)
            .or_else(|| found.first())
            .copied();
        if self.names.len() > 4_096 {
            self.names.clear();
        }
        self.names.insert(to.clone(), (now, addr));
        addr
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
mod tests {
    use super::*;

    fn v4_socket() -> Resolver {
        Resolver::new("127.0.0.1:1".parse().unwrap())
    }

    #[test]
    fn unspecified_destination_means_this_machine() {
        let mut r = v4_socket();
        let to = r.resolve(&Endpoint::new("0.0.0.0", 8000));
        assert_eq!(to, Some("127.0.0.1:8000".parse().unwrap()));
        let mut r6 = Resolver::new("[::]:1".parse().unwrap());
        assert_eq!(
            r6.resolve(&Endpoint::new("::", 8000)),
            Some("[::1]:8000".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_socket_reaches_ipv4_nodes_through_mapped_addresses() {
        let mut r = Resolver::new("[::]:1".parse().unwrap());
        let to = r.resolve(&Endpoint::new("127.0.0.1", 9)).unwrap();
        assert_eq!(to, "[::ffff:127.0.0.1]:9".parse().unwrap());
        assert_eq!(v4_socket().resolve(&Endpoint::new("::1", 9)), None);
    }

    #[test]
    fn host_names_resolve_and_bad_ones_do_not() {
        let mut r = v4_socket();
        let to = r.resolve(&Endpoint::new("localhost", 9)).unwrap();
        assert!(to.ip().is_loopback());
        assert_eq!(r.resolve(&Endpoint::new("no such host!", 9)), None);
    }

    #[test]
    fn listen_addresses_parse_or_fail_with_a_typed_error() {
        assert_eq!(
            bind_addr("[::1]", 5).unwrap(),
            "[::1]:5".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(
            bind_addr("0.0.0.0", 0).unwrap(),
            "0.0.0.0:0".parse::<SocketAddr>().unwrap()
        );
        assert!(matches!(bind_addr("", 0), Err(UdpError::BadAddress { .. })));
        assert!(matches!(
            bind_addr("no such host!", 0),
            Err(UdpError::BadAddress { .. })
        ));
    }
}
