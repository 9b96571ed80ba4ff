//! What the loopback cluster tells the observers: its nodes' events as membership, metadata
//! and rejection records (mapped as the simulator maps them, by `Record::of_event`), its
//! sockets' counters as traffic records. Times are real time since the run started, taken
//! when the run's loop sees them: events are drained every tick (20 ms), so times are exact
//! to about a tick.

use pekonode_proto::Time;

use crate::run::{NodeIndex, Observers, Record};

use super::members::{Members, Totals};

/// Feeds the observers what happened since the last call: every node's events, then the
/// counters grown since `seen` (which is brought up to date).
pub(crate) fn feed(members: &Members, observers: &mut Observers, now: Time, seen: &mut Totals) {
    for (i, event) in members.drain_events() {
        let node = i as NodeIndex;
        let index = |id: &_| members.index_of(id).map(|j| j as NodeIndex);
        // A member that is no node of the plan (a stranger on the network) is not followed.
        if let Some(record) = Record::of_event(node, &event, index) {
            observers.record(now, record);
        }
    }
    let totals = members.totals();
    let counts = totals.since(seen);
    *seen = totals;
    observers.record(now, Record::Counted(counts));
}
