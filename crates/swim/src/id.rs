//! Who a SWIM node is: its address plus a bump, so that a restarted node rejoins.

use core::fmt::Debug;
use core::hash::Hash;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What a driver addresses a node by: the simulator's node index, the UDP runtime's socket
/// address. Anything ordered, hashable and serializable (it travels in foca's packets).
pub trait Address: Clone + Ord + Hash + Debug + Serialize + DeserializeOwned {}

impl<A: Clone + Ord + Hash + Debug + Serialize + DeserializeOwned> Address for A {}

/// A SWIM identity: an address and a bump (foca's [`Identity`](foca::Identity)).
///
/// SWIM never lets an identity it declared down back in: a node that comes back takes a new
/// bump. Of two identities at one address the one with the later bump wins (serial-number
/// order, so the bump may wrap).
///
/// ```
/// use foca::Identity;
/// use pekonode_swim::SwimId;
///
/// let a = SwimId::new(7u32, 0);
/// let renewed = a.renew().unwrap();
/// assert_eq!((renewed.addr, renewed.bump), (7, 1));
/// assert!(renewed.win_addr_conflict(&a) && !a.win_addr_conflict(&renewed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SwimId<A> {
    /// Where the node is reached.
    pub addr: A,
    /// Which life of the node at `addr` this is.
    pub bump: u16,
}

impl<A> SwimId<A> {
    /// The identity of the node at `addr` in its life `bump`.
    pub fn new(addr: A, bump: u16) -> SwimId<A> {
        SwimId { addr, bump }
    }
}

impl<A: Clone + PartialEq + Debug + Eq> foca::Identity for SwimId<A> {
    type Addr = A;

    /// Opting in to foca's automatic rejoin: a node declared down comes back as its next life.
    fn renew(&self) -> Option<Self> {
        Some(SwimId::new(self.addr.clone(), self.bump.wrapping_add(1)))
    }

    fn addr(&self) -> A {
        self.addr.clone()
    }

    fn win_addr_conflict(&self, adversary: &Self) -> bool {
        // Serial-number arithmetic (RFC 1982): later by less than half the range wins.
        let ahead = self.bump.wrapping_sub(adversary.bump);
        ahead != 0 && ahead < u16::MAX / 2
    }
}
