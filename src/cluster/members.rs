//! The running nodes of a loopback cluster: one real [`NodeList`] per plan node, created at its
//! join, dropped at its crash, rebuilt (on the same port when it is free) at its restart.

use std::collections::BTreeMap;
use std::sync::mpsc::Receiver;

use pekonode_proto::UnixNanos;

use crate::run::{NodeIndex, Record};
use crate::udp::{Config, Event, Node, NodeList, UdpError};
use crate::wire::Endpoint;

use super::error::ClusterError;
use super::fleet::Fleet;
use super::totals::Totals;

/// One plan node.
#[derive(Default)]
struct Member {
    /// The running node, `None` before its join and after a crash.
    list: Option<NodeList>,
    /// Its events since it was (re)started.
    events: Option<Receiver<Event>>,
    /// Where it listens (kept after a crash, for its restart and for others' contacts).
    endpoint: Option<Endpoint>,
    /// Running and heartbeating (the up set of docs/metrics.md).
    up: bool,
    /// Starts so far (join and restarts), for per-start seeds.
    incarnation: u64,
    /// Bound by [`Members::reserve`] and not joined yet.
    reserved: bool,
}

/// Every node of the cluster.
pub(crate) struct Members {
    names: Vec<String>,
    members: Vec<Member>,
    by_endpoint: BTreeMap<Endpoint, usize>,
    config: Config,
    seed: u64,
    /// Counters of the node lists already dropped.
    retired: Totals,
}

/// A seed for node `index`'s `incarnation`-th start, derived from the run's seed (splitmix64).
pub(crate) fn node_seed(seed: u64, index: usize, incarnation: u64) -> u64 {
    let mut z = seed ^ ((index as u64) << 32) ^ incarnation.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Members {
    /// No node running yet; `config` is every node's (its `seed` is replaced per node).
    pub(crate) fn new(names: Vec<String>, config: Config, seed: u64) -> Members {
        let members = names.iter().map(|_| Member::default()).collect();
        Members {
            names,
            members,
            by_endpoint: BTreeMap::new(),
            config,
            seed,
            retired: Totals::default(),
        }
    }

    /// Node `i`'s name.
    pub(crate) fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("?", String::as_str)
    }

    /// Whether node `i` is up (running and heartbeating).
    pub(crate) fn is_up(&self, i: usize) -> bool {
        self.members.get(i).is_some_and(|m| m.up)
    }

    /// Whether node `i` has a process (joined, perhaps stopped; a reserved socket is none).
    pub(crate) fn running(&self, i: usize) -> bool {
        self.members
            .get(i)
            .is_some_and(|m| m.list.is_some() && !m.reserved)
    }

    /// The running node `i`, if any.
    pub(crate) fn list(&self, i: usize) -> Option<&NodeList> {
        self.members.get(i).and_then(|m| m.list.as_ref())
    }

    /// Where node `i` listens (or listened).
    pub(crate) fn endpoint(&self, i: usize) -> Option<&Endpoint> {
        self.members.get(i).and_then(|m| m.endpoint.as_ref())
    }

    /// The node that listens (or listened last) at `endpoint`.
    pub(crate) fn index_of(&self, endpoint: &Endpoint) -> Option<usize> {
        self.by_endpoint.get(endpoint).copied()
    }

    /// Binds node `i`'s socket ahead of its join, so that nodes joining at the same instant
    /// know each other's ports (bootstrap `all`, or contacts later in the list). A node that
    /// runs already, or ran before, is left alone.
    pub(crate) fn reserve(&mut self, i: usize) -> Result<(), ClusterError> {
        match self.members.get(i) {
            Some(m) if m.list.is_none() && m.endpoint.is_none() => {
                self.bind(i)?;
                self.members[i].reserved = true;
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err(ClusterError::NoSuchNode(i)),
        }
    }

    /// A process for node `i` with fresh state, not yet joined (first join or restart): its
    /// socket is bound already if it was reserved, else on its old port if it had one
    /// (falling back to a new one if that is taken, reported in the returned note).
    pub(crate) fn spawn(&mut self, i: usize) -> Result<Option<String>, ClusterError> {
        match self.members.get_mut(i) {
            Some(m) if m.reserved && m.list.is_some() => {
                m.reserved = false;
                Ok(None)
            }
            Some(_) => {
                self.crash(i);
                self.bind(i)
            }
            None => Err(ClusterError::NoSuchNode(i)),
        }
    }

    /// Node `i` adds the contacts that have an address and joins: it is up.
    pub(crate) fn join(&mut self, i: usize, contacts: &[NodeIndex]) {
        let Some(list) = self.list(i) else {
            return;
        };
        for &c in contacts {
            let c = c as usize;
            if c == i {
                continue;
            }
            if let Some(node) = self.contact(c) {
                list.set(node);
            }
        }
        list.join();
        if let Some(m) = self.members.get_mut(i) {
            m.up = true;
        }
    }

    /// Binds a new node list for `i` (not joined) on its old port if it had one, else on one
    /// the OS picks; returns a note if the old port was taken.
    fn bind(&mut self, i: usize) -> Result<Option<String>, ClusterError> {
        let Some(member) = self.members.get_mut(i) else {
            return Err(ClusterError::NoSuchNode(i));
        };
        member.incarnation += 1;
        let mut config = self.config.clone();
        config.seed = Some(node_seed(self.seed, i, member.incarnation));
        let host = config.listen_addr.clone();
        let name = self.names[i].clone();
        let old_port = member.endpoint.as_ref().map_or(0, Endpoint::port);
        let mut note = None;
        let list = match NodeList::new(Node::new(&host, old_port, &name), config.clone()) {
            Ok(list) => list,
            Err(UdpError::PortInUse { .. }) if old_port != 0 => {
                note = Some(format!(
                    "{name} restarted on a new port: its old port {old_port} was taken"
                ));
                NodeList::new(Node::new(&host, 0, &name), config)?
            }
            Err(e) => return Err(e.into()),
        };
        let endpoint = list.local().endpoint();
        if let Some(old) = member.endpoint.replace(endpoint.clone()) {
            self.by_endpoint.remove(&old);
        }
        self.by_endpoint.insert(endpoint, i);
        let member = &mut self.members[i];
        member.events = Some(list.events());
        member.list = Some(list);
        Ok(note)
    }

    /// Node `c` as a contact (address, port and name), if it ever listened.
    fn contact(&self, c: usize) -> Option<Node> {
        let e = self.endpoint(c)?;
        Some(Node::new(e.addr(), e.port(), self.name(c)))
    }

    /// Node `i`'s process dies: its node list is dropped (threads stopped, socket closed) and
    /// its counters kept. Returns whether it was running.
    pub(crate) fn crash(&mut self, i: usize) -> bool {
        let Some(member) = self.members.get_mut(i) else {
            return false;
        };
        member.up = false;
        member.reserved = false;
        member.events = None;
        match member.list.take() {
            Some(list) => {
                self.retired.add(&list.stats());
                list.leave();
                true
            }
            None => false,
        }
    }

    /// PekoNode's `Stop` on node `i`; returns whether it was up.
    pub(crate) fn stop(&mut self, i: usize) -> bool {
        let Some(m) = self.members.get_mut(i) else {
            return false;
        };
        match (&m.list, m.up) {
            (Some(list), true) => {
                list.stop();
                m.up = false;
                true
            }
            _ => false,
        }
    }

    /// PekoNode's `Start` on node `i`; returns whether it came up.
    pub(crate) fn start(&mut self, i: usize) -> bool {
        let Some(m) = self.members.get_mut(i) else {
            return false;
        };
        match (&m.list, m.up) {
            (Some(list), false) => {
                list.start();
                m.up = true;
                true
            }
            _ => false,
        }
    }

    /// PekoNode's `Set`: node `i` adds node `contact`.
    pub(crate) fn set(&self, i: usize, contact: usize) {
        if let (Some(list), Some(node)) = (self.list(i), self.contact(contact)) {
            list.set(node);
        }
    }

    /// Sets the send-path drop probability of every node, running or future.
    pub(crate) fn set_drop_probability(&mut self, p: f64) -> Result<(), ClusterError> {
        crate::udp::checked_probability(p)?;
        self.config.drop_probability = p;
        for list in self.members.iter().filter_map(|m| m.list.as_ref()) {
            list.set_drop_probability(p)?;
        }
        Ok(())
    }

    /// The events each running node emitted since the last call, as (node, event).
    pub(crate) fn drain_events(&self) -> Vec<(usize, Event)> {
        let mut out = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            if let Some(rx) = &m.events {
                out.extend(rx.try_iter().map(|e| (i, e)));
            }
        }
        out
    }

    /// Counters summed over every node list the run had.
    pub(crate) fn totals(&self) -> Totals {
        let mut t = self.retired;
        for list in self.members.iter().filter_map(|m| m.list.as_ref()) {
            t.add(&list.stats());
        }
        t
    }

    /// Stops every node (threads joined, sockets closed), keeping their counters.
    pub(crate) fn shutdown(&mut self) {
        for i in 0..self.members.len() {
            self.crash(i);
        }
    }
}

impl Fleet for Members {
    fn is_up(&self, i: usize) -> bool {
        Members::is_up(self, i)
    }

    fn running(&self, i: usize) -> bool {
        Members::running(self, i)
    }

    fn reserve(&mut self, i: usize) -> Result<(), ClusterError> {
        Members::reserve(self, i)
    }

    fn spawn(&mut self, i: usize) -> Result<Option<String>, ClusterError> {
        Members::spawn(self, i)
    }

    fn crash(&mut self, i: usize) -> bool {
        Members::crash(self, i)
    }

    fn join(&mut self, i: usize, contacts: &[NodeIndex]) {
        Members::join(self, i, contacts);
    }

    fn set(&mut self, i: usize, contact: usize) {
        Members::set(self, i, contact);
    }

    fn stop(&mut self, i: usize) -> bool {
        Members::stop(self, i)
    }

    fn start(&mut self, i: usize) -> bool {
        Members::start(self, i)
    }

    fn publish(&mut self, i: usize, data: &[u8]) -> Result<UnixNanos, ClusterError> {
        match self.list(i) {
            Some(list) => {
                list.publish(data)?;
                Ok(list.version())
            }
            None => Ok(0),
        }
    }

    fn set_drop_probability(&mut self, p: f64) -> Result<(), ClusterError> {
        Members::set_drop_probability(self, p)
    }

    fn records(&self) -> Vec<Record<'static>> {
        let index = |id: &Endpoint| self.index_of(id).map(|j| j as NodeIndex);
        self.drain_events()
            .into_iter()
            .filter_map(|(i, event)| Record::of_event(i as NodeIndex, &event, index))
            .collect()
    }

    fn totals(&self) -> Totals {
        Members::totals(self)
    }

    fn shutdown(&mut self) {
        Members::shutdown(self);
    }
}

impl Drop for Members {
    fn drop(&mut self) {
        self.shutdown();
    }
}
