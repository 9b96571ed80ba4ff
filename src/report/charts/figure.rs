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

/// An axis scale: values are drawn as is, as their base-10 logarithm, or symmetric-log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Linear.
    Linear,
    /// Base-10 logarithmic (values ≤ 0 are not drawn).
    Log,
    /// Symmetric log, `sign(v) · log10(1 + |v|)`: zero stays drawable, so a count that is 0
    /// on one curve and 30,000 on another shows both (false removals).
    SymLog,
}

impl Scale {
    /// The drawn coordinate of `v`; `None` if it cannot be drawn.
    pub(crate) fn map(self, v: f64) -> Option<f64> {
        match self {
            _ if !v.is_finite() => None,
            Scale::Linear => Some(v),
            Scale::Log if v > 0.0 => Some(v.log10()),
            Scale::Log => None,
            Scale::SymLog => Some(v.signum() * v.abs().ln_1p() / std::f64::consts::LN_10),
        }
    }

    /// The value drawn at coordinate `c` (the inverse of [`Scale::map`]).
    pub(crate) fn value(self, c: f64) -> f64 {
        match self {
            Scale::Linear => c,
            Scale::Log => 10f64.powf(c),
            Scale::SymLog => c.signum() * (10f64.powf(c.abs()) - 1.0),
        }
    }

    /// The drawn range covering `values`, padded; whole decades on a log scale; from 0 on a
    /// linear or symmetric-log scale when `from_zero` and no value is negative.
    pub(crate) fn range(
        self,
        values: impl IntoIterator<Item = f64>,
        from_zero: bool,
    ) -> (f64, f64) {
        let drawn = values.into_iter().filter_map(|v| self.map(v));
        match (self, style::finite_range(drawn)) {
            (_, None) => (0.0, 1.0),
            (Scale::Log, Some((lo, hi))) => style::nonempty(lo.floor(), hi.ceil(), 1.0),
            (Scale::SymLog, Some((lo, hi))) => {
                let lo = if from_zero { lo.min(0.0) } else { lo };
                style::nonempty(lo.floor(), hi.ceil().max(1.0), 1.0)
            }
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
            Scale::Log | Scale::SymLog => ((hi - lo).round() as usize + 1).clamp(2, 12),
        }
    }

    /// The drawn coordinates of the ticks of a log or symmetric-log axis over `lo..hi`: 1, 2
    /// and 5 of every decade (a sweep over 10, 20, 50, 100, 200, 500 nodes labels each), only
    /// the powers of ten when the range spans more than four decades; for symmetric log also
    /// 0. `None` on a linear axis: plotters' own ticks are right there.
    pub(crate) fn key_points(self, (lo, hi): (f64, f64)) -> Option<Vec<f64>> {
        if self == Scale::Linear {
            return None;
        }
        let mantissas: &[f64] = if hi - lo > 4.0 {
            &[1.0]
        } else {
            &[1.0, 2.0, 5.0]
        };
        let mut points = Vec::new();
        if self == Scale::SymLog && lo <= 0.0 {
            points.push(0.0);
        }
        let first = if self == Scale::SymLog {
            0
        } else {
            lo.floor() as i32
        };
        for decade in first..=hi.ceil() as i32 {
            for m in mantissas {
                if let Some(c) = self.map(m * 10f64.powi(decade)) {
                    if c >= lo - 1e-9 && c <= hi + 1e-9 {
                        points.push(c);
                    }
                }
            }
        }
        Some(points)
    }

    /// A tick label for drawn coordinate `c`.
    pub(crate) fn label(self, c: f64) -> String {
        match self {
            Scale::Linear => style::si(c),
            // Rounded: a tick at log10(1 + 20) must read 20, not 20.000000001.
            Scale::Log | Scale::SymLog => style::si(round_sig(self.value(c))),
        }
    }
}

/// `v` rounded to 6 significant digits.
fn round_sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(5 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// An f64 axis with its ticks at given coordinates ([`Scale::key_points`]): plotters'
/// `WithKeyPoints` cannot be formatted over an f64 range, this can.
#[derive(Clone)]
pub(crate) struct Ticks {
    inner: plotters::coord::types::RangedCoordf64,
    points: Vec<f64>,
}

impl Ticks {
    /// The axis over `range` with ticks (and grid lines) at `points`.
    pub(crate) fn new(range: std::ops::Range<f64>, points: Vec<f64>) -> Ticks {
        Ticks {
            inner: range.into(),
            points,
        }
    }
}

impl plotters::coord::ranged1d::Ranged for Ticks {
    type FormatOption = plotters::coord::ranged1d::NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Bold lines and labels at the ticks; no light lines between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.points.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

impl plotters::coord::ranged1d::ValueFormatter<f64> for Ticks {
    fn format(value: &f64) -> String {
        style::si(*value)
    }
}
