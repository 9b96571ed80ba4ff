//! Semantic validation of a parsed scenario: ranges, sizes the machine can hold, and the
//! resolution into the run's types. Protocol checks are in `protocol.rs`, network checks in
//! `network.rs`, node and timeline checks in `timeline.rs`.

use crate::run::Limits;

use super::checker::{is_safe_name, Checker};
use super::cost::{self, CostEstimate};
use super::error::ScenarioError;
use super::resolved::Scenario;
use super::schema::{Expect, ScenarioSpec};
use super::sweep::SweepSpec;
use super::sweep_points::point_spec;
use super::{network, protocol, swim, table, timeline};
use super::{
    MAX_DURATION_MS, MAX_IN_FLIGHT, MAX_MEMORY_MB, MAX_NAME_LEN, MAX_PACKETS_PER_CYCLE,
    MAX_SAMPLES, MAX_SEEDS,
};

/// Validates `spec` and resolves it into a [`Scenario`].
pub(super) fn validate(spec: ScenarioSpec, file: &str) -> Result<Scenario, ScenarioError> {
    let mut ck = Checker::default();
    check_name(&mut ck, &spec.name);
    check_times(&mut ck, &spec);
    network::check(&mut ck, &spec.network);
    check_limits(&mut ck, &spec.limits);
    // Node and timeline checks need the node table; they run even when the above failed so
    // that one pass reports as much as it can. The protocol comes after: `"auto"` is advised
    // for every node the scenario ever has.
    let resolved = timeline::resolve(&mut ck, &spec);
    let nodes = resolved.names.len();
    let (config, advised) = match protocol::resolve(&mut ck, &spec.protocol, nodes, &spec.network) {
        Some((config, advised)) => (Some(config), advised),
        None => (None, None),
    };
    let kind = swim::resolve(&mut ck, &spec.protocol, config.as_ref());
    let links = table::link_sets(&mut ck, &spec.network, &resolved);
    if let Some(expect) = &spec.expect {
        check_expect(&mut ck, expect, &spec);
        swim::check_expect(&mut ck, &spec.protocol, expect);
    }
    if let Some(seeds) = spec.seeds {
        if !(1..=MAX_SEEDS).contains(&seeds) {
            ck.err(
                "seeds",
                format!("{seeds} seeds is out of range; use 1 to {MAX_SEEDS}"),
            );
        }
    }
    if let Some(sweep) = &spec.sweep {
        if super::sweep_points::check(&mut ck, &spec, sweep) {
            check_points(&mut ck, &spec, sweep);
        }
    }
    // A file that is otherwise valid is refused if it would exhaust the machine.
    if let (0, Some(config)) = (ck.count(), &config) {
        let estimate = CostEstimate::new(
            resolved.names.len() as u64,
            config,
            spec.duration_ms,
            spec.sample_interval_ms,
            &spec.limits,
            resolved.bootstrap,
        );
        cost::check(&mut ck, &estimate, config.forwarding, &spec.limits);
    }
    // `config` and `kind` are `None` only when a problem was recorded, and so are unusable
    // link sets.
    match (ck.finish(), config, kind) {
        (Ok(()), Some(config), Some(protocol)) => Ok(Scenario {
            file: file.to_string(),
            protocol,
            config,
            advised,
            network: network::to_run(&spec.network, links.unwrap_or_default()),
            node_names: resolved.names,
            bootstrap: resolved.bootstrap,
            initial: resolved.initial,
            events: resolved.events,
            spec,
        }),
        (result, _, _) => Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems: result.err().unwrap_or_default(),
        }),
    }
}

/// Every point of a sweep must be a valid scenario; reports where, once per distinct problem
/// (those of the first point that fails).
fn check_points(ck: &mut Checker, spec: &ScenarioSpec, sweep: &SweepSpec) {
    for point in sweep.points() {
        let sub = point_spec(spec, sweep, &point);
        if let Err(ScenarioError::Invalid { problems, .. }) = validate(sub, "") {
            for p in problems {
                ck.err(
                    "sweep.axes",
                    format!(
                        "at the point {}: `{}`: {}",
                        sweep.label(&point),
                        p.path,
                        p.message
                    ),
                );
            }
            return;
        }
    }
}

fn check_name(ck: &mut Checker, name: &str) {
    let starts_well = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    if !is_safe_name(name) || !starts_well {
        ck.err(
            "name",
            format!(
                "{name:?} is not a usable name (it names the report folder); use 1 to {MAX_NAME_LEN} \
                 characters of A-Z a-z 0-9 _ . - starting with a letter or digit"
            ),
        );
    }
}

fn check_times(ck: &mut Checker, spec: &ScenarioSpec) {
    let duration = spec.duration_ms;
    if duration == 0 || duration > MAX_DURATION_MS {
        ck.err(
            "duration_ms",
            format!(
                "{duration} ms is out of range; a run lasts from 1 ms to {MAX_DURATION_MS} ms (7 days) of virtual time"
            ),
        );
    }
    let interval = spec.sample_interval_ms;
    if interval == 0 {
        ck.err("sample_interval_ms", "must be at least 1 ms");
    } else if interval > duration {
        ck.err(
            "sample_interval_ms",
            format!(
                "{interval} ms is longer than the run ({duration} ms); use at most duration_ms"
            ),
        );
    } else if duration / interval > MAX_SAMPLES {
        ck.err(
            "sample_interval_ms",
            format!(
                "{interval} ms gives {} samples over {duration} ms; at most {MAX_SAMPLES} are kept, \
                 so use at least {} ms",
                duration / interval,
                duration.div_ceil(MAX_SAMPLES)
            ),
        );
    }
}

fn check_limits(ck: &mut Checker, l: &Limits) {
    if !(1..=MAX_IN_FLIGHT).contains(&l.max_in_flight) {
        ck.err(
            "limits.max_in_flight",
            format!(
                "{} is out of range; use 1 to {MAX_IN_FLIGHT} packets",
                l.max_in_flight
            ),
        );
    }
    if !(1..=MAX_PACKETS_PER_CYCLE).contains(&l.max_packets_per_cycle) {
        ck.err(
            "limits.max_packets_per_cycle",
            format!(
                "{} is out of range; use 1 to {MAX_PACKETS_PER_CYCLE} packets",
                l.max_packets_per_cycle
            ),
        );
    }
    if !(1..=MAX_MEMORY_MB).contains(&l.max_memory_mb) {
        ck.err(
            "limits.max_memory_mb",
            format!(
                "{} is out of range; use 1 to {MAX_MEMORY_MB} MiB",
                l.max_memory_mb
            ),
        );
    }
}

fn check_expect(ck: &mut Checker, e: &Expect, spec: &ScenarioSpec) {
    use super::events::ActionSpec;
    let has = |pred: fn(&ActionSpec) -> bool| spec.events.iter().any(|ev| pred(&ev.action));
    if let Some(t) = e.converged_by_ms {
        if t > spec.duration_ms {
            ck.err(
                "expect.converged_by_ms",
                format!(
                    "{t} ms is after the end of the run ({} ms)",
                    spec.duration_ms
                ),
            );
        }
    }
    if let Some(t) = e.crash_detected_within_ms {
        if t == 0 {
            ck.err("expect.crash_detected_within_ms", "must be at least 1 ms");
        }
        if !has(|a| matches!(a, ActionSpec::Crash(_) | ActionSpec::Stop(_))) {
            ck.err(
                "expect.crash_detected_within_ms",
                "there is no crash or stop event to detect",
            );
        }
    }
    if let Some(t) = e.metadata_everywhere_within_ms {
        if t == 0 {
            ck.err(
                "expect.metadata_everywhere_within_ms",
                "must be at least 1 ms",
            );
        }
        if !has(|a| matches!(a, ActionSpec::Publish(_))) {
            ck.err(
                "expect.metadata_everywhere_within_ms",
                "there is no publish event to spread",
            );
        }
    }
    if let Some(p) = e.max_packets_per_heartbeat {
        if !(p.is_finite() && p > 0.0) {
            ck.err(
                "expect.max_packets_per_heartbeat",
                format!("{p} is not a packet count; use a number > 0"),
            );
        }
    }
    if let Some(c) = e.min_coverage {
        ck.probability("expect.min_coverage", c);
    }
    if let Some(f) = e.max_final_converged_fraction {
        ck.probability("expect.max_final_converged_fraction", f);
    }
    if let Some(f) = e.min_final_converged_fraction {
        ck.probability("expect.min_final_converged_fraction", f);
    }
    if let Some(t) = e.reconverged_within_ms {
        if t == 0 {
            ck.err("expect.reconverged_within_ms", "must be at least 1 ms");
        }
        if spec.events.is_empty() {
            ck.err(
                "expect.reconverged_within_ms",
                "there is no event to converge after",
            );
        }
    }
    if let Some(share) = e.converged_share {
        ck.probability("expect.converged_share", share);
        if e.converged_by_ms.is_none() {
            ck.err(
                "expect.converged_share",
                "it qualifies converged_by_ms, which is not set",
            );
        }
    }
    if let Some(p) = e.max_datagrams_per_heartbeat {
        if !(p.is_finite() && p > 0.0) {
            ck.err(
                "expect.max_datagrams_per_heartbeat",
                format!("{p} is not a packet count; use a number > 0"),
            );
        }
    }
}
