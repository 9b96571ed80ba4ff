//! The nemesis: a seeded random schedule of faults, expanded into plain timeline actions
//! before the run starts.
//!
//! Each nemesis event draws from its own stream of the plan's seed ([`Domain::Nemesis`]), so
//! a plan with a nemesis consumes every other stream exactly as it would without one, and the
//! same seed gives the same schedule. Faults come one at a time and each is undone before the
//! next starts, so the schedule never leaves the cluster in a state it did not plan.

use std::time::Duration;

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::faults::{Nemesis, NemesisFault};
use crate::node_index::NodeIndex;
use crate::plan::{Action, Plan, Timed};
use crate::seeds::{stream, Domain};

/// Most faults one nemesis injects (a bound on the expanded timeline).
const MAX_FAULTS: usize = 100_000;

/// Contacts a crashed node restarts with.
const RESTART_CONTACTS: usize = 3;

/// Adds the actions of each `nemesis` action's schedule to the timeline, which stays in time
/// order (ties keep their order, the schedule's actions after the file's). Returns, per
/// timeline entry, the fault it starts if a nemesis put it there (empty without a nemesis).
pub(crate) fn expand(plan: &mut Plan) -> Vec<Option<NemesisFault>> {
    let mut added: Vec<(Timed, Option<NemesisFault>)> = Vec::new();
    for (k, t) in plan.timeline.iter().enumerate() {
        if let Action::Nemesis(n) = &t.action {
            let mut rng = stream(plan.seed, Domain::Nemesis, k as u64);
            let nodes: Vec<NodeIndex> = if n.nodes.is_empty() {
                (0..plan.nodes.len() as NodeIndex).collect()
            } else {
                n.nodes.clone()
            };
            let mut actions = Vec::new();
            schedule(n, t.at, &nodes, plan.network.loss, &mut rng, &mut actions);
            // Every fault is two actions, its start then its undo.
            added.extend(actions.into_iter().enumerate().map(|(i, t)| {
                let start = (i % 2 == 0).then(|| started(&t.action)).flatten();
                (t, start)
            }));
        }
    }
    if added.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<(Timed, Option<NemesisFault>)> = std::mem::take(&mut plan.timeline)
        .into_iter()
        .map(|t| (t, None))
        .chain(added)
        .collect();
    all.sort_by_key(|(t, _)| t.at);
    let (timeline, starts) = all.into_iter().unzip();
    plan.timeline = timeline;
    starts
}

/// The fault a schedule's start action begins.
fn started(action: &Action) -> Option<NemesisFault> {
    match action {
        Action::Partition { .. } => Some(NemesisFault::Partition),
        Action::Crash { .. } => Some(NemesisFault::Crash),
        Action::Pause { .. } => Some(NemesisFault::Pause),
        Action::Loss { .. } => Some(NemesisFault::Loss),
        _ => None,
    }
}

/// The actions of nemesis `n` starting at `at` over `nodes`; `base_loss` is what a loss spike
/// returns to.
pub(crate) fn schedule(
    n: &Nemesis,
    at: Duration,
    nodes: &[NodeIndex],
    base_loss: f64,
    rng: &mut ChaCha8Rng,
    out: &mut Vec<Timed>,
) {
    if n.faults.is_empty() || nodes.is_empty() {
        return;
    }
    let end = at + n.span;
    let mean_us = n.mean_interval.as_micros() as f64;
    let mut t = at;
    let push = |out: &mut Vec<Timed>, at: Duration, action: Action| out.push(Timed { at, action });
    for _ in 0..MAX_FAULTS {
        // Exponential gaps: faults arrive as a Poisson process between one another.
        let u: f64 = rng.gen();
        let gap = Duration::from_micros((-(1.0 - u).ln() * mean_us) as u64);
        let start = t + gap;
        if start >= end {
            break;
        }
        let stop = start + n.fault;
        let fault = n.faults[rng.gen_range(0..n.faults.len())];
        let node = nodes[rng.gen_range(0..nodes.len())];
        match fault {
            NemesisFault::Partition if nodes.len() >= 2 => {
                let mut shuffled = nodes.to_vec();
                shuffled.shuffle(rng);
                let (a, b) = shuffled.split_at(shuffled.len() / 2);
                let (mut a, mut b) = (a.to_vec(), b.to_vec());
                a.sort_unstable();
                b.sort_unstable();
                let groups = vec![a, b];
                push(
                    out,
                    start,
                    Action::Partition {
                        groups,
                        oneway: false,
                    },
                );
                push(out, stop, Action::Heal);
            }
            NemesisFault::Crash => {
                let others: Vec<NodeIndex> = nodes.iter().copied().filter(|&j| j != node).collect();
                let mut contacts: Vec<NodeIndex> = others
                    .choose_multiple(rng, RESTART_CONTACTS.min(others.len()))
                    .copied()
                    .collect();
                contacts.sort_unstable();
                push(out, start, Action::Crash { node });
                push(out, stop, Action::Restart { node, contacts });
            }
            NemesisFault::Pause => {
                push(out, start, Action::Pause { node });
                push(out, stop, Action::Resume { node });
            }
            NemesisFault::Loss => {
                push(out, start, Action::Loss { value: n.loss });
                push(out, stop, Action::Loss { value: base_loss });
            }
            // One node cannot be split from itself: a quiet turn.
            NemesisFault::Partition => {}
        }
        t = stop;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nemesis() -> Nemesis {
        Nemesis {
            span: Duration::from_secs(600),
            mean_interval: Duration::from_secs(20),
            fault: Duration::from_secs(10),
            faults: NemesisFault::ALL.to_vec(),
            nodes: Vec::new(),
            loss: 0.3,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_schedule_and_faults_never_overlap() {
        let nodes: Vec<NodeIndex> = (0..10).collect();
        let run = |seed| {
            let mut out = Vec::new();
            let mut rng = stream(seed, Domain::Nemesis, 0);
            schedule(
                &nemesis(),
                Duration::from_secs(5),
                &nodes,
                0.0,
                &mut rng,
                &mut out,
            );
            out
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        // About 600 s / (20 s + 10 s) = 20 faults, two actions each, in time order.
        assert!((20..=60).contains(&a.len()), "{} actions", a.len());
        assert!(a.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(a.first().is_some_and(|t| t.at >= Duration::from_secs(5)));
        // Every start is followed by its undo before the next fault.
        for pair in a.chunks(2) {
            let undo = match &pair[0].action {
                Action::Partition { .. } => matches!(pair[1].action, Action::Heal),
                Action::Crash { node } => {
                    matches!(&pair[1].action, Action::Restart { node: r, contacts }
                        if r == node && contacts.len() == 3 && !contacts.contains(node))
                }
                Action::Pause { node } => pair[1].action == Action::Resume { node: *node },
                Action::Loss { value } => {
                    *value == 0.3 && pair[1].action == Action::Loss { value: 0.0 }
                }
                other => panic!("unexpected {other:?}"),
            };
            assert!(undo, "{pair:?}");
            assert_eq!(pair[1].at - pair[0].at, Duration::from_secs(10));
        }
    }

    #[test]
    fn only_the_chosen_faults_and_nodes_are_used() {
        let mut n = nemesis();
        n.faults = vec![NemesisFault::Pause];
        let nodes = [3, 4];
        let mut out = Vec::new();
        let mut rng = stream(1, Domain::Nemesis, 0);
        schedule(&n, Duration::ZERO, &nodes, 0.0, &mut rng, &mut out);
        assert!(!out.is_empty());
        assert!(out.iter().all(|t| matches!(t.action,
            Action::Pause { node } | Action::Resume { node } if nodes.contains(&node))));
    }
}
