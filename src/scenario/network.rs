//! The `network` block: its checks, and the run's [`NetworkSpec`] it becomes.

use std::time::Duration;

use crate::run::{Latency, LinkRule, NetworkSpec, NodeIndex};

use super::checker::Checker;
use super::schema::{LatencySpec, NetworkModelSpec};
use super::MAX_LATENCY_MS;

/// Checks the network-wide values and each link override's values (their node selectors are
/// resolved with the node table, in `table.rs`).
pub(super) fn check(ck: &mut Checker, n: &NetworkModelSpec) {
    check_latency(ck, "network.latency", &n.latency);
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
            check_latency(ck, &format!("{path}.latency"), latency);
        }
        if link.loss.is_none() && link.latency.is_none() && link.duplicate.is_none() {
            ck.err(
                path,
                "this link rule changes nothing; set loss, latency or duplicate",
            );
        }
    }
}

/// Checks that `value` is a latency in ms: finite, ≥ 0 and at most [`MAX_LATENCY_MS`].
fn millis(ck: &mut Checker, path: String, value: f64) {
    if !(value.is_finite() && (0.0..=MAX_LATENCY_MS).contains(&value)) {
        ck.err(
            path,
            format!(
                "{} ms is not a latency; use a number of ms from 0 to {MAX_LATENCY_MS}",
                crate::advise::shown(value)
            ),
        );
    }
}

/// Checks a latency distribution.
fn check_latency(ck: &mut Checker, path: &str, latency: &LatencySpec) {
    match *latency {
        LatencySpec::Constant { ms } => millis(ck, format!("{path}.constant.ms"), ms),
        LatencySpec::Uniform { min_ms, max_ms } => {
            millis(ck, format!("{path}.uniform.min_ms"), min_ms);
            millis(ck, format!("{path}.uniform.max_ms"), max_ms);
            if min_ms > max_ms {
                ck.err(
                    format!("{path}.uniform"),
                    format!("min_ms ({min_ms}) is greater than max_ms ({max_ms}); min_ms must be ≤ max_ms"),
                );
            }
        }
        LatencySpec::Normal {
            mean_ms,
            stddev_ms,
            min_ms,
        } => {
            millis(ck, format!("{path}.normal.mean_ms"), mean_ms);
            millis(ck, format!("{path}.normal.stddev_ms"), stddev_ms);
            millis(ck, format!("{path}.normal.min_ms"), min_ms);
        }
        LatencySpec::Lognormal {
            median_ms,
            sigma,
            min_ms,
        } => {
            millis(ck, format!("{path}.lognormal.median_ms"), median_ms);
            millis(ck, format!("{path}.lognormal.min_ms"), min_ms);
            if median_ms <= 0.0 {
                ck.err(
                    format!("{path}.lognormal.median_ms"),
                    "the median of a log-normal latency must be > 0 ms",
                );
            }
            if !(sigma.is_finite() && (0.0..=5.0).contains(&sigma)) {
                ck.err(
                    format!("{path}.lognormal.sigma"),
                    format!("sigma {sigma} is out of range; use a number from 0 to 5"),
                );
            }
        }
    }
}

/// The run's network model of a block that passed [`check`], with `sets` (senders, receivers)
/// for its link overrides in file order. A `both_ways` override becomes two rules, the
/// written direction first.
pub(super) fn to_run(n: &NetworkModelSpec, sets: Vec<[Vec<NodeIndex>; 2]>) -> NetworkSpec {
    let mut links = Vec::with_capacity(sets.len());
    for (l, [from, to]) in n.links.iter().zip(sets) {
        let rule = |from, to| LinkRule {
            from,
            to,
            loss: l.loss,
            latency: l.latency.as_ref().map(latency),
            duplicate: l.duplicate,
        };
        if l.both_ways {
            links.push(rule(from.clone(), to.clone()));
            links.push(rule(to, from));
        } else {
            links.push(rule(from, to));
        }
    }
    NetworkSpec {
        latency: latency(&n.latency),
        loss: n.loss,
        duplicate: n.duplicate,
        links,
        service_time: Duration::ZERO,
    }
}

/// Fractional milliseconds as a duration (the file allows 0.5 ms latencies).
fn fms(value: f64) -> Duration {
    Duration::from_secs_f64((value / 1_000.0).clamp(0.0, 86_400.0))
}

/// The distribution a latency block describes.
pub(super) fn latency(l: &LatencySpec) -> Latency {
    match *l {
        LatencySpec::Constant { ms } => Latency::Constant(fms(ms)),
        LatencySpec::Uniform { min_ms, max_ms } => Latency::Uniform {
            min: fms(min_ms),
            max: fms(max_ms),
        },
        LatencySpec::Normal {
            mean_ms,
            stddev_ms,
            min_ms,
        } => Latency::Normal {
            mean: fms(mean_ms),
            stddev: fms(stddev_ms),
            min: fms(min_ms),
        },
        LatencySpec::Lognormal {
            median_ms,
            sigma,
            min_ms,
        } => Latency::LogNormal {
            median: fms(median_ms),
            sigma,
            min: fms(min_ms),
        },
    }
}
