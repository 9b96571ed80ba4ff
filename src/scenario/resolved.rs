//! The validated scenario: the file as written, and the parts of a run validation resolved
//! into the run's own types (protocol [`Config`] after PekoNode's default rules, node indexes
//! instead of names, durations instead of milliseconds). Only the bootstrap contacts drawn at
//! random wait for a seed (see [`Scenario::bootstrap`]).

use crate::protocol::Config;
use crate::run::{Bootstrap, Limits, NetworkSpec, ProtocolKind, Timed};

use super::auto::Advised;
use super::error::ScenarioError;
use super::schema::{Expect, ScenarioSpec};
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
    pub(super) protocol: ProtocolKind,
    pub(super) config: Config,
    pub(super) advised: Option<Advised>,
    pub(super) network: NetworkSpec,
    pub(super) node_names: Vec<String>,
    pub(super) bootstrap: Option<Bootstrap>,
    pub(super) initial: Vec<Timed>,
    pub(super) events: Vec<Timed>,
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

    /// What `"amount": "auto"` and `"timeout_ms": "auto"` became and what they were advised
    /// for; `None` when the file gives numbers (the values are in [`config`](Self::config)).
    pub fn advised(&self) -> Option<&Advised> {
        self.advised.as_ref()
    }

    /// Which protocol the nodes run, SWIM's knobs resolved (PekoNode's settings are in
    /// [`config`](Self::config)).
    pub fn protocol(&self) -> &ProtocolKind {
        &self.protocol
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

    /// The estimated cost of one run (validation refused the file if it passes the limits).
    pub fn cost(&self) -> super::CostEstimate {
        super::CostEstimate::new(
            self.node_names.len() as u64,
            &self.config,
            self.spec.duration_ms,
            self.spec.sample_interval_ms,
            &self.spec.limits,
            self.bootstrap,
        )
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
        let spec = super::sweep_points::point_spec(&self.spec, sweep, point);
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

    /// Protocol settings after PekoNode's default rules ([`Config::resolve`]): none is 0.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The network model, with node indexes and durations. Link overrides keep the file's
    /// order; a `both_ways` override is two rules, the written direction first.
    pub fn network(&self) -> &NetworkSpec {
        &self.network
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

    /// The initial nodes' joins, one [`Action::Join`](crate::run::Action::Join) per node in
    /// index order (`initial_joins()[i]` starts node `i`). Listed nodes carry their contacts;
    /// generated nodes carry none: theirs come from [`Scenario::bootstrap`].
    pub fn initial_joins(&self) -> &[Timed] {
        &self.initial
    }

    /// For generated nodes, the rule that gives every initial node its contacts, applied in
    /// index order with [`bootstrap_contacts`](crate::run::bootstrap_contacts) and the seed's
    /// bootstrap stream when a plan is made. `None` for listed nodes.
    pub fn bootstrap(&self) -> Option<Bootstrap> {
        self.bootstrap
    }

    /// The timeline's events, in file order (which is time order), with node indexes.
    pub fn events(&self) -> &[Timed] {
        &self.events
    }

    /// How datagrams are written (JSON or sealed envelopes).
    pub fn wire(&self) -> crate::wire::WireMode {
        self.spec.protocol.wire
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
