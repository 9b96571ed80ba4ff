//! Early die-out: under loss a heartbeat can die in its first hops (every copy the origin
//! sends lost, or every copy of the few nodes it reached), and then it misses almost every
//! node. The infinite cluster's coverage `π` is what a heartbeat reaches *once it has taken
//! off*; the miss probability of a heartbeat also counts the heartbeats that never do.
//!
//! The first hops are a branching process: each node reached sends `f` copies to distinct
//! fresh nodes (a handful of nodes out of thousands: collisions there are negligible), each
//! arriving with probability `1 − loss`, so its offspring is Binomial(`f`, `1 − loss`). Its
//! extinction probability `s` is the smallest root in `[0, 1]` of
//! `s = (loss + (1 − loss)·s)^f`, and a heartbeat misses a given node with probability
//! `q = s + (1 − s)(1 − π)` as the cluster grows (a die-out misses nearly every node; a
//! heartbeat that took off misses a share `1 − π`).

use super::push::limit_coverage;

/// Bisection steps: 60 halvings of `[0, 1]` leave a bracket far below f64's resolution here.
const STEPS: u32 = 60;

/// The probability that a heartbeat at fan-out `f` under `loss` dies out in its first hops
/// (the extinction probability of the branching process), rounded up: 1 when each node
/// passes it on to at most one other on average (`f·(1 − loss) ≤ 1`).
///
/// ```
/// use pekonode::advise::dieout::extinction;
/// // Fan-out 8, half the datagrams lost: about 0.5^8, when all of the origin's copies are lost.
/// assert!((extinction(8, 0.5) - 0.004034).abs() < 1e-6);
/// assert_eq!(extinction(4, 0.0), 0.0);
/// assert_eq!(extinction(2, 0.5), 1.0);
/// ```
pub fn extinction(f: u32, loss: f64) -> f64 {
    let p = 1.0 - loss;
    if f64::from(f) * p <= 1.0 {
        return 1.0;
    }
    if loss <= 0.0 {
        return 0.0;
    }
    let excess = |s: f64| (loss + p * s).powi(f as i32) - s;
    // `excess` is positive below the root and negative between it and 1 (the slope at 1 is
    // f·(1 − loss) − 1 > 0): keep the bracket's upper end, so the answer never falls short.
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..STEPS {
        let mid = 0.5 * (lo + hi);
        if excess(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// The probability that a heartbeat misses a given node at fan-out `f` under `loss` on an
/// infinite cluster, early die-out included: `s + (1 − s)(1 − π)`. Larger clusters approach it
/// from below (a finite cluster's infected sets steer copies to fresh nodes), so past the
/// Monte Carlo's size it is an upper bound. Non-increasing in `f`.
///
/// ```
/// use pekonode::advise::dieout::limit_miss;
/// // 50 % loss: fan-outs 6, 7, 8 miss 7.6 %, 4.2 %, 2.4 % of nodes.
/// assert!((limit_miss(6, 0.5) - 0.0758).abs() < 1e-4);
/// assert!((limit_miss(8, 0.5) - 0.0238).abs() < 1e-4);
/// ```
pub fn limit_miss(f: u32, loss: f64) -> f64 {
    let s = extinction(f, loss);
    let pi = limit_coverage(f64::from(f) * (1.0 - loss));
    (s + (1.0 - s) * (1.0 - pi)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extinction_is_the_smallest_root() {
        // Fan-out 3 at 50 % loss: s = ((1 + s)/2)³ has the root √5 − 2.
        assert!((extinction(3, 0.5) - (5f64.sqrt() - 2.0)).abs() < 1e-12);
        for f in 2..=16 {
            for loss in [0.05, 0.3, 0.5, 0.8] {
                let s = extinction(f, loss);
                let g = (loss + (1.0 - loss) * s).powi(f as i32);
                assert!((g - s).abs() < 1e-9, "f {f} loss {loss}: s {s}, g {g}");
            }
        }
    }

    #[test]
    fn the_limit_falls_with_the_fanout_and_rises_with_the_loss() {
        for loss in [0.0, 0.1, 0.5, 0.9, 0.95] {
            for f in 2..64 {
                assert!(
                    limit_miss(f + 1, loss) <= limit_miss(f, loss),
                    "f {f} loss {loss}"
                );
            }
        }
        for f in 2..=16 {
            assert!(limit_miss(f, 0.5) >= limit_miss(f, 0.4));
        }
        assert_eq!(limit_miss(2, 0.5), 1.0);
        assert_eq!(limit_miss(10, 0.9), 1.0);
    }
}
