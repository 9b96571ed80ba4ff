//! A tiny work pool: independent jobs on scoped threads, results in job order.
//!
//! Jobs are whole simulation runs (milliseconds to minutes each), so a shared atomic counter
//! that hands out the next job index is all the scheduling needed; `std::thread::scope` lets
//! the jobs borrow the scenario without `Arc` or `'static` bounds, and no dependency is added.
//! Every job's result is stored by its index, so the output never depends on which thread ran
//! which job, or on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The number of threads to use when none is asked for: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `job(0) … job(jobs − 1)` on up to `threads` threads (at least one) and returns the
/// results in job order.
pub fn map<T: Send>(jobs: usize, threads: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.clamp(1, jobs.max(1));
    if threads == 1 {
        return (0..jobs).map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<T>>> = Mutex::new((0..jobs).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= jobs {
                    break;
                }
                let result = job(k);
                // A poisoned lock means another job panicked; the scope re-raises that panic.
                if let Ok(mut slots) = slots.lock() {
                    slots[k] = Some(result);
                }
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_job_order_whatever_the_thread_count() {
        for threads in [1, 2, 3, 8] {
            let out = super::map(20, threads, |k| k * k);
            assert_eq!(out, (0..20).map(|k| k * k).collect::<Vec<_>>());
        }
        assert!(super::map(0, 4, |k| k).is_empty());
    }
}
