//! Charts that are not drawn from one `Outcome` (multi-seed bands, sweeps, heatmaps): a
//! [`Figure`] holds its own data and draws onto any backend.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, HEIGHT, WIDTH};
use super::{encode_png, ChartFailure};

/// A chart with its data.
pub(crate) trait Figure {
    /// Draws the whole chart onto `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartFailure>;
}

/// `figure` as SVG text and PNG bytes.
pub(crate) fn render<F: Figure>(figure: &F) -> Result<(String, Vec<u8>), ChartFailure> {
    style::register_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        figure.draw(&root)?;
        root.present()?;
    }
    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        figure.draw(&root)?;
        root.present()?;
    }
    let png = encode_png(&pixels).map_err(ChartFailure)?;
    Ok((svg, png))
}

/// Colours of successive curves (Okabe–Ito).
/// Vermillion is kept for the explosion guard.
pub(crate) const CURVE_COLORS: [RGBColor; 6] = [
    style::BLUE,
    style::GREEN,
    style::ORANGE,
    style::PURPLE,
    style::SKY,
    style::INK,
];

/// An axis scale: values are drawn as is, or as their base-10 logarithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Linear.
    Linear,
    /// Base-10 logarithmic (values ≤ 0 are not drawn).
    Log,
}

impl Scale {
    /// The drawn coordinate of `v`; `None` if it cannot be drawn.
    pub(crate) fn map(self, v: f64) -> Option<f64> {
        match self {
            _ if !v.is_finite() => None,
            Scale::Linear => Some(v),
            Scale::Log if v > 0.0 => Some(v.log10()),
            Scale::Log => None,
        }
    }

    /// The drawn range covering `values`, padded; whole decades on a log scale; from 0 on a
    /// linear scale when `from_zero` and no value is negative.
    pub(crate) fn range(
        self,
        values: impl IntoIterator<Item = f64>,
        from_zero: bool,
    ) -> (f64, f64) {
        let drawn = values.into_iter().filter_map(|v| self.map(v));
        match (self, style::finite_range(drawn)) {
            (_, None) => (0.0, 1.0),
            (Scale::Log, Some((lo, hi))) => style::nonempty(lo.floor(), hi.ceil(), 1.0),
            (Scale::Linear, Some((lo, hi))) => {
                let lo = if from_zero { lo.min(0.0) } else { lo };
                let pad = (hi - lo).abs() * 0.08;
                style::nonempty(lo, hi + pad, 1.0)
            }
        }
    }

    /// How many tick labels to ask for over the drawn range `lo..hi`: one per decade on a log
    /// scale (so ticks fall on 1, 10, 100, …), `linear` otherwise.
    pub(crate) fn labels(self, (lo, hi): (f64, f64), linear: usize) -> usize {
        match self {
            Scale::Linear => linear,
            Scale::Log => ((hi - lo).round() as usize + 1).clamp(2, 12),
        }
    }

    /// A tick label for drawn coordinate `c`.
    pub(crate) fn label(self, c: f64) -> String {
        match self {
            Scale::Linear => style::si(c),
            Scale::Log => style::si(10f64.powf(c)),
        }
    }
}
