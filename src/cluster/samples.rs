//! The time series of a loopback run: every `sample_interval`, each up node's `get()` against
//! the up set (converged fraction, view sizes) and the summed socket counters, bucketed by
//! cycle; convergence times are read from the series afterwards.

use std::collections::BTreeSet;

use crate::run::outcome::{Convergence, ConvergenceAfter, CycleTraffic, Mark, Sample};
use crate::wire::Endpoint;

use super::members::{Members, Totals};

/// Packets the nodes sent: handed to the socket, or dropped by fault injection on the way.
pub(crate) fn sent(t: &Totals) -> u64 {
    t.sent + t.dropped_fault
}

/// Packets handed to a node's state machine: read from the socket and not dropped on a full
/// queue.
pub(crate) fn delivered(t: &Totals) -> u64 {
    t.received.saturating_sub(t.queue_full)
}

/// The series under construction.
pub(crate) struct Series {
    cycle_ms: f64,
    pub(crate) samples: Vec<Sample>,
    pub(crate) per_cycle: Vec<CycleTraffic>,
    last: Totals,
}

impl Series {
    pub(crate) fn new(cycle_ms: f64) -> Series {
        Series {
            cycle_ms,
            samples: Vec::new(),
            per_cycle: Vec::new(),
            last: Totals::default(),
        }
    }

    /// Takes one sample at `t`; returns the packets sent so far in the current cycle (for the
    /// explosion guard).
    pub(crate) fn sample(&mut self, members: &Members, t: f64) -> u64 {
        let up = members.up();
        let up_set: BTreeSet<Endpoint> = up
            .iter()
            .filter_map(|&i| members.endpoint(i).cloned())
            .collect();
        let mut converged = 0;
        let (mut sum, mut min, mut max) = (0usize, usize::MAX, 0usize);
        for &i in &up {
            let Some(list) = members.list(i) else {
                continue;
            };
            let view: BTreeSet<Endpoint> = list.get().iter().map(|n| n.endpoint()).collect();
            if view == up_set {
                converged += 1;
            }
            sum += view.len();
            min = min.min(view.len());
            max = max.max(view.len());
        }
        let totals = members.totals();
        let n = up.len();
        self.samples.push(Sample {
            t_ms: t,
            up: n,
            converged_fraction: if n == 0 {
                1.0
            } else {
                converged as f64 / n as f64
            },
            mean_view: if n == 0 { 0.0 } else { sum as f64 / n as f64 },
            min_view: if n == 0 { 0 } else { min },
            max_view: max,
            in_flight: 0,
            sent: sent(&totals),
            delivered: delivered(&totals),
        });
        self.bucket(t, totals)
    }

    /// Adds the counters' growth since the last sample to the cycle holding `t`.
    fn bucket(&mut self, t: f64, totals: Totals) -> u64 {
        let k = (t.max(0.0) / self.cycle_ms).floor() as usize;
        while self.per_cycle.len() <= k {
            let start_ms = self.per_cycle.len() as f64 * self.cycle_ms;
            self.per_cycle.push(CycleTraffic {
                start_ms,
                ..CycleTraffic::default()
            });
        }
        let (a, b) = (&self.last, &totals);
        let c = &mut self.per_cycle[k];
        c.sent += sent(b) - sent(a);
        c.delivered += delivered(b).saturating_sub(delivered(a));
        c.lost += b.dropped_fault - a.dropped_fault;
        c.dropped += b.queue_full - a.queue_full;
        c.bytes_sent += b.bytes_sent - a.bytes_sent;
        self.last = totals;
        c.sent
    }

    /// Converged fraction and convergence times from the series, as the simulator defines
    /// them: an interval of full convergence counts when it lasts a cycle; after an event, the
    /// time until the first such interval (or its remaining part) that lasts a cycle.
    pub(crate) fn convergence(&self, marks: &[Mark], end: f64) -> Convergence {
        // Intervals [start, end) during which every sample saw c = 1.
        let mut intervals: Vec<(f64, f64)> = Vec::new();
        let mut since: Option<f64> = None;
        for s in &self.samples {
            let full = s.converged_fraction >= 1.0;
            match (full, since) {
                (true, None) => since = Some(s.t_ms),
                (false, Some(start)) => {
                    intervals.push((start, s.t_ms));
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(start) = since {
            intervals.push((start, end.max(start)));
        }
        let total: f64 = intervals.iter().map(|(s, e)| e - s).sum();
        let cycle = self.cycle_ms;
        let first = intervals
            .iter()
            .find(|(s, e)| e - s >= cycle)
            .map(|(s, _)| *s);
        let after_events = marks
            .iter()
            .map(|m| ConvergenceAfter {
                label: m.label.clone(),
                at_ms: m.at_ms,
                converged_after_ms: intervals.iter().find_map(|(s, e)| {
                    let from = s.max(m.at_ms);
                    (*e > from && e - from >= cycle).then_some(from - m.at_ms)
                }),
            })
            .collect();
        Convergence {
            first_converged_ms: first,
            final_fraction: self.samples.last().map_or(1.0, |s| s.converged_fraction),
            converged_time_share: if end > 0.0 { total / end } else { 0.0 },
            after_events,
        }
    }
}
