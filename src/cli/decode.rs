//! `pekonode decode`: read captured datagrams the way a node would.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use pekonode::protocol::PacketKind;
use pekonode::wire::JsonCodec;

/// Arguments of `pekonode decode`.
#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// The cluster's secret key (empty for none); packets with another key are rejected.
    #[arg(long, default_value = "")]
    secret_key: String,
    /// Files holding one datagram each, byte for byte.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Decodes each file and prints one line per datagram; fails if any is rejected.
pub fn run(args: DecodeArgs) -> anyhow::Result<()> {
    let codec = JsonCodec::new(&args.secret_key);
    let mut rejected = 0;
    for path in &args.files {
        // A datagram is never longer than the protocol's size limit.
        let max = pekonode::protocol::MAX_SIZE as u64;
        let bytes = pekonode::files::read_bounded(path, max)
            .with_context(|| format!("cannot read {}", path.display()))?;
        match codec.decode(&bytes) {
            Ok(p) => {
                let kind = match p.kind {
                    PacketKind::Heartbeat => "heartbeat",
                    PacketKind::Update => "update",
                    PacketKind::SwapRequest => "swap-request",
                    PacketKind::SwapReply => "swap-reply",
                };
                let infected: Vec<String> = p.infected.iter().map(|e| e.key()).collect();
                outln!(
                    "{}: {kind} from {} (name {:?}, private data {:?}), infected [{}], metadata version {} ({} bytes)",
                    path.display(),
                    p.node.id,
                    p.node.name(),
                    p.node.private_data(),
                    infected.join(", "),
                    p.metadata.version(),
                    p.metadata.bytes().len(),
                )?;
            }
            Err(e) => {
                rejected += 1;
                errln!("{}: rejected: {e}", path.display());
            }
        }
    }
    if rejected > 0 {
        bail!("{rejected} of {} datagrams rejected", args.files.len());
    }
    Ok(())
}
