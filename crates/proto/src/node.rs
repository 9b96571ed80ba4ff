//! The PekoNode state machine of one node.

use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

use super::config::{Config, ConfigError};
use super::event::{Decode, Event, RejectReason};
use super::forwarding;
use super::member::{Identity, Metadata, NodeInfo};
use super::packet::{Infected, Packet, PacketKind, Transmit};
use super::probation::Probation;
use super::slot::Slot;
use super::time::{Time, UnixNanos};
use super::trust::Bucket;
use super::view::View;

mod gossip;
mod rules;
mod seam;

/// One PekoNode node, as a sans-IO state machine.
///
/// Methods come in four groups:
/// - **A. getters**: [`get`](Node::get), [`read`](Node::read), [`local`](Node::local), ...
/// - **B. handlers** of inputs, named `handle_*`: a packet, a datagram, a timeout;
/// - **C. commands** of PekoNode's API: [`set`](Node::set), [`join`](Node::join),
///   [`stop`](Node::stop), [`start`](Node::start), [`publish`](Node::publish);
/// - **D. polling** of outputs, named `poll_*`.
///
/// **The drain rule**: after every B or C call, the driver calls [`poll_transmit`](Node::poll_transmit)
/// and [`poll_event`](Node::poll_event) until they return `None`, then reads
/// [`poll_timeout`](Node::poll_timeout) and calls [`handle_timeout`](Node::handle_timeout) when
/// that time comes. Early or repeated `handle_timeout` calls are harmless.
///
/// ```
/// use pekonode_proto::{Config, Node, NodeInfo, Time};
/// use rand::SeedableRng;
/// use rand_chacha::ChaCha8Rng;
///
/// let rng = ChaCha8Rng::seed_from_u64(7);
/// let mut a = Node::new(NodeInfo::new(1u32, "A"), Config::default(), rng, Time::ZERO).unwrap();
/// a.set(Time::ZERO, NodeInfo::bare(2));
/// a.join(Time::ZERO);
/// // The first heartbeat goes to node 2 (A itself is infected), then a swap request.
/// let hb = a.poll_transmit().unwrap();
/// assert_eq!(hb.to, 2);
/// let swap = a.poll_transmit().unwrap();
/// assert!(swap.packet.kind.is_swap());
/// assert!(a.poll_transmit().is_none());
/// assert_eq!(a.poll_timeout(), Some(Time::from_secs(6)));
/// ```
#[derive(Debug)]
// Fields in declaration order, cache-line aligned: what every received packet touches (view
// headers, config, timer, output queues) shares the first lines; what only a broadcast needs
// (random stream, buffers) comes after. A simulator visits a thousand nodes in turn, so each
// visit starts cold.
#[repr(C, align(64))]
pub struct Node<Id> {
    view: View<Id>,
    config: Config,
    heartbeat_at: Option<Time>,
    transmits: VecDeque<Transmit<Id>>,
    events: VecDeque<Event<Id>>,
    /// Go's `status`: heartbeats run while it is true (after `join`).
    started: bool,
    joined: bool,
    local: NodeInfo<Id>,
    metadata: Metadata,
    rng: ChaCha8Rng,
    picked: Vec<Id>,
    /// The picks of the broadcast being built, in ascending order.
    sorted_picks: Vec<Id>,
    scratch: Vec<usize>,
    /// Broadcasts (heartbeats and updates) this node started: the last [`Lineage::emission`].
    emissions: u32,
    /// The contacts given with `set` (at most [`MAX_CONTACTS`]), kept when rejoin is on.
    contacts: Vec<NodeInfo<Id>>,
    /// When the contacts were last heartbeated by the rejoin rule, and its backoff.
    rejoins: gossip::Rejoins,
    /// The driver's wall clock at `Time::ZERO` (Unix ns), once given: the skew bound's clock.
    wall_origin: Option<UnixNanos>,
    /// New identities the trust rules still admit (`Trust::admit_per_sec`).
    admissions: Bucket,
    /// Swap replies the trust rules still allow (`Trust::guarded_swaps`).
    swap_replies: Bucket,
    /// Strangers heard once (`Trust::probation`).
    probation: Probation<Id>,
    /// First heartbeats of strangers on probation the rules still forward.
    stranger_forwards: Bucket,
}

/// The admission bucket's refill period: `admit_per_sec` tokens per second.
const ADMIT_PERIOD: std::time::Duration = std::time::Duration::from_secs(1);

/// Guarded swaps: one reply token every `cycle / amount`, so `amount` replies a cycle...
fn swap_period(config: &Config) -> std::time::Duration {
    config.cycle / u32::try_from(config.amount.max(1)).unwrap_or(u32::MAX)
}

/// ...with a burst of two cycles' worth.
fn swap_burst(config: &Config) -> u32 {
    u32::try_from(config.amount.saturating_mul(2)).unwrap_or(u32::MAX)
}

/// Room an emptied event or transmit queue keeps: enough for a cycle's usual traffic, so a
/// busy node does not reallocate, and little enough that a burst leaves nothing behind.
const RETAINED_QUEUE: usize = 64;

/// The most contacts a node remembers for rejoining: enough to reach a cluster again, few
/// enough that a long `set` list (bootstrap `all`) costs little.
pub const MAX_CONTACTS: usize = 64;

impl<Id: Identity> Node<Id> {
    /// A node that knows only itself, not yet joined (Go's `New`).
    ///
    /// `config` zeros take PekoNode's defaults; a config no node can run with is an error.
    pub fn new(
        local: NodeInfo<Id>,
        config: Config,
        rng: ChaCha8Rng,
        now: Time,
    ) -> Result<Node<Id>, ConfigError> {
        let config = config.resolve()?;
        let admissions = Bucket::full(now, ADMIT_PERIOD, config.trust.admit_per_sec);
        let swap_replies = Bucket::full(now, swap_period(&config), swap_burst(&config));
        let mut view = View::new(config.timeout, config.cycle / 2);
        view.refresh(now, &local, config.timeout);
        Ok(Node {
            local,
            config,
            rng,
            view,
            metadata: Metadata::initial(),
            started: true,
            joined: false,
            heartbeat_at: None,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            picked: Vec::new(),
            sorted_picks: Vec::new(),
            scratch: Vec::new(),
            emissions: 0,
            contacts: Vec::new(),
            rejoins: gossip::Rejoins::default(),
            wall_origin: None,
            admissions,
            swap_replies,
            probation: Probation::default(),
            stranger_forwards: admissions,
        })
    }

    /// Tells the node the driver's wall clock: at `now` it reads `wall` (Unix ns). The trust
    /// rule on metadata versions ([`Trust::max_version_skew`](crate::Trust)) measures against
    /// it and is idle until it is given. The UDP runtime gives the system clock, the simulator
    /// its virtual epoch.
    pub fn set_wall_clock(&mut self, now: Time, wall: UnixNanos) {
        let since = i64::try_from(now.as_micros().saturating_mul(1_000)).unwrap_or(i64::MAX);
        self.wall_origin = Some(wall.saturating_sub(since));
    }

    // A. getters

    /// The view: every non-expired node, this one included while it heartbeats, by identity.
    pub fn get(&self) -> impl Iterator<Item = NodeInfo<Id>> + '_ {
        self.view.iter().map(|(info, _)| info)
    }

    /// The view's entries with the time each was last refreshed, by identity.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (NodeInfo<Id>, Time)> + '_ {
        self.view.iter()
    }

    /// Number of entries in the view.
    pub fn view_len(&self) -> usize {
        self.view.len()
    }

    /// Where the view keeps `id`'s entry, computed without reading the entry (`None` for
    /// identities outside the dense table). A hint for a driver that handles many packets
    /// and prefetches what the next ones will touch.
    #[inline]
    pub fn view_slot(&self, id: &Id) -> Option<Slot> {
        self.view.slot(id).map(Slot::at)
    }

    /// Where the buffers a forward writes are kept (its picks and their sorted copy), computed
    /// without reading them: like [`Node::view_slot`], a prefetch hint.
    #[inline]
    pub fn forward_slots(&self) -> [Slot; 2] {
        [
            Slot::at(self.picked.as_ptr().cast()),
            Slot::at(self.sorted_picks.as_ptr().cast()),
        ]
    }

    /// Whether `id` is in the view.
    pub fn knows(&self, id: &Id) -> bool {
        self.view.contains(id)
    }

    /// The cluster metadata as this node holds it (Go's `Read`).
    pub fn read(&self) -> &Metadata {
        &self.metadata
    }

    /// This node's own record.
    pub fn local(&self) -> &NodeInfo<Id> {
        &self.local
    }

    /// The resolved configuration (defaults filled in).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the node heartbeats: joined and not stopped.
    pub fn is_heartbeating(&self) -> bool {
        self.heartbeat_at.is_some()
    }

    // B. handlers

    /// Handles one received packet (a typed message, whose length is unknown: a rejection it
    /// causes is reported with `len` 0).
    pub fn handle_packet(&mut self, now: Time, packet: Packet<Id>) {
        self.handle_packet_of_len(now, packet, 0);
    }

    fn handle_packet_of_len(&mut self, now: Time, packet: Packet<Id>, len: usize) {
        self.expire(now);
        // This node's own record is its word alone: a packet that names this node with
        // another name or private data is forged (or stale news of an old record), and
        // would rename it in its own view and be forwarded as its word.
        if packet.node.id == self.local.id && !packet.node.has_record(self.local.record()) {
            let reason = RejectReason::OwnRecord;
            self.events.push_back(Event::rejected(len, reason));
            return;
        }
        if let Err((reason, forward)) = self.admit(now, &packet) {
            self.events.push_back(Event::rejected(len, reason));
            if forward {
                self.broadcast(packet);
            }
            return;
        }
        if packet.kind.is_swap() {
            self.handle_swap(now, packet, len);
            return;
        }
        self.refresh(now, &packet.node);
        let adopted = packet.kind == PacketKind::Update && self.adopt(now, &packet.metadata, len);
        let forward = forwarding::decide(
            self.config.forwarding,
            packet.kind,
            adopted,
            self.view.last_forward(&packet.node.id),
            self.config.cycle / 2,
        );
        if forward {
            self.broadcast(packet);
        }
    }

    /// Handles one received datagram: checks its size, decodes it with `codec`, then handles
    /// the packet. A rejected datagram changes nothing but queues [`Event::PacketRejected`].
    pub fn handle_datagram(&mut self, now: Time, datagram: &[u8], codec: &impl Decode<Id>) {
        let len = datagram.len();
        if !self.accepts_len(len) {
            return;
        }
        match codec.decode(datagram) {
            Ok(packet) => self.handle_packet_of_len(now, packet, len),
            Err(reason) => self.events.push_back(Event::rejected(len, reason)),
        }
    }

    /// [`handle_datagram`](Node::handle_datagram) with the decoding step given as a function:
    /// for drivers whose decoding needs more than a [`Decode`] (the sealed envelope's replay
    /// window and wall clock).
    pub fn handle_datagram_with(
        &mut self,
        now: Time,
        datagram: &[u8],
        decode: impl FnOnce(&[u8]) -> Result<Packet<Id>, RejectReason>,
    ) {
        let len = datagram.len();
        if !self.accepts_len(len) {
            return;
        }
        match decode(datagram) {
            Ok(packet) => self.handle_packet_of_len(now, packet, len),
            Err(reason) => self.events.push_back(Event::rejected(len, reason)),
        }
    }

    /// Handles a typed packet whose encoding is `len` bytes long: the simulator's input, which
    /// applies the same size rule as [`handle_datagram`](Node::handle_datagram) without
    /// encoding anything. Returns whether the packet was accepted.
    pub fn handle_sized_packet(&mut self, now: Time, packet: Packet<Id>, len: usize) -> bool {
        if !self.accepts_len(len) {
            return false;
        }
        self.handle_packet_of_len(now, packet, len);
        true
    }

    /// PekoNode's size rule: datagrams of `size` bytes or more are dropped.
    fn accepts_len(&mut self, len: usize) -> bool {
        let limit = self.config.size;
        if len >= limit {
            let reason = RejectReason::Oversize { len, limit };
            self.events.push_back(Event::rejected(len, reason));
            return false;
        }
        true
    }

    /// Runs whatever is due at `now`: expiry of silent entries, the periodic heartbeat.
    pub fn handle_timeout(&mut self, now: Time) {
        self.expire(now);
        if let Some(at) = self.heartbeat_at {
            if at <= now {
                let mut next = at + self.config.cycle;
                if next <= now {
                    // The driver fell behind by more than a cycle: resume the rhythm from now
                    // rather than firing a burst of late heartbeats.
                    next = now + self.config.cycle;
                }
                self.heartbeat_at = Some(next);
                self.heartbeat(now);
            }
        }
    }

    // C. commands

    /// Adds `node` to the view (or refreshes it), as a contact to gossip with (Go's `Set`).
    pub fn set(&mut self, now: Time, node: NodeInfo<Id>) {
        self.expire(now);
        self.refresh(now, &node);
        let rejoin = !self.config.rejoin.is_zero();
        if rejoin && node.id != self.local.id && self.contacts.len() < MAX_CONTACTS {
            match self.contacts.iter_mut().find(|c| c.id == node.id) {
                Some(known) => *known = node,
                None => self.contacts.push(node),
            }
        }
    }

    /// Starts heartbeating: one heartbeat now, then one every `cycle` (Go's `Join`).
    /// A second call does nothing.
    pub fn join(&mut self, now: Time) {
        if self.joined {
            return;
        }
        self.joined = true;
        if self.started {
            self.resume(now);
        }
    }

    /// Stops this node's heartbeats and swap requests. It still receives, forwards, answers
    /// swaps and can publish; its own entry expires everywhere, its own view included.
    pub fn stop(&mut self, _now: Time) {
        self.started = false;
        self.heartbeat_at = None;
    }

    /// Resumes heartbeats after [`stop`](Node::stop), with one heartbeat now; the entries added
    /// with [`set`](Node::set) meanwhile are the contacts it rejoins through.
    pub fn start(&mut self, now: Time) {
        if self.started {
            return;
        }
        self.started = true;
        if self.joined {
            self.resume(now);
        }
    }

    /// Publishes cluster metadata with `version` (Unix ns; the driver's wall clock on a
    /// socket, so Go nodes order it right) and spreads it in an update packet (Go's `Publish`).
    pub fn publish(&mut self, now: Time, version: UnixNanos, data: &[u8]) {
        self.expire(now);
        let local = self.local.clone();
        self.refresh(now, &local);
        self.metadata = Metadata::new(data, version);
        self.events.push_back(Event::MetadataChanged { version });
        let packet = Packet {
            kind: PacketKind::Update,
            infected: Infected::of(local.id.clone()),
            node: local,
            metadata: self.metadata.clone(),
            lineage: Some(self.next_emission()),
        };
        self.broadcast(packet);
    }

    // D. polling

    /// Returns the next packet to send, if any.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit<Id>> {
        let transmit = self.transmits.pop_front();
        if transmit.is_none() && self.transmits.capacity() > RETAINED_QUEUE {
            self.transmits.shrink_to(RETAINED_QUEUE);
        }
        transmit
    }

    /// Returns the next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event<Id>> {
        let event = self.events.pop_front();
        if event.is_none() && self.events.capacity() > RETAINED_QUEUE {
            // A burst (a `set` of thousands of contacts queues one event each) must not keep
            // its memory: n nodes holding n events' room is n² again.
            self.events.shrink_to(RETAINED_QUEUE);
        }
        event
    }

    /// Returns the next time at which [`handle_timeout`](Node::handle_timeout) should be called:
    /// the next heartbeat or the next possible expiry, whichever is first. `None` when neither
    /// can happen (a stopped node whose view is empty).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Time> {
        match (self.heartbeat_at, self.view.next_expiry()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod trust_tests;
