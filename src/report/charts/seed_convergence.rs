//! The multi-seed `convergence` chart: the median converged fraction with its 10–90 % band
//! over the seeds (top panel) and the up nodes likewise (bottom panel), both as steps, with a
//! dashed marker and a label for every timeline event all seeds share; the same layout as one
//! run's convergence chart.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::decimate::{decimate, MAX_POINTS};
use super::figure::Figure;
use super::markers::{mark_labels, mark_lines};
use super::style::{self, Swatch, AXIS_PX, TICK_PX};
use super::ChartFailure;
use crate::run::outcome::BandPoint;
use crate::study::seeds::SeedSummary;

/// Width of the y label area, the same in both panels so their x axes line up.
const Y_AREA: u32 = 80;

/// The chart, drawn from a multi-seed summary.
pub(crate) struct SeedConvergence<'a>(pub(crate) &'a SeedSummary);

/// Points in chart coordinates (seconds, value).
type Path = Vec<(f64, f64)>;

/// A band as steps: each sample holds until the next, so a change shows at the first sample
/// after it, never before the event that caused it. Returns the median's step line and the
/// band's outline (upper edge forward, lower edge back), both in seconds.
fn steps(points: &[BandPoint]) -> (Path, Path) {
    let pts: Vec<&BandPoint> = points
        .iter()
        .filter(|p| p.x.is_finite() && p.p10.is_finite() && p.p90.is_finite())
        .collect();
    let mut line = Vec::with_capacity(pts.len() * 2);
    for p in &pts {
        let x = p.x / 1000.0;
        if let Some(&(_, prev)) = line.last() {
            line.push((x, prev));
        }
        line.push((x, p.median));
    }
    // Thinned like a line: runs of consecutive samples become one step spanning the run's
    // lowest p10 and highest p90, so no excursion of any seed's band is lost.
    let runs = if pts.len() > MAX_POINTS {
        MAX_POINTS / 2
    } else {
        pts.len()
    };
    let mut upper: Vec<(f64, f64)> = Vec::with_capacity(runs * 2);
    let mut lower: Vec<(f64, f64)> = Vec::with_capacity(runs * 2);
    for r in 0..runs {
        let (start, end) = (r * pts.len() / runs, (r + 1) * pts.len() / runs);
        let Some(run) = pts.get(start..end).filter(|r| !r.is_empty()) else {
            continue;
        };
        let x = run[0].x / 1000.0;
        let hi = run.iter().map(|p| p.p90).fold(f64::NEG_INFINITY, f64::max);
        let lo = run.iter().map(|p| p.p10).fold(f64::INFINITY, f64::min);
        if let (Some(&(_, h)), Some(&(_, l))) = (upper.last(), lower.last()) {
            upper.push((x, h));
            lower.push((x, l));
        }
        upper.push((x, hi));
        lower.push((x, lo));
    }
    upper.extend(lower.into_iter().rev());
    (decimate(line), upper)
}

/// One panel: the band and its median as steps, event markers, and (top panel) their labels.
#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &SeedSummary,
    points: &[BandPoint],
    (x_lo, x_hi): (f64, f64),
    y: (f64, f64),
    color: RGBColor,
    y_desc: &str,
    bottom: bool,
) -> Result<(), ChartFailure> {
    let mut chart = ChartBuilder::on(area)
        .margin_right(30)
        .margin_left(14)
        .margin_top(if bottom { 8 } else { 6 })
        .x_label_area_size(if bottom { 52 } else { 12 })
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(x_lo..x_hi, y.0..y.1)?;
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(1)
        .light_line_style(style::GRID.mix(0.45))
        .bold_line_style(style::GRID)
        .y_desc(y_desc)
        .axis_desc_style(style::text(AXIS_PX, style::INK))
        .label_style(style::text(TICK_PX, style::INK));
    let fraction = |v: &f64| style::csv_fixed(*v, 1);
    let si = |v: &f64| style::si(*v);
    let blank = |_: &f64| String::new();
    if bottom {
        mesh.y_labels(4)
            .x_labels(12)
            .x_label_formatter(&si)
            .y_label_formatter(&si)
            .x_desc("virtual time (s)")
            .draw()?;
    } else {
        mesh.y_labels(6)
            .x_label_formatter(&blank)
            .y_label_formatter(&fraction)
            .draw()?;
    }
    mark_lines(&mut chart, &s.marks, y)?;
    let (line, outline) = steps(points);
    if outline.len() > 2 && outline.iter().any(|p| (p.1 - outline[0].1).abs() > 0.0) {
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            color.mix(0.2).filled(),
        )))?;
    }
    match line.len() {
        0 => style::no_data(&chart.plotting_area().strip_coord_spec(), "no samples")?,
        1 => {
            chart.draw_series(line.iter().map(|p| Circle::new(*p, 4, color.filled())))?;
        }
        _ => {
            chart.draw_series(LineSeries::new(line.iter().copied(), color.stroke_width(2)))?;
        }
    }
    if !bottom {
        mark_labels(area, &chart, &s.marks, &line)?;
    }
    Ok(())
}

impl Figure for SeedConvergence<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartFailure> {
        let s = self.0;
        let mut subtitle = format!(
            "{} · {} · {} forwarding · fan-out {}",
            style::count(s.seeds.len(), "seed"),
            style::count(s.nodes, "node"),
            s.protocol.forwarding,
            s.protocol.amount
        );
        if s.seed_marks > 0 {
            // A nemesis draws its own faults per seed: they have no place on a shared axis.
            subtitle.push_str(&format!(
                " · {} not marked",
                style::count(s.seed_marks, "per-seed event")
            ));
        }
        let body = style::title(root, &format!("Convergence: {}", s.scenario), &subtitle)?;
        let mut entries = vec![
            (
                Swatch::Line(style::BLUE),
                "converged fraction, median".to_owned(),
            ),
            (Swatch::Line(style::GREEN), "up nodes, median".to_owned()),
        ];
        if s.seeds.len() > 1 {
            entries.push((Swatch::Band(style::GREY), "10–90 % of seeds".to_owned()));
        }
        if !s.marks.is_empty() {
            entries.push((Swatch::Dashed(style::GREY), "timeline event".to_owned()));
        }
        let body = style::legend(&body, &entries)?;
        let x_hi = style::finite_range(
            std::iter::once(s.duration_ms)
                .chain(s.up.iter().map(|p| p.x))
                .chain(s.marks.iter().map(|m| m.at_ms)),
        )
        .map_or(0.0, |(_, hi)| hi.max(0.0));
        let x = style::nonempty(0.0, x_hi / 1000.0, 1.0);
        let max_up = s.up.iter().map(|p| p.p90).fold(s.nodes as f64, f64::max);
        let (_, h) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically((h as f64 * 0.66) as i32);
        let fraction = (-0.02, 1.04);
        let ups = (0.0, (max_up * 1.12).max(1.0));
        let c = &s.convergence;
        panel(
            &top,
            s,
            c,
            x,
            fraction,
            style::BLUE,
            "converged fraction",
            false,
        )?;
        panel(&bottom, s, &s.up, x, ups, style::GREEN, "up nodes", true)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, lo: f64, m: f64, hi: f64) -> BandPoint {
        BandPoint {
            x,
            p10: lo,
            median: m,
            p90: hi,
        }
    }

    #[test]
    fn a_band_is_drawn_as_steps_that_change_at_the_later_sample() {
        let (line, outline) = steps(&[p(0.0, 0.0, 0.5, 1.0), p(1000.0, 0.2, 0.6, 0.8)]);
        assert_eq!(line, vec![(0.0, 0.5), (1.0, 0.5), (1.0, 0.6)]);
        assert_eq!(
            outline,
            vec![
                (0.0, 1.0),
                (1.0, 1.0),
                (1.0, 0.8),
                (1.0, 0.2),
                (1.0, 0.0),
                (0.0, 0.0)
            ]
        );
    }

    #[test]
    fn a_long_band_keeps_every_excursion_when_thinned() {
        let n = MAX_POINTS * 3;
        let mut pts: Vec<BandPoint> = (0..n).map(|i| p(i as f64, 0.5, 0.5, 0.5)).collect();
        pts[n / 2] = p((n / 2) as f64, 0.01, 0.5, 0.99);
        let (_, outline) = steps(&pts);
        assert!(outline.len() <= MAX_POINTS * 2);
        assert!(outline.iter().any(|q| q.1 == 0.99));
        assert!(outline.iter().any(|q| q.1 == 0.01));
    }
}
