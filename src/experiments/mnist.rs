//! MNIST with SteadNet (Sacramento et al. 2018; SPEC §5): the 784-500-500-10
//! microcircuit of [`Params::mnist`] on the embedded 10 000-digit subset,
//! validation accuracy during training and the final test accuracy.
//!
//! Full scale: the preset's schedule ([`Schedule::mnist`]: 20 epochs of 7000
//! digits with decaying rates, 996 validation digits, 2004 test digits), validated
//! every half epoch. Quick: one epoch of 200.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{self, HLine, Panel, Series};
use super::point::{Point, Scale, Settings, make, mean_sd, text};
use super::record::{CurveOutcome, Outcome, Record};
use super::resume::Resume;
use crate::data::splits_for;
use crate::error::Result;
use crate::model::engine::EngineKind;
use crate::model::params::Params;
use crate::model::presets::{Schedule, Task};
use crate::train::RunConfig;

pub fn settings(_scale: Scale) -> Vec<Settings> {
    vec![make(&[("engine", text("steadnet"))])]
}

pub fn schedule(scale: Scale) -> (Schedule, usize) {
    match scale {
        Scale::Full => (Schedule::mnist(), 3500),
        Scale::Quick | Scale::Short => (
            Schedule {
                epochs: 1,
                train_size: 200,
                val_size: 100,
                test_size: 100,
                eta_decay: None,
            },
            50,
        ),
    }
}

pub fn run(p: &Point, resume: &mut Resume) -> Result<CurveOutcome> {
    let kind: EngineKind = p.text("engine")?.parse()?;
    let params = Params::mnist();
    let (schedule, every) = schedule(p.scale);
    let sets = splits_for(Task::Mnist, &schedule, &params, None)?;
    let cfg = RunConfig {
        task: Task::Mnist,
        engine: kind,
        schedule,
        seed: p.seed,
        val_every: every,
    };
    let mut t = resume.trainer(params, sets, cfg)?;
    while !t.is_done() {
        t.run(every)?;
        resume.tick(&t)?;
    }
    let test = t.test()?;
    let h = t.history();
    Ok(CurveOutcome {
        patterns: h.iter().map(|m| m.patterns).collect(),
        val_accuracy: h.iter().map(|m| m.accuracy.unwrap_or(0.0)).collect(),
        val_mse: h.iter().map(|m| m.mse).collect(),
        test_accuracy: test.accuracy.unwrap_or(0.0),
        test_mse: test.mse,
    })
}

pub fn draw<DB: DrawingBackend>(recs: &[&Record], area: &DrawingArea<DB, Shift>) -> Result<()> {
    let runs: Vec<&CurveOutcome> = recs
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Curve(c) => Some(c),
            _ => None,
        })
        .collect();
    let scale = recs.first().map_or("", |r| r.point.scale.name());
    let title = format!(
        "MNIST 784-500-500-10, SteadNet, embedded subset ({scale}, {} seed(s), mean ± sd)",
        runs.len()
    );
    let body = figure::frame(area, &title)?;
    if runs.is_empty() {
        figure::empty(&body, "validation accuracy", "no points yet")?;
        return figure::present(area);
    }
    let mut panel = Panel::new(
        "validation accuracy during training",
        "training patterns",
        "accuracy (%)",
    );
    let curves: Vec<Vec<(f64, f64)>> = runs
        .iter()
        .map(|c| {
            c.patterns
                .iter()
                .zip(&c.val_accuracy)
                .map(|(&p, &a)| (p as f64, 100.0 * a))
                .collect()
        })
        .collect();
    let tests: Vec<f64> = runs.iter().map(|c| 100.0 * c.test_accuracy).collect();
    let (tm, tsd) = mean_sd(&tests);
    let mut s = Series::new("validation (SteadNet)", 0);
    s.points = figure::mean_curve(&curves);
    panel.series.push(s);
    panel.hlines.push(HLine {
        label: format!("test after training: {tm:.1} ± {tsd:.1} %"),
        y: tm,
        colour: crate::charts::colour(2),
    });
    panel.hlines.push(HLine {
        label: "paper: 98.04 % (full MNIST, test)".into(),
        y: 98.04,
        colour: RGBColor(120, 120, 120),
    });
    panel.draw(&body)?;
    figure::present(area)
}
