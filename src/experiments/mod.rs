//! Named experiments that reproduce the figures of the seed slides (SPEC §5): each
//! defines its points, runs one point, and draws its figure from result records.
//!
//! A **point** is one run: an experiment, a scale (`quick` for tests and the
//! browser, `full` for the report), the settings it varies and a seed. Its **key**
//! is a canonical string of those, so a sweep can be interrupted, resumed, sharded
//! and merged: a result file holds one JSON line per finished point ([`Record`]),
//! and a point whose key is in the file is done.
//!
//! Every point is deterministic (all randomness from the seeded generator), so a
//! point run on a cluster node gives the same line as one run locally, apart from
//! the wall time `seconds`; [`merge`] relies on this to tell a harmless duplicate
//! from a conflict.
//!
//! No file or clock access here: the CLI (`microcircuit sweep/plot/merge`) and the
//! browser (Web Worker pool) do the I/O and time the points.

pub mod alignment;
pub mod figure;
pub mod mimic;
pub mod mnist;
pub mod point;
pub mod record;
pub mod resume;
pub mod steady;
pub mod yinyang;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

pub use point::{Experiment, Point, Scale, Settings, mean_sd, rel_rms};
pub use record::{
    CODE, FORMAT, Merged, Outcome, Parsed, Record, VERSION, keys, merge, parse_line, parse_results,
};
pub use resume::Resume;

/// Largest number of seeds a sweep may ask for.
pub const MAX_SEEDS: usize = 1000;

/// The points of `exp` at `scale` with seeds 1..=seeds, in a fixed order.
pub fn points(exp: Experiment, scale: Scale, seeds: usize) -> Result<Vec<Point>> {
    if seeds == 0 || seeds > MAX_SEEDS {
        return Err(Error::param("seeds", seeds, format!("1..={MAX_SEEDS}")));
    }
    if scale == Scale::Short && !exp.has_short() {
        return Err(Error::param(
            "scale",
            "short",
            format!(
                "quick or full for {} (short: the Yin-Yang sweeps)",
                exp.name()
            ),
        ));
    }
    let groups: Vec<Settings> = match exp {
        Experiment::Mimic => mimic::settings(scale),
        Experiment::SteadyState => steady::settings(scale),
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            yinyang::settings(exp, scale)
        }
        Experiment::Mnist => mnist::settings(scale),
        Experiment::Alignment => alignment::settings(scale),
    };
    let mut out = Vec::with_capacity(groups.len() * seeds);
    for g in groups {
        for seed in 1..=seeds as u64 {
            out.push(Point {
                experiment: exp.name().into(),
                scale,
                settings: g.clone(),
                seed,
            });
        }
    }
    Ok(out)
}

/// Shard `i` of `n` (0-based): every n-th point starting at i, so shards are
/// disjoint, cover all points, and each gets a mix of cheap and costly points.
pub fn shard(points: Vec<Point>, i: usize, n: usize) -> Result<Vec<Point>> {
    if n == 0 || i >= n {
        return Err(Error::param(
            "shard",
            format!("{i}/{n}"),
            "I/N with N >= 1 and 0 <= I < N",
        ));
    }
    Ok(points
        .into_iter()
        .enumerate()
        .filter(|(j, _)| j % n == i)
        .map(|(_, p)| p)
        .collect())
}

/// Parses `I/N` (a shard of a sweep).
pub fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let bad = || {
        Error::param(
            "--shard",
            format!("{s:?}"),
            "I/N with N >= 1 and 0 <= I < N",
        )
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n || n > 100_000 {
        return Err(bad());
    }
    Ok((i, n))
}

/// Runs one point.
pub fn run_point(p: &Point) -> Result<Outcome> {
    run_point_with(p, &mut Resume::default())
}

/// Runs one point, saving as it goes through `resume` (the long ones: Yin-Yang
/// and MNIST; the others take seconds).
pub fn run_point_with(p: &Point, resume: &mut Resume) -> Result<Outcome> {
    match p.experiment()? {
        Experiment::Mimic => mimic::run(p).map(Outcome::Mimic),
        Experiment::SteadyState => steady::run(p).map(Outcome::Deviation),
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            yinyang::run(p, resume).map(Outcome::Accuracy)
        }
        Experiment::Mnist => mnist::run(p, resume).map(Outcome::Curve),
        Experiment::Alignment => alignment::run(p).map(Outcome::Alignment),
    }
}

/// What a scale runs for `exp`, in a sentence for the page and the CLI's help.
pub fn scale_note(exp: Experiment, scale: Scale) -> String {
    use crate::model::engine::EngineKind::{PyraLNet, SteadNet};
    let of = |s: crate::model::presets::Schedule| {
        format!(
            "{} epoch{} of {}",
            s.epochs,
            if s.epochs == 1 { "" } else { "s" },
            s.train_size
        )
    };
    let yy = exp.has_short();
    match scale {
        Scale::Quick => format!(
            "Quick: seconds a point{}. It checks that everything runs; the runs are too short \
             to learn, so the figure says nothing about the published numbers.",
            if yy {
                format!(", {} patterns", of(yinyang::schedule(scale, PyraLNet)))
            } else {
                String::new()
            }
        ),
        Scale::Short => format!(
            "Short: SteadNet runs the study's schedule ({}), PyraLNet {} (1/{} of the \
             study's patterns, seconds to a minute a point). PyraLNet's accuracies stay under \
             the published 96.7 %, which is for 45 epochs, but the effect of the swept \
             setting shows.",
            of(yinyang::schedule(scale, SteadNet)),
            of(yinyang::schedule(scale, PyraLNet)),
            {
                let (f, s) = (
                    yinyang::schedule(Scale::Full, PyraLNet),
                    yinyang::schedule(scale, PyraLNet),
                );
                (f.epochs * f.train_size) / (s.epochs * s.train_size).max(1)
            }
        ),
        Scale::Full if yy => format!(
            "Full: the study's schedule ({}) for both engines: hours for the whole sweep.",
            of(yinyang::schedule(scale, PyraLNet))
        ),
        Scale::Full => "Full: the seed's schedules.".into(),
    }
}

/// The records of `exp` to draw: those of the largest scale that has any (full,
/// then short, then quick; a figure never mixes scales).
pub fn select(exp: Experiment, records: &[Record]) -> Vec<&Record> {
    let of = |s: Scale| -> Vec<&Record> {
        records
            .iter()
            .filter(|r| r.point.experiment == exp.name() && r.point.scale == s)
            .collect()
    };
    [Scale::Full, Scale::Short, Scale::Quick]
        .into_iter()
        .map(of)
        .find(|r| !r.is_empty())
        .unwrap_or_default()
}

/// One row of an experiment's summary table: a group of points differing only in
/// the seed, with the mean and sd of its headline number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub group: String,
    pub settings: Settings,
    pub seeds: Vec<u64>,
    /// What `mean` and `sd` are of.
    pub measure: &'static str,
    pub mean: f64,
    pub sd: f64,
    /// Runs that diverged (left out of mean and sd).
    pub diverged: usize,
    /// Wall time of all the group's points, s.
    pub seconds: f64,
}

/// The summary table of `exp` from `records` (see [`select`]).
pub fn summary(exp: Experiment, records: &[Record]) -> Vec<SummaryRow> {
    let mut groups: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in select(exp, records) {
        groups.entry(r.point.group()).or_default().push(r);
    }
    let mut rows: Vec<SummaryRow> = groups
        .into_iter()
        .map(|(group, rs)| {
            let (measure, vals, diverged) = headline(&rs);
            let (mean, sd) = mean_sd(&vals);
            SummaryRow {
                group,
                settings: rs[0].point.settings.clone(),
                seeds: rs.iter().map(|r| r.point.seed).collect(),
                measure,
                mean,
                sd,
                diverged,
                seconds: rs.iter().map(|r| r.seconds).sum(),
            }
        })
        .collect();
    // Numbers in numeric order (learning_lag 2.5 before 10), the rest as text.
    point::sort_by(&mut rows, |a, b| {
        let order = |v: &Value, w: &Value| match (v.as_f64(), w.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => v.to_string().cmp(&w.to_string()),
        };
        a.settings
            .iter()
            .zip(&b.settings)
            .map(|((ka, va), (kb, vb))| ka.cmp(kb).then_with(|| order(va, vb)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}

fn headline(rs: &[&Record]) -> (&'static str, Vec<f64>, usize) {
    let mut vals = Vec::new();
    let mut diverged = 0;
    let mut measure = "";
    for r in rs {
        match &r.outcome {
            Outcome::Mimic(m) => {
                measure = "test MSE after training";
                vals.push(m.test_mse);
            }
            Outcome::Deviation(d) => {
                measure = "mean relative RMS deviation";
                vals.push(d.mean);
            }
            Outcome::Accuracy(a) => {
                measure = "test accuracy";
                match a.test_accuracy {
                    Some(x) => vals.push(x),
                    None => diverged += 1,
                }
            }
            Outcome::Curve(c) => {
                measure = "test accuracy";
                vals.push(c.test_accuracy);
            }
            Outcome::Alignment(a) => {
                let (m, x) = a.headline();
                measure = m;
                vals.push(x);
            }
        }
    }
    (measure, vals, diverged)
}

/// Draws the figure of `exp` from `records` (see [`select`]) on any backend.
pub fn draw<DB: plotters::prelude::DrawingBackend>(
    exp: Experiment,
    records: &[Record],
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    let mut recs = select(exp, records);
    // The Yin-Yang sweeps share one configuration: add the runs of the others
    // that are exactly this sweep's points (see `yinyang::same_run_in`).
    let extra: Vec<Record> = match exp {
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            let have = recs.iter().map(|r| r.key.clone()).collect::<BTreeSet<_>>();
            let scale = recs.first().map(|r| r.point.scale);
            let mut extra: Vec<Record> = records
                .iter()
                .filter_map(|r| yinyang::same_run_in(exp, r))
                .filter(|r| !have.contains(&r.key) && scale.is_none_or(|s| s == r.point.scale))
                .collect();
            point::sort_by(&mut extra, |a, b| a.key.cmp(&b.key));
            extra.dedup_by(|a, b| a.key == b.key);
            extra
        }
        _ => Vec::new(),
    };
    recs.extend(extra.iter());
    match exp {
        Experiment::Mimic => mimic::draw(&recs, area),
        Experiment::SteadyState => steady::draw(&recs, area),
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            yinyang::draw(exp, &recs, area)
        }
        Experiment::Mnist => mnist::draw(&recs, area),
        Experiment::Alignment => alignment::draw(&recs, area),
    }
}

/// The figure of `exp` as an SVG document.
pub fn svg(exp: Experiment, records: &[Record]) -> Result<String> {
    use plotters::prelude::*;
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, exp.figure_size()).into_drawing_area();
        draw(exp, records, &area)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
