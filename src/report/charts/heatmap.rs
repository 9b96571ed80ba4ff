//! A heatmap of one metric over a two-parameter sweep: one cell per point, coloured by the
//! median over seeds (on a log colour scale where asked), its value written in the cell.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Scale};
use super::style::{self, AXIS_PX, TICK_PX};
use super::ChartFailure;

/// One cell's content.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    /// The median value.
    Value(f64),
    /// No run had a value.
    Missing,
    /// The explosion guard stopped a run here (with the median of what was measured).
    Stopped(Option<f64>),
}

/// The heatmap.
pub(crate) struct Heatmap {
    /// Title.
    pub(crate) title: String,
    /// Grey line under the title.
    pub(crate) subtitle: String,
    /// x axis description (the first swept parameter).
    pub(crate) x_desc: String,
    /// y axis description (the second).
    pub(crate) y_desc: String,
    /// Column labels.
    pub(crate) x_names: Vec<String>,
    /// Row labels.
    pub(crate) y_names: Vec<String>,
    /// Cells, `cells[x][y]`.
    pub(crate) cells: Vec<Vec<Cell>>,
    /// Colour scale.
    pub(crate) scale: Scale,
}

/// Viridis, sampled at five stops.
const STOPS: [(f64, f64, f64); 5] = [
    (68.0, 1.0, 84.0),
    (59.0, 82.0, 139.0),
    (33.0, 145.0, 140.0),
    (94.0, 201.0, 98.0),
    (253.0, 231.0, 37.0),
];

fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let k = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round().clamp(0.0, 255.0) as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Figure for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartFailure> {
        let body = style::title(root, &self.title, &self.subtitle)?;
        // The colour bar takes a strip on the right.
        let (body, bar) = body.split_horizontally(body.dim_in_pixel().0.saturating_sub(120));
        let (nx, ny) = (self.x_names.len().max(1), self.y_names.len().max(1));
        let mut chart = ChartBuilder::on(&body)
            .margin_right(30)
            .margin_left(14)
            .margin_top(10)
            .x_label_area_size(52)
            .y_label_area_size(110)
            .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)?;
        let label = |names: &[String], v: f64| {
            let k = v.round();
            if (v - k).abs() < 1e-6 && k >= 0.0 {
                names.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let xf = |v: &f64| label(&self.x_names, *v);
        let yf = |v: &f64| label(&self.y_names, *v);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx * 2 + 1)
            .y_labels(ny * 2 + 1)
            .x_label_formatter(&xf)
            .y_label_formatter(&yf)
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .axis_desc_style(style::text(AXIS_PX, style::INK))
            .label_style(style::text(TICK_PX, style::INK))
            .draw()?;
        let values = self.cells.iter().flatten().filter_map(|c| match c {
            Cell::Value(v) | Cell::Stopped(Some(v)) => self.scale.map(*v),
            _ => None,
        });
        let (lo, hi) = style::finite_range(values).unwrap_or((0.0, 1.0));
        // One number format for every cell: the same decimals throughout.
        let format = CellFormat::of(self.cells.iter().flatten().filter_map(|c| match c {
            Cell::Value(v) | Cell::Stopped(Some(v)) => Some(*v),
            _ => None,
        }));
        colour_bar(&bar, self.scale, (lo, hi), &format)?;
        let center = Pos::new(HPos::Center, VPos::Center);
        for (x, column) in self.cells.iter().enumerate() {
            for (y, cell) in column.iter().enumerate() {
                let (xf, yf) = (x as f64, y as f64);
                let rect = [(xf - 0.5, yf - 0.5), (xf + 0.5, yf + 0.5)];
                let (fill, text) = match cell {
                    Cell::Value(v) => {
                        let t = self.scale.map(*v).map_or(0.0, |c| {
                            if hi > lo {
                                (c - lo) / (hi - lo)
                            } else {
                                0.5
                            }
                        });
                        (viridis(t), format.text(*v))
                    }
                    Cell::Missing => (style::GRID, "–".to_owned()),
                    Cell::Stopped(v) => (
                        RGBColor(242, 200, 166), // the guard's vermillion, light
                        match v {
                            // Two lines: one would overflow a narrow cell.
                            Some(v) => format!("stopped\n({})", format.text(*v)),
                            None => "stopped".to_owned(),
                        },
                    ),
                };
                chart.draw_series(std::iter::once(Rectangle::new(rect, fill.filled())))?;
                let dark = matches!(cell, Cell::Value(_)) && {
                    let RGBColor(r, g, b) = fill;
                    (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000 < 128
                };
                let color = if dark {
                    RGBColor(255, 255, 255)
                } else {
                    style::INK
                };
                let lines: Vec<&str> = text.lines().collect();
                let first = -((lines.len() as i32 - 1) * (TICK_PX as i32 + 2)) / 2;
                for (k, line) in lines.iter().enumerate() {
                    let dy = first + k as i32 * (TICK_PX as i32 + 2);
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((xf, yf))
                            + Text::new(
                                line.to_string(),
                                (0, dy),
                                style::text(TICK_PX, color).pos(center),
                            ),
                    ))?;
                }
            }
        }
        Ok(())
    }
}

/// How every cell of one heatmap writes its number, the same way throughout: fixed decimals
/// chosen from the largest value (integers stay integers), and from 10,000 up whole numbers
/// with thousands separators (`88,573` beside `4`, not `88.6k` beside `9841`). Only past
/// 10⁸, where digits no longer fit a cell, do values take SI suffixes.
struct CellFormat {
    decimals: usize,
    grouped: bool,
    suffixed: bool,
}

impl CellFormat {
    fn of(values: impl Iterator<Item = f64>) -> CellFormat {
        let values: Vec<f64> = values.filter(|v| v.is_finite()).collect();
        let integers = values.iter().all(|v| v.fract() == 0.0);
        let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let decimals = match () {
            _ if integers || largest >= 100.0 => 0,
            _ if largest >= 10.0 => 1,
            _ if largest >= 1.0 => 2,
            _ => 3,
        };
        CellFormat {
            decimals,
            grouped: largest >= 1e4,
            suffixed: largest >= 1e8,
        }
    }

    fn text(&self, v: f64) -> String {
        if self.suffixed {
            return style::si(v);
        }
        let text = style::csv_fixed(v, self.decimals);
        if !self.grouped {
            return text;
        }
        let (sign, digits) = match text.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", text.as_str()),
        };
        let mut out = String::with_capacity(text.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}")
    }
}

/// A vertical colour bar in `area`: the viridis ramp from the smallest drawn coordinate `lo`
/// (bottom) to the largest `hi` (top), labelled with the values at both ends and between.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scale: Scale,
    (lo, hi): (f64, f64),
    format: &CellFormat,
) -> Result<(), ChartFailure> {
    let (w, h) = area.dim_in_pixel();
    let (top, bottom) = (40i32, h as i32 - 70);
    let (x0, x1) = (10i32, 34i32.min(w as i32));
    const STEPS: i32 = 64;
    let span = (bottom - top).max(1);
    for k in 0..STEPS {
        let y_hi = bottom - span * (k + 1) / STEPS;
        let y_lo = bottom - span * k / STEPS;
        let t = (f64::from(k) + 0.5) / f64::from(STEPS);
        area.draw(&Rectangle::new(
            [(x0, y_hi), (x1, y_lo)],
            viridis(t).filled(),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(x0, top), (x1, bottom)],
        style::INK.stroke_width(1),
    ))?;
    let left = Pos::new(HPos::Left, VPos::Center);
    for k in 0..=4 {
        let f = f64::from(k) / 4.0;
        let c = lo + (hi - lo) * f;
        let y = bottom - (f64::from(span) * f).round() as i32;
        area.draw(&Text::new(
            format.text(scale.value(c)),
            (x1 + 6, y),
            style::text(TICK_PX, style::INK).pos(left),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod format_tests {
    use super::CellFormat;

    #[test]
    fn one_heatmap_writes_every_number_the_same_way() {
        let f = CellFormat::of([4.0, 9841.0, 88_573.0].into_iter());
        assert_eq!(f.text(4.0), "4");
        assert_eq!(f.text(9841.0), "9,841");
        assert_eq!(f.text(88_573.0), "88,573");
        assert_eq!(f.text(-1_234_567.0), "-1,234,567");
        let small = CellFormat::of([0.5, 0.945].into_iter());
        assert_eq!(small.text(0.5), "0.500");
        let huge = CellFormat::of([3.0, 2.5e9].into_iter());
        assert_eq!(huge.text(2.5e9), "2.5G");
    }
}
