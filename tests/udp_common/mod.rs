//! Helpers for tests on real sockets: 127.0.0.1, OS-chosen ports, short cycles, and polling
//! with generous deadlines (the suite must pass on a loaded 2-core machine).

#![allow(dead_code)]

use std::time::{Duration, Instant};

use pekonode::udp::{Config, Node, NodeList};

/// The heartbeat cycle of the tests.
pub const CYCLE: Duration = Duration::from_millis(250);
/// The expiry timeout of the tests (Go's rule keeps it, being longer than the cycle).
pub const TIMEOUT: Duration = Duration::from_millis(1_500);
/// How long any condition may take to come true before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

pub fn config() -> Config {
    Config {
        protocol: pekonode::protocol::Config {
            cycle: CYCLE,
            timeout: TIMEOUT,
            ..pekonode::protocol::Config::hardened()
        },
        listen_addr: "127.0.0.1".to_string(),
        seed: Some(7),
        ..Config::default()
    }
}

pub fn node(name: &str, config: &Config) -> NodeList {
    NodeList::new(Node::new("127.0.0.1", 0, name), config.clone())
        .unwrap_or_else(|e| panic!("node {name}: {e}"))
}

/// Nodes that joined through the first one.
pub fn cluster(names: &[&str], config: &Config) -> Vec<NodeList> {
    let nodes: Vec<NodeList> = names.iter().map(|n| node(n, config)).collect();
    for n in &nodes[1..] {
        n.set(nodes[0].local().clone());
    }
    for n in &nodes {
        n.join();
    }
    nodes
}

/// The sorted names in a node's list.
pub fn names(list: &NodeList) -> Vec<String> {
    let mut names: Vec<String> = list.get().into_iter().map(|n| n.name).collect();
    names.sort();
    names
}

/// Whether every node lists exactly `expected` (sorted names).
pub fn all_list(nodes: &[&NodeList], expected: &[&str]) -> bool {
    nodes.iter().all(|n| names(n) == expected)
}

/// Polls `done` every 20 ms until it holds (returns the time it took) or `DEADLINE` passes
/// (panics with `what`).
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    for _ in 0..100_000 {
        if done() {
            return start.elapsed();
        }
        if start.elapsed() > DEADLINE {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out after {DEADLINE:?} waiting until {what}");
}

/// Checks that `ok` keeps holding for `period`, polling every 20 ms.
pub fn holds_for(period: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < period {
        if !ok() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}
