//! # pekonode-swim
//!
//! SWIM membership through the [`foca`] crate, behind PekoNode's protocol seam
//! ([`pekonode_proto::seam::Protocol`]): the simulator and the UDP runtime can drive it as they
//! drive PekoNode, and the same observers read its events.
//!
//! Sans-IO like PekoNode's node: `now` is an input, randomness is the caller's seeded
//! [`ChaCha8Rng`](pekonode_proto::ChaCha8Rng), outputs are polled. Packets are foca's
//! postcard-encoded bytes.
//!
//! ```
//! use pekonode_proto::seam::{Output, Protocol};
//! use pekonode_proto::{ChaCha8Rng, Event, SeedableRng, Time};
//! use pekonode_swim::{Swim, SwimConfig};
//!
//! let rng = |seed| ChaCha8Rng::seed_from_u64(seed);
//! let mut a = Swim::new(0u32, 0, SwimConfig::default(), rng(1)).unwrap();
//! let mut b = Swim::new(1u32, 0, SwimConfig::default(), rng(2)).unwrap();
//! b.join(Time::ZERO, &[0]);
//! // b announces itself to a; a answers; each now holds the other.
//! let Output::Transmit(announce) = b.poll_output() else { panic!() };
//! assert!(a.handle_packet(Time::ZERO, announce.packet.clone(), announce.packet.len()));
//! let mut reply = None;
//! loop {
//!     match a.poll_output() {
//!         Output::Transmit(t) => reply = Some(t.packet),
//!         Output::Event(e) => assert_eq!(e, Event::MemberJoined(pekonode_proto::NodeInfo::bare(1))),
//!         _ => break,
//!     }
//! }
//! let reply = reply.unwrap();
//! assert!(b.handle_packet(Time::ZERO, reply.clone(), reply.len()));
//! assert_eq!((a.members(), b.members()), (1, 1));
//! assert!(b.is_active());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod effects;
mod id;
mod metadata;
mod rng;
mod swim;
mod timers;

pub use config::{SwimConfig, SwimConfigError, MIN_PACKET};
pub use id::{Address, SwimId};
pub use swim::Swim;

/// foca itself, for its [`Identity`](foca::Identity) trait and its [`Config`](foca::Config).
pub use foca;
