//! The validated scenario and the resolved values the simulator reads: protocol parameters after
//! PekoNode's "0 = default" rules, node indexes instead of names, events in time order.

use super::error::ScenarioError;
use super::schema::{Expect, Forwarding, Latency, Limits, NetworkSpec, ScenarioSpec};
use super::sweep::SweepSpec;

/// A scenario that parsed and passed validation.
///
/// Built only by [`Scenario::from_path`], [`Scenario::from_str_named`] or
/// [`Scenario::from_spec`], so every value it returns is within the documented bounds. Nodes
/// are dense indexes `0 .. node_count()`: the initial nodes first, then those created by `join`
/// events in timeline order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub(super) file: String,
    pub(super) spec: ScenarioSpec,
    pub(super) protocol: Protocol,
    pub(super) node_names: Vec<String>,
    pub(super) initial: Vec<InitialNode>,
    pub(super) events: Vec<Event>,
    pub(super) links: Vec<LinkRule>,
}

/// Protocol parameters after PekoNode's default rules (none of them is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protocol {
    /// Fan-out (≥ 1).
    pub amount: u32,
    /// Heartbeat period in ms (≥ 1).
    pub cycle_ms: u64,
    /// Receive queue length in packets (≥ 1).
    pub buffer: u32,
    /// Largest packet in bytes: packets of `size` bytes or more are dropped.
    pub size: u32,
    /// Expiry timeout in ms (> `cycle_ms`).
    pub timeout_ms: u64,
    /// Forwarding rule.
    pub forwarding: Forwarding,
}

/// One initial node: when it starts and whom it knows then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialNode {
    /// Its index (also its position in [`Scenario::node_names`]).
    pub index: usize,
    /// When it starts (joins), in ms of virtual time.
    pub start_ms: u64,
    /// Whom it knows when it starts.
    pub contacts: Contacts,
}

/// Whom an initial node knows when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contacts {
    /// These nodes (indexes, never the node itself).
    Listed(Vec<usize>),
    /// `min(k, index)` distinct nodes with a smaller index, picked by the simulator with a
    /// random stream derived from the scenario seed.
    RandomEarlier {
        /// How many (≥ 1).
        k: usize,
    },
    /// Every other initial node (a full view from the start).
    AllInitial,
}

/// One timeline event, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When, in ms of virtual time (events are in non-decreasing time order).
    pub at_ms: u64,
    /// Its position in the file's `events` list (for messages: `events[source]`).
    pub source: usize,
    /// What happens.
    pub action: Action,
}

/// A resolved timeline action; every node is an index.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Node `node` (created by this event) starts and joins through `contacts`.
    Join {
        /// The new node.
        node: usize,
        /// Whom it knows.
        contacts: Vec<usize>,
    },
    /// The node's process dies; its state is lost.
    Crash {
        /// The node.
        node: usize,
    },
    /// The crashed node comes back with fresh state, knowing `contacts`.
    Restart {
        /// The node.
        node: usize,
        /// Whom it knows.
        contacts: Vec<usize>,
    },
    /// The node stops heartbeating (PekoNode's `Stop`).
    Stop {
        /// The node.
        node: usize,
    },
    /// The stopped node resumes heartbeating (PekoNode's `Start`).
    Start {
        /// The node.
        node: usize,
    },
    /// `node` adds `contact` to its list (PekoNode's `Set`).
    Set {
        /// The node whose list changes.
        node: usize,
        /// The node it learns about.
        contact: usize,
    },
    /// The node publishes metadata (PekoNode's `Publish`).
    Publish {
        /// The node.
        node: usize,
        /// The metadata bytes (UTF-8 text from the file).
        data: String,
    },
    /// Packets between different groups are dropped (only first → second when `oneway`).
    Partition {
        /// Two or more non-empty disjoint groups, each sorted.
        groups: Vec<Vec<usize>>,
        /// Only packets from `groups[0]` to `groups[1]` are dropped.
        oneway: bool,
    },
    /// Every partition is removed.
    Heal,
    /// The global loss probability becomes `value`.
    Loss {
        /// The new probability (0 … 1).
        value: f64,
    },
}

/// A set of nodes in a link rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeSet {
    /// Every node.
    All,
    /// These nodes (sorted, without duplicates).
    Only(Vec<usize>),
}

impl NodeSet {
    /// Whether `node` is in the set.
    pub fn contains(&self, node: usize) -> bool {
        match self {
            Self::All => true,
            Self::Only(nodes) => nodes.binary_search(&node).is_ok(),
        }
    }
}

/// A resolved per-link override (see [`NetworkSpec::links`] for the matching rule).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRule {
    /// Senders.
    pub from: NodeSet,
    /// Receivers.
    pub to: NodeSet,
    /// Also applies from `to` to `from`.
    pub both_ways: bool,
    /// Loss probability override.
    pub loss: Option<f64>,
    /// Latency override.
    pub latency: Option<Latency>,
    /// Duplication probability override.
    pub duplicate: Option<f64>,
}

impl LinkRule {
    /// Whether the rule applies to a packet from `from` to `to`.
    pub fn matches(&self, from: usize, to: usize) -> bool {
        (self.from.contains(from) && self.to.contains(to))
            || (self.both_ways && self.from.contains(to) && self.to.contains(from))
    }
}

impl Scenario {
    /// The file (or label) the scenario was loaded from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The scenario as written (after serde defaults), e.g. to echo it into a report.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// The scenario's name, safe as a folder name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.spec.seed
    }

    /// Replaces the master seed (the CLI's `--seed N`).
    pub fn set_seed(&mut self, seed: u64) {
        self.spec.seed = seed;
    }

    /// How many seeds `run` and `check` use (the file's `seeds`, default 1).
    pub fn seeds(&self) -> u32 {
        self.spec.seeds.unwrap_or(1)
    }

    /// Replaces the seed count (the CLI's `--seeds N`); 0 counts as 1.
    pub fn set_seeds(&mut self, seeds: u32) {
        self.spec.seeds = Some(seeds.max(1));
    }

    /// The seeds of the run, in order: `seed`, `seed + 1`, … (`seeds()` of them, wrapping).
    pub fn seed_list(&self) -> Vec<u64> {
        (0..u64::from(self.seeds()))
            .map(|k| self.spec.seed.wrapping_add(k))
            .collect()
    }

    /// The sweep `pekonode sweep` runs, if the file declares one.
    pub fn sweep(&self) -> Option<&SweepSpec> {
        self.spec.sweep.as_ref()
    }

    /// The scenario of one sweep point (indexes from [`SweepSpec::points`]): this scenario
    /// with the point's values, without its sweep. `None` without a sweep.
    pub fn sweep_point(&self, point: &[usize]) -> Option<Result<Scenario, ScenarioError>> {
        let sweep = self.spec.sweep.as_ref()?;
        let spec = super::sweep::point_spec(&self.spec, sweep, point);
        Some(Scenario::from_spec(spec, &self.file))
    }

    /// How long the run lasts, in ms of virtual time.
    pub fn duration_ms(&self) -> u64 {
        self.spec.duration_ms
    }

    /// How often metrics are sampled, in ms (1 … `duration_ms`).
    pub fn sample_interval_ms(&self) -> u64 {
        self.spec.sample_interval_ms
    }

    /// Protocol parameters after the "0 = default" rules.
    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// The network-wide model (latency, loss, duplication) as written; see
    /// [`Scenario::link_rules`] for the overrides with resolved nodes.
    pub fn network(&self) -> &NetworkSpec {
        &self.spec.network
    }

    /// Per-link overrides, in file order, with node indexes.
    pub fn link_rules(&self) -> &[LinkRule] {
        &self.links
    }

    /// Every node's name, in index order (initial nodes, then joins in timeline order).
    pub fn node_names(&self) -> &[String] {
        &self.node_names
    }

    /// How many nodes the run has in all (initial nodes plus joins).
    pub fn node_count(&self) -> usize {
        self.node_names.len()
    }

    /// The index of the node with this name.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.node_names.iter().position(|n| n == name)
    }

    /// The initial nodes, in index order (`initial_nodes()[i].index == i`).
    pub fn initial_nodes(&self) -> &[InitialNode] {
        &self.initial
    }

    /// The timeline, resolved, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The explosion guard's limits.
    pub fn limits(&self) -> &Limits {
        &self.spec.limits
    }

    /// The expectations `check` enforces, if any.
    pub fn expect(&self) -> Option<&Expect> {
        self.spec.expect.as_ref()
    }
}
