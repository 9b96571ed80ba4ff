//! The plan player: the one interpreter of a plan's timeline, whichever driver runs it.
//!
//! A timeline action means the same thing in the simulator and on real sockets: which node
//! gets fresh state, when a node counts as up or down, which records the observers get and in
//! which order. That is decided here, once. A driver only does what it is told, through
//! [`Driver`]: spawn a process, kill it, hand a node a protocol command, let it send, change
//! its network. Each driver's loop keeps its own clock and calls [`Player::play`] when an
//! action is due.

use std::time::Duration;

use pekonode_proto::UnixNanos;

use crate::faults::{Forge, NemesisFault};
use crate::invariant::{Invariant, Invariants, Moment, RunState};
use crate::node_index::NodeIndex;
use crate::outcome::{GuardStop, Sample, Violation};
use crate::plan::{Action, Plan};
use crate::record::{DownCause, Record};

/// A protocol command the player hands a running node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    /// Add each of `contacts` (as PekoNode's `Set`), then join.
    Join {
        /// Whom the node knows.
        contacts: &'a [NodeIndex],
    },
    /// PekoNode's `Set`: add one contact.
    Set {
        /// The contact.
        contact: NodeIndex,
    },
    /// PekoNode's `Stop`: no more heartbeats.
    Stop,
    /// PekoNode's `Start`.
    Start,
    /// PekoNode's `Publish` of these metadata bytes.
    Publish {
        /// The metadata.
        data: &'a [u8],
    },
}

/// What a driver does for the player: the nodes' lifecycle, protocol commands, the network.
///
/// Every method is told, never asked to decide: the player has already checked that the
/// node runs where that matters, and it records what the action meant. A driver that cannot
/// play a network or fault operation returns its error (the loopback cluster refuses such
/// plans before the run, so it never gets there).
pub trait Driver {
    /// Why an operation failed (a socket that cannot be bound, an unplayable fault).
    type Error;

    /// Hands one record to the run's observers, at the driver's current time.
    fn record(&mut self, record: Record<'_>);
    /// Whether node `node` has a process (running, stopped or paused).
    fn running(&self, node: NodeIndex) -> bool;
    /// Whether node `node` runs and heartbeats (it counts as up).
    fn heartbeating(&self, node: NodeIndex) -> bool;
    /// Starts a process for `node` with fresh state, not yet joined. It is not running.
    fn spawn(&mut self, node: NodeIndex) -> Result<(), Self::Error>;
    /// The process of `node` dies, if it runs: its state is gone, so is what it had not
    /// read yet. Called whether or not it runs (a driver may clear fault state).
    fn crash(&mut self, node: NodeIndex);
    /// Hands a running node a protocol command; returns the version a `Publish` took.
    fn command(&mut self, node: NodeIndex, command: Command<'_>) -> Result<UnixNanos, Self::Error>;
    /// Hands the node's pending events to the records (its view as it changed).
    fn observe(&mut self, node: NodeIndex);
    /// Sends what the node has queued to send.
    fn send(&mut self, node: NodeIndex);
    /// A change of the network: a partition, a heal, a new loss rate.
    fn network(&mut self, change: NetworkChange<'_>) -> Result<(), Self::Error>;
    /// A fault of one node (pause, resume, slow, skew) or a rogue sender.
    fn fault(&mut self, fault: Fault<'_>) -> Result<(), Self::Error>;
}

/// A network change, as the timeline says it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NetworkChange<'a> {
    /// Packets between different groups are dropped (only first → second when `oneway`).
    Partition {
        /// Disjoint groups; nodes in none form one more group.
        groups: &'a [Vec<NodeIndex>],
        /// Cut only traffic from the first group to the second.
        oneway: bool,
    },
    /// Every partition removed.
    Heal,
    /// The global loss probability.
    Loss(f64),
}

/// A fault the driver plays, as the timeline says it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault<'a> {
    /// The node stops processing; packets queue, timers wait.
    Pause(NodeIndex),
    /// A paused node runs again.
    Resume(NodeIndex),
    /// The node takes `per_packet` to process each packet (zero: the network's time again).
    Slow(NodeIndex, Duration),
    /// The node's wall clock reads this many ms ahead (behind when negative).
    Skew(NodeIndex, i64),
    /// A rogue sender starts.
    Forge(&'a Forge),
}

/// Plays a plan's timeline against a [`Driver`].
///
/// ```
/// use pekonode_run::{Action, Command, Driver, Fault, NetworkChange, NodeIndex, Plan, Player, Record, Timed};
/// use std::time::Duration;
///
/// /// A driver that only remembers who runs, and the records.
/// #[derive(Default)]
/// struct Toy { up: Vec<bool>, records: Vec<String> }
/// impl Driver for Toy {
///     type Error = ();
///     fn record(&mut self, r: Record<'_>) { self.records.push(format!("{r:?}")) }
///     fn running(&self, n: NodeIndex) -> bool { self.up.get(n as usize) == Some(&true) }
///     fn heartbeating(&self, n: NodeIndex) -> bool { self.running(n) }
///     fn spawn(&mut self, n: NodeIndex) -> Result<(), ()> {
///         self.up.resize(self.up.len().max(n as usize + 1), false);
///         self.up[n as usize] = true;
///         Ok(())
///     }
///     fn crash(&mut self, n: NodeIndex) { if let Some(u) = self.up.get_mut(n as usize) { *u = false } }
///     fn command(&mut self, _: NodeIndex, _: Command<'_>) -> Result<i64, ()> { Ok(0) }
///     fn observe(&mut self, _: NodeIndex) {}
///     fn send(&mut self, _: NodeIndex) {}
///     fn network(&mut self, _: NetworkChange<'_>) -> Result<(), ()> { Err(()) }
///     fn fault(&mut self, _: Fault<'_>) -> Result<(), ()> { Err(()) }
/// }
///
/// let join = Action::Join { node: 0, contacts: vec![] };
/// let mut plan = Plan::new("one", vec!["a".into()], vec![
///     Timed { at: Duration::ZERO, action: join },
///     Timed { at: Duration::from_secs(1), action: Action::Crash { node: 0 } },
/// ]);
/// let player = Player::new(&mut plan);
/// let mut toy = Toy::default();
/// for k in 0..plan.timeline.len() {
///     let action = Player::take(&mut plan, k).unwrap();
///     player.play(k, action, &mut toy).unwrap();
/// }
/// assert_eq!(toy.records.iter().filter(|r| r.starts_with("Up")).count(), 1);
/// assert_eq!(toy.records.last().map(String::as_str), Some("Gone { node: 0 }"));
/// ```
#[derive(Debug, Default)]
pub struct Player {
    /// Per timeline entry, the fault it starts if a nemesis put it there (empty without one).
    nemesis_starts: Vec<Option<NemesisFault>>,
    /// What must hold at every sample.
    invariants: Invariants,
}

impl Player {
    /// Prepares `plan` for playing: each nemesis' seeded schedule is expanded into plain
    /// actions of the timeline (which stays in time order), so every driver plays the same
    /// faults at the same times.
    pub fn new(plan: &mut Plan) -> Player {
        Player {
            nemesis_starts: crate::nemesis::expand(plan),
            invariants: Invariants::default(),
        }
    }

    /// Adds an invariant, checked at every sample of the run by whichever driver plays it.
    pub fn invariant(&mut self, check: impl Invariant + Send + 'static) {
        self.invariants.add(Box::new(check), false);
    }

    /// Adds the built-in invariants ([`built_in_invariants`](crate::built_in_invariants)):
    /// the simulator does for every run.
    pub fn built_in_invariants(&mut self) {
        for check in crate::invariant_builtin::built_in() {
            self.invariants.add(check, true);
        }
    }

    /// Drops the built-in invariants (for timing runs); those added with
    /// [`invariant`](Player::invariant) stay.
    pub fn without_built_in_invariants(&mut self) {
        self.invariants.without_built_in();
    }

    /// Checks the invariants against a sample just taken, seeing only the sample (real
    /// sockets). Returns the first invariant broken at this sample, if any.
    pub fn check_sample(&mut self, sample: Option<&Sample>) -> Option<&Violation> {
        let sample = sample?;
        self.invariants.check(&Moment {
            sample,
            state: None,
        })
    }

    /// Checks the invariants against a sample just taken, with the run's `state` to read
    /// (the simulator). Returns what stops the run if an invariant broke at this sample.
    pub fn check_state(
        &mut self,
        sample: Option<&Sample>,
        state: &dyn RunState,
    ) -> Option<GuardStop> {
        let sample = sample?;
        let at = Moment {
            sample,
            state: Some(state),
        };
        self.invariants.check(&at).map(crate::invariant::stop_for)
    }

    /// The first breach of each invariant so far, in the order seen (for the outcome).
    pub fn take_violations(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.invariants.violations)
    }

    /// Takes timeline action `k` out of `plan` for [`play`](Player::play): a join's or
    /// restart's contacts are taken, not copied, so that the contacts of a large `"all"`
    /// bootstrap (n² in all) are freed as the nodes join. Take each action once.
    pub fn take(plan: &mut Plan, k: usize) -> Option<Action> {
        let timed = plan.timeline.get_mut(k)?;
        Some(match &mut timed.action {
            Action::Join { node, contacts } => Action::Join {
                node: *node,
                contacts: std::mem::take(contacts),
            },
            Action::Restart { node, contacts } => Action::Restart {
                node: *node,
                contacts: std::mem::take(contacts),
            },
            other => other.clone(),
        })
    }

    /// Plays `action`, timeline entry `k` (taken with [`take`](Player::take)), through
    /// `driver` at the driver's current time.
    pub fn play<D: Driver>(
        &self,
        k: usize,
        action: Action,
        driver: &mut D,
    ) -> Result<(), D::Error> {
        if let Some(Some(fault)) = self.nemesis_starts.get(k) {
            driver.record(Record::NemesisFault(*fault));
        }
        driver.record(Record::Action(&action));
        match action {
            Action::Join { node, contacts } => join(driver, node, &contacts)?,
            Action::Crash { node } => crash(driver, node),
            Action::Restart { node, contacts } => {
                crash(driver, node);
                join(driver, node, &contacts)?;
            }
            Action::Stop { node } => {
                if driver.running(node) {
                    driver.command(node, Command::Stop)?;
                    let cause = DownCause::Stop;
                    driver.record(Record::Down { node, cause });
                }
            }
            Action::Start { node } => {
                if driver.running(node) {
                    driver.command(node, Command::Start)?;
                    bring_up(driver, node);
                }
            }
            Action::Set { node, contact } => {
                if driver.running(node) {
                    driver.command(node, Command::Set { contact })?;
                    driver.observe(node);
                    driver.send(node);
                }
            }
            Action::Publish { node, data } => {
                if driver.running(node) {
                    let version = driver.command(node, Command::Publish { data: &data })?;
                    driver.observe(node);
                    driver.record(Record::Published { node, version });
                    driver.send(node);
                }
            }
            Action::Partition { groups, oneway } => {
                driver.network(NetworkChange::Partition {
                    groups: &groups,
                    oneway,
                })?;
            }
            Action::Heal => driver.network(NetworkChange::Heal)?,
            Action::Loss { value } => driver.network(NetworkChange::Loss(value))?,
            Action::Pause { node } => driver.fault(Fault::Pause(node))?,
            Action::Resume { node } => driver.fault(Fault::Resume(node))?,
            Action::Slow { node, per_packet } => driver.fault(Fault::Slow(node, per_packet))?,
            Action::Skew { node, offset_ms } => driver.fault(Fault::Skew(node, offset_ms))?,
            Action::Forge(forge) => driver.fault(Fault::Forge(&forge))?,
            // Expanded into plain actions by `Player::new`.
            Action::Nemesis(_) => {}
        }
        Ok(())
    }
}

/// Starts node `node` afresh if it has no process, adds its contacts and joins.
fn join<D: Driver>(
    driver: &mut D,
    node: NodeIndex,
    contacts: &[NodeIndex],
) -> Result<(), D::Error> {
    if !driver.running(node) {
        driver.spawn(node)?;
        driver.record(Record::Fresh { node });
    }
    driver.command(node, Command::Join { contacts })?;
    bring_up(driver, node);
    Ok(())
}

/// After a command that may have started heartbeats: observe the view, mark the node up if it
/// heartbeats, then send what it sent (so its first heartbeat counts it as up).
fn bring_up<D: Driver>(driver: &mut D, node: NodeIndex) {
    driver.observe(node);
    if driver.heartbeating(node) {
        driver.record(Record::Up { node });
    }
    driver.send(node);
}

/// The process dies; a running node goes down, and its state is gone.
fn crash<D: Driver>(driver: &mut D, node: NodeIndex) {
    let was_running = driver.running(node);
    driver.crash(node);
    if was_running {
        let cause = DownCause::Crash;
        driver.record(Record::Down { node, cause });
        driver.record(Record::Gone { node });
    }
}

#[cfg(test)]
#[path = "player_tests.rs"]
mod tests;
