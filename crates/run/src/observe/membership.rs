//! Watching views against the up set: converged fraction and convergence times, failure
//! detection, false removals, metadata spread (docs/metrics.md).
//!
//! Kept incrementally: for every up node, the size of the symmetric difference between its
//! view and the up set. Node i is converged when it is 0, so the converged fraction changes
//! exactly when a view or the up set changes, and convergence times are exact.
//!
//! Views are followed from the records alone (one bit per (node, member) pair, and each
//! node's metadata version), never read from the nodes: the simulator and real sockets feed
//! the very same code.

use std::time::Duration;

use pekonode_proto::{Metadata, Time, UnixNanos};

use crate::node_index::NodeIndex;
use crate::outcome::{Convergence, ConvergenceAfter, Detection, Mark, MetadataSpread};
use crate::record::DownCause;
use crate::stats::ms;

use super::views::Views;

struct PendingDetection {
    node: NodeIndex,
    cause: &'static str,
    at: Time,
    holders: Vec<bool>,
    remaining: usize,
    removal_sum: u64,
    removals: u64,
    done: Option<Time>,
    aborted: bool,
}

struct PendingPublish {
    node: NodeIndex,
    at: Time,
    version: i64,
    done: Option<Time>,
}

/// The membership observer.
pub(crate) struct Membership {
    views: Views,
    /// Each node's metadata version (the initial one while it holds none).
    versions: Vec<UnixNanos>,
    /// The up set, one bit per node (for counting a view's up members word by word).
    up_bits: Vec<u64>,
    up: Vec<bool>,
    /// When each node last came up (meaningful while it is up).
    up_at: Vec<Time>,
    up_count: usize,
    mismatch: Vec<u32>,
    /// Per node, entries for made-up identities (a rogue's): never up, so each is one more
    /// difference between the view and the up set.
    foreign: Vec<u32>,
    converged: usize,
    cycle: Duration,
    since: Option<Time>,
    /// Intervals of full convergence that lasted at least one cycle.
    intervals: Vec<(Time, Time)>,
    converged_total: u64,
    detections: Vec<PendingDetection>,
    false_removals: u64,
    publishes: Vec<PendingPublish>,
    /// Every version published so far, sorted.
    published_versions: Vec<i64>,
}

impl Membership {
    pub(crate) fn new(nodes: usize, cycle: Duration) -> Membership {
        Membership {
            views: Views::new(nodes),
            versions: vec![Metadata::initial().version(); nodes],
            up_bits: vec![0; nodes.div_ceil(64)],
            up: vec![false; nodes],
            up_at: vec![Time::ZERO; nodes],
            up_count: 0,
            mismatch: vec![0; nodes],
            foreign: vec![0; nodes],
            converged: 0,
            cycle,
            since: Some(Time::ZERO),
            intervals: Vec::new(),
            converged_total: 0,
            detections: Vec::new(),
            false_removals: 0,
            publishes: Vec::new(),
            published_versions: Vec::new(),
        }
    }

    /// Whether node `i` is up (an index outside the plan, a made-up identity, never is).
    pub(crate) fn is_up(&self, i: NodeIndex) -> bool {
        self.up.get(i as usize).copied().unwrap_or(false)
    }

    /// When node `i` came up, if it is up (`None` for an index outside the plan).
    pub(crate) fn up_since(&self, i: NodeIndex) -> Option<Time> {
        let iu = i as usize;
        (self.is_up(i)).then(|| self.up_at.get(iu).copied())?
    }

    pub(crate) fn up_count(&self) -> usize {
        self.up_count
    }

    /// Share of up nodes whose view is the up set (1 with no node up).
    pub(crate) fn fraction(&self) -> f64 {
        if self.up_count == 0 {
            1.0
        } else {
            self.converged as f64 / self.up_count as f64
        }
    }

    fn set_mismatch(&mut self, i: usize, value: u32) {
        let was = self.mismatch[i] == 0;
        self.mismatch[i] = value;
        match (was, value == 0) {
            (true, false) => self.converged -= 1,
            (false, true) => self.converged += 1,
            _ => {}
        }
    }

    fn adjust(&mut self, i: usize, grow: bool) {
        let m = self.mismatch[i];
        self.set_mismatch(i, if grow { m + 1 } else { m.saturating_sub(1) });
    }

    /// The size of node `i`'s view.
    pub(crate) fn view_len(&self, i: NodeIndex) -> usize {
        self.views.len(i as usize)
    }

    /// Node `i` starts with fresh state: its view holds itself, its metadata is unset.
    pub(crate) fn fresh(&mut self, i: NodeIndex) {
        let iu = i as usize;
        self.views.clear(iu);
        self.foreign[iu] = 0;
        self.views.put(iu, iu, true);
        self.versions[iu] = Metadata::initial().version();
    }

    /// Node `i`'s state is gone (it crashed, and was marked down before).
    pub(crate) fn gone(&mut self, i: NodeIndex) {
        let iu = i as usize;
        self.views.clear(iu);
        self.foreign[iu] = 0;
        self.versions[iu] = Metadata::initial().version();
    }

    fn set_up(&mut self, i: usize, up: bool) {
        self.up[i] = up;
        let bit = 1u64 << (i % 64);
        if up {
            self.up_bits[i / 64] |= bit;
        } else {
            self.up_bits[i / 64] &= !bit;
        }
    }

    fn recount(&mut self, i: usize) {
        let inside: usize = self
            .views
            .row(i)
            .iter()
            .zip(&self.up_bits)
            .map(|(v, u)| (v & u).count_ones() as usize)
            .sum();
        let value = (self.view_len(i as NodeIndex) - inside)
            + (self.up_count - inside)
            + self.foreign[i] as usize;
        // A node that just came up is counted as converged before recount.
        self.set_mismatch(i, value as u32);
    }

    fn settle(&mut self, now: Time) {
        let full = self.up_count == 0 || self.converged == self.up_count;
        match (full, self.since) {
            (true, None) => self.since = Some(now),
            (false, Some(start)) => {
                self.close(start, now);
                self.since = None;
            }
            _ => {}
        }
    }

    fn close(&mut self, start: Time, end: Time) {
        self.converged_total += end.as_micros() - start.as_micros();
        if end.saturating_since(start) >= self.cycle {
            self.intervals.push((start, end));
        }
    }

    /// Node `j` started heartbeating.
    pub(crate) fn went_up(&mut self, now: Time, j: NodeIndex) {
        let ju = j as usize;
        if self.up[ju] {
            return;
        }
        for i in 0..self.up.len() {
            if self.up[i] {
                let known = self.views.knows(i, ju);
                self.adjust(i, !known);
            }
        }
        self.set_up(ju, true);
        self.up_at[ju] = now;
        self.up_count += 1;
        self.mismatch[ju] = 0;
        self.converged += 1;
        self.recount(ju);
        for d in &mut self.detections {
            if d.node == j && d.done.is_none() {
                d.aborted = true;
            }
        }
        self.settle(now);
    }

    /// Node `j` stopped heartbeating (`stop`) or died (`crash`); call before its state goes.
    pub(crate) fn went_down(&mut self, now: Time, j: NodeIndex, cause: DownCause) {
        let ju = j as usize;
        if !self.up[ju] {
            return;
        }
        self.set_up(ju, false);
        self.up_count -= 1;
        if self.mismatch[ju] == 0 {
            self.converged -= 1;
        }
        self.mismatch[ju] = 0;
        let holders: Vec<bool> = (0..self.up.len())
            .map(|i| self.up[i] && self.views.knows(i, ju))
            .collect();
        let mut remaining = 0;
        for (i, &known) in holders.iter().enumerate() {
            if self.up[i] {
                self.adjust(i, known);
                remaining += usize::from(known);
            }
        }
        // The node that went down no longer needs to be removed from anyone it held.
        for d in &mut self.detections {
            if d.holders.get(ju).copied().unwrap_or(false) {
                d.holders[ju] = false;
                d.remaining -= 1;
                if d.remaining == 0 && d.done.is_none() && !d.aborted {
                    d.done = Some(now);
                }
            }
        }
        self.detections.push(PendingDetection {
            node: j,
            cause: cause.name(),
            at: now,
            holders,
            remaining,
            removal_sum: 0,
            removals: 0,
            done: (remaining == 0).then_some(now),
            aborted: false,
        });
        self.check_publishes(now);
        self.settle(now);
    }

    /// Node `i`'s view gained (`added`) or lost an entry for a made-up identity.
    pub(crate) fn foreign(&mut self, now: Time, i: NodeIndex, added: bool) {
        let iu = i as usize;
        let f = self.foreign[iu];
        self.foreign[iu] = if added { f + 1 } else { f.saturating_sub(1) };
        if self.up[iu] && self.foreign[iu] != f {
            self.adjust(iu, added);
            self.settle(now);
        }
    }

    /// Node `i`'s view gained `j`.
    pub(crate) fn view_added(&mut self, now: Time, i: NodeIndex, j: NodeIndex) {
        if !self.views.put(i as usize, j as usize, true) {
            return;
        }
        if self.is_up(i) {
            let fits = self.is_up(j);
            self.adjust(i as usize, !fits);
            self.settle(now);
        }
    }

    /// Node `i`'s view lost `j`.
    pub(crate) fn view_removed(&mut self, now: Time, i: NodeIndex, j: NodeIndex) {
        let iu = i as usize;
        if !self.views.put(iu, j as usize, false) || !self.is_up(i) {
            return;
        }
        let j_up = self.is_up(j);
        self.adjust(iu, j_up);
        if j_up && i != j {
            self.false_removals += 1;
        }
        for d in &mut self.detections {
            if d.node == j && d.done.is_none() && !d.aborted && d.holders[iu] {
                d.holders[iu] = false;
                d.remaining -= 1;
                d.removals += 1;
                d.removal_sum += now.as_micros() - d.at.as_micros();
                if d.remaining == 0 {
                    d.done = Some(now);
                }
            }
        }
        self.settle(now);
    }

    /// Node `i` now holds metadata of `version`.
    pub(crate) fn metadata(&mut self, now: Time, i: NodeIndex, version: UnixNanos) {
        let Some(held) = self.versions.get_mut(i as usize) else {
            return;
        };
        *held = version;
        if self.is_up(i) {
            self.check_publishes(now);
        }
    }

    /// Node `p` published `version`.
    pub(crate) fn published(&mut self, now: Time, p: NodeIndex, version: i64) {
        if let Err(at) = self.published_versions.binary_search(&version) {
            self.published_versions.insert(at, version);
        }
        self.publishes.push(PendingPublish {
            node: p,
            at: now,
            version,
            done: None,
        });
        self.check_publishes(now);
    }

    /// Marks the publishes every up node now holds (or a newer published version: a version
    /// nobody published, a rogue's forgery, does not count as newer).
    fn check_publishes(&mut self, now: Time) {
        let published = &self.published_versions;
        for p in self.publishes.iter_mut().filter(|p| p.done.is_none()) {
            let everywhere = (0..self.up.len()).filter(|&i| self.up[i]).all(|i| {
                let v = self.versions[i];
                v == p.version || (v > p.version && published.binary_search(&v).is_ok())
            });
            if everywhere {
                p.done = Some(now);
            }
        }
    }

    /// Closes the books at `end`.
    pub(crate) fn finish(
        mut self,
        end: Time,
        marks: &[Mark],
        names: &[String],
    ) -> (Convergence, Vec<Detection>, u64, Vec<MetadataSpread>) {
        if let Some(start) = self.since.take() {
            self.close(start, end);
        }
        let cycle_us = self.cycle.as_micros() as u64;
        let first = self.intervals.first().map(|(s, _)| ms(s.as_micros()));
        let after_events = marks
            .iter()
            .map(|m| {
                let e = (m.at_ms * 1_000.0).round() as u64;
                let after = self.intervals.iter().find_map(|(s, t)| {
                    let from = s.as_micros().max(e);
                    (t.as_micros() > from && t.as_micros() - from >= cycle_us).then(|| ms(from - e))
                });
                ConvergenceAfter {
                    label: m.label.clone(),
                    at_ms: m.at_ms,
                    converged_after_ms: after,
                }
            })
            .collect();
        let name = |i: NodeIndex| names.get(i as usize).cloned().unwrap_or_default();
        let convergence = Convergence {
            first_converged_ms: first,
            final_fraction: self.fraction(),
            converged_time_share: if end.as_micros() == 0 {
                0.0
            } else {
                self.converged_total as f64 / end.as_micros() as f64
            },
            after_events,
        };
        let detections = self
            .detections
            .iter()
            .map(|d| Detection {
                node: name(d.node),
                cause: d.cause.to_string(),
                at_ms: ms(d.at.as_micros()),
                all_removed_after_ms: d
                    .done
                    .filter(|_| !d.aborted || d.done.is_some())
                    .map(|t| ms(t.as_micros() - d.at.as_micros())),
                mean_removal_after_ms: (d.removals > 0).then(|| ms(d.removal_sum / d.removals)),
            })
            .collect();
        let metadata = self
            .publishes
            .iter()
            .map(|p| MetadataSpread {
                node: name(p.node),
                at_ms: ms(p.at.as_micros()),
                version: p.version,
                everywhere_after_ms: p.done.map(|t| ms(t.as_micros() - p.at.as_micros())),
            })
            .collect();
        (convergence, detections, self.false_removals, metadata)
    }
}
