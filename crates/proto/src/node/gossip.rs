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

    /// Whether this heartbeat also goes to the forgotten contacts: rejoin is on, and the last
    /// rejoin is `rejoin` old, or the view lists no other member and the backoff is over
    /// ([`Rejoins`]).
    pub(super) fn rejoin_due(&mut self, now: Time) -> bool {
        let every = self.config.rejoin;
        if every.is_zero() || self.contacts.is_empty() {
            return false;
        }
        let lonely = self.view.len() <= 1;
        self.rejoins.due(now, every, lonely)
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

/// The rejoin rule's memory: when the contacts were last heartbeated, and how far a lonely
/// node (one whose view lists no other member) has backed off.
///
/// A lonely node rejoins at its next heartbeat, then after 2, 4, 8, … heartbeats while no
/// member shows up (each rejoin in a row unanswered doubles the wait), and never less often
/// than the periodic rule, every `rejoin`: that period is the cap. So a contact that is
/// silent or refuses this node (another key) gets at most one heartbeat per `rejoin` from
/// it once the backoff has grown, as from any node that merely forgot it, instead of one
/// every cycle forever; and a lonely node still finds an answering cluster within a rejoin
/// period, the bound the periodic rule already gives after a partition. A member in the
/// view resets the backoff.
#[derive(Clone, Debug, Default)]
pub(super) struct Rejoins {
    /// When the contacts were last heartbeated by the rejoin rule.
    last: Option<Time>,
    /// Rejoins in a row while lonely (no member has shown up since the first).
    unanswered: u32,
    /// Lonely heartbeats still to let pass before the next lonely rejoin.
    skip: u32,
}

/// The longest backoff in heartbeats, as a power of two: far past any useful `rejoin`
/// period, which caps the wait long before (and no shift overflows).
const MAX_BACKOFF_SHIFT: u32 = 20;

impl Rejoins {
    /// Whether the heartbeat at `now` rejoins, for a node whose rejoin period is `every`
    /// and whose view lists no other member when `lonely`.
    fn due(&mut self, now: Time, every: std::time::Duration, lonely: bool) -> bool {
        let periodic = self.last.is_none_or(|at| now.saturating_since(at) >= every);
        if !lonely {
            self.unanswered = 0;
            self.skip = 0;
            if periodic {
                self.last = Some(now);
            }
            return periodic;
        }
        if !periodic && self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        // Waits of 1, 2, 4, … heartbeats: 0, 1, 3, … heartbeats let pass in between.
        self.skip = (1u32 << self.unanswered.min(MAX_BACKOFF_SHIFT)) - 1;
        self.unanswered = self.unanswered.saturating_add(1);
        self.last = Some(now);
        true
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

#[cfg(test)]
mod rejoin_tests {
    use std::time::Duration;

    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::super::super::config::Config;
    use super::super::super::member::NodeInfo;
    use super::super::super::packet::{Infected, Packet, PacketKind};
    use super::super::super::time::Time;
    use super::super::Node;
    use super::Rejoins;

    const CYCLE: Duration = Duration::from_secs(6);

    /// The heartbeats (numbered from 0) at which a lonely node rejoins, over `beats`.
    fn lonely_rejoins(every: Duration, beats: u32) -> Vec<u32> {
        let mut r = Rejoins::default();
        (0..beats)
            .filter(|&i| r.due(Time::ZERO + CYCLE * i, every, true))
            .collect()
    }

    #[test]
    fn a_lonely_node_backs_off_to_the_rejoin_period() {
        // Waits of 1, 2, 4, 8 heartbeats, then capped by the period: 60 s = 10 heartbeats.
        let at = lonely_rejoins(Duration::from_secs(60), 60);
        assert_eq!(at, [0, 1, 3, 7, 15, 25, 35, 45, 55]);
        // A period shorter than the backoff caps it early: 10 s is at most 2 heartbeats.
        let at = lonely_rejoins(Duration::from_secs(10), 12);
        assert_eq!(at, [0, 1, 3, 5, 7, 9, 11]);
    }

    #[test]
    fn a_member_in_the_view_resets_the_backoff() {
        let every = Duration::from_secs(600);
        let mut r = Rejoins::default();
        let mut beat = 0;
        let mut due = |r: &mut Rejoins, lonely: bool| {
            beat += 1;
            r.due(Time::ZERO + CYCLE * beat, every, lonely)
        };
        // Backed off: rejoins, rejoins, waits one, rejoins, waits three.
        let backed: Vec<bool> = (0..7).map(|_| due(&mut r, true)).collect();
        assert_eq!(backed, [true, true, false, true, false, false, false]);
        // A member answered; when it is gone again, the next heartbeat rejoins at once.
        assert!(!due(&mut r, false), "not lonely: only the periodic rule");
        assert!(due(&mut r, true));
        assert!(due(&mut r, true));
        assert!(!due(&mut r, true));
    }

    #[test]
    fn unanswered_rejoins_send_few_heartbeats_to_silent_contacts() {
        // Two contacts that never answer (another key, or gone): count the heartbeats this
        // node sends them over 100 cycles (10 minutes).
        let config = Config {
            rejoin: Duration::from_secs(60),
            ..Config::default()
        };
        let rng = ChaCha8Rng::seed_from_u64(3);
        let mut a = Node::new(NodeInfo::new(0u32, "n0"), config, rng, Time::ZERO).unwrap();
        a.set(Time::ZERO, NodeInfo::new(1, "n1"));
        a.set(Time::ZERO, NodeInfo::new(2, "n2"));
        a.join(Time::ZERO);
        let mut sent = 0;
        let mut count = |a: &mut Node<u32>| {
            while let Some(t) = a.poll_transmit() {
                if t.packet.kind == PacketKind::Heartbeat && t.packet.node.id == 0 {
                    sent += 1;
                }
            }
        };
        count(&mut a);
        for i in 1..=100 {
            a.handle_timeout(Time::ZERO + CYCLE * i);
            count(&mut a);
        }
        // Listed for 20 s (heartbeats 0 to 3, 2 copies each), then lonely at heartbeats 4..=100:
        // rejoins at 4, 5, 7, 11, 19, 29, …, 99 (13 of them, 2 copies each). Before the
        // backoff it was one rejoin per heartbeat: 97 × 2.
        assert_eq!(sent, 4 * 2 + 13 * 2);

        // A contact answers: the backoff is reset, so once it is gone again, the next
        // heartbeat rejoins at once.
        let now = Time::ZERO + CYCLE * 101;
        a.handle_packet(
            now,
            Packet {
                kind: PacketKind::Heartbeat,
                node: NodeInfo::new(1, "n1"),
                infected: Infected::of(1),
                metadata: Default::default(),
                lineage: None,
            },
        );
        let mut beat = 101;
        while a.knows(&1) {
            beat += 1;
            a.handle_timeout(Time::ZERO + CYCLE * beat);
            while a.poll_transmit().is_some() {}
        }
        beat += 1;
        a.handle_timeout(Time::ZERO + CYCLE * beat);
        let to: Vec<u32> = std::iter::from_fn(|| a.poll_transmit())
            .filter(|t| t.packet.kind == PacketKind::Heartbeat)
            .map(|t| t.to)
            .collect();
        assert_eq!(
            to.len(),
            2,
            "both contacts at the first lonely heartbeat: {to:?}"
        );
    }
}
