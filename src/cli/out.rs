//! Output that survives a closed pipe: `pekonode run … --dump-views | head -1` must not panic.
//!
//! `println!` panics when stdout is a pipe whose reader has gone ("failed printing to
//! stdout"), and `eprintln!` does the same on stderr. The CLI writes through these macros
//! instead. Once stdout's reader has gone (EPIPE), nothing more is written to it and the
//! command finishes its work quietly (files, reports) and exits with the status it would
//! have had; other write errors (a full disk behind `>`) are the command's error. Lines for
//! stderr that cannot be written are dropped.

use std::fmt::Arguments;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout's reader has gone: later output is skipped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `args` to stdout; a closed pipe is not an error (see the module).
pub fn stdout(args: Arguments<'_>) -> io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    // Flushed here, so that a closed pipe is seen at this write, not at exit.
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        result => result,
    }
}

/// Writes `args` to stderr, dropping them if stderr cannot be written.
pub fn stderr(args: Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// `print!` that returns an [`io::Result`] instead of panicking on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::stdout(format_args!($($arg)*))
    };
}

/// `println!` that returns an [`io::Result`] instead of panicking on a closed pipe.
macro_rules! outln {
    () => {
        $crate::cli::out::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that drops the line instead of panicking when stderr is closed.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}
