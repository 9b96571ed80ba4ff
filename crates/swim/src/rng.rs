//! The caller's seeded stream, in the shape foca draws from.

use core::convert::Infallible;

use pekonode_proto::ChaCha8Rng;
use rand_chacha::rand_core::RngCore;

/// A [`ChaCha8Rng`] read through rand 0.10's traits (foca's), so a SWIM node draws from the
/// very stream its driver seeded: same seed, same run.
#[derive(Clone, Debug)]
pub(crate) struct SeededRng(pub(crate) ChaCha8Rng);

impl rand_core::TryRng for SeededRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}
