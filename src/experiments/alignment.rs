//! How close the microcircuit comes to backprop (issue 13): test accuracy and the
//! angles of [`crate::train::alignment`] over training, for the microcircuit with
//! fixed and with transposed feedback, feedback alignment and backprop on the same
//! network, data and schedule.
//!
//! Groups: Yin-Yang (SteadNet and PyraLNet, fixed and transposed feedback;
//! backprop; feedback alignment), the mimic task (SteadNet and PyraLNet, fixed and
//! transposed) and MNIST (SteadNet, backprop, feedback alignment). Full scale: the
//! presets' schedules, validated (and the angles measured) ten times per epoch
//! (MNIST twice); quick: one short epoch. Select parts with
//! `sweep alignment --match task=yin_yang --engine steadnet`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{self, HLine, Panel, Series};
use super::point::{Point, Scale, Settings, make, mean_sd, text};
use super::record::{AlignmentOutcome, Record};
use crate::data::splits_for;
use crate::error::Result;
use crate::model::engine::EngineKind;
use crate::model::params::Feedback;
use crate::model::presets::{Preset, Schedule, Task};
use crate::train::{RunConfig, Trainer};

pub fn settings(_scale: Scale) -> Vec<Settings> {
    let g = |task: &str, engine: &str, feedback: &str| {
        make(&[
            ("task", text(task)),
            ("engine", text(engine)),
            ("feedback", text(feedback)),
        ])
    };
    let mut out = Vec::new();
    for task in ["yin_yang", "mimic"] {
        for engine in ["steadnet", "pyralnet"] {
            for fb in ["fixed", "transpose"] {
                out.push(g(task, engine, fb));
            }
        }
    }
    for task in ["yin_yang", "mnist"] {
        if task == "mnist" {
            out.push(g(task, "steadnet", "fixed"));
        }
        out.push(g(task, "backprop", "fixed"));
        out.push(g(task, "feedback-alignment", "fixed"));
    }
    out
}

/// The schedule and validation interval of a task at a scale.
fn schedule(task: Task, preset: &Preset, scale: Scale) -> (Schedule, usize) {
    match (scale, task) {
        (Scale::Full, Task::Mnist) => {
            // The lines in results/alignment were run with the preset's earlier
            // schedule, 10 epochs at constant rates; a point's key does not record it.
            let (s, every) = super::mnist::schedule(scale);
            let s = Schedule {
                epochs: 10,
                eta_decay: None,
                ..s
            };
            (s, every)
        }
        (Scale::Full, _) => {
            let s = preset.schedule.clone();
            let every = (s.train_size / 10).max(1);
            (s, every)
        }
        (Scale::Quick | Scale::Short, Task::Mnist) => super::mnist::schedule(scale),
        (Scale::Quick | Scale::Short, _) => (
            Schedule {
                epochs: 1,
                train_size: 300,
                val_size: 100,
                test_size: 100,
                eta_decay: None,
            },
            100,
        ),
    }
}

pub fn run(p: &Point) -> Result<AlignmentOutcome> {
    let task = p.text("task")?;
    let engine: EngineKind = p.text("engine")?.parse()?;
    let feedback = match p.text("feedback")? {
        "transpose" => Feedback::Transpose,
        _ => Feedback::Fixed,
    };
    let preset = Preset::by_name(task)?;
    let mut params = preset.params.clone();
    params.feedback = feedback;
    params.validate()?;
    let (schedule, every) = schedule(preset.task, &preset, p.scale);
    let sets = splits_for(preset.task, &schedule, &params, None)?;
    let cfg = RunConfig {
        task: preset.task,
        engine,
        schedule,
        seed: p.seed,
        val_every: every,
    };
    let mut t = Trainer::new(params, sets, cfg)?;
    while !t.is_done() {
        t.run(every)?;
    }
    let test = t.test()?;
    let h = t.history();
    let n_hidden = t.params().n_hidden();
    let angles = |pick: fn(&crate::train::alignment::Alignment) -> &Vec<Option<f64>>| {
        (0..n_hidden)
            .map(|k| {
                h.iter()
                    .map(|m| {
                        let a = m.alignment.as_ref().map(pick);
                        a.and_then(|v| v.get(k).copied().flatten()).unwrap_or(-1.0)
                    })
                    .collect()
            })
            .collect()
    };
    Ok(AlignmentOutcome {
        patterns: h.iter().map(|m| m.patterns).collect(),
        val_accuracy: h.iter().filter_map(|m| m.accuracy).collect(),
        val_mse: h.iter().map(|m| m.mse).collect(),
        test_accuracy: test.accuracy,
        test_mse: test.mse,
        micro_vs_backprop_deg: angles(|a| &a.micro_vs_backprop_deg),
        micro_vs_fa_deg: angles(|a| &a.micro_vs_fa_deg),
        fa_vs_backprop_deg: angles(|a| &a.fa_vs_backprop_deg),
        w_down_vs_w_up_t_deg: angles(|a| &a.w_down_vs_w_up_t_deg),
    })
}

/// The median of the values (NaN for none).
pub fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    super::point::sort_by(&mut s, f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The median over validation points after the first epoch of hidden layer 1's
/// micro-vs-backprop angle (the measure), per run.
pub fn median_after_first_epoch(o: &AlignmentOutcome, train_size: u64) -> f64 {
    let v: Vec<f64> = o
        .patterns
        .iter()
        .zip(o.micro_vs_backprop_deg.first().into_iter().flatten())
        .filter(|(p, a)| **p > train_size && **a >= 0.0)
        .map(|(_, &a)| a)
        .collect();
    median(&v)
}

/// Two panels for Yin-Yang: hidden-layer angle with backprop over training (mean
/// over seeds; the microcircuit's own update, and FA's), and test accuracy per
/// group as horizontal lines with the published ANN.
pub fn draw<DB: DrawingBackend>(recs: &[&Record], area: &DrawingArea<DB, Shift>) -> Result<()> {
    let of = |task: &str| -> Vec<(&Record, &AlignmentOutcome)> {
        recs.iter()
            .filter(|r| r.point.text("task").ok() == Some(task))
            .filter_map(|r| match &r.outcome {
                super::record::Outcome::Alignment(o) => Some((*r, o)),
                _ => None,
            })
            .collect()
    };
    let yy = of("yin_yang");
    let scale = recs.first().map_or("", |r| r.point.scale.name());
    let title = format!(
        "Alignment with backprop, Yin-Yang ({scale}, {} run(s))",
        yy.len()
    );
    let body = figure::frame(area, &title)?;
    if yy.is_empty() {
        figure::empty(&body, "angles", "no points yet (Yin-Yang)")?;
        return figure::present(area);
    }
    let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
    let mut angles = Panel::new(
        "hidden layer: angle with the backprop gradient",
        "training patterns",
        "angle (degrees)",
    );
    let mut acc = Panel::new("validation accuracy", "training patterns", "accuracy (%)");
    let groups = [
        ("steadnet", "fixed", "SteadNet, fixed W^down"),
        ("steadnet", "transpose", "SteadNet, W^down = W^T"),
        ("pyralnet", "fixed", "PyraLNet, fixed W^down"),
        ("pyralnet", "transpose", "PyraLNet, W^down = W^T"),
        ("feedback-alignment", "fixed", "feedback alignment"),
        ("backprop", "fixed", "backprop"),
    ];
    for (i, (engine, fb, label)) in groups.iter().enumerate() {
        let runs: Vec<&AlignmentOutcome> = yy
            .iter()
            .filter(|(r, _)| {
                r.point.text("engine").ok() == Some(engine)
                    && r.point.text("feedback").ok() == Some(fb)
            })
            .map(|(_, o)| *o)
            .collect();
        if runs.is_empty() {
            continue;
        }
        let curve = |ys: fn(&AlignmentOutcome) -> Option<&Vec<f64>>| -> Vec<Vec<(f64, f64)>> {
            runs.iter()
                .filter_map(|o| ys(o).map(|v| (o, v)))
                .map(|(o, v)| {
                    o.patterns
                        .iter()
                        .zip(v)
                        .filter(|(_, a)| **a >= 0.0)
                        .map(|(&p, &a)| (p as f64, a))
                        .collect()
                })
                .collect()
        };
        // The microcircuit's own update; for feedback alignment its update (FA vs
        // BP); backprop is at 0° by construction and left out of this panel.
        let pick: fn(&AlignmentOutcome) -> Option<&Vec<f64>> = if *engine == "feedback-alignment" {
            |o| o.fa_vs_backprop_deg.first()
        } else {
            |o| o.micro_vs_backprop_deg.first()
        };
        if *engine != "backprop" {
            let mut s = Series::new(*label, i);
            s.points = figure::mean_curve(&curve(pick));
            angles.series.push(s);
        }
        let tests: Vec<f64> = runs
            .iter()
            .filter_map(|o| o.test_accuracy)
            .map(|a| 100.0 * a)
            .collect();
        let (m, sd) = mean_sd(&tests);
        let mut s = Series::new(format!("{label}: test {m:.1} ± {sd:.1} %"), i);
        s.points = figure::mean_curve(
            &curve(|o| Some(&o.val_accuracy))
                .into_iter()
                .map(|c| c.into_iter().map(|(p, a)| (p, 100.0 * a)).collect())
                .collect::<Vec<_>>(),
        );
        acc.series.push(s);
    }
    acc.hlines.push(HLine {
        label: "published ANN 4-120-3: 98.7 ± 0.3 %".into(),
        y: 98.7,
        colour: RGBColor(120, 120, 120),
    });
    angles.draw(&left)?;
    acc.draw(&right)?;
    figure::present(area)
}
