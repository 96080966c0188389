//! The circuit view: the microcircuit drawn as the paper's Figure 1, from one small
//! payload per frame.
//!
//! [`CircuitTrace`] picks a representative subset of each layer (all neurons of a
//! layer of at most [`MAX_SHOWN`], else [`MAX_SHOWN`] evenly spaced ones) and, after
//! each training pattern, keeps their compartment potentials (v_B, u, v_A; u^I of
//! the interneurons), the input rates and the target of the last
//! [`HISTORY_PATTERNS`] patterns. [`CircuitFrame`] adds the weights between the
//! shown neurons, one bundle per projection family and layer, with the whole
//! matrix's mean, mean |w| and max |w|. [`demo`] replays one pattern step by step on
//! a copy of the network (plasticity off): the pattern arrives without a target,
//! the target nudges the output (the apical potentials carry the error), the target
//! is released (in the self-predicting state v_A falls back to ≈ 0).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::engine::{Engine, EngineKind};
use crate::model::network::{Network, State};
use crate::model::weights::Projection;

/// Most neurons drawn per layer (and per interneuron population).
pub const MAX_SHOWN: usize = 12;
/// Patterns of history kept for the neuron detail.
pub const HISTORY_PATTERNS: usize = 60;
/// Moments of each phase of the step-by-step replay.
pub const DEMO_MOMENTS: usize = 40;
/// Largest network replayed with Euler steps (synapse-steps of the three phases);
/// larger ones are replayed at the steady state, one moment per phase.
const DEMO_EULER_WORK: usize = 50_000_000;

/// `min(n, MAX_SHOWN)` evenly spaced indices of `0..n`, the first and last among them.
pub fn shown(n: usize) -> Vec<usize> {
    if n <= MAX_SHOWN {
        return (0..n).collect();
    }
    (0..MAX_SHOWN)
        .map(|i| (i * (n - 1) + (MAX_SHOWN - 1) / 2) / (MAX_SHOWN - 1))
        .collect()
}

/// A layer's size and the neurons shown (layer 0: the inputs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub size: usize,
    pub shown: Vec<usize>,
    /// Interneurons of this layer (hidden layers only; `0` otherwise).
    pub inter_size: usize,
    pub inter_shown: Vec<usize>,
}

/// The shown neurons' values at one moment. Per-layer lists are indexed by k − 1
/// (k = 1..=N); `v_a` and `u_i` are empty for the output layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Training patterns done when it was taken.
    pub pattern: u64,
    /// Time (ms): of the run, or since the start of a replay.
    pub t_ms: f64,
    /// Input rates r_0 (low-passed, as the synapses see them).
    pub input: Vec<f32>,
    pub v_b: Vec<Vec<f32>>,
    pub u: Vec<Vec<f32>>,
    pub v_a: Vec<Vec<f32>>,
    pub u_i: Vec<Vec<f32>>,
    /// Target potentials u_trgt of the shown output neurons.
    pub target: Vec<f32>,
    /// Mean |v_A| over *all* hidden neurons.
    pub mean_abs_apical: f32,
}

/// The weights of one projection family and layer between the shown neurons
/// (`rows` post × `cols` pre, row-major), with statistics of the whole matrix
/// (bias column left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub projection: Projection,
    pub layer: usize,
    pub rows: usize,
    pub cols: usize,
    pub w: Vec<f32>,
    pub mean: f32,
    pub mean_abs: f32,
    pub max_abs: f32,
}

/// What the circuit panel draws: one payload per frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CircuitFrame {
    /// Layers 0..=N.
    pub layers: Vec<Layer>,
    pub now: Snapshot,
    /// End-of-pattern snapshots of the last patterns (oldest first).
    pub history: Vec<Snapshot>,
    pub bundles: Vec<Bundle>,
}

/// The phases of the step-by-step replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A new input pattern, no target: the network predicts.
    Arrives,
    /// The target nudges the output.
    Nudged,
    /// The target is released.
    Released,
}
crate::json::unit_enum!(Phase: "Phase",
    Arrives = "arrives", Nudged = "nudged", Released = "released",
);

/// One replay moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    pub phase: Phase,
    pub snap: Snapshot,
}

/// A replay of one pattern, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demo {
    pub layers: Vec<Layer>,
    /// Which engine's dynamics (PyraLNet: Euler moments; SteadNet: one per phase).
    pub engine: EngineKind,
    /// Length of each phase (ms).
    pub phase_ms: f64,
    pub moments: Vec<Moment>,
    pub bundles: Vec<Bundle>,
}

/// Which neurons the circuit panel shows, and their last patterns.
pub struct CircuitTrace {
    layers: Vec<Layer>,
    history: VecDeque<Snapshot>,
}

impl CircuitTrace {
    pub fn new(net: &Network) -> Self {
        CircuitTrace {
            layers: layers(net),
            history: VecDeque::with_capacity(HISTORY_PATTERNS + 1),
        }
    }

    /// Keeps the end-of-pattern state of the pattern just trained.
    pub fn record(&mut self, eng: &dyn Engine, pattern: u64, t_ms: f64) {
        let snap = snapshot(&self.layers, eng.state(), pattern, t_ms);
        self.history.push_back(snap);
        while self.history.len() > HISTORY_PATTERNS {
            self.history.pop_front();
        }
    }

    /// The panel's payload for the engine's current state.
    pub fn frame(&self, eng: &dyn Engine, pattern: u64, t_ms: f64) -> CircuitFrame {
        CircuitFrame {
            now: snapshot(&self.layers, eng.state(), pattern, t_ms),
            history: self.history.iter().cloned().collect(),
            bundles: bundles(&self.layers, eng.network()),
            layers: self.layers.clone(),
        }
    }
}

fn layers(net: &Network) -> Vec<Layer> {
    let l = &net.params.layers;
    let nl = l.len() - 1;
    (0..=nl)
        .map(|k| {
            let inter = if 0 < k && k < nl { l[k + 1] } else { 0 };
            Layer {
                size: l[k],
                shown: shown(l[k]),
                inter_size: inter,
                inter_shown: shown(inter),
            }
        })
        .collect()
}

fn pick(v: &[f32], idx: &[usize]) -> Vec<f32> {
    idx.iter()
        .map(|&i| v.get(i).copied().unwrap_or(0.0))
        .collect()
}

/// The shown neurons' values in state `s`.
pub fn snapshot(layers: &[Layer], s: &State, pattern: u64, t_ms: f64) -> Snapshot {
    let nl = layers.len() - 1;
    let per = |v: &[Vec<f32>], inter: bool| -> Vec<Vec<f32>> {
        (1..=nl)
            .map(|k| {
                let idx = if inter {
                    &layers[k].inter_shown
                } else {
                    &layers[k].shown
                };
                if (inter || v[k].is_empty()) && k == nl {
                    Vec::new()
                } else {
                    pick(&v[k], idx)
                }
            })
            .collect()
    };
    Snapshot {
        pattern,
        t_ms,
        input: pick(&s.r[0], &layers[0].shown),
        v_b: per(&s.v_b, false),
        u: per(&s.u, false),
        v_a: per(&s.v_a, false),
        u_i: per(&s.u_i, true),
        target: pick(&s.u_trgt, &layers[nl].shown),
        mean_abs_apical: s.mean_abs_apical(),
    }
}

/// One bundle per projection family and layer, between the shown neurons.
pub fn bundles(layers: &[Layer], net: &Network) -> Vec<Bundle> {
    let nl = layers.len() - 1;
    let mut out = Vec::new();
    for proj in Projection::ALL {
        for (k, m) in net.w.get(proj).iter().enumerate() {
            if m.data.is_empty() || k == 0 || k > nl {
                continue;
            }
            // Post and pre neurons of W_k (weights.rs): up k−1 → k, ip k → I_k,
            // pi I_k → k, down k+1 → k.
            let (post, pre) = match proj {
                Projection::Up => (&layers[k].shown, &layers[k - 1].shown),
                Projection::Ip => (&layers[k].inter_shown, &layers[k].shown),
                Projection::Pi => (&layers[k].shown, &layers[k].inter_shown),
                Projection::Down => (&layers[k].shown, &layers[(k + 1).min(nl)].shown),
            };
            let n_pre = match proj {
                Projection::Up => layers[k - 1].size,
                Projection::Ip => layers[k].size,
                Projection::Pi => layers[k].inter_size,
                Projection::Down => layers[(k + 1).min(nl)].size,
            };
            let w: Vec<f32> = post
                .iter()
                .flat_map(|&i| pre.iter().map(move |&j| m.data[i * m.cols + j]))
                .collect();
            let all =
                (0..m.rows).flat_map(|i| m.data[i * m.cols..i * m.cols + n_pre.min(m.cols)].iter());
            let (mut sum, mut sum_abs, mut max_abs, mut n) = (0.0f64, 0.0f64, 0.0f32, 0usize);
            for &x in all {
                sum += x as f64;
                sum_abs += x.abs() as f64;
                max_abs = max_abs.max(x.abs());
                n += 1;
            }
            let n = n.max(1) as f64;
            out.push(Bundle {
                projection: proj,
                layer: k,
                rows: post.len(),
                cols: pre.len(),
                w,
                mean: (sum / n) as f32,
                mean_abs: (sum_abs / n) as f32,
                max_abs,
            });
        }
    }
    out
}

/// Replays one pattern (`x`, `target`) from state `from` on a copy of `net`,
/// plasticity off: [`Phase::Arrives`], [`Phase::Nudged`], [`Phase::Released`],
/// each `t_pattern` long. Small networks run PyraLNet's Euler steps
/// ([`DEMO_MOMENTS`] moments per phase), large ones SteadNet (one per phase).
pub fn demo(
    net: &Network,
    from: &State,
    x: &[f32],
    target: &[f32],
    pattern: u64,
    seed: u64,
) -> Result<Demo> {
    let layers = layers(net);
    let p = &net.params;
    let steps = 3 * p.steps_per_pattern();
    let euler = p.n_synapses().saturating_mul(steps) <= DEMO_EULER_WORK;
    let phase_ms = p.t_pattern as f64;
    let per_phase = if euler { DEMO_MOMENTS } else { 1 };
    let mut copy = net.clone();
    // Each `present` advances one moment: t_pattern / per_phase of dynamics.
    copy.params.t_pattern = p.t_pattern / per_phase as f32;
    let kind = if euler {
        EngineKind::PyraLNet
    } else {
        EngineKind::SteadNet
    };
    (copy.params.learning_lag, copy.params.out_lag) = (0.0, 0.0);
    if euler && copy.params.steps_per_pattern() == 0 {
        return Err(Error::param(
            "t_pattern",
            p.t_pattern,
            format!("at least {DEMO_MOMENTS} Euler steps for the replay"),
        ));
    }
    let mut eng = crate::model::build(kind, copy, seed);
    *eng.state_mut() = from.clone();
    let mut moments = Vec::with_capacity(3 * per_phase);
    for (i, phase) in [Phase::Arrives, Phase::Nudged, Phase::Released]
        .into_iter()
        .enumerate()
    {
        let t = (phase == Phase::Nudged).then_some(target);
        for m in 0..per_phase {
            eng.present(x, t, false)?;
            let t_ms = phase_ms * (i as f64 + (m + 1) as f64 / per_phase as f64);
            moments.push(Moment {
                phase,
                snap: snapshot(&layers, eng.state(), pattern, t_ms),
            });
        }
    }
    Ok(Demo {
        bundles: bundles(&layers, net),
        layers,
        engine: kind,
        phase_ms,
        moments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::app::config::AppConfig;

    #[test]
    fn subsets_are_representative_and_bounded() {
        assert_eq!(shown(3), vec![0, 1, 2]);
        let s = shown(120);
        assert_eq!(s.len(), MAX_SHOWN);
        assert_eq!((s[0], s[11]), (0, 119));
        assert!(s.windows(2).all(|w| w[1] > w[0] && w[1] - w[0] >= 10));
        assert_eq!(shown(500).len(), MAX_SHOWN);
    }

    fn app(preset: &str, engine: EngineKind) -> App {
        let mut c = AppConfig::from_preset(preset).unwrap();
        c.engine = engine;
        c.val_every = 1000;
        App::new(c).unwrap()
    }

    #[test]
    fn the_frame_holds_the_engines_state_and_weights() {
        for engine in [EngineKind::PyraLNet, EngineKind::SteadNet] {
            let mut a = app("yin_yang", engine);
            a.advance(7, &mut || false).unwrap();
            let f = a.circuit();
            let eng = a.trainer().engine();
            let (s, net) = (eng.state(), eng.network());
            assert_eq!(f.layers[1].size, 120);
            assert_eq!(f.layers[1].shown.len(), MAX_SHOWN);
            assert_eq!(f.layers[1].inter_size, 3);
            for (j, &i) in f.layers[1].shown.iter().enumerate() {
                assert_eq!(f.now.v_b[0][j], s.v_b[1][i]);
                assert_eq!(f.now.u[0][j], s.u[1][i]);
                assert_eq!(f.now.v_a[0][j], s.v_a[1][i]);
            }
            assert_eq!(f.now.u_i[0], s.u_i[1]);
            assert_eq!(f.now.u[1], s.u[2]);
            assert_eq!(f.now.target, s.u_trgt);
            assert_eq!(f.now.input, s.r[0][..4]);
            assert!(f.now.v_a[1].is_empty() && f.now.u_i[1].is_empty());
            assert_eq!(f.now.mean_abs_apical, s.mean_abs_apical());
            // The end-of-pattern history is the state after each pattern.
            assert_eq!(f.history.len(), 7);
            assert_eq!(f.history.last().unwrap().u, f.now.u);
            assert_eq!(f.now.pattern, 7);
            // Bundles: W^up_1 between the shown inputs and hidden neurons.
            assert_eq!(f.bundles.len(), 2 + 3);
            let up1 = &f.bundles[0];
            assert_eq!(
                (up1.projection, up1.layer, up1.rows, up1.cols),
                (Projection::Up, 1, 12, 4)
            );
            let m = &net.w.up[1];
            let i = f.layers[1].shown[5];
            assert_eq!(up1.w[5 * 4 + 2], m.data[i * m.cols + 2]);
            let down = f
                .bundles
                .iter()
                .find(|b| b.projection == Projection::Down)
                .unwrap();
            let md = &net.w.down[1];
            assert_eq!(
                down.w[4 * 3 + 1],
                md.data[f.layers[1].shown[4] * md.cols + 1]
            );
            let max = md.data.iter().fold(0.0f32, |a, x| a.max(x.abs()));
            assert_eq!(down.max_abs, max);
        }
    }

    #[test]
    fn history_keeps_the_last_patterns() {
        let mut a = app("mimic", EngineKind::SteadNet);
        a.advance(HISTORY_PATTERNS + 5, &mut || false).unwrap();
        let f = a.circuit();
        assert_eq!(f.history.len(), HISTORY_PATTERNS);
        assert_eq!(f.history[0].pattern, 6);
        assert_eq!(
            f.history.last().unwrap().pattern,
            HISTORY_PATTERNS as u64 + 5
        );
    }

    #[test]
    fn the_replay_nudges_and_releases_the_apical_potentials() {
        // Yin-Yang starts in the self-predicting state: without a target v_A ≈ 0;
        // the target makes it carry the error; released, it falls back.
        let mut a = app("yin_yang", EngineKind::PyraLNet);
        a.advance(3, &mut || false).unwrap();
        let before = a.checksum();
        let d = a.circuit_demo(0).unwrap();
        assert_eq!(a.checksum(), before, "the replay runs on a copy");
        assert_eq!(d.engine, EngineKind::PyraLNet);
        assert_eq!(d.moments.len(), 3 * DEMO_MOMENTS);
        let end = |ph: Phase| {
            d.moments
                .iter()
                .rfind(|m| m.phase == ph)
                .unwrap()
                .snap
                .mean_abs_apical
        };
        let peak = d
            .moments
            .iter()
            .filter(|m| m.phase == Phase::Nudged)
            .map(|m| m.snap.mean_abs_apical)
            .fold(0.0f32, f32::max);
        let (free, released) = (end(Phase::Arrives), end(Phase::Released));
        assert!(peak > 3.0 * free, "free {free}, nudged {peak}");
        assert!(released < 0.5 * peak, "released {released}, nudged {peak}");
        assert!(
            (released - free).abs() < 0.05 * peak,
            "{free} vs {released}"
        );
        assert!((d.moments.last().unwrap().snap.t_ms - 3.0 * d.phase_ms).abs() < 1e-9);
        // The input of the validation pattern arrives through the low-pass.
        let x = a.val.input(0);
        let last = &d.moments[DEMO_MOMENTS - 1].snap.input;
        assert!((last[0] - x[0]).abs() < 0.05, "{last:?} vs {x:?}");
    }
}
