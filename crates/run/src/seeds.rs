//! Random streams derived from one seed, split here once for every driver: one per node
//! incarnation, one per sender's network draws, one for bootstrap, one per nemesis. Changing
//! the loss rate changes no node's stream.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a stream is for; each domain gets its own ChaCha key.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Domain {
    /// A node's protocol randomness (target choice).
    Node = 1,
    /// The network's draws (loss, latency, duplication) for packets one node sends.
    Link = 2,
    /// Bootstrap contact choice.
    Bootstrap = 3,
    /// A nemesis' fault schedule (one stream per nemesis event), apart from every other
    /// stream so that adding one changes nothing else.
    Nemesis = 4,
}

/// The stream `index` of `domain` under `seed`.
pub fn stream(seed: u64, domain: Domain, index: u64) -> ChaCha8Rng {
    // SplitMix64 finaliser: spreads (seed, domain) over the key so nearby seeds are unrelated.
    let mut z = seed ^ (domain as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mut rng = ChaCha8Rng::seed_from_u64(z);
    rng.set_stream(index);
    rng
}

/// The bootstrap stream of a plan with this seed.
pub fn bootstrap_stream(seed: u64) -> ChaCha8Rng {
    stream(seed, Domain::Bootstrap, 0)
}
