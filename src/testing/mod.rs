//! Protocol regression tests in `cargo test`: a [`Builder`] for a simulated run with defaults,
//! actions injected mid-run, and the seed taken from the `PEKONODE_SEED` environment variable
//! and printed when the test fails (as turmoil's `Builder` and madsim's seeded tests do).
//!
//! The defaults are a small healthy cluster: 8 nodes that all know each other from the start
//! (`Bootstrap::All`), first-copy forwarding, PekoNode's other protocol defaults (fan-out 3,
//! a 6 s cycle, a 20 s timeout), 60 s of
//! virtual time, a lossless network with 5 ms links, seed 1. Every method changes one thing;
//! [`Builder::run`] simulates it and returns the run's [`Outcome`] (docs/metrics.md says what
//! each field means).
//!
//! A regression test is an ordinary `#[test]`:
//!
//! ```
//! use std::time::Duration;
//! use pekonode::testing::Builder;
//!
//! #[test]
//! fn a_crashed_node_is_removed_everywhere_within_the_timeout() {
//!     let outcome = Builder::new()
//!         .nodes(12)
//!         .duration(Duration::from_secs(40))
//!         .crash(Duration::from_secs(10), 3)
//!         .run()
//!         .expect("a valid run");
//!     let detection = &outcome.failure_detection[0];
//!     // PekoNode's default timeout is 20 s: every up node drops n3 within it.
//!     assert!(detection.all_removed_after_ms.is_some_and(|t| t <= 20_000.0), "{detection:?}");
//!     assert_eq!(outcome.false_removals, 0);
//! }
//! ```
//!
//! (`tests/builder.rs` runs this very test.)
//!
//! If an assertion fails, the panic message is followed by
//! `pekonode: this test ran seed 1; rerun it with PEKONODE_SEED=1`. Run the suite under other
//! seeds with `PEKONODE_SEED=7 cargo test`; a seed set with [`Builder::seed`] is kept.
// The example above shows a `#[test]` as a user writes it; rustdoc compiles it, and
// `tests/builder.rs` runs the very same test.
#![allow(clippy::test_attr_in_doctest)]

mod seed;

use std::time::Duration;

use crate::protocol::{Config, Forwarding};
use crate::run::{
    bootstrap_joins, timeline_of, Action, Bootstrap, Latency, NodeIndex, Outcome, Plan, Timed,
};
use crate::sim::{SimError, Simulator};

pub use seed::{env_seed, SeedError, SEED_VAR};

/// Why a built run could not be played.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// `PEKONODE_SEED` is set but is not a seed.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The simulator refused the plan (an unknown node index, a probability out of range, …).
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// A simulated run to build and play in a test. See the [module documentation](self).
#[derive(Clone, Debug)]
pub struct Builder {
    name: String,
    nodes: u32,
    bootstrap: Bootstrap,
    seed: Option<u64>,
    plan: Plan,
}

impl Default for Builder {
    fn default() -> Builder {
        let mut plan = Plan::new("test", Vec::new(), Vec::new());
        plan.config.forwarding = Forwarding::FirstCopy;
        plan.network.latency = Latency::Constant(Duration::from_millis(5));
        Builder {
            name: "test".to_owned(),
            nodes: 8,
            bootstrap: Bootstrap::All,
            seed: None,
            plan,
        }
    }
}

impl Builder {
    /// The defaults (see the [module documentation](self)).
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the run (the `scenario` of its outcome).
    pub fn name(mut self, name: &str) -> Builder {
        name.clone_into(&mut self.name);
        self
    }

    /// Starts `n` nodes, `n0` … `n{n−1}`, at time 0.
    pub fn nodes(mut self, n: u32) -> Builder {
        self.nodes = n;
        self
    }

    /// How the initial nodes learn of each other (default: everyone knows everyone).
    pub fn bootstrap(mut self, bootstrap: Bootstrap) -> Builder {
        self.bootstrap = bootstrap;
        self
    }

    /// Uses this seed whatever `PEKONODE_SEED` says.
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = Some(seed);
        self
    }

    /// Virtual time to run for.
    pub fn duration(mut self, d: Duration) -> Builder {
        self.plan.duration = d;
        self
    }

    /// How often the time series is sampled (default 1 s).
    pub fn sample_interval(mut self, d: Duration) -> Builder {
        self.plan.sample_interval = d;
        self
    }

    /// Forwarding rule (default first-copy).
    pub fn forwarding(mut self, f: Forwarding) -> Builder {
        self.plan.config.forwarding = f;
        self
    }

    /// Fan-out: how many nodes each heartbeat goes to.
    pub fn fanout(mut self, amount: usize) -> Builder {
        self.plan.config.amount = amount;
        self
    }

    /// Any other protocol setting, e.g. `.config(|c| c.cycle = Duration::from_millis(500))`.
    pub fn config(mut self, change: impl FnOnce(&mut Config)) -> Builder {
        change(&mut self.plan.config);
        self
    }

    /// Packet loss probability on every link, from the start.
    pub fn loss(mut self, p: f64) -> Builder {
        self.plan.network.loss = p;
        self
    }

    /// Latency of every link.
    pub fn latency(mut self, latency: Latency) -> Builder {
        self.plan.network.latency = latency;
        self
    }

    /// Plays `action` at `at` (node indexes as in [`Builder::nodes`]).
    pub fn at(mut self, at: Duration, action: Action) -> Builder {
        self.plan.timeline.push(Timed { at, action });
        self
    }

    /// Crashes node `node` at `at` (its state is lost).
    pub fn crash(self, at: Duration, node: NodeIndex) -> Builder {
        self.at(at, Action::Crash { node })
    }

    /// Restarts a crashed node at `at`, joining through `contacts`.
    pub fn restart(self, at: Duration, node: NodeIndex, contacts: Vec<NodeIndex>) -> Builder {
        self.at(at, Action::Restart { node, contacts })
    }

    /// Node `node` publishes `data` as its metadata at `at`.
    pub fn publish(self, at: Duration, node: NodeIndex, data: &[u8]) -> Builder {
        self.at(
            at,
            Action::Publish {
                node,
                data: data.to_vec(),
            },
        )
    }

    /// Splits the network into `groups` at `at` (nodes in no group form one more).
    pub fn partition(self, at: Duration, groups: Vec<Vec<NodeIndex>>) -> Builder {
        self.at(
            at,
            Action::Partition {
                groups,
                oneway: false,
            },
        )
    }

    /// Heals every partition at `at`.
    pub fn heal(self, at: Duration) -> Builder {
        self.at(at, Action::Heal)
    }

    /// The seed the run will use: [`Builder::seed`], else `PEKONODE_SEED`, else 1.
    pub fn resolved_seed(&self) -> Result<u64, SeedError> {
        match self.seed {
            Some(seed) => Ok(seed),
            None => Ok(env_seed()?.unwrap_or(1)),
        }
    }

    /// The run description this builder stands for, with its seed.
    pub fn plan(&self) -> Result<Plan, TestError> {
        let seed = self.resolved_seed()?;
        let mut plan = self.plan.clone();
        plan.name.clone_from(&self.name);
        plan.seed = seed;
        plan.nodes = (0..self.nodes).map(|i| format!("n{i}")).collect();
        let initial = bootstrap_joins(self.bootstrap, seed, self.nodes);
        let timeline = timeline_of(initial, &plan.timeline);
        plan.timeline = timeline;
        Ok(plan)
    }

    /// Simulates the run and returns its outcome. The seed is remembered for this thread: if
    /// the test then panics, the seed is printed after the panic message.
    ///
    /// ```
    /// use std::time::Duration;
    /// let outcome = pekonode::testing::Builder::new()
    ///     .nodes(6)
    ///     .duration(Duration::from_secs(20))
    ///     .publish(Duration::from_secs(5), 2, b"v1")
    ///     .run()?;
    /// assert_eq!(outcome.nodes, 6);
    /// assert!(outcome.metadata[0].everywhere_after_ms.is_some());
    /// # Ok::<(), pekonode::testing::TestError>(())
    /// ```
    pub fn run(&self) -> Result<Outcome, TestError> {
        let plan = self.plan()?;
        seed::remember(plan.seed);
        Ok(Simulator::new(plan)?.run())
    }
}

#[cfg(test)]
mod tests;
