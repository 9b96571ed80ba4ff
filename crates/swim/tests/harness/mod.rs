//! A tiny deterministic network for any [`Protocol`] addressed by `u32`: a fixed delay per
//! hop, seeded loss, crashes; virtual time jumps to the next delivery or timer (quinn's test
//! `Pair`, on a seam instead of one protocol).

use std::collections::BTreeMap;
use std::time::Duration;

use pekonode_proto::seam::{Output, Protocol};
use pekonode_proto::{ChaCha8Rng, Event, SeedableRng, Time};
use rand::Rng;

/// The most outputs one drain may yield: a protocol that never ends its queue is a bug.
const MAX_DRAIN: usize = 100_000;

enum What<P> {
    Deliver { to: usize, packet: P, len: usize },
    Timer(usize),
}

/// `n` nodes of one protocol on a lossy network.
pub struct Net<P: Protocol<Id = u32>> {
    pub nodes: Vec<Option<P>>,
    pub now: Time,
    /// Every event, with when and where it happened.
    pub log: Vec<(Time, usize, Event<u32>)>,
    pub sent: u64,
    queue: BTreeMap<(Time, u64), What<P::Packet>>,
    timers: Vec<Option<Time>>,
    scheduled: u64,
    delay: Duration,
    loss: f64,
    rng: ChaCha8Rng,
}

impl<P: Protocol<Id = u32>> Net<P> {
    /// `n` nodes made by `make(index)`, a `delay` per hop, a `loss` probability drawn from `seed`.
    pub fn new(n: usize, make: impl Fn(u32) -> P, delay: Duration, loss: f64, seed: u64) -> Self {
        Net {
            nodes: (0..n as u32).map(|i| Some(make(i))).collect(),
            now: Time::ZERO,
            log: Vec::new(),
            sent: 0,
            queue: BTreeMap::new(),
            timers: vec![None; n],
            scheduled: 0,
            delay,
            loss,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    fn push(&mut self, at: Time, what: What<P::Packet>) {
        self.scheduled += 1;
        self.queue.insert((at, self.scheduled), what);
    }

    /// Runs `command` on node `i` (if alive) and drains it.
    pub fn with(&mut self, i: usize, command: impl FnOnce(&mut P, Time)) {
        if let Some(node) = &mut self.nodes[i] {
            command(node, self.now);
            self.drain(i);
        }
    }

    /// A crash: the node vanishes, its packets in flight are lost on arrival.
    pub fn crash(&mut self, i: usize) {
        self.nodes[i] = None;
        self.timers[i] = None;
    }

    fn drain(&mut self, i: usize) {
        for _ in 0..MAX_DRAIN {
            let Some(node) = &mut self.nodes[i] else {
                return;
            };
            match node.poll_output() {
                Output::Transmit(t) => {
                    let len = t.len.unwrap_or(64);
                    for to in t.to {
                        self.sent += 1;
                        if self.rng.gen_bool(self.loss) {
                            continue;
                        }
                        let packet = t.packet.clone();
                        let to = to as usize;
                        self.push(self.now + self.delay, What::Deliver { to, packet, len });
                    }
                }
                Output::Event(e) => self.log.push((self.now, i, e)),
                Output::Timeout(at) => {
                    let at = at.max(self.now);
                    if self.timers[i] != Some(at) {
                        self.timers[i] = Some(at);
                        self.push(at, What::Timer(i));
                    }
                    return;
                }
                Output::Idle => {
                    self.timers[i] = None;
                    return;
                }
            }
        }
        panic!("node {i}'s output queue did not end within {MAX_DRAIN} outputs");
    }

    /// A restart: node `i` comes back as `node`, which knows nothing of its former life.
    pub fn restart(&mut self, i: usize, node: P) {
        self.nodes[i] = Some(node);
        self.timers[i] = None;
    }

    /// Whether node `i` logged an event that `is` at or after `since`.
    pub fn logged(&self, i: usize, since: Time, is: impl Fn(&Event<u32>) -> bool) -> bool {
        self.log
            .iter()
            .any(|(at, node, e)| *node == i && *at >= since && is(e))
    }

    /// Handles the next delivery or timer; false when nothing is left before `until`.
    pub fn step(&mut self, until: Time) -> bool {
        let Some(entry) = self.queue.first_entry() else {
            return false;
        };
        if entry.key().0 > until {
            return false;
        }
        let ((at, _), what) = entry.remove_entry();
        self.now = at;
        match what {
            What::Deliver { to, packet, len } => {
                if let Some(node) = &mut self.nodes[to] {
                    node.handle_packet(at, packet, len);
                    self.drain(to);
                }
            }
            What::Timer(i) => {
                if self.timers[i] == Some(at) {
                    self.timers[i] = None;
                    if let Some(node) = &mut self.nodes[i] {
                        node.handle_timeout(at);
                        self.drain(i);
                    }
                }
            }
        }
        true
    }

    /// Runs until `until`, or until `done` holds (checked after every step); returns when
    /// `done` first held. Bounded by `max_steps`.
    pub fn run_until(&mut self, until: Time, mut done: impl FnMut(&Self) -> bool) -> Option<Time> {
        const MAX_STEPS: usize = 5_000_000;
        for _ in 0..MAX_STEPS {
            if done(self) {
                return Some(self.now);
            }
            if !self.step(until) {
                self.now = self.now.max(until);
                return None;
            }
        }
        panic!("no end after {MAX_STEPS} steps");
    }

    /// Whether every live node holds every other live node.
    pub fn converged(&self) -> bool {
        let live = self.nodes.iter().flatten().count();
        self.nodes.iter().flatten().all(|n| n.members() == live - 1)
    }
}
