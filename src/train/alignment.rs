//! How close the microcircuit's learning comes to backprop, measured at every
//! validation point without touching the run: angles between update directions
//! of the hidden layers' W^up over a fixed probe set of training patterns.
//!
//! For each hidden layer k, summed over the probe patterns, all from the current
//! weights:
//! - *micro*: what the run's own engine would change W^up_k by, each probe pattern
//!   trained on a copy of the engine as if it were the next pattern, with the
//!   traces Δ cleared so that the change is that pattern's own (for the reference
//!   learners this is their own step: 0° against themselves);
//! - *backprop*: `−∂L/∂W^up_k` on the forward model ([`crate::model::backprop`]);
//! - *fa*: the feedback-alignment update through the current W^down.
//!
//! Reported in degrees, `∠(a, b) = acos(⟨a, b⟩ / ‖a‖‖b‖)` over all entries of the
//! matrix (bias column included): `micro_vs_backprop_deg`, `micro_vs_fa_deg`,
//! `fa_vs_backprop_deg`, and `w_down_vs_w_up_t_deg = ∠(W^down_k, (W^up_{k+1})ᵀ)`
//! (bias column left out). An angle with a zero vector (a frozen layer) is `None`.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::error::Result;
use crate::model::backprop;
use crate::model::engine::Engine;
use crate::model::network::State;
use crate::model::weights::Mat;

/// Training patterns in the probe set (fewer if the set is smaller).
pub const PROBE_SIZE: usize = 32;

/// The angles at one validation point, one entry per hidden layer k = 1..N−1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub micro_vs_backprop_deg: Vec<Option<f64>>,
    pub micro_vs_fa_deg: Vec<Option<f64>>,
    pub fa_vs_backprop_deg: Vec<Option<f64>>,
    pub w_down_vs_w_up_t_deg: Vec<Option<f64>>,
}

impl Alignment {
    /// The four series by name, in the order of the CSV columns.
    pub fn series(&self) -> [(&'static str, &[Option<f64>]); 4] {
        [
            ("micro_vs_backprop_deg", &self.micro_vs_backprop_deg),
            ("micro_vs_fa_deg", &self.micro_vs_fa_deg),
            ("fa_vs_backprop_deg", &self.fa_vs_backprop_deg),
            ("w_down_vs_w_up_t_deg", &self.w_down_vs_w_up_t_deg),
        ]
    }

    /// Whether every angle is absent or within [0, 180] (checkpoints are checked).
    pub fn is_valid(&self) -> bool {
        self.series()
            .iter()
            .flat_map(|(_, v)| v.iter().flatten())
            .all(|a| (0.0..=180.0).contains(a))
    }
}

/// The probe set: `PROBE_SIZE` training patterns evenly spaced through the set (the
/// same for every run on that set).
pub fn probe(n_train: usize) -> Vec<usize> {
    let m = PROBE_SIZE.min(n_train);
    (0..m).map(|i| i * n_train / m.max(1)).collect()
}

/// The angle between two vectors in degrees (`None` if either is zero).
pub fn angle_deg(
    a: impl Iterator<Item = f64> + Clone,
    b: impl Iterator<Item = f64> + Clone,
) -> Option<f64> {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 || !(aa * bb).is_finite() {
        return None;
    }
    Some((ab / (aa * bb).sqrt()).clamp(-1.0, 1.0).acos().to_degrees())
}

fn mat_angle(a: &Mat, b: &Mat) -> Option<f64> {
    angle_deg(
        a.data.iter().map(|&x| x as f64),
        b.data.iter().map(|&x| x as f64),
    )
}

/// The angles of `eng` at its current weights over the patterns `probe` of `set`
/// (`u_low`/`u_high` give classification targets). `None` without hidden layers.
/// The engine is not changed: the microcircuit's updates are taken on copies.
pub fn measure(eng: &dyn Engine, set: &Dataset, probe: &[usize]) -> Result<Option<Alignment>> {
    let net = eng.network();
    let p = &net.params;
    let nl = p.n_layers();
    if nl < 2 || probe.is_empty() {
        return Ok(None);
    }
    let zeros = || -> Vec<Mat> {
        net.w
            .up
            .iter()
            .map(|m| Mat::zeros(m.rows, m.cols))
            .collect()
    };
    let (mut micro, mut bp, mut fa) = (zeros(), zeros(), zeros());
    let mut s = State::new(p);
    let mut target = vec![0.0f32; p.layers[nl]];
    for &i in probe {
        let x = set.input(i);
        set.target_into(i, p.u_low, p.u_high, &mut target);
        let mut copy = eng.boxed_clone();
        copy.set_recorder(None);
        copy.network_mut().reset_deltas();
        copy.train(x, &target)?;
        for (acc, (after, before)) in micro
            .iter_mut()
            .zip(copy.network().w.up.iter().zip(&net.w.up))
        {
            for (a, (x, y)) in acc.data.iter_mut().zip(after.data.iter().zip(&before.data)) {
                *a += x - y;
            }
        }
        backprop::forward(net, &mut s, x);
        for (fa_on, acc) in [(false, &mut bp), (true, &mut fa)] {
            backprop::backward(net, &mut s, &target, fa_on);
            backprop::add_update(p, &s, acc, |_| 1.0);
        }
    }
    let hidden = 1..nl;
    let per_layer = |a: &[Mat], b: &[Mat]| -> Vec<Option<f64>> {
        hidden.clone().map(|k| mat_angle(&a[k], &b[k])).collect()
    };
    let w_down_vs_w_up_t_deg = hidden
        .clone()
        .map(|k| {
            let (down, up) = (&net.w.down[k], &net.w.up[k + 1]);
            let t = (0..down.rows * down.cols).map(|ij| {
                let (i, j) = (ij / down.cols, ij % down.cols);
                up.data[j * up.cols + i] as f64
            });
            angle_deg(down.data.iter().map(|&x| x as f64), t)
        })
        .collect();
    Ok(Some(Alignment {
        micro_vs_backprop_deg: per_layer(&micro, &bp),
        micro_vs_fa_deg: per_layer(&micro, &fa),
        fa_vs_backprop_deg: per_layer(&fa, &bp),
        w_down_vs_w_up_t_deg,
    }))
}
