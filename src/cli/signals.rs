//! The daemon's signals: SIGINT and SIGTERM stop it, SIGHUP asks it to reload and never
//! stops it (so `systemctl reload` keeps the node up).
//!
//! The handlers only set flags; the node's loop reads them at least every 100 ms. A second
//! SIGINT or SIGTERM while the node is stopping ends the process at once (status 1), in case
//! the stop itself hangs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// What the signals received so far ask for.
pub struct Signals {
    stop: Arc<AtomicBool>,
    reload: Arc<AtomicBool>,
}

impl Signals {
    /// Installs the handlers: from now on SIGINT and SIGTERM ask to stop, SIGHUP to reload.
    pub fn install() -> std::io::Result<Signals> {
        let stop = Arc::new(AtomicBool::new(false));
        let reload = Arc::new(AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            // In this order: the first signal sets the flag, a second one finds it set.
            flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))?;
            flag::register(signal, Arc::clone(&stop))?;
        }
        #[cfg(unix)]
        flag::register(signal_hook::consts::SIGHUP, Arc::clone(&reload))?;
        Ok(Signals { stop, reload })
    }

    /// Whether SIGINT or SIGTERM came.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Whether SIGHUP came since the last call (several in a row ask for one reload).
    pub fn take_reload(&self) -> bool {
        self.reload.swap(false, Ordering::SeqCst)
    }
}
