//! `traffic`: packets per protocol cycle split by outcome (top) and bytes sent per cycle
//! (bottom). A panel switches to a log y axis when its values span more than three orders of
//! magnitude, as faithful forwarding's do; zeros then break the line instead of plunging.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::decimate::decimate;
use super::markers::{guard_note, guard_region, mark_lines, x_extent};
use super::style::{self, Swatch, AXIS_PX, TICK_PX};
use super::{Chart, ChartFailure};
use crate::run::outcome::CycleTraffic;
use crate::run::Outcome;

/// The traffic chart.
pub(crate) struct TrafficChart;

/// Width of the y label area, the same in both panels so their x axes line up.
const Y_AREA: u32 = 80;
/// At most this many cycles get a dot per point.
const DOTS_UP_TO: usize = 40;

/// One line of a panel.
struct Line {
    color: RGBColor,
    dashed: bool,
    /// (cycle start in s, value).
    points: Vec<(f64, f64)>,
}

/// The y scale of a panel.
#[derive(Clone, Copy)]
enum Scale {
    /// Linear from 0 to the maximum.
    Linear { hi: f64 },
    /// log10 of the value, over whole decades.
    Log { lo: f64, hi: f64 },
}

impl Scale {
    /// Linear unless positive values span more than three orders of magnitude.
    fn for_values(values: impl Iterator<Item = f64> + Clone) -> Scale {
        let max = values.clone().fold(0.0f64, f64::max);
        let min_pos = values.filter(|v| *v > 0.0).fold(f64::INFINITY, f64::min);
        if max > 0.0 && min_pos.is_finite() && max / min_pos > 1e3 {
            let lo = min_pos.log10().floor();
            let hi = max.log10().ceil().max(lo + 1.0);
            Scale::Log { lo, hi }
        } else {
            Scale::Linear {
                hi: (max * 1.1).max(10.0),
            }
        }
    }

    fn range(self) -> (f64, f64) {
        match self {
            Scale::Linear { hi } => (0.0, hi),
            Scale::Log { lo, hi } => (lo, hi),
        }
    }

    /// The plotted y of `v`, `None` where a log axis cannot show it.
    fn map(self, v: f64) -> Option<f64> {
        match self {
            Scale::Linear { .. } => Some(v),
            Scale::Log { .. } => (v > 0.0).then(|| v.log10()),
        }
    }

    /// Tick label of a plotted y.
    fn label(self, y: f64, unit: &str) -> String {
        let value = match self {
            Scale::Linear { .. } => y,
            Scale::Log { .. } if (y - y.round()).abs() < 1e-6 => 10f64.powf(y.round()),
            Scale::Log { .. } => return String::new(),
        };
        if unit.is_empty() {
            style::si(value)
        } else {
            format!("{}{unit}", style::si_spaced(value))
        }
    }

    /// How many ticks to ask for on an axis of `px` pixels (at least 30 px apart).
    fn tick_count(self, px: u32) -> usize {
        let room = (px as usize / 30).max(2);
        match self {
            Scale::Linear { .. } => room.min(6),
            Scale::Log { lo, hi } => ((hi - lo) as usize + 1).clamp(2, room),
        }
    }
}

/// One panel of lines against cycle start time.
#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    o: &Outcome,
    lines: &[Line],
    y_desc: &str,
    unit: &str,
    bottom: bool,
) -> Result<(), ChartFailure> {
    let scale = Scale::for_values(lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)));
    let (y_lo, y_hi) = scale.range();
    let x = x_extent(o);
    let mut chart = ChartBuilder::on(area)
        .margin_right(30)
        .margin_left(14)
        .margin_top(8)
        .x_label_area_size(if bottom { 52 } else { 12 })
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(x.0..x.1, y_lo..y_hi)?;
    let plot_height = chart.plotting_area().dim_in_pixel().1;
    let y_desc = match scale {
        Scale::Log { .. } => format!("{y_desc} (log)"),
        Scale::Linear { .. } => y_desc.to_owned(),
    };
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID.mix(0.45))
        .bold_line_style(style::GRID)
        .x_labels(12)
        .y_labels(scale.tick_count(plot_height))
        .x_label_formatter(&|v| if bottom { style::si(*v) } else { String::new() })
        .y_label_formatter(&|v| scale.label(*v, unit))
        .x_desc(if bottom {
            if o.real_sockets {
                "cycle start, real time (s)"
            } else {
                "cycle start, virtual time (s)"
            }
        } else {
            ""
        })
        .y_desc(y_desc)
        .axis_desc_style(style::text(AXIS_PX, style::INK))
        .label_style(style::text(TICK_PX, style::INK))
        .draw()?;
    guard_region(&mut chart, o, x.1, (y_lo, y_hi))?;
    mark_lines(&mut chart, &o.marks, (y_lo, y_hi))?;
    let any = lines.iter().any(|l| l.points.iter().any(|p| p.1 > 0.0));
    if !any {
        let note = if o.per_cycle.is_empty() {
            "no cycle recorded"
        } else {
            "no traffic"
        };
        style::no_data(&chart.plotting_area().strip_coord_spec(), note)?;
    }
    let dots = lines.iter().map(|l| l.points.len()).max().unwrap_or(0) <= DOTS_UP_TO;
    for line in lines {
        // Runs of plottable points; a log axis breaks the line at zeros.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for &(t, v) in &line.points {
            match scale.map(v) {
                Some(y) if t.is_finite() && y.is_finite() => {
                    if let Some(run) = runs.last_mut() {
                        run.push((t, y));
                    }
                }
                _ => runs.push(Vec::new()),
            }
        }
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            if dots || run.len() == 1 {
                chart.draw_series(run.iter().map(|p| Circle::new(*p, 3, line.color.filled())))?;
            }
            if run.len() > 1 {
                let style = line.color.stroke_width(2);
                if line.dashed {
                    chart.draw_series(std::iter::once(DashedPathElement::new(run, 7, 4, style)))?;
                } else {
                    chart.draw_series(LineSeries::new(run, style))?;
                }
            }
        }
    }
    if !bottom {
        let plotted: Vec<(f64, f64)> = lines
            .iter()
            .flat_map(|l| l.points.iter())
            .filter_map(|&(t, v)| scale.map(v).map(|y| (t, y)))
            .collect();
        guard_note(area, &chart, o, &plotted)?;
    }
    Ok(())
}

/// (colour, dashed, name, field) of each packet line, in legend order.
type Field = fn(&CycleTraffic) -> u64;
const PACKET_LINES: [(RGBColor, bool, &str, Field); 5] = [
    (style::INK, true, "sent", |c| c.sent),
    (style::BLUE, false, "delivered", |c| c.delivered),
    (style::ORANGE, false, "lost", |c| c.lost),
    (style::VERMILLION, false, "dropped", |c| c.dropped),
    (style::PURPLE, false, "duplicates", |c| c.duplicates),
];

impl Chart for TrafficChart {
    const NAME: &'static str = "traffic";

    fn draw<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        o: &Outcome,
    ) -> Result<(), ChartFailure> {
        let t = &o.traffic;
        let subtitle = format!(
            "{} · {} forwarding, fan-out {}, cycle {} ms · {} packets per heartbeat · {}B sent",
            style::count(o.nodes, "node"),
            o.protocol.forwarding,
            o.protocol.amount,
            style::csv_fixed(o.protocol.cycle_ms, 0),
            style::si(t.packets_per_heartbeat),
            style::si_spaced(t.bytes_sent as f64),
        );
        let body = style::title(
            root,
            &format!("Traffic per cycle: {}", o.scenario),
            &subtitle,
        )?;
        let mut entries = Vec::new();
        let mut lines = Vec::new();
        for (color, dashed, name, field) in PACKET_LINES {
            let total: u64 = o.per_cycle.iter().map(field).sum();
            let swatch = if dashed {
                Swatch::Dashed(color)
            } else {
                Swatch::Line(color)
            };
            entries.push((swatch, format!("{name} ({})", style::si(total as f64))));
            lines.push(Line {
                color,
                dashed,
                points: decimate(
                    o.per_cycle
                        .iter()
                        .map(|c| (c.start_ms / 1000.0, field(c) as f64))
                        .collect(),
                ),
            });
        }
        entries.push((Swatch::Line(style::SKY), "bytes sent".to_owned()));
        if o.stopped.is_some() {
            entries.push((Swatch::Band(style::VERMILLION), "not simulated".to_owned()));
        }
        let body = style::legend(&body, &entries)?;
        let (_, h) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically((h as f64 * 0.62) as i32);
        panel(&top, o, &lines, "packets per cycle", "", false)?;
        let bytes = [Line {
            color: style::SKY,
            dashed: false,
            points: decimate(
                o.per_cycle
                    .iter()
                    .map(|c| (c.start_ms / 1000.0, c.bytes_sent as f64))
                    .collect(),
            ),
        }];
        panel(&bottom, o, &bytes, "bytes per cycle", "B", true)?;
        Ok(())
    }
}
