//! The discrete-event simulator: many protocol nodes on a virtual clock and a seeded network.

pub mod outcome;

pub use outcome::Outcome;
