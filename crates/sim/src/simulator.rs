//! The simulator: one [`Plan`] in, one [`Outcome`] out, on the engine for the plan's protocol.
//!
//! PekoNode plans run on the fast engine (`fast.rs`), unchanged; plans of any other protocol
//! (SWIM) run on the general engine (`general/`), which drives any seam protocol over the same
//! network model and feeds the same observers.

use pekonode_proto::{Node, Time};
use pekonode_run::{Invariant, Measured, NodeIndex, Outcome, Plan, ProtocolKind};
use pekonode_swim::Swim;

use super::error::SimError;
use super::fast::{key_len, Fast, Progress};
use super::general::{General, PekoShared};
use super::inspect::NodeView;
use super::trace::TraceSink;

/// A discrete-event simulation of one [`Plan`].
///
/// ```
/// use pekonode_run::{Action, Plan, ProtocolKind, Timed};
/// use pekonode_sim::Simulator;
/// use std::time::Duration;
///
/// let mut plan = Plan::new(
///     "two",
///     vec!["a".into(), "b".into()],
///     vec![
///         Timed { at: Duration::ZERO, action: Action::Join { node: 0, contacts: vec![] } },
///         Timed { at: Duration::ZERO, action: Action::Join { node: 1, contacts: vec![0] } },
///     ],
/// );
/// plan.duration = Duration::from_secs(30);
/// let outcome = Simulator::new(plan.clone()).unwrap().run();
/// assert_eq!(outcome.convergence.final_fraction, 1.0);
///
/// // The same plan, running SWIM.
/// plan.protocol = ProtocolKind::Swim(Default::default());
/// let outcome = Simulator::new(plan).unwrap().run();
/// assert_eq!(outcome.convergence.final_fraction, 1.0);
/// assert_eq!(outcome.protocol.forwarding, "swim");
/// ```
pub struct Simulator {
    engine: Engine,
}

/// Which engine runs the plan (boxed: the engines differ much in size).
enum Engine {
    /// PekoNode on the fast engine.
    Fast(Box<Fast>),
    /// SWIM on the general engine.
    Swim(Box<General<Swim<NodeIndex>>>),
    /// PekoNode through the seam on the general engine (to cross-check the two engines).
    Seam(Box<General<Node<NodeIndex>>>),
}

impl Simulator {
    /// Checks the plan and builds the initial state. Nothing runs yet.
    ///
    /// A plan the engine of its protocol cannot play is refused here, naming the action
    /// ([`SimError::Unsupported`]).
    pub fn new(plan: Plan) -> Result<Simulator, SimError> {
        let engine = match &plan.protocol {
            ProtocolKind::PekoNode => Engine::Fast(Box::new(Fast::new(plan)?)),
            ProtocolKind::Swim(settings) => {
                let config = settings.resolve(&plan.config.resolve()?);
                config.validate()?;
                let general = General::new(plan, config, Measured::NO_LINEAGE)?;
                Engine::Swim(Box::new(general))
            }
        };
        Ok(Simulator { engine })
    }

    /// A PekoNode plan on the general engine, driven through the protocol seam, as a SWIM
    /// plan is: for checking the general engine against the fast one. Not for measuring
    /// (it is slower, and refuses the faults the general engine cannot play).
    #[doc(hidden)]
    pub fn through_seam(plan: Plan) -> Result<Simulator, SimError> {
        let config = plan.config.resolve()?;
        let n = plan.nodes.len();
        let shared = PekoShared {
            config,
            infos: (0..n)
                .map(|i| pekonode_proto::NodeInfo::new(i as NodeIndex, &plan.nodes[i]))
                .collect(),
            key_len: (0..n).map(key_len).collect(),
        };
        let general = General::new(plan, shared, Measured::ALL)?;
        Ok(Simulator {
            engine: Engine::Seam(Box::new(general)),
        })
    }

    /// Runs to the end (or to the explosion guard) and returns what was measured.
    pub fn run(self) -> Outcome {
        self.run_with(|_| {})
    }

    /// Like [`run`](Simulator::run), calling `progress` now and then (every 2^16 events).
    pub fn run_with(self, progress: impl FnMut(Progress)) -> Outcome {
        match self.engine {
            Engine::Fast(fast) => fast.run_with(progress),
            Engine::Swim(general) => general.run_with(progress),
            Engine::Seam(general) => general.run_with(progress),
        }
    }

    /// Adds an invariant the run must hold at every sample; its first breach is reported in
    /// the outcome's `violations` and stops the run (`Outcome::stopped`).
    pub fn invariant(mut self, check: impl Invariant + Send + 'static) -> Simulator {
        self.engine = match self.engine {
            Engine::Fast(fast) => Engine::Fast(Box::new(fast.invariant(check))),
            Engine::Swim(mut general) => {
                general.invariant(check);
                Engine::Swim(general)
            }
            Engine::Seam(mut general) => {
                general.invariant(check);
                Engine::Seam(general)
            }
        };
        self
    }

    /// Drops the built-in invariants every run checks at each sample (docs/scenarios.md,
    /// "Invariants"), for timing the simulator alone (benches/, `pekonode run
    /// --no-invariants`). Invariants added with [`invariant`](Simulator::invariant) stay.
    pub fn without_invariants(mut self) -> Simulator {
        self.engine = match self.engine {
            Engine::Fast(fast) => Engine::Fast(Box::new(fast.without_invariants())),
            Engine::Swim(mut general) => {
                general.without_invariants();
                Engine::Swim(general)
            }
            Engine::Seam(mut general) => {
                general.without_invariants();
                Engine::Seam(general)
            }
        };
        self
    }

    /// Sends every trace event of the run to `sink` (see [`TraceEvent`](super::TraceEvent)).
    /// The general engine (SWIM) traces nothing.
    pub fn with_trace(mut self, sink: TraceSink) -> Simulator {
        if let Engine::Fast(fast) = self.engine {
            self.engine = Engine::Fast(Box::new(fast.with_trace(sink)));
        }
        self
    }

    /// Runs until virtual time `until` (events at `until` included; at most the planned end)
    /// and stops there, e.g. to look at [`Simulator::views`]. No outcome is produced.
    pub fn run_until(&mut self, until: Time) {
        match &mut self.engine {
            Engine::Fast(fast) => fast.run_until(until),
            Engine::Swim(general) => general.advance(until, &mut |_| {}),
            Engine::Seam(general) => general.advance(until, &mut |_| {}),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Time {
        match &self.engine {
            Engine::Fast(fast) => fast.now(),
            Engine::Swim(general) => general.now(),
            Engine::Seam(general) => general.now(),
        }
    }

    /// Every node's view, in node order (SWIM keeps no refresh times: its entries carry the
    /// current time).
    pub fn views(&self) -> Vec<NodeView> {
        match &self.engine {
            Engine::Fast(fast) => fast.views(),
            Engine::Swim(general) => general.views(),
            Engine::Seam(general) => general.views(),
        }
    }
}
