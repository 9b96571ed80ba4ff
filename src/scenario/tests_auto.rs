//! `"amount": "auto"` and `"timeout_ms": "auto"`: resolved by `advise`, refused with paths.

use std::time::Duration;

use super::tests::with_nodes;
use super::tests_bad::{error_of, rejects};
use super::*;
use crate::advise::{self, Inputs};

fn load(text: &str) -> Scenario {
    Scenario::from_str_named(text, "auto.json").unwrap_or_else(|e| panic!("{e}"))
}

/// 100 nodes, cycle 1 s, first-copy, with these `protocol` fields and network loss `loss`.
fn hundred(protocol: &str, loss: f64) -> String {
    with_nodes(
        r#"{"count": 100}"#,
        &format!(
            r#""protocol": {{"cycle_ms": 1000, "forwarding": "first-copy", {protocol}}},
               "network": {{"loss": {loss}}}"#
        ),
    )
}

fn inputs(loss: f64) -> Inputs {
    Inputs {
        nodes: 100,
        cycle: Duration::from_secs(1),
        loss,
        // The scenario's default latency.
        latency: crate::run::Latency::Constant(Duration::from_millis(1)),
        ..Inputs::default()
    }
}

#[test]
fn auto_amount_and_timeout_are_what_advise_advises() {
    let s = load(&hundred(r#""amount": "auto", "timeout_ms": "auto""#, 0.1));
    let advice = advise::advise(&inputs(0.1));
    let best = &advice.options[advice.chosen.expect("a choice")];
    let c = s.config();
    assert_eq!(c.amount, best.fanout as usize);
    assert_eq!(c.timeout, best.timeout);
    // The buffer's default follows the advised amount.
    assert_eq!(c.buffer, 3 * c.amount);
    let a = s.advised().expect("advised");
    assert_eq!(a.amount, Some(best.fanout));
    assert_eq!(a.timeout_ms, Some(best.timeout.as_millis() as u64));
    assert_eq!((a.nodes, a.cycle_ms, a.loss), (100, 1000, 0.1));
    assert!(a.expected_per_day <= 1.0);
    let line = a.to_string();
    assert!(line.contains(&format!("amount {}", best.fanout)), "{line}");
    assert!(
        line.contains("at 100 nodes, cycle 1000 ms, loss 0.1"),
        "{line}"
    );
    // Numbers are kept as written and advise nothing.
    let fixed = load(&hundred(r#""amount": 4, "timeout_ms": 9000"#, 0.1));
    assert!(fixed.advised().is_none());
    assert_eq!(fixed.config().amount, 4);
}

#[test]
fn auto_timeout_follows_the_amount_and_the_target() {
    let at = |target: &str| {
        load(&hundred(
            &format!(r#""amount": 5, "timeout_ms": "auto"{target}"#),
            0.0,
        ))
    };
    let s = at("");
    let c = advise::for_fanout(&inputs(0.0), 5);
    assert_eq!(s.config().amount, 5);
    assert_eq!(s.config().timeout, c.timeout);
    assert_eq!(s.advised().and_then(|a| a.amount), None);
    // A looser target gives a shorter timeout, a stricter one a longer.
    let loose = at(r#", "target_false_removals_per_day": 1e9"#);
    let strict = at(r#", "target_false_removals_per_day": 1e-6"#);
    assert!(loose.config().timeout < s.config().timeout);
    assert!(strict.config().timeout > s.config().timeout);
}

#[test]
fn auto_amount_meets_the_target_at_the_given_timeout() {
    let s = load(&hundred(r#""amount": "auto", "timeout_ms": 3500"#, 0.0));
    let advice = advise::advise(&Inputs {
        timeout: Some(Duration::from_millis(3500)),
        ..inputs(0.0)
    });
    let best = &advice.options[advice.chosen.expect("a choice")];
    assert_eq!(s.config().amount, best.fanout as usize);
    assert_eq!(s.config().timeout, Duration::from_millis(3500));
    assert_eq!(s.advised().map(|a| a.misses), Some(3));
}

#[test]
fn auto_is_written_back_as_auto() {
    let s = load(&hundred(r#""amount": "auto""#, 0.0));
    let v = serde_json::to_value(&s.spec().protocol).unwrap_or_default();
    assert_eq!(v["amount"], "auto");
    assert_eq!(v["timeout_ms"], 0);
}

#[test]
fn bad_auto_settings_are_refused_at_their_paths() {
    rejects(
        &hundred(r#""amount": "many""#, 0.0),
        &["at `protocol.amount`", "expected u32 or \"auto\""],
    );
    rejects(
        &hundred(r#""timeout_ms": 1.5"#, 0.0),
        &["at `protocol.timeout_ms`", "expected u64 or \"auto\""],
    );
    // Advise models first-copy forwarding.
    rejects(
        &with_nodes(r#"{"count": 10}"#, r#""protocol": {"timeout_ms": "auto"}"#),
        &["protocol.timeout_ms", "first-copy"],
    );
    // Only that problem: no advice is asked for a file that cannot have one.
    let faithful = error_of(&with_nodes(
        r#"{"count": 10}"#,
        r#""protocol": {"amount": "auto", "target_false_removals_per_day": 0}"#,
    ));
    assert!(faithful.contains("first-copy"), "{faithful}");
    assert!(faithful.contains("not a usable target"), "{faithful}");
    assert!(!faithful.contains("no fan-out"), "{faithful}");
    rejects(
        &hundred(r#""target_false_removals_per_day": 1"#, 0.0),
        &[
            "protocol.target_false_removals_per_day",
            "only \"auto\" uses it",
        ],
    );
    rejects(
        &hundred(
            r#""amount": "auto", "target_false_removals_per_day": -1"#,
            0.0,
        ),
        &[
            "protocol.target_false_removals_per_day",
            "not a usable target",
        ],
    );
    rejects(
        &hundred(r#""amount": 100, "timeout_ms": "auto""#, 0.0),
        &["protocol.timeout_ms", "at most 16 (not 100)"],
    );
    // 90 % loss: no fan-out up to 8 reaches 90 % of the nodes (most heartbeats die out).
    rejects(
        &with_nodes(
            r#"{"count": 10}"#,
            r#""protocol": {"amount": "auto", "timeout_ms": "auto", "forwarding": "first-copy"},
               "network": {"loss": 0.9}"#,
        ),
        &["protocol.amount", "\"auto\": no fan-out from 2 to 8 reaches 90 % of the nodes, so none keeps under 1 false removals a day at 10 nodes"],
    );
    rejects(
        &with_nodes(
            r#"{"count": 1}"#,
            r#""protocol": {"amount": "auto", "forwarding": "first-copy"}"#,
        ),
        &["protocol.amount", "at least 2 nodes"],
    );
}
