//! A few MNIST test digits with the network's predictions.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, colour, fail, placeholder};
use crate::error::Error;

/// The data of the digits chart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Digits {
    /// Images are `side × side`, row-major, values in [0, 1].
    pub side: usize,
    pub images: Vec<Vec<f32>>,
    pub labels: Vec<u8>,
    pub predicted: Vec<u8>,
}

impl Digits {
    /// Grey level of a pixel: ink (1) is black on white.
    pub fn grey(v: f32) -> u8 {
        (255.0 * (1.0 - v.clamp(0.0, 1.0))).round() as u8
    }

    /// Columns and rows of the grid for `k` digits.
    pub fn grid(k: usize) -> (usize, usize) {
        let cols = k.clamp(1, 4);
        (cols, k.div_ceil(cols).max(1))
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("digits");
        area.fill(&WHITE).map_err(&f)?;
        let k = self.images.len();
        if k == 0 || self.side == 0 {
            return placeholder(area, "Test digits", "no digits");
        }
        let (cols, rows) = Digits::grid(k);
        let body = area
            .titled("Test digits: label → prediction", (FONT, 15))
            .map_err(&f)?;
        let cells = body.split_evenly((rows, cols));
        for (i, cell) in cells.iter().enumerate().take(k) {
            let (w, h) = cell.dim_in_pixel();
            let caption = 18;
            let px = ((w.min(h.saturating_sub(caption)) as usize) / self.side).max(1) as i32;
            let x0 = (w as i32 - px * self.side as i32) / 2;
            for (idx, &v) in self.images[i]
                .iter()
                .enumerate()
                .take(self.side * self.side)
            {
                let (r, c) = ((idx / self.side) as i32, (idx % self.side) as i32);
                let g = Digits::grey(v);
                if g == 255 {
                    continue;
                }
                let (x, y) = (x0 + c * px, r * px);
                cell.draw(&Rectangle::new(
                    [(x, y), (x + px, y + px)],
                    RGBColor(g, g, g).filled(),
                ))
                .map_err(&f)?;
            }
            let s = self.side as i32 * px;
            cell.draw(&Rectangle::new(
                [(x0, 0), (x0 + s, s)],
                RGBColor(200, 200, 200),
            ))
            .map_err(&f)?;
            let (l, p) = (self.labels[i], self.predicted[i]);
            let ok = l == p;
            let text = format!("{l} → {p} {}", if ok { "✓" } else { "✗" });
            let c = if ok { colour(2) } else { colour(3) };
            cell.draw(&Text::new(
                text,
                (x0, s + 3),
                (FONT, 14).into_font().color(&c),
            ))
            .map_err(&f)?;
        }
        area.present().map_err(&f)?;
        Ok(())
    }
}
