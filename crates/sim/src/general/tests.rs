//! The built-in invariants through the general engine: a test-only protocol that wraps
//! PekoNode and breaks one promise on purpose must stop the run, naming the invariant, the
//! node and the time; the honest wrapper must not.

use std::cell::Cell;
use std::time::Duration;

use pekonode_proto::seam::{Output, Protocol, Unsupported};
use pekonode_proto::{ChaCha8Rng, Forwarding, Node, Packet, PacketKind, Time, UnixNanos};
use pekonode_run::{Action, Measured, NodeIndex, Outcome, Plan, Timed};

use super::{General, Hosted, PekoShared};
use crate::fast::key_len;

/// Which promise the wrapped node breaks.
#[derive(Clone, Copy, PartialEq)]
enum Lie {
    None,
    ListsItself,
    Phantom,
    VersionBack,
    Declared,
}

/// PekoNode, lying as told.
struct Liar {
    node: Node<NodeIndex>,
    lie: Lie,
    /// For `VersionBack`: how often its version was read (each read one lower).
    reads: Cell<i64>,
}

impl Protocol for Liar {
    type Id = NodeIndex;
    type Packet = Packet<NodeIndex>;
    fn local_id(&self) -> &NodeIndex {
        Protocol::local_id(&self.node)
    }
    fn handle_packet(&mut self, now: Time, packet: Self::Packet, len: usize) -> bool {
        Protocol::handle_packet(&mut self.node, now, packet, len)
    }
    fn handle_timeout(&mut self, now: Time) {
        Protocol::handle_timeout(&mut self.node, now);
    }
    fn join(&mut self, now: Time, contacts: &[NodeIndex]) {
        Protocol::join(&mut self.node, now, contacts);
    }
    fn stop(&mut self, now: Time) {
        Protocol::stop(&mut self.node, now);
    }
    fn start(&mut self, now: Time) {
        Protocol::start(&mut self.node, now);
    }
    fn publish(&mut self, now: Time, v: UnixNanos, data: &[u8]) -> Result<(), Unsupported> {
        Protocol::publish(&mut self.node, now, v, data)
    }
    fn is_active(&self) -> bool {
        Protocol::is_active(&self.node)
    }
    fn members(&self) -> usize {
        Protocol::members(&self.node)
    }
    fn for_each_member(&self, visit: &mut dyn FnMut(&NodeIndex)) {
        Protocol::for_each_member(&self.node, visit);
        let me = *Protocol::local_id(&self.node);
        match self.lie {
            Lie::ListsItself if me == 1 => visit(&me),
            Lie::Phantom if me == 2 => visit(&40),
            _ => {}
        }
    }
    fn check_invariants(&self) -> Result<(), String> {
        match self.lie {
            Lie::Declared => Err("it says so".to_owned()),
            _ => Protocol::check_invariants(&self.node),
        }
    }
    fn poll_output(&mut self) -> Output<NodeIndex, Self::Packet> {
        Protocol::poll_output(&mut self.node)
    }
}

impl Hosted for Liar {
    type Shared = (PekoShared, Lie);
    const NAME: &'static str = "liar";

    fn spawn(
        shared: &(PekoShared, Lie),
        node: NodeIndex,
        incarnation: u64,
        rng: ChaCha8Rng,
        now: Time,
    ) -> Option<Self> {
        let inner = <Node<NodeIndex> as Hosted>::spawn(&shared.0, node, incarnation, rng, now)?;
        Some(Liar {
            node: inner,
            lie: shared.1,
            reads: Cell::new(0),
        })
    }
    fn join_with(&mut self, shared: &(PekoShared, Lie), now: Time, contacts: &[NodeIndex]) {
        <Node<NodeIndex> as Hosted>::join_with(&mut self.node, &shared.0, now, contacts);
    }
    fn add_contact(&mut self, shared: &(PekoShared, Lie), now: Time, contact: NodeIndex) {
        <Node<NodeIndex> as Hosted>::add_contact(&mut self.node, &shared.0, now, contact);
    }
    fn kind(packet: &Self::Packet) -> PacketKind {
        <Node<NodeIndex> as Hosted>::kind(packet)
    }
    fn len(shared: &(PekoShared, Lie), packet: &Self::Packet, given: Option<usize>) -> usize {
        <Node<NodeIndex> as Hosted>::len(&shared.0, packet, given)
    }
    fn up(&self, stopped: bool) -> bool {
        <Node<NodeIndex> as Hosted>::up(&self.node, stopped)
    }
    fn view(&self, now: Time) -> Vec<(NodeIndex, Time)> {
        <Node<NodeIndex> as Hosted>::view(&self.node, now)
    }
    fn metadata_version(&self) -> UnixNanos {
        let version = <Node<NodeIndex> as Hosted>::metadata_version(&self.node);
        if self.lie != Lie::VersionBack {
            return version;
        }
        self.reads.set(self.reads.get() + 1);
        version - self.reads.get()
    }
    fn forwarding(shared: &(PekoShared, Lie)) -> Forwarding {
        shared.0.config.forwarding
    }
}

/// Four nodes joining through node 0 at 0, for 20 s, each lying as told.
fn run(lie: Lie) -> Outcome {
    let names: Vec<String> = (0..4).map(|i| format!("n{i}")).collect();
    let timeline = (0..4)
        .map(|i| Timed {
            at: Duration::ZERO,
            action: Action::Join {
                node: i,
                contacts: if i == 0 { vec![] } else { vec![0] },
            },
        })
        .collect();
    let mut plan = Plan::new("liar", names, timeline);
    plan.duration = Duration::from_secs(20);
    let config = plan.config.resolve().expect("the default config is valid");
    let shared = PekoShared {
        config,
        infos: (0..4)
            .map(|i| pekonode_proto::NodeInfo::new(i, &plan.nodes[i as usize]))
            .collect(),
        key_len: (0..4).map(key_len).collect(),
    };
    let general: General<Liar> =
        General::new(plan, (shared, lie), Measured::ALL).expect("a playable plan");
    general.run_with(|_| {})
}

#[test]
fn an_honest_run_breaks_no_invariant() {
    let out = run(Lie::None);
    assert!(out.violations.is_empty(), "{:?}", out.violations);
    assert!(out.stopped.is_none());
    assert_eq!(out.ended_at_ms, 20_000.0);
}

/// The breach of `lie`: (invariant, node), after checking that it stopped the run there.
fn breach(lie: Lie) -> (String, Option<String>) {
    let out = run(lie);
    assert_eq!(out.violations.len(), 1, "{:?}", out.violations);
    let v = &out.violations[0];
    let stop = out.stopped.as_ref().expect("a breach stops the run");
    assert_eq!(stop.limit, "invariant");
    assert_eq!(stop.at_ms, v.at_ms);
    assert_eq!(out.ended_at_ms, v.at_ms, "the run ends at the breach");
    assert!(stop.message.contains(&v.invariant), "{}", stop.message);
    (v.invariant.clone(), v.node.clone())
}

#[test]
fn a_view_listing_its_own_node_stops_the_run() {
    let b = breach(Lie::ListsItself);
    assert_eq!(b, ("no view lists its own node".into(), Some("n1".into())));
}

#[test]
fn a_view_listing_a_member_that_never_existed_stops_the_run() {
    let b = breach(Lie::Phantom);
    let name = "no view lists a member that never existed";
    assert_eq!(b, (name.into(), Some("n2".into())));
}

#[test]
fn a_metadata_version_going_back_stops_the_run() {
    let b = breach(Lie::VersionBack);
    let name = "metadata versions never go back at a node";
    assert_eq!(b, (name.into(), Some("n0".into())));
}

#[test]
fn what_the_protocol_declares_broken_stops_the_run() {
    let b = breach(Lie::Declared);
    assert_eq!(
        b,
        (
            "the protocol's own invariants hold".into(),
            Some("n0".into())
        )
    );
}
