//! The runtime's configuration: PekoNode's `Config`, plus what only a socket needs.

use std::time::Duration;

use pekonode_proto::wire::Keyring;
use pekonode_proto::{self as protocol, Forwarding, Trust, HARDENED_REJOIN};

/// Settings of a [`NodeList`](super::NodeList), named and defaulted as Go PekoNode's `Config`.
///
/// As in Go, a zero means "use PekoNode's default": `amount` 3, `cycle` 6 s, `buffer`
/// 3 × amount, `size` 16384, and a `timeout` not longer than `cycle` becomes
/// 3 × cycle + 2 s (20 s by default). The listen address defaults to `0.0.0.0` and forwarding
/// to [`Forwarding::FirstCopy`]; pick [`Forwarding::Faithful`] to behave exactly like Go nodes.
///
/// Safe by default: a deployed node faces whatever the network sends, so the default runs
/// every trust rule ([`Trust::HARDENED`]) and rejoins every [`HARDENED_REJOIN`]; the packets
/// on the wire are Go's, so it still mixes with Go PekoNode nodes. [`Config::compat`] is Go
/// PekoNode's exact behaviour (no trust rule, no rejoin). The simulator's default
/// ([`pekonode_proto::Config::default`]) stays Go's, so studies reproduce Go.
///
/// ```
/// use pekonode_udp::Config;
/// use std::time::Duration;
/// let config = Config {
///     cycle: Duration::from_secs(1),
///     timeout: Duration::from_secs(3),
///     secret_key: "test_key".into(),
///     listen_addr: "127.0.0.1".into(),
///     ..Config::default()
/// };
/// let resolved = config.protocol().resolve().unwrap();
/// assert_eq!((resolved.amount, resolved.buffer), (3, 9));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Fan-out: how many uninfected nodes each broadcast targets (0 ⇒ 3).
    pub amount: usize,
    /// Time between two heartbeats (0 ⇒ 6 s).
    pub cycle: Duration,
    /// How many datagrams of `size` bytes the socket's receive buffer holds at least (0 ⇒
    /// 3 × amount, Go's channel length): the kernel buffer is asked for `buffer` × `size`
    /// bytes, and never less than 4 MiB (the OS caps it: `net.core.rmem_max` on Linux).
    /// Datagrams arriving when it is full are dropped by the kernel and counted in
    /// [`Stats::queue_full`](super::Stats) (Linux).
    pub buffer: usize,
    /// Datagrams of `size` bytes or more are dropped (0 ⇒ 16384).
    pub size: usize,
    /// An entry not refreshed for more than `timeout` expires (≤ cycle ⇒ 3 × cycle + 2 s).
    pub timeout: Duration,
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
    /// The forwarding rule (default [`Forwarding::FirstCopy`]).
    pub forwarding: Forwarding,
    /// Rejoin period ([`pekonode_proto::Config::rejoin`]): the contacts given with `set` that
    /// the node no longer lists get its heartbeat again every `rejoin`, and sooner while it
    /// lists no other member (backing off while nobody answers). Default
    /// [`HARDENED_REJOIN`]; zero is off, as in Go PekoNode ([`Config::compat`]).
    pub rejoin: Duration,
    /// Limits on what the node takes from the network ([`Trust`]): default
    /// [`Trust::HARDENED`], every rule on; [`Trust::default`] (all off) is Go PekoNode's
    /// behaviour ([`Config::compat`]).
    pub trust: Trust,
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
            amount: 0,
            cycle: Duration::ZERO,
            buffer: 0,
            size: 0,
            timeout: Duration::ZERO,
            secret_key: String::new(),
            keyring: None,
            listen_addr: "0.0.0.0".to_string(),
            forwarding: Forwarding::FirstCopy,
            rejoin: HARDENED_REJOIN,
            trust: Trust::HARDENED,
            seed: None,
            drop_probability: 0.0,
        }
    }
}

impl Config {
    /// Go PekoNode's exact behaviour: no trust rule and no rejoin, the rest as
    /// [`Config::default`] (the daemon's `--compat`).
    ///
    /// ```
    /// use pekonode_udp::Config;
    /// assert!(Config::compat().trust.is_off() && Config::compat().rejoin.is_zero());
    /// assert!(Config::default().trust.guarded_swaps && !Config::default().rejoin.is_zero());
    /// ```
    pub fn compat() -> Config {
        Config {
            rejoin: Duration::ZERO,
            trust: Trust::default(),
            ..Config::default()
        }
    }

    /// The protocol part of this configuration (zeros not yet resolved).
    pub fn protocol(&self) -> protocol::Config {
        protocol::Config {
            amount: self.amount,
            cycle: self.cycle,
            buffer: self.buffer,
            size: self.size,
            timeout: self.timeout,
            forwarding: self.forwarding,
            rejoin: self.rejoin,
            trust: self.trust,
        }
    }
}
