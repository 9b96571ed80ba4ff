//! The three charts (convergence, infection spread, traffic), each drawn once into an SVG
//! string and once into an RGB bitmap encoded as PNG.
//!
//! Each chart is a [`Chart`] whose `draw` is generic over the plotters backend, so both files
//! come from the same drawing code. Text uses the DejaVu Sans font embedded in the binary
//! (plotters' `ab_glyph` feature): no system font, fontconfig or freetype is needed.

pub(crate) mod band;
mod convergence;
mod decimate;
pub(crate) mod figure;
pub(crate) mod heatmap;
mod infection;
mod markers;
pub(crate) mod seed_convergence;
pub(crate) mod style;
mod traffic;

use std::fmt;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::run::Outcome;
use style::{HEIGHT, WIDTH};

/// A drawing failure, as text (plotters' error types are backend-specific).
#[derive(Debug, Clone)]
pub(crate) struct ChartFailure(pub(crate) String);

impl fmt::Display for ChartFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartFailure {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartFailure(e.to_string())
    }
}

/// One chart: a file stem and a drawing function for any backend.
pub(crate) trait Chart {
    /// File stem, e.g. `convergence`.
    const NAME: &'static str;
    /// Draws the whole chart onto `root` (already filled white).
    fn draw<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        outcome: &Outcome,
    ) -> Result<(), ChartFailure>;
}

/// File stems of the charts, in the order they are written.
pub(crate) const NAMES: [&str; 3] = [
    convergence::Convergence::NAME,
    infection::InfectionChart::NAME,
    traffic::TrafficChart::NAME,
];

/// Draws `C` as SVG text.
fn svg<C: Chart>(outcome: &Outcome) -> Result<String, ChartFailure> {
    style::register_font()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        C::draw(&root, outcome)?;
        root.present()?;
    }
    Ok(out)
}

/// Draws `C` into an RGB buffer of `WIDTH` × `HEIGHT` pixels.
fn bitmap<C: Chart>(outcome: &Outcome) -> Result<Vec<u8>, ChartFailure> {
    style::register_font()?;
    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        C::draw(&root, outcome)?;
        root.present()?;
    }
    Ok(pixels)
}

/// Encodes an RGB buffer of `WIDTH` × `HEIGHT` as PNG (no timestamp or other ancillary chunk).
pub(crate) fn encode_png(pixels: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(pixels).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// One chart in both formats.
pub(crate) struct Rendered {
    /// File stem.
    pub(crate) name: &'static str,
    /// SVG text, or why it failed.
    pub(crate) svg: Result<String, ChartFailure>,
    /// RGB pixels, or why drawing failed.
    pub(crate) pixels: Result<Vec<u8>, ChartFailure>,
}

fn render<C: Chart>(outcome: &Outcome) -> Rendered {
    Rendered {
        name: C::NAME,
        svg: svg::<C>(outcome),
        pixels: bitmap::<C>(outcome),
    }
}

/// The charts of `outcome`, in the order of [`NAMES`]: all but the infection chart for a run
/// that did not measure infection spread (real sockets, SWIM): an empty chart would only say so.
pub(crate) fn names(outcome: &Outcome) -> Vec<&'static str> {
    NAMES
        .into_iter()
        .filter(|&n| {
            !(outcome.infection_unmeasured().is_some() && n == infection::InfectionChart::NAME)
        })
        .collect()
}

/// Renders the charts of `outcome` (see [`names`]), in the order of [`NAMES`].
pub(crate) fn render_all(outcome: &Outcome) -> Vec<Rendered> {
    names(outcome)
        .into_iter()
        .filter_map(|name| match name {
            convergence::Convergence::NAME => Some(render::<convergence::Convergence>(outcome)),
            infection::InfectionChart::NAME => Some(render::<infection::InfectionChart>(outcome)),
            traffic::TrafficChart::NAME => Some(render::<traffic::TrafficChart>(outcome)),
            _ => None,
        })
        .collect()
}
