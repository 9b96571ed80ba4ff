//! Timeline validation: the node table is built from `nodes` and `join` events, then each event
//! is checked against the life of its nodes (a node must have started before it can crash, be
//! stopped before it starts, …) and resolved into node indexes.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::run::{Action, Bootstrap, NodeIndex, Timed, MAX_NODES};

use super::checker::Checker;
use super::events::ActionSpec;
use super::nodes::NodesSpec;
use super::refs::NodeRef;
use super::schema::ScenarioSpec;
use super::table::Resolved;
use super::timeline_faults;
use super::MAX_EVENTS;

/// Where a node is in its life at some time.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Life {
    Pending,
    Running,
    Stopped,
    Crashed,
}

/// Builds the node table and resolves the timeline.
pub(super) fn resolve(ck: &mut Checker, spec: &ScenarioSpec) -> Resolved {
    let mut r = Resolved::default();
    let duration = spec.duration_ms;
    let mut listed_contacts = Vec::new();
    match &spec.nodes {
        NodesSpec::Generated(g) => {
            if g.count == 0 || g.count as usize > MAX_NODES {
                ck.err("nodes.count", format!(
                    "{} nodes cannot be simulated; use 1 to {MAX_NODES} (every node's view grows to \
                     the whole cluster, so memory grows with the square of the count)", g.count));
                return r;
            }
            if let Bootstrap::Random { k } = g.bootstrap {
                // A node can know at most the count − 1 others: a larger k would be capped
                // without a word, so it is refused instead.
                let most = (g.count as usize).saturating_sub(1).max(1);
                if !(1..=most).contains(&k) {
                    ck.err(
                        "nodes.bootstrap.random.k",
                        format!(
                            "{k} is out of range; use 1 to {most} (each node joins through k \
                             earlier nodes, and there are {} nodes)",
                            g.count
                        ),
                    );
                }
            }
            let last_start = u64::from(g.count - 1).checked_mul(g.join_interval_ms);
            if last_start.is_none_or(|t| t > duration) {
                ck.err("nodes.join_interval_ms", format!(
                    "with {} ms between starts the last node starts after the end of the run ({duration} ms)",
                    g.join_interval_ms));
            }
            r.bootstrap = Some(g.bootstrap);
            for i in 0..g.count as usize {
                let name = format!("n{i}");
                r.lookup.insert(name.clone(), i);
                r.names.push(name);
                let start_ms = (i as u64).saturating_mul(g.join_interval_ms);
                r.initial.push(join(start_ms, i, Vec::new()));
            }
        }
        NodesSpec::Listed(list) => {
            if list.is_empty() || list.len() > MAX_NODES {
                ck.err(
                    "nodes",
                    format!("{} nodes listed; list 1 to {MAX_NODES} nodes", list.len()),
                );
                return r;
            }
            for (i, node) in list.iter().enumerate() {
                r.add(ck, &format!("nodes[{i}].name"), &node.name);
                if node.start_ms > duration {
                    ck.err(
                        format!("nodes[{i}].start_ms"),
                        format!(
                            "{} ms is after the end of the run ({duration} ms)",
                            node.start_ms
                        ),
                    );
                }
            }
            if r.names.len() != list.len() {
                return r; // a bad or duplicate name: indexes would not match the list
            }
            listed_contacts = list.iter().map(|n| (n.start_ms, &n.contacts)).collect();
        }
    }
    if spec.events.len() > MAX_EVENTS {
        ck.err(
            "events",
            format!(
                "{} events; at most {MAX_EVENTS} are accepted",
                spec.events.len()
            ),
        );
        return r;
    }
    // Nodes created by joins get the next indexes, in timeline order.
    for (e, event) in spec.events.iter().enumerate() {
        if let ActionSpec::Join(join) = &event.action {
            if let Some(i) = r.add(ck, &format!("events[{e}].join.node"), &join.node) {
                r.join_event.insert(i, e);
            }
        }
    }
    if r.names.len() > MAX_NODES {
        ck.err(
            "events",
            format!(
                "{} nodes in all with joins; at most {MAX_NODES}",
                r.names.len()
            ),
        );
        return r;
    }
    r.ok = true;
    for (i, (start_ms, contacts)) in listed_contacts.into_iter().enumerate() {
        let contacts = r.nodes(ck, &format!("nodes[{i}].contacts"), contacts, Some(i));
        r.initial.push(join(start_ms, i, contacts));
    }
    resolve_events(ck, spec, &mut r);
    r
}

/// Node `node` joins at `start_ms` through `contacts`.
fn join(start_ms: u64, node: usize, contacts: Vec<NodeIndex>) -> Timed {
    Timed {
        at: Duration::from_millis(start_ms),
        action: Action::Join {
            node: node as NodeIndex,
            contacts,
        },
    }
}

fn resolve_events(ck: &mut Checker, spec: &ScenarioSpec, r: &mut Resolved) {
    let mut life = vec![Life::Pending; r.names.len()];
    let mut starts: Vec<(u64, usize)> = (0..r.initial.len()).map(|i| (r.start_ms(i), i)).collect();
    starts.sort_unstable();
    let mut next_start = 0;
    let mut partitions = 0usize;
    let mut prev_ms = 0;
    // Paused nodes, with the time a `pause` with `for_ms` resumes them by itself.
    let mut paused: BTreeMap<usize, Option<u64>> = BTreeMap::new();
    // Resumes of pauses with `for_ms`, added after the file's events (the plan sorts by time).
    let mut later = Vec::new();
    for (e, event) in spec.events.iter().enumerate() {
        let t = event.at_ms;
        if t > spec.duration_ms {
            ck.err(format!("events[{e}].at_ms"), format!(
                "{t} ms is after the end of the run; events happen from 0 to duration_ms ({} ms)", spec.duration_ms));
        } else if t < prev_ms {
            ck.err(
                format!("events[{e}].at_ms"),
                format!(
                "{t} ms comes before the previous event ({prev_ms} ms); list events in time order"),
            );
        }
        prev_ms = prev_ms.max(t);
        while next_start < starts.len() && starts[next_start].0 <= t {
            life[starts[next_start].1] = Life::Running;
            next_start += 1;
        }
        paused.retain(|_, until| until.is_none_or(|u| u > t));
        let kind = event.action.kind();
        let base = format!("events[{e}].{kind}");
        // Resolves `node` and checks it is in one of the `allowed` states; moves it to `to`.
        let mut step = |ck: &mut Checker,
                        r: &Resolved,
                        node: &NodeRef,
                        allowed: &[Life],
                        to: Option<Life>| {
            let path = format!("{base}.node");
            let i = r.node(ck, &path, node)?;
            let now = life[i];
            if !allowed.contains(&now) {
                let state = match now {
                    Life::Pending => match r.join_event.get(&i) {
                        Some(j) => format!("does not exist yet (it is created by the join at events[{j}], at {} ms)",
                            spec.events[*j].at_ms),
                        None => format!("has not started yet (it starts at {} ms)", r.start_ms(i)),
                    },
                    Life::Running => "is running".to_string(),
                    Life::Stopped => "is stopped".to_string(),
                    Life::Crashed => "has crashed".to_string(),
                };
                let need = match allowed {
                    [Life::Crashed] => "a crashed node",
                    [Life::Running] => "a running node",
                    [Life::Stopped] => "a stopped node",
                    [Life::Pending] => "a new node",
                    _ => "a running or stopped node",
                };
                ck.err(
                    path,
                    format!(
                        "{kind} needs {need}, but '{}' {state} at {t} ms",
                        r.names[i]
                    ),
                );
            }
            if let Some(to) = to {
                life[i] = to;
            }
            Some(i)
        };
        const ALIVE: &[Life] = &[Life::Running, Life::Stopped];
        let action = match &event.action {
            ActionSpec::Join(j) => {
                let Some(&node) = r
                    .lookup
                    .get(&j.node)
                    .filter(|i| r.join_event.get(i) == Some(&e))
                else {
                    continue;
                };
                life[node] = Life::Running;
                let contacts = r.nodes(ck, &format!("{base}.contacts"), &j.contacts, Some(node));
                Action::Join {
                    node: node as NodeIndex,
                    contacts,
                }
            }
            ActionSpec::Crash(c) => {
                let node = step(ck, r, &c.node, ALIVE, Some(Life::Crashed));
                node.map(|i| paused.remove(&i));
                Action::Crash { node: index(node) }
            }
            ActionSpec::Restart(s) => {
                let node = step(ck, r, &s.node, &[Life::Crashed], Some(Life::Running));
                let contacts = r.nodes(ck, &format!("{base}.contacts"), &s.contacts, node);
                Action::Restart {
                    node: index(node),
                    contacts,
                }
            }
            ActionSpec::Stop(s) => Action::Stop {
                node: index(step(ck, r, &s.node, &[Life::Running], Some(Life::Stopped))),
            },
            ActionSpec::Start(s) => Action::Start {
                node: index(step(ck, r, &s.node, &[Life::Stopped], Some(Life::Running))),
            },
            ActionSpec::Set(s) => {
                let node = step(ck, r, &s.node, ALIVE, None);
                let contact = r.node(ck, &format!("{base}.contact"), &s.contact);
                if node.is_some() && node == contact {
                    ck.err(
                        format!("{base}.contact"),
                        "a node cannot be its own contact",
                    );
                }
                Action::Set {
                    node: index(node),
                    contact: index(contact),
                }
            }
            ActionSpec::Publish(p) => Action::Publish {
                node: index(step(ck, r, &p.node, ALIVE, None)),
                data: p.data.as_bytes().to_vec(),
            },
            ActionSpec::Partition(p) => {
                partitions += 1;
                Action::Partition {
                    groups: partition_groups(ck, r, &base, &p.groups, p.oneway),
                    oneway: p.oneway,
                }
            }
            ActionSpec::Heal(_) => {
                if partitions == 0 {
                    ck.err(base, format!("there is no partition to heal at {t} ms"));
                }
                partitions = 0;
                Action::Heal
            }
            ActionSpec::Loss(l) => {
                ck.probability(&format!("{base}.value"), l.value);
                Action::Loss { value: l.value }
            }
            ActionSpec::Pause(p) => {
                let node = step(ck, r, &p.node, ALIVE, None);
                let resume = p.for_ms;
                timeline_faults::pause(ck, r, &base, t, node, resume, &mut paused, &mut later);
                Action::Pause { node: index(node) }
            }
            ActionSpec::Resume(s) => {
                let node = step(ck, r, &s.node, ALIVE, None);
                timeline_faults::resume(ck, r, &base, t, node, &mut paused);
                Action::Resume { node: index(node) }
            }
            ActionSpec::Slow(s) => Action::Slow {
                node: index(step(ck, r, &s.node, ALIVE, None)),
                per_packet: timeline_faults::slow(ck, &base, s),
            },
            ActionSpec::Skew(s) => Action::Skew {
                node: index(r.node(ck, &format!("{base}.node"), &s.node)),
                offset_ms: timeline_faults::skew(ck, &base, s),
            },
            ActionSpec::Forge(f) => {
                match timeline_faults::forge(ck, r, &base, t, spec.duration_ms, f) {
                    Some(forge) => Action::Forge(forge),
                    None => continue,
                }
            }
            ActionSpec::Nemesis(n) => {
                let started = (0..life.len())
                    .filter(|&i| matches!(life[i], Life::Running | Life::Stopped))
                    .map(|i| i as NodeIndex)
                    .collect();
                let nemesis =
                    timeline_faults::nemesis(ck, r, &base, t, spec.duration_ms, n, started);
                Action::Nemesis(nemesis)
            }
        };
        r.events.push(Timed {
            at: Duration::from_millis(t),
            action,
        });
    }
    r.events.extend(later);
}

/// A resolved node as the run numbers it (0 stands in for a node that did not resolve: the
/// scenario is refused then).
fn index(node: Option<usize>) -> NodeIndex {
    node.map_or(0, |i| i as NodeIndex)
}

fn partition_groups(
    ck: &mut Checker,
    r: &Resolved,
    base: &str,
    groups: &[Vec<NodeRef>],
    oneway: bool,
) -> Vec<Vec<NodeIndex>> {
    let path = format!("{base}.groups");
    if oneway && groups.len() != 2 {
        ck.err(
            &path,
            format!(
                "a one-way partition has exactly 2 groups (from, to); found {}",
                groups.len()
            ),
        );
    } else if groups.len() < 2 {
        ck.err(
            &path,
            format!(
                "a partition needs at least 2 groups; found {}",
                groups.len()
            ),
        );
    }
    let mut owner: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(groups.len());
    for (g, group) in groups.iter().enumerate() {
        if group.is_empty() {
            ck.err(
                format!("{path}[{g}]"),
                "a partition group must hold at least one node",
            );
        }
        let mut members = Vec::with_capacity(group.len());
        for (k, node) in group.iter().enumerate() {
            let p = format!("{path}[{g}][{k}]");
            let Some(i) = r.node(ck, &p, node) else {
                continue;
            };
            match owner.insert(i, g) {
                Some(other) if other != g => ck.err(
                    p,
                    format!(
                        "node '{}' is in groups {other} and {g}; partition groups must be disjoint",
                        r.names[i]
                    ),
                ),
                Some(_) => {}
                None => members.push(i as NodeIndex),
            }
        }
        members.sort_unstable();
        out.push(members);
    }
    out
}
