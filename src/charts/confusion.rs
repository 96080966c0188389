//! Confusion matrix of the latest validation: rows are true classes, columns the
//! predictions; a cell's shade is its share of the row.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, fail, placeholder};
use crate::error::Error;

/// The data of the confusion chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// `counts[true][predicted]`.
    pub counts: Vec<Vec<u32>>,
    pub labels: Vec<String>,
}

impl Confusion {
    pub fn new(counts: Vec<Vec<u32>>, labels: Vec<String>) -> Self {
        Confusion { counts, labels }
    }

    /// Each cell as a fraction of its row (0 for empty rows).
    pub fn fractions(&self) -> Vec<Vec<f64>> {
        self.counts
            .iter()
            .map(|row| {
                let n: u32 = row.iter().sum();
                row.iter()
                    .map(|&c| if n == 0 { 0.0 } else { c as f64 / n as f64 })
                    .collect()
            })
            .collect()
    }

    /// Fraction on the diagonal.
    pub fn accuracy(&self) -> f64 {
        let total: u32 = self.counts.iter().flatten().sum();
        let diag: u32 = self.counts.iter().enumerate().map(|(i, r)| r[i]).sum();
        if total == 0 {
            0.0
        } else {
            diag as f64 / total as f64
        }
    }

    /// Cell colour: white (0) to Okabe–Ito blue (1).
    pub fn shade(frac: f64) -> RGBColor {
        let f = frac.clamp(0.0, 1.0);
        let mix = |c: u8| (255.0 - (255.0 - c as f64) * f).round() as u8;
        RGBColor(mix(0x00), mix(0x72), mix(0xB2))
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("confusion matrix");
        area.fill(&WHITE).map_err(&f)?;
        let n = self.counts.len();
        if n == 0 {
            return placeholder(area, "Confusion matrix", "no validation yet");
        }
        let labels = self.labels.clone();
        let label = move |v: &f64| {
            let i = v.floor() as usize;
            if (v - v.floor() - 0.5).abs() < 1e-6 {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let mut chart = ChartBuilder::on(area)
            .caption(
                format!(
                    "Confusion matrix (validation, {:.1} %)",
                    100.0 * self.accuracy()
                ),
                (FONT, 15),
            )
            .margin(6)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..n as f64, n as f64..0f64)
            .map_err(&f)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("predicted")
            .y_desc("true")
            .x_labels(n * 2 + 1)
            .y_labels(n * 2 + 1)
            .x_label_formatter(&label)
            .y_label_formatter(&label)
            .draw()
            .map_err(&f)?;
        let fr = self.fractions();
        for (i, row) in fr.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let (x, y) = (j as f64, i as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        Confusion::shade(v).filled(),
                    )))
                    .map_err(&f)?;
            }
        }
        if n <= 10 {
            let (w, _) = area.dim_in_pixel();
            let size = if n <= 3 {
                16
            } else {
                (w as usize / (n * 4)).clamp(8, 12) as u32
            };
            for (i, row) in self.counts.iter().enumerate() {
                for (j, &c) in row.iter().enumerate() {
                    let dark = fr[i][j] > 0.55;
                    let colour = if dark { WHITE } else { BLACK };
                    let style = (FONT, size)
                        .into_font()
                        .color(&colour)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    chart
                        .draw_series(std::iter::once(Text::new(
                            c.to_string(),
                            (j as f64 + 0.5, i as f64 + 0.5),
                            style,
                        )))
                        .map_err(&f)?;
                }
            }
        }
        area.present().map_err(&f)?;
        Ok(())
    }
}

use plotters::style::text_anchor::{HPos, Pos, VPos};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_and_accuracy() {
        let c = Confusion::new(vec![vec![3, 1], vec![0, 0]], vec!["a".into(), "b".into()]);
        assert_eq!(c.fractions(), vec![vec![0.75, 0.25], vec![0.0, 0.0]]);
        assert_eq!(c.accuracy(), 0.75);
        assert_eq!(Confusion::shade(0.0), RGBColor(255, 255, 255));
        assert_eq!(Confusion::shade(1.0), RGBColor(0x00, 0x72, 0xB2));
    }
}
