//! What the loopback cluster tells the observers: its nodes' events as membership and
//! metadata records, its sockets' counters as traffic records. Times are real time since the
//! run started, taken when the run's loop sees them: events are drained every tick (20 ms),
//! so times are exact to about a tick.

use pekonode_proto::{Event, Time};

use crate::run::{NodeIndex, Observers, Record};

use super::members::{Members, Totals};

/// Feeds the observers what happened since the last call: every node's events, then the
/// counters grown since `seen` (which is brought up to date).
pub(crate) fn feed(members: &Members, observers: &mut Observers, now: Time, seen: &mut Totals) {
    for (i, event) in members.drain_events() {
        let node = i as NodeIndex;
        let index = |id| members.index_of(id).map(|j| j as NodeIndex);
        let record = match &event {
            Event::MemberJoined(info) => {
                index(&info.id).map(|member| Record::ViewAdded { node, member })
            }
            Event::MemberExpired(id) => {
                index(id).map(|member| Record::ViewRemoved { node, member })
            }
            Event::MetadataChanged { version } => Some(Record::Metadata {
                node,
                version: *version,
            }),
            _ => None,
        };
        // A member that is no node of the plan (a stranger on the network) is not followed.
        if let Some(record) = record {
            observers.record(now, record);
        }
    }
    let totals = members.totals();
    let counts = totals.since(seen);
    *seen = totals;
    observers.record(now, Record::Counted(counts));
}
