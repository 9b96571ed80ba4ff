//! What faults and adversaries did: forged packets, rejections by reason, made-up identities
//! held in views, packets held for paused nodes, pauses and the faults a nemesis started.

use std::collections::BTreeMap;

use crate::faults::NemesisFault;
use crate::outcome::Attacks;

/// Counts for [`Attacks`]; made-up identities are those numbered at or after the plan's nodes.
#[derive(Default)]
pub(crate) struct AttackCounter {
    forged: u64,
    // A BTreeMap keyed by the protocol's stable names: the outcome lists them in name order.
    rejected: BTreeMap<&'static str, u64>,
    fake_entries: u64,
    fake_entries_peak: u64,
    held: u64,
    pauses: u64,
    // Keyed by the fault's stable name: the outcome lists them in name order.
    nemesis: BTreeMap<&'static str, u64>,
}

impl AttackCounter {
    pub(crate) fn forged_count(&self) -> u64 {
        self.forged
    }

    pub(crate) fn forged(&mut self) {
        self.forged += 1;
    }

    pub(crate) fn rejected(&mut self, reason: &'static str) {
        *self.rejected.entry(reason).or_insert(0) += 1;
    }

    pub(crate) fn held(&mut self) {
        self.held += 1;
    }

    /// A `pause` action was played.
    pub(crate) fn paused(&mut self) {
        self.pauses += 1;
    }

    /// A nemesis started a fault.
    pub(crate) fn nemesis(&mut self, fault: NemesisFault) {
        *self.nemesis.entry(fault.name()).or_insert(0) += 1;
    }

    /// A view gained (`added`) or lost an entry for a made-up identity.
    pub(crate) fn fake_entry(&mut self, added: bool) {
        if added {
            self.fake_entries += 1;
            self.fake_entries_peak = self.fake_entries_peak.max(self.fake_entries);
        } else {
            self.fake_entries = self.fake_entries.saturating_sub(1);
        }
    }

    /// A node's state is gone: its view's `count` fake entries go with it.
    pub(crate) fn forget(&mut self, count: u64) {
        self.fake_entries = self.fake_entries.saturating_sub(count);
    }

    pub(crate) fn finish(self) -> Attacks {
        Attacks {
            forged: self.forged,
            rejected: self
                .rejected
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            fake_entries_peak: self.fake_entries_peak,
            fake_entries_end: self.fake_entries,
            held_while_paused: self.held,
            pauses: self.pauses,
            nemesis_faults: self
                .nemesis
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}
