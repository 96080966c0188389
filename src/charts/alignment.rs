//! "Alignment with backprop": the angles of [`crate::train::alignment`] for the
//! first hidden layer against training patterns. Near 0° the run's update points
//! where backprop's does; 90° is no relation. With fixed random feedback the
//! microcircuit follows feedback alignment; with `feedback: transpose`, backprop.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, colour, fail, placeholder};
use crate::error::Error;
use crate::train::Metrics;

/// The data of the alignment chart: one row per validation with angles.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlignmentChart {
    pub patterns: Vec<u64>,
    /// Per series (in [`AlignmentChart::NAMES`] order), the angle in degrees at each
    /// validation (`None`: not measurable).
    pub series: [Vec<Option<f64>>; 4],
}

impl AlignmentChart {
    /// Legend names, in the order of `series`.
    pub const NAMES: [&'static str; 4] = [
        "this run vs backprop",
        "this run vs feedback alignment",
        "feedback alignment vs backprop",
        "W^down vs (W^up)ᵀ",
    ];

    /// From a validation history (entries without angles are left out).
    pub fn new(history: &[Metrics]) -> Self {
        let mut c = AlignmentChart::default();
        for m in history {
            let Some(a) = &m.alignment else { continue };
            c.patterns.push(m.patterns);
            for (out, (_, v)) in c.series.iter_mut().zip(a.series()) {
                out.push(v.first().copied().flatten());
            }
        }
        c
    }

    /// The latest angles as one line of text (the chart's text alternative).
    pub fn summary(&self) -> String {
        let Some(&p) = self.patterns.last() else {
            return "Alignment with backprop: no validation yet.".into();
        };
        let parts: Vec<String> = Self::NAMES
            .iter()
            .zip(&self.series)
            .map(|(name, s)| match s.last().copied().flatten() {
                Some(a) => format!("{name} {a:.1}°"),
                None => format!("{name} not measurable"),
            })
            .collect();
        format!("Hidden layer 1 after {p} patterns: {}.", parts.join(", "))
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("alignment");
        area.fill(&WHITE).map_err(&f)?;
        if self.patterns.is_empty() {
            return placeholder(area, "Alignment with backprop", "first validation pending");
        }
        let x_max = self.patterns.last().copied().unwrap_or(0).max(10) as f64 * 1.05;
        let mut chart = ChartBuilder::on(area)
            .caption("Alignment with backprop (hidden layer 1)", (FONT, 15))
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(46)
            .build_cartesian_2d(0f64..x_max, 0f64..180f64)
            .map_err(&f)?;
        chart
            .configure_mesh()
            .x_desc("training patterns")
            .y_desc("angle (degrees)")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(&f)?;
        for (i, (name, s)) in Self::NAMES.iter().zip(&self.series).enumerate() {
            let c = colour(i);
            let xy: Vec<(f64, f64)> = self
                .patterns
                .iter()
                .zip(s)
                .filter_map(|(&p, a)| a.map(|a| (p as f64, a)))
                .collect();
            chart
                .draw_series(LineSeries::new(xy, c.stroke_width(2)))
                .map_err(&f)?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(&f)?;
        area.present().map_err(&f)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::alignment::Alignment;

    fn at(patterns: u64, micro: Option<f64>) -> Metrics {
        Metrics {
            patterns,
            epoch: 0.0,
            mse: 0.1,
            accuracy: None,
            confusion: None,
            alignment: Some(Alignment {
                micro_vs_backprop_deg: vec![micro, Some(1.0)],
                micro_vs_fa_deg: vec![Some(20.0)],
                fa_vs_backprop_deg: vec![Some(60.0)],
                w_down_vs_w_up_t_deg: vec![Some(70.0)],
            }),
        }
    }

    #[test]
    fn it_takes_layer_one_skips_unmeasured_points_and_says_the_latest() {
        let mut old = at(0, None);
        old.alignment = None;
        let c = AlignmentChart::new(&[old, at(100, Some(12.5)), at(200, None)]);
        assert_eq!(c.patterns, vec![100, 200]);
        assert_eq!(c.series[0], vec![Some(12.5), None]);
        let s = c.summary();
        assert!(
            s.contains("after 200 patterns") && s.contains("not measurable"),
            "{s}"
        );
        assert!(s.contains("feedback alignment vs backprop 60.0°"), "{s}");
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (600, 300)).into_drawing_area();
            c.draw(&area).unwrap();
        }
        assert!(svg.contains("Alignment with backprop") && svg.contains("<polyline"));
        let mut empty = String::new();
        {
            let area = SVGBackend::with_string(&mut empty, (600, 300)).into_drawing_area();
            AlignmentChart::default().draw(&area).unwrap();
        }
        assert!(empty.contains("first validation pending"));
    }
}
