//! `convergence`: the converged fraction over virtual time (top panel) and the number of up
//! nodes (bottom panel), with a dashed marker and a label for every timeline event and the
//! explosion guard's stop shaded.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::decimate::decimate;
use super::markers::{guard_note, guard_region, mark_labels, mark_lines, x_extent};
use super::style::{self, Swatch, AXIS_PX, TICK_PX};
use super::{Chart, ChartFailure};
use crate::run::Outcome;

/// The convergence chart.
pub(crate) struct Convergence;

/// Width of the y label area, the same in both panels so their x axes line up.
const Y_AREA: u32 = 80;

/// The top panel: converged fraction.
fn fraction_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    o: &Outcome,
    (x_lo, x_hi): (f64, f64),
) -> Result<(), ChartFailure> {
    let y = (-0.02, 1.04);
    let mut chart = ChartBuilder::on(area)
        .margin_right(30)
        .margin_left(14)
        .margin_top(6)
        .x_label_area_size(12)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(x_lo..x_hi, y.0..y.1)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID.mix(0.45))
        .bold_line_style(style::GRID)
        .x_label_formatter(&|_| String::new())
        .y_labels(6)
        .y_label_formatter(&|v| style::csv_fixed(*v, 1))
        .y_desc("converged fraction")
        .axis_desc_style(style::text(AXIS_PX, style::INK))
        .label_style(style::text(TICK_PX, style::INK))
        .draw()?;
    guard_region(&mut chart, o, x_hi, y)?;
    mark_lines(&mut chart, &o.marks, y)?;
    // A step line: the fraction is sampled, and a change shows at the first sample after it
    // (never before the event that caused it, as a straight line between samples would).
    // With fewer than two nodes up the fraction is 1 by definition: not convergence, not drawn.
    let mut points: Vec<(f64, f64)> = Vec::with_capacity(o.samples.len() * 2);
    for s in o
        .samples
        .iter()
        .filter(|s| s.t_ms.is_finite() && s.converged_fraction.is_finite() && s.up >= 2)
    {
        let (x, v) = (s.t_ms / 1000.0, s.converged_fraction.clamp(0.0, 1.0));
        if let Some(&(_, prev)) = points.last() {
            points.push((x, prev));
        }
        points.push((x, v));
    }
    let points = decimate(points);
    if points.is_empty() {
        style::no_data(&chart.plotting_area().strip_coord_spec(), "no samples")?;
    } else if points.len() == 1 {
        chart.draw_series(
            points
                .iter()
                .map(|p| Circle::new(*p, 4, style::BLUE.filled())),
        )?;
    } else {
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            style::BLUE.stroke_width(2),
        ))?;
    }
    mark_labels(area, &chart, &o.marks, &points)?;
    guard_note(area, &chart, o, &points)?;
    Ok(())
}

/// The bottom panel: up nodes.
fn up_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    o: &Outcome,
    (x_lo, x_hi): (f64, f64),
) -> Result<(), ChartFailure> {
    let max_up = o
        .samples
        .iter()
        .map(|s| s.up)
        .max()
        .unwrap_or(0)
        .max(o.nodes) as f64;
    let y = (0.0, (max_up * 1.12).max(1.0));
    let mut chart = ChartBuilder::on(area)
        .margin_right(30)
        .margin_left(14)
        .margin_top(8)
        .x_label_area_size(52)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(x_lo..x_hi, y.0..y.1)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID.mix(0.45))
        .bold_line_style(style::GRID)
        .y_labels(4)
        .x_labels(12)
        .x_label_formatter(&|v| style::si(*v))
        .y_label_formatter(&|v| style::si(*v))
        .x_desc(style::time_axis(o))
        .y_desc("up nodes")
        .axis_desc_style(style::text(AXIS_PX, style::INK))
        .label_style(style::text(TICK_PX, style::INK))
        .draw()?;
    guard_region(&mut chart, o, x_hi, y)?;
    mark_lines(&mut chart, &o.marks, y)?;
    // Step line: the count holds until the next sample.
    let mut points = Vec::with_capacity(o.samples.len() * 2);
    for s in o.samples.iter().filter(|s| s.t_ms.is_finite()) {
        let x = s.t_ms / 1000.0;
        if let Some(&(_, prev)) = points.last() {
            points.push((x, prev));
        }
        points.push((x, s.up as f64));
    }
    let points = decimate(points);
    match points.len() {
        0 => style::no_data(&chart.plotting_area().strip_coord_spec(), "no samples")?,
        1 => {
            chart.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(*p, 4, style::GREEN.filled())),
            )?;
        }
        _ => {
            chart.draw_series(LineSeries::new(points, style::GREEN.stroke_width(2)))?;
        }
    }
    Ok(())
}

impl Chart for Convergence {
    const NAME: &'static str = "convergence";

    fn draw<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        o: &Outcome,
    ) -> Result<(), ChartFailure> {
        let first = o.convergence.first_converged_ms.map_or_else(
            || "never fully converged".to_owned(),
            |ms| format!("first converged at {} s", style::csv_fixed(ms / 1000.0, 1)),
        );
        let subtitle = format!(
            "seed {} · {} · {} forwarding · {} · final {} %",
            o.seed,
            style::count(o.nodes, "node"),
            o.protocol.forwarding,
            first,
            style::csv_fixed(o.convergence.final_fraction * 100.0, 1)
        );
        let body = style::title(root, &format!("Convergence: {}", o.scenario), &subtitle)?;
        let mut entries = vec![
            (Swatch::Line(style::BLUE), "converged fraction".to_owned()),
            (Swatch::Line(style::GREEN), "up nodes".to_owned()),
        ];
        if !o.marks.is_empty() {
            entries.push((Swatch::Dashed(style::GREY), "timeline event".to_owned()));
        }
        if let Some(stop) = &o.stopped {
            entries.push((
                Swatch::Band(style::VERMILLION),
                format!("not simulated (stopped by {})", stop.stopper()),
            ));
        }
        let body = style::legend(&body, &entries)?;
        let (_, h) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically((h as f64 * 0.66) as i32);
        let x = x_extent(o);
        fraction_panel(&top, o, x)?;
        up_panel(&bottom, o, x)?;
        Ok(())
    }
}
