//! Synthetic `Outcome`s for the report tests: a realistic first-copy run, a faithful run
//! stopped by the explosion guard, and degenerate ones.

use crate::run::outcome::*;
use crate::run::stats::latency;

/// A tiny deterministic noise source (an LCG), values in [0, 1).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn protocol(forwarding: &str) -> ProtocolSummary {
    ProtocolSummary {
        forwarding: forwarding.to_owned(),
        amount: 3,
        cycle_ms: 1000.0,
        timeout_ms: 5000.0,
        size: 16384,
        buffer: 1024,
    }
}

fn stats(values: [f64; 7]) -> Stats {
    let [count, mean, min, p10, median, p90, max] = values;
    Stats {
        count: count as u64,
        mean,
        min,
        p10,
        median,
        p90,
        max,
    }
}

/// Logistic curve from 0 to 1 centred at `mid` with `width`.
fn logistic(x: f64, mid: f64, width: f64) -> f64 {
    1.0 / (1.0 + (-(x - mid) / width).exp())
}

/// 50 nodes (51 after a join), 180 s, a crash at 60 s, a publish, a join and a loss change.
pub(crate) fn realistic() -> Outcome {
    let mut noise = Noise(7);
    let marks = vec![
        Mark {
            at_ms: 60_000.0,
            label: "crash n7".into(),
        },
        Mark {
            at_ms: 90_000.0,
            label: "publish n2".into(),
        },
        Mark {
            at_ms: 120_000.0,
            label: "join n50".into(),
        },
        Mark {
            at_ms: 121_000.0,
            label: "loss 10 %".into(),
        },
    ];
    let mut samples = Vec::new();
    let mut sent = 0u64;
    for i in 0..=180u32 {
        let t = f64::from(i);
        let up = if t < 60.0 {
            50
        } else if t < 120.0 {
            49
        } else {
            50
        };
        let mut c = 0.1 + 0.9 * logistic(t, 8.0, 2.0);
        if (60.0..68.0).contains(&t) {
            c = 0.0;
        } else if (68.0..74.0).contains(&t) {
            c = (t - 67.0) / 7.0;
        } else if (120.0..126.0).contains(&t) {
            c = 0.3 + 0.1 * (t - 120.0);
        }
        let c = (c.min(1.0) * 50.0).round() / 50.0;
        sent += 7_400 + (noise.next() * 300.0) as u64;
        samples.push(Sample {
            t_ms: t * 1000.0,
            up,
            converged_fraction: c,
            mean_view: f64::from(up as u32) - 1.0 + c,
            min_view: up - 3,
            max_view: up,
            in_flight: 40 + (noise.next() * 20.0) as u64,
            sent,
            delivered: sent * 95 / 100,
        });
    }
    let by_time = (0..=40)
        .map(|k| {
            let x = f64::from(k) * 10.0;
            let m = logistic(x, 120.0, 25.0);
            BandPoint {
                x,
                p10: logistic(x, 170.0, 30.0),
                median: m,
                p90: logistic(x, 90.0, 20.0),
            }
        })
        .map(|mut p| {
            if p.x == 0.0 {
                (p.p10, p.median, p.p90) = (0.02, 0.02, 0.02);
            }
            p
        })
        .collect();
    let by_hop = [0.02, 0.08, 0.24, 0.62, 0.91, 0.99, 1.0, 1.0]
        .iter()
        .enumerate()
        .map(|(h, &m)| BandPoint {
            x: h as f64,
            p10: (m * 0.8_f64).max(0.02),
            median: m,
            p90: (m * 1.25_f64).min(1.0),
        })
        .collect();
    let per_cycle: Vec<CycleTraffic> = (0..180)
        .map(|k| {
            let sent = 7_400 + (noise.next() * 300.0) as u64;
            let loss = if k >= 121 { 0.10 } else { 0.02 };
            let lost = (sent as f64 * loss) as u64;
            let dropped = if (60..66).contains(&k) { 140 } else { 0 };
            let delivered = sent - lost - dropped;
            CycleTraffic {
                start_ms: f64::from(k) * 1000.0,
                sent,
                delivered,
                lost,
                dropped,
                duplicates: delivered * 2 / 3,
                bytes_sent: sent * 1450,
            }
        })
        .collect();
    Outcome {
        scenario: "quickstart".into(),
        seed: 42,
        protocol: protocol("first-copy"),
        nodes: 51,
        duration_ms: 180_000.0,
        ended_at_ms: 180_000.0,
        stopped: None,
        samples,
        convergence: Convergence {
            first_converged_ms: Some(17_000.0),
            final_fraction: 1.0,
            converged_time_share: 0.83,
            after_events: marks
                .iter()
                .map(|m| ConvergenceAfter {
                    label: m.label.clone(),
                    at_ms: m.at_ms,
                    converged_after_ms: Some(14_000.0),
                })
                .collect(),
        },
        marks,
        infection: Infection {
            heartbeats: 8950,
            sampled: 512,
            by_time,
            by_hop,
            coverage: stats([512.0, 0.995, 0.94, 0.98, 1.0, 1.0, 1.0]),
            coverage_steady: stats([500.0, 0.996, 0.95, 0.98, 1.0, 1.0, 1.0]),
            warmup_ms: 12_000.0,
            spread_ms: stats([512.0, 231.0, 120.0, 160.0, 220.0, 310.0, 480.0]),
        },
        traffic: Traffic {
            sent: 1_340_000,
            delivered: 1_290_000,
            lost: 49_000,
            dropped_partition: 0,
            dropped_oversize: 0,
            dropped_queue: 3,
            dropped_down: 840,
            duplicated: 0,
            duplicates: 860_000,
            bytes_sent: 1_943_000_000,
            bytes_delivered: 1_870_000_000,
            heartbeats: 8950,
            heartbeat_packets: 1_316_000,
            packets_per_heartbeat: 147.04,
            datagrams_per_heartbeat: 149.72,
            per_node_per_cycle: 149.7,
        },
        per_cycle,
        failure_detection: vec![Detection {
            node: "n7".into(),
            cause: "crash".into(),
            at_ms: 60_000.0,
            all_removed_after_ms: Some(6_200.0),
            mean_removal_after_ms: Some(5_600.0),
        }],
        false_removals: 0,
        attacks: Default::default(),
        metadata: vec![MetadataSpread {
            node: "n2".into(),
            at_ms: 90_000.0,
            version: 1_700_000_000_000_000_000,
            everywhere_after_ms: Some(2_100.0),
        }],
        per_op: PerOp {
            heartbeat: OpStats {
                ops: 3_840,
                msgs_per_op: Some(48.9),
                stable_latency_ms: latency(3_800, vec![38.0, 120.0, 160.0, 220.0, 512.0]),
            },
            publish: OpStats {
                ops: 1,
                msgs_per_op: Some(187_776.0),
                stable_latency_ms: latency(1, vec![2_100.0]),
            },
        },
        real_sockets: false,
        infection_measured: true,
        notes: Vec::new(),
        violations: Vec::new(),
        playback: None,
    }
}

/// 16 nodes, faithful forwarding: traffic triples every cycle until the guard stops the run.
pub(crate) fn explosion() -> Outcome {
    let mut o = realistic();
    o.scenario = "faithful_16".into();
    o.protocol = protocol("faithful");
    o.nodes = 16;
    o.duration_ms = 60_000.0;
    o.ended_at_ms = 14_200.0;
    let message = "packets per cycle passed max_packets_per_cycle (1e7) at 14.2 s: faithful \
                   forwarding re-forwards every copy; first-copy forwarding avoids it";
    o.stopped = Some(GuardStop {
        at_ms: 14_200.0,
        limit: "max_packets_per_cycle".into(),
        limit_value: 10_000_000,
        value: 14_348_907,
        message: message.into(),
    });
    o.marks = vec![Mark {
        at_ms: 0.0,
        label: "start".into(),
    }];
    o.samples.retain(|s| s.t_ms <= 14_000.0);
    for s in &mut o.samples {
        s.up = 16;
    }
    o.per_cycle = (0..15u32)
        .map(|k| {
            let sent = 3u64.pow(k);
            CycleTraffic {
                start_ms: f64::from(k) * 1000.0,
                sent,
                delivered: sent - sent / 50,
                lost: sent / 50,
                dropped: if k > 10 { sent / 100 } else { 0 },
                duplicates: sent.saturating_sub(16 * 3),
                bytes_sent: sent * 900,
            }
        })
        .collect();
    o.convergence.first_converged_ms = None;
    o.convergence.final_fraction = 0.75;
    o.traffic.packets_per_heartbeat = 21_523_360.0;
    o
}

/// Nothing measured at all: no samples, no heartbeat, no traffic, all `None`s.
pub(crate) fn empty() -> Outcome {
    Outcome {
        scenario: "empty".into(),
        seed: 0,
        protocol: protocol("first-copy"),
        nodes: 0,
        duration_ms: 0.0,
        ended_at_ms: 0.0,
        stopped: None,
        samples: Vec::new(),
        marks: Vec::new(),
        convergence: Convergence {
            first_converged_ms: None,
            final_fraction: 1.0,
            converged_time_share: 0.0,
            after_events: Vec::new(),
        },
        infection: Infection {
            heartbeats: 0,
            sampled: 0,
            by_time: Vec::new(),
            by_hop: Vec::new(),
            coverage: Stats::default(),
            coverage_steady: Stats::default(),
            warmup_ms: 0.0,
            spread_ms: Stats::default(),
        },
        traffic: Traffic::default(),
        per_cycle: Vec::new(),
        failure_detection: Vec::new(),
        false_removals: 0,
        attacks: Default::default(),
        metadata: Vec::new(),
        per_op: PerOp::default(),
        real_sockets: false,
        infection_measured: true,
        notes: Vec::new(),
        violations: Vec::new(),
        playback: None,
    }
}

/// One sample, one cycle of all-zero traffic, one band point, a mark at 0 and an unfinished
/// detection.
pub(crate) fn single() -> Outcome {
    let mut o = empty();
    o.scenario = "single".into();
    o.nodes = 1;
    o.duration_ms = 1000.0;
    o.ended_at_ms = 1000.0;
    o.samples = vec![Sample {
        t_ms: 0.0,
        up: 1,
        converged_fraction: 1.0,
        mean_view: 0.0,
        min_view: 0,
        max_view: 0,
        in_flight: 0,
        sent: 0,
        delivered: 0,
    }];
    o.marks = vec![Mark {
        at_ms: 0.0,
        label: "join n0".into(),
    }];
    o.per_cycle = vec![CycleTraffic::default()];
    o.infection.by_time = vec![BandPoint {
        x: 0.0,
        p10: 1.0,
        median: 1.0,
        p90: 1.0,
    }];
    o.infection.by_hop = vec![BandPoint {
        x: 0.0,
        p10: 1.0,
        median: 1.0,
        p90: 1.0,
    }];
    o.failure_detection = vec![Detection {
        node: "n9".into(),
        cause: "stop".into(),
        at_ms: 0.0,
        all_removed_after_ms: None,
        mean_removal_after_ms: None,
    }];
    o
}
