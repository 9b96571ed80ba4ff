//! Why a plan cannot be simulated. Nothing has run when one of these is returned.

use pekonode_proto::ConfigError;

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
}
