//! The runtime's configuration: PekoNode's `Config`, plus what only a socket needs.

use pekonode_proto as protocol;
use pekonode_proto::wire::Keyring;

/// Settings of a [`NodeList`](super::NodeList): the protocol's settings
/// ([`protocol`](Config::protocol), Go PekoNode's `Config`), plus what only a socket needs.
///
/// As in Go, a zero protocol setting means "use PekoNode's default": `amount` 3, `cycle` 6 s,
/// `buffer` 3 × amount, `size` 16384, and a `timeout` not longer than `cycle` becomes
/// 3 × cycle + 2 s (20 s by default). Here `buffer` also sizes the socket: the kernel's
/// receive buffer is asked for `buffer` × `size` bytes, and never less than 4 MiB (the OS caps
/// it: `net.core.rmem_max` on Linux); datagrams arriving when it is full are dropped by the
/// kernel and counted in [`Stats::queue_full`](super::Stats) (Linux). Datagrams of `size`
/// bytes or more are dropped. The listen address defaults to `0.0.0.0` and forwarding to
/// [`Forwarding::FirstCopy`](pekonode_proto::Forwarding::FirstCopy); pick
/// [`Forwarding::Faithful`](pekonode_proto::Forwarding::Faithful) to behave exactly like Go
/// nodes.
///
/// Safe by default: a deployed node faces whatever the network sends, so the default protocol
/// settings are [`protocol::Config::hardened`]: every trust rule ([`Trust::HARDENED`](protocol::Trust::HARDENED)) and a
/// rejoin every [`HARDENED_REJOIN`](protocol::HARDENED_REJOIN); the packets on the wire are Go's, so it still mixes with
/// Go PekoNode nodes. [`Config::compat`] is Go PekoNode's exact behaviour (no trust rule, no
/// rejoin). The simulator's default ([`pekonode_proto::Config::default`]) stays Go's, so
/// studies reproduce Go.
///
/// ```
/// use pekonode_proto as protocol;
/// use pekonode_udp::Config;
/// use std::time::Duration;
/// let config = Config {
///     protocol: protocol::Config {
///         cycle: Duration::from_secs(1),
///         timeout: Duration::from_secs(3),
///         ..protocol::Config::hardened()
///     },
///     secret_key: "test_key".into(),
///     listen_addr: "127.0.0.1".into(),
///     ..Config::default()
/// };
/// let resolved = config.protocol.resolve().unwrap();
/// assert_eq!((resolved.amount, resolved.buffer), (3, 9));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The protocol's settings (fan-out, cycle, timeout, forwarding rule, rejoin, trust
    /// rules, receive queue and datagram size): default [`protocol::Config::hardened`].
    pub protocol: protocol::Config,
    /// Go PekoNode's shared key; its MD5 digest travels in clear in every packet (empty for
    /// none). A mistake guard (two clusters on one network), not security: anyone who sees one
    /// packet can forge any other. For security use [`keyring`](Config::keyring).
    pub secret_key: String,
    /// Sealed mode: every datagram authenticated and encrypted under this keyring, with
    /// replays refused ([`pekonode_proto::wire::sealed`]). Only nodes of this project holding
    /// a key of the ring can join; Go PekoNode nodes cannot. `None` (the default): Go's JSON.
    pub keyring: Option<Keyring>,
    /// The address the socket binds (an IP address or a host name; default `0.0.0.0`).
    /// The port is the local node's.
    pub listen_addr: String,
    /// Seed of the node's random peer choice; `None` derives one from the clock and the port.
    pub seed: Option<u64>,
    /// Fault injection: the probability (0 … 1) that each datagram this node is about to send
    /// is dropped instead, as if the network had lost it; counted in
    /// [`Stats::dropped_fault`](super::Stats). Drawn from a stream derived from `seed`.
    /// Default 0 (off). Change it later with [`NodeList::set_drop_probability`](super::NodeList::set_drop_probability).
    pub drop_probability: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            protocol: protocol::Config::hardened(),
            secret_key: String::new(),
            keyring: None,
            listen_addr: "0.0.0.0".to_string(),
            seed: None,
            drop_probability: 0.0,
        }
    }
}

impl Config {
    /// Go PekoNode's exact behaviour: no trust rule and no rejoin (the protocol's
    /// [`Default`]), the rest as [`Config::default`] (the daemon's `--compat`).
    ///
    /// ```
    /// use pekonode_udp::Config;
    /// let (compat, default) = (Config::compat().protocol, Config::default().protocol);
    /// assert!(compat.trust.is_off() && compat.rejoin.is_zero());
    /// assert!(default.trust.guarded_swaps && !default.rejoin.is_zero());
    /// ```
    pub fn compat() -> Config {
        Config {
            protocol: protocol::Config::default(),
            ..Config::default()
        }
    }
}
