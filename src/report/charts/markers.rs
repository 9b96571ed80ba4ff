//! What every time chart shares: the x extent, dashed markers and labels for timeline
//! events, and the explosion guard's shaded region and note.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, NOTE_PX};
use super::ChartFailure;
use crate::run::outcome::Mark;
use crate::run::Outcome;

/// Labels of events closer than this many pixels are merged into one. A rotated label with its
/// white box is 3 + 13 px text + 4 px wide: 18 px let neighbours overlap by a few pixels.
const MERGE_PX: i32 = 24;
/// Longest event label, in characters.
const LABEL_CHARS: usize = 42;
/// Above this many marks, lines are drawn per pixel column and labels name how many events
/// each group holds (no shipped scenario comes near).
const MAX_MARK_LINES: usize = 200;

/// A chart with linear f64 axes.
pub(crate) type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The x extent in seconds: the planned duration, or whatever the data covers.
pub(crate) fn x_extent(o: &Outcome) -> (f64, f64) {
    let planned = style::finite_range(
        [o.duration_ms, o.ended_at_ms]
            .into_iter()
            .chain(o.samples.iter().map(|s| s.t_ms))
            .chain(o.marks.iter().map(|m| m.at_ms)),
    )
    .map_or(0.0, |(_, hi)| hi.max(0.0));
    // A stopped run shows what it measured plus a strip of the unsimulated rest, so the
    // measured part keeps most of the width.
    let hi = match &o.stopped {
        Some(stop) if stop.at_ms.is_finite() && stop.at_ms > 0.0 => {
            let measured = style::finite_range(
                [stop.at_ms, o.ended_at_ms]
                    .into_iter()
                    .chain(o.samples.iter().map(|s| s.t_ms))
                    .chain(o.per_cycle.iter().map(|c| c.start_ms)),
            )
            .map_or(stop.at_ms, |(_, hi)| hi);
            planned.min(measured * 1.25)
        }
        _ => planned,
    };
    style::nonempty(0.0, hi / 1000.0, 1.0)
}

/// The explosion guard's region: from the stop to the end of the x axis.
pub(crate) fn guard_region<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    o: &Outcome,
    x_hi: f64,
    (y_lo, y_hi): (f64, f64),
) -> Result<(), ChartFailure> {
    if let Some(stop) = &o.stopped {
        let at = stop.at_ms / 1000.0;
        if at.is_finite() && at < x_hi {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(at, y_lo), (x_hi, y_hi)],
                style::VERMILLION.mix(0.10).filled(),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(at, y_lo), (at, y_hi)],
                style::VERMILLION.stroke_width(2),
            )))?;
        }
    }
    Ok(())
}

/// Dashed vertical lines at every mark; beyond [`MAX_MARK_LINES`] marks, one thin solid line
/// per pixel column holding marks instead (a dashed line is dozens of SVG elements).
pub(crate) fn mark_lines<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    marks: &[Mark],
    (y_lo, y_hi): (f64, f64),
) -> Result<(), ChartFailure> {
    if marks.len() > MAX_MARK_LINES {
        let mut columns: Vec<i32> = marks
            .iter()
            .filter(|m| m.at_ms.is_finite())
            .map(|m| chart.backend_coord(&(m.at_ms / 1000.0, 0.0)).0)
            .collect();
        columns.sort_unstable();
        columns.dedup();
        let (lo, hi) = (chart.backend_coord(&(0.0, y_lo)).1, {
            chart.backend_coord(&(0.0, y_hi)).1
        });
        let area = chart.plotting_area().strip_coord_spec();
        let (bx, by) = area.get_base_pixel();
        for px in columns {
            area.draw(&PathElement::new(
                vec![(px - bx, lo - by), (px - bx, hi - by)],
                style::GREY.mix(0.5).stroke_width(1),
            ))?;
        }
        return Ok(());
    }
    for m in marks.iter().filter(|m| m.at_ms.is_finite()) {
        let x = m.at_ms / 1000.0;
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x, y_lo), (x, y_hi)],
            6,
            4,
            style::GREY.stroke_width(1),
        )))?;
    }
    Ok(())
}

/// Groups marks whose lines are closer than [`MERGE_PX`] and returns (pixel x, label).
fn label_groups<DB: DrawingBackend>(chart: &Plot<'_, DB>, marks: &[Mark]) -> Vec<(i32, String)> {
    let many = marks.len() > MAX_MARK_LINES;
    let mut sorted: Vec<&Mark> = marks.iter().filter(|m| m.at_ms.is_finite()).collect();
    sorted.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    let mut groups: Vec<(i32, i32, Vec<&str>)> = Vec::new();
    for m in sorted {
        let (px, _) = chart.backend_coord(&(m.at_ms / 1000.0, 0.0));
        match groups.last_mut() {
            Some((_, last, labels)) if px - *last < MERGE_PX => {
                *last = px;
                labels.push(&m.label);
            }
            _ => groups.push((px, px, vec![&m.label])),
        }
    }
    groups
        .into_iter()
        .map(|(px, _, labels)| {
            let mut text = if many && labels.len() > 1 {
                format!("{} events: {}", labels.len(), labels.join(", "))
            } else {
                labels.join(", ")
            };
            if text.chars().count() > LABEL_CHARS {
                text = text.chars().take(LABEL_CHARS - 1).collect::<String>() + "…";
            }
            (px, text)
        })
        .collect()
}

/// Where a label was put: its pixel columns and whether it hangs from the top.
#[derive(Clone, Copy)]
struct Placed {
    x0: i32,
    x1: i32,
    top: bool,
}

/// A rotated label, reading upward, just right of pixel column `px`; at the bottom of the
/// plotting area or at its top, whichever the curve `points` crosses less within the label's
/// width, and never on the side where it would cover the label placed before it (`after`:
/// at the plot's right edge a label goes left of its line, towards its neighbour). A
/// translucent white box keeps it legible over grid and curves.
fn rotated_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    px: i32,
    label: &str,
    color: RGBColor,
    points: &[(f64, f64)],
    after: Option<Placed>,
) -> Result<Placed, ChartFailure> {
    let (bx, by) = area.get_base_pixel();
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let plain = style::text(NOTE_PX, color);
    let (len, height) = area.estimate_text_size(label, &plain)?;
    let (len, height) = (len as i32, height as i32);
    // Right of the line, or left of it when the plot ends first.
    let x = if px + 3 + height + 3 <= xs.end {
        px + 3
    } else {
        px - 3 - height
    };
    let (top_end, bottom_end) = (ys.start + 6 + len, ys.end - 6);
    let (mut hits_top, mut hits_bottom) = (0usize, 0usize);
    for (dx, dy) in points {
        let (cx, cy) = chart.backend_coord(&(*dx, *dy));
        if cx >= x - 2 && cx <= x + height + 2 {
            hits_top += usize::from(cy <= top_end + 2);
            hits_bottom += usize::from(cy >= bottom_end - len - 2);
        }
    }
    let mut top = hits_top < hits_bottom;
    if let Some(prev) = after {
        if prev.top == top && x <= prev.x1 + 2 && x + height >= prev.x0 - 2 {
            top = !top;
        }
    }
    let placed = Placed {
        x0: x,
        x1: x + height + 3,
        top,
    };
    let base = if top { top_end } else { bottom_end };
    let (x, y) = (x - bx, base - by);
    area.draw(&Rectangle::new(
        [(x - 1, y - len - 2), (x + height + 3, y + 2)],
        WHITE.mix(0.8).filled(),
    ))?;
    let rotated = plain
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(label, &rotated, (x, y))?;
    Ok(placed)
}

/// Event labels for every group of marks, placed by [`rotated_label`] away from `points`.
pub(crate) fn mark_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    marks: &[Mark],
    points: &[(f64, f64)],
) -> Result<(), ChartFailure> {
    let mut last = None;
    for (px, label) in label_groups(chart, marks) {
        last = Some(rotated_label(
            area,
            chart,
            px,
            &label,
            style::INK,
            points,
            last,
        )?);
    }
    Ok(())
}

/// A note beside the explosion guard's stop line, placed like the event labels.
pub(crate) fn guard_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    o: &Outcome,
    points: &[(f64, f64)],
) -> Result<(), ChartFailure> {
    let Some(stop) = &o.stopped else {
        return Ok(());
    };
    if !stop.at_ms.is_finite() {
        return Ok(());
    }
    let (px, _) = chart.backend_coord(&(stop.at_ms / 1000.0, 0.0));
    let note = format!(
        "explosion guard: stopped at {} s of {} s",
        style::csv_fixed(stop.at_ms / 1000.0, 1),
        style::csv_fixed(o.duration_ms / 1000.0, 0)
    );
    rotated_label(area, chart, px + 1, &note, style::VERMILLION, points, None).map(|_| ())
}
