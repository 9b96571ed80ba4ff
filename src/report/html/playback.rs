//! The infection playback section of a run's `report.html`: the nodes on a ring (up to 64) or a
//! grid, coloured as one heartbeat or the first publish reaches them
//! ([`Playback`](crate::run::outcome::Playback)), with play/pause, step, speed and a time
//! slider (`playback.js`), and the run's view-accuracy curve (converged fraction over time)
//! under it, a cursor at the playback's instant.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::escape::{esc, script_json};
use crate::report::csv::fixed;
use crate::report::table::secs;
use crate::run::outcome::{Sample, Spread};
use crate::run::Outcome;

/// The playback script.
const SCRIPT: &str = include_str!("playback.js");

/// Width of both drawings (SVG user units).
const WIDTH: f64 = 640.0;
/// Largest cluster drawn as a ring; larger ones are a grid.
const RING_MAX: usize = 64;
/// The curve's plot area inside its drawing: left, right, top, bottom margins.
const CURVE_MARGIN: (f64, f64, f64, f64) = (44.0, 12.0, 10.0, 26.0);
/// Height of the curve's drawing.
const CURVE_HEIGHT: f64 = 160.0;

/// Each node's centre and the circles' radius, and the drawing's height.
fn layout(n: usize) -> (Vec<(f64, f64)>, f64, f64) {
    if n <= RING_MAX {
        let (cx, cy, radius) = (WIDTH / 2.0, 230.0, 200.0);
        let r = (std::f64::consts::PI * radius / n.max(1) as f64 * 0.7).clamp(4.0, 14.0);
        let points = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
                (cx + radius * a.cos(), cy + radius * a.sin())
            })
            .collect();
        (points, r, 460.0)
    } else {
        let cols = ((n as f64 * 1.6).sqrt().ceil() as usize).max(1);
        let rows = n.div_ceil(cols);
        let step = WIDTH / cols as f64;
        let points = (0..n)
            .map(|i| {
                (
                    step * ((i % cols) as f64 + 0.5),
                    step * ((i / cols) as f64 + 0.5),
                )
            })
            .collect();
        (points, step * 0.36, step * rows as f64)
    }
}

/// The nodes as SVG circles (classes set by the script), each titled with its name.
fn nodes_svg(names: &[String]) -> String {
    let (points, r, height) = layout(names.len());
    let mut out = format!(
        "<svg id=\"pb-nodes\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"nodes\">\n",
        fixed(WIDTH, 0),
        fixed(height, 1)
    );
    for (i, (name, (x, y))) in names.iter().zip(points).enumerate() {
        let _ = writeln!(
            out,
            "<circle class=\"node\" data-i=\"{i}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}</title></circle>",
            fixed(x, 1),
            fixed(y, 1),
            fixed(r, 1),
            esc(name)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The view-accuracy curve of the whole run, with the cursor the script moves.
fn curve_svg(samples: &[Sample], run_ms: f64) -> String {
    let (left, right, top, bottom) = CURVE_MARGIN;
    let (w, h) = (WIDTH - left - right, CURVE_HEIGHT - top - bottom);
    let x = |t: f64| left + t / run_ms * w;
    let y = |f: f64| top + (1.0 - f.clamp(0.0, 1.0)) * h;
    let mut out = format!(
        "<svg id=\"pb-curve\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"view accuracy\">\n",
        fixed(WIDTH, 0),
        fixed(CURVE_HEIGHT, 0)
    );
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/><line class=\"axis\" x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\"/>",
        l = fixed(left, 1),
        r = fixed(left + w, 1),
        t = fixed(top, 1),
        b = fixed(top + h, 1)
    );
    for f in [0.0, 0.5, 1.0] {
        let _ = writeln!(
            out,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            fixed(left - 6.0, 1),
            fixed(y(f) + 4.0, 1),
            fixed(f, 1)
        );
    }
    for (t, anchor) in [(0.0, "start"), (run_ms, "end")] {
        let _ = writeln!(
            out,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            fixed(x(t), 1),
            fixed(CURVE_HEIGHT - 8.0, 1),
            format_args!("{} s", fixed(t / 1000.0, 0))
        );
    }
    let _ = writeln!(
        out,
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">view accuracy (converged fraction) over the run</text>",
        fixed(left + w / 2.0, 1),
        fixed(CURVE_HEIGHT - 8.0, 1)
    );
    let points: Vec<String> = samples
        .iter()
        .filter(|s| s.t_ms.is_finite() && s.converged_fraction.is_finite())
        .map(|s| {
            format!(
                "{},{}",
                fixed(x(s.t_ms), 1),
                fixed(y(s.converged_fraction), 1)
            )
        })
        .collect();
    if !points.is_empty() {
        let _ = writeln!(
            out,
            "<polyline class=\"curve\" points=\"{}\"/>",
            points.join(" ")
        );
    }
    let _ = writeln!(
        out,
        "<line id=\"pb-cursor\" x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\"/>",
        l = fixed(left, 1),
        t = fixed(top, 1),
        b = fixed(top + h, 1)
    );
    out.push_str("</svg>\n");
    out
}

/// One spread as the script reads it: arrival times relative to its start (ms, rounded to
/// the microsecond), `null` for never.
fn spread_json(kind: &str, label: &str, s: &Spread) -> Value {
    let arrived: Vec<Value> = s
        .arrived_ms
        .iter()
        .map(|a| match a {
            Some(a) => json!(((a - s.at_ms) * 1000.0).round() / 1000.0),
            None => Value::Null,
        })
        .collect();
    json!({
        "kind": kind,
        "label": label,
        "at_ms": s.at_ms,
        "origin": s.origin,
        "up": s.up.iter().map(|&u| u8::from(u)).collect::<Vec<_>>(),
        "arrived": arrived,
    })
}

/// The playback section's inner HTML, or `None` when the run has nothing to play (real
/// sockets, more than the recorded node count, no heartbeat after warm-up and no publish).
pub(crate) fn section(outcome: &Outcome) -> Option<String> {
    if outcome.infection_unmeasured().is_some() {
        return None;
    }
    let p = outcome.playback.as_ref()?;
    let name = |i: usize| p.names.get(i).map_or("?", String::as_str);
    let mut spreads = Vec::new();
    if let Some(h) = &p.heartbeat {
        let label = format!(
            "heartbeat #{} of {}, emitted at {}",
            h.id,
            name(h.origin),
            secs(h.at_ms)
        );
        spreads.push(("heartbeat", label, h));
    }
    if let Some(m) = &p.publish {
        let label = format!("first publish, by {} at {}", name(m.origin), secs(m.at_ms));
        spreads.push(("publish", label, m));
    }
    if spreads.is_empty() || p.names.is_empty() {
        return None;
    }
    let run_ms = outcome.ended_at_ms.max(outcome.duration_ms).max(1.0);
    let data = json!({
        "run_ms": run_ms,
        "curve_x0": CURVE_MARGIN.0,
        "curve_w": WIDTH - CURVE_MARGIN.0 - CURVE_MARGIN.1,
        "spreads": spreads
            .iter()
            .map(|(kind, label, s)| spread_json(kind, label, s))
            .collect::<Vec<_>>(),
    });
    let mut out = String::new();
    out.push_str(
        "<p class=\"note\">How one heartbeat spreads: the first heartbeat emitted after the \
         warm-up by the lowest-numbered node up then (and the run's first publish, if any). \
         Nodes turn orange when the heartbeat first reaches them, then blue; dashed nodes were \
         down when it started.</p>\n",
    );
    out.push_str("<div id=\"playback\" data-frame=\"0\" data-t=\"0\">\n<div class=\"controls\">\n<select id=\"pb-spread\" aria-label=\"what to play\">\n");
    for (i, (_, label, _)) in spreads.iter().enumerate() {
        let _ = writeln!(out, "<option value=\"{i}\">{}</option>", esc(label));
    }
    out.push_str(
        "</select>\n<button id=\"pb-play\" type=\"button\">play</button>\n\
         <button id=\"pb-step\" type=\"button\">step</button>\n\
         <label>speed <select id=\"pb-speed\">\
         <option value=\"0.25\">¼×</option><option value=\"0.5\">½×</option>\
         <option value=\"1\" selected>1×</option><option value=\"2\">2×</option>\
         <option value=\"4\">4×</option></select></label>\n\
         <input id=\"pb-time\" type=\"range\" min=\"0\" max=\"1000\" value=\"0\" aria-label=\"time\">\n\
         <output id=\"pb-status\">t = 0 ms</output>\n</div>\n<div class=\"stage\">\n",
    );
    out.push_str(&nodes_svg(&p.names));
    out.push_str(&curve_svg(&outcome.samples, run_ms));
    out.push_str(
        "</div>\n<p class=\"legend\"><span style=\"background:#e3e3e3\"></span>not yet\
         <span style=\"background:#e69f00\"></span>just reached\
         <span style=\"background:#0072b2\"></span>reached\
         <span style=\"background:#fff;border:1px dashed #aaa\"></span>down at the start\
         <span style=\"background:#fff;border:3px solid #d55e00\"></span>origin</p>\n</div>\n",
    );
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"pb-data\">{}</script>\n<script>\n{SCRIPT}</script>\n",
        script_json(&data.to_string())
    );
    Some(out)
}
