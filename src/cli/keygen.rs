//! `pekonode keygen`: a new key for sealed mode.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

/// Options of `pekonode keygen`.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Write a new keyring file holding the key (mode 0600; an existing file is never
    /// overwritten) instead of printing the key. A printed key nobody reads (stdout closed)
    /// is an error, status 1: the key is lost.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Examples shown by `pekonode keygen --help`.
pub const EXAMPLES: &str = "\
Examples:
  pekonode keygen --out cluster.keys          # a new keyring: copy it to every node (chmod 600)
  pekonode node --listen 0.0.0.0:8000 --keyring cluster.keys ...

Rotation without downtime (see docs/security.md):
  1. pekonode keygen >> cluster.keys          # the new key, second: installed, opens only
     (copy the file to every node; each re-reads it within a second)
  2. move the new key to the first line        # every node now seals with it
  3. delete the old line                       # the old key opens nothing any more";

/// Prints a key, or writes a new keyring file.
pub fn run(args: KeygenArgs) -> anyhow::Result<()> {
    let key = pekonode::keys::random_key()?;
    let line = key.to_base64() + "\n";
    match args.out {
        None => std::io::stdout()
            .write_all(line.as_bytes())
            .context("cannot write the key to stdout"),
        Some(path) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(&path)
                .with_context(|| format!("cannot create keyring {}", path.display()))?;
            file.write_all(format!("# pekonode keyring: primary key first\n{line}").as_bytes())
                .with_context(|| format!("cannot write keyring {}", path.display()))?;
            errln!("wrote a new keyring to {} (mode 0600)", path.display());
            Ok(())
        }
    }
}
