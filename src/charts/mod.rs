//! The browser app's charts, drawn with plotters on any [`DrawingBackend`]: the
//! canvas in the page (`plotters-canvas`, main thread), SVG in the native tests
//! (`tests/charts.rs`).
//!
//! One file per chart. Each holds a plain data struct (serde: the worker sends it to
//! the page), the maths that prepares it (ranges, colours, CSV), and a `draw`
//! function that only lays out what the maths gave.
//!
//! Text: plotters is built without a font feature. Natively the SVG backend writes
//! `<text>` elements and plotters estimates their extent from the font size, so no
//! system font library is needed; on wasm the browser's canvas measures and draws
//! text (which needs a `document`, hence drawing on the main thread).

pub mod alignment;
pub mod codes;
pub mod confusion;
pub mod curves;
pub mod digits;
pub mod potentials;
pub mod regions;
pub mod sps;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Error;

/// Okabe–Ito colours (safe for the common colour-vision deficiencies): blue,
/// orange, bluish green, vermillion, sky blue, reddish purple, yellow, black.
pub const PALETTE: [(u8, u8, u8); 8] = [
    (0x00, 0x72, 0xB2),
    (0xE6, 0x9F, 0x00),
    (0x00, 0x9E, 0x73),
    (0xD5, 0x5E, 0x00),
    (0x56, 0xB4, 0xE9),
    (0xCC, 0x79, 0xA7),
    (0xF0, 0xE4, 0x42),
    (0x00, 0x00, 0x00),
];

/// Colour `i` of [`PALETTE`] (cycling).
pub fn colour(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

/// Font family of all chart text.
pub const FONT: &str = "sans-serif";

/// Converts a plotters error into the crate's error, naming the chart.
pub(crate) fn fail<E: std::fmt::Display>(chart: &'static str) -> impl Fn(E) -> Error {
    move |e| Error::data(format!("{chart} chart"), e.to_string())
}

/// A range `[lo, hi]` that contains every finite value of `values` and is never
/// empty, padded by 5 % on each side; `fallback` when no value is finite.
pub fn padded_range(values: impl IntoIterator<Item = f64>, fallback: (f64, f64)) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return fallback;
    }
    if hi - lo < 1e-9 {
        let d = lo.abs().max(1e-3) * 0.1;
        return (lo - d, hi + d);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Writes "no data yet" in the middle of an area.
pub(crate) fn placeholder<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> Result<(), Error> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        title.to_string(),
        (10, 8),
        (FONT, 16).into_font().color(&BLACK),
    ))
    .map_err(fail("placeholder"))?;
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2 - 4 * message.len() as i32, h as i32 / 2),
        (FONT, 14).into_font().color(&RGBColor(90, 90, 90)),
    ))
    .map_err(fail("placeholder"))?;
    Ok(())
}

/// The legend every chart draws at `pos`: a white box with a grey border and
/// 12 px labels.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    pos: SeriesLabelPosition,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .label_font((FONT, 12))
        .draw()
}

/// The legend position whose box (`w` × `h` in plot fractions) holds the fewest of
/// `pts` (plot fractions), and how many; ties go to the earlier of lower right,
/// upper right, lower left, upper left, middle right, middle left.
pub fn free_corner(pts: &[(f64, f64)], w: f64, h: f64) -> (SeriesLabelPosition, usize) {
    use SeriesLabelPosition::*;
    let (w, h) = (w.clamp(0.0, 1.0), h.clamp(0.0, 1.0));
    let mid = (0.5 - h / 2.0, 0.5 + h / 2.0);
    let boxes = [
        (LowerRight, (1.0 - w, 1.0), (0.0, h)),
        (UpperRight, (1.0 - w, 1.0), (1.0 - h, 1.0)),
        (LowerLeft, (0.0, w), (0.0, h)),
        (UpperLeft, (0.0, w), (1.0 - h, 1.0)),
        (MiddleRight, (1.0 - w, 1.0), mid),
        (MiddleLeft, (0.0, w), mid),
    ];
    let inside = |(x, y): (f64, f64), (xa, xb): (f64, f64), (ya, yb): (f64, f64)| {
        (xa..=xb).contains(&x) && (ya..=yb).contains(&y)
    };
    let mut best = (LowerRight, usize::MAX);
    for (pos, xs, ys) in boxes {
        let n = pts.iter().filter(|&&p| inside(p, xs, ys)).count();
        if n < best.1 {
            best = (pos, n);
        }
    }
    best
}

/// The legend's size in fractions of a plotting area `plot` (pixels) for
/// `labels` at the legend's font: a sample and margins around each label, rows of
/// the text height plus spacing (checked on the drawn figures).
pub fn legend_box<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[&str],
    (plot_w, plot_h): (u32, u32),
) -> (f64, f64) {
    let style: TextStyle = (FONT, 12).into_font().into();
    let (tw, th, rows) = labels
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| {
            area.estimate_text_size(l, &style)
                .unwrap_or((8 * l.len() as u32, 12))
        })
        .fold((0, 0, 0), |(w, h, n), (a, b)| (w.max(a), h.max(b), n + 1));
    (
        (tw as f64 + 50.0) / plot_w.max(1) as f64,
        (rows as f64 * (th as f64 + 12.0) + 16.0) / plot_h.max(1) as f64,
    )
}

/// Points along a polyline (`n` per segment, and the vertices), for
/// [`free_corner`].
pub fn along(xy: &[(f64, f64)], n: usize) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = xy
        .windows(2)
        .flat_map(|w| {
            (0..n).map(move |i| {
                let t = i as f64 / n as f64;
                (
                    w[0].0 + t * (w[1].0 - w[0].0),
                    w[0].1 + t * (w[1].1 - w[0].1),
                )
            })
        })
        .collect();
    out.extend_from_slice(xy);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_padded_and_never_empty() {
        assert_eq!(padded_range([0.0, 10.0], (0.0, 1.0)), (-0.5, 10.5));
        let (lo, hi) = padded_range([2.0, 2.0, f64::NAN], (0.0, 1.0));
        assert!(lo < 2.0 && hi > 2.0);
        assert_eq!(padded_range([f64::NAN], (0.0, 1.0)), (0.0, 1.0));
        assert_eq!(padded_range(std::iter::empty(), (3.0, 4.0)), (3.0, 4.0));
    }
}
