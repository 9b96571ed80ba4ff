//! The timeline: events written as `{"at_ms": 60000, "crash": {"node": "n3"}}`, one action each.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use super::faults::{ForgeSpec, NemesisSpec, PauseSpec, SkewSpec, SlowSpec};
use super::refs::NodeRef;

/// One timeline event: a time and exactly one action, written
/// `{"at_ms": 60000, "crash": {"node": "n3"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawEvent", into = "RawEvent")]
pub struct EventSpec {
    /// When the action happens, in ms of virtual time (0 … `duration_ms`).
    pub at_ms: u64,
    /// What happens.
    pub action: ActionSpec,
}

/// What a timeline event does.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionSpec {
    /// A new node starts and joins through its contacts.
    Join(JoinSpec),
    /// A node's process dies: its state is lost, it neither sends nor receives.
    Crash(NodeTarget),
    /// A crashed node comes back with fresh state and joins through the given contacts.
    Restart(RestartSpec),
    /// PekoNode's `Stop`: the node halts its heartbeats but still receives, forwards and answers.
    Stop(NodeTarget),
    /// PekoNode's `Start`: a stopped node resumes heartbeating (through the contacts it has).
    Start(NodeTarget),
    /// PekoNode's `Set`: the node adds a contact to its list.
    Set(SetSpec),
    /// PekoNode's `Publish`: the node publishes new cluster metadata.
    Publish(PublishSpec),
    /// Packets between the groups are dropped from now on (until `heal`).
    Partition(PartitionSpec),
    /// Every partition is removed.
    Heal(HealSpec),
    /// The global loss probability changes.
    Loss(LossSpec),
    /// A node stops processing (a GC pause): packets queue, timers wait.
    Pause(PauseSpec),
    /// A paused node runs again and handles its backlog.
    Resume(NodeTarget),
    /// A node's processing time per packet changes.
    Slow(SlowSpec),
    /// A node's wall clock runs ahead or behind.
    Skew(SkewSpec),
    /// A rogue sender without keys injects packets.
    Forge(ForgeSpec),
    /// Random faults for a while, from the seed.
    Nemesis(NemesisSpec),
}

impl ActionSpec {
    /// The action's key in the file: `"join"`, `"crash"`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Join(_) => "join",
            Self::Crash(_) => "crash",
            Self::Restart(_) => "restart",
            Self::Stop(_) => "stop",
            Self::Start(_) => "start",
            Self::Set(_) => "set",
            Self::Publish(_) => "publish",
            Self::Partition(_) => "partition",
            Self::Heal(_) => "heal",
            Self::Loss(_) => "loss",
            Self::Pause(_) => "pause",
            Self::Resume(_) => "resume",
            Self::Slow(_) => "slow",
            Self::Skew(_) => "skew",
            Self::Forge(_) => "forge",
            Self::Nemesis(_) => "nemesis",
        }
    }
}

/// `join`: a new node, with a new name, starts and joins through its contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinSpec {
    /// The new node's name (1 to 64 characters of `A-Z a-z 0-9 _ . -`, not used before).
    #[schemars(pattern(r"^[A-Za-z0-9_.-]{1,64}$"))]
    pub node: String,
    /// The nodes it knows when it starts. Default: none.
    #[serde(default)]
    pub contacts: Vec<NodeRef>,
}

/// An action on one existing node (`crash`, `stop`, `start`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeTarget {
    /// The node.
    pub node: NodeRef,
}

/// `restart`: a crashed node comes back with fresh state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestartSpec {
    /// The crashed node.
    pub node: NodeRef,
    /// The nodes it knows when it comes back. Default: none.
    #[serde(default)]
    pub contacts: Vec<NodeRef>,
}

/// `set`: a node adds a contact (PekoNode's `Set`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetSpec {
    /// The node whose list changes.
    pub node: NodeRef,
    /// The node it learns about.
    pub contact: NodeRef,
}

/// `publish`: a node publishes cluster metadata (PekoNode's `Publish`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishSpec {
    /// The publishing node.
    pub node: NodeRef,
    /// The metadata, as UTF-8 text.
    pub data: String,
}

/// `partition`: packets between nodes of different groups are dropped.
///
/// Nodes in no group keep talking to everyone. Partitions add up until a `heal` removes them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartitionSpec {
    /// Two or more non-empty, disjoint groups of nodes.
    pub groups: Vec<Vec<NodeRef>>,
    /// When true there must be exactly two groups, and only packets from the first group to the
    /// second are dropped. Default false (both directions).
    #[serde(default)]
    pub oneway: bool,
}

/// `heal`: every partition is removed. Written `{"heal": {}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealSpec {}

/// `loss`: the global loss probability changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LossSpec {
    /// The new probability that a packet is lost (0 … 1).
    pub value: f64,
}

/// The event as written: every action optional, exactly one checked by `TryFrom`.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    join: Option<JoinSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crash: Option<NodeTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    restart: Option<RestartSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stop: Option<NodeTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<NodeTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    set: Option<SetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publish: Option<PublishSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partition: Option<PartitionSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heal: Option<HealSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    loss: Option<LossSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pause: Option<PauseSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resume: Option<NodeTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    slow: Option<SlowSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skew: Option<SkewSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    forge: Option<ForgeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nemesis: Option<NemesisSpec>,
}

const ACTIONS: &str = "join, crash, restart, stop, start, set, publish, partition, heal, loss, \
                       pause, resume, slow, skew, forge, nemesis";

impl TryFrom<RawEvent> for EventSpec {
    type Error = String;

    fn try_from(raw: RawEvent) -> Result<Self, String> {
        let mut actions = Vec::new();
        let mut push = |action: Option<ActionSpec>| actions.extend(action);
        push(raw.join.map(ActionSpec::Join));
        push(raw.crash.map(ActionSpec::Crash));
        push(raw.restart.map(ActionSpec::Restart));
        push(raw.stop.map(ActionSpec::Stop));
        push(raw.start.map(ActionSpec::Start));
        push(raw.set.map(ActionSpec::Set));
        push(raw.publish.map(ActionSpec::Publish));
        push(raw.partition.map(ActionSpec::Partition));
        push(raw.heal.map(ActionSpec::Heal));
        push(raw.loss.map(ActionSpec::Loss));
        push(raw.pause.map(ActionSpec::Pause));
        push(raw.resume.map(ActionSpec::Resume));
        push(raw.slow.map(ActionSpec::Slow));
        push(raw.skew.map(ActionSpec::Skew));
        push(raw.forge.map(ActionSpec::Forge));
        push(raw.nemesis.map(ActionSpec::Nemesis));
        match actions.len() {
            1 => Ok(EventSpec {
                at_ms: raw.at_ms,
                action: actions.remove(0),
            }),
            0 => Err(format!(
                "the event at {} ms has no action; give exactly one of: {ACTIONS}",
                raw.at_ms
            )),
            _ => {
                let kinds: Vec<&str> = actions.iter().map(ActionSpec::kind).collect();
                Err(format!(
                    "the event at {} ms has {} actions ({}); give exactly one per event",
                    raw.at_ms,
                    kinds.len(),
                    kinds.join(", ")
                ))
            }
        }
    }
}

impl From<EventSpec> for RawEvent {
    fn from(event: EventSpec) -> Self {
        let mut raw = RawEvent {
            at_ms: event.at_ms,
            ..RawEvent::default()
        };
        match event.action {
            ActionSpec::Join(a) => raw.join = Some(a),
            ActionSpec::Crash(a) => raw.crash = Some(a),
            ActionSpec::Restart(a) => raw.restart = Some(a),
            ActionSpec::Stop(a) => raw.stop = Some(a),
            ActionSpec::Start(a) => raw.start = Some(a),
            ActionSpec::Set(a) => raw.set = Some(a),
            ActionSpec::Publish(a) => raw.publish = Some(a),
            ActionSpec::Partition(a) => raw.partition = Some(a),
            ActionSpec::Heal(a) => raw.heal = Some(a),
            ActionSpec::Loss(a) => raw.loss = Some(a),
            ActionSpec::Pause(a) => raw.pause = Some(a),
            ActionSpec::Resume(a) => raw.resume = Some(a),
            ActionSpec::Slow(a) => raw.slow = Some(a),
            ActionSpec::Skew(a) => raw.skew = Some(a),
            ActionSpec::Forge(a) => raw.forge = Some(a),
            ActionSpec::Nemesis(a) => raw.nemesis = Some(a),
        }
        raw
    }
}

/// One timeline event: a time and exactly one action, e.g.
/// `{"at_ms": 60000, "crash": {"node": "n3"}}`.
#[derive(JsonSchema)]
#[schemars(untagged, deny_unknown_fields)]
#[allow(dead_code)]
enum EventSchema {
    /// A new node starts and joins through its contacts.
    Join {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The new node.
        join: JoinSpec,
    },
    /// A node's process dies (state lost).
    Crash {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node.
        crash: NodeTarget,
    },
    /// A crashed node comes back with fresh state.
    Restart {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node and its contacts.
        restart: RestartSpec,
    },
    /// A node stops heartbeating (PekoNode's Stop).
    Stop {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node.
        stop: NodeTarget,
    },
    /// A stopped node resumes heartbeating (PekoNode's Start).
    Start {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node.
        start: NodeTarget,
    },
    /// A node adds a contact (PekoNode's Set).
    Set {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node and the contact.
        set: SetSpec,
    },
    /// A node publishes metadata (PekoNode's Publish).
    Publish {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node and the data.
        publish: PublishSpec,
    },
    /// Packets between groups are dropped until heal.
    Partition {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The groups.
        partition: PartitionSpec,
    },
    /// Every partition is removed.
    Heal {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// Always `{}`.
        heal: HealSpec,
    },
    /// The global loss probability changes.
    Loss {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The new value.
        loss: LossSpec,
    },
    /// A node stops processing (a GC pause): packets queue, timers wait.
    Pause {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node.
        pause: PauseSpec,
    },
    /// A paused node runs again and handles its backlog.
    Resume {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node.
        resume: NodeTarget,
    },
    /// A node's processing time per packet changes.
    Slow {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node and its time per packet.
        slow: SlowSpec,
    },
    /// A node's wall clock runs ahead or behind.
    Skew {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The node and the offset.
        skew: SkewSpec,
    },
    /// A rogue sender without keys injects packets.
    Forge {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// What it forges, to whom.
        forge: ForgeSpec,
    },
    /// Random faults for a while, from the seed.
    Nemesis {
        /// When, in ms of virtual time.
        at_ms: u64,
        /// The schedule's shape.
        nemesis: NemesisSpec,
    },
}

impl JsonSchema for EventSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Event".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        EventSchema::json_schema(generator)
    }
}
