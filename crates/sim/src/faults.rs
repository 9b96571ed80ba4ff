//! Node faults the simulator plays: pauses (packets wait, timers run late), slow processing
//! and a skewed wall clock. The rogue sender lives in `rogue.rs`, the nemesis is expanded by the plan player.

use std::time::Duration;

use pekonode_proto::Time;
use pekonode_run::{DropReason, NodeIndex, Record};

use super::fast::Fast;
use super::queue::{Envelope, What};
use super::trace::dropped;

impl Fast {
    /// Node `i`'s wall clock at `now`, in Unix ns: the virtual epoch plus its skew.
    pub(crate) fn wall_clock(&self, i: NodeIndex, now: Time) -> i64 {
        let skew = self.faults.skew_ns.get(i as usize).copied().unwrap_or(0);
        version_at(now).saturating_add(skew)
    }

    /// The processing time of one packet at node `to`.
    pub(crate) fn service_of(&self, to: usize) -> Duration {
        self.faults.service[to].unwrap_or(self.plan.network.service_time)
    }

    pub(crate) fn pause(&mut self, i: NodeIndex) {
        if self.nodes[i as usize].is_some() {
            self.faults.paused[i as usize] = true;
        }
    }

    /// Runs a paused node again: its backlog is read in arrival order (each packet taking the
    /// node's processing time), then its late timer fires.
    pub(crate) fn resume(&mut self, i: NodeIndex) {
        let iu = i as usize;
        if !std::mem::take(&mut self.faults.paused[iu]) {
            return;
        }
        let now = self.now;
        let service = self.service_of(iu);
        for slot in std::mem::take(&mut self.faults.held[iu]) {
            let at = self.busy_until[iu].max(now);
            self.busy_until[iu] = at + service;
            self.queue.push(at, What::Process(slot));
        }
        if std::mem::take(&mut self.faults.late[iu]) {
            let at = self.busy_until[iu].max(now);
            self.timers[iu] = Some(at);
            self.queue.push(at, What::Timer(i));
        }
    }

    /// A packet reaching a paused node waits in its receive queue (counted against `buffer`);
    /// a full queue drops it. Returns `env` back when the node is not paused.
    pub(crate) fn hold(&mut self, env: Envelope) -> Option<Envelope> {
        let to = env.to as usize;
        if !self.faults.paused[to] {
            return Some(env);
        }
        if (self.queued[to] as usize) < self.config.buffer {
            self.queued[to] += 1;
            let slot = self.queue.store(env);
            self.faults.held[to].push(slot);
            self.observers.record(self.now, Record::Held);
        } else {
            self.drop_packet(&env, DropReason::Queue);
        }
        None
    }

    /// A queued packet whose turn came while its node is paused goes back to the backlog
    /// (still counted in its queue). Returns `env` back when the node is not paused.
    pub(crate) fn hold_queued(&mut self, env: Envelope) -> Option<Envelope> {
        let to = env.to as usize;
        if !self.faults.paused[to] {
            return Some(env);
        }
        let slot = self.queue.store(env);
        self.faults.held[to].push(slot);
        None
    }

    /// Whether node `i`'s timer must wait because the node is paused (it fires on resume).
    pub(crate) fn timer_waits(&mut self, i: NodeIndex) -> bool {
        let iu = i as usize;
        if self.faults.paused[iu] {
            self.faults.late[iu] = true;
            return true;
        }
        false
    }

    /// A crashed node's pause ends and its backlog is dropped (the process is gone).
    pub(crate) fn forget_pause(&mut self, i: NodeIndex) {
        let iu = i as usize;
        self.faults.paused[iu] = false;
        self.faults.late[iu] = false;
        for slot in std::mem::take(&mut self.faults.held[iu]) {
            if let Some(env) = self.queue.take(slot) {
                self.queued[iu] = self.queued[iu].saturating_sub(1);
                self.drop_packet(&env, DropReason::Down);
            }
        }
    }

    pub(crate) fn slow(&mut self, i: NodeIndex, per_packet: Duration) {
        self.faults.service[i as usize] = (!per_packet.is_zero()).then_some(per_packet);
    }

    /// Node `i`'s clock runs `offset_ms` ahead from now on (it keeps it across restarts).
    pub(crate) fn skew(&mut self, i: NodeIndex, offset_ms: i64) {
        self.faults.skew_ns[i as usize] = offset_ms.saturating_mul(1_000_000);
        let now = self.now;
        let wall = self.wall_clock(i, now);
        if let Some(node) = &mut self.nodes[i as usize] {
            node.set_wall_clock(now, wall);
        }
    }

    /// Counts and traces a packet that does not reach its node.
    pub(crate) fn drop_packet(&mut self, env: &Envelope, reason: DropReason) {
        self.observers.record(self.now, Record::Dropped { reason });
        if let Some(sink) = &mut self.trace {
            sink(self.now, &dropped(env, reason));
        }
    }
}

/// Nanoseconds since the Unix epoch at virtual time zero: 2026-01-01T00:00:00Z. Publishes in
/// the simulator are versioned by this epoch plus virtual time, as a wall clock would.
pub const SIM_EPOCH_UNIX_NS: i64 = 1_767_225_600_000_000_000;

/// The metadata version of a publish at virtual time `now`.
pub(crate) fn version_at(now: Time) -> i64 {
    SIM_EPOCH_UNIX_NS
        .saturating_add(i64::try_from(now.as_micros()).unwrap_or(i64::MAX / 1_000) * 1_000)
}
