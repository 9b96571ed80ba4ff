//! Built-in invariant: packets are conserved. Every packet that came in (sent, copied by the
//! network, injected by a rogue) is delivered, dropped for one reason, or still in flight:
//! a path of an engine that loses a packet without a record, or counts one twice, breaks it.

use crate::invariant::{Breach, Invariant, Moment};

/// Sent + duplicated + injected = delivered + dropped + taken apart + in flight.
pub(crate) struct PacketsConserved;

impl Invariant for PacketsConserved {
    fn name(&self) -> &str {
        "packets conserved"
    }

    fn check(&mut self, at: &Moment<'_>) -> Result<(), Breach> {
        let Some(state) = at.state else {
            return Ok(());
        };
        let l = state.packets();
        if l.balance() == 0 {
            return Ok(());
        }
        Err(format!(
            "{} packets came in (sent {}, duplicated {}, injected {}) but {} are accounted for \
             (delivered {}, dropped {}, a rogue's delivered {}, in flight {})",
            u128::from(l.sent) + u128::from(l.duplicated) + u128::from(l.injected),
            l.sent,
            l.duplicated,
            l.injected,
            u128::from(l.delivered)
                + u128::from(l.dropped)
                + u128::from(l.apart)
                + u128::from(l.in_flight),
            l.delivered,
            l.dropped,
            l.apart,
            l.in_flight,
        )
        .into())
    }
}
