//! The loopback cluster: a [`Plan`] (a scenario's, or one built from command-line options)
//! played in real time by real [`NodeList`](crate::udp::NodeList)s on 127.0.0.1, measured with the
//! simulator's metrics (docs/metrics.md) into the same [`Outcome`], so `report::write` gives the
//! same files as `pekonode run`.
//!
//! Each plan node becomes a real node with an OS-chosen port when it joins; a crash drops it
//! (threads stopped, socket closed), a restart binds its old port again (a new one if that was
//! taken meanwhile). Network loss is played as seeded drops at each node's send path
//! ([`Config::drop_probability`](crate::udp::Config)); what loopback cannot model is refused or
//! noted ([`check`]).
//!
//! # What is measured, and how
//!
//! The very observers of the simulator ([`Observers`]) compute every metric, from records the
//! cluster makes of what it sees:
//!
//! - **Membership** (converged fraction, convergence times, failure detection, false
//!   removals) from the nodes' `MemberJoined` / `MemberExpired` events, and **metadata
//!   spread** from their `MetadataChanged` events, seen within a 20 ms tick.
//! - **Traffic** from the sockets' counters ([`Stats`](crate::udp::Stats)), read every tick:
//!   datagrams and bytes sent, delivered, lost, dropped on a full queue, heartbeat datagrams,
//!   and heartbeats started (each node counts the broadcasts its protocol marks as its own).
//! - **Infection spread** (by time, by hop, coverage, duplicates) and packets in flight are not
//!   measured: a copy's lineage is not on the wire ([`Measured::SOCKETS`]); said so in the
//!   outcome's `notes`.
//!
//! ```no_run
//! # fn demo(plan: &pekonode::run::Plan) -> Result<(), Box<dyn std::error::Error>> {
//! let outcome = pekonode::cluster::run(plan, |p| eprintln!("{:?}", p.now))?;
//! pekonode::report::write(&outcome, std::path::Path::new("reports/udp"))?;
//! # Ok(()) }
//! ```

mod error;
mod fleet;
mod members;
mod records;
mod swim_members;
mod timeline;
mod totals;

use std::time::{Duration, Instant};

use pekonode_proto::{Time, UnixNanos};

pub use error::ClusterError;
pub use timeline::{check, scale, MAX_LOOPBACK_NODES};

use crate::run::{
    guard, Action, Command, Driver, Fault, Measured, NetworkChange, NodeIndex, Observers, Outcome,
    Plan, Player, ProtocolKind, Record,
};
use crate::udp::Config;
use crate::wire::{Keyring, WireMode};

use fleet::Fleet;
use members::Members;
use swim_members::SwimMembers;
use totals::Totals;

/// How often the run's loop wakes to drain events and play due actions.
const TICK: Duration = Duration::from_millis(20);

/// Where a running cluster is, reported after every sample.
#[derive(Clone, Debug)]
pub struct Progress {
    /// Time since the start.
    pub now: Duration,
    /// The planned length of the run.
    pub duration: Duration,
    /// Nodes up.
    pub up: usize,
    /// Converged fraction at this sample.
    pub converged_fraction: f64,
    /// Datagrams sent so far (fault drops included).
    pub sent: u64,
}

/// The node configuration of a plan: its protocol settings on 127.0.0.1, its loss as the
/// send-path drop probability; a sealed plan gets one fresh random key for the whole run.
fn node_config(plan: &Plan) -> Result<Config, ClusterError> {
    let keyring = match plan.wire {
        WireMode::Json => None,
        WireMode::Sealed => Some(Keyring::new(
            crate::keys::random_key().map_err(|e| ClusterError::Setting(e.to_string()))?,
        )),
    };
    Ok(Config {
        protocol: plan.config.clone(),
        secret_key: String::new(),
        keyring,
        listen_addr: "127.0.0.1".to_string(),
        seed: None,
        drop_probability: plan.network.loss,
    })
}

/// Plays `plan` in real time on 127.0.0.1 and returns what it measured. `progress` is called
/// after every sample. Every node is stopped and its port freed before this returns.
pub fn run(plan: &Plan, mut progress: impl FnMut(&Progress)) -> Result<Outcome, ClusterError> {
    let mut notes = check(plan)?;
    let mut plan = plan.clone();
    let mut player = Player::new(&mut plan);
    let plan = &mut plan;
    let config = node_config(plan)?;
    let resolved = config
        .protocol
        .resolve()
        .map_err(|e| ClusterError::Node(e.into()))?;
    let loss = config.drop_probability;
    let mut members: Box<dyn Fleet> = match &plan.protocol {
        ProtocolKind::PekoNode => Box::new(Members::new(plan.nodes.clone(), config, plan.seed)),
        ProtocolKind::Swim(settings) => {
            let swim = settings.resolve(&resolved);
            swim.validate()
                .map_err(|e| ClusterError::Setting(format!("SWIM: {e}")))?;
            Box::new(SwimMembers::new(plan.nodes.len(), swim, loss, plan.seed))
        }
    };
    let members = members.as_mut();
    let mut observers = Observers::new(plan, &resolved, Measured::SOCKETS);
    let mut seen = Totals::default();
    let mut stopped = None;

    let start = Instant::now();
    let (mut next_action, mut next_sample) = (0usize, Duration::ZERO);
    // Bounded: one pass per tick at least, plus one per action and per sample.
    let samples_planned = plan.duration.as_millis() / plan.sample_interval.as_millis().max(1);
    let max_passes = plan.duration.as_millis() / TICK.as_millis()
        + samples_planned
        + plan.timeline.len() as u128
        + 1_000;
    for _ in 0..max_passes {
        let now = start.elapsed();
        let t = Time::ZERO + now;
        records::feed(members, &mut observers, t, &mut seen);
        // Bind the not yet running contacts of nodes joining now before any joins, so that
        // those joins know their ports (bootstrap `all`). Other nodes bind at their join.
        let due = plan.timeline[next_action..]
            .iter()
            .take_while(|a| a.at <= now);
        for timed in due {
            if let Action::Join { contacts, .. } = &timed.action {
                for &c in contacts {
                    members.reserve(c as usize)?;
                }
            }
        }
        while plan.timeline.get(next_action).is_some_and(|a| a.at <= now) {
            let k = next_action;
            next_action += 1;
            let Some(action) = Player::take(plan, k) else {
                break;
            };
            let mut driver = Loopback {
                members,
                observers: &mut observers,
                t,
                notes: &mut notes,
            };
            player.play(k, action, &mut driver)?;
        }
        if now >= next_sample {
            observers.sample(t, 0);
            player.check_sample(observers.last_sample());
            let in_cycle = observers.sent_in_cycle(t);
            while next_sample <= now {
                next_sample += plan.sample_interval;
            }
            let last = observers.last_sample();
            progress(&Progress {
                now,
                duration: plan.duration,
                up: last.map_or(0, |s| s.up),
                converged_fraction: last.map_or(1.0, |s| s.converged_fraction),
                sent: last.map_or(0, |s| s.sent),
            });
            // Sockets cannot see packets in flight: only the per-cycle limit is judged.
            let stop = guard::check(&plan.limits, resolved.forwarding, None, in_cycle, t);
            if stop.is_some() {
                stopped = stop;
                break;
            }
        }
        if now >= plan.duration {
            break;
        }
        let mut wake = (now + TICK).min(next_sample).min(plan.duration);
        if let Some(a) = plan.timeline.get(next_action) {
            wake = wake.min(a.at);
        }
        std::thread::sleep(
            wake.saturating_sub(start.elapsed())
                .max(Duration::from_millis(1)),
        );
    }
    let elapsed = start.elapsed();
    let end = Time::ZERO + elapsed;
    records::feed(members, &mut observers, end, &mut seen);
    let last_ms = observers.last_sample().map_or(0.0, |s| s.t_ms);
    if elapsed.as_secs_f64() * 1_000.0 - last_ms > 1.0 && stopped.is_none() {
        observers.sample(end, 0);
        player.check_sample(observers.last_sample());
    }
    let totals = members.totals();
    members.shutdown();
    let kernel = totals
        .sent
        .saturating_sub(totals.received)
        .saturating_add(totals.send_errors);
    notes.push(format!(
        "times are real time since the start, seen within a {} ms tick; {kernel} datagrams \
         were sent but never read (to crashed nodes, lost by the kernel or still queued at the \
         end) or failed to send",
        TICK.as_millis()
    ));
    let mut outcome = observers.finish(plan, end, stopped, notes);
    outcome.violations = player.take_violations();
    Ok(outcome)
}

/// The loopback cluster as the plan player's driver, for one instant `t` of the run.
struct Loopback<'a> {
    members: &'a mut dyn Fleet,
    observers: &'a mut Observers,
    t: Time,
    /// What was played differently (a restart on a new port).
    notes: &'a mut Vec<String>,
}

impl Driver for Loopback<'_> {
    type Error = ClusterError;

    fn record(&mut self, record: Record<'_>) {
        self.observers.record(self.t, record);
    }

    fn running(&self, node: NodeIndex) -> bool {
        self.members.running(node as usize)
    }

    fn heartbeating(&self, node: NodeIndex) -> bool {
        self.members.is_up(node as usize)
    }

    fn spawn(&mut self, node: NodeIndex) -> Result<(), ClusterError> {
        if let Some(note) = self.members.spawn(node as usize)? {
            self.notes.push(note);
        }
        Ok(())
    }

    fn crash(&mut self, node: NodeIndex) {
        self.members.crash(node as usize);
    }

    fn command(
        &mut self,
        node: NodeIndex,
        command: Command<'_>,
    ) -> Result<UnixNanos, ClusterError> {
        let i = node as usize;
        match command {
            Command::Join { contacts } => self.members.join(i, contacts),
            Command::Set { contact } => self.members.set(i, contact as usize),
            Command::Stop => {
                self.members.stop(i);
            }
            Command::Start => {
                self.members.start(i);
            }
            Command::Publish { data } => return self.members.publish(i, data),
        }
        Ok(0)
    }

    /// The nodes' events reach the records every tick (`records::feed`), from their threads.
    fn observe(&mut self, _node: NodeIndex) {}

    /// Real nodes send on their own threads.
    fn send(&mut self, _node: NodeIndex) {}

    fn network(&mut self, change: NetworkChange<'_>) -> Result<(), ClusterError> {
        match change {
            NetworkChange::Loss(value) => self.members.set_drop_probability(value),
            // Refused by `check` before the run.
            NetworkChange::Partition { .. } | NetworkChange::Heal => Err(ClusterError::Unplayable(
                "a partition on loopback sockets".into(),
            )),
        }
    }

    fn fault(&mut self, _fault: Fault<'_>) -> Result<(), ClusterError> {
        // Refused by `check` before the run.
        Err(ClusterError::Unplayable(
            "node faults and rogue senders on loopback sockets".into(),
        ))
    }
}
