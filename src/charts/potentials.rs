//! Output somatic potentials u_N against the (low-passed) target potentials for the
//! last few training patterns: the seed's mimic figure. PyraLNet shows the
//! settling within each pattern; SteadNet one settled value per pattern.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, colour, fail, padded_range, placeholder};
use crate::error::Error;

/// The data of the potentials chart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Potentials {
    /// Training time of each row, ms.
    pub t_ms: Vec<f64>,
    /// `outputs[j][row]`: u_N of output neuron j.
    pub outputs: Vec<Vec<f32>>,
    /// `targets[j][row]`: u_trgt of output neuron j.
    pub targets: Vec<Vec<f32>>,
    /// One settled value per pattern (SteadNet) rather than a trajectory.
    pub steady: bool,
}

impl Potentials {
    /// y range over outputs and targets.
    pub fn y_range(&self) -> (f64, f64) {
        let all = self
            .outputs
            .iter()
            .chain(&self.targets)
            .flatten()
            .map(|&v| v as f64);
        padded_range(all, (0.0, 1.0))
    }

    /// x range (s).
    pub fn x_range(&self) -> (f64, f64) {
        let lo = self.t_ms.first().copied().unwrap_or(0.0) / 1000.0;
        let hi = self.t_ms.last().copied().unwrap_or(0.0) / 1000.0;
        if hi > lo { (lo, hi) } else { (lo, lo + 0.1) }
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("potentials");
        area.fill(&WHITE).map_err(&f)?;
        if self.t_ms.is_empty() {
            return placeholder(area, "Output potentials", "no pattern trained yet");
        }
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range();
        let mut chart = ChartBuilder::on(area)
            .caption(
                "Output potentials u_N (solid) and targets (dashed)",
                (FONT, 15),
            )
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(&f)?;
        chart
            .configure_mesh()
            .x_desc("training time (s)")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(&f)?;
        let t: Vec<f64> = self.t_ms.iter().map(|t| t / 1000.0).collect();
        for (j, (out, target)) in self.outputs.iter().zip(&self.targets).enumerate() {
            let c = colour(j);
            let xy = |s: &[f32]| -> Vec<(f64, f64)> {
                t.iter().zip(s).map(|(&x, &y)| (x, y as f64)).collect()
            };
            chart
                .draw_series(DashedLineSeries::new(
                    xy(target),
                    5,
                    4,
                    c.mix(0.9).stroke_width(2),
                ))
                .map_err(&f)?;
            chart
                .draw_series(LineSeries::new(xy(out), c.stroke_width(2)))
                .map_err(&f)?
                .label(format!("neuron {j}"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
            if self.steady {
                chart
                    .draw_series(xy(out).into_iter().map(|p| Circle::new(p, 2, c.filled())))
                    .map_err(&f)?;
            }
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(&f)?;
        area.present().map_err(&f)?;
        Ok(())
    }
}
