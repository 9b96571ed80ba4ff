//! Shards: one slice of a study's units for one process of a job array.
//!
//! A study is a fixed, numbered list of units (a sweep: point × seed, point by point and
//! seeds fastest; `run --seeds`: one unit per seed, in seed order). Shard `I` of `N` owns the
//! units `k` with `k mod N = I`, so the same `I/N` runs the same units on any machine, and
//! round robin spreads a sweep's large points over every shard. `I` is 0-based.
//!
//! Where `I` and `N` come from: `--shard I/N`, else the environment of a job array
//! ([`Shard::from_env`]): Slurm (`SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`, with
//! `SLURM_ARRAY_TASK_COUNT` or `MAX − MIN + 1`) or a Kubernetes Indexed Job
//! (`JOB_COMPLETION_INDEX`, with the count given as `--shard-count N`).
//!
//! ```
//! use pekonode::study::shard::Shard;
//! let s: Shard = "1/3".parse()?;
//! assert_eq!(s.units(7), [1, 4]);
//! assert!("3/3".parse::<Shard>().is_err());
//! let env = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
//! let (s, from) = Shard::from_env(env, Some(4))?.expect("an indexed job");
//! assert_eq!((s.index, s.count, from.as_str()), (2, 4, "JOB_COMPLETION_INDEX=2"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

/// Why a shard could not be worked out; one line each, naming the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// `--shard` is not `I/N` with whole numbers.
    #[error("--shard {0:?} is not I/N (I counts from 0: --shard 0/4 … --shard 3/4)")]
    Syntax(String),
    /// A shard count of zero.
    #[error("{0}: the shard count must be at least 1")]
    ZeroCount(String),
    /// An index past the count.
    #[error("{what}: shard index {index} is not below the count {count} (indexes count from 0)")]
    IndexTooLarge {
        /// Where the values came from.
        what: String,
        /// The index.
        index: u64,
        /// The count.
        count: u64,
    },
    /// An environment variable that is not a whole number.
    #[error("{var}={value:?} is not a whole number ≥ 0")]
    BadEnv {
        /// The variable.
        var: String,
        /// Its value.
        value: String,
    },
    /// An index without a count (or a count without an index).
    #[error("{0}")]
    Incomplete(String),
}

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0 … count − 1`.
    pub index: u64,
    /// Shards in all.
    pub count: u64,
}

impl Shard {
    /// Shard `index` of `count`, checked; `what` names where they came from in errors.
    pub fn new(index: u64, count: u64, what: &str) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::ZeroCount(what.to_string()));
        }
        if index >= count {
            return Err(ShardError::IndexTooLarge {
                what: what.to_string(),
                index,
                count,
            });
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `k` is this shard's.
    pub fn owns(&self, k: usize) -> bool {
        k as u64 % self.count == self.index
    }

    /// This shard's units among `0 … total − 1`, in order.
    pub fn units(&self, total: usize) -> Vec<usize> {
        (0..total).filter(|&k| self.owns(k)).collect()
    }

    /// The shard the environment of a job array names, with a note of where it came from
    /// (`SLURM_ARRAY_TASK_ID=3`); `None` outside a job array. `count` is `--shard-count`
    /// (needed for `JOB_COMPLETION_INDEX`, optional for Slurm). `var` reads a variable.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        count: Option<u64>,
    ) -> Result<Option<(Shard, String)>, ShardError> {
        let number = |name: &str| -> Result<Option<u64>, ShardError> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| ShardError::BadEnv {
                        var: name.to_string(),
                        value: v,
                    }),
            }
        };
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let what = format!("JOB_COMPLETION_INDEX={index}");
            let Some(count) = count else {
                return Err(ShardError::Incomplete(format!(
                    "{what} is set but --shard-count is not: pass --shard-count N (the Job's completions)"
                )));
            };
            return Shard::new(index, count, &what).map(|s| Some((s, what)));
        }
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let derived = match (
                number("SLURM_ARRAY_TASK_COUNT")?,
                number("SLURM_ARRAY_TASK_MAX")?,
            ) {
                (Some(n), _) => Some(n),
                (None, Some(max)) if max >= min => Some(max - min + 1),
                _ => None,
            };
            let what = format!("SLURM_ARRAY_TASK_ID={id}");
            let Some(count) = count.or(derived) else {
                return Err(ShardError::Incomplete(format!(
                    "{what} is set without SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN/MAX: pass --shard-count N"
                )));
            };
            let Some(index) = id.checked_sub(min) else {
                return Err(ShardError::Incomplete(format!(
                    "{what} is below SLURM_ARRAY_TASK_MIN={min}"
                )));
            };
            return Shard::new(index, count, &format!("{what} (min {min})"))
                .map(|s| Some((s, what)));
        }
        match count {
            Some(n) => Err(ShardError::Incomplete(format!(
                "--shard-count {n} needs an index: --shard I/{n}, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID"
            ))),
            None => Ok(None),
        }
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(text.to_string());
        let (i, n) = text.split_once('/').ok_or_else(syntax)?;
        let index = i.trim().parse::<u64>().map_err(|_| syntax())?;
        let count = n.trim().parse::<u64>().map_err(|_| syntax())?;
        Shard::new(index, count, &format!("--shard {text}"))
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shards_split_units_round_robin_and_cover_each_once() {
        let mut seen = [0; 10];
        for i in 0..3 {
            for k in Shard::new(i, 3, "t").unwrap().units(10) {
                seen[k] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
        assert!("a/3".parse::<Shard>().is_err());
        assert_eq!(
            "0/0".parse::<Shard>(),
            Err(ShardError::ZeroCount("--shard 0/0".into()))
        );
    }

    #[test]
    fn slurm_arrays_give_index_from_min_and_count_from_max() {
        let e = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "8"),
        ]);
        let (s, _) = Shard::from_env(e, None).unwrap().unwrap();
        assert_eq!((s.index, s.count), (4, 8));
        let bad = env(&[("SLURM_ARRAY_TASK_ID", "x")]);
        assert!(matches!(
            Shard::from_env(bad, None),
            Err(ShardError::BadEnv { .. })
        ));
        assert_eq!(Shard::from_env(env(&[]), None), Ok(None));
        assert!(Shard::from_env(env(&[]), Some(3)).is_err());
    }
}
