//! The reference learners: backprop and feedback alignment on the microcircuit's
//! forward model, so that "how close does the microcircuit come to backprop?" is
//! measured on the same network, data and schedule.
//!
//! **Forward model**: the microcircuit's steady state without target and without
//! apical input (SPEC §1–4; in the self-predicting state v_A = 0):
//!
//! ```text
//! u_k = c_k W^up_k r_{k−1},  r_k = φ(u_k) (+ the bias entry),  output read as u_N
//! c_k = g_B/(g_l+g_B+g_A) (hidden),  c_N = g_B/(g_l+g_B) (output)
//! ```
//!
//! **Loss.** With a target u* shown the output soma settles at
//! `u_N = v̂_N + λ_out (u* − v̂_N)` (SPEC §4), so the output rule's error factor is
//! `φ(u_N) − φ(v̂_N) = λ_out δ_N + O(λ_out²)` with `δ_N = φ'(v̂_N) (u* − v̂_N)`, the
//! negative gradient in v̂_N of
//!
//! ```text
//! L = Σ_j ∫_{u*_j}^{v̂_j} φ'(s) (s − u*_j) ds = Σ_j [(v̂_j − u*_j) φ(v̂_j) − Φ(v̂_j) + Φ(u*_j)],  Φ' = φ
//! ```
//!
//! (logistic: Φ = softplus; soft-ReLU: Φ(u) = −Li₂(−e^u), see [`loss`]). Near the
//! target `L ≈ ½ Σ_j φ'(u*_j) (v̂_j − u*_j)²`: a squared error weighted by φ's slope.
//!
//! **Updates**, one pattern per step, every δ from the weights before the step:
//!
//! ```text
//! W^up_k += η_bp,k c_k δ_k r_{k−1}ᵀ          (= −η_bp,k ∂L/∂W^up_k for backprop)
//! backprop:            δ_k = φ'(u_k) ⊙ c_{k+1} (W^up_{k+1})ᵀ δ_{k+1}   (bias column left out)
//! feedback alignment:  δ_k = φ'(u_k) ⊙ c_{k+1} W^down_k δ_{k+1}
//! ```
//!
//! **Rates.** For small errors in the self-predicting state the microcircuit's hidden
//! error factor is `e_k = λ_A (1 − λ_I) φ'(u_k) ⊙ W^down_k e_{k+1}`
//! (λ_A = λ_hidden, λ_I = λ_inter), so with W^down = (W^up)ᵀ `e_k = s_k δ_k`,
//!
//! ```text
//! s_N = λ_out,   s_k = s_{k+1} λ_A (1 − λ_I) / c_{k+1},
//! ```
//!
//! and its traces integrate `E = e rᵀ` over the plastic time
//! `T = t_pattern − learning_lag` of each pattern: one pattern moves W^up_k by
//! `η^up_k T s_k δ_k rᵀ`. The same step for the reference learners is
//!
//! ```text
//! η_bp,k = η^up_k T s_k / c_k        (yin_yang: [26.98, 0.01504])
//! ```
//!
//! ([`derived_rates`]; `eta_bp` overrides it). Feedback alignment with this η
//! moves W^up as the microcircuit does with the same W^down.
//!
//! The reference learners compute in f32 only (`arith` must be float) and leave
//! the interneurons at rest.

use std::ops::{Deref, DerefMut};

use crate::model::arith::Float;
use crate::model::engine::{Core, Dynamics, EngineKind};
use crate::model::kernels;
use crate::model::network::{Network, Solve, State};
use crate::model::params::{Params, Transfer, layer};
use crate::model::weights::Mat;

/// A reference learner: `Reference<false>` is backprop, `Reference<true>` feedback
/// alignment. Derefs to its [`Core`].
#[derive(Debug, Clone)]
pub struct Reference<const FA: bool> {
    core: Core<Float>,
}

/// Online gradient descent on [`loss`].
pub type Backprop = Reference<false>;
/// The same, with the error sent down through W^down.
pub type FeedbackAlignment = Reference<true>;

impl<const FA: bool> Reference<FA> {
    /// Wraps `net` in its resting state.
    pub fn new(net: Network) -> Self {
        Reference {
            core: Core::new(net, Float),
        }
    }
}

/// The dendritic-prediction factor c_k of layer k (SPEC §1).
pub fn c_layer(p: &Params, k: usize) -> f32 {
    if k == p.n_layers() {
        p.g_b / (p.g_l + p.g_b)
    } else {
        p.g_b / (p.g_l + p.g_b + p.g_a)
    }
}

/// The microcircuit's error scale s_k (module doc): `e_k ≈ s_k δ_k`, k = 1..=N
/// (index 0 unused).
pub fn error_scales(p: &Params) -> Vec<f64> {
    let nl = p.n_layers();
    let mut s = vec![0.0f64; nl + 1];
    s[nl] = p.lambda_out() as f64;
    let hidden = p.lambda_hidden() as f64 * (1.0 - p.lambda_inter() as f64);
    for k in (1..nl).rev() {
        s[k] = s[k + 1] * hidden / c_layer(p, k + 1) as f64;
    }
    s
}

/// `η_bp,k = η^up_k T s_k / c_k` for k = 1..=N, in layer order (the list `eta_bp`
/// would hold).
pub fn derived_rates(p: &Params) -> Vec<f32> {
    let t = (p.t_pattern - p.learning_lag) as f64;
    let s = error_scales(p);
    (1..=p.n_layers())
        .map(|k| (layer(&p.eta_up, k) as f64 * t * s[k] / c_layer(p, k) as f64) as f32)
        .collect()
}

/// The rates the reference learners use: `eta_bp` if given, else derived.
pub fn rates(p: &Params) -> Vec<f32> {
    p.eta_bp.clone().unwrap_or_else(|| derived_rates(p))
}

/// `φ'(u)`: logistic `σ(u)(1 − σ(u))`, soft-ReLU `σ(u)`.
pub fn phi_prime(f: Transfer, u: f32) -> f32 {
    let s = kernels::logistic(u);
    match f {
        Transfer::Logistic => s * (1.0 - s),
        Transfer::SoftRelu => s,
    }
}

/// One output's term of the loss, `∫_{u*}^{v̂} φ'(s) (s − u*) ds`, in f64 (for
/// tests and reports; the learners need only its gradient).
pub fn loss(f: Transfer, v_hat: f64, u_star: f64) -> f64 {
    let sig = |u: f64| 1.0 / (1.0 + (-u).exp());
    let softplus = |u: f64| {
        if u > 0.0 {
            u + (-u).exp().ln_1p()
        } else {
            u.exp().ln_1p()
        }
    };
    match f {
        Transfer::Logistic => (v_hat - u_star) * sig(v_hat) - softplus(v_hat) + softplus(u_star),
        Transfer::SoftRelu => {
            // 20-point Gauss–Legendre on [u*, v̂] (smooth integrand): exact to
            // rounding for the spans a network produces.
            let (x, w) = gauss_legendre_20();
            let (mid, half) = ((v_hat + u_star) / 2.0, (v_hat - u_star) / 2.0);
            x.iter()
                .zip(&w)
                .map(|(&xi, &wi)| {
                    let s = mid + half * xi;
                    wi * sig(s) * (s - u_star)
                })
                .sum::<f64>()
                * half
        }
    }
}

/// Nodes and weights of 20-point Gauss–Legendre quadrature on [-1, 1], by Newton's
/// method on the Legendre polynomial.
fn gauss_legendre_20() -> ([f64; 20], [f64; 20]) {
    let n = 20;
    let (mut x, mut w) = ([0.0; 20], [0.0; 20]);
    for i in 0..n {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 0.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, z);
            for j in 2..=n {
                let p2 = ((2 * j - 1) as f64 * z * p1 - (j - 1) as f64 * p0) / j as f64;
                (p0, p1) = (p1, p2);
            }
            dp = n as f64 * (z * p1 - p0) / (z * z - 1.0);
            let dz = p1 / dp;
            z -= dz;
            if dz.abs() < 1e-15 {
                break;
            }
        }
        x[i] = z;
        w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
    }
    (x, w)
}

/// The forward model on input `x`: rates and potentials of every layer in `s`.
pub fn forward(net: &Network, s: &mut State, x: &[f32]) {
    let nl = net.params.n_layers();
    s.r[0][..x.len()].copy_from_slice(x);
    for k in 1..nl {
        net.basal(s, k, &mut Float);
        net.soma_hidden(s, k, Solve::Steady, false);
        net.rates(s, k, &Float);
    }
    net.basal(s, nl, &mut Float);
    net.soma_out(s, Solve::Steady, false);
    net.rates(s, nl, &Float);
}

/// δ_k for k = N..1 into `s.e_up[k]` after [`forward`], for target `u*`; through
/// W^down with `fa`, else through (W^up)ᵀ.
pub fn backward(net: &Network, s: &mut State, target: &[f32], fa: bool) {
    let p = &net.params;
    let nl = p.n_layers();
    let f = p.transfer;
    for (j, d) in s.e_up[nl].iter_mut().enumerate() {
        let u = s.u[nl][j];
        *d = phi_prime(f, u) * (target[j] - u);
    }
    for k in (1..nl).rev() {
        let c = c_layer(p, k + 1);
        let (lower, upper) = s.e_up.split_at_mut(k + 1);
        let (d_k, d_up) = (&mut lower[k], &upper[0]);
        if fa {
            let w = &net.w.down[k];
            kernels::matvec(&w.data, w.rows, w.cols, d_up, d_k);
        } else {
            // (W^up_{k+1})ᵀ δ_{k+1}, rows in order (a fixed summation order).
            let w = &net.w.up[k + 1];
            d_k.iter_mut().for_each(|x| *x = 0.0);
            for (j, &dj) in d_up.iter().enumerate() {
                let row = &w.data[j * w.cols..j * w.cols + d_k.len()];
                for (x, &wji) in d_k.iter_mut().zip(row) {
                    *x += wji * dj;
                }
            }
        }
        for (x, &u) in d_k.iter_mut().zip(&s.u[k]) {
            *x *= c * phi_prime(f, u);
        }
    }
}

/// Adds `scale_k c_k δ_k r_{k−1}ᵀ` to `w[k]` for every layer k, after
/// [`backward`] (`scale_k = 1`: the negative gradient of [`loss`]).
pub fn add_update(p: &Params, s: &State, w: &mut [Mat], scale: impl Fn(usize) -> f32) {
    for (k, m) in w.iter_mut().enumerate().skip(1) {
        let c = scale(k) * c_layer(p, k);
        let pre = &s.r[k - 1];
        for (row, &d) in m.data.chunks_exact_mut(m.cols).zip(&s.e_up[k]) {
            let cd = c * d;
            for (x, &r) in row.iter_mut().zip(pre) {
                *x += cd * r;
            }
        }
    }
}

impl<const FA: bool> Deref for Reference<FA> {
    type Target = Core<Float>;
    fn deref(&self) -> &Core<Float> {
        &self.core
    }
}

impl<const FA: bool> DerefMut for Reference<FA> {
    fn deref_mut(&mut self) -> &mut Core<Float> {
        &mut self.core
    }
}

impl<const FA: bool> Dynamics for Reference<FA> {
    const KIND: EngineKind = if FA {
        EngineKind::FeedbackAlignment
    } else {
        EngineKind::Backprop
    };

    fn run(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) {
        let Core {
            net,
            state,
            patterns,
            recorder,
            ..
        } = &mut self.core;
        forward(net, state, x);
        if let (Some(t), true) = (target, plastic) {
            state.u_trgt.copy_from_slice(t);
            backward(net, state, t, FA);
            let eta = rates(&net.params);
            add_update(&net.params, state, &mut net.w.up, |k| layer(&eta, k));
            net.sync_feedback();
        }
        if let Some(rec) = recorder {
            let t = (*patterns + 1) as f64 * net.params.t_pattern as f64;
            rec.tick(t, net, state);
        }
    }

    fn output(&self) -> &[f32] {
        self.core.state.output()
    }
}
