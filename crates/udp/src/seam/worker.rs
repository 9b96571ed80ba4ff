//! The thread of one [`SeamNode`](super::SeamNode): receive, run timers, drain outputs.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pekonode_proto::seam::{Output, Protocol};
use pekonode_proto::{Event, Time};

use super::{Command, Status};
use crate::fault::Fault;
use crate::stats::Counters;

/// The longest the thread sleeps on its socket: shutdown and commands are seen within it
/// even if their wake datagram was lost.
const MAX_WAIT: Duration = Duration::from_millis(20);

/// Most outputs drained after one input: a protocol that never ends its queue must not
/// hold the thread forever (the rest waits for the next input).
const MAX_OUTPUTS: usize = 100_000;

/// Where the thread wakes when the protocol has no timer: a far time, re-checked every wait.
const IDLE: Duration = Duration::from_secs(3_600);

pub(super) struct Worker<P> {
    pub(super) protocol: P,
    pub(super) socket: UdpSocket,
    pub(super) max_packet: usize,
    pub(super) commands: Receiver<Command<SocketAddr>>,
    pub(super) events: SyncSender<Event<SocketAddr>>,
    pub(super) counters: Arc<Counters>,
    pub(super) status: Arc<Status>,
    pub(super) fault: Fault,
}

impl<P: Protocol<Id = SocketAddr, Packet = Vec<u8>>> Worker<P> {
    pub(super) fn run(mut self) {
        let start = Instant::now();
        let now = || Time::ZERO + start.elapsed();
        // One byte more than the largest packet, so that a longer datagram is seen as such.
        let mut buf = vec![0u8; self.max_packet.saturating_add(1)];
        let mut wake = now();
        while !self.status.shutdown.load(Ordering::Relaxed) {
            if !self.take_commands(now()) {
                return;
            }
            if now() >= wake {
                self.protocol.handle_timeout(now());
                wake = self.drain(now());
            }
            let wait = (wake.saturating_since(now())).clamp(Duration::from_millis(1), MAX_WAIT);
            // An error here only delays timers to the next datagram; nothing to do about it.
            let _ = self.socket.set_read_timeout(Some(wait));
            match self.socket.recv_from(&mut buf) {
                Ok((0, _)) => {} // a wake datagram
                Ok((n, _)) => {
                    Counters::bump(&self.counters.received);
                    if n > self.max_packet {
                        Counters::bump(&self.counters.rejected);
                        continue;
                    }
                    let t = now();
                    self.protocol.handle_packet(t, buf[..n].to_vec(), n);
                    wake = wake.min(self.drain(t));
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                // Linux reports an ICMP "port unreachable" from an earlier send here; others
                // (interrupted) are as harmless: the loop goes on.
                Err(_) => {}
            }
        }
    }

    /// Runs the owner's commands; `false` when the node is to end (leave, or owner gone).
    fn take_commands(&mut self, now: Time) -> bool {
        loop {
            let command = match self.commands.try_recv() {
                Ok(c) => c,
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            };
            match command {
                Command::Join(contacts) => self.protocol.join(now, &contacts),
                Command::Stop => self.protocol.stop(now),
                Command::Start => self.protocol.start(now),
                Command::Publish(version, data, answer) => {
                    let _ = answer.send(self.protocol.publish(now, version, &data));
                }
                Command::DropProbability(p) => {
                    // Checked by the handle before sending.
                    let _ = self.fault.set(p);
                }
                Command::Leave => {
                    self.protocol.stop(now);
                    self.drain(now);
                    return false;
                }
            }
            self.drain(now);
        }
    }

    /// Drains the protocol's outputs (the drain rule); returns when it wants its next timer.
    fn drain(&mut self, now: Time) -> Time {
        let mut next = now + IDLE;
        for _ in 0..MAX_OUTPUTS {
            match self.protocol.poll_output() {
                Output::Transmit(t) => {
                    if t.own {
                        Counters::bump(&self.counters.heartbeats);
                    }
                    for to in &t.to {
                        if t.heartbeat.is_some() {
                            Counters::bump(&self.counters.heartbeat_packets);
                        }
                        self.send(&t.packet, *to);
                    }
                }
                Output::Event(event) => self.event(event),
                Output::Timeout(at) => {
                    next = at;
                    break;
                }
                Output::Idle => break,
            }
        }
        self.status
            .members
            .store(self.protocol.members(), Ordering::Relaxed);
        self.status
            .active
            .store(self.protocol.is_active(), Ordering::Relaxed);
        next
    }

    fn send(&mut self, packet: &[u8], to: SocketAddr) {
        if self.fault.drop_next() {
            Counters::bump(&self.counters.dropped_fault);
            return;
        }
        match self.socket.send_to(packet, to) {
            Ok(n) => {
                Counters::bump(&self.counters.sent);
                self.counters
                    .bytes_sent
                    .fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(_) => Counters::bump(&self.counters.send_errors),
        }
    }

    fn event(&mut self, event: Event<SocketAddr>) {
        if let Event::PacketRejected { reason, .. } = &event {
            self.counters.rejected(reason);
        }
        match self.events.try_send(event) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                self.status.events_dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
