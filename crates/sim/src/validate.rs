//! The checks every engine makes of a plan before it runs: sizes, probabilities, latency
//! models and node indices. Nothing has run when one fails.

use pekonode_run::{Plan, MAX_NODES};

use super::error::SimError;

/// Checks what any engine needs of `plan` (not its protocol settings: each engine resolves
/// its own).
pub(crate) fn plan(plan: &Plan) -> Result<(), SimError> {
    let n = plan.nodes.len();
    if n > MAX_NODES {
        return Err(SimError::TooManyNodes(n));
    }
    if plan.sample_interval.is_zero() {
        return Err(SimError::SampleInterval);
    }
    if plan.duration.as_micros() > u128::from(super::queue::MAX_TIME_MICROS) / 2 {
        return Err(SimError::TooLong(plan.duration));
    }
    let net = &plan.network;
    net.latency.validate().map_err(SimError::Latency)?;
    for (what, value) in [("loss", net.loss), ("duplicate", net.duplicate)]
        .into_iter()
        .chain(net.links.iter().flat_map(|r| {
            [("link loss", r.loss), ("link duplicate", r.duplicate)]
                .into_iter()
                .filter_map(|(w, v)| v.map(|v| (w, v)))
        }))
    {
        if !(0.0..=1.0).contains(&value) {
            return Err(SimError::Probability { what, value });
        }
    }
    for r in &net.links {
        if let Some(l) = &r.latency {
            l.validate().map_err(SimError::Latency)?;
        }
    }
    for (index, t) in plan.timeline.iter().enumerate() {
        for node in t.action.nodes() {
            if node as usize >= n {
                return Err(SimError::UnknownNode {
                    index,
                    node,
                    count: n,
                });
            }
        }
    }
    Ok(())
}
