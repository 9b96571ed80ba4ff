//! `"amount": "auto"` and `"timeout_ms": "auto"`: protocol parameters a file leaves to
//! [`advise`](crate::advise), resolved at validation from the scenario's node count, cycle and
//! network loss for a target number of false removals a day.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::advise::auto::AutoError;
use crate::advise::{self, Inputs};
use crate::protocol::{Config, Forwarding};

use super::checker::Checker;
use super::schema::{NetworkModelSpec, ProtocolSpec};

/// Default target of `"auto"`: fewer than one false removal a day, cluster-wide.
pub const DEFAULT_TARGET_PER_DAY: f64 = 1.0;

/// What `"auto"` became, and what it was advised for: shown in the run summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advised {
    /// The fan-out advised, when `amount` was `"auto"`.
    pub amount: Option<u32>,
    /// The timeout advised in ms, when `timeout_ms` was `"auto"`.
    pub timeout_ms: Option<u64>,
    /// Nodes the advice is for (every node the scenario ever has).
    pub nodes: u32,
    /// The heartbeat cycle in ms.
    pub cycle_ms: u64,
    /// The network's loss (`network.loss`; link rules and loss events are not counted).
    pub loss: f64,
    /// The target: at most this many false removals a day, cluster-wide.
    pub target_per_day: f64,
    /// Heartbeats missed in a row that remove a peer at the resolved settings.
    pub misses: u32,
    /// False removals a day advise expects at the resolved settings.
    pub expected_per_day: f64,
}

impl fmt::Display for Advised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(a) = self.amount {
            parts.push(format!("amount {a}"));
        }
        if let Some(t) = self.timeout_ms {
            parts.push(format!("timeout {t} ms"));
        }
        write!(
            f,
            "{} (advise: ≤ {} false removals a day at {} nodes, cycle {} ms, loss {}; expected {:.3e} a day, {} missed heartbeats remove a peer)",
            parts.join(", "),
            self.target_per_day,
            self.nodes,
            self.cycle_ms,
            self.loss,
            self.expected_per_day,
            self.misses
        )
    }
}

/// Whether `p` leaves anything to advise.
pub(super) fn wanted(p: &ProtocolSpec) -> bool {
    p.amount.is_auto() || p.timeout_ms.is_auto()
}

/// Checks the target and the forwarding rule `"auto"` needs; records problems at their paths.
pub(super) fn check(ck: &mut Checker, p: &ProtocolSpec) {
    let target_path = "protocol.target_false_removals_per_day";
    if let Some(t) = p.target_false_removals_per_day {
        if !(t.is_finite() && t > 0.0 && t <= advise::MAX_PER_DAY) {
            ck.err(target_path, format!("{} is not a usable target; use a number of false removals a day above 0 and at most {:e} (e.g. 1)", advise::shown(t), advise::MAX_PER_DAY));
        } else if !wanted(p) {
            ck.err(target_path, "only \"auto\" uses it: set \"amount\" or \"timeout_ms\" to \"auto\", or leave it out");
        }
    }
    if wanted(p) && p.forwarding != Forwarding::FirstCopy {
        let path = if p.amount.is_auto() {
            "protocol.amount"
        } else {
            "protocol.timeout_ms"
        };
        ck.err(path, "\"auto\" advises for first-copy forwarding (push gossip); add \"forwarding\": \"first-copy\" or give a number");
    }
}

/// Resolves `"auto"` for `nodes` nodes on `network` (its loss and latency), given `config` (the block
/// resolved with `"auto"` as 0): the advised amount and timeout, or `None` with a problem
/// recorded when no setting meets the target.
pub(super) fn advise(
    ck: &mut Checker,
    p: &ProtocolSpec,
    config: &Config,
    nodes: usize,
    network: &NetworkModelSpec,
) -> Option<Advised> {
    let path = if p.amount.is_auto() {
        "protocol.amount"
    } else {
        "protocol.timeout_ms"
    };
    let per_day = p
        .target_false_removals_per_day
        .unwrap_or(DEFAULT_TARGET_PER_DAY);
    // The same loss rule as `pekonode advise --loss`, at the path that sets it: advise never
    // models a loss other than the file's.
    let loss = match advise::check_loss(network.loss) {
        Ok(loss) => loss,
        Err(e) => {
            ck.err(
                "network.loss",
                format!("{e}; \"auto\" in {path} needs it: give numbers instead of \"auto\""),
            );
            return None;
        }
    };
    let inputs = Inputs {
        nodes: u32::try_from(nodes).unwrap_or(u32::MAX),
        cycle: config.cycle,
        loss,
        // The file's own latency: its shape decides which copy comes first.
        latency: super::network::latency(&network.latency),
        per_day,
        timeout: (!p.timeout_ms.is_auto()).then_some(config.timeout),
        ..Inputs::default()
    };
    let fanout = (!p.amount.is_auto()).then(|| u32::try_from(config.amount).unwrap_or(u32::MAX));
    let choice = match advise::auto::resolve(&inputs, fanout) {
        Ok(c) => c,
        Err(e) => {
            let hint = match e {
                AutoError::TooFewNodes | AutoError::Loss(_) => "",
                AutoError::BelowFloor { .. } => "; raise amount or set it to \"auto\"",
                AutoError::FanoutTooLarge(_) => "; give a number",
                AutoError::NoFanout { .. } => {
                    "; raise target_false_removals_per_day or give numbers"
                }
                AutoError::NoTimeout { .. } => {
                    "; raise amount, set it to \"auto\", or raise target_false_removals_per_day"
                }
            };
            ck.err(path, format!("\"auto\": {e}{hint}"));
            return None;
        }
    };
    Some(Advised {
        amount: p.amount.is_auto().then_some(choice.fanout),
        timeout_ms: p.timeout_ms.is_auto().then(|| millis(choice.timeout)),
        nodes: inputs.nodes,
        cycle_ms: millis(config.cycle),
        loss: network.loss,
        target_per_day: per_day,
        misses: choice.misses,
        expected_per_day: choice.false_removals_per_day,
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
