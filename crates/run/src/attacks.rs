//! What faults and adversaries did during a run: the [`Outcome`](crate::Outcome)'s `attacks`.

use serde::{Deserialize, Serialize};

/// What faults and adversaries did during a run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct Attacks {
    /// Packets a rogue sender injected (forged or replayed).
    pub forged: u64,
    /// Packets nodes rejected, by reason (`unauthentic`, `replayed`, `admission limit`,
    /// `view full`, `version ahead`, ...), in name order.
    pub rejected: std::collections::BTreeMap<String, u64>,
    /// Most entries for made-up identities held in all views together at once.
    pub fake_entries_peak: u64,
    /// Entries for made-up identities held in all views at the end.
    pub fake_entries_end: u64,
    /// Packets that waited for a paused node (its backlog).
    pub held_while_paused: u64,
    /// `pause` actions played (the file's and a nemesis' alike). Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pauses: u64,
    /// Faults a nemesis started, by kind (`crash`, `loss`, `partition`, `pause`), in name
    /// order. Omitted from JSON when empty.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub nemesis_faults: std::collections::BTreeMap<String, u64>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl Attacks {
    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        *self == Attacks::default()
    }

    /// Packets rejected, all reasons together.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    /// Faults a nemesis started, all kinds together.
    pub fn nemesis_total(&self) -> u64 {
        self.nemesis_faults.values().sum()
    }
}
