//! Drawing helpers shared by the experiment figures: panels of lines with error
//! bars (mean ± sd over seeds), on any plotters backend (SVG in the CLI and the
//! tests, the canvas in the page).
//!
//! Log axes are drawn as linear axes of log10 of the value, labelled at the
//! decades, so that one code path serves both.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::charts::{FONT, colour, fail};
use crate::error::{Error, Result};

/// How a series marks its points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    None,
}

/// One line of a panel: `(x, mean, sd)` per point (sd 0 draws no bar).
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub colour: RGBColor,
    pub dashed: bool,
    pub marker: Marker,
    pub points: Vec<(f64, f64, f64)>,
}

impl Series {
    pub fn new(label: impl Into<String>, colour_index: usize) -> Self {
        Series {
            label: label.into(),
            colour: colour(colour_index),
            dashed: false,
            marker: Marker::Circle,
            points: Vec::new(),
        }
    }
}

/// A horizontal reference line (a published number).
#[derive(Debug, Clone)]
pub struct HLine {
    pub label: String,
    pub y: f64,
    pub colour: RGBColor,
}

/// Axis scaling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    Linear,
    Log,
}

/// One panel's layout.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub x_scale: Scale,
    pub y_scale: Scale,
    /// Forced y range (in data units); `None`: from the data.
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
    pub hlines: Vec<HLine>,
    /// Legend corner; `None` (the default) takes the corner that covers the fewest
    /// drawn points ([`crate::charts::free_corner`]), so the legend stays off the data.
    pub legend: Option<SeriesLabelPosition>,
}

impl Panel {
    pub fn new(title: impl Into<String>, x_desc: &str, y_desc: &str) -> Self {
        Panel {
            title: title.into(),
            x_desc: x_desc.into(),
            y_desc: y_desc.into(),
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            y_range: None,
            series: Vec::new(),
            hlines: Vec::new(),
            legend: None,
        }
    }

    fn tx(&self, x: f64) -> f64 {
        transform(self.x_scale, x)
    }

    fn ty(&self, y: f64) -> f64 {
        transform(self.y_scale, y)
    }

    /// A series' finite points after the axis transforms.
    fn plotted(&self, s: &Series) -> Vec<(f64, f64)> {
        s.points
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|p| (self.tx(p.0), self.ty(p.1)))
            .collect()
    }

    /// Data ranges after the axis transforms, padded.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| self.tx(p.0)));
        let (x0, x1) = crate::charts::padded_range(xs, (0.0, 1.0));
        let y = match self.y_range {
            Some((a, b)) => (self.ty(a), self.ty(b)),
            None => {
                let ys = self
                    .series
                    .iter()
                    .flat_map(|s| {
                        s.points
                            .iter()
                            .flat_map(|p| [self.ty(p.1 - p.2), self.ty(p.1 + p.2)])
                    })
                    .chain(self.hlines.iter().map(|h| self.ty(h.y)));
                crate::charts::padded_range(ys, (0.0, 1.0))
            }
        };
        ((x0, x1), y)
    }

    /// Draws the panel on `area`.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let f = fail("experiment");
        let ((x0, x1), (y0_data, y1)) = self.ranges();
        let (pos, y0) = self.legend_on(area);
        let y0 = y0.unwrap_or(y0_data);
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, (FONT, 15))
            .margin(8)
            .x_label_area_size(38)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(&f)?;
        let (xs, ys) = (self.x_scale, self.y_scale);
        let (x_span, y_span) = (x1 - x0, y1 - y0);
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .x_label_formatter(&|v| label(xs, *v, x_span))
            .y_label_formatter(&|v| label(ys, *v, y_span))
            .light_line_style(RGBColor(235, 235, 235))
            .label_style((FONT, 12))
            .draw()
            .map_err(&f)?;
        for h in &self.hlines {
            let y = self.ty(h.y);
            let c = h.colour;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x0, y), (x1, y)],
                    6,
                    4,
                    c.stroke_width(1),
                ))
                .map_err(&f)?
                .label(h.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c));
        }
        for s in &self.series {
            let c = s.colour;
            let pts = self.plotted(s);
            let style = c.stroke_width(2);
            let anno = if s.dashed {
                chart
                    .draw_series(DashedLineSeries::new(pts.clone(), 7, 4, style))
                    .map_err(&f)?
            } else {
                chart
                    .draw_series(LineSeries::new(pts.clone(), style))
                    .map_err(&f)?
            };
            let (marker, dashed) = (s.marker, s.dashed);
            if !s.label.is_empty() {
                anno.label(s.label.clone()).legend(move |(x, y)| {
                    let fill = marker_fill(marker, c);
                    let style = c.stroke_width(2);
                    let gap = if dashed { 6 } else { 0 };
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (6, 0)], style)
                        + PathElement::new(vec![(6 + gap, 0), (18, 0)], style)
                        + Circle::new((9, 0), 3, fill(Marker::Circle))
                        + Rectangle::new([(5, -4), (13, 4)], fill(Marker::Square))
                        + TriangleMarker::new((9, 0), 5, fill(Marker::Triangle))
                });
            }
            // Error bars: mean ± sd, with short caps.
            for p in s.points.iter().filter(|p| p.1.is_finite() && p.2 > 0.0) {
                let x = self.tx(p.0);
                let (lo, hi) = (self.ty(p.1 - p.2), self.ty(p.1 + p.2));
                let lo = if lo.is_finite() { lo } else { y0 };
                let cap = (x1 - x0) * 0.006;
                for seg in [
                    vec![(x, lo), (x, hi)],
                    vec![(x - cap, lo), (x + cap, lo)],
                    vec![(x - cap, hi), (x + cap, hi)],
                ] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(seg, c.stroke_width(1))))
                        .map_err(&f)?;
                }
            }
            match s.marker {
                Marker::Circle => chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                    .map(|_| ()),
                Marker::Square => chart
                    .draw_series(pts.iter().map(|&p| {
                        EmptyElement::at(p) + Rectangle::new([(-4, -4), (4, 4)], c.filled())
                    }))
                    .map(|_| ()),
                Marker::Triangle => chart
                    .draw_series(pts.iter().map(|&p| TriangleMarker::new(p, 5, c.filled())))
                    .map(|_| ()),
                Marker::None => Ok(()),
            }
            .map_err(&f)?;
        }
        crate::charts::legend(&mut chart, pos).map_err(&f)?;
        Ok(())
    }

    /// Where the legend goes on `area` and the y axis's lower end (transformed
    /// units; `None`: from the data), as [`Panel::draw`] will draw them. Figures
    /// whose panels share a y range take the lowest of their panels' ends.
    pub fn legend_on<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> (SeriesLabelPosition, Option<f64>) {
        let ranges = self.ranges();
        match &self.legend {
            Some(p) => (p.clone(), None),
            None => {
                let (pos, y0) = self.legend_plan(self.legend_box(area), ranges);
                (pos, (y0 != ranges.1.0).then_some(y0))
            }
        }
    }

    /// Where the legend goes and the y axis's lower end: the freest corner, or,
    /// when every corner has data, the lower right under an axis lowered so that a
    /// band as high as the legend is free under the data.
    fn legend_plan(
        &self,
        (bw, bh): (f64, f64),
        ranges: ((f64, f64), (f64, f64)),
    ) -> (SeriesLabelPosition, f64) {
        let (y0, y1) = ranges.1;
        match crate::charts::free_corner(&self.drawn(ranges), bw, bh) {
            (pos, 0) => (pos, y0),
            _ if bh < 0.5 => (
                SeriesLabelPosition::LowerRight,
                y0 - (y1 - y0) * bh / (1.0 - bh),
            ),
            (pos, _) => (pos, y0),
        }
    }

    /// The legend's size in fractions of the plotting area (estimated before the
    /// chart is built: the area less the label areas, margins and caption).
    fn legend_box<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> (f64, f64) {
        let (w, h) = area.dim_in_pixel();
        let caption: TextStyle = (FONT, 15).into_font().into();
        let title_h = area
            .estimate_text_size(&self.title, &caption)
            .map_or(15, |s| s.1);
        let plot = (
            w.saturating_sub(56 + 16),
            h.saturating_sub(38 + 16 + title_h + 10),
        );
        let labels: Vec<&str> = self
            .hlines
            .iter()
            .map(|h| h.label.as_str())
            .chain(self.series.iter().map(|s| s.label.as_str()))
            .collect();
        crate::charts::legend_box(area, &labels, plot)
    }

    /// Every drawn point in plot fractions (0..1 on both axes): markers, error bar
    /// ends, and samples along the lines and the horizontal lines.
    fn drawn(&self, ((x0, x1), (y0, y1)): ((f64, f64), (f64, f64))) -> Vec<(f64, f64)> {
        let frac = |x: f64, y: f64| ((x - x0) / (x1 - x0), (y - y0) / (y1 - y0));
        let mut out = Vec::new();
        for h in &self.hlines {
            let y = self.ty(h.y);
            out.extend((0..=40).map(|i| frac(x0 + (x1 - x0) * i as f64 / 40.0, y)));
        }
        for s in &self.series {
            let pts = self.plotted(s);
            for p in s.points.iter().filter(|p| p.1.is_finite() && p.2 > 0.0) {
                out.push(frac(self.tx(p.0), self.ty(p.1 - p.2)));
                out.push(frac(self.tx(p.0), self.ty(p.1 + p.2)));
            }
            out.extend(
                crate::charts::along(&pts, 16)
                    .into_iter()
                    .map(|(x, y)| frac(x, y)),
            );
        }
        out
    }
}

/// Fill of each marker kind in a legend sample: the series' own marker, the others
/// fully transparent (the legend closure must return one concrete element type,
/// so every sample holds all three markers).
fn marker_fill(marker: Marker, c: RGBColor) -> impl Fn(Marker) -> ShapeStyle {
    move |m: Marker| {
        if m == marker {
            c.filled()
        } else {
            c.mix(0.0).filled()
        }
    }
}

fn transform(s: Scale, v: f64) -> f64 {
    match s {
        Scale::Linear => v,
        Scale::Log if v > 0.0 => v.log10(),
        Scale::Log => f64::NEG_INFINITY,
    }
}

/// Tick label: plain numbers, or the decades of a log axis (blank between; every
/// tick with two significant digits when the axis spans less than two decades).
fn label(s: Scale, v: f64, span: f64) -> String {
    if s == Scale::Log && span < 2.0 {
        let x = 10f64.powf(v);
        return if (0.01..1e4).contains(&x) {
            let digits = (1 - x.log10().floor() as i32).max(0) as usize;
            format!("{x:.digits$}")
        } else {
            format!("{x:.1e}")
        };
    }
    match s {
        Scale::Linear => {
            if v.abs() < 1e-9 {
                return "0".into();
            }
            let t = format!("{v:.3}");
            let t = t.trim_end_matches('0').trim_end_matches('.');
            crate::charts::curves::short(t.parse().unwrap_or(v))
        }
        Scale::Log => {
            if (v - v.round()).abs() > 1e-6 {
                return String::new();
            }
            let e = v.round() as i32;
            if (-2..=4).contains(&e) {
                let x = 10f64.powi(e);
                if e < 0 {
                    format!("{x}")
                } else {
                    format!("{}", x as u64)
                }
            } else {
                format!("1e{e}")
            }
        }
    }
}

/// A note in the middle of an empty panel.
pub fn empty<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let f = fail("experiment");
    area.draw(&Text::new(
        title.to_string(),
        (10, 8),
        (FONT, 15).into_font().color(&BLACK),
    ))
    .map_err(&f)?;
    area.draw(&Text::new(
        note.to_string(),
        (w as i32 / 2 - 3 * note.len() as i32, h as i32 / 2),
        (FONT, 13).into_font().color(&RGBColor(90, 90, 90)),
    ))
    .map_err(&f)?;
    Ok(())
}

/// White background and a title line above the panels; returns the area below it.
pub fn frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>> {
    let f = fail("experiment");
    area.fill(&WHITE).map_err(&f)?;
    let (top, rest) = area.split_vertically(28);
    top.draw(&Text::new(
        title.to_string(),
        (10, 6),
        (FONT, 16).into_font().color(&BLACK),
    ))
    .map_err(&f)?;
    Ok(rest)
}

/// Finishes a figure.
pub fn present<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<()> {
    area.present()
        .map_err(|e| Error::data("experiment chart", e.to_string()))
}

/// Mean and sd per x of `(x, value)` pairs, sorted by x.
pub fn by_x(pairs: impl IntoIterator<Item = (f64, f64)>) -> Vec<(f64, f64, f64)> {
    let mut groups: Vec<(f64, Vec<f64>)> = Vec::new();
    for (x, v) in pairs {
        match groups.iter_mut().find(|(gx, _)| *gx == x) {
            Some((_, vs)) => vs.push(v),
            None => groups.push((x, vec![v])),
        }
    }
    super::point::sort_by(&mut groups, |a, b| a.0.total_cmp(&b.0));
    groups
        .into_iter()
        .map(|(x, vs)| {
            let (m, sd) = super::point::mean_sd(&vs);
            (x, m, sd)
        })
        .collect()
}

/// Mean and sd over runs of equally sampled curves `[(x, y)]` (the x of the
/// shortest run; runs are cut to it). Error bars are kept at about 12 evenly
/// spaced points so that long curves stay readable.
pub fn mean_curve(curves: &[Vec<(f64, f64)>]) -> Vec<(f64, f64, f64)> {
    let n = curves.iter().map(Vec::len).min().unwrap_or(0);
    let step = (n / 12).max(1);
    (0..n)
        .map(|i| {
            let ys: Vec<f64> = curves.iter().map(|c| c[i].1).collect();
            let (m, sd) = super::point::mean_sd(&ys);
            (curves[0][i].0, m, if i % step == 0 { sd } else { 0.0 })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name((p, n): (SeriesLabelPosition, usize)) -> String {
        format!("{p:?} {n}")
    }

    #[test]
    fn the_legend_goes_where_the_data_is_not() {
        // Nothing drawn: the default corner.
        assert_eq!(
            name(crate::charts::free_corner(&[], 0.3, 0.2)),
            "LowerRight 0"
        );
        // A curve rising to the upper right, and a failure point low on the left
        // (the learning-lag figure): lower right is free.
        let curve: Vec<(f64, f64)> = (0..=20)
            .map(|i| (i as f64 / 20.0, 0.7 + 0.3 * i as f64 / 20.0))
            .collect();
        let with_fail = [curve.clone(), vec![(0.0, 0.05)]].concat();
        assert_eq!(
            name(crate::charts::free_corner(&with_fail, 0.3, 0.2)),
            "LowerRight 0"
        );
        // Points in the lower right and along the top: lower left is next free.
        let lower_right = [(0.9, 0.1), (0.8, 0.05), (0.95, 0.15)];
        let top: Vec<(f64, f64)> = (0..=20).map(|i| (i as f64 / 20.0, 0.95)).collect();
        let pts = [lower_right.to_vec(), top].concat();
        assert_eq!(
            name(crate::charts::free_corner(&pts, 0.3, 0.2)),
            "LowerLeft 0"
        );
        // Data in every corner: the one with the fewest points.
        let mut crowded = Vec::new();
        for (x, y, n) in [
            (0.1, 0.1, 3),
            (0.9, 0.1, 4),
            (0.1, 0.9, 1),
            (0.9, 0.9, 2),
            (0.9, 0.5, 5),
            (0.1, 0.5, 5),
        ] {
            crowded.extend(std::iter::repeat_n((x, y), n));
        }
        assert_eq!(
            name(crate::charts::free_corner(&crowded, 0.3, 0.2)),
            "UpperLeft 1"
        );
    }

    #[test]
    fn drawn_points_are_plot_fractions() {
        let mut p = Panel::new("t", "x", "y");
        let mut s = Series::new("a", 0);
        s.points = vec![(0.0, 0.0, 0.0), (10.0, 100.0, 5.0)];
        p.series.push(s);
        let d = p.drawn(((0.0, 10.0), (0.0, 100.0)));
        assert!(d.contains(&(1.0, 1.0)) && d.contains(&(0.0, 0.0)));
        assert!(
            d.contains(&(1.0, 0.95)) && d.contains(&(1.0, 1.05)),
            "error bar ends"
        );
        assert_eq!(
            d.len(),
            2 + 2 + 16,
            "error bar, markers, one segment of 16 samples"
        );
    }

    #[test]
    fn a_crowded_panel_makes_room_under_its_data() {
        let mut p = Panel::new("t", "x", "y");
        let mut s = Series::new("a", 0);
        // Low at both ends, high in the middle, and a level line at the top.
        s.points = vec![(0.0, 40.0, 0.0), (5.0, 95.0, 0.0), (10.0, 40.0, 0.0)];
        p.series.push(s);
        p.hlines.push(HLine {
            label: "ref".into(),
            y: 99.0,
            colour: RGBColor(0, 0, 0),
        });
        let ranges = ((0.0, 10.0), (40.0, 100.0));
        let (bw, bh) = (0.3, 0.25);
        assert_ne!(
            crate::charts::free_corner(&p.drawn(ranges), bw, bh).1,
            0,
            "every corner has data"
        );
        let (pos, y0) = p.legend_plan((bw, bh), ranges);
        assert_eq!(format!("{pos:?}"), "LowerRight");
        assert!(y0 < 40.0);
        let lowered = ((0.0, 10.0), (y0, 100.0));
        assert_eq!(
            crate::charts::free_corner(&p.drawn(lowered), bw, bh * 0.99),
            (SeriesLabelPosition::LowerRight, 0)
        );
        // A free corner leaves the axis alone.
        p.series[0].points = vec![(0.0, 90.0, 0.0), (10.0, 95.0, 0.0)];
        p.hlines.clear();
        assert_eq!(p.legend_plan((bw, bh), ranges).1, 40.0);
    }
}
