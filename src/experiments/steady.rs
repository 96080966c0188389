//! Validity of the steady-state approximation (seed slides): PyraLNet and SteadNet
//! run side by side on the same patterns from the same initial weights.
//!
//! - `measure = potentials`, plasticity off, target shown: after each pattern the
//!   relative RMS deviation `sqrt(Σ(u_st − u_sim)² / Σ u_sim²)` over all somatic
//!   potentials (pyramidal and interneuron) of SteadNet's settled state from
//!   PyraLNet's state at the end of the pattern (100 ms ≫ τ ≈ 0.5 ms, τ_0 = 3 ms:
//!   settled to float precision).
//! - `measure = weights`, plasticity on: every few patterns the relative RMS
//!   deviation `‖W_st − W_sim‖ / ‖W_sim‖` over the plastic matrices (η ≠ 0).
//!   The two engines see the same patterns but integrate the plasticity
//!   differently (Euler steps within the pattern vs one step of dT), so the
//!   deviation accumulates with the number of patterns.
//!
//! Both from random initialisation and from the self-predicting state, for
//! n_passes 1, 2 and 4, on two tasks:
//! - `task = mimic`, the seed's setting (its weight figure spans 5000 patterns,
//!   the mimic task's 5 epochs of 1000): [`Params::mimic`], random init with plastic
//!   lateral weights, or the same in the SPS;
//! - `task = yinyang`, the Yin-Yang study's network: [`Params::yin_yang_random_init`]
//!   (plastic W^pi) and [`Params::yin_yang`] (SPS, W^pi fixed), whose large
//!   η^up_1 = 6.07 makes every pattern move the weights far.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{self, Panel, Series};
use super::point::{Point, Scale, Settings, make, num, rel_rms, text};
use super::record::{DeviationOutcome, Outcome, Record};
use crate::data::{MIMIC_TEACHER_SEED, mimic, yinyang};
use crate::error::{Error, Result};
use crate::model::engine::Engine;
use crate::model::network::{Network, State};
use crate::model::params::{InitMode, Params};
use crate::model::pyralnet::PyraLNet;
use crate::model::steadnet::SteadNet;

const PASSES: [f64; 3] = [1.0, 2.0, 4.0];
const TASKS: [&str; 2] = ["mimic", "yinyang"];

pub fn settings(_scale: Scale) -> Vec<Settings> {
    let mut out = Vec::new();
    for task in TASKS {
        for measure in ["potentials", "weights"] {
            for init in ["random", "sps"] {
                for n in PASSES {
                    out.push(make(&[
                        ("task", text(task)),
                        ("measure", text(measure)),
                        ("init", text(init)),
                        ("n_passes", num(n)),
                    ]));
                }
            }
        }
    }
    out
}

/// (patterns, measure every) of a scale and measure.
fn length(scale: Scale, weights: bool) -> (usize, usize) {
    match (scale, weights) {
        (Scale::Full, false) => (300, 1),
        (Scale::Full, true) => (5000, 50),
        (Scale::Quick | Scale::Short, false) => (20, 1),
        (Scale::Quick | Scale::Short, true) => (200, 20),
    }
}

fn somatic(s: &State) -> impl Iterator<Item = f32> + '_ {
    s.u.iter().chain(&s.u_i).flatten().copied()
}

fn plastic(net: &Network) -> impl Iterator<Item = f32> + '_ {
    let p = &net.params;
    let w = &net.w;
    let pick = |ms: &'static str| -> Vec<&crate::model::weights::Mat> {
        let (mats, etas) = match ms {
            "up" => (&w.up[1..], &p.eta_up[..]),
            "ip" => (&w.ip[1..], &p.eta_ip[..]),
            _ => (&w.pi[1..], &p.eta_pi[..]),
        };
        mats.iter()
            .zip(etas)
            .filter(|(_, e)| **e != 0.0)
            .map(|(m, _)| m)
            .collect()
    };
    ["up", "ip", "pi"]
        .into_iter()
        .flat_map(pick)
        .flat_map(|m| m.data.iter().copied())
}

pub fn run(p: &Point) -> Result<DeviationOutcome> {
    let weights = match p.text("measure")? {
        "potentials" => false,
        "weights" => true,
        other => return Err(Error::param("measure", other, "potentials or weights")),
    };
    let task = p.text("task")?;
    let sps = match p.text("init")? {
        "random" => false,
        "sps" => true,
        other => return Err(Error::param("init", other, "random or sps")),
    };
    let mut params = match (task, sps) {
        ("mimic", _) => Params::mimic(),
        ("yinyang", false) => Params::yin_yang_random_init(),
        ("yinyang", true) => Params::yin_yang(),
        (other, _) => return Err(Error::param("task", other, "mimic or yinyang")),
    };
    if sps {
        params.init.mode = InitMode::SelfPredicting;
    }
    let passes = p.num("n_passes")?;
    params.n_passes = passes as usize;
    params.validate()?;
    let (n, every) = length(p.scale, weights);
    let data = if task == "mimic" {
        let teacher = mimic::Teacher::new(&params, MIMIC_TEACHER_SEED);
        mimic::generate(&params, &teacher, n, 1)?
    } else {
        yinyang::generate(n, 42)?.to_dataset()
    };
    let net = Network::new(params.clone(), p.seed)?;
    let mut sim = PyraLNet::new(net.clone(), p.seed);
    let mut st = SteadNet::new(net);
    let mut target = vec![0.0f32; data.n_outputs()];
    let mut out = DeviationOutcome {
        patterns: Vec::new(),
        rel_rms: Vec::new(),
        mean: 0.0,
    };
    for i in 0..n {
        data.target_into(i, params.u_low, params.u_high, &mut target);
        let x = data.input(i);
        sim.present(x, Some(&target), weights)?;
        st.present(x, Some(&target), weights)?;
        if (i + 1) % every == 0 {
            let dev = if weights {
                rel_rms(plastic(&st.net), plastic(&sim.net))
            } else {
                rel_rms(somatic(&st.state), somatic(&sim.state))
            };
            out.patterns.push(i as u64 + 1);
            out.rel_rms.push(dev);
        }
    }
    out.mean = out.rel_rms.iter().sum::<f64>() / out.rel_rms.len().max(1) as f64;
    Ok(out)
}

pub fn draw<DB: DrawingBackend>(recs: &[&Record], area: &DrawingArea<DB, Shift>) -> Result<()> {
    let seeds = recs.iter().map(|r| r.point.seed).max().unwrap_or(0);
    let scale = recs.first().map_or("", |r| r.point.scale.name());
    let title = format!(
        "Steady-state validity: relative RMS deviation of SteadNet from PyraLNet ({scale}, {seeds} seed(s), mean ± sd)"
    );
    let body = figure::frame(area, &title)?;
    let rows = body.split_evenly((TASKS.len(), 4));
    let layout = [
        (
            "potentials",
            "random",
            "somatic potentials, plasticity off, random init",
        ),
        (
            "potentials",
            "sps",
            "somatic potentials, plasticity off, SPS init",
        ),
        ("weights", "random", "weights, plasticity on, random init"),
        ("weights", "sps", "weights, plasticity on, SPS init"),
    ];
    for (t_i, task) in TASKS.into_iter().enumerate() {
        let net = if task == "mimic" {
            "mimic 2-3-2"
        } else {
            "Yin-Yang 4-120-3"
        };
        for (c_i, (measure, init, name)) in layout.into_iter().enumerate() {
            let area = &rows[t_i * 4 + c_i];
            let letter = (b'a' + (t_i * 4 + c_i) as u8) as char;
            let name = format!("({letter}) {net}: {name}");
            let mut panel = Panel::new(name.clone(), "pattern", "relative RMS deviation");
            panel.y_scale = figure::Scale::Log;
            panel.legend = Some(SeriesLabelPosition::LowerRight);
            for (i, n) in PASSES.into_iter().enumerate() {
                let curves: Vec<Vec<(f64, f64)>> = recs
                    .iter()
                    .filter(|r| {
                        let p = &r.point;
                        p.text("task").ok() == Some(task)
                            && p.text("measure").ok() == Some(measure)
                            && p.text("init").ok() == Some(init)
                            && p.num("n_passes").ok() == Some(n)
                    })
                    .filter_map(|r| match &r.outcome {
                        Outcome::Deviation(d) => Some(
                            d.patterns
                                .iter()
                                .zip(&d.rel_rms)
                                .map(|(&p, &v)| (p as f64, v.max(1e-12)))
                                .collect(),
                        ),
                        _ => None,
                    })
                    .collect();
                if curves.is_empty() {
                    continue;
                }
                let mut s = Series::new(format!("n_passes {n}"), i);
                s.marker = figure::Marker::None;
                s.dashed = i == 2;
                s.points = figure::mean_curve(&curves);
                panel.series.push(s);
            }
            if panel.series.is_empty() {
                figure::empty(area, &name, "no points yet")?;
            } else {
                panel.draw(area)?;
            }
        }
    }
    figure::present(area)
}
