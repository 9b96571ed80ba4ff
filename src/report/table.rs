//! The short human summary printed on stdout after a run.

use std::fmt::Write as _;

use super::csv::fixed;
use crate::run::outcome::LatencyQuantiles;
use crate::run::Outcome;

/// An integer with thousands separators: `1,340,000`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A non-negative float with two decimals and thousands separators.
fn group_f(v: f64) -> String {
    if !v.is_finite() || v < 0.0 {
        return fixed(v, 2);
    }
    let text = fixed(v, 2);
    match text.split_once('.') {
        Some((int, frac)) => match int.parse::<u64>() {
            Ok(n) => format!("{}.{frac}", group(n)),
            Err(_) => text,
        },
        None => text,
    }
}

/// A duration from milliseconds: seconds with one decimal from 1 s up, milliseconds below
/// (a 38 ms spread is "38 ms", not "0.0 s"; under 10 ms one decimal is kept).
pub(crate) fn secs(ms: f64) -> String {
    if ms.is_finite() && ms.abs() < 1000.0 {
        let decimals = if ms.abs() < 10.0 && ms != 0.0 { 1 } else { 0 };
        return format!("{} ms", fixed(ms, decimals));
    }
    format!("{} s", fixed(ms / 1000.0, 1))
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> String {
    format!("{} %", fixed(share * 100.0, 1))
}

/// Failure detection: the slowest full removal, or how many never completed.
fn failure_detection(outcome: &Outcome) -> String {
    let all = &outcome.failure_detection;
    if all.is_empty() {
        return "no crash or stop".to_owned();
    }
    let done: Vec<f64> = all.iter().filter_map(|d| d.all_removed_after_ms).collect();
    let slowest = done.iter().copied().fold(None, |acc: Option<f64>, v| {
        Some(acc.map_or(v, |a| a.max(v)))
    });
    let mut text = match slowest {
        Some(ms) => format!("{} max over {} removed", secs(ms), done.len()),
        None => "none removed everywhere".to_owned(),
    };
    let missing = all.len() - done.len();
    if missing > 0 {
        let _ = write!(
            text,
            "; {missing} of {} not removed by every up node",
            all.len()
        );
    }
    text
}

/// Metadata spread: the slowest publish that reached everyone, or how many never did.
fn metadata(outcome: &Outcome) -> String {
    let all = &outcome.metadata;
    if all.is_empty() {
        return "no publish".to_owned();
    }
    let done: Vec<f64> = all.iter().filter_map(|m| m.everywhere_after_ms).collect();
    let slowest = done.iter().copied().fold(None, |acc: Option<f64>, v| {
        Some(acc.map_or(v, |a| a.max(v)))
    });
    let mut text = match slowest {
        Some(ms) => format!("{} max over {} publish(es)", secs(ms), done.len()),
        None => "never reached every up node".to_owned(),
    };
    let missing = all.len() - done.len();
    if missing > 0 && !done.is_empty() {
        let _ = write!(text, "; {missing} never everywhere");
    }
    text
}

/// Maelstrom's `msgs-per-op`: all datagrams per heartbeat and per publish.
fn msgs_per_op(outcome: &Outcome) -> String {
    let p = &outcome.per_op;
    let per = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), group_f);
    format!(
        "{} per heartbeat, {} per publish",
        per(p.heartbeat.msgs_per_op),
        per(p.publish.msgs_per_op)
    )
}

/// A stable-latency distribution: quantiles 0, 0.5, 0.95, 0.99, 1, and how many operations
/// never reached every up node.
fn latency(l: &LatencyQuantiles) -> String {
    let (Some(p0), Some(p50), Some(p95), Some(p99), Some(p100)) =
        (l.p0, l.p50, l.p95, l.p99, l.p100)
    else {
        return if l.measured == 0 {
            "no operation".to_owned()
        } else {
            format!("none of {} reached every up node", group(l.measured))
        };
    };
    let mut text = format!(
        "{} / {} / {} / {} / {} (q 0 / 0.5 / 0.95 / 0.99 / 1 over {})",
        secs(p0),
        secs(p50),
        secs(p95),
        secs(p99),
        secs(p100),
        group(l.stable)
    );
    if l.measured > l.stable {
        let _ = write!(text, "; {} never everywhere", group(l.measured - l.stable));
    }
    text
}

/// The rows of the table, as (label, value).
fn rows(outcome: &Outcome) -> Vec<(&'static str, String)> {
    let p = &outcome.protocol;
    let t = &outcome.traffic;
    let inf = &outcome.infection;
    // A protocol without heartbeats (SWIM): per-heartbeat ratios are empty.
    let no_heartbeats = !outcome.protocol.has_heartbeats()
        || (!outcome.infection_measured && !outcome.real_sockets);
    let dropped = t.dropped_partition + t.dropped_oversize + t.dropped_queue + t.dropped_down;
    vec![
        ("scenario", outcome.scenario.clone()),
        ("seed", outcome.seed.to_string()),
        ("nodes", outcome.nodes.to_string()),
        (
            "forwarding",
            if !p.has_heartbeats() {
                // SWIM's knobs in PekoNode's columns (see `ProtocolKind::summary`).
                format!(
                    "swim ({} indirect probes, probe every {} ms, suspicion {} ms)",
                    p.amount,
                    fixed(p.cycle_ms, 0),
                    fixed(p.timeout_ms, 0)
                )
            } else {
                format!(
                    "{} (fan-out {}, cycle {} ms, timeout {} ms)",
                    p.forwarding,
                    p.amount,
                    fixed(p.cycle_ms, 0),
                    fixed(p.timeout_ms, 0)
                )
            },
        ),
        (
            // A cluster plays its timeline in real time: say so rather than "virtual".
            if outcome.real_sockets {
                "real time"
            } else {
                "virtual time"
            },
            format!(
                "{} of {}",
                secs(outcome.ended_at_ms),
                secs(outcome.duration_ms)
            ),
        ),
        (
            "converged first at",
            match (outcome.convergence.first_converged_ms, &outcome.stopped) {
                (Some(ms), _) => secs(ms),
                // "never" would be a verdict on a run that was cut short.
                (None, Some(stop)) => format!(
                    "not before the explosion guard stopped the run at {}",
                    secs(stop.at_ms)
                ),
                (None, None) => "never".to_owned(),
            },
        ),
        (
            if outcome.stopped.is_some() {
                "converged fraction at stop"
            } else {
                "final converged fraction"
            },
            percent(outcome.convergence.final_fraction),
        ),
        (
            "packets per heartbeat",
            if no_heartbeats {
                "no heartbeats in this protocol".to_owned()
            } else {
                format!(
                    "{} ({} heartbeats)",
                    group_f(t.packets_per_heartbeat),
                    group(t.heartbeats)
                )
            },
        ),
        (
            "datagrams per heartbeat",
            if no_heartbeats {
                format!("no heartbeats ({} datagrams sent)", group(t.sent))
            } else {
                group_f(t.datagrams_per_heartbeat)
            },
        ),
        (
            "coverage median / min",
            if let Some(why) = outcome.infection_unmeasured() {
                why.to_owned()
            } else if inf.coverage.count == 0 {
                "no heartbeat sampled".to_owned()
            } else {
                format!(
                    "{} / {} ({} heartbeats sampled)",
                    percent(inf.coverage.median),
                    percent(inf.coverage.min),
                    inf.coverage.count
                )
            },
        ),
        (
            "coverage after warm-up",
            if let Some(why) = outcome.infection_unmeasured() {
                why.to_owned()
            } else if inf.coverage_steady.count == 0 {
                format!("no heartbeat after the warm-up ({})", secs(inf.warmup_ms))
            } else {
                format!(
                    "mean {} (from {} on: {} heartbeats)",
                    percent(inf.coverage_steady.mean),
                    secs(inf.warmup_ms),
                    inf.coverage_steady.count
                )
            },
        ),
        (
            "duplicates",
            if let Some(why) = outcome.infection_unmeasured() {
                why.to_owned()
            } else {
                group(t.duplicates)
            },
        ),
        (
            "lost / dropped",
            format!(
                "{} / {} (partition {}, oversize {}, queue {}, down {})",
                group(t.lost),
                group(dropped),
                group(t.dropped_partition),
                group(t.dropped_oversize),
                group(t.dropped_queue),
                group(t.dropped_down)
            ),
        ),
        ("false removals", group(outcome.false_removals)),
        ("failure detection", failure_detection(outcome)),
        ("metadata spread", metadata(outcome)),
        ("msgs-per-op", msgs_per_op(outcome)),
        (
            "heartbeat stable latency",
            if let Some(why) = outcome.infection_unmeasured() {
                why.to_owned()
            } else {
                latency(&outcome.per_op.heartbeat.stable_latency_ms)
            },
        ),
        (
            "publish stable latency",
            latency(&outcome.per_op.publish.stable_latency_ms),
        ),
    ]
}

/// The aligned table text, newline-terminated.
pub(crate) fn render(outcome: &Outcome) -> String {
    let rows = rows(outcome);
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    if let Some(stop) = &outcome.stopped {
        let by = stop.stopper().to_uppercase();
        let _ = writeln!(out, "!! STOPPED BY {by}: {}", stop.message);
    }
    for (key, value) in rows {
        let _ = writeln!(out, "{key:<width$}  {value}");
    }
    // Faults and adversaries (forge, pause): shown only when something happened.
    let a = &outcome.attacks;
    if !a.is_empty() {
        let rejected: Vec<String> = a
            .rejected
            .iter()
            .map(|(why, n)| format!("{why} {}", group(*n)))
            .collect();
        let _ = write!(
            out,
            "{:<width$}  forged {}; rejected: {}; fake entries in views: peak {}, end {}; held while paused {}",
            "attacks",
            group(a.forged),
            if rejected.is_empty() { "none".to_string() } else { rejected.join(", ") },
            group(a.fake_entries_peak),
            group(a.fake_entries_end),
            group(a.held_while_paused)
        );
        if a.pauses > 0 {
            let _ = write!(out, "; pauses {}", group(a.pauses));
        }
        if !a.nemesis_faults.is_empty() {
            let kinds: Vec<String> = a
                .nemesis_faults
                .iter()
                .map(|(kind, n)| format!("{kind} {}", group(*n)))
                .collect();
            let _ = write!(
                out,
                "; nemesis faults {} ({})",
                group(a.nemesis_total()),
                kinds.join(", ")
            );
        }
        out.push('\n');
    }
    for note in &outcome.notes {
        let _ = writeln!(out, "{:<width$}  {note}", "note");
    }
    if let Some(stop) = &outcome.stopped {
        let _ = writeln!(
            out,
            "!! the run stopped at {} ({} = {} passed {}); the numbers above cover only that part",
            secs(stop.at_ms),
            stop.limit,
            group(stop.value),
            group(stop.limit_value)
        );
    }
    out
}
