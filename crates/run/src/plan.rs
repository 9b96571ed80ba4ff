//! What a run plays: nodes, protocol settings, network, a timeline of actions, limits.
//!
//! One description for both drivers: the simulator plays all of it, the loopback cluster on
//! real sockets what sockets can (it refuses or notes the rest). Scenario files resolve into
//! a `Plan`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use pekonode_proto::wire::WireMode;
use pekonode_proto::Config;

use crate::faults::{Forge, Forgery, Nemesis};
use crate::network::NetworkSpec;
use crate::node_index::NodeIndex;
use crate::protocol::ProtocolKind;

/// Most nodes a run may have, joins included: scenario validation and the simulator both
/// enforce it. A converged cluster holds every node in every view, so memory grows with the
/// square of the node count (16 bytes per entry: 10⁴ nodes ⇒ 10⁸ entries, 1.6 GB); the
/// scenario's memory estimate against `limits.max_memory_mb` decides what fits below this.
/// Node indices below it are dense table slots in every view.
pub const MAX_NODES: usize = 65_536;

/// A whole run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Name of the run (the scenario's), copied into the outcome.
    pub name: String,
    /// Master seed: every random choice of the run derives from it.
    pub seed: u64,
    /// Virtual time the run lasts.
    pub duration: Duration,
    /// Time between two rows of the time series.
    pub sample_interval: Duration,
    /// Which protocol the nodes run (PekoNode by default).
    pub protocol: ProtocolKind,
    /// PekoNode's settings, shared by every node (zeros take PekoNode's defaults). A SWIM plan
    /// reads its `cycle` (traffic buckets) and, without knobs of its own, its `cycle` and
    /// `timeout` ([`SwimSettings::resolve`](crate::SwimSettings::resolve)).
    pub config: Config,
    /// The network model.
    pub network: NetworkSpec,
    /// Node names, by index. A node runs only after a [`Action::Join`] or [`Action::Restart`].
    pub nodes: Vec<String>,
    /// Actions in time order (ties keep their order).
    pub timeline: Vec<Timed>,
    /// The explosion guard.
    pub limits: Limits,
    /// How datagrams are written: JSON (Go's) or sealed envelopes, which add
    /// [`WireMode::overhead`] bytes to each (the simulator counts them; a real cluster seals).
    pub wire: WireMode,
}

/// An empty run named `run`: no node, no action, the defaults of [`Plan::new`] (for
/// `..Plan::default()` in struct literals; `pekonode::testing::Builder` builds whole runs).
impl Default for Plan {
    fn default() -> Plan {
        Plan::new("run", Vec::new(), Vec::new())
    }
}

impl Plan {
    /// A plan of `nodes` (names, by index) playing `timeline`, with defaults for the rest:
    /// seed 1, 60 s long, a sample every second, PekoNode with its defaults, the default
    /// network (10 ms constant latency, no loss) and limits. Change fields as needed.
    pub fn new(name: &str, nodes: Vec<String>, timeline: Vec<Timed>) -> Plan {
        Plan {
            name: name.to_string(),
            seed: 1,
            duration: Duration::from_secs(60),
            sample_interval: Duration::from_secs(1),
            protocol: ProtocolKind::PekoNode,
            config: Config::default(),
            network: NetworkSpec::default(),
            nodes,
            timeline,
            limits: Limits::default(),
            wire: WireMode::Json,
        }
    }
}

/// An action at a virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct Timed {
    /// When, from the start of the run.
    pub at: Duration,
    /// What.
    pub action: Action,
}

/// Something that happens to the cluster or the network.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The node starts with fresh state, adds `contacts` with `set` and joins.
    Join {
        /// The node.
        node: NodeIndex,
        /// Whom it knows.
        contacts: Vec<NodeIndex>,
    },
    /// The node's process dies: its state is lost, packets to it are dropped.
    Crash {
        /// The node.
        node: NodeIndex,
    },
    /// A crashed (or running) node comes back with fresh state and these contacts.
    Restart {
        /// The node.
        node: NodeIndex,
        /// Whom it knows.
        contacts: Vec<NodeIndex>,
    },
    /// PekoNode's `Stop`: no more heartbeats or swap requests.
    Stop {
        /// The node.
        node: NodeIndex,
    },
    /// PekoNode's `Start`.
    Start {
        /// The node.
        node: NodeIndex,
    },
    /// PekoNode's `Set`: the node adds a contact.
    Set {
        /// The node.
        node: NodeIndex,
        /// The contact.
        contact: NodeIndex,
    },
    /// PekoNode's `Publish`.
    Publish {
        /// The node.
        node: NodeIndex,
        /// The metadata bytes.
        data: Vec<u8>,
    },
    /// Packets between different groups are dropped (only from the first group to the second
    /// when `oneway`). Partitions add up until [`Action::Heal`].
    Partition {
        /// Disjoint groups of nodes; nodes in no group form one more group.
        groups: Vec<Vec<NodeIndex>>,
        /// Cut only traffic from the first group to the second.
        oneway: bool,
    },
    /// Removes every partition.
    Heal,
    /// Sets the global loss probability.
    Loss {
        /// The new probability, 0..=1.
        value: f64,
    },
    /// The node stops processing (a GC pause, a frozen VM): packets queue for it (up to the
    /// protocol's `buffer`, the rest are dropped) and its timers wait, until [`Action::Resume`].
    Pause {
        /// The node.
        node: NodeIndex,
    },
    /// A paused node runs again: it handles its backlog, then its late timers.
    Resume {
        /// The node.
        node: NodeIndex,
    },
    /// Each packet costs the node `per_packet` of processing from now on (a slow node); zero
    /// gives it the network's service time again.
    Slow {
        /// The node.
        node: NodeIndex,
        /// Processing time per packet.
        per_packet: Duration,
    },
    /// The node's wall clock (its publish versions, its skew bound) reads `offset_ms` ahead
    /// of true time (behind when negative), restarts included.
    Skew {
        /// The node.
        node: NodeIndex,
        /// The offset in ms.
        offset_ms: i64,
    },
    /// A rogue sender without keys injects packets.
    Forge(Forge),
    /// A seeded random schedule of faults, expanded by the driver.
    Nemesis(Nemesis),
}

impl Action {
    /// A short label for chart markers and reports: `"crash n3"`, `"partition"`, `"loss 0.3"`.
    /// `names` are the plan's node names, by index.
    pub fn label(&self, names: &[String]) -> String {
        let name = |i: &NodeIndex| names.get(*i as usize).map_or("?", String::as_str);
        match self {
            Action::Join { node, .. } => format!("join {}", name(node)),
            Action::Crash { node } => format!("crash {}", name(node)),
            Action::Restart { node, .. } => format!("restart {}", name(node)),
            Action::Stop { node } => format!("stop {}", name(node)),
            Action::Start { node } => format!("start {}", name(node)),
            Action::Set { node, contact } => format!("set {} += {}", name(node), name(contact)),
            Action::Publish { node, .. } => format!("publish {}", name(node)),
            Action::Partition { oneway: true, .. } => "partition (one-way)".to_string(),
            Action::Partition { .. } => "partition".to_string(),
            Action::Heal => "heal".to_string(),
            Action::Loss { value } => format!("loss {value}"),
            Action::Pause { node } => format!("pause {}", name(node)),
            Action::Resume { node } => format!("resume {}", name(node)),
            Action::Slow { node, per_packet } => {
                format!("slow {} {} ms", name(node), per_packet.as_millis())
            }
            Action::Skew { node, offset_ms } => format!("skew {} {offset_ms:+} ms", name(node)),
            Action::Forge(f) => match &f.what {
                Forgery::Identities { per_sec, .. } => format!("forge {per_sec} ids/s"),
                Forgery::Impersonate { node, .. } => format!("forge as {}", name(node)),
                Forgery::Version { version, .. } => format!("forge version {version}"),
                Forgery::Replay { per_sec, .. } => format!("replay {per_sec}/s"),
            },
            Action::Nemesis(n) => format!("nemesis {} s", n.span.as_secs()),
        }
    }

    /// Every node index the action names, contacts and forged targets included (for
    /// validation: a driver checks them against its node count before it plays the action).
    pub fn nodes(&self) -> Vec<NodeIndex> {
        match self {
            Action::Join { node, contacts } | Action::Restart { node, contacts } => {
                std::iter::once(*node)
                    .chain(contacts.iter().copied())
                    .collect()
            }
            Action::Crash { node }
            | Action::Stop { node }
            | Action::Start { node }
            | Action::Publish { node, .. }
            | Action::Pause { node }
            | Action::Resume { node }
            | Action::Slow { node, .. }
            | Action::Skew { node, .. } => vec![*node],
            Action::Forge(f) => {
                let mut nodes = f.to.clone();
                match &f.what {
                    Forgery::Impersonate { node, .. } => nodes.push(*node),
                    Forgery::Version { from, .. } => nodes.push(*from),
                    Forgery::Identities { .. } | Forgery::Replay { .. } => {}
                }
                nodes
            }
            Action::Nemesis(n) => n.nodes.clone(),
            Action::Set { node, contact } => vec![*node, *contact],
            Action::Partition { groups, .. } => groups.iter().flatten().copied().collect(),
            Action::Heal | Action::Loss { .. } => Vec::new(),
        }
    }
}

/// The explosion guard (docs/metrics.md): a run that passes either limit stops.
///
/// Scenario files write it as is (`"limits": {"max_in_flight": 1000}`); a missing field takes
/// its [`Default`] value, an unknown one is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Packets in flight at once.
    pub max_in_flight: u64,
    /// Packets sent during one cycle of virtual time.
    pub max_packets_per_cycle: u64,
    /// The run's estimated peak memory, in MiB, that scenario validation accepts (the
    /// estimate is printed when a file is refused); the simulator itself does not measure.
    pub max_memory_mb: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_in_flight: 2_000_000,
            max_packets_per_cycle: 5_000_000,
            max_memory_mb: 4_096,
        }
    }
}
