//! The `protocol` block: PekoNode's parameters, resolved by the protocol's own rules
//! ([`Config::resolve`] holds the defaults and the ranges a node can run with).

use std::time::Duration;

use crate::protocol::{Config, ConfigError};

use super::auto::{self, Advised};
use super::checker::Checker;
use super::schema::{NetworkModelSpec, ProtocolSpec};

/// The protocol settings of `p` after PekoNode's default rules and `"auto"` resolved for
/// `nodes` nodes at network loss `loss` (with what it became), or `None` when the protocol
/// refuses a value or no setting meets the target; each problem is recorded at its path
/// (`protocol.size`, …).
pub(super) fn resolve(
    ck: &mut Checker,
    p: &ProtocolSpec,
    nodes: usize,
    network: &NetworkModelSpec,
) -> Option<(Config, Option<Advised>)> {
    let before = ck.count();
    auto::check(ck, p);
    let auto_ok = ck.count() == before;
    let mut raw = raw(p);
    let config = resolve_raw(ck, raw.clone())?;
    if !auto::wanted(p) {
        return auto_ok.then_some((config, None));
    }
    if !auto_ok {
        // A bad target or forwarding rule: no advice to ask for (the problem is recorded).
        return None;
    }
    let advised = auto::advise(ck, p, &config, nodes, network)?;
    if let Some(a) = advised.amount {
        raw.amount = a as usize;
    }
    if let Some(t) = advised.timeout_ms {
        raw.timeout = Duration::from_millis(t);
    }
    // The buffer's default follows the amount: resolve again with the advised values.
    let config = resolve_raw(ck, raw)?;
    Some((config, Some(advised)))
}

/// The block as a [`Config`] before the default rules, `"auto"` read as 0.
fn raw(p: &ProtocolSpec) -> Config {
    Config {
        amount: p.amount.value_or_default() as usize,
        cycle: Duration::from_millis(p.cycle_ms),
        buffer: p.buffer as usize,
        size: p.size as usize,
        timeout: Duration::from_millis(p.timeout_ms.value_or_default()),
        forwarding: p.forwarding,
        rejoin: Duration::from_millis(p.rejoin_ms),
        trust: p.trust.to_trust(),
    }
}

/// `config` after the default rules; every refused value is recorded at its path.
fn resolve_raw(ck: &mut Checker, mut config: Config) -> Option<Config> {
    let mut refused = false;
    // `resolve` stops at the first value it refuses: record it, put that value back to 0 (its
    // default) and try again, so that one pass names every bad value (at most one per field).
    for _ in 0..7 {
        match config.resolve() {
            Ok(resolved) => return (!refused).then_some(resolved),
            Err(e) => {
                refused = true;
                let field = field(&e);
                ck.err(
                    format!("protocol.{field}"),
                    format!("{e}; 0 takes PekoNode's default"),
                );
                match field {
                    "amount" => config.amount = 0,
                    "cycle_ms" => config.cycle = Duration::ZERO,
                    "buffer" => config.buffer = 0,
                    "size" => config.size = 0,
                    "timeout_ms" => config.timeout = Duration::ZERO,
                    "rejoin_ms" => config.rejoin = Duration::ZERO,
                    _ => return None,
                }
            }
        }
    }
    None
}

/// The field of the `protocol` block a refusal is about.
fn field(e: &ConfigError) -> &'static str {
    match e {
        ConfigError::AmountTooLarge(_) => "amount",
        ConfigError::CycleTooShort(_) | ConfigError::PeriodTooLong { what: "cycle", .. } => {
            "cycle_ms"
        }
        ConfigError::PeriodTooLong { what: "rejoin", .. } => "rejoin_ms",
        ConfigError::PeriodTooLong { .. } => "timeout_ms",
        ConfigError::SizeOutOfRange(_) => "size",
        ConfigError::BufferTooLarge(_) => "buffer",
        ConfigError::UnknownForwarding(_) => "forwarding",
    }
}
