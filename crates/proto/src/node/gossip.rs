//! How a node spreads its liveness: the periodic heartbeat, its forwarding to random
//! uninfected members, the rejoin of forgotten contacts, and the view's refresh and expiry.

use super::super::member::{Identity, Metadata, NodeInfo};
use super::super::packet::{Infected, Lineage, Packet, PacketKind, Transmit};
use super::super::time::Time;
use super::super::view::Refresh;
use super::{Event, Node};

impl<Id: Identity> Node<Id> {
    pub(super) fn resume(&mut self, now: Time) {
        self.heartbeat_at = Some(now + self.config.cycle);
        self.heartbeat(now);
    }

    /// The lineage of a new broadcast of this node, before its first send (hop 0).
    pub(super) fn next_emission(&mut self) -> Lineage {
        self.emissions = self.emissions.wrapping_add(1);
        Lineage {
            emission: self.emissions,
            hops: 0,
        }
    }

    /// Refreshes the local entry, broadcasts a fresh heartbeat, then sends one swap request.
    pub(super) fn heartbeat(&mut self, now: Time) {
        let local = self.local.clone();
        self.refresh(now, &local);
        let packet = Packet {
            kind: PacketKind::Heartbeat,
            infected: Infected::of(local.id.clone()),
            node: local.clone(),
            metadata: Metadata::default(),
            lineage: Some(self.next_emission()),
        };
        let rejoin = self.rejoin_due(now).then(|| packet.clone());
        self.broadcast(packet);
        if let Some(packet) = rejoin {
            self.rejoin(packet);
        }
        if let Some(to) = self.view.pick_other(&mut self.rng, &local.id) {
            self.transmits.push_back(Transmit {
                to,
                packet: Packet {
                    kind: PacketKind::SwapRequest,
                    node: local,
                    infected: Infected::new(),
                    metadata: self.metadata.clone(),
                    lineage: None,
                },
            });
        }
    }

    /// Whether this heartbeat also goes to the forgotten contacts: rejoin is on, and the view
    /// lists no other member or the last rejoin is `rejoin` old.
    pub(super) fn rejoin_due(&mut self, now: Time) -> bool {
        let every = self.config.rejoin;
        if every.is_zero() || self.contacts.is_empty() {
            return false;
        }
        let lonely = self.view.len() <= 1;
        let due = lonely
            || self
                .last_rejoin
                .is_none_or(|at| now.saturating_since(at) >= every);
        if due {
            self.last_rejoin = Some(now);
        }
        due
    }

    /// Sends the node's fresh heartbeat `packet` to each contact the view no longer lists: a
    /// contact that is alive lists this node again at once and gossips it on.
    pub(super) fn rejoin(&mut self, mut packet: Packet<Id>) {
        packet.lineage = packet.lineage.map(|l| Lineage { hops: 1, ..l });
        for c in &self.contacts {
            if !self.view.contains(&c.id) {
                self.transmits.push_back(Transmit {
                    to: c.id.clone(),
                    packet: packet.clone(),
                });
            }
        }
    }

    /// Sends `packet` to up to `amount` random uninfected view entries, each copy carrying the
    /// set enlarged by every pick.
    pub(super) fn broadcast(&mut self, mut packet: Packet<Id>) {
        self.picked.clear();
        self.view.pick_uninfected(
            &mut self.rng,
            self.config.amount,
            packet.infected.as_slice(),
            &mut self.picked,
            &mut self.scratch,
        );
        if self.picked.is_empty() {
            return;
        }
        // One enlarged set for all copies: each target shares it.
        self.sorted_picks.clear();
        self.sorted_picks.extend_from_slice(&self.picked);
        sort_few(&mut self.sorted_picks);
        packet.infected = packet.infected.with(&self.sorted_picks);
        // One more send on the way from the origin (unknown stays unknown).
        packet.lineage = packet.lineage.map(|l| Lineage {
            hops: l.hops.saturating_add(1),
            ..l
        });
        let mut picks = self.picked.drain(..);
        let last = picks.next_back();
        for to in picks {
            self.transmits.push_back(Transmit {
                to,
                packet: packet.clone(),
            });
        }
        if let Some(to) = last {
            self.transmits.push_back(Transmit { to, packet });
        }
    }

    pub(super) fn refresh(&mut self, now: Time, node: &NodeInfo<Id>) {
        match self.view.refresh(now, node, self.config.timeout) {
            Refresh::Joined => self.events.push_back(Event::MemberJoined(node.clone())),
            Refresh::Updated => self.events.push_back(Event::MemberUpdated(node.clone())),
            Refresh::Refreshed => {}
        }
    }

    pub(super) fn expire(&mut self, now: Time) {
        let events = &mut self.events;
        self.view.expire(now, self.config.timeout, |id| {
            events.push_back(Event::MemberExpired(id))
        });
    }
}

/// Sorts a forward's picks (the fan-out, a handful): insertion sort, without the setup of the
/// general sort, which was a few percent of a run's time.
fn sort_few<Id: Ord>(ids: &mut [Id]) {
    if ids.len() > 8 {
        ids.sort_unstable();
        return;
    }
    for i in 1..ids.len() {
        let mut j = i;
        while j > 0 && ids[j - 1] > ids[j] {
            ids.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod sort_tests {
    use super::sort_few;

    #[test]
    fn sorts_few_and_many() {
        for len in 0..12u32 {
            // A descending run, then a rotation: both orders the insertion sort must undo.
            let mut down: Vec<u32> = (0..len).rev().collect();
            let mut turned: Vec<u32> = (0..len).map(|i| (i * 5 + 3) % len.max(1)).collect();
            let mut want = turned.clone();
            want.sort_unstable();
            sort_few(&mut down);
            sort_few(&mut turned);
            assert_eq!(down, (0..len).collect::<Vec<_>>());
            assert_eq!(turned, want);
        }
    }
}
