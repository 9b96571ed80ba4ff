//! Invariants checked while a run goes, by either driver: after every sample the player asks
//! each one whether the run still holds it. The first breach of each is reported in the
//! outcome ([`Outcome::violations`](crate::Outcome::violations)) with its time, and in the
//! simulator it stops the run (`Outcome::stopped`), as the explosion guard does.
//!
//! A check sees the sample and, in the simulator, the run's state ([`RunState`]: the views,
//! metadata versions and packet counts, read in place). The simulator adds the built-in
//! invariants ([`built_in`](crate::built_in_invariants)) to every run unless told not to.

use crate::node_index::NodeIndex;
use crate::outcome::{GuardStop, Sample, Violation};

pub use crate::invariant_state::{PacketLedger, RunState};

/// A property of a run that must hold at every sample (`"no node is ever removed while up"`,
/// `"the cluster is whole again 30 s after a heal"`).
///
/// ```
/// use pekonode_run::{Breach, Invariant, Moment};
///
/// /// Nobody's view may shrink below two members once two nodes are up.
/// struct NeverAlone;
/// impl Invariant for NeverAlone {
///     fn name(&self) -> &str { "never alone" }
///     fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach> {
///         let s = at.sample;
///         if s.up >= 2 && s.min_view < 2 {
///             return Err(format!("a view of {} with {} nodes up", s.min_view, s.up).into());
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Invariant {
    /// A short name, for the report.
    fn name(&self) -> &str;
    /// Whether the run holds the property at this sample; `Err` says how it broke it.
    fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach>;
}

/// What a check sees at one sample.
pub struct Moment<'a> {
    /// The sample just taken.
    pub sample: &'a Sample,
    /// The run's state, where the driver can show it (the simulator can; real sockets cannot).
    pub state: Option<&'a dyn RunState>,
}

/// How a run broke an invariant: where, if one node did, and what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    /// The node that broke it, if one did.
    pub node: Option<NodeIndex>,
    /// What happened, for people.
    pub message: String,
}

impl Breach {
    /// A breach at node `node`.
    pub fn at(node: NodeIndex, message: String) -> Breach {
        Breach {
            node: Some(node),
            message,
        }
    }
}

impl From<String> for Breach {
    /// A breach of no node in particular.
    fn from(message: String) -> Breach {
        Breach {
            node: None,
            message,
        }
    }
}

/// The invariants of one run, each reported once.
#[derive(Default)]
pub(crate) struct Invariants {
    checks: Vec<Check>,
    pub(crate) violations: Vec<Violation>,
}

/// One invariant of a run.
struct Check {
    invariant: Box<dyn Invariant + Send>,
    /// Whether it is a built-in one (dropped by [`Invariants::without_built_in`]).
    built_in: bool,
    /// Whether it has been broken already.
    broken: bool,
}

impl std::fmt::Debug for Invariants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.checks.iter().map(|c| c.invariant.name()).collect();
        f.debug_struct("Invariants")
            .field("checks", &names)
            .field("violations", &self.violations)
            .finish()
    }
}

impl Invariants {
    pub(crate) fn add(&mut self, invariant: Box<dyn Invariant + Send>, built_in: bool) {
        self.checks.push(Check {
            invariant,
            built_in,
            broken: false,
        });
    }

    /// Drops the built-in invariants (the ones added by the caller stay).
    pub(crate) fn without_built_in(&mut self) {
        self.checks.retain(|c| !c.built_in);
    }

    /// Checks every invariant not yet broken; returns the first one broken now, if any.
    pub(crate) fn check(&mut self, at: &Moment<'_>) -> Option<&Violation> {
        let before = self.violations.len();
        for check in &mut self.checks {
            if check.broken {
                continue;
            }
            if let Err(breach) = check.invariant.check(at) {
                check.broken = true;
                let node = breach.node.map(|i| match at.state {
                    Some(state) => state.node_name(i).to_owned(),
                    None => format!("#{i}"),
                });
                self.violations.push(Violation {
                    invariant: check.invariant.name().to_string(),
                    at_ms: at.sample.t_ms,
                    node,
                    message: breach.message,
                });
            }
        }
        self.violations.get(before)
    }
}

/// What stops a run at violation `v`: the explosion guard's record, with `invariant` as its
/// limit, and one line that says which invariant broke, when and where.
pub fn stop_for(v: &Violation) -> GuardStop {
    let at = match &v.node {
        Some(node) => format!(" at node {node}"),
        None => String::new(),
    };
    GuardStop {
        at_ms: v.at_ms,
        limit: INVARIANT_LIMIT.to_owned(),
        limit_value: 0,
        value: 0,
        message: format!(
            "invariant '{}' broken at t = {:.3} s{at}: {}",
            v.invariant,
            v.at_ms / 1_000.0,
            v.message
        ),
    }
}

pub use crate::outcome::INVARIANT_LIMIT;
