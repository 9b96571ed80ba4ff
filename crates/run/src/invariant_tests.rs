//! Each built-in invariant, driven into a breach through a made-up run state: each test fails
//! if its invariant lets the breach pass, or blames a sound state.

use pekonode_proto::UnixNanos;

use crate::invariant::{stop_for, Invariants, Moment};
use crate::invariant_builtin::built_in;
use crate::invariant_state::{PacketLedger, RunState};
use crate::invariant_views::{PHANTOM, SELF_LISTING};
use crate::node_index::NodeIndex;
use crate::outcome::Sample;

/// A run state set by hand: three nodes, all running in their first life.
struct Toy {
    names: Vec<String>,
    views: Vec<Vec<NodeIndex>>,
    existed: Vec<bool>,
    lives: Vec<Option<u64>>,
    versions: Vec<UnixNanos>,
    excused: bool,
    broken_protocol: Option<NodeIndex>,
    ledger: PacketLedger,
}

impl Toy {
    fn sound() -> Toy {
        Toy {
            names: vec!["a".into(), "b".into(), "c".into()],
            views: vec![vec![1, 2], vec![0, 2], vec![0, 1]],
            existed: vec![true; 3],
            lives: vec![Some(0); 3],
            versions: vec![5; 3],
            excused: false,
            broken_protocol: None,
            ledger: PacketLedger {
                sent: 10,
                duplicated: 1,
                injected: 2,
                delivered: 6,
                dropped: 3,
                apart: 1,
                in_flight: 3,
            },
        }
    }
}

impl RunState for Toy {
    fn node_count(&self) -> usize {
        self.names.len()
    }
    fn node_name(&self, node: NodeIndex) -> &str {
        &self.names[node as usize]
    }
    fn incarnation(&self, node: NodeIndex) -> Option<u64> {
        self.lives[node as usize]
    }
    fn for_each_member(&self, node: NodeIndex, visit: &mut dyn FnMut(NodeIndex)) {
        self.views[node as usize].iter().for_each(|&m| visit(m));
    }
    fn existed(&self, member: NodeIndex) -> bool {
        self.existed.get(member as usize) == Some(&true)
    }
    fn metadata_version(&self, node: NodeIndex) -> Option<UnixNanos> {
        self.lives[node as usize].map(|_| self.versions[node as usize])
    }
    fn versions_excused(&self) -> Option<&'static str> {
        self.excused.then_some("skewed")
    }
    fn protocol_check(&self, node: NodeIndex) -> Result<(), String> {
        match self.broken_protocol == Some(node) {
            true => Err("its view holds 9 entries, above max_view = 8".into()),
            false => Ok(()),
        }
    }
    fn packets(&self) -> PacketLedger {
        self.ledger
    }
}

fn sample(t_ms: f64) -> Sample {
    Sample {
        t_ms,
        up: 3,
        converged_fraction: 1.0,
        mean_view: 3.0,
        min_view: 3,
        max_view: 3,
        in_flight: 0,
        sent: 0,
        delivered: 0,
    }
}

/// The built-in invariants, checked at `t_ms` against `state`: (invariant, node, message) of
/// the breach, if one.
fn check(invariants: &mut Invariants, t_ms: f64, state: &Toy) -> Option<(String, String)> {
    let s = sample(t_ms);
    let at = Moment {
        sample: &s,
        state: Some(state),
    };
    invariants
        .check(&at)
        .map(|v| (v.invariant.clone(), v.node.clone().unwrap_or_default()))
}

fn all() -> Invariants {
    let mut invariants = Invariants::default();
    for i in built_in() {
        invariants.add(i, true);
    }
    invariants
}

#[test]
fn a_sound_run_breaks_nothing() {
    let mut inv = all();
    let state = Toy::sound();
    for t in 0..5 {
        assert_eq!(check(&mut inv, f64::from(t) * 1_000.0, &state), None);
    }
}

#[test]
fn a_packet_counted_nowhere_breaks_conservation() {
    let mut state = Toy::sound();
    state.ledger.in_flight -= 1; // a packet left the queue without a record
    let broken = check(&mut all(), 0.0, &state);
    assert_eq!(broken, Some(("packets conserved".into(), String::new())));
    let mut state = Toy::sound();
    state.ledger.dropped += 1; // a drop counted twice
    assert!(check(&mut all(), 0.0, &state).is_some());
}

#[test]
fn a_view_that_lists_its_own_node_is_a_breach_at_that_node() {
    let mut state = Toy::sound();
    state.views[1].push(1);
    let broken = check(&mut all(), 0.0, &state);
    assert_eq!(broken, Some((SELF_LISTING.into(), "b".into())));
}

#[test]
fn a_member_that_never_existed_is_a_breach_unless_it_did() {
    let mut state = Toy::sound();
    state.views[2].push(7); // neither a node of the plan nor forged
    let mut inv = all();
    let broken = check(&mut inv, 0.0, &state);
    assert_eq!(broken, Some((PHANTOM.into(), "c".into())));
    assert!(
        inv.violations[0].message.contains("#7"),
        "{:?}",
        inv.violations
    );
    // A node of the plan that never spawned nor was a contact is a phantom too...
    let mut state = Toy::sound();
    state.existed[2] = false;
    assert_eq!(
        check(&mut all(), 0.0, &state).map(|b| b.0),
        Some(PHANTOM.into())
    );
    // ...and a member the run says existed (spawned, a contact, forged) is not.
    let mut state = Toy::sound();
    state.existed.push(true);
    state.views[0].push(3);
    assert_eq!(check(&mut all(), 0.0, &state), None);
}

#[test]
fn a_metadata_version_going_back_in_one_life_is_a_breach_unless_excused() {
    let mut inv = all();
    let mut state = Toy::sound();
    assert_eq!(check(&mut inv, 0.0, &state), None);
    state.versions[0] = 4;
    let broken = check(&mut inv, 1_000.0, &state);
    let name = "metadata versions never go back at a node";
    assert_eq!(broken, Some((name.into(), "a".into())));
    assert!(inv.violations[0].message.contains("from 5 to 4"));

    // A new life starts over; a skewed clock or a forged version explains a step back.
    let mut inv = all();
    let mut state = Toy::sound();
    assert_eq!(check(&mut inv, 0.0, &state), None);
    state.versions[0] = 0;
    state.lives[0] = Some(1);
    assert_eq!(check(&mut inv, 1_000.0, &state), None);
    state.versions[1] = 1;
    state.excused = true;
    assert_eq!(check(&mut inv, 2_000.0, &state), None);
}

#[test]
fn what_the_protocol_declares_broken_is_a_breach_at_its_node() {
    let mut state = Toy::sound();
    state.broken_protocol = Some(2);
    let mut inv = all();
    let broken = check(&mut inv, 3_000.0, &state);
    let name = "the protocol's own invariants hold";
    assert_eq!(broken, Some((name.into(), "c".into())));
    let stop = stop_for(&inv.violations[0]);
    assert_eq!(
        stop.message,
        "invariant 'the protocol's own invariants hold' broken at t = 3.000 s at node c: \
         its view holds 9 entries, above max_view = 8"
    );
}

#[test]
fn each_invariant_is_reported_once_and_built_ins_can_be_dropped() {
    let mut state = Toy::sound();
    state.ledger.sent += 1;
    let mut inv = all();
    assert!(check(&mut inv, 0.0, &state).is_some());
    assert_eq!(check(&mut inv, 1_000.0, &state), None, "already reported");
    assert_eq!(inv.violations.len(), 1);
    let mut inv = all();
    inv.without_built_in();
    assert_eq!(check(&mut inv, 0.0, &state), None);
}

#[test]
fn without_a_state_the_built_ins_check_nothing() {
    let mut inv = all();
    let s = sample(0.0);
    let at = Moment {
        sample: &s,
        state: None,
    };
    assert!(inv.check(&at).is_none());
}
