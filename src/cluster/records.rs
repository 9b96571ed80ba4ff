//! What the loopback cluster tells the observers: its nodes' events as membership, metadata
//! and rejection records (mapped as the simulator maps them, by `Record::of_event`), its
//! sockets' counters as traffic records. Times are real time since the run started, taken
//! when the run's loop sees them: events are drained every tick (20 ms), so times are exact
//! to about a tick.

use pekonode_proto::Time;

use crate::run::{Observers, Record};

use super::fleet::Fleet;
use super::totals::Totals;

/// Feeds the observers what happened since the last call: every node's events, then the
/// counters grown since `seen` (which is brought up to date).
pub(crate) fn feed(members: &dyn Fleet, observers: &mut Observers, now: Time, seen: &mut Totals) {
    for record in members.records() {
        observers.record(now, record);
    }
    let totals = members.totals();
    let counts = totals.since(seen);
    *seen = totals;
    observers.record(now, Record::Counted(counts));
}
