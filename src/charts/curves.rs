//! Training curves: validation MSE (log scale) and accuracy against training
//! patterns, with the published test accuracy of the preset where there is one.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FONT, colour, fail, padded_range, placeholder};
use crate::error::Error;
use crate::train::Metrics;
use crate::train::alignment::Alignment;

/// One evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub patterns: u64,
    pub epoch: f64,
    pub mse: f64,
    pub accuracy: Option<f64>,
    /// The angles with backprop at this validation (CSV export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<Alignment>,
}

/// A published accuracy to compare with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Fraction, e.g. 0.967.
    pub accuracy: f64,
    pub label: String,
}

/// The data of the training-curves chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// Validations in order.
    pub points: Vec<CurvePoint>,
    /// The final test, when the run is over.
    pub test: Option<CurvePoint>,
    pub total_patterns: u64,
    pub reference: Option<Reference>,
    /// Other learners' validations drawn over these ("Compare with backprop":
    /// their own `Curves`, from the page's second worker).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<OtherCurve>,
}

/// Another learner's validations on the same data and schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtherCurve {
    /// Its legend label, e.g. "backprop".
    pub label: String,
    /// Its line style ([`OTHER_STYLES`], cycling): dash pattern, colour, marker.
    pub style: usize,
    pub points: Vec<CurvePoint>,
}

/// Line styles of [`OtherCurve`]s: (dash, gap, colour index, marker). A dash pattern
/// and a marker of their own (not colour alone) tell each from the run's solid
/// line with dots and from the published level (dash 6, gap 4).
pub const OTHER_STYLES: [(i32, i32, usize, Marker); 2] =
    [(12, 5, 7, Marker::Square), (3, 4, 5, Marker::Triangle)];

/// The marker of an [`OtherCurve`]'s points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Square,
    Triangle,
}

impl Marker {
    /// Its outline in pixels around the point.
    fn shape(self) -> Vec<(i32, i32)> {
        match self {
            Marker::Square => vec![(-3, -3), (3, -3), (3, 3), (-3, 3)],
            Marker::Triangle => vec![(0, -4), (4, 3), (-4, 3)],
        }
    }
}

/// The alignment columns of the CSV, in [`Alignment::series`] order.
const ALIGNMENT_COLUMNS: [&str; 4] = [
    "micro_vs_backprop_deg",
    "micro_vs_fa_deg",
    "fa_vs_backprop_deg",
    "w_down_vs_w_up_t_deg",
];

/// The published test accuracy of a preset (SPEC §5).
pub fn reference_for(preset: &str) -> Option<Reference> {
    let (accuracy, label) = match preset {
        "yin_yang" => (0.967, "published 96.7 % (PyraLNet, test)"),
        "yin_yang_random_init" => (0.972, "published 97.2 % (random init, test)"),
        "mnist" => (0.9804, "paper 98.04 % (full MNIST, test)"),
        _ => return None,
    };
    Some(Reference {
        accuracy,
        label: label.into(),
    })
}

fn point(m: &Metrics) -> CurvePoint {
    CurvePoint {
        patterns: m.patterns,
        epoch: m.epoch,
        mse: m.mse,
        accuracy: m.accuracy,
        alignment: m.alignment.clone(),
    }
}

impl Curves {
    pub fn new(
        history: &[Metrics],
        test: Option<&Metrics>,
        total_patterns: u64,
        preset: &str,
    ) -> Self {
        Curves {
            points: history.iter().map(point).collect(),
            test: test.map(point),
            total_patterns,
            reference: reference_for(preset),
            others: Vec::new(),
        }
    }

    /// Every validation of this run and of the others.
    fn all_points(&self) -> impl Iterator<Item = &CurvePoint> + Clone {
        self.points
            .iter()
            .chain(&self.test)
            .chain(self.others.iter().flat_map(|o| &o.points))
    }

    /// Whether the task is a classification (accuracy panel shown).
    pub fn classification(&self) -> bool {
        self.points.iter().any(|p| p.accuracy.is_some())
    }

    /// x axis: up to the latest point (at least 10 patterns), 5 % beyond.
    pub fn x_max(&self) -> f64 {
        let last = self.all_points().map(|p| p.patterns).max().unwrap_or(0);
        last.max(10) as f64 * 1.05
    }

    /// y range of the MSE panel (log scale): a decade-aligned range around the data.
    pub fn mse_range(&self) -> (f64, f64) {
        let vals = self
            .all_points()
            .map(|p| p.mse)
            .filter(|m| m.is_finite() && *m > 0.0);
        let (lo, hi) = vals.fold((f64::INFINITY, 0.0f64), |(l, h), m| (l.min(m), h.max(m)));
        if lo > hi {
            return (1e-3, 1.0);
        }
        let lo = 10f64.powf(lo.log10().floor());
        let hi = 10f64.powf(hi.log10().ceil());
        let hi = if hi <= lo { lo * 10.0 } else { hi };
        // A hair wider, so that rounding in plotters' tick search keeps both ends.
        (lo * 0.999, hi * 1.001)
    }

    /// y range of the accuracy panel in %, with the reference level inside.
    pub fn accuracy_range(&self) -> (f64, f64) {
        let vals = self
            .all_points()
            .filter_map(|p| p.accuracy)
            .chain(self.reference.as_ref().map(|r| r.accuracy))
            .map(|a| 100.0 * a);
        let (lo, hi) = padded_range(vals, (0.0, 100.0));
        (lo.max(0.0), hi.min(100.0).max(lo.max(0.0) + 1.0))
    }

    /// The curve as CSV: one row per validation, then the test.
    /// With the alignment measured, one column per angle and hidden layer k
    /// (`micro_vs_backprop_deg_1`, …; empty where not measured).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("set,patterns,epoch,mse,accuracy");
        let layers = self.points.iter().filter_map(|p| p.alignment.as_ref());
        let n_hidden = layers
            .map(|a| a.micro_vs_backprop_deg.len())
            .max()
            .unwrap_or(0);
        let names = ALIGNMENT_COLUMNS;
        for name in names {
            for k in 1..=n_hidden {
                s.push_str(&format!(",{name}_{k}"));
            }
        }
        s.push('\n');
        let rows = self
            .points
            .iter()
            .map(|p| ("val", p))
            .chain(self.test.iter().map(|p| ("test", p)));
        for (set, p) in rows {
            let acc = p.accuracy.map(|a| a.to_string()).unwrap_or_default();
            s.push_str(&format!("{set},{},{},{},{acc}", p.patterns, p.epoch, p.mse));
            for i in 0..names.len() {
                let series = p.alignment.as_ref().map(|a| a.series()[i].1);
                for k in 0..n_hidden {
                    let v = series.and_then(|v| v.get(k).copied().flatten());
                    s.push(',');
                    s.push_str(&v.map(|x| format!("{x:.3}")).unwrap_or_default());
                }
            }
            s.push('\n');
        }
        s
    }

    /// Draws the chart on `area`.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("training curves");
        area.fill(&WHITE).map_err(&f)?;
        if self.points.is_empty() {
            return placeholder(area, "Training curves", "first validation pending");
        }
        if self.classification() {
            let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
            self.draw_mse(&top)?;
            self.draw_accuracy(&bottom)?;
        } else {
            self.draw_mse(area)?;
        }
        area.present().map_err(&f)?;
        Ok(())
    }

    fn draw_mse<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        let f = fail("training curves");
        let (lo, hi) = self.mse_range();
        let mut chart = ChartBuilder::on(area)
            .caption("Validation MSE", (FONT, 15))
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..self.x_max(), (lo..hi).log_scale())
            .map_err(&f)?;
        chart
            .configure_mesh()
            .x_desc("training patterns")
            .y_label_formatter(&|v| decade(*v))
            .x_label_formatter(&|v| short(*v))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(&f)?;
        let style = colour(0).stroke_width(2);
        let xy = self
            .points
            .iter()
            .map(|p| (p.patterns as f64, p.mse.max(lo)));
        let labels = !self.classification() && !self.others.is_empty();
        let anno = chart
            .draw_series(LineSeries::new(xy.clone(), style))
            .map_err(&f)?;
        if labels {
            anno.label("this run")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        chart
            .draw_series(xy.map(|p| Circle::new(p, 3, colour(0).filled())))
            .map_err(&f)?;
        self.draw_others(&mut chart, |p| Some(p.mse.max(lo)), labels)?;
        if let Some(t) = &self.test {
            chart
                .draw_series(std::iter::once(Cross::new(
                    (t.patterns as f64, t.mse.max(lo)),
                    6,
                    colour(3).stroke_width(2),
                )))
                .map_err(&f)?;
        }
        if labels {
            super::legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(&f)?;
        }
        Ok(())
    }

    /// The other learners' validations ([`OTHER_STYLES`]), with legend entries
    /// when `labels`.
    fn draw_others<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
        &self,
        chart: &mut ChartContext<'a, DB, CT>,
        value: impl Fn(&CurvePoint) -> Option<f64>,
        labels: bool,
    ) -> Result<(), Error> {
        let f = fail("training curves");
        for o in &self.others {
            let (dash, gap, c, marker) = OTHER_STYLES[o.style % OTHER_STYLES.len()];
            let style = colour(c).stroke_width(2);
            let xy: Vec<(f64, f64)> = o
                .points
                .iter()
                .filter_map(|p| value(p).map(|v| (p.patterns as f64, v)))
                .collect();
            let anno = chart
                .draw_series(DashedLineSeries::new(xy.clone(), dash, gap, style))
                .map_err(&f)?;
            if labels {
                let glyph: Vec<(i32, i32)> =
                    marker.shape().iter().map(|&(a, b)| (a + 10, b)).collect();
                anno.label(o.label.clone()).legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + DashedPathElement::new(vec![(0, 0), (20, 0)], dash, gap, style)
                        + Polygon::new(glyph.clone(), colour(c).filled())
                });
            }
            chart
                .draw_series(xy.into_iter().map(|p| {
                    EmptyElement::at(p) + Polygon::new(marker.shape(), colour(c).filled())
                }))
                .map_err(&f)?;
        }
        Ok(())
    }

    fn draw_accuracy<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), Error> {
        let f = fail("training curves");
        let (lo, hi) = self.accuracy_range();
        let x_max = self.x_max();
        let mut chart = ChartBuilder::on(area)
            .caption("Validation accuracy (%)", (FONT, 15))
            .margin(6)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..x_max, lo..hi)
            .map_err(&f)?;
        chart
            .configure_mesh()
            .x_desc("training patterns")
            .x_label_formatter(&|v| short(*v))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(&f)?;
        let xy: Vec<(f64, f64)> = self
            .points
            .iter()
            .filter_map(|p| p.accuracy.map(|a| (p.patterns as f64, 100.0 * a)))
            .collect();
        chart
            .draw_series(LineSeries::new(xy.clone(), colour(0).stroke_width(2)))
            .map_err(&f)?
            .label(if self.others.is_empty() {
                "validation"
            } else {
                "this run"
            })
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], colour(0).stroke_width(2))
            });
        chart
            .draw_series(
                xy.into_iter()
                    .map(|p| Circle::new(p, 3, colour(0).filled())),
            )
            .map_err(&f)?;
        if let Some(r) = &self.reference {
            let y = 100.0 * r.accuracy;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(0.0, y), (x_max, y)],
                    6,
                    4,
                    colour(3).stroke_width(2),
                ))
                .map_err(&f)?
                .label(r.label.clone())
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour(3).stroke_width(2))
                });
        }
        self.draw_others(&mut chart, |p| p.accuracy.map(|a| 100.0 * a), true)?;
        if let Some((t, a)) = self.test.as_ref().and_then(|t| t.accuracy.map(|a| (t, a))) {
            chart
                .draw_series(std::iter::once(Cross::new(
                    (t.patterns as f64, 100.0 * a),
                    6,
                    colour(2).stroke_width(3),
                )))
                .map_err(&f)?
                .label(format!("test {:.1} %", 100.0 * a))
                .legend(|(x, y)| Cross::new((x + 8, y), 5, colour(2).stroke_width(3)));
        }
        let pos = self.accuracy_legend(area, &chart, (x_max, lo, hi));
        super::legend(&mut chart, pos).map_err(&f)?;
        Ok(())
    }

    /// The accuracy panel's legend corner: the one over the fewest drawn points
    /// (the other learners' curves can lie low across the whole panel).
    fn accuracy_legend<DB: DrawingBackend, CT: CoordTranslate>(
        &self,
        area: &DrawingArea<DB, Shift>,
        chart: &ChartContext<'_, DB, CT>,
        (x_max, lo, hi): (f64, f64, f64),
    ) -> SeriesLabelPosition {
        let frac = |(x, y): (f64, f64)| (x / x_max.max(1e-9), (y - lo) / (hi - lo).max(1e-9));
        let line = |pts: &[CurvePoint]| -> Vec<(f64, f64)> {
            let xy: Vec<(f64, f64)> = pts
                .iter()
                .filter_map(|p| p.accuracy.map(|a| (p.patterns as f64, 100.0 * a)))
                .collect();
            super::along(&xy, 16)
        };
        let mut drawn = line(&self.points);
        let mut labels = vec![
            if self.others.is_empty() {
                "validation"
            } else {
                "this run"
            }
            .to_string(),
        ];
        for o in &self.others {
            drawn.extend(line(&o.points));
            labels.push(o.label.clone());
        }
        if let Some(r) = &self.reference {
            let y = 100.0 * r.accuracy;
            drawn.extend(super::along(&[(0.0, y), (x_max, y)], 32));
            labels.push(r.label.clone());
        }
        if let Some((t, a)) = self.test.as_ref().and_then(|t| t.accuracy.map(|a| (t, a))) {
            drawn.push((t.patterns as f64, 100.0 * a));
            labels.push(format!("test {:.1} %", 100.0 * a));
        }
        let drawn: Vec<(f64, f64)> = drawn.into_iter().map(frac).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let (w, h) = super::legend_box(area, &labels, chart.plotting_area().dim_in_pixel());
        super::free_corner(&drawn, w, h).0
    }
}

/// Label of a log-axis tick: the powers of ten (`0.01`, `1`, `1e-5`), blank between.
pub fn decade(v: f64) -> String {
    let e = v.log10();
    if (e - e.round()).abs() > 1e-6 {
        return String::new();
    }
    let e = e.round() as i32;
    if (-3..=3).contains(&e) {
        trim_all(10f64.powi(e))
    } else {
        format!("1e{e}")
    }
}

fn trim_all(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `12000` → `12k`, `1500000` → `1.5M`.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e3 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short(0.0), "0");
        assert_eq!(short(950.0), "950");
        assert_eq!(short(12_000.0), "12k");
        assert_eq!(short(1_500_000.0), "1.5M");
        assert_eq!(decade(0.01), "0.01");
        assert_eq!(decade(1.0), "1");
        assert_eq!(decade(1e-5), "1e-5");
        assert_eq!(decade(0.02), "");
    }
}
