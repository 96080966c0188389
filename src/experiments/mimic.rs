//! The mimic task of the seed slides (SPEC §5): a 2-3-2 student from random
//! initialisation learns a random teacher of the same shape ([`Params::mimic`]).
//!
//! One point trains one seed with one engine and records the seed's four panels:
//! (a, b) the output potentials u_N with the targets for five validation patterns
//! before and after training (evaluation: no nudging, no plasticity, so u_N is the
//! network's own prediction); (c) the validation MSE during training; (d) the
//! emergence of the self-predicting state: mean |v_A| at the end of validation
//! patterns (no target), `‖W^ip − W^ip_SPS‖` and `‖W^pi + W^down‖`.
//!
//! The seed trained for 5 epochs; there the SPS distances are still falling, so
//! the full scale trains 100 epochs of 1000 patterns to show where they settle.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{self, Panel, Series};
use super::point::{Point, Scale, Settings, make, text};
use super::record::{MimicOutcome, Outcome, Record, Trace};
use crate::data::{Dataset, splits_for};
use crate::error::Result;
use crate::model;
use crate::model::engine::EngineKind;
use crate::model::network::Network;
use crate::model::params::Params;
use crate::model::presets::{Schedule, Task};
use crate::model::record::{Probe, Recorder};
use crate::train::{RunConfig, Trainer};

pub fn settings(_scale: Scale) -> Vec<Settings> {
    ["pyralnet", "steadnet"]
        .into_iter()
        .map(|e| make(&[("engine", text(e))]))
        .collect()
}

pub fn schedule(scale: Scale) -> Schedule {
    match scale {
        Scale::Full => Schedule {
            epochs: 100,
            train_size: 1000,
            val_size: 200,
            test_size: 200,
            eta_decay: None,
        },
        Scale::Quick | Scale::Short => Schedule {
            epochs: 2,
            train_size: 200,
            val_size: 50,
            test_size: 50,
            eta_decay: None,
        },
    }
}

/// Patterns until the next checkpoint: dense in the first two epochs, where the
/// MSE falls fastest.
fn next_step(scale: Scale, patterns: u64) -> usize {
    match scale {
        Scale::Full if patterns < 2000 => 250,
        Scale::Full => 1000,
        Scale::Quick | Scale::Short => 50,
    }
}

const TRACE_PATTERNS: usize = 5;
const APICAL_PATTERNS: usize = 20;

/// u_N for the first validation patterns, on a fresh engine around `net`.
fn trace(net: &Network, kind: EngineKind, seed: u64, val: &Dataset) -> Result<Trace> {
    let p = &net.params;
    let n_out = p.layers[p.n_layers()];
    let euler = kind == EngineKind::PyraLNet;
    // One row per ms (PyraLNet) or per pattern (SteadNet).
    let every = if euler {
        (1.0 / p.dt).round().max(1.0) as u64
    } else {
        1
    };
    let rows = TRACE_PATTERNS * if euler { p.steps_per_pattern() } else { 1 } + 2;
    let mut eng = model::build(kind, net.clone(), seed);
    let rec = Recorder::new(
        net,
        vec![Probe::SomaP {
            layer: p.n_layers(),
        }],
        every,
        rows,
    )?;
    eng.set_recorder(Some(rec));
    let n = TRACE_PATTERNS.min(val.len());
    let mut targets = vec![Vec::with_capacity(n); n_out];
    let mut t = vec![0.0f32; n_out];
    for i in 0..n {
        eng.evaluate(val.input(i))?;
        val.target_into(i, p.u_low, p.u_high, &mut t);
        for (j, v) in t.iter().enumerate() {
            targets[j].push(*v as f64);
        }
    }
    let rec = eng.recorder().expect("recorder attached above");
    let t0 = if euler { 0.0 } else { p.t_pattern as f64 };
    let mut outputs = vec![Vec::new(); n_out];
    for row in rec.series(0) {
        for (j, v) in row.iter().enumerate() {
            outputs[j].push(*v as f64);
        }
    }
    Ok(Trace {
        t_ms: rec.times().iter().map(|t| t - t0).collect(),
        outputs,
        targets,
        t_pattern: p.t_pattern as f64,
    })
}

/// Mean |v_A| at the end of the first validation patterns (no target), on a fresh
/// engine around `net`.
fn apical(net: &Network, kind: EngineKind, seed: u64, val: &Dataset) -> Result<f64> {
    let mut eng = model::build(kind, net.clone(), seed);
    let n = APICAL_PATTERNS.min(val.len());
    let mut sum = 0.0;
    for i in 0..n {
        eng.evaluate(val.input(i))?;
        sum += eng.state().mean_abs_apical() as f64;
    }
    Ok(sum / n as f64)
}

pub fn run(p: &Point) -> Result<MimicOutcome> {
    let kind: EngineKind = p.text("engine")?.parse()?;
    let params = Params::mimic();
    let schedule = schedule(p.scale);
    let sets = splits_for(Task::Mimic, &schedule, &params, None)?;
    let cfg = RunConfig {
        task: Task::Mimic,
        engine: kind,
        schedule,
        seed: p.seed,
        val_every: 0,
    };
    let mut t = Trainer::new(params, sets, cfg)?;
    t.set_auto_validate(false);
    let val = t.sets().val.clone();
    let before = trace(t.engine().network(), kind, p.seed, &val)?;
    let mut out = MimicOutcome {
        patterns: Vec::new(),
        val_mse: Vec::new(),
        apical: Vec::new(),
        d_ip: Vec::new(),
        d_pi: Vec::new(),
        test_mse: 0.0,
        after: before.clone(),
        before,
    };
    loop {
        let m = t.validate()?;
        let net = t.engine().network();
        let (d_ip, d_pi) = net.sps_distance();
        out.patterns.push(m.patterns);
        out.val_mse.push(m.mse);
        out.apical.push(apical(net, kind, p.seed, &val)?);
        out.d_ip.push(d_ip as f64);
        out.d_pi.push(d_pi as f64);
        if t.is_done() {
            break;
        }
        t.run(next_step(p.scale, m.patterns))?;
    }
    out.after = trace(t.engine().network(), kind, p.seed, &val)?;
    out.test_mse = t.test()?.mse;
    Ok(out)
}

/// One series of a [`MimicOutcome`].
type Field = dyn Fn(&MimicOutcome) -> &Vec<f64>;

fn engine_label(p: &Point) -> &'static str {
    match p.engine() {
        Some(EngineKind::SteadNet) => "SteadNet",
        _ => "PyraLNet",
    }
}

fn draw_trace<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    tr: &Trace,
) -> Result<()> {
    let mut panel = Panel::new(title, "time (ms)", "potential");
    panel.legend = Some(SeriesLabelPosition::MiddleRight);
    let steady = tr.t_ms.len() <= tr.targets.first().map_or(0, Vec::len);
    for (j, (out, tgt)) in tr.outputs.iter().zip(&tr.targets).enumerate() {
        let mut s = Series::new(format!("u_N[{j}]"), j);
        s.marker = if steady {
            figure::Marker::Circle
        } else {
            figure::Marker::None
        };
        s.points = if steady {
            // One settled value per pattern: hold it over the pattern.
            out.iter()
                .enumerate()
                .flat_map(|(i, &v)| {
                    let t = i as f64 * tr.t_pattern;
                    [(t, v, 0.0), (t + tr.t_pattern, v, 0.0)]
                })
                .collect()
        } else {
            tr.t_ms
                .iter()
                .zip(out)
                .map(|(&t, &v)| (t, v, 0.0))
                .collect()
        };
        panel.series.push(s);
        let mut s = Series::new(format!("target[{j}]"), j);
        s.dashed = true;
        s.marker = figure::Marker::None;
        s.points = tgt
            .iter()
            .enumerate()
            .flat_map(|(i, &v)| {
                let t = i as f64 * tr.t_pattern;
                [(t, v, 0.0), (t + tr.t_pattern, v, 0.0)]
            })
            .collect();
        panel.series.push(s);
    }
    panel.draw(area)
}

pub fn draw<DB: DrawingBackend>(recs: &[&Record], area: &DrawingArea<DB, Shift>) -> Result<()> {
    let seeds = recs.iter().map(|r| r.point.seed).max().unwrap_or(0);
    let scale = recs.first().map_or("", |r| r.point.scale.name());
    let title = format!(
        "Mimic task 2-3-2 from random initialisation ({scale}, {seeds} seed(s), every seed drawn)"
    );
    let body = figure::frame(area, &title)?;
    let panels = body.split_evenly((2, 2));
    let mimic = |r: &&&Record| matches!(r.outcome, Outcome::Mimic(_));
    // Traces of the first seed, PyraLNet if there is one.
    let shown = recs
        .iter()
        .filter(mimic)
        .min_by_key(|r| (r.point.engine() != Some(EngineKind::PyraLNet), r.point.seed));
    match shown {
        Some(r) => {
            let Outcome::Mimic(m) = &r.outcome else {
                unreachable!()
            };
            let who = format!("{} seed {}", engine_label(&r.point), r.point.seed);
            draw_trace(
                &panels[0],
                &format!("(a) before training ({who})"),
                &m.before,
            )?;
            draw_trace(&panels[1], &format!("(b) after training ({who})"), &m.after)?;
        }
        None => {
            figure::empty(&panels[0], "(a) before training", "no points yet")?;
            figure::empty(&panels[1], "(b) after training", "no points yet")?;
        }
    }
    // Per-seed curves (thin lines, no averaging): on a log axis one diverging
    // seed would swamp a mean, and the spread between seeds is the point.
    let mut mse = Panel::new("(c) validation MSE, every seed", "training patterns", "MSE");
    mse.y_scale = figure::Scale::Log;
    mse.legend = Some(SeriesLabelPosition::UpperRight);
    let runs_of = |kind: EngineKind| -> Vec<(u64, &MimicOutcome)> {
        let mut v: Vec<(u64, &MimicOutcome)> = recs
            .iter()
            .filter(|r| r.point.engine() == Some(kind))
            .filter_map(|r| match &r.outcome {
                Outcome::Mimic(m) => Some((r.point.seed, m)),
                _ => None,
            })
            .collect();
        super::point::sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        v
    };
    let line = |m: &MimicOutcome, f: &Field| {
        m.patterns
            .iter()
            .zip(f(m))
            .map(|(&p, &v)| (p as f64, v.max(1e-12), 0.0))
            .collect::<Vec<_>>()
    };
    for (e_i, kind) in [EngineKind::PyraLNet, EngineKind::SteadNet]
        .into_iter()
        .enumerate()
    {
        for (i, (_, m)) in runs_of(kind).into_iter().enumerate() {
            let name = if e_i == 0 { "PyraLNet" } else { "SteadNet" };
            let mut s = Series::new(if i == 0 { name } else { "" }, e_i);
            s.dashed = e_i == 1;
            s.marker = figure::Marker::None;
            s.points = line(m, &|m| &m.val_mse);
            mse.series.push(s);
        }
    }
    // The seed's panel (d) is PyraLNet's; SteadNet's only when there is no PyraLNet.
    let (sps_kind, sps_name) = if runs_of(EngineKind::PyraLNet).is_empty() {
        (EngineKind::SteadNet, "SteadNet")
    } else {
        (EngineKind::PyraLNet, "PyraLNet")
    };
    let mut sps = Panel::new(
        format!("(d) emergence of the self-predicting state ({sps_name}, every seed)"),
        "training patterns",
        "distance",
    );
    sps.y_scale = figure::Scale::Log;
    sps.legend = Some(SeriesLabelPosition::UpperRight);
    let quantities: [(&str, &Field); 3] = [
        ("mean |v_A|", &|m| &m.apical),
        ("‖W^ip − W^ip_SPS‖", &|m| &m.d_ip),
        ("‖W^pi + W^down‖", &|m| &m.d_pi),
    ];
    for (q_i, (q, f)) in quantities.into_iter().enumerate() {
        for (i, (_, m)) in runs_of(sps_kind).into_iter().enumerate() {
            let mut s = Series::new(if i == 0 { q } else { "" }, 2 + q_i);
            s.marker = figure::Marker::None;
            s.points = line(m, f);
            sps.series.push(s);
        }
    }
    for (panel, area) in [(mse, &panels[2]), (sps, &panels[3])] {
        if panel.series.is_empty() {
            figure::empty(area, &panel.title, "no points yet")?;
        } else {
            panel.draw(area)?;
        }
    }
    figure::present(area)
}
