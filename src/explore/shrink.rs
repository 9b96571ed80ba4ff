//! Shrinking a failing scenario: smaller candidates (fewer nodes, fewer events, a shorter run,
//! a simpler network and protocol), each re-run, the first that still breaks the *same*
//! property kept, until no candidate does or the attempt cap is reached. Greedy, as
//! QuickCheck's shrinking: every kept step makes the file smaller, so it ends.

use crate::scenario::{
    ActionSpec, EventSpec, LatencySpec, NodeRef, NodesSpec, ScenarioSpec, TrustSpec,
};
use crate::wire::WireMode;

/// The shrunk scenario and how many candidates were run to get it.
#[derive(Debug, Clone)]
pub struct Shrunk {
    /// The smallest failing scenario found.
    pub spec: ScenarioSpec,
    /// Candidates run (at most the cap).
    pub attempts: u32,
    /// Candidates kept.
    pub steps: u32,
}

/// Shrinks `spec`, which breaks a property, with `still_fails` saying whether a candidate
/// breaks the same one; at most `cap` candidates are run.
pub fn shrink(
    spec: ScenarioSpec,
    cap: u32,
    still_fails: &mut dyn FnMut(&ScenarioSpec) -> bool,
) -> Shrunk {
    let mut best = spec;
    let mut attempts = 0;
    let mut steps = 0;
    'outer: while attempts < cap {
        for candidate in candidates(&best) {
            if candidate == best {
                continue;
            }
            if attempts >= cap {
                break 'outer;
            }
            attempts += 1;
            if still_fails(&candidate) {
                best = candidate;
                steps += 1;
                continue 'outer;
            }
        }
        break;
    }
    Shrunk {
        spec: best,
        attempts,
        steps,
    }
}

/// Smaller versions of `spec`, the boldest first.
fn candidates(spec: &ScenarioSpec) -> Vec<ScenarioSpec> {
    let mut out = Vec::new();
    // Fewer nodes: the fewest that can show anything, then halves, then one less.
    if let NodesSpec::Generated(g) = &spec.nodes {
        let n = g.count;
        for fewer in [2, n / 2, n * 3 / 4, n.saturating_sub(1)] {
            if (2..n).contains(&fewer) {
                out.push(with_nodes(spec, fewer));
            }
        }
    }
    // Fewer events: halves, quarters, then one at a time (the last first).
    let e = spec.events.len();
    let mut chunk = e / 2;
    while chunk >= 1 {
        for start in (0..e).step_by(chunk) {
            let mut c = spec.clone();
            c.events.drain(start..(start + chunk).min(e));
            out.push(c);
        }
        chunk /= 2;
    }
    // A shorter run.
    for fraction in [2, 4] {
        let d = spec.duration_ms - spec.duration_ms / fraction;
        if d >= 1000 {
            let mut c = spec.clone();
            c.duration_ms = d;
            c.events.retain(|e| e.at_ms <= d);
            out.push(c);
        }
    }
    // A simpler network.
    let mut c = spec.clone();
    c.network.loss = 0.0;
    c.network.duplicate = 0.0;
    c.network.links.clear();
    out.push(c);
    let mut c = spec.clone();
    c.network.latency = LatencySpec::Constant { ms: 1.0 };
    out.push(c);
    // A simpler protocol: Go's rules, the JSON wire, nodes all starting at once.
    let mut c = spec.clone();
    c.protocol.trust = TrustSpec::default();
    c.protocol.rejoin_ms = 0;
    out.push(c);
    let mut c = spec.clone();
    c.protocol.wire = WireMode::Json;
    out.push(c);
    if let NodesSpec::Generated(g) = &spec.nodes {
        let mut c = spec.clone();
        let mut g = g.clone();
        g.join_interval_ms = 0;
        c.nodes = NodesSpec::Generated(g);
        out.push(c);
    }
    // Milder faults: a nemesis for half as long.
    for (i, event) in spec.events.iter().enumerate() {
        if let ActionSpec::Nemesis(n) = &event.action {
            let mut c = spec.clone();
            if let ActionSpec::Nemesis(m) = &mut c.events[i].action {
                m.for_ms = (n.for_ms / 2).max(1);
            }
            out.push(c);
        }
    }
    out
}

/// `spec` with its generated nodes cut to `count`; events that name a node gone (or a node
/// whose join named one) are dropped, and partition groups lose their members gone.
fn with_nodes(spec: &ScenarioSpec, count: u32) -> ScenarioSpec {
    let mut c = spec.clone();
    if let NodesSpec::Generated(g) = &mut c.nodes {
        g.count = count;
        if let crate::run::Bootstrap::Random { k } = &mut g.bootstrap {
            *k = (*k).min(count as usize - 1).max(1);
        }
    }
    let mut gone: Vec<String> = Vec::new();
    let is_gone = |r: &NodeRef, gone: &[String]| match r {
        NodeRef::Index(i) => *i >= count,
        NodeRef::Name(name) => {
            gone.contains(name)
                || name
                    .strip_prefix('n')
                    .and_then(|i| i.parse::<u32>().ok())
                    .is_some_and(|i| i >= count)
        }
    };
    let mut events: Vec<EventSpec> = Vec::new();
    for mut e in c.events.drain(..) {
        let keep = match &mut e.action {
            ActionSpec::Join(j) => {
                let keep = !j.contacts.iter().any(|r| is_gone(r, &gone));
                if !keep {
                    gone.push(j.node.clone());
                }
                keep
            }
            ActionSpec::Partition(p) => {
                for group in &mut p.groups {
                    group.retain(|r| !is_gone(r, &gone));
                }
                p.groups.retain(|g| !g.is_empty());
                p.groups.len() >= 2
            }
            ActionSpec::Nemesis(n) => {
                n.nodes.retain(|r| !is_gone(r, &gone));
                if n.nodes.len() < 2 {
                    n.nodes.clear();
                }
                true
            }
            ActionSpec::Forge(f) => {
                f.to.retain(|r| !is_gone(r, &gone));
                let named = [
                    f.impersonate.as_ref().map(|i| &i.node),
                    f.version.as_ref().map(|v| &v.from),
                ];
                !named.iter().flatten().any(|r| is_gone(r, &gone))
            }
            action => !named(action).iter().any(|r| is_gone(r, &gone)),
        };
        if keep {
            events.push(e);
        }
    }
    c.events = events;
    c
}

/// The nodes an action on nodes names.
fn named(action: &ActionSpec) -> Vec<&NodeRef> {
    match action {
        ActionSpec::Crash(t)
        | ActionSpec::Stop(t)
        | ActionSpec::Start(t)
        | ActionSpec::Resume(t) => {
            vec![&t.node]
        }
        ActionSpec::Restart(r) => std::iter::once(&r.node).chain(&r.contacts).collect(),
        ActionSpec::Set(s) => vec![&s.node, &s.contact],
        ActionSpec::Publish(p) => vec![&p.node],
        ActionSpec::Pause(p) => vec![&p.node],
        ActionSpec::Slow(s) => vec![&s.node],
        ActionSpec::Skew(s) => vec![&s.node],
        ActionSpec::Join(j) => j.contacts.iter().collect(),
        ActionSpec::Partition(_)
        | ActionSpec::Heal(_)
        | ActionSpec::Loss(_)
        | ActionSpec::Forge(_)
        | ActionSpec::Nemesis(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::{draw, Bounds};
    use crate::scenario::Scenario;

    fn count(spec: &ScenarioSpec) -> u32 {
        match &spec.nodes {
            NodesSpec::Generated(g) => g.count,
            NodesSpec::Listed(l) => l.len() as u32,
        }
    }

    #[test]
    fn a_failure_that_needs_seven_nodes_shrinks_to_seven_nodes_and_no_event() {
        let bounds = Bounds {
            min_nodes: 20,
            max_faults: 6,
            ..Bounds::default()
        };
        let spec = (0..50)
            .map(|i| draw::scenario(11, i, &bounds))
            .find(|s| !s.events.is_empty())
            .unwrap();
        let mut fails =
            |s: &ScenarioSpec| Scenario::from_spec(s.clone(), "candidate").is_ok() && count(s) >= 7;
        let shrunk = shrink(spec, 500, &mut fails);
        assert_eq!(count(&shrunk.spec), 7);
        assert!(shrunk.spec.events.is_empty());
        assert!(shrunk.attempts <= 500);
    }

    #[test]
    fn shrinking_stops_at_the_attempt_cap() {
        let spec = draw::scenario(5, 0, &Bounds::default());
        let mut runs = 0;
        let shrunk = shrink(spec, 3, &mut |_| {
            runs += 1;
            false
        });
        assert_eq!(shrunk.attempts, 3);
        assert_eq!(runs, 3);
        assert_eq!(shrunk.steps, 0);
    }
}
