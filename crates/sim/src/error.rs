//! Why a plan cannot be simulated. Nothing has run when one of these is returned.

use pekonode_proto::ConfigError;
use pekonode_swim::SwimConfigError;

/// A plan the simulator refuses.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The protocol settings are unusable.
    #[error("protocol config: {0}")]
    Config(#[from] ConfigError),
    /// More nodes than a run may have ([`pekonode_run::MAX_NODES`]).
    #[error(
        "{0} nodes is more than a run's limit of {max} (pekonode_run::MAX_NODES)",
        max = pekonode_run::MAX_NODES
    )]
    TooManyNodes(usize),
    /// An action names a node index that does not exist.
    #[error("timeline action {index} names node {node}, but there are only {count} nodes")]
    UnknownNode {
        /// Position of the action in the timeline.
        index: usize,
        /// The node index.
        node: u32,
        /// How many nodes the plan has.
        count: usize,
    },
    /// The latency model cannot be sampled.
    #[error("network latency: {0}")]
    Latency(String),
    /// A probability outside 0..=1.
    #[error("{what} {value} is not a probability in 0..=1")]
    Probability {
        /// Which setting.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// The run is longer than the event queue can hold (about four years).
    #[error("duration {0:?} is longer than the simulator holds (about four years)")]
    TooLong(std::time::Duration),
    /// The sample interval is zero.
    #[error("sample interval must be positive")]
    SampleInterval,
    /// SWIM's knobs are unusable.
    #[error("swim config: {0}")]
    Swim(#[from] SwimConfigError),
    /// A timeline action the engine of the plan's protocol cannot play.
    #[error(
        "timeline action {index} ({action}) cannot be played with protocol {protocol}: \
         the simulator plays pause, resume, slow, skew and forge for PekoNode only"
    )]
    Unsupported {
        /// Position of the action in the timeline (after a nemesis was expanded).
        index: usize,
        /// The action's label.
        action: String,
        /// The plan's protocol.
        protocol: &'static str,
    },
    /// A network setting the engine of the plan's protocol cannot play.
    #[error("network {what} cannot be played with protocol {protocol} (PekoNode only)")]
    UnsupportedNetwork {
        /// The setting.
        what: &'static str,
        /// The plan's protocol.
        protocol: &'static str,
    },
}
