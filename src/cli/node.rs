//! `pekonode node`: one real UDP node as a daemon, logging what happens until a signal.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use pekonode::protocol::{self, Event, Forwarding};

use super::keyring_watch::{self, KeyringWatch};
use super::signals::Signals;
use pekonode::udp::{Config, Node, NodeList};
use tracing::{debug, info, warn};
use tracing_subscriber::filter::LevelFilter;

use super::log_pipe::LogPipe;
use super::node_auto;
use pekonode::scenario::OrAuto;

/// Examples shown by `pekonode node --help`.
pub const EXAMPLES: &str = "\
Examples:
  # A first node on port 8000, and a second one joining through it:
  pekonode node --listen 127.0.0.1:8000 --name A
  pekonode node --listen 127.0.0.1:8001 --name B --join 127.0.0.1:8000

  # Next to Go PekoNode nodes (same secret key; faithful = Go's forwarding rule), with
  # metadata published once joined and JSON log lines (hardened, the default, mixes with
  # Go nodes; --compat behaves exactly as they do):
  pekonode node --listen 0.0.0.0:8002 --advertise 192.0.2.7 --name C \\
      --join 192.0.2.5:8000 --secret-key K --forwarding faithful \\
      --publish 'hello from rust' --log-format json

  # Short cycle for a quick local try (timeout follows Go's rule unless given):
  pekonode node --listen 127.0.0.1:0 --name T --cycle 500ms --timeout 2s --log-level debug

  # SWIM (foca) instead: a probe every half --cycle; SWIM datagrams are NOT authenticated
  # (--keyring, --secret-key and PekoNode's trust options are refused with it):
  pekonode node --protocol swim --listen 127.0.0.1:9000 --name S1 --cycle 1s
  pekonode node --protocol swim --listen 127.0.0.1:9001 --name S2 --join 127.0.0.1:9000

  # Fan-out and timeout for fewer than 1 false removal a day among 200 nodes at 1 % loss
  # (what `pekonode advise --nodes 200 --loss 0.01` gives; logged at start):
  pekonode node --listen 0.0.0.0:8000 --name A --amount auto --timeout auto --nodes 200 --loss 0.01

Hardened by default: every trust rule on and rejoin every 10s (docs/security.md); --compat is
Go PekoNode's exact behaviour. The node logs joins, updates, expiries, metadata changes and rejected packets (with the reason)
to stderr, and stops cleanly (exit status 0) on SIGINT or SIGTERM. SIGHUP re-reads the
--keyring file at once (`systemctl reload`) and never stops the node.";

/// How log lines look.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    /// One readable line per record.
    Human,
    /// One JSON object per line.
    Json,
}

/// Arguments of `pekonode node`.
#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Address and port to listen on, as HOST:PORT ([::1]:8000 for IPv6); port 0 lets the OS
    /// pick one (the "listening" log line tells which).
    #[arg(long, value_name = "HOST:PORT")]
    pub(super) listen: String,
    /// This node's name, announced to the others.
    #[arg(long)]
    pub(super) name: String,
    /// The address announced to other nodes (they send to it); default: the listen host.
    #[arg(long, value_name = "ADDR")]
    pub(super) advertise: Option<String>,
    /// Free-form data announced with this node (Go's PrivateData).
    #[arg(long, default_value = "", value_name = "TEXT")]
    pub(super) private_data: String,
    /// A node of the cluster to join through; repeat for several.
    #[arg(long, value_name = "HOST:PORT")]
    pub(super) join: Vec<String>,
    /// Fan-out: how many nodes each heartbeat is sent to; `auto`: what `pekonode advise` gives
    /// for --nodes, the cycle, --loss and --per-day (first-copy forwarding).
    #[arg(long, default_value = "3", value_parser = node_auto::amount_arg, value_name = "N|auto")]
    pub(super) amount: OrAuto<usize>,
    /// Time between two heartbeats, e.g. 6s or 500ms [default: 6s, Go PekoNode's].
    #[arg(long, value_parser = humantime::parse_duration)]
    pub(super) cycle: Option<Duration>,
    /// How long a silent node stays listed; if not longer than the cycle (or not given) it
    /// becomes 3 × cycle + 2 s, as in Go PekoNode (20s with the default cycle); `auto`: the
    /// shortest that keeps false removals under --per-day at this amount (needs --nodes).
    #[arg(long, value_parser = node_auto::timeout_arg, value_name = "DURATION|auto")]
    pub(super) timeout: Option<OrAuto<Duration>>,
    /// With --amount auto or --timeout auto: how many nodes the cluster has (2 to 1,000,000,
    /// as `pekonode advise`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
    pub(super) nodes: Option<u32>,
    /// With auto: the network's datagram loss, 0 to 1 (0.01 = 1 %).
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub(super) loss: f64,
    /// With auto: at most this many false removals a day, cluster-wide.
    #[arg(long, default_value_t = 1.0, value_name = "R")]
    pub(super) per_day: f64,
    /// Rejoin period, e.g. 30s (ours, not Go's): the `--join` contacts this node no longer
    /// lists get its heartbeat again every period, and sooner while it lists no other node
    /// (backing off while nobody answers), so it finds its way back after a partition longer
    /// than the timeout [default: 10s; off with --compat; 0s turns it off].
    #[arg(long, value_parser = humantime::parse_duration)]
    pub(super) rejoin: Option<Duration>,
    /// Hardened against a hostile network, the default (ours, not Go's; the packets are Go's,
    /// so it mixes with Go nodes): rejoin every 10s unless --rejoin says otherwise, metadata
    /// versions over 60 s ahead of this clock ignored, at most 10,000 members and 100 new ones
    /// a second, swap replies only to members and at most `amount` a cycle. Accepted for
    /// scripts written when it was not the default. See docs/security.md.
    #[arg(long, conflicts_with = "compat")]
    pub(super) hardened: bool,
    /// Go PekoNode's exact behaviour: no trust rule, and no rejoin unless --rejoin is given.
    #[arg(long)]
    pub(super) compat: bool,
    /// Datagrams of this many bytes or more are dropped.
    #[arg(long, default_value_t = pekonode::protocol::DEFAULT_SIZE)]
    pub(super) size: usize,
    /// Receive buffer: the socket's kernel buffer holds at least this many datagrams of
    /// --size bytes, and at least 4 MiB (capped by net.core.rmem_max); datagrams arriving when
    /// it is full are dropped by the kernel and counted (0: 3 x amount, Go's channel length).
    #[arg(long, default_value_t = 0)]
    pub(super) buffer: usize,
    /// Go PekoNode's secret key. Its MD5 travels in clear in every packet: it keeps two
    /// clusters apart by mistake, it does not stop anyone (use --keyring for that).
    #[arg(long, default_value = "", value_name = "K", conflicts_with = "keyring")]
    pub(super) secret_key: String,
    /// Sealed mode: authenticate and encrypt every datagram with the keys of FILE (one base64
    /// key per line, the sealing key first; mode 0600; make one with `pekonode keygen`).
    /// Replays are refused. Only pekonode nodes holding a key can join: Go nodes cannot.
    /// The file is re-read every second and at once on SIGHUP, so keys rotate without a
    /// restart.
    #[arg(long, value_name = "FILE")]
    pub(super) keyring: Option<PathBuf>,
    /// Forwarding rule: first-copy (ours, far fewer packets) or faithful (Go PekoNode's).
    #[arg(long, default_value = "first-copy", value_name = "first-copy|faithful")]
    pub(super) forwarding: Forwarding,
    /// Publish this text as cluster metadata right after joining.
    #[arg(long, value_name = "TEXT")]
    pub(super) publish: Option<String>,
    /// Which protocol the node runs: pekonode, or swim (SWIM through foca: --listen, --join,
    /// --cycle, --timeout, --publish and the log options apply; its datagrams are NOT
    /// authenticated, so options of PekoNode's trust and sealing are refused with it).
    #[arg(long, default_value = "pekonode", value_name = "pekonode|swim")]
    pub(super) protocol: super::cluster::ProtocolArg,
    /// Log line format.
    #[arg(long, value_enum, default_value = "human")]
    pub(super) log_format: LogFormat,
    /// Most verbose level logged: off, error, warn, info, debug or trace.
    #[arg(long, default_value = "info", value_name = "LEVEL")]
    pub(super) log_level: LevelFilter,
}

/// Runs the node until SIGINT or SIGTERM; SIGHUP reloads the keyring.
pub fn run(args: NodeArgs) -> anyhow::Result<()> {
    let log = init_logging(args.log_format, args.log_level);
    let (host, port) =
        split_host_port(&args.listen).with_context(|| format!("bad --listen {:?}", args.listen))?;
    let mut contacts = Vec::new();
    for join in &args.join {
        let (h, p) = split_host_port(join).with_context(|| format!("bad --join {join:?}"))?;
        if p == 0 {
            bail!("bad --join {join:?}: port 0 names no node");
        }
        contacts.push(Node::new(h, p, ""));
    }
    let mut watch = match &args.keyring {
        Some(path) => Some(KeyringWatch::open(path.clone())?),
        None => None,
    };
    let cycle = args.cycle.unwrap_or(pekonode::protocol::DEFAULT_CYCLE);
    let target = node_auto::Target {
        nodes: args.nodes,
        loss: args.loss,
        per_day: args.per_day,
    };
    let (amount, timeout, advised) =
        node_auto::resolve(args.amount, args.timeout, cycle, args.forwarding, &target)?;
    if let Some(line) = &advised {
        info!("{line}");
    }
    // Hardened unless --compat (--hardened, the default, conflicts with it).
    let base = if args.hardened || !args.compat {
        protocol::Config::hardened()
    } else {
        protocol::Config::default()
    };
    let config = Config {
        protocol: protocol::Config {
            amount,
            cycle,
            buffer: args.buffer,
            size: args.size,
            timeout: timeout.unwrap_or(Duration::ZERO),
            forwarding: args.forwarding,
            rejoin: args.rejoin.unwrap_or(base.rejoin),
            ..base
        },
        secret_key: args.secret_key.clone(),
        keyring: watch.as_ref().map(|w| w.current().clone()),
        listen_addr: host.to_string(),
        seed: None,
        drop_probability: 0.0,
    };
    let advertise = args.advertise.as_deref().unwrap_or(host);
    let local = Node::new(advertise, port, &args.name).with_private_data(&args.private_data);

    let signals = Signals::install().context("cannot install the signal handlers")?;

    let list = NodeList::new(local, config)?;
    // Subscribe before saying "listening": a peer that reads that line may send at once, and
    // the node thread handles a datagram within microseconds of its arrival.
    let events = list.events();
    let c = list.config();
    info!(
        listen = %list.local_addr(),
        node = %list.local(),
        amount = c.amount,
        cycle = ?c.cycle,
        timeout = ?c.timeout,
        forwarding = %c.forwarding,
        rules = if c.trust.is_off() { "compat" } else { "hardened" },
        rejoin = ?c.rejoin,
        wire = if watch.is_some() { "sealed" } else { "json" },
        "listening"
    );
    for contact in contacts {
        list.set(contact);
    }
    list.join();
    if let Some(text) = &args.publish {
        list.publish(text.as_bytes())
            .context("cannot publish --publish")?;
    }

    let mut last_drops = 0;
    let mut last_log_drops = 0;
    // Rejected datagrams, summarised once a second per reason (a flood is one line a second).
    // Each reason keeps its count and its latest detail, as an example.
    let mut rejected: BTreeMap<&'static str, (u64, String, String)> = BTreeMap::new();
    let mut next_stats = Instant::now() + Duration::from_secs(1);
    while !signals.stop_requested() {
        if signals.take_reload() {
            keyring_watch::reload_into(watch.as_mut(), &list)?;
        }
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(Event::PacketRejected { reason, from, .. }) => {
                let entry = rejected.entry(reason.kind()).or_default();
                entry.0 += 1;
                entry.1 = escaped(&reason.to_string()).chars().take(200).collect();
                // The sender of the example: who sends a wrong key or a forgery.
                entry.2 = from.map_or_else(|| "unknown".to_string(), |f| escaped(&f.to_string()));
            }
            Ok(event) => log_event(&list, event),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= next_stats {
            next_stats = Instant::now() + Duration::from_secs(1);
            keyring_watch::poll_into(watch.as_mut(), &list)?;
            for (reason, (count, example, sender)) in std::mem::take(&mut rejected) {
                warn!(count, reason, example = %example, from = %sender, "packets rejected in the last second");
            }
            let stats = list.stats();
            if stats.queue_full > last_drops {
                warn!(
                    dropped = stats.queue_full - last_drops,
                    buffer = list.config().buffer,
                    "receive buffer full: datagrams dropped by the kernel"
                );
                last_drops = stats.queue_full;
            }
            let log_drops = log.dropped();
            if log_drops > last_log_drops {
                warn!(
                    dropped = log_drops - last_log_drops,
                    "log lines dropped: stderr is not read fast enough (or closed)"
                );
                last_log_drops = log_drops;
            }
            debug!(
                received = stats.received,
                sent = stats.sent,
                send_errors = stats.send_errors,
                members = list.get().len(),
                "stats"
            );
        }
    }
    info!("signal received, stopping");
    list.leave();
    info!("stopped");
    log.flush_for(Duration::from_secs(1));
    Ok(())
}

/// Text from the network, safe to put in a log line: control characters (newlines, ESC) are
/// escaped, so nobody can forge a line or drive the terminal with a node name.
pub(super) fn escaped(text: &str) -> String {
    text.escape_debug().to_string()
}

fn log_event(list: &NodeList, event: Event<pekonode::wire::Endpoint>) {
    let node = |n: &pekonode::protocol::NodeInfo<pekonode::wire::Endpoint>| {
        (
            escaped(&n.id.to_string()),
            escaped(n.name()),
            escaped(n.private_data()),
        )
    };
    match event {
        Event::MemberJoined(n) => {
            let (id, name, private_data) = node(&n);
            info!(node = %id, name = %name, private_data = %private_data, "member joined")
        }
        Event::MemberUpdated(n) => {
            let (id, name, private_data) = node(&n);
            info!(node = %id, name = %name, private_data = %private_data, "member updated")
        }
        Event::MemberExpired(id) => info!(node = %escaped(&id.to_string()), "member expired"),
        Event::MetadataChanged { version } => info!(
            version,
            data = %escaped(&String::from_utf8_lossy(&list.read())),
            "metadata changed"
        ),
        other => debug!(event = ?other, "event"),
    }
}

/// Logs to stderr through a queue that never blocks the node; a closed stderr ends logging,
/// not the process (tracing's own error report would write to that closed stderr).
pub(super) fn init_logging(format: LogFormat, level: LevelFilter) -> LogPipe {
    let pipe = LogPipe::stderr();
    let builder = tracing_subscriber::fmt()
        .with_writer(pipe.clone())
        .log_internal_errors(false)
        .with_max_level(level);
    match format {
        LogFormat::Human => builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(false)
            .init(),
        LogFormat::Json => builder.json().init(),
    }
    pipe
}

/// `host:port`, `[v6]:port` → (host without brackets, port).
pub(super) fn split_host_port(text: &str) -> anyhow::Result<(&str, u16)> {
    let Some((host, port)) = text.rsplit_once(':') else {
        bail!("expected HOST:PORT");
    };
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        bail!("expected HOST:PORT, the host is missing");
    }
    let port = port
        .parse::<u16>()
        .with_context(|| format!("{port:?} is not a port (0-65535)"))?;
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::split_host_port;

    #[test]
    fn host_and_port_split_with_and_without_brackets() {
        assert_eq!(
            split_host_port("127.0.0.1:8000").unwrap(),
            ("127.0.0.1", 8000)
        );
        assert_eq!(split_host_port("[::1]:8000").unwrap(), ("::1", 8000));
        assert_eq!(split_host_port("localhost:0").unwrap(), ("localhost", 0));
        assert!(split_host_port("8000").is_err());
        assert!(split_host_port(":8000").is_err());
        assert!(split_host_port("a:99999").is_err());
    }
}
