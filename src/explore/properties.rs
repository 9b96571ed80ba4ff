//! The properties every explored run must hold, and their verdict on one run.
//!
//! Safety comes from the run itself: the simulator plays every scenario validation accepts,
//! nothing stops a small cluster early (the explosion guard, or an invariant that stops the
//! run: `Outcome::stopped` names which), and no invariant the run was given
//! (`Outcome::violations`, the simulator's built-in ones included) is broken. Liveness is the
//! explorer's own, and each applies only where it truly holds for PekoNode and SWIM today
//! (docs/explore.md says why each condition is there):
//!
//! - **no false removal without loss**: a run in which nothing drops a live node's packets
//!   removes no live node, when every heartbeat reaches every node (faithful forwarding, or
//!   full bootstrap with fan-out ≥ the cluster) or the protocol is SWIM and no node comes
//!   back in a new life (SWIM may declare a crashed node's old life down after its restart,
//!   which removes the live node from views for a while);
//! - **whole after calm**: once the last fault is over, in a clean network, every view is
//!   whole (equal to the set of nodes up) within a settle time: the timeout, two rejoin
//!   periods and ten cycles for PekoNode, the suspicion time and a probe of every member for
//!   SWIM. Under Go's rules a partition, a pause, a long stop, a forged flood or a few lost
//!   heartbeats in a small cluster can cut nodes off for good (nobody rejoins), so this one
//!   needs the hardened rules (rejoin), or a run with no loss and no such fault. SWIM as
//!   configured here does not find a half it declared down again (the explorer's own finding,
//!   docs/explore.md), so a SWIM run must have no partition.

use std::fmt;
use std::time::Duration;

use crate::protocol::Forwarding;
use crate::run::{Outcome, ProtocolKind};
use crate::scenario::{NodesSpec, Scenario};
use crate::sim::SimError;

use super::calm::Calm;

/// A property of a run; a failure names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    /// The simulator plays every scenario that validation accepts.
    Playable,
    /// Nothing stops the run early (the explosion guard, or an invariant that stops it).
    NoStop,
    /// What broke [`Property::NoStop`]: the run was stopped by this limit or invariant.
    StoppedBy(String),
    /// The invariant of this name holds at every sample.
    Invariant(String),
    /// Without loss, partition or pause, no live node is removed.
    NoFalseRemovalWithoutLoss,
    /// After the last fault, every view is whole within the settle time.
    WholeAfterCalm,
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Property::Playable => f.write_str("playable"),
            Property::NoStop => f.write_str("no-stop"),
            Property::StoppedBy(limit) => write!(f, "no-stop: {limit}"),
            Property::Invariant(name) => write!(f, "invariant: {name}"),
            Property::NoFalseRemovalWithoutLoss => f.write_str("no-false-removal-without-loss"),
            Property::WholeAfterCalm => f.write_str("whole-after-calm"),
        }
    }
}

/// A broken property and how the run broke it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The property.
    pub property: Property,
    /// What the run did, for people.
    pub detail: String,
}

/// The properties that apply to `scenario` (its liveness conditions read from the file).
pub fn applicable(scenario: &Scenario) -> Vec<Property> {
    let spec = scenario.spec();
    let calm = Calm::of(spec);
    let swim = matches!(scenario.protocol(), ProtocolKind::Swim(_));
    let mut props = vec![Property::Playable, Property::NoStop];
    let everywhere = if swim {
        !calm.renewed
    } else {
        every_heartbeat_everywhere(scenario)
    };
    if calm.lossless && !calm.forged && everywhere {
        props.push(Property::NoFalseRemovalWithoutLoss);
    }
    let rejoin = !scenario.config().rejoin.is_zero();
    let tail = spec.duration_ms.saturating_sub(calm.quiet_from_ms);
    if calm.clean_end
        && ((swim && !calm.partitioned) || (!swim && rejoin) || (calm.lossless && !calm.splits))
        && tail >= settle_ms(scenario) + spec.sample_interval_ms
    {
        props.push(Property::WholeAfterCalm);
    }
    props
}

/// Whether every heartbeat reaches every node without loss: Go's faithful forwarding floods
/// it along every path; first-copy with a fan-out covering the whole cluster from full views
/// sends it to everyone directly.
fn every_heartbeat_everywhere(scenario: &Scenario) -> bool {
    let config = scenario.config();
    if config.forwarding == Forwarding::Faithful {
        return true;
    }
    let full = matches!(
        &scenario.spec().nodes,
        NodesSpec::Generated(g) if g.bootstrap == crate::run::Bootstrap::All
    );
    let no_joins = scenario.node_count() == scenario.initial_joins().len();
    full && no_joins && config.amount + 1 >= scenario.node_count()
}

/// How long after the last fault every view must be whole again (ms).
pub fn settle_ms(scenario: &Scenario) -> u64 {
    let ms = |d: Duration| d.as_millis() as u64;
    match scenario.protocol() {
        ProtocolKind::Swim(settings) => {
            let swim = settings.resolve(scenario.config());
            // A dead member waits for its turn among the probes, then for the suspicion; a
            // cut-off half is found again by announces.
            let probes = (scenario.node_count() as u64 + 10) * ms(swim.probe_period);
            let announce = 10 * swim.announce_period.map_or(0, ms);
            ms(swim.suspect_to_down) + probes + announce
        }
        _ => {
            let c = scenario.config();
            ms(c.timeout) + 2 * ms(c.rejoin) + 10 * ms(c.cycle)
        }
    }
}

/// The first property among `applicable` that `result` breaks, if any.
pub fn verdict(
    scenario: &Scenario,
    applicable: &[Property],
    result: &Result<Outcome, SimError>,
) -> Option<Failure> {
    let fail = |property: Property, detail: String| Some(Failure { property, detail });
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => return fail(Property::Playable, format!("the simulator refused it: {e}")),
    };
    if let Some(stop) = &outcome.stopped {
        return fail(
            Property::StoppedBy(stop.limit.clone()),
            stop.message.clone(),
        );
    }
    if let Some(v) = outcome.violations.first() {
        return fail(
            Property::Invariant(v.invariant.clone()),
            format!("at {} ms: {}", v.at_ms, v.message),
        );
    }
    if applicable.contains(&Property::NoFalseRemovalWithoutLoss) && outcome.false_removals > 0 {
        return fail(
            Property::NoFalseRemovalWithoutLoss,
            format!(
                "{} live node(s) removed from a view with no loss, partition or pause",
                outcome.false_removals
            ),
        );
    }
    if applicable.contains(&Property::WholeAfterCalm) {
        let quiet = Calm::of(scenario.spec()).quiet_from_ms as f64;
        let by = quiet + settle_ms(scenario) as f64;
        let whole = outcome
            .samples
            .iter()
            .find(|s| s.t_ms >= quiet && s.converged_fraction >= 1.0);
        match whole {
            Some(s) if s.t_ms <= by => {}
            _ => {
                let last = outcome.samples.last().map_or(0.0, |s| s.converged_fraction);
                let at = whole.map_or("never".to_string(), |s| format!("at {} ms", s.t_ms));
                return fail(
                    Property::WholeAfterCalm,
                    format!(
                        "the last fault was over at {quiet} ms; every view whole {at}, due by \
                         {by} ms (converged fraction at the end {last:.3})"
                    ),
                );
            }
        }
    }
    None
}
