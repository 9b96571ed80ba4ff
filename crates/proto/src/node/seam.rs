//! PekoNode behind the protocol seam: a thin mapping over the node's own API and drain rule.
//!
//! Nothing here changes what the node does: each seam call is one existing call, and
//! [`poll_output`](Protocol::poll_output) drains `poll_transmit`, then `poll_event`, then
//! reads `poll_timeout`, as the drain rule asks.

use core::hash::Hash;

use super::Node;
use crate::member::{Identity, NodeInfo};
use crate::packet::Packet;
use crate::seam::{Output, Protocol, Transmit, Unsupported};
use crate::time::{Time, UnixNanos};

impl<Id: Identity + Hash> Protocol for Node<Id> {
    type Id = Id;
    type Packet = Packet<Id>;

    fn local_id(&self) -> &Id {
        &self.local.id
    }

    fn handle_packet(&mut self, now: Time, packet: Packet<Id>, len: usize) -> bool {
        self.handle_sized_packet(now, packet, len)
    }

    fn handle_timeout(&mut self, now: Time) {
        Node::handle_timeout(self, now);
    }

    /// Each contact is `set` as a bare record (PekoNode learns names from heartbeats), then
    /// the node joins.
    fn join(&mut self, now: Time, contacts: &[Id]) {
        for contact in contacts {
            self.set(now, NodeInfo::bare(contact.clone()));
        }
        Node::join(self, now);
    }

    fn stop(&mut self, now: Time) {
        Node::stop(self, now);
    }

    fn start(&mut self, now: Time) {
        Node::start(self, now);
    }

    fn publish(&mut self, now: Time, version: UnixNanos, data: &[u8]) -> Result<(), Unsupported> {
        Node::publish(self, now, version, data);
        Ok(())
    }

    fn is_active(&self) -> bool {
        self.is_heartbeating()
    }

    fn members(&self) -> usize {
        self.view_len() - usize::from(self.knows(&self.local.id))
    }

    /// The view but the node's own entry, which it holds while it heartbeats (Go's `Get`
    /// lists it): an entry under its own identity with another record (an impersonator's) is
    /// visited, since it is no longer the node itself.
    fn for_each_member(&self, visit: &mut dyn FnMut(&Id)) {
        let local = &self.local;
        let own = self.view.holds_record(&local.id, local.record()) == Some(true);
        self.view.for_each_id(|id| {
            if !(own && id == local.id) {
                visit(&id);
            }
        });
    }

    /// A view never holds more than the trust rule's `max_view` (when one is set): the rule
    /// refuses newcomers at the cap, so a larger view means a path around it.
    fn check_invariants(&self) -> Result<(), String> {
        let cap = self.config.trust.max_view;
        let len = self.view.len();
        if cap > 0 && len > cap {
            return Err(format!(
                "its view holds {len} entries, above max_view = {cap}"
            ));
        }
        Ok(())
    }

    /// Consecutive transmits of one packet (the copies of one broadcast, which share their
    /// record and infected set, so comparing them is a few pointer checks) come out as one
    /// transmit to many: exact, since the copies would have gone out in this very order.
    fn poll_output(&mut self) -> Output<Id, Packet<Id>> {
        if let Some(first) = self.poll_transmit() {
            let heartbeat = first.heartbeat().map(|(origin, l)| (origin.clone(), l));
            let own = first.is_own_heartbeat(&self.local.id);
            let mut to = vec![first.to];
            while self
                .transmits
                .front()
                .is_some_and(|next| next.packet == first.packet)
            {
                if let Some(next) = self.poll_transmit() {
                    to.push(next.to);
                }
            }
            return Output::Transmit(Transmit {
                to,
                packet: first.packet,
                len: None,
                heartbeat,
                own,
            });
        }
        if let Some(event) = self.poll_event() {
            return Output::Event(event);
        }
        match self.poll_timeout() {
            Some(at) => Output::Timeout(at),
            None => Output::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn node(seed: u64) -> Node<u32> {
        let rng = ChaCha8Rng::seed_from_u64(seed);
        let mut node = Node::new(NodeInfo::new(0, "A"), Config::default(), rng, Time::ZERO)
            .expect("the default config is valid");
        for contact in 1..10 {
            node.set(Time::ZERO, NodeInfo::bare(contact));
        }
        node
    }

    #[test]
    fn the_members_exclude_the_own_entry_and_the_check_catches_a_view_past_max_view() {
        let mut config = Config::default();
        config.trust.max_view = 4;
        let rng = ChaCha8Rng::seed_from_u64(1);
        let mut node =
            Node::new(NodeInfo::new(0u32, "A"), config, rng, Time::ZERO).expect("a valid config");
        Protocol::join(&mut node, Time::ZERO, &[1, 2]);
        let mut seen = Vec::new();
        node.for_each_member(&mut |&m| seen.push(m));
        assert_eq!(seen, [1, 2], "its own entry is not a member");
        assert_eq!(seen.len(), node.members());
        assert_eq!(node.check_invariants(), Ok(()));
        // The operator's `set` is not held to the cap (only packets from strangers are): the
        // check is what notices a view past it.
        for contact in 3..6 {
            node.set(Time::ZERO, NodeInfo::bare(contact));
        }
        assert_eq!(
            node.check_invariants(),
            Err("its view holds 6 entries, above max_view = 4".to_owned())
        );
    }

    #[test]
    fn the_seam_sends_what_poll_transmit_sends_in_the_same_order() {
        let (mut plain, mut seam) = (node(3), node(3));
        let mut expected = Vec::new();
        let mut got = Vec::new();
        let mut multi = 0;
        for step in 0..5u64 {
            let now = Time::from_secs(step * 6);
            if step == 0 {
                Node::join(&mut plain, now);
                Protocol::join(&mut seam, now, &[]);
            } else {
                Node::handle_timeout(&mut plain, now);
                Protocol::handle_timeout(&mut seam, now);
            }
            while let Some(t) = plain.poll_transmit() {
                expected.push((t.to, t.packet));
            }
            while plain.poll_event().is_some() {}
            for _ in 0..1_000 {
                match seam.poll_output() {
                    Output::Transmit(t) => {
                        multi += usize::from(t.to.len() > 1);
                        assert_eq!(t.own, t.heartbeat.is_some());
                        got.extend(t.to.into_iter().map(|to| (to, t.packet.clone())));
                    }
                    Output::Event(_) => {}
                    Output::Timeout(at) => {
                        assert_eq!(Some(at), plain.poll_timeout());
                        break;
                    }
                    Output::Idle => panic!("a joined node always has a timer"),
                }
            }
        }
        assert_eq!(got, expected);
        assert!(
            multi > 0,
            "heartbeats to several picks come out as one transmit"
        );
    }
}
