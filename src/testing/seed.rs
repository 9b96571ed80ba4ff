//! The seed of a test run: read from `PEKONODE_SEED`, and printed if the test fails.
//!
//! A failing test names its seed so that it can be rerun alone under it. The seed is kept per
//! thread (the test harness runs each test on its own thread) and a panic hook, installed
//! once and chained to the hook already in place, prints it after the panic message.

use std::cell::Cell;
use std::sync::Once;

/// The environment variable that sets the seed of runs whose builder names none.
pub const SEED_VAR: &str = "PEKONODE_SEED";

/// `PEKONODE_SEED` is set but is not an unsigned 64-bit integer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{SEED_VAR}={value:?} is not a seed (an integer from 0 to 18446744073709551615)")]
pub struct SeedError {
    /// What the variable held.
    pub value: String,
}

/// The seed in `PEKONODE_SEED`, `None` when it is unset or empty.
pub fn env_seed() -> Result<Option<u64>, SeedError> {
    match std::env::var_os(SEED_VAR) {
        None => Ok(None),
        Some(raw) => parse(&raw.to_string_lossy()),
    }
}

fn parse(text: &str) -> Result<Option<u64>, SeedError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    trimmed.parse().map(Some).map_err(|_| SeedError {
        value: text.to_owned(),
    })
}

thread_local! {
    /// The seed of the last run this thread played.
    static LAST_SEED: Cell<Option<u64>> = const { Cell::new(None) };
}

static HOOK: Once = Once::new();

/// Remembers `seed` as this thread's, and makes sure a panic on this thread prints it.
pub(crate) fn remember(seed: u64) {
    LAST_SEED.with(|s| s.set(Some(seed)));
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            if let Some(seed) = LAST_SEED.with(Cell::get) {
                eprintln!("pekonode: this test ran seed {seed}; rerun it with {SEED_VAR}={seed}");
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse_and_bad_ones_are_named() {
        assert_eq!(parse("42"), Ok(Some(42)));
        assert_eq!(parse(" 7\n"), Ok(Some(7)));
        assert_eq!(parse(""), Ok(None));
        let err = parse("x1").unwrap_err();
        assert_eq!(err.value, "x1");
        assert!(err.to_string().contains("PEKONODE_SEED=\"x1\""));
        assert!(parse("-1").is_err());
    }
}
