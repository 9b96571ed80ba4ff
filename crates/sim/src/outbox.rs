//! What a node hands back after each input: its events, observed by the metrics, and its
//! transmits, measured, judged by the network model and queued (or stopped by the explosion
//! guard).

use pekonode_proto::wire::{encoded_len_with_record, record_len_by};
use pekonode_proto::{Event, Packet, Transmit};
use pekonode_run::{guard, DropReason, NodeIndex, Record};

use super::cause::Cause;
use super::fast::Fast;
use super::network::Verdict;
use super::queue::{Envelope, What};
use super::trace::{PacketInfo, TraceEvent};

impl Fast {
    /// Takes node `i`'s events (observed first, while the up set is as it was) and then its
    /// transmits, and reschedules its timer.
    pub(crate) fn drain(&mut self, i: NodeIndex, cause: Cause) {
        self.drain_events(i);
        self.drain_transmits(i, cause);
    }

    pub(crate) fn drain_events(&mut self, i: NodeIndex) {
        let Some(node) = &mut self.nodes[i as usize] else {
            return;
        };
        self.events.extend(std::iter::from_fn(|| node.poll_event()));
        let now = self.now;
        for e in std::mem::take(&mut self.events) {
            if let Some(sink) = &mut self.trace {
                let traced = match &e {
                    Event::MemberJoined(info) => Some(TraceEvent::Learn {
                        node: i,
                        member: info.id,
                    }),
                    Event::MemberExpired(j) => Some(TraceEvent::Expire {
                        node: i,
                        member: *j,
                    }),
                    Event::PacketRejected { reason, .. } => Some(TraceEvent::Reject {
                        node: i,
                        reason: reason.kind(),
                    }),
                    _ => None,
                };
                if let Some(t) = traced {
                    sink(now, &t);
                }
            }
            let Some(record) = Record::of_event(i, &e, |id| Some(*id)) else {
                continue;
            };
            self.observers.record(now, record);
        }
    }

    pub(crate) fn drain_transmits(&mut self, i: NodeIndex, cause: Cause) {
        let iu = i as usize;
        let Some(node) = &mut self.nodes[iu] else {
            return;
        };
        let next = node.poll_timeout().map(|t| t.max(self.now));
        let mut pending = node.poll_transmit();
        if next != self.timers[iu] {
            self.timers[iu] = next;
            if let Some(t) = next {
                self.queue.push(t, What::Timer(i));
            }
        }
        // This drain's own emission, if it sends one: (its number at the node, tracker id).
        let mut emission: Option<(u32, u64)> = None;
        // The copies of one broadcast are equal packets: measure the first, reuse its length.
        let mut known_len: Option<u64> = None;
        while let Some(t) = pending {
            // Polled one by one (no batch to copy through); one ahead to spot equal copies.
            pending = self.nodes[iu]
                .as_mut()
                .and_then(|node| node.poll_transmit());
            let len = known_len.unwrap_or_else(|| self.packet_len(&t.packet));
            known_len = pending
                .as_ref()
                .filter(|next| next.packet == t.packet)
                .map(|_| len);
            // The protocol says which heartbeat each transmit carries; the simulator maps it
            // to its tracker: a new emission of this node, or the copy it was just handed.
            let heartbeat = match t.heartbeat() {
                Some((&origin, l)) if l.hops == 1 && origin == i => match emission {
                    Some((number, id)) if number == l.emission => Some(id),
                    _ => {
                        let id = self.observers.next_heartbeat();
                        self.observers.record(self.now, Record::Emitted { node: i });
                        emission = Some((l.emission, id));
                        Some(id)
                    }
                },
                Some((&origin, l)) => match cause {
                    Cause::Copy {
                        id,
                        origin: o,
                        emission: e,
                    } if o == origin && e == l.emission => Some(id),
                    _ => None,
                },
                None => None,
            };
            self.send(i, t, len, heartbeat);
            if self.stopped.is_some() {
                break;
            }
        }
    }

    /// The encoded length of `packet`, without encoding it.
    pub(crate) fn packet_len(&self, packet: &Packet<NodeIndex>) -> u64 {
        let keys = &self.key_len;
        let key_len = |id: &NodeIndex| keys.get(*id as usize).map_or(0, |&k| usize::from(k));
        let node = &packet.node;
        let record = match self.infos.get(node.id as usize) {
            // Every record a simulated node sends is one of `infos`, shared by pointer.
            Some(info) if info.shares_record(node) => self.record_len[node.id as usize],
            _ => record_len_by(node, key_len),
        };
        (encoded_len_with_record(packet, 0, record, key_len) + self.plan.wire.overhead()) as u64
    }

    fn send(&mut self, from: NodeIndex, t: Transmit<NodeIndex>, len: u64, heartbeat: Option<u64>) {
        let now = self.now;
        let kind = t.packet.kind;
        self.observers
            .record(now, Record::Sent { kind, bytes: len });
        let this_cycle = self.observers.sent_in_cycle(now);
        self.capture(&t.packet);
        if t.to as usize >= self.nodes.len() {
            // A made-up identity: nobody listens at its address (no network draw is made).
            self.send_nowhere(from, &t, len);
            self.guard(this_cycle);
            return;
        }
        let verdict = self
            .network
            .verdict(from, t.to, &mut self.link_rngs[from as usize]);
        if let Some(sink) = &mut self.trace {
            let packet = packet_info(from, &t, len);
            sink(now, &TraceEvent::Send(packet));
            let reason = match verdict {
                Verdict::Lost => Some(DropReason::Lost),
                Verdict::Partitioned => Some(DropReason::Partition),
                Verdict::Deliver(..) => None,
            };
            if let Some(reason) = reason {
                sink(now, &TraceEvent::Drop { packet, reason });
            }
        }
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
                    let copy = Envelope::new(from, t.to, t.packet.clone(), len, heartbeat);
                    self.queue.send(now + second, copy);
                }
                let env = Envelope::new(from, t.to, t.packet, len, heartbeat);
                self.queue.send(now + first, env);
            }
        }
        self.guard(this_cycle);
    }

    /// A packet sent to a made-up identity: counted as dropped at a receiver that is not running.
    fn send_nowhere(&mut self, from: NodeIndex, t: &Transmit<NodeIndex>, len: u64) {
        let reason = DropReason::Down;
        self.observers.record(self.now, Record::Dropped { reason });
        if let Some(sink) = &mut self.trace {
            let packet = packet_info(from, t, len);
            sink(self.now, &TraceEvent::Send(packet));
            sink(self.now, &TraceEvent::Drop { packet, reason });
        }
    }

    /// The explosion guard (judged by the run crate, for both drivers): stops the run when a
    /// limit is passed.
    fn guard(&mut self, this_cycle: u64) {
        let in_flight = Some(self.queue.in_flight());
        let forwarding = self.config.forwarding;
        let stop = guard::check(
            &self.plan.limits,
            forwarding,
            in_flight,
            this_cycle,
            self.now,
        );
        if stop.is_some() {
            self.stopped = stop;
        }
    }
}

/// What a trace says of the packet `from` sends in `t`, `len` bytes long.
fn packet_info(from: NodeIndex, t: &Transmit<NodeIndex>, len: u64) -> PacketInfo {
    PacketInfo {
        from,
        to: t.to,
        kind: t.packet.kind,
        origin: t.packet.node.id,
        bytes: len as u32,
    }
}
