//! `pekonode run --trace FILE.jsonl` and `--until T --dump-views`: one seed, every event.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use anyhow::Context;
use pekonode::experiment;
use pekonode::protocol::{PacketKind, Time};
use pekonode::run::Outcome;
use pekonode::scenario::Scenario;
use pekonode::sim::{NodeState, PacketInfo, Simulator, TraceEvent};

/// Shared by the sink and the caller: the writer and its first error.
struct Out {
    writer: BufWriter<File>,
    error: Option<std::io::Error>,
    line: String,
}

fn kind(k: PacketKind) -> &'static str {
    match k {
        PacketKind::Heartbeat => "heartbeat",
        PacketKind::Update => "update",
        PacketKind::SwapRequest => "swap_request",
        PacketKind::SwapReply => "swap_reply",
    }
}

/// Virtual time as an exact decimal number of ms.
fn t_ms(t: Time) -> String {
    let us = t.as_micros();
    format!("{}.{:03}", us / 1000, us % 1000)
}

fn line(out: &mut String, names: &[String], t: Time, e: &TraceEvent<'_>) {
    // Past the plan's nodes: the rogue sender (forging or replaying) and the made-up
    // identities it forges, numbered after the plan's nodes.
    let name = |i: u32| -> std::borrow::Cow<'_, str> {
        match names.get(i as usize) {
            Some(n) => n.as_str().into(),
            None if i == pekonode::sim::ROGUE => "rogue".into(),
            None if i == pekonode::sim::REPLAYER => "replayer".into(),
            None => format!("fake{}", i as usize - names.len()).into(),
        }
    };
    let packet = |out: &mut String, ev: &str, p: &PacketInfo| {
        let _ = write!(
            out,
            r#"{{"t_ms":{},"ev":"{ev}","from":"{}","to":"{}","kind":"{}","origin":"{}","bytes":{}"#,
            t_ms(t),
            name(p.from),
            name(p.to),
            kind(p.kind),
            name(p.origin),
            p.bytes
        );
    };
    match e {
        TraceEvent::Send(p) => packet(out, "send", p),
        TraceEvent::Deliver(p) => packet(out, "deliver", p),
        TraceEvent::Drop { packet: p, reason } => {
            packet(out, "drop", p);
            let _ = write!(out, r#","reason":"{}""#, reason.name());
        }
        TraceEvent::Learn { node, member } | TraceEvent::Expire { node, member } => {
            let ev = if matches!(e, TraceEvent::Learn { .. }) {
                "learn"
            } else {
                "expire"
            };
            let _ = write!(
                out,
                r#"{{"t_ms":{},"ev":"{ev}","node":"{}","member":"{}""#,
                t_ms(t),
                name(*node),
                name(*member)
            );
        }
        TraceEvent::Reject { node, reason } => {
            let _ = write!(
                out,
                r#"{{"t_ms":{},"ev":"reject","node":"{}","reason":"{reason}""#,
                t_ms(t),
                name(*node)
            );
        }
        TraceEvent::Action { label } => {
            let text = serde_json::to_string(label).unwrap_or_else(|_| "\"?\"".to_string());
            let _ = write!(out, r#"{{"t_ms":{},"ev":"action","what":{text}"#, t_ms(t));
        }
    }
    out.push_str("}\n");
}

/// Runs one seed of `scenario`, writing every event to `trace` (if given); with `until`, stops
/// there (printing every view if `dump_views`) and returns `None`, else returns the outcome.
pub fn run_traced(
    scenario: &Scenario,
    trace: Option<&Path>,
    until: Option<Duration>,
    dump_views: bool,
) -> anyhow::Result<Option<Outcome>> {
    let plan = experiment::plan(scenario);
    let names = plan.nodes.clone();
    let mut sim =
        Simulator::new(plan).with_context(|| format!("cannot simulate {}", scenario.file()))?;
    let out = match trace {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("cannot create the trace file {}", path.display()))?;
            let out = Rc::new(RefCell::new(Out {
                writer: BufWriter::with_capacity(1 << 20, file),
                error: None,
                line: String::with_capacity(256),
            }));
            let sink = Rc::clone(&out);
            let names = names.clone();
            sim = sim.with_trace(Box::new(move |t, e| {
                let mut o = sink.borrow_mut();
                let o = &mut *o;
                if o.error.is_some() {
                    return;
                }
                o.line.clear();
                line(&mut o.line, &names, t, e);
                if let Err(err) = o.writer.write_all(o.line.as_bytes()) {
                    o.error = Some(err);
                }
            }));
            Some((out, path))
        }
        None => None,
    };
    let finish_trace = |out: Option<(Rc<RefCell<Out>>, &Path)>| -> anyhow::Result<()> {
        if let Some((out, path)) = out {
            let mut o = out.borrow_mut();
            if let Some(err) = o.error.take() {
                return Err(err)
                    .with_context(|| format!("cannot write the trace {}", path.display()));
            }
            o.writer
                .flush()
                .with_context(|| format!("cannot write the trace {}", path.display()))?;
        }
        Ok(())
    };
    if let Some(until) = until {
        sim.run_until(Time::ZERO + until);
        if dump_views {
            out!("{}", views(&sim, &names))?;
        }
        drop(sim);
        finish_trace(out)?;
        return Ok(None);
    }
    let outcome = sim.run();
    finish_trace(out)?;
    Ok(Some(outcome))
}

/// Every node's view at the simulator's current time, one line per node.
fn views(sim: &Simulator, names: &[String]) -> String {
    let now = sim.now();
    let name = |i: u32| names.get(i as usize).map_or("?", String::as_str);
    let mut out = format!("views at t = {:.3} s (virtual)\n", now.as_secs_f64());
    for v in sim.views() {
        let state = match v.state {
            NodeState::Up => "up",
            NodeState::Stopped => "stopped",
            NodeState::Down => "down",
        };
        let _ = write!(
            out,
            "{} [{state}] {} entries:",
            name(v.node),
            v.entries.len()
        );
        for (member, at) in &v.entries {
            let age = now.saturating_since(*at).as_secs_f64();
            let _ = write!(out, " {}({age:.1}s)", name(*member));
        }
        out.push('\n');
    }
    out
}
