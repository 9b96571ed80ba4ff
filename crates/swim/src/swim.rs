//! One SWIM node: a foca instance, its timers and its output queue, behind the seam.

use std::collections::{BTreeSet, VecDeque};

use foca::{Foca, PostcardCodec};
use pekonode_proto::seam::{Output, Protocol, Unsupported};
use pekonode_proto::{ChaCha8Rng, Event, Metadata, RejectReason, Time, UnixNanos};

use crate::config::{SwimConfig, SwimConfigError};
use crate::effects::Effects;
use crate::id::{Address, SwimId};
use crate::metadata::{self, MetadataHandler, Shared};
use crate::rng::SeededRng;
use crate::timers::Timers;

type Inner<A> = Foca<SwimId<A>, PostcardCodec, SeededRng, MetadataHandler>;

/// A SWIM node (foca) as a sans-IO [`Protocol`]: packets are foca's postcard-encoded bytes,
/// `now` comes with every call, timers come out as [`Output::Timeout`].
///
/// Membership changes are PekoNode's events: a member foca holds active is
/// [`Event::MemberJoined`] (with a bare record: SWIM carries no names), one declared down is
/// [`Event::MemberExpired`]. Undecodable or oversized packets are
/// [`Event::PacketRejected`]. Cluster metadata travels as foca custom broadcasts (newest
/// version wins, [`Event::MetadataChanged`] on adoption, as PekoNode).
pub struct Swim<A: Address> {
    foca: Inner<A>,
    local: A,
    config: SwimConfig,
    timers: Timers<SwimId<A>>,
    outputs: VecDeque<Output<A, Vec<u8>>>,
    up: BTreeSet<A>,
    metadata: Shared,
    active: bool,
    stopped: bool,
    contacts: Vec<A>,
    /// When a node that is not connected announces itself to its contacts again: foca's
    /// announce is one datagram, and a lost one would leave the node alone for good.
    rejoin_at: Option<Time>,
    /// foca calls that failed (encoding a message, an unexpected timer): counted, not fatal.
    errors: u64,
}

impl<A: Address> std::fmt::Debug for Swim<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Swim")
            .field("identity", self.foca.identity())
            .field("members", &self.up.len())
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl<A: Address> Swim<A> {
    /// A node at `addr` in its life `bump` (a restarted node must take a bump it did not
    /// use lately: a restart count, or the wall clock's seconds), drawing from `rng`.
    ///
    /// It knows no one until [`join`](Protocol::join).
    pub fn new(
        addr: A,
        bump: u16,
        config: SwimConfig,
        rng: ChaCha8Rng,
    ) -> Result<Swim<A>, SwimConfigError> {
        let identity = SwimId::new(addr.clone(), bump);
        let metadata = Shared::default();
        let handler = MetadataHandler(metadata.clone());
        let foca = Foca::with_custom_broadcast(
            identity,
            config.to_foca()?,
            SeededRng(rng),
            PostcardCodec,
            handler,
        );
        Ok(Swim {
            foca,
            local: addr,
            config,
            timers: Timers::default(),
            outputs: VecDeque::new(),
            up: BTreeSet::new(),
            metadata,
            active: false,
            stopped: false,
            contacts: Vec::new(),
            rejoin_at: None,
            errors: 0,
        })
    }

    /// The current identity (its bump grows when foca rejoins after being declared down).
    pub fn identity(&self) -> &SwimId<A> {
        self.foca.identity()
    }

    /// The configuration.
    pub fn config(&self) -> &SwimConfig {
        &self.config
    }

    /// The addresses this node holds active, in order.
    pub fn up(&self) -> impl Iterator<Item = &A> + '_ {
        self.up.iter()
    }

    /// The cluster metadata as this node holds it.
    pub fn read(&self) -> Metadata {
        self.metadata.with(|adopted| adopted.metadata.clone())
    }

    /// The version of the cluster metadata it holds (0 before any), without copying the data.
    pub fn metadata_version(&self) -> UnixNanos {
        self.metadata.with(|adopted| adopted.metadata.version())
    }

    /// How many foca calls failed (an encoding failure, a timer foca did not expect): such a
    /// call changed nothing further; nonzero means something is wrong with the setup.
    pub fn errors(&self) -> u64 {
        self.errors
    }

    /// Runs `call` on foca with the effects it causes queued as outputs.
    fn with_foca<R>(
        &mut self,
        now: Time,
        call: impl FnOnce(&mut Inner<A>, &mut Effects<'_, A>) -> Result<R, foca::Error>,
    ) -> Result<R, foca::Error> {
        let mut effects = Effects {
            now,
            outputs: &mut self.outputs,
            timers: &mut self.timers,
            up: &mut self.up,
            active: &mut self.active,
        };
        let result = call(&mut self.foca, &mut effects);
        let changes = self
            .metadata
            .with(|adopted| std::mem::take(&mut adopted.changes));
        for version in changes {
            self.outputs
                .push_back(Output::Event(Event::MetadataChanged { version }));
        }
        self.arm_rejoin(now);
        result
    }

    /// Keeps the rejoin timer running exactly while the node wants in but is not connected.
    fn arm_rejoin(&mut self, now: Time) {
        let lonely = !self.active && !self.stopped && !self.contacts.is_empty();
        if !lonely {
            self.rejoin_at = None;
        } else if self.rejoin_at.is_none() {
            self.rejoin_at = Some(now + self.config.probe_period);
        }
    }

    /// Like [`with_foca`](Swim::with_foca), counting a failure.
    fn run(
        &mut self,
        now: Time,
        call: impl FnOnce(&mut Inner<A>, &mut Effects<'_, A>) -> Result<(), foca::Error>,
    ) {
        if self.with_foca(now, call).is_err() {
            self.errors += 1;
        }
    }

    fn reject(&mut self, len: usize, reason: RejectReason) {
        let event = Event::PacketRejected {
            len,
            reason,
            from: None,
        };
        self.outputs.push_back(Output::Event(event));
    }

    fn announce_to_contacts(&mut self, now: Time) {
        for contact in self.contacts.clone() {
            // A contact's life is unknown: foca accepts an announce addressed to any life
            // at its address, and the reply carries the real one.
            let to = SwimId::new(contact, 0);
            self.run(now, |foca, fx| foca.announce(to, fx));
        }
    }
}

impl<A: Address> Protocol for Swim<A> {
    type Id = A;
    type Packet = Vec<u8>;

    fn local_id(&self) -> &A {
        &self.local
    }

    /// Refuses oversized datagrams before anything else, and whatever foca refuses. foca
    /// decodes the header and the member updates before applying any, but reads the
    /// trailing custom broadcasts (metadata) after: a datagram whose broadcast section alone
    /// is malformed is refused after its membership part was applied.
    fn handle_packet(&mut self, now: Time, packet: Vec<u8>, len: usize) -> bool {
        let limit = self.config.max_packet_size;
        if len > limit || packet.len() > limit {
            self.reject(len, RejectReason::Oversize { len, limit });
            return false;
        }
        if self.stopped {
            // A node that left is silent: answering would tell the cluster it lives (foca
            // would even take a new life on hearing it was declared down).
            return true;
        }
        match self.with_foca(now, |foca, fx| foca.handle_data(&packet, fx)) {
            Ok(()) => true,
            Err(e) => {
                self.reject(len, RejectReason::Malformed(e.to_string()));
                false
            }
        }
    }

    fn handle_timeout(&mut self, now: Time) {
        for timer in self.timers.take_due(now) {
            if !self.stopped {
                self.run(now, |foca, fx| foca.handle_timer(timer, fx));
            }
        }
        if self.rejoin_at.is_some_and(|at| at <= now) {
            self.rejoin_at = None;
            self.announce_to_contacts(now);
        }
    }

    /// Announces this node to each contact (foca's `announce`); they answer with members.
    /// Until one does, the announce is repeated every probe period.
    fn join(&mut self, now: Time, contacts: &[A]) {
        let fresh: Vec<A> = contacts
            .iter()
            .filter(|c| **c != self.local && !self.contacts.contains(c))
            .cloned()
            .collect();
        self.contacts.extend(fresh);
        self.announce_to_contacts(now);
    }

    /// Leaves the cluster: foca gossips this identity's death, then the node is silent
    /// (received packets are ignored, unlike a stopped PekoNode node, which still forwards:
    /// a SWIM node that answers probes is alive).
    fn stop(&mut self, now: Time) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        self.run(now, |foca, fx| foca.leave_cluster(fx));
    }

    /// Comes back as the next life (the old one was declared down by `stop`) and announces
    /// itself to its contacts.
    fn start(&mut self, now: Time) {
        if !self.stopped {
            return;
        }
        self.stopped = false;
        let next = SwimId::new(self.local.clone(), self.identity().bump.wrapping_add(1));
        self.run(now, |foca, fx| foca.change_identity(next, fx));
        self.announce_to_contacts(now);
    }

    /// Adopts the metadata and hands it to foca as a custom broadcast, sent at once to
    /// `num_indirect_probes` members and then with every message until spread. Data longer
    /// than half a packet is [`Unsupported`] (foca could never fit it beside a header).
    fn publish(&mut self, now: Time, version: UnixNanos, data: &[u8]) -> Result<(), Unsupported> {
        let item = metadata::encode(version, data);
        if item.len() > self.config.max_packet_size / 2 {
            return Err(Unsupported("metadata longer than half of max_packet_size"));
        }
        self.run(now, |foca, fx| {
            foca.add_broadcast(&item)?;
            foca.broadcast(fx)
        });
        Ok(())
    }

    fn is_active(&self) -> bool {
        self.active && !self.stopped
    }

    fn members(&self) -> usize {
        self.up.len()
    }

    fn for_each_member(&self, visit: &mut dyn FnMut(&A)) {
        for member in &self.up {
            visit(member);
        }
    }

    /// The members it holds active never include its own address (foca never reports its
    /// own identity; a renewed identity of this very node would be a stale echo of itself).
    fn check_invariants(&self) -> Result<(), String> {
        if self.up.contains(&self.local) {
            return Err("its active members include its own address".to_owned());
        }
        Ok(())
    }

    fn poll_output(&mut self) -> Output<A, Vec<u8>> {
        if let Some(output) = self.outputs.pop_front() {
            return output;
        }
        let next = match (self.timers.next(), self.rejoin_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match next {
            Some(at) => Output::Timeout(at),
            None => Output::Idle,
        }
    }
}
