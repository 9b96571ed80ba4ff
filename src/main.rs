//! The `pekonode` binary.

mod cli;

use std::io::Write;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: it panics when stderr is a closed pipe.
            let _ = writeln!(std::io::stderr(), "error: {}", cli::one_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}
