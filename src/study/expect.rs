//! Checking a scenario's `expect` block against the outcomes of its seeds (`pekonode check`).

use std::fmt;

use crate::run::Outcome;
use crate::scenario::Scenario;

/// One expectation a run did not meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The scenario's name.
    pub scenario: String,
    /// The seed of the run; `None` for an expectation over all seeds (`converged_share`).
    pub seed: Option<u64>,
    /// The expectation's name in the file (`converged_by_ms`, `min_coverage`, ...), or
    /// `explosion_guard` when the guard stopped the run.
    pub metric: &'static str,
    /// What was expected, for people.
    pub expected: String,
    /// What was measured, for people.
    pub measured: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seed = match self.seed {
            Some(s) => format!("seed {s}"),
            None => "all seeds".to_string(),
        };
        write!(
            f,
            "FAIL {}: {seed}: {}: expected {}, measured {}",
            self.scenario, self.metric, self.expected, self.measured
        )
    }
}

/// How many expectations the scenario declares (0 without an `expect` block).
pub fn count(scenario: &Scenario) -> usize {
    let Some(e) = scenario.expect() else {
        return 0;
    };
    [
        e.converged_by_ms.is_some(),
        e.no_false_removals,
        e.max_false_removals.is_some(),
        e.crash_detected_within_ms.is_some(),
        e.metadata_everywhere_within_ms.is_some(),
        e.max_packets_per_heartbeat.is_some(),
        e.max_datagrams_per_heartbeat.is_some(),
        e.min_coverage.is_some(),
        e.reconverged_within_ms.is_some(),
        e.max_final_converged_fraction.is_some(),
        e.min_final_converged_fraction.is_some(),
    ]
    .iter()
    .filter(|&&b| b)
    .count()
}

fn secs(ms: f64) -> String {
    format!("{:.3} s", ms / 1000.0)
}

/// Every failed expectation of `scenario` over `outcomes` (one per seed, in seed order), in
/// seed order then expectation order. Empty when all hold (or nothing is expected). A run the
/// explosion guard stopped always fails.
pub fn check(scenario: &Scenario, outcomes: &[Outcome]) -> Vec<Failure> {
    let mut failures = Vec::new();
    let name = scenario.name().to_string();
    let Some(e) = scenario.expect() else {
        return failures;
    };
    let share = e.converged_share.unwrap_or(1.0);
    let mut late: Vec<(u64, String)> = Vec::new();
    for o in outcomes {
        let mut fail = |metric: &'static str, expected: String, measured: String| {
            failures.push(Failure {
                scenario: name.clone(),
                seed: Some(o.seed),
                metric,
                expected,
                measured,
            });
        };
        if let Some(stop) = &o.stopped {
            fail("explosion_guard", "no stop".into(), stop.message.clone());
        }
        if let Some(by) = e.converged_by_ms {
            let at = o.convergence.first_converged_ms;
            if at.is_none_or(|t| t > by as f64) {
                let measured = match at {
                    Some(t) => format!("converged at {}", secs(t)),
                    None => format!(
                        "never converged (final converged fraction {:.4})",
                        o.convergence.final_fraction
                    ),
                };
                late.push((o.seed, measured));
            }
        }
        if let Some(within) = e.reconverged_within_ms {
            let last = o.convergence.after_events.last();
            let took = last.and_then(|a| a.converged_after_ms);
            if took.is_none_or(|t| t > within as f64) {
                let measured = match (last, took) {
                    (Some(a), Some(t)) => {
                        format!("{} after {} at {}", secs(t), a.label, secs(a.at_ms))
                    }
                    (Some(a), None) => format!(
                        "never after {} (final converged fraction {:.4})",
                        a.label, o.convergence.final_fraction
                    ),
                    (None, _) => "no event was recorded".to_string(),
                };
                fail(
                    "reconverged_within_ms",
                    format!("within {} of the last event", secs(within as f64)),
                    measured,
                );
            }
        }
        if let Some(max) = e.max_final_converged_fraction {
            let f = o.convergence.final_fraction;
            if f > max {
                fail(
                    "max_final_converged_fraction",
                    format!("≤ {max} (still split at the end)"),
                    format!("{f:.4}"),
                );
            }
        }
        if let Some(min) = e.min_final_converged_fraction {
            let f = o.convergence.final_fraction;
            if f < min {
                fail(
                    "min_final_converged_fraction",
                    format!("≥ {min} at the end"),
                    format!("{f:.4}"),
                );
            }
        }
        if e.no_false_removals && o.false_removals > 0 {
            fail(
                "no_false_removals",
                "0 false removals".into(),
                o.false_removals.to_string(),
            );
        }
        if let Some(max) = e.max_false_removals {
            if o.false_removals > max {
                fail(
                    "max_false_removals",
                    format!("≤ {max}"),
                    o.false_removals.to_string(),
                );
            }
        }
        if let Some(within) = e.crash_detected_within_ms {
            for d in &o.failure_detection {
                let late = d.all_removed_after_ms.is_none_or(|t| t > within as f64);
                if late {
                    let measured = match d.all_removed_after_ms {
                        Some(t) => {
                            format!("{} ({} {} at {})", secs(t), d.cause, d.node, secs(d.at_ms))
                        }
                        None => format!(
                            "never removed by every up node ({} {} at {})",
                            d.cause,
                            d.node,
                            secs(d.at_ms)
                        ),
                    };
                    fail(
                        "crash_detected_within_ms",
                        format!("≤ {}", secs(within as f64)),
                        measured,
                    );
                }
            }
        }
        if let Some(within) = e.metadata_everywhere_within_ms {
            for m in &o.metadata {
                if m.everywhere_after_ms.is_none_or(|t| t > within as f64) {
                    let measured = match m.everywhere_after_ms {
                        Some(t) => {
                            format!("{} (publish by {} at {})", secs(t), m.node, secs(m.at_ms))
                        }
                        None => format!(
                            "never everywhere (publish by {} at {})",
                            m.node,
                            secs(m.at_ms)
                        ),
                    };
                    fail(
                        "metadata_everywhere_within_ms",
                        format!("≤ {}", secs(within as f64)),
                        measured,
                    );
                }
            }
        }
        let t = &o.traffic;
        if let Some(max) = e.max_packets_per_heartbeat {
            if t.packets_per_heartbeat > max {
                fail(
                    "max_packets_per_heartbeat",
                    format!("≤ {max}"),
                    format!("{:.3}", t.packets_per_heartbeat),
                );
            }
        }
        if let Some(max) = e.max_datagrams_per_heartbeat {
            if t.datagrams_per_heartbeat > max {
                fail(
                    "max_datagrams_per_heartbeat",
                    format!("≤ {max}"),
                    format!("{:.3}", t.datagrams_per_heartbeat),
                );
            }
        }
        if let Some(min) = e.min_coverage {
            let c = &o.infection.coverage;
            if c.count == 0 || c.mean < min {
                let measured = if c.count == 0 {
                    "no heartbeat sampled".to_string()
                } else {
                    format!("{:.6} (worst heartbeat {:.4})", c.mean, c.min)
                };
                fail("min_coverage", format!("mean ≥ {min}"), measured);
            }
        }
    }
    if let Some(by) = e.converged_by_ms {
        let expected = format!("converged by {}", secs(by as f64));
        if share >= 1.0 {
            for (seed, measured) in late {
                failures.push(Failure {
                    scenario: name.clone(),
                    seed: Some(seed),
                    metric: "converged_by_ms",
                    expected: expected.clone(),
                    measured,
                });
            }
        } else if !outcomes.is_empty() {
            let met = outcomes.len() - late.len();
            let got = met as f64 / outcomes.len() as f64;
            if got < share {
                let seeds: Vec<String> = late.iter().take(10).map(|(s, _)| s.to_string()).collect();
                failures.push(Failure {
                    scenario: name.clone(),
                    seed: None,
                    metric: "converged_by_ms",
                    expected: format!("{expected} in ≥ {:.1} % of seeds", share * 100.0),
                    measured: format!(
                        "{:.1} % ({met} of {}); late or never: seeds {}",
                        got * 100.0,
                        outcomes.len(),
                        seeds.join(", ")
                    ),
                });
            }
        }
    }
    failures
}
