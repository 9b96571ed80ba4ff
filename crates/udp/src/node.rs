//! A node as the library's users see it: Go PekoNode's `Node` struct.

use std::fmt;

use pekonode_proto::wire::Endpoint;
use pekonode_proto::NodeInfo;

/// A node of the cluster (Go's `Node {Addr, Port, Name, PrivateData}`).
///
/// `addr:port` is its identity: where others send to, and how views key it. The address is
/// announced as given (an IP address, a host name, or `0.0.0.0` meaning "this machine").
///
/// ```
/// use pekonode_udp::Node;
/// let a = Node::new("127.0.0.1", 8000, "A").with_private_data("rack 1");
/// assert_eq!(a.to_string(), "A@127.0.0.1:8000");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Node {
    /// The announced address (`Addr`).
    pub addr: String,
    /// The announced port (`Port`); for the local node, 0 means "the port the OS picks".
    pub port: u16,
    /// Free-form name (`Name`).
    pub name: String,
    /// Free-form data the node announces about itself (`PrivateData`).
    pub private_data: String,
}

impl Node {
    /// A node with a name and no private data.
    pub fn new(addr: &str, port: u16, name: &str) -> Node {
        Node {
            addr: addr.to_string(),
            port,
            name: name.to_string(),
            private_data: String::new(),
        }
    }

    /// The same node with `private_data` set.
    pub fn with_private_data(mut self, data: &str) -> Node {
        self.private_data = data.to_string();
        self
    }

    /// Its identity on the wire.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::new(&self.addr, self.port)
    }

    pub(crate) fn to_info(&self) -> NodeInfo<Endpoint> {
        NodeInfo::new(self.endpoint(), &self.name).with_private_data(&self.private_data)
    }

    pub(crate) fn from_info(info: &NodeInfo<Endpoint>) -> Node {
        Node {
            addr: info.id.addr().to_string(),
            port: info.id.port(),
            name: info.name().to_string(),
            private_data: info.private_data().to_string(),
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.name, self.addr, self.port)
    }
}
