//! The rules a node applies to what others send it: metadata swaps and adoption (with the
//! skew bound on versions), admission of strangers to the view, and the swap-reply budget.

use super::super::event::{Event, RejectReason};
use super::super::member::{Identity, Metadata};
use super::super::packet::{Infected, Packet, PacketKind, Transmit};
use super::super::probation::Verdict;
use super::super::time::{micros, Time, UnixNanos};
use super::{swap_burst, swap_period, Node, ADMIT_PERIOD};

impl<Id: Identity> Node<Id> {
    /// Swap rules: newer → adopt, no reply; older and a request → reply with ours; equal →
    /// nothing. Swaps never refresh liveness.
    pub(super) fn handle_swap(&mut self, now: Time, packet: Packet<Id>, len: usize) {
        if self.adopt(now, &packet.metadata, len) {
            return;
        }
        if packet.kind == PacketKind::SwapRequest
            && packet.metadata.version() < self.metadata.version()
        {
            if let Err(reason) = self.may_answer_swap(now, &packet.node.id) {
                self.events.push_back(Event::rejected(len, reason));
                return;
            }
            self.transmits.push_back(Transmit {
                to: packet.node.id,
                packet: Packet {
                    kind: PacketKind::SwapReply,
                    node: self.local.clone(),
                    infected: Infected::new(),
                    metadata: self.metadata.clone(),
                    lineage: None,
                },
            });
        }
    }

    /// Takes `offered` if its version is newer than ours (and, under the trust rules, not
    /// too far ahead of the wall clock).
    pub(super) fn adopt(&mut self, now: Time, offered: &Metadata, len: usize) -> bool {
        if offered.version() <= self.metadata.version() {
            return false;
        }
        if let Some(limit) = self.version_limit(now) {
            if offered.version() > limit {
                let reason = RejectReason::VersionAhead {
                    version: offered.version(),
                    limit,
                };
                self.events.push_back(Event::rejected(len, reason));
                return false;
            }
        }
        self.metadata = offered.clone();
        self.events.push_back(Event::MetadataChanged {
            version: offered.version(),
        });
        true
    }

    /// The newest metadata version the skew rule adopts at `now`, when the rule is on and the
    /// wall clock known.
    pub(super) fn version_limit(&self, now: Time) -> Option<UnixNanos> {
        let skew = self.config.trust.max_version_skew;
        let origin = self.wall_origin?;
        if skew.is_zero() {
            return None;
        }
        let nanos = |us: u64| i64::try_from(us.saturating_mul(1_000)).unwrap_or(i64::MAX);
        Some(
            origin
                .saturating_add(nanos(now.as_micros()))
                .saturating_add(nanos(micros(skew))),
        )
    }

    /// The trust rules on a packet's sender: a node the view does not list enters only while
    /// the view has room, after probation, and as the admission rate allows. Swaps never add
    /// a member, so pass. A stranger's first heartbeat on probation is forwarded (once,
    /// within the budget) without listing it: that is `Err((Probation, true))`.
    pub(super) fn admit(
        &mut self,
        now: Time,
        packet: &Packet<Id>,
    ) -> Result<(), (RejectReason, bool)> {
        let trust = self.config.trust;
        if packet.kind.is_swap() || self.view.contains(&packet.node.id) {
            return Ok(());
        }
        if trust.max_view > 0 && self.view.len() >= trust.max_view {
            let reason = RejectReason::ViewFull {
                limit: trust.max_view,
            };
            return Err((reason, false));
        }
        let id = &packet.node.id;
        if trust.probation {
            let gap = self.config.cycle / 2;
            match self.probation.check(now, id, gap, self.config.timeout) {
                Verdict::Ready => {}
                Verdict::Wait => return Err((RejectReason::Probation, false)),
                Verdict::First => {
                    let forward =
                        packet.kind == PacketKind::Heartbeat && self.may_forward_stranger(now);
                    return Err((RejectReason::Probation, forward));
                }
            }
        }
        let rate = trust.admit_per_sec;
        if rate > 0 && !self.admissions.take(now, ADMIT_PERIOD / rate, rate) {
            return Err((RejectReason::AdmissionLimit { per_sec: rate }, false));
        }
        if trust.probation {
            self.probation.listed(id);
        }
        Ok(())
    }

    /// The budget of first heartbeats of strangers forwarded: `admit_per_sec` a second (a
    /// second's burst), or as many as the admission rate would list when it is off.
    fn may_forward_stranger(&mut self, now: Time) -> bool {
        let rate = self.config.trust.admit_per_sec;
        if rate == 0 {
            return true;
        }
        self.stranger_forwards.take(now, ADMIT_PERIOD / rate, rate)
    }

    /// The trust rule on swap replies: only to a live member, within the reply budget.
    pub(super) fn may_answer_swap(&mut self, now: Time, to: &Id) -> Result<(), RejectReason> {
        if !self.config.trust.guarded_swaps {
            return Ok(());
        }
        if !self.view.contains(to) || *to == self.local.id {
            return Err(RejectReason::SwapToStranger);
        }
        let (every, burst) = (swap_period(&self.config), swap_burst(&self.config));
        if !self.swap_replies.take(now, every, burst) {
            return Err(RejectReason::SwapBudget);
        }
        Ok(())
    }
}
