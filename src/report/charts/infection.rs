//! `infection`: the share of up nodes a heartbeat has reached, by time since its emission
//! (left) and by hop (right): the median over sampled heartbeats as a line, the 10–90 %
//! range as a shaded band.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Swatch, AXIS_PX, LEGEND_PX, TICK_PX};
use super::{Chart, ChartFailure};
use crate::run::outcome::BandPoint;
use crate::run::Outcome;

/// The infection spread chart.
pub(crate) struct InfectionChart;

/// Band points with finite values, sorted by x, shares turned into percentages.
fn clean(points: &[BandPoint]) -> Vec<(f64, f64, f64, f64)> {
    let pct = |v: f64| (v * 100.0).clamp(0.0, 100.0);
    let mut out: Vec<(f64, f64, f64, f64)> = points
        .iter()
        .filter(|p| [p.x, p.p10, p.median, p.p90].iter().all(|v| v.is_finite()))
        .map(|p| (p.x, pct(p.p10), pct(p.median), pct(p.p90)))
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// One panel: band and median of `points` against x.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    x_desc: &str,
    points: &[BandPoint],
    integer_x: bool,
) -> Result<(), ChartFailure> {
    let data = clean(points);
    let (x_lo, x_hi) = style::finite_range(data.iter().map(|p| p.0)).unwrap_or((0.0, 1.0));
    let (x_lo, x_hi) = style::nonempty(x_lo.min(0.0), x_hi, 1.0);
    // Room for the last hop's dot.
    let x_hi = if integer_x { x_hi + 0.15 } else { x_hi };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, style::text(LEGEND_PX + 1, style::INK))
        .margin(12)
        .margin_right(28)
        .x_label_area_size(52)
        .y_label_area_size(74)
        .build_cartesian_2d(x_lo..x_hi, 0.0..102.0)?;
    let x_labels = if integer_x {
        ((x_hi - x_lo).round() as usize + 1).clamp(2, 12)
    } else {
        8
    };
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID.mix(0.45))
        .bold_line_style(style::GRID)
        .x_labels(x_labels)
        .y_labels(6)
        .x_label_formatter(&|v| {
            if integer_x && (v - v.round()).abs() > 1e-9 {
                String::new()
            } else {
                style::si(*v)
            }
        })
        .y_label_formatter(&|v| format!("{} %", style::csv_fixed(*v, 0)))
        .x_desc(x_desc)
        .y_desc("up nodes reached")
        .axis_desc_style(style::text(AXIS_PX, style::INK))
        .label_style(style::text(TICK_PX, style::INK))
        .draw()?;
    if data.is_empty() {
        style::no_data(
            &chart.plotting_area().strip_coord_spec(),
            "no heartbeat spread recorded",
        )?;
        return Ok(());
    }
    let band: Vec<(f64, f64)> = data
        .iter()
        .map(|p| (p.0, p.1))
        .chain(data.iter().rev().map(|p| (p.0, p.3)))
        .collect();
    if data.len() > 1 {
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            style::BLUE.mix(0.22).filled(),
        )))?;
        for edge in [1usize, 3] {
            chart.draw_series(LineSeries::new(
                data.iter()
                    .map(move |p| (p.0, if edge == 1 { p.1 } else { p.3 })),
                style::BLUE.mix(0.45).stroke_width(1),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            data.iter().map(|p| (p.0, p.2)),
            style::BLUE.stroke_width(3),
        ))?;
    }
    if data.len() == 1 {
        chart.draw_series(data.iter().map(|p| {
            ErrorBar::new_vertical(p.0, p.1, p.2, p.3, style::BLUE.mix(0.6).stroke_width(1), 8)
        }))?;
    }
    if integer_x || data.len() == 1 {
        chart.draw_series(
            data.iter()
                .map(|p| Circle::new((p.0, p.2), 4, style::BLUE.filled())),
        )?;
    }
    Ok(())
}

impl Chart for InfectionChart {
    const NAME: &'static str = "infection";

    fn draw<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        o: &Outcome,
    ) -> Result<(), ChartFailure> {
        let inf = &o.infection;
        let title = if inf.coverage.count > 0 {
            format!(
                "Infection spread: {}, coverage median {} % (min {} %)",
                o.scenario,
                style::csv_fixed(inf.coverage.median * 100.0, 1),
                style::csv_fixed(inf.coverage.min * 100.0, 1)
            )
        } else {
            format!("Infection spread: {}, no coverage recorded", o.scenario)
        };
        let spread = if inf.spread_ms.count > 0 {
            format!(
                " · time to last node: median {} ms, p90 {} ms",
                style::csv_fixed(inf.spread_ms.median, 0),
                style::csv_fixed(inf.spread_ms.p90, 0)
            )
        } else {
            String::new()
        };
        let subtitle = format!(
            "{} · {} forwarding, fan-out {} · {} heartbeats, {} sampled{}",
            style::count(o.nodes, "node"),
            o.protocol.forwarding,
            o.protocol.amount,
            inf.heartbeats,
            inf.sampled,
            spread
        );
        let body = style::title(root, &title, &subtitle)?;
        let body = style::legend(
            &body,
            &[
                (
                    Swatch::Line(style::BLUE),
                    "median over heartbeats".to_owned(),
                ),
                (
                    Swatch::Band(style::BLUE),
                    "10–90 % of heartbeats".to_owned(),
                ),
            ],
        )?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(w as i32 / 2);
        panel(
            &left,
            "(a) by time since emission",
            "time since emission (ms)",
            &inf.by_time,
            false,
        )?;
        panel(
            &right,
            "(b) by hop",
            "hops from the origin",
            &inf.by_hop,
            true,
        )?;
        Ok(())
    }
}
