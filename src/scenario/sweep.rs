//! Parameter sweeps: a scenario run at every point of a grid over one or two parameters, with
//! several seeds per point (`pekonode sweep`). The types of the `sweep` block; its checks and
//! the scenario of one point, which need the whole scenario, are in `sweep_points.rs`.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::protocol::Forwarding;

use super::foreign::ForwardingSchema;
use super::metric::Metric;

/// Most points a sweep may have (product of the axes' lengths).
pub const MAX_SWEEP_POINTS: usize = 1_000;
/// Most runs a sweep may make (points × seeds).
pub const MAX_SWEEP_RUNS: u64 = 20_000;

/// A sweep over one or two parameters (the `sweep` block of a scenario).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// One or two axes, e.g. `[{"nodes": [4, 7, 10]}, {"forwarding": ["faithful", "first-copy"]}]`.
    /// The first axis is the x axis of the charts; a second one gives one curve per value.
    pub axes: Vec<SweepAxis>,
    /// Seeds per point (seed, seed + 1, …). Default: the scenario's `seeds` (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds: Option<u32>,
    /// The metrics charted (all metrics go to the table). Default: datagrams per heartbeat,
    /// coverage, convergence time and false removals.
    #[serde(default = "default_metrics")]
    pub metrics: Vec<Metric>,
    /// Metrics charted on a logarithmic y axis.
    #[serde(default)]
    pub log_y: Vec<Metric>,
    /// Draw the x axis (the first axis) on a logarithmic scale. Default false.
    #[serde(default)]
    pub log_x: bool,
    /// Reference values drawn on the charts (e.g. measurements of Go nodes, a formula).
    #[serde(default)]
    pub references: Vec<Reference>,
}

fn default_metrics() -> Vec<Metric> {
    vec![
        Metric::DatagramsPerHeartbeat,
        Metric::Coverage,
        Metric::ConvergenceMs,
        Metric::FalseRemovals,
    ]
}

/// One swept parameter and its values, e.g. `{"nodes": [4, 7, 10]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SweepAxis {
    /// `nodes.count` (only for generated nodes, `{"count": N, ...}`).
    Nodes(Vec<u32>),
    /// `protocol.amount` (fan-out).
    Amount(Vec<u32>),
    /// `network.loss`.
    Loss(Vec<f64>),
    /// `protocol.forwarding`.
    Forwarding(#[schemars(with = "Vec<ForwardingSchema>")] Vec<Forwarding>),
    /// `protocol.cycle_ms`.
    CycleMs(Vec<u64>),
    /// `protocol.timeout_ms`.
    TimeoutMs(Vec<u64>),
    /// The protocol the nodes run, for comparisons on one scenario: `"pekonode"` (the file's
    /// own protocol block, as PekoNode), `"pekonode-hardened"` (the same with every trust rule
    /// and the rejoin of the hardened profile) or `"swim"` (SWIM, knobs matched to the block's
    /// cycle and timeout).
    Protocol(Vec<ProtocolChoice>),
}

/// A protocol a sweep compares (a value of the `protocol` axis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolChoice {
    /// PekoNode with the file's protocol block.
    Pekonode,
    /// PekoNode with the file's block plus the hardened profile's trust rules and rejoin.
    PekonodeHardened,
    /// SWIM through foca, its knobs matched to the block's cycle and timeout.
    Swim,
}

impl ProtocolChoice {
    /// The name in files and legends.
    pub fn name(self) -> &'static str {
        match self {
            ProtocolChoice::Pekonode => "pekonode",
            ProtocolChoice::PekonodeHardened => "pekonode-hardened",
            ProtocolChoice::Swim => "swim",
        }
    }
}

/// Reference points drawn on one metric's chart, as markers or a dashed line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Legend label, e.g. `Go PekoNode v1.0.8, measured`.
    pub label: String,
    /// The chart it belongs on (must be one of `metrics`).
    pub metric: Metric,
    /// `[x, y]` pairs, x in the first axis' unit.
    pub points: Vec<[f64; 2]>,
    /// Join the points with a dashed line instead of drawing markers. Default false.
    #[serde(default)]
    pub line: bool,
}

/// One value of one axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AxisValue {
    /// An integer parameter (nodes, amount, cycle, timeout).
    Int(u64),
    /// A fractional parameter (loss).
    Float(f64),
    /// A forwarding rule.
    Forwarding(Forwarding),
    /// A protocol.
    Protocol(ProtocolChoice),
}

impl AxisValue {
    /// The value as a number for charts; forwarding rules are 0 (faithful) and 1 (first-copy).
    pub fn as_f64(self) -> f64 {
        match self {
            AxisValue::Int(v) => v as f64,
            AxisValue::Float(v) => v,
            AxisValue::Forwarding(Forwarding::Faithful) => 0.0,
            AxisValue::Forwarding(Forwarding::FirstCopy) => 1.0,
            AxisValue::Protocol(p) => p as u8 as f64,
        }
    }
}

impl fmt::Display for AxisValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AxisValue::Int(v) => write!(f, "{v}"),
            AxisValue::Float(v) => write!(f, "{v}"),
            AxisValue::Forwarding(Forwarding::Faithful) => f.write_str("faithful"),
            AxisValue::Forwarding(Forwarding::FirstCopy) => f.write_str("first-copy"),
            AxisValue::Protocol(p) => f.write_str(p.name()),
        }
    }
}

impl SweepAxis {
    /// The parameter's name, as in the file (`nodes`, `amount`, `loss`, ...).
    pub fn param(&self) -> &'static str {
        match self {
            SweepAxis::Nodes(_) => "nodes",
            SweepAxis::Amount(_) => "amount",
            SweepAxis::Loss(_) => "loss",
            SweepAxis::Forwarding(_) => "forwarding",
            SweepAxis::CycleMs(_) => "cycle_ms",
            SweepAxis::TimeoutMs(_) => "timeout_ms",
            SweepAxis::Protocol(_) => "protocol",
        }
    }

    /// Its values, in file order.
    pub fn values(&self) -> Vec<AxisValue> {
        match self {
            SweepAxis::Nodes(v) | SweepAxis::Amount(v) => {
                v.iter().map(|&x| AxisValue::Int(x.into())).collect()
            }
            SweepAxis::CycleMs(v) | SweepAxis::TimeoutMs(v) => {
                v.iter().map(|&x| AxisValue::Int(x)).collect()
            }
            SweepAxis::Loss(v) => v.iter().map(|&x| AxisValue::Float(x)).collect(),
            SweepAxis::Forwarding(v) => v.iter().map(|&x| AxisValue::Forwarding(x)).collect(),
            SweepAxis::Protocol(v) => v.iter().map(|&x| AxisValue::Protocol(x)).collect(),
        }
    }

    /// Whether the values are numbers (forwarding and protocol axes are categorical).
    pub fn is_numeric(&self) -> bool {
        !matches!(self, SweepAxis::Forwarding(_) | SweepAxis::Protocol(_))
    }

    /// How many values the axis has.
    pub(super) fn len(&self) -> usize {
        self.values().len()
    }
}

impl SweepSpec {
    /// Every point of the grid as one index per axis, the last axis varying fastest.
    pub fn points(&self) -> Vec<Vec<usize>> {
        let mut points = vec![Vec::new()];
        for axis in &self.axes {
            points = points
                .into_iter()
                .flat_map(|p| {
                    (0..axis.len()).map(move |i| {
                        let mut q = p.clone();
                        q.push(i);
                        q
                    })
                })
                .collect();
        }
        points
    }

    /// The values of a point given as indexes.
    pub fn values_at(&self, point: &[usize]) -> Vec<AxisValue> {
        self.axes
            .iter()
            .zip(point)
            .filter_map(|(a, &i)| a.values().get(i).copied())
            .collect()
    }

    /// `nodes = 4, forwarding = faithful`.
    pub fn label(&self, point: &[usize]) -> String {
        self.axes
            .iter()
            .zip(self.values_at(point))
            .map(|(a, v)| format!("{} = {v}", a.param()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
