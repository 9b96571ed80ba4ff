//! The loopback cluster mode on 127.0.0.1: convergence and report files, crash detection,
//! send-path drops, refusals, and the `pekonode cluster` command.
//!
//! Runs are short (a 250 ms cycle) and assertions have wide margins: the suite must pass on a
//! loaded 2-core machine.

use std::process::Command;
use std::time::Duration;

use pekonode::cluster::{self, ClusterError};
use pekonode::protocol::{Config, Forwarding};
use pekonode::run::{Action, Latency, Limits, NetworkSpec, NodeIndex, Outcome, Plan, Timed};
use pekonode::udp::{self, NodeList};

const CYCLE: Duration = Duration::from_millis(250);
const TIMEOUT: Duration = Duration::from_millis(1_500);

/// `n` nodes joining through n0 at time 0, then `events`.
fn plan(name: &str, n: u32, duration: Duration, loss: f64, events: Vec<Timed>) -> Plan {
    let mut timeline: Vec<Timed> = (0..n)
        .map(|i| Timed {
            at: Duration::ZERO,
            action: Action::Join {
                node: i,
                contacts: if i == 0 { vec![] } else { vec![0 as NodeIndex] },
            },
        })
        .collect();
    timeline.extend(events);
    Plan {
        name: name.into(),
        seed: 3,
        duration,
        sample_interval: Duration::from_millis(100),
        protocol: Default::default(),
        config: Config {
            amount: 3,
            cycle: CYCLE,
            // A roomy receive queue: on a loaded machine the default (9) drops bursts.
            buffer: 256,
            size: 0,
            timeout: TIMEOUT,
            forwarding: Forwarding::FirstCopy,
            rejoin: Duration::ZERO,
            trust: Default::default(),
        },
        network: NetworkSpec {
            latency: Latency::Constant(Duration::ZERO),
            loss,
            duplicate: 0.0,
            links: Vec::new(),
            service_time: Duration::ZERO,
        },
        nodes: (0..n).map(|i| format!("n{i}")).collect(),
        timeline,
        limits: Limits::default(),
        wire: Default::default(),
    }
}

fn run(plan: &Plan) -> Outcome {
    cluster::run(plan, |_| {}).unwrap_or_else(|e| panic!("cluster run failed: {e}"))
}

#[test]
fn ten_nodes_converge_and_write_every_report_file() {
    let outcome = run(&plan("ten", 10, Duration::from_secs(6), 0.0, vec![]));
    let first = outcome.convergence.first_converged_ms;
    eprintln!("10 nodes, 250 ms cycle: converged first at {first:?} ms");
    assert!(first.is_some_and(|t| t < 5_000.0), "{first:?}");
    assert!(
        outcome.samples.len() >= 20,
        "{} samples",
        outcome.samples.len()
    );
    assert!(outcome.traffic.sent > 0 && outcome.traffic.heartbeats >= 10 * 20);
    assert!(outcome.traffic.datagrams_per_heartbeat > 1.0);
    // Infection curves are not observable on real sockets: empty, and said so.
    assert!(outcome.infection.by_time.is_empty() && outcome.infection.by_hop.is_empty());
    assert!(outcome.notes.iter().any(|n| n.contains("infection spread")));
    assert!(outcome.real_sockets);

    let dir = tempfile::tempdir().expect("temp dir");
    let written = pekonode::report::write(&outcome, dir.path()).expect("report");
    for name in pekonode::report::file_names(&outcome) {
        let path = dir.path().join(&name);
        assert!(written.contains(&path), "{name} not written");
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert!(len > 0, "{name} is empty");
    }
}

#[test]
fn a_crash_is_detected_within_timeout_and_a_margin() {
    let crash = Timed {
        at: Duration::from_secs(2),
        action: Action::Crash { node: 2 },
    };
    let outcome = run(&plan("crash", 6, Duration::from_secs(8), 0.0, vec![crash]));
    let d = &outcome.failure_detection;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].node.as_str(), d[0].cause.as_str()), ("n2", "crash"));
    let took = d[0].all_removed_after_ms;
    eprintln!("crash detected everywhere after {took:?} ms (timeout {TIMEOUT:?})");
    // The last heartbeat was at most a cycle before the crash; then the timeout; plus slack.
    let limit = (TIMEOUT + CYCLE).as_secs_f64() * 1_000.0 + 3_000.0;
    assert!(took.is_some_and(|t| t <= limit), "{took:?} > {limit}");
    // Not before the timeout could have passed.
    assert!(
        took.is_some_and(|t| t >= TIMEOUT.as_secs_f64() * 1_000.0 - CYCLE.as_secs_f64() * 1_000.0)
    );
    assert!(outcome
        .convergence
        .after_events
        .iter()
        .any(|e| e.label == "crash n2"));
}

#[test]
fn send_path_drops_lose_packets_and_are_counted() {
    let outcome = run(&plan("lossy", 5, Duration::from_secs(3), 0.3, vec![]));
    let t = &outcome.traffic;
    let share = t.lost as f64 / t.sent as f64;
    eprintln!(
        "drop 0.3: {} of {} datagrams dropped ({share:.3})",
        t.lost, t.sent
    );
    assert!(t.sent > 100, "{t:?}");
    assert!((0.15..0.45).contains(&share), "{share}");
    assert!(outcome.per_cycle.iter().map(|c| c.lost).sum::<u64>() == t.lost);
}

#[test]
fn a_node_list_with_drop_probability_one_sends_nothing() {
    let config = udp::Config {
        protocol: pekonode::protocol::Config {
            cycle: CYCLE,
            ..udp::Config::default().protocol
        },
        listen_addr: "127.0.0.1".into(),
        seed: Some(1),
        drop_probability: 1.0,
        ..udp::Config::default()
    };
    let a = NodeList::new(udp::Node::new("127.0.0.1", 0, "A"), config.clone()).expect("A");
    let b = NodeList::new(udp::Node::new("127.0.0.1", 0, "B"), config).expect("B");
    a.set(b.local().clone());
    a.join();
    for _ in 0..500 {
        if a.stats().dropped_fault >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = a.stats();
    assert!(s.dropped_fault >= 3 && s.sent == 0, "{s:?}");
    assert!(a.set_drop_probability(1.5).is_err());
    a.set_drop_probability(0.0).expect("0 is a probability");
}

#[test]
fn partitions_are_refused_with_a_clear_message() {
    let cut = Timed {
        at: Duration::from_secs(1),
        action: Action::Partition {
            groups: vec![vec![0], vec![1]],
            oneway: false,
        },
    };
    let err = cluster::run(
        &plan("cut", 2, Duration::from_secs(2), 0.0, vec![cut]),
        |_| {},
    )
    .expect_err("partitions cannot be played");
    assert!(matches!(err, ClusterError::Unplayable(_)), "{err}");
    assert!(err.to_string().contains("partition"), "{err}");
}

#[test]
fn the_cli_writes_its_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("udp-5");
    let output = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args([
            "cluster",
            "--nodes",
            "5",
            "--cycle",
            "250ms",
            "--duration",
            "3s",
        ])
        .args([
            "--sample", "100ms", "--buffer", "256", "--drop", "0.05", "--seed", "9",
        ])
        .args(["--publish", "n1@1s", "--out"])
        .arg(&out)
        .output()
        .expect("run pekonode cluster");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("converged first at"), "{stdout}");
    assert!(stdout.contains("metadata spread"), "{stdout}");
    assert!(stderr.contains("cluster udp-5: 5 nodes"), "{stderr}");
    for name in ["summary.json", "convergence.svg", "traffic.png"] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    assert!(
        !out.join("infection.svg").exists(),
        "no empty infection chart on real sockets"
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary");
    assert!(summary.contains("\"notes\""), "{summary}");

    // Bad input is an error with a message, not a panic.
    let bad = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args([
            "cluster",
            "--nodes",
            "3",
            "--crash",
            "n7@1s",
            "--duration",
            "2s",
        ])
        .output()
        .expect("run pekonode cluster");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("n7"));
}
