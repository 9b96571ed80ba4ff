//! A node's outputs through the seam: events observed as records, transmits judged by the
//! network model and queued, the timer rearmed; and a packet's arrival at its receiver.

use std::sync::Arc;

use pekonode_proto::seam::{Output, Transmit};
use pekonode_run::{guard, DropReason, NodeIndex, Record};

use super::queue::{Due, Parcel};
use super::{General, Hosted};
use crate::network::Verdict;

/// The tracked heartbeat a node was handed a copy of: (tracker number, origin, emission), so
/// that its forwards of that copy are matched to the same heartbeat.
pub(super) type Cause = Option<(u64, NodeIndex, u32)>;

impl<P: Hosted> General<P> {
    /// Observes node `i`'s events, then sends its transmits and rearms its timer.
    pub(super) fn drain(&mut self, i: NodeIndex, cause: Cause) {
        self.observe_events(i);
        self.send_transmits(i, cause);
    }

    /// Polls node `i` until its timer (the seam's drain rule): events and transmits are kept
    /// for [`observe_events`](General::observe_events) and
    /// [`send_transmits`](General::send_transmits); the timer is rearmed when it moved.
    fn pull(&mut self, i: NodeIndex) {
        let iu = i as usize;
        let Some(node) = &mut self.nodes[iu] else {
            return;
        };
        let next = loop {
            match node.poll_output() {
                Output::Transmit(t) => self.transmits.push(t),
                Output::Event(e) => self.events.push(e),
                Output::Timeout(at) => break Some(at.max(self.now)),
                Output::Idle => break None,
            }
        };
        if next != self.timers[iu] {
            self.timers[iu] = next;
            if let Some(at) = next {
                self.queue.push(at, Due::Timer(i));
            }
        }
    }

    /// Hands node `i`'s events to the observers (while the up set is as it was).
    pub(super) fn observe_events(&mut self, i: NodeIndex) {
        self.pull(i);
        let now = self.now;
        for e in std::mem::take(&mut self.events) {
            if let Some(record) = Record::of_event(i, &e, |id| Some(*id)) {
                self.observers.record(now, record);
            }
        }
    }

    /// Sends node `i`'s transmits, in the order the protocol gave them.
    pub(super) fn send_transmits(&mut self, i: NodeIndex, cause: Cause) {
        self.pull(i);
        // Events polled on the way belong to the records before any packet of this drain.
        if !self.events.is_empty() {
            self.observe_events(i);
        }
        // This drain's own emission, if it sends one: (its number at the node, tracker id).
        let mut emission: Option<(u32, u64)> = None;
        for t in std::mem::take(&mut self.transmits) {
            // The protocol says which heartbeat a transmit carries; the engine maps it to the
            // tracker: a new emission of this node, or the copy it was just handed.
            let heartbeat = match t.heartbeat {
                Some((origin, l)) if l.hops == 1 && origin == i => {
                    let id = match emission {
                        Some((number, id)) if number == l.emission => id,
                        _ => {
                            let id = self.observers.next_heartbeat();
                            self.observers.record(self.now, Record::Emitted { node: i });
                            emission = Some((l.emission, id));
                            id
                        }
                    };
                    Some((id, origin, l))
                }
                Some((origin, l)) => match cause {
                    Some((id, o, e)) if o == origin && e == l.emission => Some((id, origin, l)),
                    _ => None,
                },
                None => None,
            };
            self.send(i, t, heartbeat);
            if self.guard_stop.is_some() {
                break;
            }
        }
    }

    /// Sends one transmit to each of its destinations: one stored packet for all copies.
    fn send(
        &mut self,
        from: NodeIndex,
        t: Transmit<NodeIndex, P::Packet>,
        heartbeat: Option<(u64, NodeIndex, pekonode_proto::Lineage)>,
    ) {
        let len = (P::len(&self.shared, &t.packet, t.len) + self.plan.wire.overhead()) as u64;
        let kind = P::kind(&t.packet);
        let packet = Arc::new(t.packet);
        for to in t.to {
            let now = self.now;
            self.observers
                .record(now, Record::Sent { kind, bytes: len });
            let this_cycle = self.observers.sent_in_cycle(now);
            if to as usize >= self.nodes.len() {
                // Nobody listens at a made-up address (no network draw is made).
                let reason = DropReason::Down;
                self.observers.record(now, Record::Dropped { reason });
                self.guard(this_cycle);
                continue;
            }
            let verdict = self
                .network
                .verdict(from, to, &mut self.link_rngs[from as usize]);
            let parcel = |packet: &Arc<P::Packet>| Parcel {
                to,
                packet: Arc::clone(packet),
                len,
                heartbeat,
            };
            match verdict {
                Verdict::Lost => {
                    let reason = DropReason::Lost;
                    self.observers.record(now, Record::Dropped { reason });
                }
                Verdict::Partitioned => {
                    let reason = DropReason::Partition;
                    self.observers.record(now, Record::Dropped { reason });
                }
                Verdict::Deliver(first, second) => {
                    if let Some(second) = second {
                        self.observers.record(now, Record::Duplicated);
                        self.queue.push(now + second, Due::Arrive(parcel(&packet)));
                    }
                    self.queue.push(now + first, Due::Arrive(parcel(&packet)));
                }
            }
            self.guard(this_cycle);
            if self.guard_stop.is_some() {
                return;
            }
        }
    }

    /// The explosion guard, judged by the run crate as for every driver.
    fn guard(&mut self, this_cycle: u64) {
        let stop = guard::check(
            &self.plan.limits,
            P::forwarding(&self.shared),
            Some(self.queue.in_flight()),
            this_cycle,
            self.now,
        );
        if stop.is_some() {
            self.guard_stop = stop;
        }
    }

    /// A packet reaches its receiver: handled if it runs, else dropped.
    pub(super) fn arrive(&mut self, parcel: Parcel<P::Packet>) {
        let now = self.now;
        let to = parcel.to;
        let Some(node) = &mut self.nodes[to as usize] else {
            let reason = DropReason::Down;
            self.observers.record(now, Record::Dropped { reason });
            return;
        };
        // The last copy takes the packet, the others clone it.
        let packet = Arc::try_unwrap(parcel.packet).unwrap_or_else(|shared| (*shared).clone());
        let len = parcel.len;
        if !node.handle_packet(now, packet, len as usize) {
            let reason = DropReason::Oversize;
            self.observers.record(now, Record::Dropped { reason });
            self.drain(to, None);
            return;
        }
        let heartbeat = parcel.heartbeat.map(|(id, _, l)| (id, l.hops));
        self.observers.record(
            now,
            Record::Delivered {
                to,
                bytes: len,
                heartbeat,
            },
        );
        let cause = parcel
            .heartbeat
            .map(|(id, origin, l)| (id, origin, l.emission));
        self.drain(to, cause);
    }
}
