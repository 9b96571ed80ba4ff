//! The rogue sender: a machine on the network without the cluster's keys that forges packets
//! (made-up identities, impersonations, metadata versions) or replays packets it captured.
//!
//! Its packets reach their receivers at once, past loss and partitions (it sits next to
//! them), and are handed to the node like any other packet, so the protocol's own rules
//! (trust bounds, admission) judge them. Only authentication is modelled here: in sealed mode
//! the rogue has no key, so a receiver drops a forged packet as not authentic and a replayed
//! one (an authentic envelope seen before) as replayed. Its packets are not the cluster's
//! traffic: they are counted apart ([`Record::Forged`]).

use std::time::Duration;

use pekonode_proto::wire::WireMode;
use pekonode_proto::{Infected, Metadata, NodeInfo, Packet, PacketKind, RejectReason};
use pekonode_run::{Forge, Forgery, NodeIndex, Record, REPLAY_CAPTURE};

use super::cause::Cause;
use super::fast::Fast;
use super::fault_state::{ForgeRun, REPLAYER, ROGUE};
use super::queue::{Envelope, What};
use super::trace::{packet_info, TraceEvent};

impl Fast {
    /// Starts rogue sender `forge` now: a volley for a version, a first packet otherwise.
    pub(crate) fn start_forge(&mut self, forge: Forge) {
        let to = if forge.to.is_empty() {
            (0..self.nodes.len() as NodeIndex).collect()
        } else {
            forge.to.clone()
        };
        let captured = match (&forge.what, &self.faults.capture) {
            (Forgery::Replay { .. }, Some(c)) => c.iter().cloned().collect(),
            _ => Vec::new(),
        };
        let k = self.faults.forges.len() as u32;
        let version = matches!(forge.what, Forgery::Version { .. });
        self.faults.forges.push(ForgeRun {
            forge,
            to,
            start: self.now,
            sent: 0,
            captured,
        });
        if version {
            let targets = self.faults.forges[k as usize].to.clone();
            for to in targets {
                self.forge_one(k, to);
            }
        } else {
            self.forge_tick(k);
        }
    }

    /// One packet of rogue sender `k` to its next receiver, and the next tick.
    pub(crate) fn forge_tick(&mut self, k: u32) {
        let Some(run) = self.faults.forges.get(k as usize) else {
            return;
        };
        let Some((per_sec, span)) = run.forge.what.rate() else {
            return;
        };
        if run.to.is_empty() || per_sec == 0 {
            return;
        }
        let to = run.to[(run.sent % run.to.len() as u64) as usize];
        self.forge_one(k, to);
        let Some(run) = self.faults.forges.get(k as usize) else {
            return;
        };
        // Tick times from the start, so the rate is exact over the span whatever rounding.
        let offset = Duration::from_micros(run.sent.saturating_mul(1_000_000) / u64::from(per_sec));
        if offset < span {
            self.queue.push(run.start + offset, What::Forge(k));
        }
    }

    /// Builds packet number `sent` of rogue sender `k` for `to` and hands it over.
    fn forge_one(&mut self, k: u32, to: NodeIndex) {
        let n = self.nodes.len() as NodeIndex;
        let Some(run) = self.faults.forges.get_mut(k as usize) else {
            return;
        };
        let number = run.sent;
        run.sent += 1;
        let heartbeat = |node: NodeInfo<NodeIndex>| Packet {
            kind: PacketKind::Heartbeat,
            infected: Infected::of(node.id),
            node,
            metadata: Metadata::default(),
            lineage: None,
        };
        let (packet, from) = match &run.forge.what {
            Forgery::Identities { .. } => {
                let fake = self.faults.fakes;
                self.faults.fakes = fake.saturating_add(1);
                let id = n.saturating_add(fake).min(REPLAYER - 1);
                (heartbeat(NodeInfo::new(id, &format!("fake{fake}"))), ROGUE)
            }
            Forgery::Impersonate {
                node,
                name,
                private_data,
                ..
            } => {
                let info = NodeInfo::new(*node, name).with_private_data(private_data);
                (heartbeat(info), ROGUE)
            }
            Forgery::Version {
                from,
                version,
                data,
            } => {
                let node = self.infos[*from as usize].clone();
                let packet = Packet {
                    kind: PacketKind::Update,
                    infected: Infected::of(node.id),
                    node,
                    metadata: Metadata::new(data, *version),
                    lineage: None,
                };
                (packet, ROGUE)
            }
            Forgery::Replay { .. } => {
                let Some(p) = run
                    .captured
                    .get((number % run.captured.len().max(1) as u64) as usize)
                else {
                    return;
                };
                (p.clone(), REPLAYER)
            }
        };
        let len = self.packet_len(&packet);
        let env = Envelope::new(from, to, packet, len, None);
        self.observers.record(self.now, Record::Forged);
        if let Some(sink) = &mut self.trace {
            sink(self.now, &TraceEvent::Send(packet_info(&env)));
        }
        let slot = self.queue.store(env);
        self.queue.push(self.now, What::Arrive(slot));
    }

    /// Keeps a copy of a packet sent in the cluster for replays (only when the plan replays).
    pub(crate) fn capture(&mut self, packet: &Packet<NodeIndex>) {
        if let Some(c) = &mut self.faults.capture {
            if c.len() == REPLAY_CAPTURE {
                c.pop_front();
            }
            c.push_back(packet.clone());
        }
    }

    /// In sealed mode a rogue's packet does not open: the receiver rejects it through the
    /// protocol's datagram path (forged: not authentic; replayed: seen before). Returns
    /// `env` back when it goes on to the node as a packet.
    pub(crate) fn unseal(&mut self, env: Envelope) -> Option<Envelope> {
        if env.from < REPLAYER || self.plan.wire != WireMode::Sealed {
            return Some(env);
        }
        let reason = if env.from == REPLAYER {
            RejectReason::Replayed
        } else {
            RejectReason::Unauthentic
        };
        let now = self.now;
        let to = env.to;
        if let Some(sink) = &mut self.trace {
            sink(now, &TraceEvent::Deliver(packet_info(&env)));
        }
        self.rogue_arrived += 1;
        let datagram = vec![0u8; env.len() as usize];
        if let Some(node) = &mut self.nodes[to as usize] {
            node.handle_datagram_with(now, &datagram, |_| Err(reason));
        }
        self.drain(to, Cause::Other);
        None
    }
}
