//! Fan-out and timeout left to the advice (`"auto"` in scenario files, `--amount auto` and
//! `--timeout auto` on `pekonode node`): one of them, or both.

use super::{advise, check_loss, for_fanout, reaches_floor, Choice, Inputs, LossOutOfRange};

/// Largest fixed fan-out a timeout is advised for (the Monte Carlo's cost grows with it).
pub const MAX_AUTO_FANOUT: u32 = 16;

/// Why no setting was advised.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AutoError {
    /// Fewer than two nodes: there is no false removal to bound.
    #[error("advice needs at least 2 nodes (false removals need a peer)")]
    TooFewNodes,
    /// The loss is outside what advise models ([`check_loss`]).
    #[error("network loss {0}")]
    Loss(#[from] LossOutOfRange),
    /// The fan-out given reaches fewer than [`COVERAGE_FLOOR`](super::COVERAGE_FLOOR) of the
    /// nodes: its few false removals come from reaching almost no one.
    #[error(
        "fan-out {fanout} reaches {:.1} % of the nodes at loss {loss:?}, below the {:.0} % a \
         fan-out must reach to be advised",
        100.0 * coverage,
        100.0 * super::COVERAGE_FLOOR
    )]
    BelowFloor {
        /// The fan-out given.
        fanout: u32,
        /// The share of nodes one heartbeat reaches.
        coverage: f64,
        /// The loss.
        loss: f64,
    },
    /// A timeout was asked for a fan-out above [`MAX_AUTO_FANOUT`].
    #[error("a timeout is advised for a fan-out of at most {MAX_AUTO_FANOUT} (not {0})")]
    FanoutTooLarge(u32),
    /// No fan-out from 2 to `max_fanout` reaches the coverage floor and meets the target (at
    /// the given timeout, or with one of at most `max_cycles` cycles).
    #[error("no fan-out from 2 to {max_fanout} {limit} keeps under {target}")]
    NoFanout {
        /// The largest fan-out considered.
        max_fanout: u32,
        /// The timeout it was held to, in words.
        limit: String,
        /// The target and inputs, in words.
        target: String,
    },
    /// At the given fan-out no timeout of at most `max_cycles` cycles meets the target.
    #[error("at fan-out {fanout} no timeout of at most {max_cycles} cycles keeps under {target}")]
    NoTimeout {
        /// The fan-out given.
        fanout: u32,
        /// The longest timeout considered, in cycles.
        max_cycles: u32,
        /// The target and inputs, in words.
        target: String,
    },
}

/// The advised choice for `inputs` with `fanout` fixed (`Some`) or advised (`None`); the
/// timeout is fixed when `inputs.timeout` is `Some`, advised otherwise. With both fixed it is
/// the evaluation of that setting (no target is enforced). An advised setting always reaches
/// [`COVERAGE_FLOOR`](super::COVERAGE_FLOOR) of the nodes.
pub fn resolve(inputs: &Inputs, fanout: Option<u32>) -> Result<Choice, AutoError> {
    if inputs.nodes < 2 {
        return Err(AutoError::TooFewNodes);
    }
    check_loss(inputs.loss)?;
    let target = format!(
        "{} false removals a day at {} nodes, cycle {} ms, loss {}",
        inputs.per_day,
        inputs.nodes,
        inputs.cycle.as_millis(),
        inputs.loss
    );
    match fanout {
        None => {
            let advice = advise(inputs);
            match advice.chosen.and_then(|i| advice.options.get(i)) {
                Some(c) => Ok(c.clone()),
                None => Err(AutoError::NoFanout {
                    max_fanout: inputs.max_fanout,
                    limit: if advice.options.iter().all(|c| !reaches_floor(c.miss)) {
                        format!(
                            "reaches {:.0} % of the nodes, so none",
                            100.0 * super::COVERAGE_FLOOR
                        )
                    } else {
                        match inputs.timeout {
                            Some(t) => format!("with the timeout of {} ms", t.as_millis()),
                            None => {
                                format!("with a timeout of at most {} cycles", inputs.max_cycles)
                            }
                        }
                    },
                    target,
                }),
            }
        }
        Some(f) if inputs.timeout.is_some() => Ok(for_fanout(inputs, f)),
        Some(f) if f > MAX_AUTO_FANOUT => Err(AutoError::FanoutTooLarge(f)),
        Some(f) => {
            let c = for_fanout(inputs, f);
            if !reaches_floor(c.miss) {
                return Err(AutoError::BelowFloor {
                    fanout: f,
                    coverage: c.coverage,
                    loss: inputs.loss,
                });
            }
            if c.false_removals_per_day > inputs.per_day {
                return Err(AutoError::NoTimeout {
                    fanout: f,
                    max_cycles: inputs.max_cycles,
                    target,
                });
            }
            Ok(c)
        }
    }
}
