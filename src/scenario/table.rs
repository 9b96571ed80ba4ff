//! The node table: names, indexes, lookups with helpful errors, and node selectors.

use std::collections::BTreeMap;

use crate::run::{Bootstrap, NodeIndex, Timed};

use super::checker::{is_safe_name, Checker};
use super::refs::{NodeRef, NodeSelector};
use super::schema::NetworkModelSpec;

/// The node table and the resolved timeline.
#[derive(Default)]
pub(super) struct Resolved {
    pub(super) names: Vec<String>,
    pub(super) lookup: BTreeMap<String, usize>,
    /// The initial nodes' joins, in index order.
    pub(super) initial: Vec<Timed>,
    /// For generated nodes, the rule their contacts follow.
    pub(super) bootstrap: Option<Bootstrap>,
    /// The timeline's events, in file order.
    pub(super) events: Vec<Timed>,
    /// For nodes created by a join: the index of that event in the file.
    pub(super) join_event: BTreeMap<usize, usize>,
    /// False when the node table itself is unusable (further checks would only cascade).
    pub(super) ok: bool,
}

impl Resolved {
    pub(super) fn add(&mut self, ck: &mut Checker, path: &str, name: &str) -> Option<usize> {
        if !is_safe_name(name) {
            ck.err(path, format!("{name:?} is not a usable node name; use 1 to 64 characters of A-Z a-z 0-9 _ . -"));
            return None;
        }
        if self.lookup.contains_key(name) {
            ck.err(
                path,
                format!("a node named '{name}' already exists; node names must be unique"),
            );
            return None;
        }
        let index = self.names.len();
        self.names.push(name.to_string());
        self.lookup.insert(name.to_string(), index);
        Some(index)
    }

    /// When initial node `i` starts, in ms.
    pub(super) fn start_ms(&self, i: usize) -> u64 {
        self.initial
            .get(i)
            .map_or(0, |t| u64::try_from(t.at.as_millis()).unwrap_or(u64::MAX))
    }

    fn known(&self) -> String {
        let n = self.names.len();
        if n <= 8 {
            self.names.join(", ")
        } else {
            format!(
                "{}, {}, {} … {} ({n} nodes)",
                self.names[0],
                self.names[1],
                self.names[2],
                self.names[n - 1]
            )
        }
    }

    /// Resolves a node reference, recording a problem at `path` if it names no node.
    pub(super) fn node(&self, ck: &mut Checker, path: &str, r: &NodeRef) -> Option<usize> {
        let found = match r {
            NodeRef::Index(i) => Some(*i as usize).filter(|i| *i < self.names.len()),
            NodeRef::Name(name) => self.lookup.get(name).copied(),
        };
        if found.is_none() {
            let what = match r {
                NodeRef::Index(i) => format!("there is no node #{i}"),
                NodeRef::Name(name) => format!("there is no node named '{}'", super::echo(name)),
            };
            ck.err(path, format!("{what}; the nodes are: {}", self.known()));
        }
        found
    }

    /// Resolves a list of node references, in order without repeats; `not` (the node whose
    /// contacts these are) is refused.
    pub(super) fn nodes(
        &self,
        ck: &mut Checker,
        path: &str,
        refs: &[NodeRef],
        not: Option<usize>,
    ) -> Vec<NodeIndex> {
        let mut out = Vec::with_capacity(refs.len());
        let mut seen = std::collections::BTreeSet::new();
        for (j, r) in refs.iter().enumerate() {
            let p = format!("{path}[{j}]");
            if let Some(i) = self.node(ck, &p, r) {
                if Some(i) == not {
                    ck.err(
                        p,
                        format!("a node cannot be its own contact ('{}')", self.names[i]),
                    );
                } else if seen.insert(i) {
                    out.push(i as NodeIndex);
                }
            }
        }
        out
    }
}

/// The senders and receivers of each per-link override, in file order, as the run's
/// [`LinkRule`](crate::run::LinkRule) takes them (sorted; empty = every node). `None` if the
/// node table is unusable.
pub(super) fn link_sets(
    ck: &mut Checker,
    n: &NetworkModelSpec,
    r: &Resolved,
) -> Option<Vec<[Vec<NodeIndex>; 2]>> {
    if !r.ok {
        return None;
    }
    let set = |ck: &mut Checker, path: String, s: &NodeSelector| match s {
        NodeSelector::Any => Vec::new(),
        NodeSelector::One(node) => r
            .node(ck, &path, node)
            .map(|i| i as NodeIndex)
            .into_iter()
            .collect(),
        NodeSelector::List(list) => {
            if list.is_empty() {
                ck.err(
                    &path,
                    "an empty list selects no node; use \"*\" for every node",
                );
            }
            let mut v = r.nodes(ck, &path, list, None);
            v.sort_unstable();
            v
        }
    };
    let sets = n.links.iter().enumerate().map(|(i, l)| {
        [
            set(ck, format!("network.links[{i}].from"), &l.from),
            set(ck, format!("network.links[{i}].to"), &l.to),
        ]
    });
    Some(sets.collect())
}
