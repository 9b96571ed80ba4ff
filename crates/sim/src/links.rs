//! Per-link rules, indexed by node so that a packet reads only the rules that can name it.
//!
//! The semantics are [`NetworkSpec::links`]': for each setting (loss, latency, duplication) the
//! first rule, in file order, that matches the packet and sets it wins. Scanning every rule for
//! every packet made 1,000 rules on 1,000 nodes twelve times slower than no rules; here each
//! node keeps the ascending list of rules that name it as a sender and as a receiver, and a
//! packet walks, in rule order, the shorter of its sender's and its receiver's candidates
//! (rules naming the node plus the rules open to any node on that side), checking the other
//! side by binary search. The walk stops once all three settings are found, so the answer is
//! the same rule the full scan finds.
//!
//! [`NetworkSpec::links`]: pekonode_run::NetworkSpec::links

use pekonode_run::{Latency, LinkRule, NodeIndex};

/// The settings the rules give one (sender, receiver) pair; `None`: the global value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Override<'a> {
    pub(crate) loss: Option<f64>,
    pub(crate) latency: Option<&'a Latency>,
    pub(crate) duplicate: Option<f64>,
}

/// One side (senders or receivers) of every rule, indexed by node.
#[derive(Clone, Debug, Default)]
struct Side {
    /// Per node: the rules naming it on this side, ascending.
    named: Vec<Vec<u32>>,
    /// The rules open to any node on this side (an empty list), ascending.
    any: Vec<u32>,
    /// Per rule: the nodes it names on this side, sorted and deduplicated (empty: any).
    sets: Vec<Vec<NodeIndex>>,
}

impl Side {
    fn new<'a>(sets: impl Iterator<Item = &'a Vec<NodeIndex>>) -> Side {
        let mut side = Side::default();
        for (r, set) in sets.enumerate() {
            let mut set = set.clone();
            set.sort_unstable();
            set.dedup();
            if set.is_empty() {
                side.any.push(r as u32);
            }
            for &node in &set {
                let node = node as usize;
                if side.named.len() <= node {
                    side.named.resize_with(node + 1, Vec::new);
                }
                side.named[node].push(r as u32);
            }
            side.sets.push(set);
        }
        side
    }

    /// The rules naming `node` on this side (rules are visited in order, so each list is
    /// ascending).
    fn named(&self, node: NodeIndex) -> &[u32] {
        self.named.get(node as usize).map_or(&[], Vec::as_slice)
    }

    fn candidates(&self, node: NodeIndex) -> usize {
        self.named(node).len() + self.any.len()
    }

    fn matches(&self, rule: u32, node: NodeIndex) -> bool {
        let set = &self.sets[rule as usize];
        set.is_empty() || set.binary_search(&node).is_ok()
    }
}

/// The rules of a network, indexed by sender and by receiver.
#[derive(Clone, Debug, Default)]
pub(crate) struct LinkIndex {
    rules: Vec<LinkRule>,
    from: Side,
    to: Side,
}

impl LinkIndex {
    pub(crate) fn new(rules: Vec<LinkRule>) -> LinkIndex {
        LinkIndex {
            from: Side::new(rules.iter().map(|r| &r.from)),
            to: Side::new(rules.iter().map(|r| &r.to)),
            rules,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// What the rules say about packets from `from` to `to`: per setting, the first matching
    /// rule that sets it.
    pub(crate) fn resolve(&self, from: NodeIndex, to: NodeIndex) -> Override<'_> {
        let mut found = Override::default();
        // Walk the shorter candidate list; the other side is checked per rule.
        let (walk, node, other, other_node) =
            if self.from.candidates(from) <= self.to.candidates(to) {
                (&self.from, from, &self.to, to)
            } else {
                (&self.to, to, &self.from, from)
            };
        for r in Merged::new(walk.named(node), &walk.any) {
            if !other.matches(r, other_node) {
                continue;
            }
            let rule = &self.rules[r as usize];
            found.loss = found.loss.or(rule.loss);
            found.latency = found.latency.or(rule.latency.as_ref());
            found.duplicate = found.duplicate.or(rule.duplicate);
            if found.loss.is_some() && found.latency.is_some() && found.duplicate.is_some() {
                break;
            }
        }
        found
    }
}

/// The union of two ascending lists without duplicates, ascending (a rule is never in both:
/// it names nodes on a side or is open to any).
struct Merged<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl<'a> Merged<'a> {
    fn new(a: &'a [u32], b: &'a [u32]) -> Merged<'a> {
        Merged { a, b }
    }
}

impl Iterator for Merged<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(x), Some(y)) => x <= y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let list = if take_a { &mut self.a } else { &mut self.b };
        let (&first, rest) = list.split_first()?;
        *list = rest;
        Some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::time::Duration;

    /// The definition: scan every rule.
    fn scan(rules: &[LinkRule], from: NodeIndex, to: NodeIndex) -> Override<'_> {
        let mut matching = rules.iter().filter(|r| r.matches(from, to));
        Override {
            loss: matching.clone().find_map(|r| r.loss),
            latency: matching.clone().find_map(|r| r.latency.as_ref()),
            duplicate: matching.find_map(|r| r.duplicate),
        }
    }

    fn random_rules(rng: &mut ChaCha8Rng, count: usize, nodes: u32) -> Vec<LinkRule> {
        let set = |rng: &mut ChaCha8Rng| -> Vec<NodeIndex> {
            let len = [0, 1, 1, 2, 3, 5][rng.gen_range(0..6)];
            (0..len).map(|_| rng.gen_range(0..nodes)).collect()
        };
        (0..count)
            .map(|_| LinkRule {
                from: set(rng),
                to: set(rng),
                loss: rng.gen_bool(0.5).then(|| rng.gen()),
                latency: rng
                    .gen_bool(0.4)
                    .then(|| Latency::Constant(Duration::from_millis(rng.gen_range(1..99)))),
                duplicate: rng.gen_bool(0.3).then(|| rng.gen()),
            })
            .collect()
    }

    #[test]
    fn the_index_finds_what_a_full_scan_finds() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for count in [0, 1, 3, 10, 60] {
            let rules = random_rules(&mut rng, count, 12);
            let index = LinkIndex::new(rules.clone());
            for from in 0..14 {
                for to in 0..14 {
                    assert_eq!(
                        index.resolve(from, to),
                        scan(&rules, from, to),
                        "{count} rules, {from} -> {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn repeated_names_and_both_wildcards_are_handled() {
        let rule = |from: Vec<u32>, to: Vec<u32>, loss: f64| LinkRule {
            from,
            to,
            loss: Some(loss),
            latency: None,
            duplicate: None,
        };
        let rules = vec![rule(vec![2, 2, 1], vec![3], 0.1), rule(vec![], vec![], 0.2)];
        let index = LinkIndex::new(rules);
        assert_eq!(index.resolve(2, 3).loss, Some(0.1));
        assert_eq!(index.resolve(3, 2).loss, Some(0.2));
        assert_eq!(index.resolve(99, 98).loss, Some(0.2), "nodes no rule names");
    }
}
