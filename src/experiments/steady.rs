//! Validity of the steady-state approximation (seed slides): PyraLNet and SteadNet
//! run side by side on the same Yin-Yang patterns from the same initial weights.
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
//! Both from random initialisation ([`Params::yin_yang_random_init`], plastic
//! W^pi) and from the self-predicting state ([`Params::yin_yang`]), for n_passes
//! 1, 2 and 4.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::figure::{self, Panel, Series};
use super::{Outcome, Point, Record, Scale, Settings, num, make, text};
use crate::data::yinyang;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::network::{Network, State};
use crate::params::Params;
use crate::{PyraLNet, SteadNet};

/// Deviation of SteadNet from PyraLNet along a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationOutcome {
    /// Patterns presented when each deviation was measured.
    pub patterns: Vec<u64>,
    /// Relative RMS deviation at those points.
    pub rel_rms: Vec<f64>,
    /// Mean of `rel_rms`.
    pub mean: f64,
}

const PASSES: [f64; 3] = [1.0, 2.0, 4.0];

pub fn settings(_scale: Scale) -> Vec<Settings> {
    let mut out = Vec::new();
    for measure in ["potentials", "weights"] {
        for init in ["random", "sps"] {
            for n in PASSES {
                out.push(make(&[
                    ("measure", text(measure)),
                    ("init", text(init)),
                    ("n_passes", num(n)),
                ]));
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
        (Scale::Quick, false) => (20, 1),
        (Scale::Quick, true) => (200, 20),
    }
}

fn somatic(s: &State) -> impl Iterator<Item = f32> + '_ {
    s.u.iter().chain(&s.u_i).flatten().copied()
}

fn plastic(net: &Network) -> impl Iterator<Item = f32> + '_ {
    let p = &net.params;
    let w = &net.w;
    let pick = |ms: &'static str| -> Vec<&crate::network::Mat> {
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
    let mut params = match p.text("init")? {
        "random" => Params::yin_yang_random_init(),
        "sps" => Params::yin_yang(),
        other => return Err(Error::param("init", other, "random or sps")),
    };
    let passes = p.num("n_passes")?;
    params.n_passes = passes as usize;
    params.validate()?;
    let (n, every) = length(p.scale, weights);
    let data = yinyang::generate(n, 42)?.to_dataset();
    let net = Network::new(params.clone(), p.seed)?;
    let mut sim = PyraLNet::new(net.clone(), p.seed);
    let mut st = SteadNet::new(net);
    let mut target = vec![0.0f32; 3];
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
                super::rel_rms(plastic(&st.net), plastic(&sim.net))
            } else {
                super::rel_rms(somatic(&st.state), somatic(&sim.state))
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
        "Steady-state validity: SteadNet vs PyraLNet, Yin-Yang 4-120-3 ({scale}, {seeds} seed(s), mean ± sd)"
    );
    let body = figure::frame(area, &title)?;
    let panels = body.split_evenly((2, 2));
    let layout = [
        ("potentials", "random", "(a) somatic potentials, plasticity off, random init"),
        ("potentials", "sps", "(b) somatic potentials, plasticity off, SPS init"),
        ("weights", "random", "(c) weights, plasticity on, random init"),
        ("weights", "sps", "(d) weights, plasticity on, SPS init"),
    ];
    for ((measure, init, name), area) in layout.into_iter().zip(&panels) {
        let mut panel = Panel::new(name, "pattern", "relative RMS deviation");
        panel.y_scale = figure::Scale::Log;
        panel.legend = SeriesLabelPosition::LowerRight;
        for (i, n) in PASSES.into_iter().enumerate() {
            let curves: Vec<Vec<(f64, f64)>> = recs
                .iter()
                .filter(|r| {
                    r.point.text("measure").ok() == Some(measure)
                        && r.point.text("init").ok() == Some(init)
                        && r.point.num("n_passes").ok() == Some(n)
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
            s.points = figure::mean_curve(&curves);
            panel.series.push(s);
        }
        if panel.series.is_empty() {
            figure::empty(area, name, "no points yet")?;
        } else {
            panel.draw(area)?;
        }
    }
    figure::present(area)
}
