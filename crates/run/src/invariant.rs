//! Invariants checked while a run goes, by either driver: after every sample the player asks
//! each one whether the run still holds it, and the first breach of each is reported in the
//! outcome ([`Outcome::violations`](crate::Outcome::violations)) with its time.

use crate::outcome::{Sample, Violation};

/// A property of a run that must hold at every sample (`"no node is ever removed while up"`,
/// `"the cluster is whole again 30 s after a heal"`).
///
/// ```
/// use pekonode_run::outcome::Sample;
/// use pekonode_run::Invariant;
///
/// /// Nobody's view may shrink below two members once two nodes are up.
/// struct NeverAlone;
/// impl Invariant for NeverAlone {
///     fn name(&self) -> &str { "never alone" }
///     fn check(&mut self, sample: &Sample) -> Result<(), String> {
///         if sample.up >= 2 && sample.min_view < 2 {
///             return Err(format!("a view of {} with {} nodes up", sample.min_view, sample.up));
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Invariant {
    /// A short name, for the report.
    fn name(&self) -> &str;
    /// Whether the run holds the property at this sample; `Err` says how it broke it.
    fn check(&mut self, sample: &Sample) -> Result<(), String>;
}

/// The invariants of one run, each reported once.
#[derive(Default)]
pub(crate) struct Invariants {
    checks: Vec<Box<dyn Invariant + Send>>,
    /// Whether each has been broken already.
    broken: Vec<bool>,
    pub(crate) violations: Vec<Violation>,
}

impl std::fmt::Debug for Invariants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.checks.iter().map(|c| c.name()).collect();
        f.debug_struct("Invariants")
            .field("checks", &names)
            .field("violations", &self.violations)
            .finish()
    }
}

impl Invariants {
    pub(crate) fn add(&mut self, check: Box<dyn Invariant + Send>) {
        self.checks.push(check);
        self.broken.push(false);
    }

    /// Checks every invariant not yet broken against `sample`.
    pub(crate) fn check(&mut self, sample: &Sample) {
        for (check, broken) in self.checks.iter_mut().zip(&mut self.broken) {
            if *broken {
                continue;
            }
            if let Err(message) = check.check(sample) {
                *broken = true;
                self.violations.push(Violation {
                    invariant: check.name().to_string(),
                    at_ms: sample.t_ms,
                    message,
                });
            }
        }
    }
}
