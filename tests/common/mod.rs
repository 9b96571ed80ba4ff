//! A tiny in-test network: nodes with integer identities, constant latency, no loss, and a
//! virtual clock that jumps to the next delivery or timeout.

#![allow(dead_code)]

pub mod plans;

use std::collections::BTreeMap;
use std::time::Duration;

use pekonode::protocol::{Config, Event, Forwarding, Node, NodeInfo, Packet, PacketKind, Time};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Packets sent, by kind.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub heartbeats: u64,
    pub updates: u64,
    pub swaps: u64,
}

impl Sent {
    pub fn total(&self) -> u64 {
        self.heartbeats + self.updates + self.swaps
    }
}

pub struct Net {
    pub nodes: Vec<Node<u32>>,
    pub now: Time,
    pub latency: Duration,
    pub sent: Sent,
    pub events: Vec<(Time, u32, Event<u32>)>,
    /// In-flight packets by (delivery time, sequence number).
    queue: BTreeMap<(Time, u64), (u32, Packet<u32>)>,
    seq: u64,
}

pub fn config(forwarding: Forwarding) -> Config {
    Config {
        forwarding,
        ..Config::default()
    }
}

impl Net {
    /// `n` nodes, none joined, each knowing only itself.
    pub fn new(n: u32, config: Config, seed: u64) -> Net {
        let nodes = (0..n)
            .map(|i| {
                let rng = ChaCha8Rng::seed_from_u64(seed ^ (u64::from(i) << 32));
                Node::new(
                    NodeInfo::new(i, &format!("n{i}")),
                    config.clone(),
                    rng,
                    Time::ZERO,
                )
                .expect("valid test config")
            })
            .collect();
        Net {
            nodes,
            now: Time::ZERO,
            latency: Duration::from_millis(5),
            sent: Sent::default(),
            events: Vec::new(),
            queue: BTreeMap::new(),
            seq: 0,
        }
    }

    /// Every node knows every other.
    pub fn full_views(&mut self) {
        let n = self.nodes.len() as u32;
        for i in 0..n {
            for j in 0..n {
                let now = self.now;
                self.nodes[i as usize].set(now, NodeInfo::new(j, &format!("n{j}")));
            }
            self.drain(i);
        }
    }

    pub fn with(&mut self, i: u32, f: impl FnOnce(&mut Node<u32>, Time)) {
        let now = self.now;
        f(&mut self.nodes[i as usize], now);
        self.drain(i);
    }

    fn drain(&mut self, i: u32) {
        while let Some(t) = self.nodes[i as usize].poll_transmit() {
            match t.packet.kind {
                PacketKind::Heartbeat => self.sent.heartbeats += 1,
                PacketKind::Update => self.sent.updates += 1,
                _ => self.sent.swaps += 1,
            }
            self.seq += 1;
            self.queue
                .insert((self.now + self.latency, self.seq), (t.to, t.packet));
        }
        while let Some(e) = self.nodes[i as usize].poll_event() {
            self.events.push((self.now, i, e));
        }
    }

    /// Runs until `until`, delivering packets and firing timeouts in time order. Stops early
    /// (returning false) if more than `max_steps` things happen.
    pub fn run_until(&mut self, until: Time, max_steps: u64) -> bool {
        for _ in 0..max_steps {
            let next_packet = self.queue.keys().next().map(|k| k.0);
            let next_timer = self
                .nodes
                .iter()
                .enumerate()
                .filter_map(|(i, n)| n.poll_timeout().map(|t| (t, i)))
                .min();
            let packet_first = match (next_packet, next_timer) {
                (Some(p), Some((t, _))) => p <= t,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => {
                    self.now = until;
                    return true;
                }
            };
            if packet_first {
                let (&(at, seq), _) = self.queue.iter().next().expect("non-empty");
                if at > until {
                    self.now = until;
                    return true;
                }
                let (to, packet) = self.queue.remove(&(at, seq)).expect("present");
                self.now = at;
                self.nodes[to as usize].handle_packet(at, packet);
                self.drain(to);
            } else {
                let (at, i) = next_timer.expect("timer");
                if at > until {
                    self.now = until;
                    return true;
                }
                self.now = at;
                self.nodes[i].handle_timeout(at);
                self.drain(i as u32);
            }
        }
        false
    }

    pub fn view(&self, i: u32) -> Vec<u32> {
        self.nodes[i as usize].get().map(|n| n.id).collect()
    }
}

/// Packets one heartbeat costs under faithful forwarding with full views (docs/protocol.md):
/// P(m) = k + k·P(m − k), k = min(amount, m), P(0) = 0.
pub fn faithful_cost(m: u64, amount: u64) -> u64 {
    if m == 0 {
        return 0;
    }
    let k = amount.min(m);
    k + k * faithful_cost(m - k, amount)
}
