//! Yin-Yang decision regions: the network's class on an `n × n` grid over the unit
//! square, as an RGBA picture the page scales up with `putImageData`, with the test
//! points drawn over it.
//!
//! Colour: the class's Okabe–Ito colour (yin blue, yang orange, dot bluish green),
//! lightened toward white as the confidence falls; the confidence is the margin
//! between the two largest output potentials relative to the target gap,
//! `c = clamp((u_(1) − u_(2)) / (u_high − u_low), 0, 1)`. Points outside the
//! data set's circle are drawn faded.

use serde::{Deserialize, Serialize};

use super::PALETTE;
use crate::data::yinyang;
use crate::train::argmax;

/// Lightness floor: a zero-confidence pixel keeps this much of its class colour.
pub const MIN_SATURATION: f32 = 0.12;
/// Opacity of pixels outside the circle of the data set.
pub const OUTSIDE_ALPHA: u8 = 70;

/// The picture and the test points.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Regions {
    /// Grid side.
    pub n: usize,
    /// `n × n` RGBA pixels, row 0 at the top (y = 1). Sent apart as a typed array.
    #[serde(skip)]
    pub rgba: Vec<u8>,
    /// Test points `(x, y)` interleaved.
    pub points: Vec<f32>,
    pub labels: Vec<u8>,
    pub predicted: Vec<u8>,
    /// Colour of each class as `#rrggbb`, for the points and the legend.
    pub palette: Vec<String>,
    /// Name of each class, for the legend and the data table.
    #[serde(default)]
    pub class_names: Vec<String>,
    /// Test points per true class and how many of them are classified right.
    #[serde(default)]
    pub class_counts: Vec<ClassCount>,
    /// Fraction of the test points classified right.
    #[serde(default)]
    pub accuracy: f64,
    /// The data's bounding box `[x_min, x_max, y_min, y_max]` the unit square stands
    /// for (a CSV file of points); `None` for Yin-Yang.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<[f64; 4]>,
}

/// Test points of one true class.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ClassCount {
    pub points: u32,
    pub correct: u32,
}

impl Regions {
    /// Sets the test points' labels and predictions, and the counts and accuracy
    /// that follow from them.
    pub fn set_points(&mut self, labels: Vec<u8>, predicted: Vec<u8>, class_names: Vec<String>) {
        let mut counts = vec![ClassCount::default(); class_names.len()];
        for (&l, &p) in labels.iter().zip(&predicted) {
            if let Some(c) = counts.get_mut(l as usize) {
                c.points += 1;
                c.correct += u32::from(l == p);
            }
        }
        let right: u32 = counts.iter().map(|c| c.correct).sum();
        self.accuracy = f64::from(right) / labels.len().max(1) as f64;
        (self.labels, self.predicted) = (labels, predicted);
        (self.class_names, self.class_counts) = (class_names, counts);
    }
}

/// The Yin-Yang inputs of a point, `(x, y, 1 − x, 1 − y)`.
pub fn input(x: f32, y: f32) -> [f32; 4] {
    [x, y, 1.0 - x, 1.0 - y]
}

/// Centre of pixel (column i, row j) in data coordinates.
pub fn centre(i: usize, j: usize, n: usize) -> (f32, f32) {
    let x = (i as f32 + 0.5) / n as f32;
    let y = 1.0 - (j as f32 + 0.5) / n as f32;
    (x, y)
}

/// Confidence of an output vector, see the module doc.
pub fn confidence(out: &[f32], u_low: f32, u_high: f32) -> f32 {
    let (mut a, mut b) = (f32::NEG_INFINITY, f32::NEG_INFINITY);
    for &v in out {
        if v > a {
            b = a;
            a = v;
        } else if v > b {
            b = v;
        }
    }
    if out.len() < 2 || !a.is_finite() || !b.is_finite() {
        return 0.0;
    }
    ((a - b) / (u_high - u_low)).clamp(0.0, 1.0)
}

/// Colours of classes 8 and 9 (a file of points may have ten), after Okabe–Ito's
/// eight: grey and Tol's wine.
const MORE: [(u8, u8, u8); 2] = [(0x99, 0x99, 0x99), (0x88, 0x22, 0x55)];

/// The colour of class `class`.
pub fn class_rgb(class: usize) -> (u8, u8, u8) {
    match class.checked_sub(PALETTE.len()) {
        Some(i) => MORE[i % MORE.len()],
        None => PALETTE[class],
    }
}

/// The colour of class `class` at confidence `c`.
pub fn shade(class: usize, c: f32) -> [u8; 3] {
    let (r, g, b) = class_rgb(class);
    let s = MIN_SATURATION + (1.0 - MIN_SATURATION) * c.clamp(0.0, 1.0);
    let mix = |v: u8| (255.0 - (255.0 - v as f32) * s).round() as u8;
    [mix(r), mix(g), mix(b)]
}

impl Regions {
    /// Network inputs of grid pixel (i, j).
    pub fn input_at(i: usize, j: usize, n: usize) -> [f32; 4] {
        let (x, y) = centre(i, j, n);
        input(x, y)
    }

    /// The picture from the outputs of every pixel (row-major, `n_out` each).
    pub fn from_outputs(n: usize, outputs: &[f32], n_out: usize, u_low: f32, u_high: f32) -> Self {
        let mut rgba = Vec::with_capacity(n * n * 4);
        for (idx, out) in outputs.chunks_exact(n_out).take(n * n).enumerate() {
            let (x, y) = centre(idx % n, idx / n, n);
            let [r, g, b] = shade(argmax(out), confidence(out, u_low, u_high));
            let alpha = if yinyang::in_circle(x as f64, y as f64) {
                255
            } else {
                OUTSIDE_ALPHA
            };
            rgba.extend_from_slice(&[r, g, b, alpha]);
        }
        Regions {
            n,
            rgba,
            palette: (0..n_out)
                .map(|c| {
                    let (r, g, b) = class_rgb(c);
                    format!("#{r:02x}{g:02x}{b:02x}")
                })
                .collect(),
            ..Default::default()
        }
    }

    /// Fraction of test points whose prediction is their label.
    pub fn accuracy(&self) -> f64 {
        let ok = self
            .labels
            .iter()
            .zip(&self.predicted)
            .filter(|(a, b)| a == b)
            .count();
        ok as f64 / self.labels.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_the_relative_margin() {
        assert_eq!(confidence(&[1.0, 0.1, 0.1], 0.1, 1.0), 1.0);
        assert_eq!(confidence(&[0.5, 0.5, 0.1], 0.1, 1.0), 0.0);
        assert!((confidence(&[0.55, 0.1, 0.1], 0.1, 1.0) - 0.5).abs() < 1e-6);
        assert_eq!(confidence(&[f32::NAN, 0.1, 0.1], 0.1, 1.0), 0.0);
    }

    #[test]
    fn shades_go_from_pale_to_the_class_colour() {
        assert_eq!(shade(0, 1.0), [0x00, 0x72, 0xB2]);
        let pale = shade(1, 0.0);
        assert!(pale.iter().all(|&v| v > 220), "{pale:?}");
        // Distinct classes stay distinct at full confidence.
        assert_ne!(shade(0, 1.0), shade(1, 1.0));
        assert_ne!(shade(1, 1.0), shade(2, 1.0));
    }

    #[test]
    fn grid_is_row_major_from_the_top() {
        assert_eq!(centre(0, 0, 100), (0.005, 0.995));
        let r = Regions::from_outputs(
            2,
            &[1.0, 0.1, 0.1, 0.1, 1.0, 0.1, 0.1, 0.1, 1.0, 0.1, 0.1, 1.0],
            3,
            0.1,
            1.0,
        );
        assert_eq!(r.rgba.len(), 16);
        assert_eq!(&r.rgba[0..3], &[0x00, 0x72, 0xB2]);
        assert_eq!(&r.rgba[4..7], &[0xE6, 0x9F, 0x00]);
        assert_eq!(r.palette, ["#0072b2", "#e69f00", "#009e73"]);
    }
}
