//! Histogram of the 6-bit weight codes of an emulated run (SPEC §6): every weight
//! is `W = s · w` with an integer code `w ∈ −63..=63` and its projection's scale
//! `s`, so the histogram shows the grid the chip's synapses hold, and weights piling
//! up at ±63 are saturated.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, colour, fail, placeholder};
use crate::error::Error;
use crate::model::arith::MatrixId;
use crate::model::bss2::{W_MAX, WeightScales, weight_code};
use crate::model::formats::ArithKind;
use crate::model::network::Network;
use crate::model::weights::Projection;

/// Codes of one weight matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeSeries {
    /// E.g. `W^up_1`.
    pub name: String,
    /// Scale `s` (value of one LSB).
    pub scale: f32,
    /// Number of weights with code `c` at index `c + 63`.
    pub counts: Vec<u64>,
}

/// The data of the weight-code chart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WeightCodes {
    /// One line describing the number formats.
    pub format: String,
    pub series: Vec<CodeSeries>,
}

impl WeightCodes {
    /// The codes of every matrix of an emulated network; `None` in float arithmetic.
    pub fn from_network(net: &Network) -> Option<Self> {
        if net.params.arith.kind != ArithKind::Bss2 {
            return None;
        }
        let scales = WeightScales::new(&net.params);
        let mut series = Vec::new();
        for proj in Projection::ALL {
            let name = proj.name();
            for (k, m) in net.w.get(proj).iter().enumerate() {
                if m.data.is_empty() {
                    continue;
                }
                let scale = scales.get(MatrixId { proj, k });
                let mut counts = vec![0u64; (2 * W_MAX + 1) as usize];
                for &w in &m.data {
                    counts[(weight_code(w, 1.0 / scale) + W_MAX) as usize] += 1;
                }
                series.push(CodeSeries {
                    name: format!("W^{name}_{k}"),
                    scale,
                    counts,
                });
            }
        }
        Some(WeightCodes {
            format: net.params.arith.describe(),
            series,
        })
    }

    /// Largest count of any code (the y range).
    pub fn max_count(&self) -> u64 {
        self.series
            .iter()
            .flat_map(|s| s.counts.iter().copied())
            .max()
            .unwrap_or(0)
    }

    /// Fraction of all weights at ±63.
    pub fn saturated(&self) -> f64 {
        let (mut sat, mut all) = (0u64, 0u64);
        for s in &self.series {
            sat += s.counts.first().copied().unwrap_or(0) + s.counts.last().copied().unwrap_or(0);
            all += s.counts.iter().sum::<u64>();
        }
        if all == 0 {
            0.0
        } else {
            sat as f64 / all as f64
        }
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("weight codes");
        area.fill(&WHITE).map_err(&f)?;
        if self.series.is_empty() {
            return placeholder(area, "6-bit weight codes", "float arithmetic: no codes");
        }
        let y_max = (self.max_count() as f64 * 1.08).max(1.0);
        let lim = W_MAX as f64 + 1.0;
        let caption = format!(
            "6-bit weight codes ({:.1} % at ±63)",
            100.0 * self.saturated()
        );
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 15))
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(-lim..lim, 0f64..y_max)
            .map_err(&f)?;
        chart
            .configure_mesh()
            .x_desc("code w (W = s · w)")
            .y_desc("synapses")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(&f)?;
        // One bar per code and matrix, side by side within the code's unit slot.
        let n = self.series.len() as f64;
        for (i, s) in self.series.iter().enumerate() {
            let c = colour(i);
            let bars = s
                .counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(j, &cnt)| {
                    let x0 = j as f64 - W_MAX as f64 - 0.5 + i as f64 / n;
                    Rectangle::new([(x0, 0.0), (x0 + 1.0 / n, cnt as f64)], c.filled())
                });
            chart
                .draw_series(bars)
                .map_err(&f)?
                .label(format!("{} (s = {:.3e})", s.name, s.scale))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperMiddle).map_err(&f)?;
        area.present().map_err(&f)?;
        Ok(())
    }
}
