//! Semantic validation of a parsed scenario: ranges, sizes the machine can hold, and the
//! resolution of defaults. Node and timeline checks are in `timeline.rs`.

use super::error::{Problem, ScenarioError};
use super::resolved::{Protocol, Scenario};
use super::schema::{Expect, Latency, Limits, NetworkSpec, ProtocolSpec, ScenarioSpec};
use super::{table, timeline};
use super::{
    MAX_BUFFER, MAX_DURATION_MS, MAX_IN_FLIGHT, MAX_LATENCY_MS, MAX_NAME_LEN, MAX_NODES,
    MAX_PACKETS_PER_CYCLE, MAX_SAMPLES, MAX_SEEDS, MAX_SIZE,
};

/// At most this many problems are reported; the rest are likely consequences of the first.
const MAX_PROBLEMS: usize = 50;

/// Collects problems with their JSON paths.
#[derive(Default)]
pub(super) struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    /// Records a problem at `path`.
    pub(super) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem::new(path, message));
        }
    }

    /// How many problems were recorded so far.
    pub(super) fn count(&self) -> usize {
        self.problems.len()
    }

    /// Checks that `value` is a probability.
    pub(super) fn probability(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
            self.err(
                path,
                format!("{value} is not a probability; use a number from 0 to 1 (0.01 = 1 %)"),
            );
        }
    }

    /// Checks that `value` is a latency in ms: finite, ≥ 0 and at most [`MAX_LATENCY_MS`].
    fn millis(&mut self, path: String, value: f64) {
        if !(value.is_finite() && (0.0..=MAX_LATENCY_MS).contains(&value)) {
            self.err(
                path,
                format!(
                    "{value} ms is not a latency; use a number of ms from 0 to {MAX_LATENCY_MS}"
                ),
            );
        }
    }

    /// Checks a latency distribution.
    pub(super) fn latency(&mut self, path: &str, latency: &Latency) {
        match *latency {
            Latency::Constant { ms } => self.millis(format!("{path}.constant.ms"), ms),
            Latency::Uniform { min_ms, max_ms } => {
                self.millis(format!("{path}.uniform.min_ms"), min_ms);
                self.millis(format!("{path}.uniform.max_ms"), max_ms);
                if min_ms > max_ms {
                    self.err(
                        format!("{path}.uniform"),
                        format!("min_ms ({min_ms}) is greater than max_ms ({max_ms}); min_ms must be ≤ max_ms"),
                    );
                }
            }
            Latency::Normal {
                mean_ms,
                stddev_ms,
                min_ms,
            } => {
                self.millis(format!("{path}.normal.mean_ms"), mean_ms);
                self.millis(format!("{path}.normal.stddev_ms"), stddev_ms);
                self.millis(format!("{path}.normal.min_ms"), min_ms);
            }
            Latency::Lognormal {
                median_ms,
                sigma,
                min_ms,
            } => {
                self.millis(format!("{path}.lognormal.median_ms"), median_ms);
                self.millis(format!("{path}.lognormal.min_ms"), min_ms);
                if median_ms <= 0.0 {
                    self.err(
                        format!("{path}.lognormal.median_ms"),
                        "the median of a log-normal latency must be > 0 ms",
                    );
                }
                if !(sigma.is_finite() && (0.0..=5.0).contains(&sigma)) {
                    self.err(
                        format!("{path}.lognormal.sigma"),
                        format!("sigma {sigma} is out of range; use a number from 0 to 5"),
                    );
                }
            }
        }
    }

    fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }
}

/// Validates `spec` and resolves it into a [`Scenario`].
pub(super) fn validate(spec: ScenarioSpec, file: &str) -> Result<Scenario, ScenarioError> {
    let mut ck = Checker::default();
    check_name(&mut ck, &spec.name);
    check_times(&mut ck, &spec);
    let protocol = resolve_protocol(&mut ck, &spec.protocol);
    check_network(&mut ck, &spec.network);
    check_limits(&mut ck, &spec.limits);
    // Node and timeline checks need the node table; they run even when the above failed so
    // that one pass reports as much as it can.
    let resolved = timeline::resolve(&mut ck, &spec);
    let links = table::resolve_links(&mut ck, &spec.network, &resolved);
    if let Some(expect) = &spec.expect {
        check_expect(&mut ck, expect, &spec);
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
        super::sweep::check(&mut ck, &spec, sweep);
    }
    match ck.finish() {
        Ok(()) => Ok(Scenario {
            file: file.to_string(),
            protocol,
            node_names: resolved.names,
            initial: resolved.initial,
            events: resolved.events,
            links: links.unwrap_or_default(),
            spec,
        }),
        Err(problems) => Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems,
        }),
    }
}

/// Whether `name` is a safe node or scenario name: 1 to 64 of `A-Z a-z 0-9 _ . -`.
pub(super) fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
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

fn resolve_protocol(ck: &mut Checker, p: &ProtocolSpec) -> Protocol {
    let amount = if p.amount == 0 { 3 } else { p.amount };
    if amount as usize > MAX_NODES {
        ck.err(
            "protocol.amount",
            format!("fan-out {amount} is larger than any cluster; use 0 (= 3) up to {MAX_NODES}"),
        );
    }
    let cycle_ms = if p.cycle_ms == 0 { 6000 } else { p.cycle_ms };
    if cycle_ms > MAX_DURATION_MS {
        ck.err(
            "protocol.cycle_ms",
            format!("{cycle_ms} ms is out of range; use 0 (= 6000) up to {MAX_DURATION_MS}"),
        );
    }
    let buffer = if p.buffer == 0 {
        amount.saturating_mul(3)
    } else {
        p.buffer
    };
    if buffer > MAX_BUFFER {
        ck.err(
            "protocol.buffer",
            format!(
                "a queue of {buffer} packets is too large; use 0 (= 3 × amount) up to {MAX_BUFFER}"
            ),
        );
    }
    let size = if p.size == 0 { 16384 } else { p.size };
    if size > MAX_SIZE {
        ck.err(
            "protocol.size",
            format!("{size} bytes is larger than a UDP datagram; use 0 (= 16384) up to {MAX_SIZE}"),
        );
    }
    let timeout_ms = if p.timeout_ms <= cycle_ms {
        cycle_ms.saturating_mul(3).saturating_add(2000)
    } else {
        p.timeout_ms
    };
    if p.timeout_ms > MAX_DURATION_MS {
        ck.err(
            "protocol.timeout_ms",
            format!(
                "{} ms is out of range; use 0 (= 3 × cycle + 2000) up to {MAX_DURATION_MS}",
                p.timeout_ms
            ),
        );
    }
    Protocol {
        amount,
        cycle_ms,
        buffer,
        size,
        timeout_ms,
        forwarding: p.forwarding,
    }
}

fn check_network(ck: &mut Checker, n: &NetworkSpec) {
    ck.latency("network.latency", &n.latency);
    ck.probability("network.loss", n.loss);
    ck.probability("network.duplicate", n.duplicate);
    for (i, link) in n.links.iter().enumerate() {
        let path = format!("network.links[{i}]");
        if let Some(loss) = link.loss {
            ck.probability(&format!("{path}.loss"), loss);
        }
        if let Some(dup) = link.duplicate {
            ck.probability(&format!("{path}.duplicate"), dup);
        }
        if let Some(latency) = &link.latency {
            ck.latency(&format!("{path}.latency"), latency);
        }
        if link.loss.is_none() && link.latency.is_none() && link.duplicate.is_none() {
            ck.err(
                path,
                "this link rule changes nothing; set loss, latency or duplicate",
            );
        }
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
