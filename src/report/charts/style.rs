//! Shared look of every chart: size, the embedded font, colours, legends, tick labels and the
//! "no data" note.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartFailure;

/// Chart width in pixels.
pub(crate) const WIDTH: u32 = 1200;
/// Chart height in pixels.
pub(crate) const HEIGHT: u32 = 700;

/// The family every text uses: registered to the embedded DejaVu Sans for bitmaps, and a
/// generic CSS family in SVG so it renders anywhere.
pub(crate) const FAMILY: &str = "sans-serif";

/// DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font once; every later call returns the first result.
pub(crate) fn register_font() -> Result<(), ChartFailure> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_BYTES)
            .map_err(|_| "the embedded DejaVuSans.ttf could not be parsed".to_owned())
    })
    .clone()
    .map_err(ChartFailure)
}

/// Title size.
pub(crate) const TITLE_PX: u32 = 24;
/// Axis description size.
pub(crate) const AXIS_PX: u32 = 18;
/// Tick label size.
pub(crate) const TICK_PX: u32 = 15;
/// Legend text size.
pub(crate) const LEGEND_PX: u32 = 16;
/// Event label size.
pub(crate) const NOTE_PX: u32 = 13;

// Okabe–Ito colour-blind-safe palette; one colour per meaning across all charts.
/// Delivered packets; also the converged fraction and infection medians.
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Lost packets.
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Dropped packets; the explosion guard.
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Duplicate deliveries.
pub(crate) const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Up nodes.
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Bytes.
pub(crate) const SKY: RGBColor = RGBColor(86, 180, 233);
/// Packets sent (the total).
pub(crate) const INK: RGBColor = RGBColor(40, 40, 40);
/// Event markers and notes.
pub(crate) const GREY: RGBColor = RGBColor(110, 110, 110);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);

/// Text of `px` pixels in `color`.
pub(crate) fn text(px: u32, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, px).into_font().color(&color)
}

/// Draws `title` centred at the top of `area`, and returns the rest of the area.
pub(crate) fn title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, ChartFailure> {
    let (w, _) = area.dim_in_pixel();
    let center = Pos::new(HPos::Center, VPos::Top);
    area.draw_text(
        title,
        &text(TITLE_PX, RGBColor(0, 0, 0)).pos(center),
        (w as i32 / 2, 12),
    )?;
    let mut top = 12 + TITLE_PX as i32 + 8;
    if !subtitle.is_empty() {
        area.draw_text(
            subtitle,
            &text(LEGEND_PX, GREY).pos(center),
            (w as i32 / 2, top),
        )?;
        top += LEGEND_PX as i32 + 6;
    }
    Ok(area.split_vertically(top).1)
}

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A translucent filled box.
    Band(RGBColor),
}

/// Draws a one-row legend centred at the top of `area`; returns the area below it.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
) -> Result<DrawingArea<DB, Shift>, ChartFailure> {
    const SWATCH: i32 = 30;
    const GAP: i32 = 8;
    const SPACING: i32 = 28;
    let style = text(LEGEND_PX, RGBColor(20, 20, 20));
    let mut widths = Vec::with_capacity(entries.len());
    for (_, label) in entries {
        let (w, _) = area.estimate_text_size(label, &style)?;
        widths.push(w as i32);
    }
    let total: i32 = widths.iter().map(|w| SWATCH + GAP + w).sum::<i32>()
        + SPACING * (entries.len() as i32 - 1).max(0);
    let (aw, _) = area.dim_in_pixel();
    let mut x = ((aw as i32 - total) / 2).max(4);
    let y = 4 + LEGEND_PX as i32 / 2;
    let left = Pos::new(HPos::Left, VPos::Center);
    for ((swatch, label), w) in entries.iter().zip(widths) {
        match *swatch {
            Swatch::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + SWATCH, y)],
                    c.stroke_width(3),
                ))?;
            }
            Swatch::Dashed(c) => {
                area.draw(&DashedPathElement::new(
                    vec![(x, y), (x + SWATCH, y)],
                    6,
                    4,
                    c.stroke_width(2),
                ))?;
            }
            Swatch::Band(c) => {
                area.draw(&Rectangle::new(
                    [(x, y - 7), (x + SWATCH, y + 7)],
                    c.mix(0.25).filled(),
                ))?;
            }
        }
        area.draw_text(label, &style.pos(left), (x + SWATCH + GAP, y))?;
        x += SWATCH + GAP + w + SPACING;
    }
    Ok(area.split_vertically(LEGEND_PX as i32 + 14).1)
}

/// Writes `message` in the middle of a chart's plotting area.
pub(crate) fn no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
) -> Result<(), ChartFailure> {
    let (w, h) = area.dim_in_pixel();
    let center = Pos::new(HPos::Center, VPos::Center);
    area.draw_text(
        message,
        &text(AXIS_PX, GREY).pos(center),
        (w as i32 / 2, h as i32 / 2),
    )?;
    Ok(())
}

/// A tick value: integers without decimals, large values with SI suffixes (k, M, G, T).
pub(crate) fn si(value: f64) -> String {
    let a = value.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (value / 1e12, "T")
    } else if a >= 1e9 {
        (value / 1e9, "G")
    } else if a >= 1e6 {
        (value / 1e6, "M")
    } else if a >= 1e4 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    let digits = if (scaled - scaled.round()).abs() < 1e-9 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else {
        2
    };
    let text = csv_fixed(scaled, digits);
    let text = if digits > 0 {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// The finite (min, max) of `values`, `None` if there is none.
pub(crate) fn finite_range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// `hi` made strictly larger than `lo` (by `pad`, or 1 when `pad` is not positive).
pub(crate) fn nonempty(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if hi > lo {
        (lo, hi)
    } else if pad > 0.0 {
        (lo, lo + pad)
    } else {
        (lo, lo + 1.0)
    }
}

/// A float with fixed decimals, as in the CSV files.
pub(crate) fn csv_fixed(value: f64, decimals: usize) -> String {
    super::super::csv::fixed(value, decimals)
}

/// `n thing` or `n things`.
pub(crate) fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Like [`si`] but with a space before the suffix, ready for a unit: `1.5 k`, `20 M`, `7 `.
pub(crate) fn si_spaced(value: f64) -> String {
    let text = si(value);
    match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => format!("{} {c}", &text[..i]),
        _ => format!("{text} "),
    }
}

/// The time axis title of a run's charts: real time for a cluster on sockets, else virtual.
pub(crate) fn time_axis(o: &crate::run::Outcome) -> &'static str {
    if o.real_sockets {
        "real time (s)"
    } else {
        "virtual time (s)"
    }
}
