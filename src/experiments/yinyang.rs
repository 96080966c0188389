//! Yin-Yang sweeps of the seed slides: test accuracy against `learning_lag` for
//! several `t_pattern` (with and without `reset_deltas`), against τ_0 and against
//! τ_w. Each point trains the PyraLNet study's configuration
//! ([`Params::yin_yang`]: 4-120-3, SPS init, W^pi fixed) with one setting changed
//! and reports the accuracy on the test set (SPEC §5: 6000 training patterns per
//! epoch, 600 test points, 45 epochs at full scale).
//!
//! - `out_lag` follows `t_pattern` (0.8 · t_pattern, the study's 80 of 100 ms), so
//!   the output is always read over the last fifth of a pattern.
//! - SteadNet has no input transition (it jumps to the steady state of each
//!   pattern), so τ_0 does not enter it: its τ_0 experiment has one point per
//!   seed, drawn as a level line.
//! - A run that diverges is a result (no accuracy, the reason kept).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{self, HLine, Marker, Panel, Series};
use super::point::{Experiment, Point, Scale, Settings, make, num, text};
use super::record::{AccuracyOutcome, Outcome, Record};
use super::resume::Resume;
use crate::data::splits_for;
use crate::error::{Error, Result};
use crate::model::engine::EngineKind;
use crate::model::params::Params;
use crate::model::presets::{Schedule, Task};
use crate::train::{RunConfig, Trainer};

/// t_pattern values (ms) of the learning-lag sweep and their learning lags.
fn lag_grid(scale: Scale) -> Vec<(f64, Vec<f64>)> {
    match scale {
        Scale::Full => vec![
            (50.0, vec![0.0, 2.5, 5.0, 10.0, 20.0, 30.0, 40.0]),
            (100.0, vec![0.0, 5.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0]),
            (200.0, vec![0.0, 10.0, 20.0, 40.0, 60.0, 80.0, 120.0, 160.0]),
        ],
        // Enough lags to see the failure below 20 ms and the plateau above it.
        Scale::Short => vec![
            (50.0, vec![0.0, 10.0, 20.0, 40.0]),
            (100.0, vec![0.0, 5.0, 10.0, 20.0, 40.0, 80.0]),
        ],
        Scale::Quick => vec![(50.0, vec![0.0, 20.0]), (100.0, vec![0.0, 20.0])],
    }
}

fn tau0_grid(scale: Scale) -> Vec<f64> {
    match scale {
        Scale::Full => vec![0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0],
        Scale::Short => vec![0.0, 3.0, 10.0, 20.0],
        Scale::Quick => vec![0.0, 3.0, 10.0],
    }
}

fn tauw_grid(scale: Scale) -> Vec<f64> {
    match scale {
        Scale::Full => vec![3.0, 10.0, 30.0, 100.0, 300.0, 1000.0],
        Scale::Short => vec![3.0, 30.0, 300.0, 1000.0],
        Scale::Quick => vec![10.0, 30.0, 100.0],
    }
}

const ENGINES: [&str; 2] = ["steadnet", "pyralnet"];

/// The settings of the points of `exp` (without seeds).
pub fn settings(exp: Experiment, scale: Scale) -> Vec<Settings> {
    let mut out = Vec::new();
    for engine in ENGINES {
        match exp {
            Experiment::YinYangLag => {
                for reset in [false, true] {
                    for (t, lags) in lag_grid(scale) {
                        for lag in lags {
                            out.push(make(&[
                                ("engine", text(engine)),
                                ("t_pattern", num(t)),
                                ("learning_lag", num(lag)),
                                ("reset_deltas", reset.into()),
                            ]));
                        }
                    }
                }
            }
            Experiment::YinYangTau0 => {
                let grid = if engine == "steadnet" {
                    vec![3.0]
                } else {
                    tau0_grid(scale)
                };
                for tau in grid {
                    out.push(make(&[("engine", text(engine)), ("tau_0", num(tau))]));
                }
            }
            Experiment::YinYangTauW => {
                for tau in tauw_grid(scale) {
                    out.push(make(&[("engine", text(engine)), ("tau_w", num(tau))]));
                }
            }
            _ => {}
        }
    }
    out
}

/// The schedule of a scale and engine: the study's 45 epochs of 6000 with 600
/// validation and test points (full, and SteadNet at short: about a second a point
/// natively), 3 epochs of 3000 for PyraLNet at short (lag 20 ms: 85 %, lag 0:
/// 47 % on seed 1, so the lag's effect shows; 9000 patterns, ~15 s a point), or
/// one epoch of 300 (quick: checks the pipeline, learns little).
pub fn schedule(scale: Scale, engine: EngineKind) -> Schedule {
    let full = Schedule {
        epochs: 45,
        train_size: 6000,
        val_size: 600,
        test_size: 600,
        eta_decay: None,
    };
    match scale {
        Scale::Full => full,
        Scale::Short if engine == EngineKind::PyraLNet => Schedule {
            epochs: 3,
            train_size: 3000,
            ..full
        },
        Scale::Short => full,
        Scale::Quick => Schedule {
            epochs: 1,
            train_size: 300,
            val_size: 100,
            test_size: 100,
            eta_decay: None,
        },
    }
}

/// The parameters of a point: the study's with the point's setting.
pub fn params(p: &Point) -> Result<Params> {
    let mut params = Params::yin_yang();
    match p.experiment()? {
        Experiment::YinYangLag => {
            params.t_pattern = p.num("t_pattern")? as f32;
            params.out_lag = 0.8 * params.t_pattern;
            params.learning_lag = p.num("learning_lag")? as f32;
            params.reset_deltas = p.flag("reset_deltas")?;
        }
        Experiment::YinYangTau0 => params.tau_0 = p.num("tau_0")? as f32,
        Experiment::YinYangTauW => params.tau_w = p.num("tau_w")? as f32,
        other => {
            return Err(Error::param(
                "experiment",
                other,
                "yinyang-lag, yinyang-tau0 or yinyang-tauw",
            ));
        }
    }
    params.validate()?;
    Ok(params)
}

/// The point of `exp` that runs exactly what `r` ran, if there is one: the three
/// sweeps share the study's configuration (t_pattern 100 ms, learning_lag 20 ms
/// without reset_deltas, τ_0 3 ms, τ_w 30 ms), so such a point of one sweep is also
/// a point of the others (same parameters, schedule, engine and seed: the same
/// run, bit for bit). The figures of τ_0 and τ_w use this to show PyraLNet's run at
/// the study's values without running it twice.
pub fn same_run_in(exp: Experiment, r: &Record) -> Option<Record> {
    let p = &r.point;
    let from = p.experiment().ok()?;
    if from == exp
        || !matches!(
            from,
            Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW
        )
    {
        return None;
    }
    let settings = match exp {
        Experiment::YinYangLag => make(&[
            ("engine", text(p.text("engine").ok()?)),
            ("t_pattern", num(100.0)),
            ("learning_lag", num(20.0)),
            ("reset_deltas", false.into()),
        ]),
        Experiment::YinYangTau0 => make(&[
            ("engine", text(p.text("engine").ok()?)),
            ("tau_0", num(3.0)),
        ]),
        Experiment::YinYangTauW => make(&[
            ("engine", text(p.text("engine").ok()?)),
            ("tau_w", num(30.0)),
        ]),
        _ => return None,
    };
    let q = Point {
        experiment: exp.name().into(),
        scale: p.scale,
        settings,
        seed: p.seed,
    };
    let same = params(p).ok()? == params(&q).ok()?;
    same.then(|| Record {
        code: r.code.clone(),
        ..Record::new(q, r.outcome.clone(), r.seconds)
    })
}

/// Trains the point's network and tests it.
pub fn run(p: &Point, resume: &mut Resume) -> Result<AccuracyOutcome> {
    let engine: EngineKind = p.text("engine")?.parse()?;
    let params = params(p)?;
    let schedule = schedule(p.scale, engine);
    let sets = splits_for(Task::YinYang, &schedule, &params, None)?;
    let cfg = RunConfig {
        task: Task::YinYang,
        engine,
        schedule,
        seed: p.seed,
        val_every: 0,
    };
    train_and_test(resume.trainer(params, sets, cfg)?, resume)
}

/// Trains to the end of the schedule (no validation on the way: it would cost
/// PyraLNet a tenth more), then validates and tests.
pub(crate) fn train_and_test(mut t: Trainer, resume: &mut Resume) -> Result<AccuracyOutcome> {
    t.set_auto_validate(false);
    let diverged = |t: &Trainer, e: Error| -> Result<AccuracyOutcome> {
        match e {
            Error::Diverged { .. } => Ok(AccuracyOutcome {
                test_accuracy: None,
                val_accuracy: None,
                test_mse: None,
                patterns: t.progress().patterns,
                diverged: Some(e.to_string()),
            }),
            other => Err(other),
        }
    };
    // Chunks of a twentieth of the run (at most 1000 patterns) between the
    // resume hook's calls; their size does not change the run.
    let chunk = (t.total_patterns() / 20).clamp(1, 1000) as usize;
    while !t.is_done() {
        if let Err(e) = t.run(chunk) {
            return diverged(&t, e);
        }
        resume.tick(&t)?;
    }
    let (val, test) = match t.validate().and_then(|v| Ok((v, t.test()?))) {
        Ok(vt) => vt,
        Err(e) => return diverged(&t, e),
    };
    Ok(AccuracyOutcome {
        test_accuracy: test.accuracy,
        val_accuracy: val.accuracy,
        test_mse: Some(test.mse),
        patterns: t.progress().patterns,
        diverged: None,
    })
}

/// Published reference: 96.7 ± 0.8 % (PyraLNet, learning_lag 20 ms, t_pattern
/// 100 ms, τ_0 3 ms, τ_w 30 ms; 10 seeds).
const PUBLISHED: f64 = 96.7;

fn accuracies<'a>(
    recs: &'a [&'a Record],
    keep: impl Fn(&Point) -> bool + 'a,
    x: impl Fn(&Point) -> f64 + 'a,
) -> impl Iterator<Item = (f64, f64)> + 'a {
    recs.iter()
        .filter(move |r| keep(&r.point))
        .filter_map(move |r| {
            let Outcome::Accuracy(a) = &r.outcome else {
                return None;
            };
            // A diverged run counts as chance level (1/3) in the figure.
            let acc = a.test_accuracy.unwrap_or(1.0 / 3.0);
            Some((x(&r.point), 100.0 * acc))
        })
}

fn engine_of(p: &Point) -> &str {
    p.text("engine").unwrap_or("")
}

/// A series in colour `colour`, styled by engine (`e_i` indexes [`ENGINES`]):
/// the full simulation solid with circles, the approximation (SteadNet) dashed
/// with squares, as the seed's figure reads.
fn engine_series(label: String, colour: usize, e_i: usize, points: Vec<(f64, f64, f64)>) -> Series {
    let mut s = Series::new(label, colour);
    s.dashed = ENGINES[e_i] == "steadnet";
    s.marker = if s.dashed {
        Marker::Square
    } else {
        Marker::Circle
    };
    s.points = points;
    s
}

fn engine_label(e: &str) -> &'static str {
    if e == "pyralnet" {
        "PyraLNet"
    } else {
        "SteadNet"
    }
}

/// Draws the figure of a Yin-Yang sweep.
pub fn draw<DB: DrawingBackend>(
    exp: Experiment,
    recs: &[&Record],
    area: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let seeds = recs.iter().map(|r| r.point.seed).max().unwrap_or(0);
    let scale = recs.first().map_or("", |r| r.point.scale.name());
    let title = format!(
        "{} ({scale}, {} points, up to {seeds} seeds, mean ± sd)",
        exp.title(),
        recs.len()
    );
    let body = figure::frame(area, &title)?;
    let published = HLine {
        label: format!("published {PUBLISHED} % (PyraLNet, lag 20, t_pattern 100, 45 epochs)"),
        y: PUBLISHED,
        colour: RGBColor(120, 120, 120),
    };
    let y_desc = "test accuracy (%)";
    match exp {
        Experiment::YinYangLag => {
            let panels = body.split_evenly((1, 2));
            // One y range for both panels, so that they compare at a glance.
            let lo = accuracies(recs, |_| true, |_| 0.0)
                .map(|(_, a)| a)
                .fold(PUBLISHED, f64::min);
            let y_range = ((lo / 5.0).floor() * 5.0 - 1.0, 100.0);
            let mut lag_panels = Vec::new();
            for reset in [false, true] {
                let mut panel = Panel::new(
                    format!("reset_deltas {}", if reset { "on" } else { "off" }),
                    "learning_lag (ms)",
                    y_desc,
                );
                panel.y_range = Some(y_range);
                let mut ts: Vec<f64> = recs
                    .iter()
                    .filter_map(|r| r.point.num("t_pattern").ok())
                    .collect();
                super::point::sort_by(&mut ts, f64::total_cmp);
                ts.dedup();
                for (e_i, engine) in ENGINES.into_iter().enumerate() {
                    for (i, &t) in ts.iter().enumerate() {
                        let pts = figure::by_x(accuracies(
                            recs,
                            move |p| {
                                engine_of(p) == engine
                                    && p.num("t_pattern").ok() == Some(t)
                                    && p.flag("reset_deltas").ok() == Some(reset)
                            },
                            |p| p.num("learning_lag").unwrap_or(f64::NAN),
                        ));
                        if pts.is_empty() {
                            continue;
                        }
                        let label = format!("{} t_pattern {t} ms", engine_label(engine));
                        panel.series.push(engine_series(label, i, e_i, pts));
                    }
                }
                panel.hlines.push(published.clone());
                lag_panels.push(panel);
            }
            // One y range for both panels, lowered if a legend needs room.
            let lo = lag_panels
                .iter()
                .zip(&panels)
                .filter(|(p, _)| !p.series.is_empty())
                .filter_map(|(p, a)| p.legend_on(a).1)
                .fold(y_range.0, f64::min);
            for (mut panel, area) in lag_panels.into_iter().zip(&panels) {
                if panel.series.is_empty() {
                    figure::empty(area, &panel.title, "no points yet")?;
                } else {
                    panel.y_range = Some((lo, y_range.1));
                    panel.draw(area)?;
                }
            }
        }
        Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            let (name, desc, log) = if exp == Experiment::YinYangTau0 {
                ("tau_0", "τ_0, input and target transition (ms)", false)
            } else {
                ("tau_w", "τ_w, plasticity low-pass (ms)", true)
            };
            let mut panel = Panel::new(exp.title(), desc, y_desc);
            if log {
                panel.x_scale = figure::Scale::Log;
            }
            for (e_i, engine) in ENGINES.into_iter().enumerate() {
                let pts = figure::by_x(accuracies(
                    recs,
                    move |p| engine_of(p) == engine,
                    |p| p.num(name).unwrap_or(f64::NAN),
                ));
                if pts.is_empty() {
                    continue;
                }
                if exp == Experiment::YinYangTau0 && engine == "steadnet" {
                    // No τ_0 in SteadNet: its accuracy as a level line.
                    let (_, m, sd) = pts[0];
                    panel.hlines.push(HLine {
                        label: format!("SteadNet (no τ_0): {m:.1} ± {sd:.1} %"),
                        y: m,
                        colour: crate::charts::colour(0),
                    });
                    continue;
                }
                panel
                    .series
                    .push(engine_series(engine_label(engine).into(), e_i, e_i, pts));
            }
            panel.hlines.push(published);
            if panel.series.is_empty() && panel.hlines.len() < 2 {
                figure::empty(&body, exp.title(), "no points yet")?;
            } else {
                if panel.series.is_empty() {
                    // Only the SteadNet level: give the axis a range around τ_0 = 3.
                    let mut s = Series::new("", 7);
                    s.marker = Marker::None;
                    s.points = vec![(0.0, f64::NAN, 0.0), (20.0, f64::NAN, 0.0)];
                    panel.series.push(s);
                }
                panel.draw(&body)?;
            }
        }
        _ => {}
    }
    figure::present(area)
}
