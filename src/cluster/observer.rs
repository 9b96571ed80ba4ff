//! Membership metrics from real time (docs/metrics.md): failure detection, false removals,
//! metadata spread and heartbeats emitted, fed by the nodes' events and by polling them.
//!
//! Times are milliseconds since the run started (`Instant`), taken when the run's loop sees
//! an event: events are drained every tick (20 ms), so times are exact to about a tick.

use crate::protocol::Event;
use crate::run::outcome::{Detection, MetadataSpread};

use super::members::Members;

/// A crash or stop whose removal everywhere is awaited.
struct PendingDetection {
    node: usize,
    cause: &'static str,
    at: f64,
    /// Up nodes that listed the node when it went down and have not removed it yet.
    holders: Vec<bool>,
    remaining: usize,
    removal_sum: f64,
    removals: u64,
    done: Option<f64>,
    aborted: bool,
}

struct PendingPublish {
    node: usize,
    at: f64,
    version: i64,
    done: Option<f64>,
}

/// The event-driven observer.
pub(crate) struct Observer {
    cycle_ms: f64,
    detections: Vec<PendingDetection>,
    publishes: Vec<PendingPublish>,
    false_removals: u64,
    /// When each node came up, while it is up.
    up_since: Vec<Option<f64>>,
    heartbeats: u64,
}

impl Observer {
    pub(crate) fn new(nodes: usize, cycle_ms: f64) -> Observer {
        Observer {
            cycle_ms,
            detections: Vec::new(),
            publishes: Vec::new(),
            false_removals: 0,
            up_since: vec![None; nodes],
            heartbeats: 0,
        }
    }

    /// Node `j` started heartbeating at `t`.
    pub(crate) fn went_up(&mut self, j: usize, t: f64) {
        if let Some(slot) = self.up_since.get_mut(j) {
            slot.get_or_insert(t);
        }
        for d in self.detections.iter_mut().filter(|d| d.node == j) {
            if d.done.is_none() {
                d.aborted = true;
            }
        }
    }

    /// Heartbeats a node up from `since` to `t` emitted: one at its join or start, then one
    /// every cycle, strictly before `t` (the approximation stated in the report's notes).
    fn emitted(&self, since: f64, t: f64) -> u64 {
        ((t - since).max(0.0) / self.cycle_ms).ceil().max(1.0) as u64
    }

    fn close_up(&mut self, j: usize, t: f64) {
        if let Some(since) = self.up_since.get_mut(j).and_then(Option::take) {
            self.heartbeats += self.emitted(since, t);
        }
    }

    /// Node `j` is about to go down (crash or stop) at `t`: its holders are the up nodes that
    /// list it now. Call before the node stops.
    pub(crate) fn went_down(&mut self, members: &Members, j: usize, cause: &'static str, t: f64) {
        self.close_up(j, t);
        let Some(endpoint) = members.endpoint(j).cloned() else {
            return;
        };
        let mut holders = vec![false; members.len()];
        for i in members.up() {
            if i == j {
                continue;
            }
            if let Some(list) = members.list(i) {
                holders[i] = list.get().iter().any(|n| n.endpoint() == endpoint);
            }
        }
        let remaining = holders.iter().filter(|h| **h).count();
        self.detections.push(PendingDetection {
            node: j,
            cause,
            at: t,
            holders,
            remaining,
            removal_sum: 0.0,
            removals: 0,
            done: (remaining == 0).then_some(t),
            aborted: false,
        });
        // A holder that goes down no longer has to remove anyone.
        for d in &mut self.detections {
            if d.done.is_none() && d.holders.get(j).copied().unwrap_or(false) {
                d.holders[j] = false;
                d.remaining -= 1;
                if d.remaining == 0 {
                    d.done = Some(t);
                }
            }
        }
    }

    /// Node `j` published metadata of `version` at `t`.
    pub(crate) fn published(&mut self, j: usize, version: i64, t: f64) {
        self.publishes.push(PendingPublish {
            node: j,
            at: t,
            version,
            done: None,
        });
    }

    /// Node `i` emitted `event` (seen at `t`).
    pub(crate) fn event(
        &mut self,
        members: &Members,
        i: usize,
        event: &Event<crate::wire::Endpoint>,
        t: f64,
    ) {
        let Event::MemberExpired(id) = event else {
            return;
        };
        let Some(j) = members.index_of(id) else {
            return;
        };
        if i != j && members.is_up(i) && members.is_up(j) {
            self.false_removals += 1;
        }
        for d in &mut self.detections {
            if d.node == j && d.done.is_none() && !d.aborted && d.holders.get(i) == Some(&true) {
                d.holders[i] = false;
                d.remaining -= 1;
                d.removal_sum += t - d.at;
                d.removals += 1;
                if d.remaining == 0 {
                    d.done = Some(t);
                }
            }
        }
    }

    /// Polls the pending publishes: done when every up node reads their version or newer.
    pub(crate) fn poll(&mut self, members: &Members, t: f64) {
        if self.publishes.iter().all(|p| p.done.is_some()) {
            return;
        }
        let versions: Vec<i64> = members
            .up()
            .into_iter()
            .filter_map(|i| members.list(i).map(|l| l.version()))
            .collect();
        for p in self.publishes.iter_mut().filter(|p| p.done.is_none()) {
            if versions.iter().all(|v| *v >= p.version) {
                p.done = Some(t);
            }
        }
    }

    /// Heartbeats emitted so far, counting the up nodes' intervals up to `end`.
    pub(crate) fn heartbeats(&self, end: f64) -> u64 {
        let open: u64 = self
            .up_since
            .iter()
            .flatten()
            .map(|since| self.emitted(*since, end))
            .sum();
        self.heartbeats + open
    }

    /// Failure detections, false removals and metadata spreads, named.
    pub(crate) fn finish(&self, members: &Members) -> (Vec<Detection>, u64, Vec<MetadataSpread>) {
        let detections = self
            .detections
            .iter()
            .map(|d| Detection {
                node: members.name(d.node).to_string(),
                cause: d.cause.to_string(),
                at_ms: d.at,
                all_removed_after_ms: d.done.map(|t| t - d.at),
                mean_removal_after_ms: (d.removals > 0).then(|| d.removal_sum / d.removals as f64),
            })
            .collect();
        let metadata = self
            .publishes
            .iter()
            .map(|p| MetadataSpread {
                node: members.name(p.node).to_string(),
                at_ms: p.at,
                version: p.version,
                everywhere_after_ms: p.done.map(|t| t - p.at),
            })
            .collect();
        (detections, self.false_removals, metadata)
    }
}
