//! What of a plan real sockets can play, time scaling, and the labels of timeline marks.
//!
//! Loopback delivers in microseconds and cannot cut links between sockets of one process, so:
//! the global latency model is not played (noted), per-link rules, duplication and partitions
//! are refused, and loss (global or a `loss` event) is played as a send-path drop.

use std::time::Duration;

use crate::run::{Action, Latency, Plan};

use super::error::ClusterError;

/// Most nodes one loopback cluster may run: each is a socket and a thread.
pub const MAX_LOOPBACK_NODES: usize = 1_000;

/// Checks that `plan` can be played on loopback; returns notes on what is played differently.
pub fn check(plan: &Plan) -> Result<Vec<String>, ClusterError> {
    let setting = |m: String| Err(ClusterError::Setting(m));
    if plan.nodes.is_empty() {
        return setting("the cluster has no node".into());
    }
    if plan.nodes.len() > MAX_LOOPBACK_NODES {
        return setting(format!(
            "{} nodes: a loopback cluster runs at most {MAX_LOOPBACK_NODES} (a thread and a socket each)",
            plan.nodes.len()
        ));
    }
    if plan.sample_interval.is_zero() {
        return setting("the sample interval must be above 0".into());
    }
    if plan.config.cycle.is_zero() {
        return setting("the cycle must be above 0".into());
    }
    let unplayable = |m: &str| {
        Err(ClusterError::Unplayable(format!(
            "{m}; loopback sockets of one process cannot model that (simulate it with `pekonode run`)"
        )))
    };
    let swim = matches!(plan.protocol, crate::run::ProtocolKind::Swim(_));
    if swim && plan.wire == crate::wire::WireMode::Sealed {
        return setting(
            "SWIM datagrams are not sealed: a SWIM cluster runs with the JSON wire only".into(),
        );
    }
    if !plan.network.links.is_empty() {
        return unplayable("the network has per-link rules (network.links)");
    }
    if plan.network.duplicate > 0.0 {
        return unplayable("the network duplicates packets (network.duplicate)");
    }
    for t in &plan.timeline {
        if let Action::Partition { .. } | Action::Heal = t.action {
            return unplayable(&format!(
                "the timeline has a partition or heal at {} ms",
                t.at.as_millis()
            ));
        }
        let fault = match &t.action {
            Action::Pause { .. } | Action::Resume { .. } => Some("a pause or resume"),
            Action::Slow { .. } => Some("a slow node"),
            Action::Skew { .. } => Some("a skewed clock"),
            Action::Forge(_) => Some("a rogue sender (forge)"),
            Action::Nemesis(_) => Some("a nemesis"),
            _ => None,
        };
        if let Some(fault) = fault {
            return unplayable(&format!(
                "the timeline has {fault} at {} ms",
                t.at.as_millis()
            ));
        }
    }
    let mut notes = vec![
        "infection spread by time and by hop, coverage, duplicate deliveries and the heartbeat \
         stable latency are not measured on real sockets (that needs instrumenting the wire): \
         the report has no infection chart"
            .to_string(),
    ];
    if swim {
        notes.push(
            "SWIM runs on the same sockets through the seam runtime; its datagrams are not \
             authenticated"
                .to_string(),
        );
    }
    let latency = match plan.network.latency {
        Latency::Constant(d) if d.is_zero() => None,
        Latency::Constant(d) => Some(format!("constant {d:?}")),
        _ => Some("a distribution".to_string()),
    };
    if let Some(l) = latency {
        notes.push(format!(
            "the plan's latency ({l}) is not played: loopback delivers in microseconds"
        ));
    }
    let loss = plan.network.loss > 0.0
        || plan
            .timeline
            .iter()
            .any(|t| matches!(t.action, Action::Loss { .. }));
    if loss {
        notes.push("network loss is played as seeded drops at each node's send path".into());
    }
    Ok(notes)
}

/// `plan` with every duration multiplied by `factor` (cycle, timeout, run length, sample
/// interval, event times): 0.1 plays a 6 s-cycle scenario with a 600 ms cycle, 10 × faster.
pub fn scale(plan: &Plan, factor: f64) -> Result<Plan, ClusterError> {
    if !(factor.is_finite() && factor > 0.0 && factor <= 1_000.0) {
        return Err(ClusterError::Setting(format!(
            "time scale {factor} is not in (0, 1000]"
        )));
    }
    let s = |d: Duration| Duration::from_secs_f64(d.as_secs_f64() * factor);
    let mut out = plan.clone();
    out.config.cycle = s(plan.config.cycle).max(Duration::from_millis(1));
    out.config.timeout = s(plan.config.timeout);
    out.duration = s(plan.duration);
    out.sample_interval = s(plan.sample_interval).max(Duration::from_millis(1));
    for t in &mut out.timeline {
        t.at = s(t.at);
    }
    if let crate::run::ProtocolKind::Swim(settings) = &mut out.protocol {
        if let Some(c) = &mut settings.config {
            c.probe_period = s(c.probe_period).max(Duration::from_millis(1));
            c.probe_rtt = s(c.probe_rtt).max(Duration::from_millis(1));
            c.suspect_to_down = s(c.suspect_to_down).max(Duration::from_millis(1));
            c.remove_down_after = c.remove_down_after.map(s);
            c.gossip_period = c.gossip_period.map(s);
            c.announce_period = c.announce_period.map(s);
        }
    }
    Ok(out)
}
