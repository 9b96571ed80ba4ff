//! Huge pages for large runs: the process restarts itself once with glibc's allocator told to
//! back its heap with transparent huge pages.
//!
//! A delivery at 10,000 nodes reads one entry of a 160 kB table among 10,000 of them: with
//! 4 kB pages nearly every such read also misses the TLB and walks the page tables, a second
//! trip to memory. glibc puts each such table in its own small mapping, which the kernel
//! cannot back with 2 MB pages; with `mmap_threshold` raised they come from the heap, and
//! `hugetlb=1` asks for huge pages there (the usual THP mode is `madvise`, so nothing happens
//! unless asked). Measured on 10,000 nodes with full views (docs/performance.md): 11–15 %
//! less time, the same peak memory. Below [`VIEWS_BYTES`] the tables fit the TLB's reach well
//! enough, and a bursty small run holds more memory with the threshold raised, so small runs
//! are left alone.
//!
//! Tunables are read by glibc at start-up only, hence the restart (an `exec` of this very
//! binary with the same arguments; the process id stays). Nothing in a result depends on it.

/// Estimated view memory from which a run restarts with huge pages: 512 MiB, about 5,700
/// nodes with full views.
pub const VIEWS_BYTES: u64 = 512 << 20;

/// What the restart sets.
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432";

/// Set to `off` to keep the allocator as it is (and, set by the restart, marks the child).
const SWITCH: &str = "PEKONODE_HUGE_PAGES";

/// Restarts the process with huge pages if the run's views are estimated at `views_bytes` or
/// more and nothing says otherwise: the user set `GLIBC_TUNABLES` themselves, or
/// `PEKONODE_HUGE_PAGES` (`off`, or set by an earlier restart). Returns only if it did not
/// restart (also when the restart failed: the run goes on without huge pages).
pub fn restart_for(views_bytes: u64) {
    if wanted(views_bytes, |name| std::env::var_os(name).is_some()) {
        restart();
    }
}

/// Whether a run with `views_bytes` of views restarts, `set` telling which variables are set.
fn wanted(views_bytes: u64, set: impl Fn(&str) -> bool) -> bool {
    views_bytes >= VIEWS_BYTES
        && cfg!(all(target_os = "linux", target_env = "gnu"))
        && !set("GLIBC_TUNABLES")
        && !set(SWITCH)
}

#[cfg(unix)]
fn restart() {
    use std::os::unix::process::CommandExt;
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // `exec` returns only on failure; then the run simply goes on here.
    let error = std::process::Command::new(exe)
        .args(args)
        .env("GLIBC_TUNABLES", TUNABLES)
        .env(SWITCH, "on")
        .exec();
    tracing::debug!("no restart with huge pages: {error}");
}

#[cfg(not(unix))]
fn restart() {}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn only_large_runs_restart_and_only_once_and_never_against_the_user() {
        let none = |_: &str| false;
        assert!(wanted(VIEWS_BYTES, none));
        assert!(
            !wanted(VIEWS_BYTES - 1, none),
            "small runs stay as they are"
        );
        assert!(
            !wanted(VIEWS_BYTES, |v| v == SWITCH),
            "off, or already restarted"
        );
        assert!(
            !wanted(VIEWS_BYTES, |v| v == "GLIBC_TUNABLES"),
            "the user's own tunables win"
        );
    }
}
