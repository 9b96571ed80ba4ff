//! The `pekonode` command line: a thin clap front end that wires the library's layers together.

mod decode;
mod node;

use clap::{Parser, Subcommand};

/// PekoNode gossip toolkit: a sans-IO protocol core, Go-compatible wire format, and tools.
#[derive(Parser, Debug)]
#[command(name = "pekonode", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decode captured PekoNode datagrams (one JSON packet per file) and print what they say.
    ///
    /// Useful next to Go PekoNode nodes: capture a datagram (e.g. with tcpdump or a recorder
    /// socket), then check whether a Rust node would accept it and how it reads it.
    ///
    /// Example: pekonode decode --secret-key test_key heartbeat.json
    Decode(decode::DecodeArgs),
    /// Run one PekoNode node on a UDP socket until SIGINT or SIGTERM, logging what happens.
    ///
    /// It speaks Go PekoNode's wire format, so it can share a cluster with Go nodes (same
    /// --secret-key; --forwarding faithful to forward exactly as they do).
    #[command(after_long_help = node::EXAMPLES)]
    Node(node::NodeArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Decode(args) => decode::run(args),
        Command::Node(args) => node::run(args),
    }
}
