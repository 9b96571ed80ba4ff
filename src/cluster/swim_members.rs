//! The running nodes of a SWIM loopback cluster: one [`SeamNode`] running
//! [`Swim`](crate::swim::Swim) per plan node, created at its join, dropped at its crash,
//! rebuilt (on the same port when it is free, under its next bump) at its restart.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::mpsc::Receiver;
use std::time::{SystemTime, UNIX_EPOCH};

use pekonode_proto::{ChaCha8Rng, Event, SeedableRng, UnixNanos};

use crate::run::{NodeIndex, Record};
use crate::swim::{Swim, SwimConfig};
use crate::udp::{SeamConfig, SeamNode, UdpError};

use super::error::ClusterError;
use super::fleet::Fleet;
use super::members::node_seed;
use super::totals::Totals;

/// One plan node.
#[derive(Default)]
struct Member {
    node: Option<SeamNode>,
    events: Option<Receiver<Event<SocketAddr>>>,
    /// Where it listens (kept after a crash, for its restart and for others' contacts).
    addr: Option<SocketAddr>,
    up: bool,
    /// Starts so far: the seed and the SWIM bump of each life (a restarted node must not
    /// come back under an identity the others declared down).
    incarnation: u64,
    reserved: bool,
}

/// Every SWIM node of the cluster.
pub(crate) struct SwimMembers {
    members: Vec<Member>,
    by_addr: BTreeMap<SocketAddr, usize>,
    swim: SwimConfig,
    drop_probability: f64,
    seed: u64,
    /// The last metadata version given, so that versions grow even within a nanosecond.
    last_version: UnixNanos,
    retired: Totals,
}

impl SwimMembers {
    /// `n` nodes, none running yet, each to run SWIM with `swim`.
    pub(crate) fn new(n: usize, swim: SwimConfig, drop_probability: f64, seed: u64) -> Self {
        SwimMembers {
            members: (0..n).map(|_| Member::default()).collect(),
            by_addr: BTreeMap::new(),
            swim,
            drop_probability,
            seed,
            last_version: 0,
            retired: Totals::default(),
        }
    }

    fn node(&self, i: usize) -> Option<&SeamNode> {
        self.members.get(i).and_then(|m| m.node.as_ref())
    }

    /// Binds a new SWIM node for `i` on its old port if it had one, else on one the OS picks.
    fn bind(&mut self, i: usize) -> Result<Option<String>, ClusterError> {
        let Some(member) = self.members.get_mut(i) else {
            return Err(ClusterError::NoSuchNode(i));
        };
        member.incarnation += 1;
        let seed = node_seed(self.seed, i, member.incarnation);
        let bump = member.incarnation as u16;
        let old = member.addr;
        let swim = self.swim.clone();
        let spawn = |listen: SocketAddr| {
            let config = SeamConfig {
                listen,
                max_packet: swim.max_packet_size,
                drop_probability: self.drop_probability,
                seed,
            };
            SeamNode::spawn(&config, |addr| {
                Swim::new(addr, bump, swim.clone(), ChaCha8Rng::seed_from_u64(seed))
            })
        };
        let any: SocketAddr = ([127, 0, 0, 1], 0).into();
        let mut note = None;
        let mut node = match spawn(old.unwrap_or(any)) {
            Ok(node) => node,
            Err(UdpError::PortInUse { addr }) if old.is_some() => {
                note = Some(format!(
                    "node {i} restarted on a new port: its old address {addr} was taken"
                ));
                spawn(any)?
            }
            Err(e) => return Err(e.into()),
        };
        let addr = node.local();
        if let Some(old) = old {
            self.by_addr.remove(&old);
        }
        self.by_addr.insert(addr, i);
        let member = &mut self.members[i];
        member.addr = Some(addr);
        member.events = node.events();
        member.node = Some(node);
        Ok(note)
    }
}

impl Fleet for SwimMembers {
    fn is_up(&self, i: usize) -> bool {
        self.members.get(i).is_some_and(|m| m.up)
    }

    fn running(&self, i: usize) -> bool {
        self.members
            .get(i)
            .is_some_and(|m| m.node.is_some() && !m.reserved)
    }

    fn reserve(&mut self, i: usize) -> Result<(), ClusterError> {
        match self.members.get(i) {
            Some(m) if m.node.is_none() && m.addr.is_none() => {
                self.bind(i)?;
                self.members[i].reserved = true;
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err(ClusterError::NoSuchNode(i)),
        }
    }

    fn spawn(&mut self, i: usize) -> Result<Option<String>, ClusterError> {
        match self.members.get_mut(i) {
            Some(m) if m.reserved && m.node.is_some() => {
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

    fn crash(&mut self, i: usize) -> bool {
        let Some(member) = self.members.get_mut(i) else {
            return false;
        };
        member.up = false;
        member.reserved = false;
        member.events = None;
        match member.node.take() {
            Some(node) => {
                self.retired.add(&node.stats());
                drop(node);
                true
            }
            None => false,
        }
    }

    fn join(&mut self, i: usize, contacts: &[NodeIndex]) {
        let addrs: Vec<SocketAddr> = contacts
            .iter()
            .map(|&c| c as usize)
            .filter(|&c| c != i)
            .filter_map(|c| self.members.get(c).and_then(|m| m.addr))
            .collect();
        let Some(member) = self.members.get_mut(i) else {
            return;
        };
        if let Some(node) = &member.node {
            node.join(&addrs);
            member.up = true;
        }
    }

    /// SWIM has no address book apart from its members: a contact is joined through.
    fn set(&mut self, i: usize, contact: usize) {
        let addr = self.members.get(contact).and_then(|m| m.addr);
        if let (Some(node), Some(addr)) = (self.node(i), addr) {
            node.join(&[addr]);
        }
    }

    fn stop(&mut self, i: usize) -> bool {
        match self.members.get_mut(i) {
            Some(m) if m.up && m.node.is_some() => {
                m.node.iter().for_each(SeamNode::stop);
                m.up = false;
                true
            }
            _ => false,
        }
    }

    fn start(&mut self, i: usize) -> bool {
        match self.members.get_mut(i) {
            Some(m) if !m.up && m.node.is_some() => {
                m.node.iter().for_each(SeamNode::start);
                m.up = true;
                true
            }
            _ => false,
        }
    }

    fn publish(&mut self, i: usize, data: &[u8]) -> Result<UnixNanos, ClusterError> {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let version = wall.max(self.last_version.saturating_add(1));
        let Some(node) = self.node(i) else {
            return Ok(0);
        };
        node.publish(version, data)
            .map_err(|e| ClusterError::Unplayable(format!("SWIM publish: {e}")))?;
        self.last_version = version;
        Ok(version)
    }

    fn set_drop_probability(&mut self, p: f64) -> Result<(), ClusterError> {
        crate::udp::checked_probability(p)?;
        self.drop_probability = p;
        for node in self.members.iter().filter_map(|m| m.node.as_ref()) {
            node.set_drop_probability(p)?;
        }
        Ok(())
    }

    fn records(&self) -> Vec<Record<'static>> {
        let index = |addr: &SocketAddr| self.by_addr.get(addr).map(|&j| j as NodeIndex);
        let mut out = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            if let Some(rx) = &m.events {
                out.extend(
                    rx.try_iter()
                        .filter_map(|e| Record::of_event(i as NodeIndex, &e, index)),
                );
            }
        }
        out
    }

    fn totals(&self) -> Totals {
        let mut t = self.retired;
        for node in self.members.iter().filter_map(|m| m.node.as_ref()) {
            t.add(&node.stats());
        }
        t
    }

    fn shutdown(&mut self) {
        for i in 0..self.members.len() {
            self.crash(i);
        }
    }
}

impl Drop for SwimMembers {
    fn drop(&mut self) {
        self.shutdown();
    }
}
