//! A line chart of medians with a 10–90 % band per curve, on linear or log axes, with
//! reference points (e.g. measurements of Go nodes) and markers for runs the explosion guard
//! stopped. Used for multi-seed time series and for sweeps.

use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Scale, Ticks};
use super::style::{self, Swatch, AXIS_PX, TICK_PX};
use super::ChartFailure;

/// One point of a curve: x, then the 10th percentile, median and 90th percentile of y.
pub(crate) type BandXY = (f64, f64, f64, f64);

/// A median line with its band.
pub(crate) struct Curve {
    /// Legend label.
    pub(crate) label: String,
    /// Colour of the line and the band.
    pub(crate) color: RGBColor,
    /// Points in x order.
    pub(crate) points: Vec<BandXY>,
    /// (x, y) of points where the explosion guard stopped some run.
    pub(crate) stopped: Vec<(f64, f64)>,
}

/// Reference values drawn over the curves.
pub(crate) struct RefCurve {
    /// Legend label.
    pub(crate) label: String,
    /// (x, y) pairs.
    pub(crate) points: Vec<(f64, f64)>,
    /// A dashed line (true) or markers (false).
    pub(crate) line: bool,
}

/// The chart.
pub(crate) struct BandChart {
    /// Title.
    pub(crate) title: String,
    /// Grey line under the title.
    pub(crate) subtitle: String,
    /// x axis description.
    pub(crate) x_desc: String,
    /// y axis description.
    pub(crate) y_desc: String,
    /// x scale.
    pub(crate) x_scale: Scale,
    /// y scale.
    pub(crate) y_scale: Scale,
    /// Names of categorical x values (x = 0, 1, ...), if x is not numeric.
    pub(crate) x_names: Option<Vec<String>>,
    /// The curves.
    pub(crate) curves: Vec<Curve>,
    /// Reference values.
    pub(crate) references: Vec<RefCurve>,
}

fn drawn(xs: Scale, ys: Scale, x: f64, y: f64) -> Option<(f64, f64)> {
    Some((xs.map(x)?, ys.map(y)?))
}

impl Figure for BandChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartFailure> {
        let body = style::title(root, &self.title, &self.subtitle)?;
        let mut entries: Vec<(Swatch, String)> = Vec::new();
        for c in &self.curves {
            entries.push((Swatch::Line(c.color), c.label.clone()));
        }
        if self
            .curves
            .iter()
            .any(|c| c.points.iter().any(|p| p.1 != p.3))
        {
            entries.push((Swatch::Band(style::GREY), "10–90 % of seeds".to_owned()));
        }
        for r in &self.references {
            let swatch = if r.line {
                Swatch::Dashed(style::INK)
            } else {
                Swatch::Line(style::INK)
            };
            entries.push((swatch, r.label.clone()));
        }
        if self.curves.iter().any(|c| !c.stopped.is_empty()) {
            entries.push((
                Swatch::Line(style::VERMILLION),
                "× guard stop (partial)".to_owned(),
            ));
        }
        let body = style::legend(&body, &entries)?;
        let (xs, ys) = (self.x_scale, self.y_scale);
        let all_x = self
            .curves
            .iter()
            .flat_map(|c| {
                c.points
                    .iter()
                    .map(|p| p.0)
                    .chain(c.stopped.iter().map(|p| p.0))
            })
            .chain(
                self.references
                    .iter()
                    .flat_map(|r| r.points.iter().map(|p| p.0)),
            );
        let (x_lo, x_hi) = match xs.range(all_x, false) {
            (lo, hi) if self.x_names.is_some() => (lo - 0.5, hi + 0.5),
            (lo, hi) => {
                let pad = (hi - lo) * 0.03;
                (lo - pad, hi + pad)
            }
        };
        let all_y = self
            .curves
            .iter()
            .flat_map(|c| {
                c.points
                    .iter()
                    .flat_map(|p| [p.1, p.2, p.3])
                    .chain(c.stopped.iter().map(|p| p.1))
            })
            .chain(
                self.references
                    .iter()
                    .flat_map(|r| r.points.iter().map(|p| p.1)),
            );
        let (y_lo, y_hi) = ys.range(all_y, true);
        let builder = || {
            let mut b = ChartBuilder::on(&body);
            b.margin_right(30)
                .margin_left(14)
                .margin_top(6)
                .x_label_area_size(52)
                .y_label_area_size(80);
            b
        };
        // A log axis gets its ticks at 1, 2, 5 of each decade (plotters would space them
        // evenly in the drawn coordinate, labelling only 10, 100, 1000).
        let (xr, yr) = (x_lo..x_hi, y_lo..y_hi);
        match (xs.key_points((x_lo, x_hi)), ys.key_points((y_lo, y_hi))) {
            (None, None) => self.plot(builder().build_cartesian_2d(xr, yr)?),
            (Some(kx), None) => self.plot(builder().build_cartesian_2d(Ticks::new(xr, kx), yr)?),
            (None, Some(ky)) => self.plot(builder().build_cartesian_2d(xr, Ticks::new(yr, ky))?),
            (Some(kx), Some(ky)) => {
                self.plot(builder().build_cartesian_2d(Ticks::new(xr, kx), Ticks::new(yr, ky))?)
            }
        }
    }
}

impl BandChart {
    /// Draws the mesh, bands, curves, guard markers and references into `chart`, whatever
    /// the axes' coordinate types.
    fn plot<DB, X, Y>(
        &self,
        mut chart: ChartContext<'_, DB, Cartesian2d<X, Y>>,
    ) -> Result<(), ChartFailure>
    where
        DB: DrawingBackend,
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let (xs, ys) = (self.x_scale, self.y_scale);
        let (x_lo, x_hi) = (chart.x_range().start, chart.x_range().end);
        let (y_lo, y_hi) = (chart.y_range().start, chart.y_range().end);
        let names = self.x_names.clone();
        let x_fmt = move |v: &f64| match &names {
            Some(n) => {
                let k = v.round();
                if (v - k).abs() < 1e-6 && k >= 0.0 {
                    n.get(k as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            }
            None => xs.label(*v),
        };
        let y_fmt = move |v: &f64| ys.label(*v);
        chart
            .configure_mesh()
            .max_light_lines(1)
            .light_line_style(style::GRID.mix(0.45))
            .bold_line_style(style::GRID)
            .x_labels(xs.labels((x_lo, x_hi), 12))
            .y_labels(ys.labels((y_lo, y_hi), 10))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .axis_desc_style(style::text(AXIS_PX, style::INK))
            .label_style(style::text(TICK_PX, style::INK))
            .draw()?;
        let mut any = false;
        // Curves drawn later cover earlier ones where they coincide (four curves of zero
        // false removals look like one): where a curve's segment is covered, it is drawn
        // wider underneath, three pixels per curve over it, so its colour shows at both edges.
        let covered: Vec<Vec<u32>> = (0..self.curves.len())
            .map(|i| {
                self.curves[i]
                    .points
                    .iter()
                    .map(|p| {
                        self.curves[i + 1..]
                            .iter()
                            .filter(|later| later.points.iter().any(|q| q.0 == p.0 && q.2 == p.2))
                            .count() as u32
                    })
                    .collect()
            })
            .collect();
        for (c, cover) in self.curves.iter().zip(&covered) {
            let band: Vec<(f64, f64, f64)> = c
                .points
                .iter()
                .filter_map(|&(x, lo, _, hi)| Some((xs.map(x)?, ys.map(lo)?, ys.map(hi)?)))
                .collect();
            if band.len() > 1 && band.iter().any(|b| b.1 != b.2) {
                let mut outline: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.2)).collect();
                outline.extend(band.iter().rev().map(|b| (b.0, b.1)));
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    c.color.mix(0.2).filled(),
                )))?;
            }
            let line: Vec<(f64, f64)> = c
                .points
                .iter()
                .filter_map(|&(x, _, m, _)| drawn(xs, ys, x, m))
                .collect();
            any |= !line.is_empty();
            for (j, pair) in c.points.windows(2).enumerate() {
                let k = cover[j].min(cover[j + 1]);
                let ends = (
                    drawn(xs, ys, pair[0].0, pair[0].2),
                    drawn(xs, ys, pair[1].0, pair[1].2),
                );
                if let (true, (Some(a), Some(b))) = (k > 0, ends) {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![a, b],
                        c.color.stroke_width(2 + 3 * k),
                    )))?;
                }
            }
            chart.draw_series(LineSeries::new(
                line.iter().copied(),
                c.color.stroke_width(2),
            ))?;
            if line.len() <= 60 {
                chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, c.color.filled())))?;
            }
            let stops: Vec<(f64, f64)> = c
                .stopped
                .iter()
                .filter_map(|&(x, y)| drawn(xs, ys, x, y))
                .collect();
            chart.draw_series(
                stops
                    .iter()
                    .map(|&p| Cross::new(p, 8, style::VERMILLION.stroke_width(3))),
            )?;
            // Said at the point too: its value covers only the run up to the stop.
            chart.draw_series(stops.iter().map(|&p| {
                EmptyElement::at(p)
                    + Text::new(
                        "partial: stopped by the guard",
                        (-12, -14),
                        style::text(TICK_PX, style::VERMILLION)
                            .pos(Pos::new(HPos::Right, VPos::Bottom)),
                    )
            }))?;
        }
        for r in &self.references {
            let pts: Vec<(f64, f64)> = r
                .points
                .iter()
                .filter_map(|&(x, y)| drawn(xs, ys, x, y))
                .collect();
            if r.line {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    pts,
                    6,
                    4,
                    style::INK.stroke_width(2),
                )))?;
            } else {
                chart.draw_series(pts.iter().map(|&p| {
                    EmptyElement::at(p)
                        + Rectangle::new([(-6, -6), (6, 6)], style::INK.stroke_width(2))
                }))?;
            }
        }
        if !any {
            style::no_data(&chart.plotting_area().strip_coord_spec(), "no data")?;
        }
        Ok(())
    }
}
