//! What the general engine needs of a protocol beyond the seam: how a node is made, how big
//! its packets are, whether it counts as up. One small impl per protocol; the engine itself
//! only speaks [`Protocol`].

use pekonode_proto::seam::Protocol;
use pekonode_proto::wire::{encoded_len_with_record, record_len_by};
use pekonode_proto::{
    ChaCha8Rng, Config, Forwarding, Node, NodeInfo, Packet, PacketKind, Time, UnixNanos,
};
use pekonode_run::NodeIndex;
use pekonode_swim::{Swim, SwimConfig};

use crate::faults::version_at;

/// A protocol the general engine can host: a seam [`Protocol`] addressed by node index.
pub(crate) trait Hosted: Protocol<Id = NodeIndex> + Sized {
    /// What every node of a run shares (settings, the nodes' records).
    type Shared;

    /// The protocol's name in errors and reports.
    const NAME: &'static str;

    /// Node `node` in its life `incarnation` (0 first), drawing from `rng`; `None` if the
    /// settings cannot make one (they were checked when the engine was built).
    fn spawn(
        shared: &Self::Shared,
        node: NodeIndex,
        incarnation: u64,
        rng: ChaCha8Rng,
        now: Time,
    ) -> Option<Self>;

    /// Joins through `contacts` (the seam's join unless the protocol knows better).
    fn join_with(&mut self, _shared: &Self::Shared, now: Time, contacts: &[NodeIndex]) {
        self.join(now, contacts);
    }

    /// Adds one contact (`Set`).
    fn add_contact(&mut self, shared: &Self::Shared, now: Time, contact: NodeIndex);

    /// The packet's kind for the traffic counters (which only tell heartbeats apart).
    fn kind(packet: &Self::Packet) -> PacketKind;

    /// The packet's length on the wire before any envelope: `given` by the protocol, or
    /// measured.
    fn len(shared: &Self::Shared, packet: &Self::Packet, given: Option<usize>) -> usize;

    /// Whether the node counts as up, `stopped` saying whether the timeline stopped it.
    fn up(&self, stopped: bool) -> bool;

    /// Each member the node holds and when its entry was last refreshed (`now` where the
    /// protocol keeps no such time).
    fn view(&self, now: Time) -> Vec<(NodeIndex, Time)>;

    /// The version of the cluster metadata the node holds.
    fn metadata_version(&self) -> UnixNanos;

    /// What the explosion guard blames when a limit is passed.
    fn forwarding(shared: &Self::Shared) -> Forwarding;
}

/// What PekoNode's nodes share in the general engine: the resolved config, each node's record
/// and `addr:port` key length (the fast engine's packet sizes, computed the same way).
pub(crate) struct PekoShared {
    pub(crate) config: Config,
    pub(crate) infos: Vec<NodeInfo<NodeIndex>>,
    pub(crate) key_len: Vec<u8>,
}

impl Hosted for Node<NodeIndex> {
    type Shared = PekoShared;
    const NAME: &'static str = "pekonode";

    fn spawn(
        shared: &PekoShared,
        node: NodeIndex,
        _incarnation: u64,
        rng: ChaCha8Rng,
        now: Time,
    ) -> Option<Self> {
        let info = shared.infos.get(node as usize)?.clone();
        let mut n = Node::new(info, shared.config.clone(), rng, now).ok()?;
        n.set_wall_clock(now, version_at(now));
        Some(n)
    }

    /// Contacts are set with their full records, as the fast engine does (the seam's join
    /// sets bare ones), so both engines send the same bytes.
    fn join_with(&mut self, shared: &PekoShared, now: Time, contacts: &[NodeIndex]) {
        for &c in contacts {
            if let Some(info) = shared.infos.get(c as usize) {
                self.set(now, info.clone());
            }
        }
        Node::join(self, now);
    }

    fn add_contact(&mut self, shared: &PekoShared, now: Time, contact: NodeIndex) {
        if let Some(info) = shared.infos.get(contact as usize) {
            self.set(now, info.clone());
        }
    }

    fn kind(packet: &Packet<NodeIndex>) -> PacketKind {
        packet.kind
    }

    fn len(shared: &PekoShared, packet: &Packet<NodeIndex>, _given: Option<usize>) -> usize {
        let keys = &shared.key_len;
        let key_len = |id: &NodeIndex| keys.get(*id as usize).map_or(0, |&k| usize::from(k));
        let record = record_len_by(&packet.node, key_len);
        encoded_len_with_record(packet, 0, record, key_len)
    }

    fn up(&self, _stopped: bool) -> bool {
        self.is_heartbeating()
    }

    fn view(&self, _now: Time) -> Vec<(NodeIndex, Time)> {
        self.entries().map(|(info, at)| (info.id, at)).collect()
    }

    fn metadata_version(&self) -> UnixNanos {
        self.read().version()
    }

    fn forwarding(shared: &PekoShared) -> Forwarding {
        shared.config.forwarding
    }
}

impl Hosted for Swim<NodeIndex> {
    type Shared = SwimConfig;
    const NAME: &'static str = "swim";

    /// The incarnation is the node's bump: a restarted node comes back as a life the cluster
    /// has not declared down.
    fn spawn(
        config: &SwimConfig,
        node: NodeIndex,
        incarnation: u64,
        rng: ChaCha8Rng,
        _now: Time,
    ) -> Option<Self> {
        Swim::new(node, incarnation as u16, config.clone(), rng).ok()
    }

    fn add_contact(&mut self, _config: &SwimConfig, now: Time, contact: NodeIndex) {
        self.join(now, &[contact]);
    }

    /// No SWIM message is a heartbeat; the counters only tell heartbeats apart, so any other
    /// kind would do.
    fn kind(_packet: &Vec<u8>) -> PacketKind {
        PacketKind::SwapRequest
    }

    fn len(_config: &SwimConfig, packet: &Vec<u8>, given: Option<usize>) -> usize {
        given.unwrap_or(packet.len())
    }

    /// Up from its join until stopped: a SWIM node is connected only once a contact answers,
    /// but it takes part (and should be found) from the start.
    fn up(&self, stopped: bool) -> bool {
        !stopped
    }

    fn view(&self, now: Time) -> Vec<(NodeIndex, Time)> {
        self.up().map(|&member| (member, now)).collect()
    }

    fn metadata_version(&self) -> UnixNanos {
        Swim::metadata_version(self)
    }

    /// SWIM's load is linear in the cluster size (what first-copy's message says).
    fn forwarding(_config: &SwimConfig) -> Forwarding {
        Forwarding::FirstCopy
    }
}
