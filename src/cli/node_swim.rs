//! `pekonode node --protocol swim`: one SWIM node (foca, through the seam runtime) on a real
//! UDP socket as a daemon, logging membership changes one line each until SIGINT or SIGTERM.
//!
//! SWIM datagrams are not authenticated: anyone who can reach the port can join or lie about
//! members. The options of PekoNode's sealing and trust rules mean nothing here and are
//! refused rather than silently ignored.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use pekonode::protocol::{ChaCha8Rng, Event, Forwarding, SeedableRng};
use pekonode::scenario::OrAuto;
use pekonode::swim::{Swim, SwimConfig};
use pekonode::udp::{SeamConfig, SeamNode};
use tracing::{debug, info, warn};

use super::node::{init_logging, split_host_port, NodeArgs};
use super::signals::Signals;

/// The options that only mean something for PekoNode, as given.
fn pekonode_only(args: &NodeArgs) -> Vec<&'static str> {
    let given = [
        (args.keyring.is_some(), "--keyring"),
        (!args.secret_key.is_empty(), "--secret-key"),
        (args.compat, "--compat"),
        (args.hardened, "--hardened"),
        (args.rejoin.is_some(), "--rejoin"),
        (args.advertise.is_some(), "--advertise"),
        (!args.private_data.is_empty(), "--private-data"),
        (args.forwarding != Forwarding::FirstCopy, "--forwarding"),
        (args.amount != OrAuto::Value(3), "--amount"),
        (args.nodes.is_some(), "--nodes"),
        (args.buffer != 0, "--buffer"),
        (args.size != pekonode::protocol::DEFAULT_SIZE, "--size"),
        (matches!(args.timeout, Some(OrAuto::Auto)), "--timeout auto"),
    ];
    given.iter().filter(|(g, _)| *g).map(|(_, n)| *n).collect()
}

/// The first address `text` (HOST:PORT) names.
fn resolve(text: &str, what: &str) -> anyhow::Result<SocketAddr> {
    let (host, port) = split_host_port(text).with_context(|| format!("bad {what} {text:?}"))?;
    (host, port)
        .to_socket_addrs()
        .with_context(|| format!("bad {what} {text:?}"))?
        .next()
        .with_context(|| format!("bad {what} {text:?}: no address"))
}

/// The wall clock in Unix ns (0 before 1970).
fn wall_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Runs a SWIM node until SIGINT or SIGTERM.
pub fn run(args: &NodeArgs) -> anyhow::Result<()> {
    let log = init_logging(args.log_format, args.log_level);
    let refused = pekonode_only(args);
    if !refused.is_empty() {
        bail!(
            "{} only apply to --protocol pekonode (SWIM datagrams are not authenticated and \
             SWIM has no such setting)",
            refused.join(", ")
        );
    }
    let listen = resolve(&args.listen, "--listen")?;
    let mut contacts = Vec::new();
    for join in &args.join {
        let addr = resolve(join, "--join")?;
        if addr.port() == 0 {
            bail!("bad --join {join:?}: port 0 names no node");
        }
        contacts.push(addr);
    }
    let cycle = args.cycle.unwrap_or(pekonode::protocol::DEFAULT_CYCLE);
    let timeout = match args.timeout {
        Some(OrAuto::Value(t)) => t,
        _ => Duration::ZERO,
    };
    let swim = SwimConfig::matching(cycle, timeout);
    swim.validate().context("bad SWIM settings")?;
    // A restarted daemon must not come back under the identity the others declared down:
    // its life is the wall clock's seconds (a restart within the same second is the rare loss).
    let bump = (wall_nanos() / 1_000_000_000) as u16;
    let seed = wall_nanos() as u64;
    let seam = SeamConfig {
        listen,
        max_packet: swim.max_packet_size,
        drop_probability: 0.0,
        seed,
    };
    let signals = Signals::install().context("cannot install the signal handlers")?;
    let probe = swim.probe_period;
    let suspicion = swim.suspect_to_down;
    let mut node = SeamNode::spawn(&seam, |addr| {
        Swim::new(addr, bump, swim, ChaCha8Rng::seed_from_u64(seed))
    })?;
    let events = node.events().context("the node's events")?;
    info!(
        listen = %node.local(),
        name = %super::node::escaped(&args.name),
        protocol = "swim",
        probe_period = ?probe,
        suspect_to_down = ?suspicion,
        bump,
        wire = "unauthenticated",
        "listening"
    );
    node.join(&contacts);
    if let Some(text) = &args.publish {
        node.publish(wall_nanos(), text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot publish --publish: {e}"))?;
    }
    let mut rejected = 0u64;
    let mut next_stats = Instant::now() + Duration::from_secs(1);
    while !signals.stop_requested() {
        // SIGHUP reloads a keyring; SWIM has none, and a reload never stops the node.
        let _ = signals.take_reload();
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(Event::PacketRejected { .. }) => rejected += 1,
            Ok(Event::MemberJoined(n)) => info!(node = %n.id, "member joined"),
            Ok(Event::MemberUpdated(n)) => info!(node = %n.id, "member updated"),
            Ok(Event::MemberExpired(id)) => info!(node = %id, "member expired"),
            Ok(Event::MetadataChanged { version }) => info!(version, "metadata changed"),
            Ok(other) => debug!(event = ?other, "event"),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= next_stats {
            next_stats = Instant::now() + Duration::from_secs(1);
            if rejected > 0 {
                warn!(count = rejected, "packets rejected in the last second");
                rejected = 0;
            }
            let stats = node.stats();
            debug!(
                received = stats.received,
                sent = stats.sent,
                send_errors = stats.send_errors,
                members = node.members(),
                "stats"
            );
        }
    }
    info!("signal received, stopping");
    node.leave();
    info!("stopped");
    log.flush_for(Duration::from_secs(1));
    Ok(())
}
