//! A sweep against the scenario it belongs to: the scenario of one point, and the checks of
//! the `sweep` block that need the rest of the file. Apart from `sweep.rs` because the
//! scenario's schema holds a `SweepSpec`, and these read that schema.

use super::checker::Checker;
use super::nodes::NodesSpec;
use super::or_auto::OrAuto;
use super::schema::{ScenarioSpec, TrustSpec};
use super::sweep::{ProtocolChoice, SweepAxis, SweepSpec, MAX_SWEEP_POINTS, MAX_SWEEP_RUNS};
use super::swim_spec::ProtocolName;

impl SweepAxis {
    /// Sets this parameter to its `index`-th value in `spec`.
    fn apply(&self, spec: &mut ScenarioSpec, index: usize) {
        match self {
            SweepAxis::Nodes(v) => {
                if let NodesSpec::Generated(g) = &mut spec.nodes {
                    g.count = v[index];
                }
            }
            SweepAxis::Amount(v) => spec.protocol.amount = OrAuto::Value(v[index]),
            SweepAxis::Loss(v) => spec.network.loss = v[index],
            SweepAxis::Forwarding(v) => spec.protocol.forwarding = v[index],
            SweepAxis::CycleMs(v) => spec.protocol.cycle_ms = v[index],
            SweepAxis::TimeoutMs(v) => spec.protocol.timeout_ms = OrAuto::Value(v[index]),
            SweepAxis::Protocol(v) => match v[index] {
                ProtocolChoice::Pekonode => spec.protocol.kind = ProtocolName::Pekonode,
                ProtocolChoice::PekonodeHardened => {
                    let hardened = crate::protocol::Config::hardened();
                    spec.protocol.kind = ProtocolName::Pekonode;
                    spec.protocol.trust = TrustSpec::of(hardened.trust);
                    if spec.protocol.rejoin_ms == 0 {
                        spec.protocol.rejoin_ms = hardened.rejoin.as_millis() as u64;
                    }
                }
                ProtocolChoice::Swim => spec.protocol.kind = ProtocolName::Swim,
            },
        }
    }
}

/// The spec of one point: the base spec with the point's values, without its sweep.
pub(super) fn point_spec(base: &ScenarioSpec, sweep: &SweepSpec, point: &[usize]) -> ScenarioSpec {
    let mut spec = base.clone();
    spec.sweep = None;
    for (axis, &i) in sweep.axes.iter().zip(point) {
        axis.apply(&mut spec, i);
    }
    spec
}

/// Checks the sweep's shape; true when it is sound and small enough for the validator to
/// check the scenario of every point next.
pub(super) fn check(ck: &mut Checker, spec: &ScenarioSpec, sweep: &SweepSpec) -> bool {
    let before = ck.count();
    if !(1..=2).contains(&sweep.axes.len()) {
        ck.err(
            "sweep.axes",
            format!(
                "{} axes given; a sweep has one or two (e.g. [{{\"nodes\": [4, 8]}}, {{\"forwarding\": [\"faithful\", \"first-copy\"]}}])",
                sweep.axes.len()
            ),
        );
    }
    if sweep.axes.len() == 2 && sweep.axes[0].param() == sweep.axes[1].param() {
        ck.err(
            "sweep.axes[1]",
            format!(
                "{} is swept twice; use two different parameters",
                sweep.axes[1].param()
            ),
        );
    }
    for (i, axis) in sweep.axes.iter().enumerate() {
        check_axis(ck, spec, &format!("sweep.axes[{i}].{}", axis.param()), axis);
    }
    if sweep.axes.first().is_some_and(|a| !a.is_numeric()) && sweep.log_x {
        ck.err(
            "sweep.log_x",
            "the first axis is not numeric; a log scale needs numbers",
        );
    }
    let points: usize = sweep.axes.iter().map(SweepAxis::len).product();
    let seeds = u64::from(sweep.seeds.or(spec.seeds).unwrap_or(1));
    if points > MAX_SWEEP_POINTS {
        ck.err(
            "sweep.axes",
            format!("{points} points; a sweep has at most {MAX_SWEEP_POINTS}"),
        );
    } else if points as u64 * seeds > MAX_SWEEP_RUNS {
        ck.err(
            "sweep.seeds",
            format!(
                "{points} points × {seeds} seeds = {} runs; at most {MAX_SWEEP_RUNS}",
                points as u64 * seeds
            ),
        );
    }
    if sweep.seeds == Some(0) {
        ck.err("sweep.seeds", "must be at least 1");
    }
    if sweep.metrics.is_empty() {
        ck.err("sweep.metrics", "name at least one metric to chart");
    }
    for (i, m) in sweep.log_y.iter().enumerate() {
        if !sweep.metrics.contains(m) {
            ck.err(
                format!("sweep.log_y[{i}]"),
                format!("{m} is not charted; add it to sweep.metrics"),
            );
        }
    }
    for (i, r) in sweep.references.iter().enumerate() {
        let path = format!("sweep.references[{i}]");
        if !sweep.metrics.contains(&r.metric) {
            ck.err(
                format!("{path}.metric"),
                format!("{} is not charted; add it to sweep.metrics", r.metric),
            );
        }
        for (j, [x, y]) in r.points.iter().enumerate() {
            let log = sweep.log_y.contains(&r.metric);
            if !x.is_finite() || !y.is_finite() || (log && *y <= 0.0) {
                ck.err(
                    format!("{path}.points[{j}]"),
                    format!("[{x}, {y}] is not a point this chart can draw (finite; y > 0 on a log axis)"),
                );
            }
        }
    }
    // Every point must then be a valid scenario: the validator checks them (`validate.rs`
    // calls this file, so this file does not call it back).
    ck.count() == before && points <= MAX_SWEEP_POINTS
}

fn check_axis(ck: &mut Checker, spec: &ScenarioSpec, path: &str, axis: &SweepAxis) {
    let values = axis.values();
    if values.is_empty() {
        ck.err(path, "no values; list at least one");
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            ck.err(format!("{path}[{i}]"), format!("{v} is listed twice"));
        }
    }
    match axis {
        SweepAxis::Nodes(v) => {
            if !matches!(spec.nodes, NodesSpec::Generated(_)) {
                ck.err(
                    path,
                    "only generated nodes ({\"count\": N, ...}) can be swept over; this scenario lists its nodes",
                );
            }
            for (i, &n) in v.iter().enumerate() {
                if n == 0 {
                    ck.err(format!("{path}[{i}]"), "a cluster needs at least 1 node");
                }
            }
        }
        SweepAxis::Amount(v) => {
            for (i, &n) in v.iter().enumerate() {
                if n == 0 {
                    ck.err(
                        format!("{path}[{i}]"),
                        "0 would mean the default (3); sweep over explicit fan-outs ≥ 1",
                    );
                }
            }
        }
        SweepAxis::Loss(v) => {
            for (i, &p) in v.iter().enumerate() {
                ck.probability(&format!("{path}[{i}]"), p);
            }
        }
        SweepAxis::Forwarding(_)
        | SweepAxis::CycleMs(_)
        | SweepAxis::TimeoutMs(_)
        | SweepAxis::Protocol(_) => {}
    }
}
