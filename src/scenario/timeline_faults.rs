//! Validation of the fault and adversary events (`slow`, `skew`, `forge`, `nemesis`; `pause`
//! and `resume` are checked with the life of their node in `timeline.rs`), each problem at
//! its JSON path.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::run::{Action, Forge, Forgery, Nemesis, NodeIndex, Timed};

use super::checker::Checker;
use super::faults::{ForgeSpec, NemesisSpec, RateSpec, SkewSpec, SlowSpec};
use super::table::Resolved;

/// Most packets one rogue sender may send (`per_sec × for_ms`).
pub const MAX_FORGED: u64 = 1_000_000;
/// Largest rate of a rogue sender, packets a second.
pub const MAX_FORGE_RATE: u32 = 100_000;
/// Largest processing time per packet, in ms.
pub const MAX_SLOW_MS: f64 = 60_000.0;
/// Largest clock skew either way, in ms (10 years).
pub const MAX_SKEW_MS: i64 = 10 * 365 * 24 * 3600 * 1000;
/// Most faults a nemesis may be expected to inject (`for_ms / (mean_interval_ms + fault_ms)`).
pub const MAX_NEMESIS_FAULTS: u64 = 10_000;
/// Longest forged name or private data, in bytes.
const MAX_FORGED_TEXT: usize = 1024;

/// Paused nodes, each with the time a `pause` with `for_ms` resumes it by itself.
pub(super) type Paused = BTreeMap<usize, Option<u64>>;

/// A `pause` of `node` at `t` ms: it must not be paused already; with `for_ms`, its resume
/// goes to `later`.
#[allow(clippy::too_many_arguments)]
pub(super) fn pause(
    ck: &mut Checker,
    r: &Resolved,
    base: &str,
    t: u64,
    node: Option<usize>,
    for_ms: Option<u64>,
    paused: &mut Paused,
    later: &mut Vec<Timed>,
) {
    let Some(i) = node else {
        return;
    };
    let until = for_ms.map(|d| t.saturating_add(d));
    if let Some(prev) = paused.insert(i, until) {
        let since = match prev {
            Some(u) => format!(" (until {u} ms)"),
            None => String::new(),
        };
        ck.err(
            format!("{base}.node"),
            format!("'{}' is already paused{since} at {t} ms", r.names[i]),
        );
    }
    match for_ms {
        Some(0) => ck.err(format!("{base}.for_ms"), "must be at least 1 ms"),
        Some(d) => later.push(Timed {
            at: Duration::from_millis(t.saturating_add(d)),
            action: Action::Resume {
                node: i as NodeIndex,
            },
        }),
        None => {}
    }
}

/// A `resume` of `node` at `t` ms: it must be paused.
pub(super) fn resume(
    ck: &mut Checker,
    r: &Resolved,
    base: &str,
    t: u64,
    node: Option<usize>,
    paused: &mut Paused,
) {
    if let Some(i) = node {
        if paused.remove(&i).is_none() {
            ck.err(
                format!("{base}.node"),
                format!(
                    "resume needs a paused node, but '{}' is not paused at {t} ms",
                    r.names[i]
                ),
            );
        }
    }
}

/// The time per packet of a `slow` event.
pub(super) fn slow(ck: &mut Checker, base: &str, s: &SlowSpec) -> Duration {
    let ms = s.per_packet_ms;
    if !ms.is_finite() || !(0.0..=MAX_SLOW_MS).contains(&ms) {
        ck.err(
            format!("{base}.per_packet_ms"),
            format!("{ms} ms per packet is out of range; use 0 to {MAX_SLOW_MS} (0 restores the network's)"),
        );
        return Duration::ZERO;
    }
    Duration::from_micros((ms * 1000.0).round() as u64)
}

/// The offset of a `skew` event.
pub(super) fn skew(ck: &mut Checker, base: &str, s: &SkewSpec) -> i64 {
    if s.offset_ms.unsigned_abs() > MAX_SKEW_MS as u64 {
        ck.err(
            format!("{base}.offset_ms"),
            format!(
                "{} ms is out of range; a clock may be off by at most {MAX_SKEW_MS} ms (10 years) either way",
                s.offset_ms
            ),
        );
    }
    s.offset_ms
}

/// Checks a span that starts at `t` ms: at least 1 ms, over by the end of the run.
fn span(ck: &mut Checker, path: &str, t: u64, for_ms: u64, duration: u64) -> Duration {
    if for_ms == 0 {
        ck.err(path, "must be at least 1 ms");
    } else if t.saturating_add(for_ms) > duration {
        ck.err(
            path,
            format!(
                "{for_ms} ms from {t} ms ends after the run ({duration} ms); shorten it or start earlier"
            ),
        );
    }
    Duration::from_millis(for_ms)
}

fn rate(ck: &mut Checker, path: &str, r: &RateSpec, t: u64, duration: u64) -> (u32, Duration) {
    rate_of(ck, path, r.per_sec, r.for_ms, t, duration)
}

fn rate_of(
    ck: &mut Checker,
    path: &str,
    per_sec: u32,
    for_ms: u64,
    t: u64,
    duration: u64,
) -> (u32, Duration) {
    if !(1..=MAX_FORGE_RATE).contains(&per_sec) {
        ck.err(
            format!("{path}.per_sec"),
            format!("{per_sec} packets a second is out of range; use 1 to {MAX_FORGE_RATE}"),
        );
    }
    let d = span(ck, &format!("{path}.for_ms"), t, for_ms, duration);
    let total = u64::from(per_sec).saturating_mul(for_ms) / 1000;
    if total > MAX_FORGED {
        ck.err(
            path,
            format!("{total} packets in all; a rogue sender may send at most {MAX_FORGED}"),
        );
    }
    (per_sec, d)
}

fn text(ck: &mut Checker, path: String, value: &str) {
    if value.len() > MAX_FORGED_TEXT {
        ck.err(
            path,
            format!("{} bytes; at most {MAX_FORGED_TEXT}", value.len()),
        );
    }
}

/// The rogue sender of a `forge` event at `t` ms.
pub(super) fn forge(
    ck: &mut Checker,
    r: &Resolved,
    base: &str,
    t: u64,
    duration: u64,
    f: &ForgeSpec,
) -> Option<Forge> {
    let to = r.nodes(ck, &format!("{base}.to"), &f.to, None);
    let given = [
        f.identities.is_some(),
        f.impersonate.is_some(),
        f.version.is_some(),
        f.replay.is_some(),
    ];
    let count = given.iter().filter(|&&g| g).count();
    if count != 1 {
        ck.err(
            base,
            format!(
                "{count} kinds of forgery given; give exactly one of identities, impersonate, version, replay"
            ),
        );
        return None;
    }
    let what = if let Some(i) = &f.identities {
        let (per_sec, span) = rate(ck, &format!("{base}.identities"), i, t, duration);
        Forgery::Identities { per_sec, span }
    } else if let Some(i) = &f.impersonate {
        let path = format!("{base}.impersonate");
        let node = r.node(ck, &format!("{path}.node"), &i.node)?;
        text(ck, format!("{path}.name"), &i.name);
        text(ck, format!("{path}.private_data"), &i.private_data);
        let (per_sec, span) = rate_of(ck, &path, i.per_sec, i.for_ms, t, duration);
        Forgery::Impersonate {
            node: node as NodeIndex,
            name: i.name.clone(),
            private_data: i.private_data.clone(),
            per_sec,
            span,
        }
    } else if let Some(v) = &f.version {
        let path = format!("{base}.version");
        let from = r.node(ck, &format!("{path}.from"), &v.from)?;
        if v.version < 1 {
            ck.err(
                format!("{path}.version"),
                format!(
                    "{} is not a version a publish could have; use 1 or more (Unix ns)",
                    v.version
                ),
            );
        }
        text(ck, format!("{path}.data"), &v.data);
        Forgery::Version {
            from: from as NodeIndex,
            version: v.version,
            data: v.data.as_bytes().to_vec(),
        }
    } else {
        let replay = f.replay.as_ref()?;
        let (per_sec, span) = rate(ck, &format!("{base}.replay"), replay, t, duration);
        Forgery::Replay { per_sec, span }
    };
    Some(Forge { to, what })
}

/// The schedule's shape of a `nemesis` event at `t` ms; `started` are the nodes running by
/// then (its default targets).
pub(super) fn nemesis(
    ck: &mut Checker,
    r: &Resolved,
    base: &str,
    t: u64,
    duration: u64,
    n: &NemesisSpec,
    started: Vec<NodeIndex>,
) -> Nemesis {
    let span = span(ck, &format!("{base}.for_ms"), t, n.for_ms, duration);
    for (field, v) in [
        ("mean_interval_ms", n.mean_interval_ms),
        ("fault_ms", n.fault_ms),
    ] {
        if v == 0 {
            ck.err(format!("{base}.{field}"), "must be at least 1 ms");
        }
    }
    let per_fault = n.mean_interval_ms.saturating_add(n.fault_ms).max(1);
    if n.for_ms / per_fault > MAX_NEMESIS_FAULTS {
        ck.err(
            format!("{base}.mean_interval_ms"),
            format!(
                "about {} faults over {} ms; a nemesis may inject at most {MAX_NEMESIS_FAULTS} (raise mean_interval_ms or fault_ms)",
                n.for_ms / per_fault,
                n.for_ms
            ),
        );
    }
    if n.faults.is_empty() {
        ck.err(
            format!("{base}.faults"),
            "list at least one of partition, crash, pause, loss",
        );
    }
    let mut faults = Vec::with_capacity(n.faults.len());
    for (i, f) in n.faults.iter().enumerate() {
        if n.faults[..i].contains(f) {
            ck.err(
                format!("{base}.faults[{i}]"),
                format!("{:?} is listed twice", f.to_run().name()),
            );
        } else {
            faults.push(f.to_run());
        }
    }
    ck.probability(&format!("{base}.loss"), n.loss);
    let nodes = if n.nodes.is_empty() {
        started
    } else {
        r.nodes(ck, &format!("{base}.nodes"), &n.nodes, None)
    };
    if nodes.len() < 2 {
        ck.err(
            format!("{base}.nodes"),
            format!(
                "a nemesis needs at least 2 nodes to hit ({} {})",
                nodes.len(),
                if n.nodes.is_empty() {
                    "running at its start"
                } else {
                    "listed"
                }
            ),
        );
    }
    Nemesis {
        span,
        mean_interval: Duration::from_millis(n.mean_interval_ms),
        fault: Duration::from_millis(n.fault_ms),
        faults,
        nodes,
        loss: n.loss,
    }
}
