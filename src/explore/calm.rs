//! What a scenario does to its cluster, read from the file: whether anything can lose a live
//! node's packets, whether a fault can cut the cluster for good under Go's rules, when the
//! last disturbance ends and whether the run ends in a clean network. The properties decide
//! from it which of them apply.

use crate::scenario::{ActionSpec, FaultKind, NodeRef, ScenarioSpec};

/// The disturbances of one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calm {
    /// Nothing drops or delays a live node's packets beyond the latency: no loss (network,
    /// link rule, loss event, nemesis spike), no partition, no pause, no slow node, no nemesis.
    pub lossless: bool,
    /// A rogue sender forges or replays packets at some point.
    pub forged: bool,
    /// A partition, a pause, a stop, a forged flood or a nemesis that draws a partition or a
    /// pause: a fault that can cut nodes off for longer than the timeout, which only the
    /// rejoin rule (or SWIM's announces) repairs.
    pub splits: bool,
    /// A partition, or a nemesis that draws one: SWIM as configured here (foca, no announces
    /// to members declared down) does not find a half it declared down again.
    pub partitioned: bool,
    /// A node comes back in a new life (`restart`, or `start` after `stop`, which SWIM plays
    /// as a leave and a rejoin): SWIM may declare the old life down after the new one is up.
    pub renewed: bool,
    /// When the last disturbance of membership is over (virtual ms): the last crash, restart,
    /// join, stop, start, contact, heal, loss change, the end of a pause, a forgery or a
    /// nemesis.
    pub quiet_from_ms: u64,
    /// At the end no partition holds, the loss is 0, no node is paused or slow.
    pub clean_end: bool,
}

impl Calm {
    /// Reads `spec`'s network and timeline.
    pub fn of(spec: &ScenarioSpec) -> Calm {
        let net = &spec.network;
        let mut lossless =
            net.loss == 0.0 && net.links.iter().all(|l| l.loss.unwrap_or(0.0) == 0.0);
        let mut forged = false;
        let mut splits = false;
        let mut cut = false;
        let mut renewed = false;
        let mut quiet = 0;
        let mut partitioned = false;
        let mut loss = net.loss;
        let mut paused_for_good = false;
        // The nodes slowed and not restored since.
        let mut slow: Vec<&NodeRef> = Vec::new();
        for e in &spec.events {
            let t = e.at_ms;
            let end = match &e.action {
                ActionSpec::Publish(_) => 0,
                ActionSpec::Partition(_) => {
                    lossless = false;
                    splits = true;
                    cut = true;
                    partitioned = true;
                    t
                }
                ActionSpec::Heal(_) => {
                    partitioned = false;
                    t
                }
                ActionSpec::Loss(l) => {
                    lossless &= l.value == 0.0;
                    loss = l.value;
                    t
                }
                ActionSpec::Pause(p) => {
                    lossless = false;
                    splits = true;
                    match p.for_ms {
                        Some(d) => t.saturating_add(d),
                        None => {
                            paused_for_good = true;
                            t
                        }
                    }
                }
                ActionSpec::Resume(_) => {
                    paused_for_good = false;
                    t
                }
                ActionSpec::Slow(s) => {
                    lossless = false;
                    slow.retain(|n| **n != s.node);
                    if s.per_packet_ms > 0.0 {
                        slow.push(&s.node);
                    }
                    t
                }
                ActionSpec::Forge(f) => {
                    forged = true;
                    // Made-up members bury the real ones until the real entries expire, and
                    // under Go's rules nobody remembers anyone to send to (docs/studies.md).
                    splits |= f.version.is_none();
                    let lasting = [
                        f.identities.as_ref().map(|r| r.for_ms),
                        f.impersonate.as_ref().map(|r| r.for_ms),
                        f.replay.as_ref().map(|r| r.for_ms),
                    ];
                    t.saturating_add(lasting.iter().flatten().copied().max().unwrap_or(0))
                }
                ActionSpec::Nemesis(n) => {
                    lossless = false;
                    splits |= n
                        .faults
                        .iter()
                        .any(|f| matches!(f, FaultKind::Partition | FaultKind::Pause));
                    cut |= n.faults.contains(&FaultKind::Partition);
                    t.saturating_add(n.for_ms).saturating_add(n.fault_ms)
                }
                // A node stopped for longer than the timeout is forgotten as if cut off.
                ActionSpec::Stop(_) => {
                    splits = true;
                    t
                }
                ActionSpec::Restart(_) | ActionSpec::Start(_) => {
                    renewed = true;
                    t
                }
                ActionSpec::Join(_)
                | ActionSpec::Crash(_)
                | ActionSpec::Set(_)
                | ActionSpec::Skew(_) => t,
            };
            quiet = quiet.max(end);
        }
        Calm {
            lossless,
            forged,
            splits,
            partitioned: cut,
            renewed,
            quiet_from_ms: quiet,
            clean_end: !partitioned && loss == 0.0 && !paused_for_good && slow.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(events: &str) -> ScenarioSpec {
        let text = format!(
            r#"{{"name": "t", "seed": 1, "duration_ms": 100000,
                "nodes": {{"count": 4}}, "events": [{events}]}}"#
        );
        crate::scenario::parse(text.as_bytes(), "t.json").unwrap()
    }

    #[test]
    fn a_healed_partition_splits_and_ends_clean_at_the_heal() {
        let calm = Calm::of(&spec(
            r#"{"at_ms": 10000, "partition": {"groups": [["n0"], ["n1"]]}},
               {"at_ms": 30000, "heal": {}},
               {"at_ms": 50000, "publish": {"node": "n0", "data": "x"}}"#,
        ));
        assert!(!calm.lossless && calm.splits && calm.clean_end && !calm.forged);
        assert!(calm.partitioned);
        assert_eq!(calm.quiet_from_ms, 30000);
    }

    #[test]
    fn a_partition_never_healed_or_a_lasting_loss_is_not_a_clean_end() {
        let cut = r#"{"at_ms": 10000, "partition": {"groups": [["n0"], ["n1"]]}}"#;
        assert!(!Calm::of(&spec(cut)).clean_end);
        let lossy = Calm::of(&spec(r#"{"at_ms": 10000, "loss": {"value": 0.1}}"#));
        assert!(!lossy.clean_end && !lossy.lossless && !lossy.splits);
        let restored = Calm::of(&spec(
            r#"{"at_ms": 10000, "loss": {"value": 0.1}}, {"at_ms": 20000, "loss": {"value": 0}}"#,
        ));
        assert!(restored.clean_end && !restored.lossless);
    }

    #[test]
    fn a_pause_ends_with_its_length_and_a_crash_alone_keeps_the_run_lossless() {
        let paused = Calm::of(&spec(
            r#"{"at_ms": 10000, "pause": {"node": "n2", "for_ms": 7000}}"#,
        ));
        assert_eq!(paused.quiet_from_ms, 17000);
        assert!(paused.splits && paused.clean_end && !paused.partitioned);
        let crashed = Calm::of(&spec(r#"{"at_ms": 10000, "crash": {"node": "n2"}}"#));
        assert!(crashed.lossless && !crashed.splits && crashed.clean_end);
        assert_eq!(crashed.quiet_from_ms, 10000);
    }
}
