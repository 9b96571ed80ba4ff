//! The identity of a node on a real network: the address and port it announces.

use std::fmt;
use std::sync::Arc;

/// A node's `addr:port`, exactly as it announces them in `Node.Addr` and `Node.Port`.
///
/// This is the [`Identity`](crate::Identity) of the UDP runtime. The address is kept
/// as text (Go PekoNode's `Addr` may be a host name, `0.0.0.0` or an IPv6 address), and the
/// infected-set key is `addr + ":" + port` with no brackets around IPv6, as Go writes it.
///
/// ```
/// use pekonode_proto::wire::Endpoint;
/// let e = Endpoint::new("127.0.0.1", 8000);
/// assert_eq!(e.key(), "127.0.0.1:8000");
/// assert_eq!(Endpoint::parse_key("::1:8000"), Some(Endpoint::new("::1", 8000)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    addr: Arc<str>,
    port: u16,
}

impl Endpoint {
    /// An endpoint; an empty address means `0.0.0.0`, as Go PekoNode's `Set` does.
    pub fn new(addr: &str, port: u16) -> Endpoint {
        let addr = if addr.is_empty() { "0.0.0.0" } else { addr };
        Endpoint {
            addr: Arc::from(addr),
            port,
        }
    }

    /// The announced address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The announced port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The infected-set key: `addr:port`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.addr, self.port)
    }

    /// Parses an infected-set key: everything after the last `:` is the port.
    pub fn parse_key(key: &str) -> Option<Endpoint> {
        let (addr, text) = key.rsplit_once(':')?;
        let port = text.parse::<u16>().ok()?;
        // Go writes the port with strconv.Itoa: "+80" or "080" cannot name a node.
        if port == 0 || port.to_string() != text {
            return None;
        }
        Some(Endpoint::new(addr, port))
    }
}

impl crate::Identity for Endpoint {}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.addr, self.port)
    }
}
