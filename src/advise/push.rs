//! How often one heartbeat misses one node under first-copy forwarding with full views: the
//! share `π` push gossip reaches (`π = 1 − e^(−fπ)` as `n → ∞`), and at a finite size a
//! seeded Monte Carlo of the very rule the protocol follows.
//!
//! The rule (see `pekonode_proto`'s `broadcast`): the origin sends to `f` random members not in
//! the packet's infected set; each copy carries that set enlarged by every pick; a node
//! forwards the first copy it receives to `f` random members not in the set it carried, and
//! drops later copies. A copy is lost with probability `loss`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The share push gossip at fan-out `f` reaches on an infinite cluster: the root of
/// `π = 1 − e^(−fπ)` (0 when `f ≤ 1`).
///
/// ```
/// let pi = pekonode::advise::push::limit_coverage(3.0);
/// assert!((pi - 0.9405).abs() < 1e-4);
/// ```
pub fn limit_coverage(f: f64) -> f64 {
    if f <= 1.0 {
        return 0.0;
    }
    let mut pi = 1.0;
    for _ in 0..200 {
        let next = 1.0 - (-f * pi).exp();
        if (next - pi).abs() < 1e-15 {
            return next;
        }
        pi = next;
    }
    pi
}

/// One copy on its way: arrival time, receiver, and the infected set it carries (sorted).
type Copy = (Reverse<u64>, u32, Vec<u32>);

/// What the Monte Carlo measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PushEstimate {
    /// Probability that one heartbeat misses a given other node.
    pub miss: f64,
    /// Copies sent per heartbeat.
    pub copies: f64,
    /// Mean size of the infected set a copy carries (its bytes grow with it).
    pub carried: f64,
}

/// The probability that one heartbeat misses a given other node of `n` (full views) at
/// fan-out `f` and copy loss `loss`, estimated over `trials` heartbeats from `seed`: the
/// mean share of the `n − 1` others left unreached.
pub fn miss_probability(n: u32, f: u32, loss: f64, trials: u32, seed: u64) -> f64 {
    estimate(n, f, loss, trials, seed).miss
}

/// [`miss_probability`], with the copies a heartbeat costs and the set they carry.
pub fn estimate(n: u32, f: u32, loss: f64, trials: u32, seed: u64) -> PushEstimate {
    if n < 2 || trials == 0 {
        return PushEstimate {
            miss: 0.0,
            copies: 0.0,
            carried: 1.0,
        };
    }
    let (mut copies, mut carried) = (0u64, 0u64);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut reached = vec![false; n as usize];
    let mut missed_total = 0u64;
    let mut queue: BinaryHeap<Copy> = BinaryHeap::new();
    let mut picks = Vec::with_capacity(f as usize);
    for _ in 0..trials {
        reached.iter_mut().for_each(|r| *r = false);
        reached[0] = true;
        let mut count = 1u32;
        queue.clear();
        send(&mut rng, n, f, loss, 0, &[0], 0, &mut picks, &mut queue);
        while let Some((Reverse(at), to, set)) = queue.pop() {
            copies += 1;
            carried += set.len() as u64;
            if reached[to as usize] {
                continue;
            }
            reached[to as usize] = true;
            count += 1;
            send(&mut rng, n, f, loss, to, &set, at, &mut picks, &mut queue);
        }
        missed_total += u64::from(n - count);
    }
    let watched = f64::from(trials) * f64::from(n - 1);
    PushEstimate {
        // No miss seen is not a miss probability of 0: take the rule of three's 95 % bound.
        miss: if missed_total == 0 {
            3.0 / watched
        } else {
            missed_total as f64 / watched
        },
        copies: copies as f64 / f64::from(trials),
        carried: if copies == 0 {
            1.0
        } else {
            carried as f64 / copies as f64
        },
    }
}

/// `from` sends to up to `f` random nodes outside `set` (its own included); each copy
/// carries `set` ∪ picks and arrives after a random delay, unless lost.
#[allow(clippy::too_many_arguments)]
fn send(
    rng: &mut ChaCha8Rng,
    n: u32,
    f: u32,
    loss: f64,
    from: u32,
    set: &[u32],
    now: u64,
    picks: &mut Vec<u32>,
    queue: &mut BinaryHeap<Copy>,
) {
    picks.clear();
    let free = n as usize - set.len() - usize::from(set.binary_search(&from).is_err());
    let want = (f as usize).min(free);
    // Rejection sampling: sets hold a few dozen nodes, far fewer than n.
    let mut tries = 0;
    while picks.len() < want && tries < 64 * want + 64 {
        tries += 1;
        let c = rng.gen_range(0..n);
        if c != from && set.binary_search(&c).is_err() && !picks.contains(&c) {
            picks.push(c);
        }
    }
    let mut carried = set.to_vec();
    carried.extend_from_slice(picks);
    if carried.binary_search(&from).is_err() {
        carried.push(from);
    }
    carried.sort_unstable();
    carried.dedup();
    for &to in picks.iter() {
        if loss > 0.0 && rng.gen::<f64>() < loss {
            continue;
        }
        // Latency 1–3 units: which copy comes first varies, as on a real network.
        let at = now + rng.gen_range(1_000..3_000);
        queue.push((Reverse(at), to, carried.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_matches_known_roots() {
        assert!((limit_coverage(2.0) - 0.796_812).abs() < 1e-6);
        assert!((limit_coverage(3.0) - 0.940_480).abs() < 1e-6);
        assert!((limit_coverage(6.0) - 0.997_484).abs() < 1e-6);
        assert_eq!(limit_coverage(1.0), 0.0);
    }

    #[test]
    fn monte_carlo_approaches_the_limit_from_above_and_is_seeded() {
        let q = miss_probability(2_000, 3, 0.0, 200, 1);
        let limit = 1.0 - limit_coverage(3.0);
        // Finite clusters do a little better than the limit (and the set avoids repeats).
        assert!(q < limit && q > 0.8 * limit, "q {q} vs limit {limit}");
        assert_eq!(q, miss_probability(2_000, 3, 0.0, 200, 1));
        assert!(miss_probability(200, 3, 0.2, 200, 1) > miss_probability(200, 3, 0.0, 200, 1));
        assert_eq!(miss_probability(1, 3, 0.0, 10, 1), 0.0);
        assert!(
            miss_probability(30, 12, 0.0, 10, 1) > 0.0,
            "never 0 from a finite sample"
        );
    }
}
