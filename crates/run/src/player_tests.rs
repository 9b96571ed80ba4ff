//! The player's meaning of each action, against a driver that writes down what it is told.

use std::time::Duration;

use super::*;
use crate::faults::Nemesis;
use crate::plan::Timed;

/// A driver of `n` nodes that logs every call and every record, in order.
struct Log {
    running: Vec<bool>,
    heartbeating: Vec<bool>,
    lines: Vec<String>,
}

impl Log {
    fn new(n: usize) -> Log {
        Log {
            running: vec![false; n],
            heartbeating: vec![false; n],
            lines: Vec::new(),
        }
    }
}

impl Driver for Log {
    type Error = String;
    fn record(&mut self, record: Record<'_>) {
        let line = match record {
            Record::Action(a) => format!("action {}", a.label(&["a".into(), "b".into()])),
            other => format!("{other:?}"),
        };
        self.lines.push(line);
    }
    fn running(&self, node: NodeIndex) -> bool {
        self.running[node as usize]
    }
    fn heartbeating(&self, node: NodeIndex) -> bool {
        self.heartbeating[node as usize]
    }
    fn spawn(&mut self, node: NodeIndex) -> Result<(), String> {
        self.running[node as usize] = true;
        self.lines.push(format!("spawn {node}"));
        Ok(())
    }
    fn crash(&mut self, node: NodeIndex) {
        self.running[node as usize] = false;
        self.heartbeating[node as usize] = false;
        self.lines.push(format!("crash {node}"));
    }
    fn command(&mut self, node: NodeIndex, command: Command<'_>) -> Result<UnixNanos, String> {
        match command {
            Command::Join { .. } | Command::Start => self.heartbeating[node as usize] = true,
            Command::Stop => self.heartbeating[node as usize] = false,
            _ => {}
        }
        self.lines.push(format!("{command:?} {node}"));
        Ok(42)
    }
    fn observe(&mut self, node: NodeIndex) {
        self.lines.push(format!("observe {node}"));
    }
    fn send(&mut self, node: NodeIndex) {
        self.lines.push(format!("send {node}"));
    }
    fn network(&mut self, change: NetworkChange<'_>) -> Result<(), String> {
        match change {
            NetworkChange::Loss(_) => Ok(()),
            other => Err(format!("cannot play {other:?}")),
        }
    }
    fn fault(&mut self, fault: Fault<'_>) -> Result<(), String> {
        Err(format!("cannot play {fault:?}"))
    }
}

fn plan_of(actions: Vec<Action>) -> Plan {
    let timeline = actions
        .into_iter()
        .enumerate()
        .map(|(k, action)| Timed {
            at: Duration::from_secs(k as u64),
            action,
        })
        .collect();
    Plan::new("t", vec!["a".into(), "b".into()], timeline)
}

/// Plays every action; returns the log and the first error.
fn play_all(actions: Vec<Action>) -> (Vec<String>, Option<String>) {
    let mut plan = plan_of(actions);
    let player = Player::new(&mut plan);
    let mut log = Log::new(2);
    let mut error = None;
    for k in 0..plan.timeline.len() {
        let Some(action) = Player::take(&mut plan, k) else {
            break;
        };
        if let Err(e) = player.play(k, action, &mut log) {
            error = Some(e);
        }
    }
    (log.lines, error)
}

#[test]
fn a_join_spawns_once_and_counts_the_node_up_before_it_sends() {
    let (lines, error) = play_all(vec![
        Action::Join {
            node: 1,
            contacts: vec![0],
        },
        Action::Join {
            node: 1,
            contacts: vec![],
        },
    ]);
    assert_eq!(error, None);
    let expected = [
        "action join b",
        "spawn 1",
        "Fresh { node: 1 }",
        "Join { contacts: [0] } 1",
        "observe 1",
        "Up { node: 1 }",
        "send 1",
        // A join of a running node keeps its state: no second spawn, no Fresh.
        "action join b",
        "Join { contacts: [] } 1",
        "observe 1",
        "Up { node: 1 }",
        "send 1",
    ];
    assert_eq!(lines, expected);
}

#[test]
fn a_crash_records_down_then_gone_only_for_a_running_node_and_a_restart_is_fresh() {
    let (lines, _) = play_all(vec![
        Action::Crash { node: 0 },
        Action::Join {
            node: 0,
            contacts: vec![],
        },
        Action::Restart {
            node: 0,
            contacts: vec![1],
        },
    ]);
    let expected = [
        "action crash a",
        "crash 0",
        "action join a",
        "spawn 0",
        "Fresh { node: 0 }",
        "Join { contacts: [] } 0",
        "observe 0",
        "Up { node: 0 }",
        "send 0",
        "action restart a",
        "crash 0",
        "Down { node: 0, cause: Crash }",
        "Gone { node: 0 }",
        "spawn 0",
        "Fresh { node: 0 }",
        "Join { contacts: [1] } 0",
        "observe 0",
        "Up { node: 0 }",
        "send 0",
    ];
    assert_eq!(lines, expected);
}

#[test]
fn commands_reach_running_nodes_only_and_a_publish_is_recorded_with_its_version() {
    let (lines, _) = play_all(vec![
        Action::Stop { node: 0 },
        Action::Join {
            node: 0,
            contacts: vec![],
        },
        Action::Stop { node: 0 },
        Action::Start { node: 0 },
        Action::Set {
            node: 0,
            contact: 1,
        },
        Action::Publish {
            node: 0,
            data: b"x".to_vec(),
        },
    ]);
    let after_join = lines
        .iter()
        .position(|l| l == "action stop a")
        .map(|first| &lines[first + 1..]);
    // The first stop found no process: nothing but its mark.
    assert_eq!(
        after_join.and_then(|l| l.first()).map(String::as_str),
        Some("action join a")
    );
    // The mark of the first stop and the seven lines of the join come first.
    let tail: Vec<&str> = lines.iter().skip(8).map(String::as_str).collect();
    let expected = [
        "action stop a",
        "Stop 0",
        "Down { node: 0, cause: Stop }",
        "action start a",
        "Start 0",
        "observe 0",
        "Up { node: 0 }",
        "send 0",
        "action set a += b",
        "Set { contact: 1 } 0",
        "observe 0",
        "send 0",
        "action publish a",
        "Publish { data: [120] } 0",
        "observe 0",
        "Published { node: 0, version: 42 }",
        "send 0",
    ];
    assert_eq!(tail, expected);
}

#[test]
fn what_a_driver_cannot_play_is_its_error_and_contacts_are_taken_once() {
    let (_, error) = play_all(vec![Action::Heal]);
    assert_eq!(error.as_deref(), Some("cannot play Heal"));
    let mut plan = plan_of(vec![Action::Join {
        node: 0,
        contacts: vec![1],
    }]);
    let first = Player::take(&mut plan, 0);
    let second = Player::take(&mut plan, 0);
    assert!(matches!(first, Some(Action::Join { contacts, .. }) if contacts == [1]));
    assert!(matches!(second, Some(Action::Join { contacts, .. }) if contacts.is_empty()));
    assert!(Player::take(&mut plan, 1).is_none());
}

#[test]
fn a_nemesis_is_expanded_once_and_its_faults_are_marked() {
    let nemesis = Nemesis {
        span: Duration::from_secs(100),
        mean_interval: Duration::from_secs(10),
        fault: Duration::from_secs(5),
        faults: vec![crate::NemesisFault::Loss],
        nodes: Vec::new(),
        loss: 0.5,
    };
    let (lines, error) = play_all(vec![Action::Nemesis(nemesis)]);
    assert_eq!(error, None);
    let marks = lines
        .iter()
        .filter(|l| l.starts_with("NemesisFault(Loss)"))
        .count();
    let spikes = lines.iter().filter(|l| *l == "action loss 0.5").count();
    assert!(marks > 0, "{lines:?}");
    assert_eq!(
        marks, spikes,
        "each loss spike is marked as the nemesis' fault"
    );
}
