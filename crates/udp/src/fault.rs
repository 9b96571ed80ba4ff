//! Seeded fault injection at the send path: each datagram a node is about to send is dropped
//! with a probability (for tests and the loopback `cluster` mode; 0, the default, costs nothing).
//!
//! This is not protocol logic: the state machine already decided to send; the datagram just
//! never reaches the socket, as if the network had lost it. Drops are counted in
//! [`Stats::dropped_fault`](super::Stats).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::UdpError;

/// Mixed into the node's seed so that drop decisions use their own random stream, apart from
/// the node's peer choice.
const STREAM: u64 = 0x5EED_FA17_D209_0001;

/// The drop decision of one node: a probability and a seeded random stream.
#[derive(Debug)]
pub(crate) struct Fault {
    probability: f64,
    rng: ChaCha8Rng,
}

impl Fault {
    /// A fault injector dropping with `probability`, its stream derived from `seed`.
    pub(crate) fn new(probability: f64, seed: u64) -> Result<Fault, UdpError> {
        Ok(Fault {
            probability: checked_probability(probability)?,
            rng: ChaCha8Rng::seed_from_u64(seed ^ STREAM),
        })
    }

    /// Changes the probability (the stream goes on).
    pub(crate) fn set(&mut self, probability: f64) -> Result<(), UdpError> {
        self.probability = checked_probability(probability)?;
        Ok(())
    }

    /// Whether the next datagram is dropped. Draws nothing when the probability is 0, so a
    /// node without faults behaves exactly as before.
    pub(crate) fn drop_next(&mut self) -> bool {
        self.probability > 0.0 && self.rng.gen_bool(self.probability)
    }
}

/// `probability` if it is within 0 … 1 (a valid [`Config::drop_probability`](crate::Config::drop_probability)), else the typed error.
pub fn checked_probability(probability: f64) -> Result<f64, UdpError> {
    if (0.0..=1.0).contains(&probability) {
        Ok(probability)
    } else {
        Err(UdpError::DropProbability(probability))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_never_drops_one_always_does() {
        let mut none = Fault::new(0.0, 1).unwrap();
        let mut all = Fault::new(1.0, 1).unwrap();
        assert!((0..1000).all(|_| !none.drop_next()));
        assert!((0..1000).all(|_| all.drop_next()));
    }

    #[test]
    fn same_seed_same_drops_and_about_the_rate() {
        let draw = |seed| {
            let mut f = Fault::new(0.3, seed).unwrap();
            (0..10_000).map(|_| f.drop_next()).collect::<Vec<_>>()
        };
        assert_eq!(draw(5), draw(5));
        let dropped = draw(5).iter().filter(|d| **d).count();
        assert!((2_700..3_300).contains(&dropped), "{dropped}");
    }

    #[test]
    fn out_of_range_is_an_error() {
        for p in [-0.1, 1.5, f64::NAN] {
            assert!(matches!(
                Fault::new(p, 1),
                Err(UdpError::DropProbability(_))
            ));
        }
        assert!(Fault::new(0.5, 1).unwrap().set(2.0).is_err());
    }
}
