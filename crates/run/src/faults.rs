//! Faults and adversaries a plan can play beyond churn and partitions: a rogue sender without
//! keys ([`Forge`]), and a seeded random schedule of faults ([`Nemesis`]).
//!
//! Descriptions only: the simulator plays them (the loopback cluster refuses them). The
//! protocol's own rules judge every forged packet, since it reaches a node the way any packet
//! does; only authentication is modelled (the rogue has no key, see [`Forge`]).

use std::time::Duration;

use crate::node_index::NodeIndex;

/// The rogue's packets go to these nodes, in turn: a rogue sender outside the cluster.
///
/// In sealed mode (`WireMode::Sealed`) the rogue has no key: a receiver drops what it forges
/// as not authentic, and what it replays (authentic envelopes it captured) as replayed.
#[derive(Clone, Debug, PartialEq)]
pub struct Forge {
    /// Receivers, taken in turn; empty means every node of the plan.
    pub to: Vec<NodeIndex>,
    /// What the rogue sends.
    pub what: Forgery,
}

/// What a rogue sender forges.
#[derive(Clone, Debug, PartialEq)]
pub enum Forgery {
    /// A heartbeat from a new, made-up identity, `per_sec` a second for `span`: a burst of
    /// members that do not exist. Made-up identities are numbered after the plan's nodes.
    Identities {
        /// Fake identities a second.
        per_sec: u32,
        /// How long the burst lasts.
        span: Duration,
    },
    /// Heartbeats claiming to be `node`, with another name and private data, `per_sec` a
    /// second for `span`: they keep `node` alive in views and rewrite its record.
    Impersonate {
        /// The node impersonated.
        node: NodeIndex,
        /// The name the forged record announces.
        name: String,
        /// The private data the forged record announces.
        private_data: String,
        /// Packets a second.
        per_sec: u32,
        /// How long it lasts.
        span: Duration,
    },
    /// One metadata update to each receiver, claiming to come from `from`, with `version`
    /// (e.g. `i64::MAX`, which pins the metadata for good under Go's rules).
    Version {
        /// The node the update claims to come from.
        from: NodeIndex,
        /// The forged version (Unix ns).
        version: i64,
        /// The forged metadata.
        data: Vec<u8>,
    },
    /// Replays of packets the rogue captured (the last [`REPLAY_CAPTURE`] sent in the
    /// cluster before this event), `per_sec` a second for `span`, in capture order.
    Replay {
        /// Packets a second.
        per_sec: u32,
        /// How long it lasts.
        span: Duration,
    },
}

/// How many recently sent packets a rogue keeps for replays.
pub const REPLAY_CAPTURE: usize = 256;

impl Forgery {
    /// A short name: `identities`, `impersonate`, `version`, `replay`.
    pub fn name(&self) -> &'static str {
        match self {
            Forgery::Identities { .. } => "identities",
            Forgery::Impersonate { .. } => "impersonate",
            Forgery::Version { .. } => "version",
            Forgery::Replay { .. } => "replay",
        }
    }

    /// Packets a second and for how long; `None` for a single volley (`Version`).
    pub fn rate(&self) -> Option<(u32, Duration)> {
        match self {
            Forgery::Identities { per_sec, span }
            | Forgery::Impersonate { per_sec, span, .. }
            | Forgery::Replay { per_sec, span } => Some((*per_sec, *span)),
            Forgery::Version { .. } => None,
        }
    }
}

/// One kind of fault a nemesis may inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NemesisFault {
    /// The nodes are cut into two random halves, healed at the fault's end.
    Partition,
    /// A random node crashes and restarts (fresh state, 3 random contacts) at the fault's end.
    Crash,
    /// A random node pauses and resumes at the fault's end.
    Pause,
    /// The global loss jumps to the nemesis' `loss` and returns to the network's at the end.
    Loss,
}

impl NemesisFault {
    /// Every fault, in the order the file writes them.
    pub const ALL: [NemesisFault; 4] = [
        NemesisFault::Partition,
        NemesisFault::Crash,
        NemesisFault::Pause,
        NemesisFault::Loss,
    ];

    /// The name in scenario files: `partition`, `crash`, `pause`, `loss`.
    pub fn name(self) -> &'static str {
        match self {
            NemesisFault::Partition => "partition",
            NemesisFault::Crash => "crash",
            NemesisFault::Pause => "pause",
            NemesisFault::Loss => "loss",
        }
    }
}

/// A seeded random schedule of faults, as Jepsen's nemesis: one fault at a time, each lasting
/// `fault`, the next starting an exponentially distributed time (mean `mean_interval`) after
/// the previous one ended, until `span` has passed; every fault is undone before the next.
///
/// The driver expands it into plain actions from its own random stream of the plan's seed,
/// so the same seed gives the same schedule and the other random streams are untouched.
#[derive(Clone, Debug, PartialEq)]
pub struct Nemesis {
    /// How long faults keep coming, from the event's time.
    pub span: Duration,
    /// Mean time between the end of one fault and the start of the next.
    pub mean_interval: Duration,
    /// How long each fault lasts.
    pub fault: Duration,
    /// The kinds to draw from (uniformly), without repeats.
    pub faults: Vec<NemesisFault>,
    /// The nodes faults may hit; empty means every node of the plan.
    pub nodes: Vec<NodeIndex>,
    /// The loss probability of a loss spike.
    pub loss: f64,
}
