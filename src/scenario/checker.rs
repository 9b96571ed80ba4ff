//! The problem collector every scenario check writes to, and the name rule both the scenario
//! and its node table apply. Its own file because every check file uses it and `validate.rs`
//! calls every check file: the collector must import none of them.

use super::error::Problem;
use super::MAX_NAME_LEN;

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

    /// The problems recorded so far, as `at `path`: message` lines (for tests).
    #[cfg(test)]
    pub(super) fn lines(&self) -> Vec<String> {
        self.problems.iter().map(ToString::to_string).collect()
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
                format!(
                    "{} is not a probability; use a number from 0 to 1 (0.01 = 1 %)",
                    crate::advise::shown(value)
                ),
            );
        }
    }

    /// The problems, if any, as the validation's result.
    pub(super) fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
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
