//! How far a metric may move before the golden gate of `pekonode check` calls it a change: a
//! practical effect size (a change big enough to matter), not a significance test. The runs
//! are deterministic, so any change to the code moves some numbers a little; the tolerance says
//! which moves are worth a person's look.
//!
//! Each metric's default is in the metric table (`METRICS` in `metric.rs`); a golden file can
//! override it per scenario (its `tolerance` map, which blessing keeps).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The change allowed around a golden value: the larger of a share of its magnitude
/// (`relative`) and a fixed amount in the metric's unit (`absolute`). Relative suits costs
/// (5 % more packets is 5 % more, at any size), absolute suits fractions (coverage 0.01) and
/// gives counts and times that are often 0 some slack (0 → 1 false removal).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// The allowed change as a share of the golden value's magnitude (0.05: 5 %); 0 if absent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub relative: f64,
    /// The allowed change in the metric's unit, whatever the golden value; 0 if absent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub absolute: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Tolerance {
    /// A share of the golden value (0.05: 5 %).
    pub const fn relative(share: f64) -> Tolerance {
        Tolerance {
            relative: share,
            absolute: 0.0,
        }
    }

    /// A fixed amount in the metric's unit.
    pub const fn absolute(amount: f64) -> Tolerance {
        Tolerance {
            relative: 0.0,
            absolute: amount,
        }
    }

    /// The larger of a share of the golden value and a fixed amount.
    pub const fn either(share: f64, amount: f64) -> Tolerance {
        Tolerance {
            relative: share,
            absolute: amount,
        }
    }

    /// The change allowed around `golden`.
    pub fn allowance(self, golden: f64) -> f64 {
        self.absolute.max(self.relative * golden.abs())
    }

    /// Whether `fresh` is within the tolerance of `golden` (a non-finite value never is).
    pub fn admits(self, golden: f64, fresh: f64) -> bool {
        // Written so that NaN compares false: a value that cannot be compared is a change.
        // The part in a billion keeps a move of exactly the tolerance inside it, whatever the
        // rounding of the subtraction (0.99 − 0.98 is 0.010000000000000009).
        (fresh - golden).abs() <= self.allowance(golden) * (1.0 + 1e-9)
    }

    /// Why this tolerance cannot be used (a negative or non-finite part), if it cannot.
    pub fn problem(self) -> Option<String> {
        for (name, v) in [("relative", self.relative), ("absolute", self.absolute)] {
            if !v.is_finite() || v < 0.0 {
                return Some(format!("{name} must be a finite number ≥ 0, not {v}"));
            }
        }
        None
    }
}

impl fmt::Display for Tolerance {
    /// `±5 %`, `±0.01`, or `±10 % or ±1000` when both parts are set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = format!("±{} %", short(self.relative * 100.0));
        let amount = format!("±{}", short(self.absolute));
        match (self.relative > 0.0, self.absolute > 0.0) {
            (true, true) => write!(f, "{percent} or {amount}"),
            (true, false) => f.write_str(&percent),
            _ => f.write_str(&amount),
        }
    }
}

/// `x` with at most six decimals and no trailing zeros (0.07 × 100 prints 7, not
/// 7.000000000000001).
fn short(x: f64) -> String {
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_tolerance_scales_with_the_golden_value() {
        let t = Tolerance::relative(0.05);
        assert!(t.admits(283.8, 283.8));
        assert!(t.admits(283.8, 297.0), "+4.7 %");
        assert!(t.admits(283.8, 270.0), "−4.9 %");
        assert!(!t.admits(283.8, 300.0), "+5.7 %");
        assert!(!t.admits(283.8, 2931.3), "+933 %");
        assert!(t.admits(0.0, 0.0));
        assert!(!t.admits(0.0, 0.001), "nothing is 5 % of zero");
    }

    #[test]
    fn an_absolute_tolerance_ignores_the_magnitude() {
        let t = Tolerance::absolute(0.01);
        assert!(t.admits(0.98, 0.975));
        assert!(t.admits(0.98, 0.99));
        assert!(!t.admits(0.98, 0.965));
        assert!(!t.admits(0.98, 0.991));
    }

    #[test]
    fn either_part_admits_a_change_so_small_counts_get_slack() {
        let t = Tolerance::either(0.1, 1.0);
        assert!(t.admits(0.0, 1.0), "0 → 1 false removal is within ±1");
        assert!(!t.admits(0.0, 2.0));
        assert!(t.admits(100.0, 109.0), "+9 % of a large count");
        assert!(!t.admits(100.0, 112.0));
    }

    #[test]
    fn a_value_that_cannot_be_compared_is_a_change() {
        let t = Tolerance::either(1.0, 1.0);
        assert!(!t.admits(1.0, f64::NAN));
        assert!(!t.admits(f64::NAN, 1.0));
        assert!(!t.admits(1.0, f64::INFINITY));
    }

    #[test]
    fn negative_or_non_finite_parts_are_refused() {
        assert!(Tolerance::relative(0.05).problem().is_none());
        assert!(Tolerance::relative(-0.05).problem().is_some());
        assert!(Tolerance::absolute(f64::NAN).problem().is_some());
        assert!(Tolerance::either(0.1, f64::INFINITY).problem().is_some());
    }

    #[test]
    fn it_reads_and_writes_the_parts_it_has() {
        let t: Tolerance =
            serde_json::from_str(r#"{"absolute": 3}"#).unwrap_or(Tolerance::relative(9.0));
        assert_eq!(t, Tolerance::absolute(3.0));
        assert_eq!(
            serde_json::to_string(&t).ok().as_deref(),
            Some(r#"{"absolute":3.0}"#)
        );
        assert!(serde_json::from_str::<Tolerance>(r#"{"relativ": 0.1}"#).is_err());
        assert_eq!(Tolerance::relative(0.05).to_string(), "±5 %");
        assert_eq!(Tolerance::either(0.1, 1000.0).to_string(), "±10 % or ±1000");
        assert_eq!(Tolerance::absolute(0.01).to_string(), "±0.01");
        assert_eq!(Tolerance::relative(0.07).to_string(), "±7 %");
    }
}
