//! The daemon's log output: a writer that can neither block the node nor kill it.
//!
//! Each log line goes into a bounded queue that one thread writes to stderr. When nobody reads
//! stderr (a full pipe), the queue fills and further lines are dropped and counted instead of
//! blocking the node's loop, so SIGTERM still ends it at once and memory stays bounded; when
//! the reader is gone (EPIPE, `pekonode node … | head -1`), logging ends and the node runs on.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;

use tracing_subscriber::fmt::MakeWriter;

/// Lines waiting for stderr at most: a burst fits, a stalled reader costs at most this many
/// lines of memory.
const QUEUE_LINES: usize = 1_024;

/// A handle to the log queue (cheap to clone).
#[derive(Clone)]
pub struct LogPipe {
    tx: SyncSender<Vec<u8>>,
    dropped: Arc<AtomicU64>,
    /// Lines queued and not yet written (or given up on).
    pending: Arc<AtomicU64>,
}

impl LogPipe {
    /// Starts the thread that writes queued lines to stderr.
    pub fn stderr() -> LogPipe {
        let (tx, rx) = sync_channel::<Vec<u8>>(QUEUE_LINES);
        let dropped = Arc::new(AtomicU64::new(0));
        let pending = Arc::new(AtomicU64::new(0));
        let lost = Arc::clone(&dropped);
        let left = Arc::clone(&pending);
        // Detached: at exit the process ends it, even if it is stuck writing to a full pipe.
        let spawned = std::thread::Builder::new()
            .name("log".into())
            .spawn(move || {
                let mut err = std::io::stderr();
                let mut closed = false;
                for line in rx {
                    // The reader gone (EPIPE), lines are counted as dropped, never written.
                    closed = closed || err.write_all(&line).is_err();
                    if closed {
                        lost.fetch_add(1, Ordering::Relaxed);
                    }
                    left.fetch_sub(1, Ordering::Relaxed);
                }
            });
        if spawned.is_err() {
            // No thread, no log: every line will count as dropped.
            dropped.fetch_add(1, Ordering::Relaxed);
        }
        LogPipe {
            tx,
            dropped,
            pending,
        }
    }

    /// Waits until the queued lines are written, at most `limit` (a stderr nobody reads must
    /// not keep the process from exiting).
    pub fn flush_for(&self, limit: std::time::Duration) {
        let deadline = std::time::Instant::now() + limit;
        while self.pending.load(Ordering::Relaxed) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Lines dropped so far (queue full, or stderr closed).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// One log line being formatted; queued (or dropped) when tracing is done with it.
pub struct Line {
    buf: Vec<u8>,
    pipe: LogPipe,
}

impl Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        self.pipe.pending.fetch_add(1, Ordering::Relaxed);
        match self.pipe.tx.try_send(std::mem::take(&mut self.buf)) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.pipe.pending.fetch_sub(1, Ordering::Relaxed);
                self.pipe.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

impl<'a> MakeWriter<'a> for LogPipe {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line {
            buf: Vec::new(),
            pipe: self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_and_counts_instead_of_blocking() {
        let (tx, _rx) = sync_channel::<Vec<u8>>(2);
        let pipe = LogPipe {
            tx,
            dropped: Arc::new(AtomicU64::new(0)),
            pending: Arc::new(AtomicU64::new(0)),
        };
        for _ in 0..5 {
            let mut line = pipe.make_writer();
            line.write_all(b"x\n").unwrap();
        }
        assert_eq!(pipe.dropped(), 3);
    }
}
