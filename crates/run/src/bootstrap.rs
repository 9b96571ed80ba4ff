//! How the initial nodes learn of each other, decided once for every driver: the bootstrap
//! rule, drawn in index order from the plan seed's bootstrap stream.

use std::time::Duration;

use rand::seq::index;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::node_index::NodeIndex;
use crate::plan::{Action, Timed};
use crate::seeds::{stream, Domain};

/// How the initial nodes learn of each other.
///
/// Scenario files write it `"seed"`, `{"random": {"k": 3}}` or `"all"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Bootstrap {
    /// Every node knows node 0 (PekoNode's README: everyone joins through one seed).
    Seed,
    /// Every node knows up to `k` distinct earlier nodes, chosen at random.
    Random {
        /// Contacts per node.
        k: usize,
    },
    /// Every node knows every other (full views).
    All,
}

/// The contacts of node `index` among `count` initial nodes under `bootstrap`.
///
/// `rng` is the plan's bootstrap stream; call in index order for a deterministic result.
pub fn bootstrap_contacts(
    bootstrap: Bootstrap,
    index: NodeIndex,
    count: NodeIndex,
    rng: &mut ChaCha8Rng,
) -> Vec<NodeIndex> {
    match bootstrap {
        Bootstrap::Seed if index == 0 => Vec::new(),
        Bootstrap::Seed => vec![0],
        Bootstrap::All => (0..count).filter(|&j| j != index).collect(),
        Bootstrap::Random { k } => {
            let earlier = index as usize;
            let mut picked: Vec<NodeIndex> = index::sample(rng, earlier, k.min(earlier))
                .into_iter()
                .map(|j| j as NodeIndex)
                .collect();
            picked.sort_unstable();
            picked
        }
    }
}

/// Gives the initial `joins` (in order; their nodes are numbered below `joins.len()`) their
/// contacts under `bootstrap`, drawn from the bootstrap stream of `seed`. Actions other than
/// joins are left alone.
pub fn assign_contacts(bootstrap: Bootstrap, seed: u64, joins: &mut [Timed]) {
    let mut rng = stream(seed, Domain::Bootstrap, 0);
    let count = joins.len() as NodeIndex;
    for join in joins {
        if let Action::Join { node, contacts } = &mut join.action {
            *contacts = bootstrap_contacts(bootstrap, *node, count, &mut rng);
        }
    }
}

/// Nodes `0..count` joining at time zero with their contacts under `bootstrap` (see
/// [`assign_contacts`]).
pub fn bootstrap_joins(bootstrap: Bootstrap, seed: u64, count: NodeIndex) -> Vec<Timed> {
    let mut joins: Vec<Timed> = (0..count)
        .map(|node| Timed {
            at: Duration::ZERO,
            action: Action::Join {
                node,
                contacts: Vec::new(),
            },
        })
        .collect();
    assign_contacts(bootstrap, seed, &mut joins);
    joins
}

/// `initial` joins followed by `events`, in time order; stable, so that at one instant the
/// initial joins come first, then the events in the order given.
pub fn timeline_of(initial: Vec<Timed>, events: &[Timed]) -> Vec<Timed> {
    let mut timeline = initial;
    timeline.extend_from_slice(events);
    timeline.sort_by_key(|t| t.at);
    timeline
}
