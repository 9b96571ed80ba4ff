//! foca's [`Runtime`] as the seam's output queue: what foca asks for becomes [`Output`]s.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use foca::{Notification, Runtime, Timer};
use pekonode_proto::seam::{Output, Transmit};
use pekonode_proto::{Event, NodeInfo, Time};

use crate::id::{Address, SwimId};
use crate::timers::Timers;

/// The state foca's callbacks write to, borrowed from the [`Swim`](crate::Swim) around one
/// foca call (foca is a field beside them, so it cannot hold them itself).
pub(crate) struct Effects<'a, A> {
    /// When the foca call happens: timers are due relative to it.
    pub(crate) now: Time,
    pub(crate) outputs: &'a mut VecDeque<Output<A, Vec<u8>>>,
    pub(crate) timers: &'a mut Timers<SwimId<A>>,
    /// The addresses foca holds active: membership events are changes of this set, so a
    /// renamed member (a new life at one address) is neither a join nor an expiry.
    pub(crate) up: &'a mut BTreeSet<A>,
    /// Whether foca is connected (`Active` since the last `Idle`, `Defunct` or `Rejoin`).
    pub(crate) active: &'a mut bool,
}

impl<A: Address> Runtime<SwimId<A>> for Effects<'_, A> {
    fn notify(&mut self, notification: Notification<'_, SwimId<A>>) {
        let event = match notification {
            Notification::MemberUp(id) if self.up.insert(id.addr.clone()) => {
                // SWIM announces no name: the record is bare.
                Event::MemberJoined(NodeInfo::bare(id.addr.clone()))
            }
            Notification::MemberDown(id) if self.up.remove(&id.addr) => {
                Event::MemberExpired(id.addr.clone())
            }
            Notification::Active => {
                *self.active = true;
                return;
            }
            Notification::Idle | Notification::Defunct | Notification::Rejoin(_) => {
                *self.active = false;
                return;
            }
            _ => return,
        };
        self.outputs.push_back(Output::Event(event));
    }

    fn send_to(&mut self, to: SwimId<A>, data: &[u8]) {
        self.outputs.push_back(Output::Transmit(Transmit {
            to: vec![to.addr],
            packet: data.to_vec(),
            len: Some(data.len()),
            heartbeat: None,
            own: false,
        }));
    }

    fn submit_after(&mut self, event: Timer<SwimId<A>>, after: Duration) {
        self.timers.submit(self.now, after, event);
    }
}
