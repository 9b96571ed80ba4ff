//! Experiments: a validated scenario turned into the simulation plan of one seed, and run.
//!
//! Validation resolves a scenario file into the run's own types; what is left for a seed is
//! the random bootstrap contacts, drawn here from the simulator's bootstrap stream, so that
//! `scenario/` stays pure data.
//!
//! ```
//! use pekonode::{experiment, scenario::Scenario};
//! let text = r#"{"name": "tiny", "seed": 3, "duration_ms": 30000,
//!                "protocol": {"forwarding": "first-copy"},
//!                "nodes": {"count": 5, "bootstrap": "seed"}}"#;
//! let scenario = Scenario::from_str_named(text, "tiny.json").unwrap();
//! let outcome = experiment::run(&scenario, |_| {}).unwrap();
//! assert_eq!(outcome.nodes, 5);
//! ```

use std::time::Duration;

use crate::run::{assign_contacts, timeline_of, Outcome, Plan};
use crate::scenario::Scenario;
use crate::sim::{Progress, SimError, Simulator};

/// The simulation plan of a validated scenario, for its current seed.
///
/// Validation already resolved every part of the run but the contacts of generated nodes,
/// which the scenario's bootstrap rule gives in index order from the seed's bootstrap stream.
pub fn plan(s: &Scenario) -> Plan {
    let mut initial = s.initial_joins().to_vec();
    if let Some(bootstrap) = s.bootstrap() {
        assign_contacts(bootstrap, s.seed(), &mut initial);
    }
    let timeline = timeline_of(initial, s.events());
    Plan {
        name: s.name().to_string(),
        seed: s.seed(),
        duration: Duration::from_millis(s.duration_ms()),
        sample_interval: Duration::from_millis(s.sample_interval_ms()),
        protocol: s.protocol().clone(),
        config: s.config().clone(),
        network: s.network().clone(),
        nodes: s.node_names().to_vec(),
        timeline,
        limits: *s.limits(),
        wire: s.wire(),
    }
}

/// Runs a scenario (with its current seed), calling `progress` now and then.
pub fn run(s: &Scenario, progress: impl FnMut(Progress)) -> Result<Outcome, SimError> {
    Ok(Simulator::new(plan(s))?.run_with(progress))
}
