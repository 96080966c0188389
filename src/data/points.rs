//! A data set of the visitor's own: a CSV file of two-dimensional points with class
//! labels, `x,y,label` per line (a header line is optional), labels `0..K` with
//! 2 ≤ K ≤ [`MAX_CLASSES`], at most [`MAX_ROWS`] rows.
//!
//! The inputs are scaled to [0, 1] over the data's bounding box and mirrored as the
//! Yin-Yang task does, `(x, y, 1 − x, 1 − y)`, so a Yin-Yang network (and its
//! decision-region grid, which then covers the bounding box) learns them. The rows
//! are split 80 / 10 / 10 into training, validation and test sets in an order drawn
//! from the run's seed ([`Stream::Data`]).
//!
//! A bad file is refused with the line and column of the first problem.

use serde::{Deserialize, Serialize};

use crate::data::{Dataset, Splits, Targets};
use crate::error::{Error, Result};
use crate::rng::{SimRng, Stream};

/// Most rows of a file.
pub const MAX_ROWS: usize = 100_000;
/// Longest file read (100 000 rows of three long numbers fit).
pub const MAX_BYTES: usize = 8_000_000;
/// Most classes (labels 0..=9).
pub const MAX_CLASSES: usize = 10;
/// Fewest rows: each of the three sets needs one.
pub const MIN_ROWS: usize = 10;

/// The parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    pub xy: Vec<[f64; 2]>,
    pub labels: Vec<u16>,
    pub n_classes: usize,
    pub bounds: Bounds,
}

/// The data's bounding box: what the unit square of the inputs stands for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

fn at(line: usize, col: usize, reason: impl Into<String>) -> Error {
    Error::data(format!("data file, line {line}, column {col}"), reason)
}

/// Reads a CSV file of points (see the module doc); refuses a bad one naming the
/// line and column.
pub fn parse(bytes: &[u8]) -> Result<Points> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::data(
            "data file",
            format!(
                "{} bytes, more than the limit of {MAX_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Error::data(format!("data file, line {line}"), "not UTF-8 text")
    })?;
    let (mut xy, mut labels) = (Vec::new(), Vec::new());
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() {
            continue;
        }
        let cells: Vec<&str> = raw.split(',').map(str::trim).collect();
        // A first line whose first cell is not a number is a header.
        if xy.is_empty() && line == 1 && cells[0].parse::<f64>().is_err() {
            if cells.len() != 3 {
                return Err(at(line, cells.len().min(4), header_msg(cells.len())));
            }
            continue;
        }
        if cells.len() != 3 {
            return Err(at(line, cells.len().min(4), header_msg(cells.len())));
        }
        if xy.len() == MAX_ROWS {
            return Err(at(line, 1, format!("more than {MAX_ROWS} rows")));
        }
        let num = |c: usize| -> Result<f64> {
            match cells[c].parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= 1e30 => Ok(v),
                _ => Err(at(
                    line,
                    c + 1,
                    format!("{:?} is not a finite number", clip(cells[c])),
                )),
            }
        };
        let (x, y) = (num(0)?, num(1)?);
        let label = match cells[2].parse::<u16>() {
            Ok(l) if (l as usize) < MAX_CLASSES => l,
            _ => {
                return Err(at(
                    line,
                    3,
                    format!(
                        "label {:?}: allowed an integer in 0..={}",
                        clip(cells[2]),
                        MAX_CLASSES - 1
                    ),
                ));
            }
        };
        xy.push([x, y]);
        labels.push(label);
    }
    if xy.len() < MIN_ROWS {
        return Err(Error::data(
            "data file",
            format!("{} rows of data, at least {MIN_ROWS} needed", xy.len()),
        ));
    }
    let n_classes = *labels.iter().max().unwrap_or(&0) as usize + 1;
    let mut seen = vec![false; n_classes];
    labels.iter().for_each(|&l| seen[l as usize] = true);
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(Error::data(
            "data file, column 3",
            format!(
                "no row has label {missing}: the labels must be 0 to {} without gaps",
                n_classes - 1
            ),
        ));
    }
    if n_classes < 2 {
        return Err(Error::data(
            "data file, column 3",
            "only one class (label 0): at least two are needed",
        ));
    }
    let (mut b, first) = (Bounds::default(), xy[0]);
    (b.x_min, b.x_max, b.y_min, b.y_max) = (first[0], first[0], first[1], first[1]);
    for &[x, y] in &xy {
        (b.x_min, b.x_max) = (b.x_min.min(x), b.x_max.max(x));
        (b.y_min, b.y_max) = (b.y_min.min(y), b.y_max.max(y));
    }
    for (col, lo, hi) in [(1, b.x_min, b.x_max), (2, b.y_min, b.y_max)] {
        if hi <= lo {
            return Err(Error::data(
                format!("data file, column {col}"),
                format!("every row has the same value {lo}: nothing to scale"),
            ));
        }
    }
    Ok(Points {
        xy,
        labels,
        n_classes,
        bounds: b,
    })
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            x_min: 0.0,
            x_max: 1.0,
            y_min: 0.0,
            y_max: 1.0,
        }
    }
}

fn header_msg(n: usize) -> String {
    format!("{n} columns, expected 3 (x,y,label)")
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

impl Points {
    /// Row `i`'s network input: scaled to [0, 1] and mirrored.
    pub fn input(&self, i: usize) -> [f32; 4] {
        let b = &self.bounds;
        let [x, y] = self.xy[i];
        let sx = ((x - b.x_min) / (b.x_max - b.x_min)) as f32;
        let sy = ((y - b.y_min) / (b.y_max - b.y_min)) as f32;
        [sx, sy, 1.0 - sx, 1.0 - sy]
    }

    /// The 80 / 10 / 10 split in an order drawn with `seed`.
    pub fn splits(&self, seed: u64) -> Result<Splits> {
        let n = self.xy.len();
        let mut order: Vec<usize> = (0..n).collect();
        SimRng::new(seed, Stream::Data).shuffle(&mut order);
        let (n_val, n_test) = (n / 10, n / 10);
        let n_train = n - n_val - n_test;
        let set = |idx: &[usize], name: &str| Dataset {
            name: name.into(),
            n_inputs: 4,
            inputs: idx.iter().flat_map(|&i| self.input(i)).collect(),
            targets: Targets::Labels {
                n_classes: self.n_classes,
                labels: idx.iter().map(|&i| self.labels[i]).collect(),
            },
        };
        Ok(Splits {
            train: set(&order[..n_train], "custom-train"),
            val: set(&order[n_train..n_train + n_val], "custom-val"),
            test: set(&order[n_train + n_val..], "custom-test"),
        })
    }
}
