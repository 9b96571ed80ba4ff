//! Packet and byte counters, in total and per cycle of virtual time.

use std::time::Duration;

use pekonode_proto::Time;

use crate::outcome::{CycleTraffic, Traffic};
use crate::record::{Counts, DropReason as Drop};
use crate::stats::ms;

pub(crate) struct TrafficCounter {
    pub(crate) totals: Traffic,
    per_cycle: Vec<CycleTraffic>,
    cycle_us: u64,
    /// The cycle counted last and its first µs: nearly every count falls in it, and knowing
    /// it spares a 64-bit division per packet.
    last: (usize, u64),
}

impl TrafficCounter {
    pub(crate) fn new(cycle: Duration) -> TrafficCounter {
        TrafficCounter {
            totals: Traffic::default(),
            per_cycle: Vec::new(),
            cycle_us: (cycle.as_micros() as u64).max(1),
            last: (usize::MAX, 0),
        }
    }

    #[inline]
    fn bucket(&mut self, now: Time) -> &mut CycleTraffic {
        let t = now.as_micros();
        let (last, from) = self.last;
        if t >= from && t - from < self.cycle_us && last < self.per_cycle.len() {
            return &mut self.per_cycle[last];
        }
        let k = (t / self.cycle_us) as usize;
        self.last = (k, k as u64 * self.cycle_us);
        while self.per_cycle.len() <= k {
            let start = self.per_cycle.len() as u64 * self.cycle_us;
            self.per_cycle.push(CycleTraffic {
                start_ms: ms(start),
                ..CycleTraffic::default()
            });
        }
        &mut self.per_cycle[k]
    }

    /// Counts a sent packet; returns the packets sent so far in this cycle.
    #[inline]
    pub(crate) fn sent(&mut self, now: Time, len: u64, heartbeat: bool) -> u64 {
        self.totals.sent += 1;
        self.totals.bytes_sent += len;
        self.totals.heartbeat_packets += u64::from(heartbeat);
        let b = self.bucket(now);
        b.sent += 1;
        b.bytes_sent += len;
        b.sent
    }

    /// Packets sent so far in the cycle holding `now`.
    #[inline]
    pub(crate) fn sent_in_cycle(&mut self, now: Time) -> u64 {
        self.bucket(now).sent
    }

    #[inline]
    pub(crate) fn delivered(&mut self, now: Time, len: u64) {
        self.totals.delivered += 1;
        self.totals.bytes_delivered += len;
        self.bucket(now).delivered += 1;
    }

    #[inline]
    pub(crate) fn dropped(&mut self, now: Time, why: Drop) {
        let t = &mut self.totals;
        match why {
            Drop::Lost => t.lost += 1,
            Drop::Partition => t.dropped_partition += 1,
            Drop::Oversize => t.dropped_oversize += 1,
            Drop::Queue => t.dropped_queue += 1,
            Drop::Down => t.dropped_down += 1,
        }
        let b = self.bucket(now);
        if why == Drop::Lost {
            b.lost += 1;
        } else {
            b.dropped += 1;
        }
    }

    /// Adds socket counters grown since the last call (real sockets); returns the packets
    /// sent so far in this cycle.
    pub(crate) fn counted(&mut self, now: Time, c: Counts) -> u64 {
        let t = &mut self.totals;
        t.sent += c.sent;
        t.heartbeat_packets += c.heartbeat_packets;
        t.bytes_sent += c.bytes_sent;
        t.delivered += c.delivered;
        t.lost += c.lost;
        t.dropped_queue += c.dropped_queue;
        let b = self.bucket(now);
        b.sent += c.sent;
        b.bytes_sent += c.bytes_sent;
        b.delivered += c.delivered;
        b.lost += c.lost;
        b.dropped += c.dropped_queue;
        b.sent
    }

    pub(crate) fn duplicated(&mut self) {
        self.totals.duplicated += 1;
    }

    #[inline]
    pub(crate) fn duplicate(&mut self, now: Time) {
        self.totals.duplicates += 1;
        self.bucket(now).duplicates += 1;
    }

    /// Final totals and the per-cycle table, with the per-heartbeat ratios filled in.
    pub(crate) fn finish(
        mut self,
        end: Time,
        heartbeats: u64,
        nodes_up_mean: f64,
    ) -> (Traffic, Vec<CycleTraffic>) {
        if end.as_micros() > 0 {
            // Make the table reach the end of the run even if the last cycles were silent.
            self.bucket(Time::from_micros(end.as_micros() - 1));
        }
        let t = &mut self.totals;
        t.heartbeats = heartbeats;
        if heartbeats > 0 {
            t.packets_per_heartbeat = t.heartbeat_packets as f64 / heartbeats as f64;
            t.datagrams_per_heartbeat = t.sent as f64 / heartbeats as f64;
        }
        let cycles = end.as_micros() as f64 / self.cycle_us as f64;
        if cycles > 0.0 && nodes_up_mean > 0.0 {
            t.per_node_per_cycle = t.sent as f64 / cycles / nodes_up_mean;
        }
        (self.totals, self.per_cycle)
    }
}
