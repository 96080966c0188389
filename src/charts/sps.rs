//! Emergence of the self-predicting state (SPEC §2): mean |v_A| over the hidden
//! pyramidal neurons, `‖W^ip − W^ip_SPS‖` and `‖W^pi + W^down‖` against training
//! time. From random initialisation all three fall toward 0.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, colour, fail, padded_range, placeholder};
use crate::error::Error;
use crate::model::record::{Probe, Recorder};

/// The data of the SPS chart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SpsTrace {
    /// Training time, s.
    pub t_s: Vec<f64>,
    pub mean_abs_apical: Vec<f32>,
    /// `‖W^ip − W^ip_SPS‖`.
    pub d_ip: Vec<f32>,
    /// `‖W^pi + W^down‖`.
    pub d_pi: Vec<f32>,
}

impl SpsTrace {
    /// From a recorder with the probes `[MeanAbsApical, SpsDistance]` (times in ms).
    pub fn from_recorder(rec: &Recorder) -> Self {
        let idx = |want: Probe| rec.probes().iter().position(|p| *p == want);
        let mut t = SpsTrace {
            t_s: rec.times().iter().map(|ms| ms / 1000.0).collect(),
            ..Default::default()
        };
        if let Some(i) = idx(Probe::MeanAbsApical) {
            t.mean_abs_apical = rec.series(i).map(|r| r[0]).collect();
        }
        if let Some(i) = idx(Probe::SpsDistance) {
            (t.d_ip, t.d_pi) = rec.series(i).map(|r| (r[0], r[1])).unzip();
        }
        t
    }

    /// The three series with their legend names.
    pub fn series(&self) -> [(&'static str, &[f32]); 3] {
        [
            ("mean |v_A|", &self.mean_abs_apical),
            ("‖W^ip − W^ip_SPS‖", &self.d_ip),
            ("‖W^pi + W^down‖", &self.d_pi),
        ]
    }

    /// y range: from 0 to the largest value.
    pub fn y_range(&self) -> (f64, f64) {
        let all = self
            .series()
            .into_iter()
            .flat_map(|(_, s)| s.iter().map(|&v| v as f64));
        let (_, hi) = padded_range(all.chain([0.0]), (0.0, 1.0));
        (0.0, hi.max(1e-6))
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("self-predicting state");
        area.fill(&WHITE).map_err(&f)?;
        if self.t_s.is_empty() {
            return placeholder(area, "Self-predicting state", "no data yet");
        }
        let t_max = self.t_s.last().copied().unwrap_or(0.0).max(1e-3);
        let (lo, hi) = self.y_range();
        let mut chart = ChartBuilder::on(area)
            .caption("Self-predicting state", (FONT, 15))
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..t_max, lo..hi)
            .map_err(&f)?;
        chart
            .configure_mesh()
            .x_desc("training time (s of simulated time)")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(&f)?;
        for (i, (name, s)) in self.series().into_iter().enumerate() {
            let c = colour(i);
            let xy = self.t_s.iter().zip(s).map(|(&t, &v)| (t, v as f64));
            chart
                .draw_series(LineSeries::new(xy, c.stroke_width(2)))
                .map_err(&f)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(&f)?;
        area.present().map_err(&f)?;
        Ok(())
    }
}
