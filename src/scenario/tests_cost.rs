//! The cost estimate and its refusals.

use super::*;
use std::time::Duration;

fn config(cycle_ms: u64, forwarding: Forwarding) -> Config {
    Config {
        cycle: Duration::from_millis(cycle_ms),
        amount: 3,
        forwarding,
        ..Config::default()
    }
}

#[test]
fn faithful_cost_is_the_documented_recurrence() {
    assert_eq!(per_heartbeat(16, 3, Forwarding::Faithful), 363.0);
    assert_eq!(per_heartbeat(31, 3, Forwarding::Faithful), 88_572.0);
    assert_eq!(per_heartbeat(1, 3, Forwarding::Faithful), 0.0);
    assert_eq!(per_heartbeat(16, 3, Forwarding::FirstCopy), 48.0);
    assert!(per_heartbeat(10_000, 3, Forwarding::Faithful).is_finite());
}

#[test]
fn a_one_ms_cycle_for_a_week_is_dominated_by_its_series() {
    let c = config(1, Forwarding::FirstCopy);
    let e = CostEstimate::new(2, &c, 7 * 86_400_000, 1000, &Limits::default(), None);
    assert_eq!(e.cycles, 604_800_000);
    assert!(e.memory_bytes() > MAX_MEMORY_BYTES);
    assert!(e.series_bytes > e.views_bytes);
}

#[test]
fn the_guard_bounds_a_faithful_explosion() {
    let c = config(6000, Forwarding::Faithful);
    let e = CostEstimate::new(34, &c, 30_000, 1000, &Limits::default(), None);
    assert!(e.guard_stops);
    assert_eq!(e.packets, Limits::default().max_packets_per_cycle as f64);
    assert!(e.memory_bytes() < MAX_MEMORY_BYTES);
}

#[test]
fn large_views_slow_the_time_estimate_down() {
    let c = config(30_000, Forwarding::FirstCopy);
    let limits = Limits::default();
    let small = CostEstimate::new(100, &c, 600_000, 1000, &limits, Some(Bootstrap::All));
    assert_eq!(small.seconds(), small.packets / PACKETS_PER_SECOND);
    // 5,000 nodes with full views: 425 MB of views, measured at about 0.76 M packets/s.
    let big = CostEstimate::new(5_000, &c, 600_000, 1000, &limits, Some(Bootstrap::All));
    let rate = big.packets / big.seconds();
    assert!((0.6e6..0.9e6).contains(&rate), "{rate}");
}

#[test]
fn the_machine_memory_is_read_from_meminfo() {
    let text = "MemTotal:       24683772 kB\nMemFree:  1 kB\n";
    assert_eq!(mem_total(text), Some(24_683_772 * 1024));
    assert_eq!(mem_total("MemFree: 1 kB"), None);
    assert!(machine_memory_bytes() > 0);
}

/// The problems `check_on` records for `nodes` nodes with full views on a machine with
/// `machine` bytes, under `limits`.
fn refusals(nodes: u64, limits: &Limits, machine: u64) -> Vec<String> {
    let c = config(30_000, Forwarding::FirstCopy);
    let e = CostEstimate::new(nodes, &c, 600_000, 1000, limits, Some(Bootstrap::All));
    let mut ck = Checker::default();
    check_on(&mut ck, &e, Forwarding::FirstCopy, limits, machine);
    ck.lines()
}

#[test]
fn a_limit_above_the_machine_counts_as_the_machine() {
    // 30,000 nodes: 15 GB of views. Allowed by a 1 TB limit, not by an 8 GB machine.
    let limits = Limits {
        max_memory_mb: 1_000_000,
        ..Limits::default()
    };
    assert!(refusals(30_000, &limits, 1 << 40).is_empty());
    let said = refusals(30_000, &limits, 8 << 30);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("this machine's 8.6 GB"), "{said:?}");
    assert!(said[0].contains("limits.max_memory_mb 1000000 is more than it has"));
    assert!(said[0].contains("run it on a larger machine"), "{said:?}");
}

#[test]
fn the_hint_never_suggests_fewer_than_two_nodes() {
    // The packets in flight alone (20 million × 384 bytes) fill a 4 GiB limit.
    let limits = Limits {
        max_in_flight: 20_000_000,
        max_packets_per_cycle: 1_000_000_000,
        ..Limits::default()
    };
    let said = refusals(20_000, &limits, 1 << 40);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(!said[0].contains("at most about 0 nodes"), "{said:?}");
    assert!(said[0].contains("lower limits.max_in_flight"), "{said:?}");
}

#[test]
fn counts_and_sizes_read_plainly() {
    assert_eq!(count(1_234.0), "1,234");
    assert_eq!(count(12.0), "12");
    assert_eq!(count(3.4e9), "3.4e9");
    assert_eq!(bytes(4 << 30), "4.3 GB");
    assert_eq!(bytes(12_000_000), "12.0 MB");
}
