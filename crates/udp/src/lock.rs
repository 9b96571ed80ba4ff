//! Locking that survives a panicked holder. Its own file because the runtime, the codec, the
//! address resolver and the node list all lock, and the runtime uses the other two.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, taking the data even if a thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
