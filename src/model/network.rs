//! The microcircuit: weights, plasticity traces, neuron state, and the terms both
//! engines share (SPEC §1–2).
//!
//! Layers k = 1..N above the input (layer 0). Hidden layers k < N have pyramidal
//! neurons with basal, apical and somatic compartments and `n_{k+1}` interneurons:
//!
//! ```text
//! du_k/dt   = -g_l u_k + g_B (v_B,k - u_k) + g_A (v_A,k - u_k)          (hidden)
//! du_N/dt   = -g_l u_N + g_B (v_B,N - u_N) + g_som (u_trgt - u_N)        (output)
//! du^I_k/dt = -g_l u^I_k + g_D (v^I_k - u^I_k) + g_som (u_{k+1} - u^I_k) (interneurons)
//! v_B,k = W^up_k r_{k-1}      v_A,k = W^down_k r_{k+1} + W^pi_k r^I_k    v^I_k = W^ip_k r_k
//! ```
//!
//! Every compartment equation has the form `du/dt = D − g_tot u` with the drive
//! `D = Σ_x g_x v_x`; `Network::soma_*` compute D and g_tot once for both
//! engines: PyraLNet integrates `u += dt (D − g_tot u)`, SteadNet solves
//! `u = D / g_tot`.
//!
//! Indexing follows the SPEC: per-layer vectors are indexed by k, with index 0 the
//! input (rates only) and unused lateral slots left empty. With a bias input the
//! presynaptic rate vectors `r_k` (k < N) carry one extra trailing entry, the bias
//! rate, so the bias weights are ordinary columns of `W^up` and `W^ip` and learn by
//! the same rule.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::arith::{Arith, Float, MatrixId};
use crate::model::kernels;
use crate::model::kernels::Layout;
use crate::model::params::{Feedback, InitMode, Params, layer};
use crate::model::weights::{Mat, Projection, Projections, relayout};
use crate::rng::{SimRng, Stream};

/// Weights, plasticity traces Δ and parameters: everything a checkpoint holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub params: Params,
    pub w: Projections,
    /// Low-pass traces Δ of the plasticity (SPEC §2), same shapes as `w`.
    pub delta: Projections,
    /// How the narrow matrices of `w` and `delta` are stored: row-major, except
    /// while PyraLNet steps ([`Network::set_narrow_layout`]).
    narrow: Layout,
}

/// Potentials and rates of every population (the dynamic state). Checkpoints
/// keep all of it, the error factors included, so a resumed run is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Rates r_k = φ(u_k) for k = 0..=N (r_0: low-passed input), with the bias rate
    /// appended for k < N when the bias is on.
    pub r: Vec<Vec<f32>>,
    /// Somatic potentials u_k, k = 1..=N (index 0 empty).
    pub u: Vec<Vec<f32>>,
    /// Basal potentials v_B,k, k = 1..=N.
    pub v_b: Vec<Vec<f32>>,
    /// Apical potentials v_A,k, k = 1..N.
    pub v_a: Vec<Vec<f32>>,
    /// Interneuron somatic potentials u^I_k, k = 1..N.
    pub u_i: Vec<Vec<f32>>,
    /// Interneuron dendritic potentials v^I_k.
    pub v_i: Vec<Vec<f32>>,
    /// Interneuron rates r^I_k.
    pub r_i: Vec<Vec<f32>>,
    /// Low-passed target potentials u_trgt.
    pub u_trgt: Vec<f32>,
    /// Low-passed input of PyraLNet before the synapses quantise it (used by the
    /// hardware arithmetic; float keeps the low pass in r_0).
    pub(crate) x_lp: Vec<f32>,
    /// Whether the input (resp. target) low-pass has left rest: with
    /// [`crate::model::params::LowpassStart::FirstPattern`] PyraLNet starts it at the
    /// first pattern's values instead of 0.
    pub(crate) x_started: bool,
    pub(crate) trgt_started: bool,
    // Postsynaptic error factors of the plasticity rules (scratch).
    pub(crate) e_up: Vec<Vec<f32>>,
    pub(crate) e_ip: Vec<Vec<f32>>,
    pub(crate) e_pi: Vec<Vec<f32>>,
    pub(crate) e_down: Vec<Vec<f32>>,
}

impl State {
    /// The resting state: all potentials 0, rates φ(0), input rates 0.
    pub fn new(p: &Params) -> Self {
        let n = &p.layers;
        let nl = p.n_layers();
        let b = usize::from(p.bias.is_some());
        let per_layer = |f: &dyn Fn(usize) -> usize| (0..=nl).map(|k| vec![0.0f32; f(k)]).collect();
        let hidden = |k: usize| 0 < k && k < nl;
        let mut s = State {
            r: per_layer(&|k| if k < nl { n[k] + b } else { n[k] }),
            u: per_layer(&|k| if k > 0 { n[k] } else { 0 }),
            v_b: per_layer(&|k| if k > 0 { n[k] } else { 0 }),
            v_a: per_layer(&|k| if hidden(k) { n[k] } else { 0 }),
            u_i: per_layer(&|k| if hidden(k) { n[k + 1] } else { 0 }),
            v_i: per_layer(&|k| if hidden(k) { n[k + 1] } else { 0 }),
            r_i: per_layer(&|k| if hidden(k) { n[k + 1] } else { 0 }),
            u_trgt: vec![0.0; n[nl]],
            x_lp: vec![0.0; n[0]],
            x_started: false,
            trgt_started: false,
            e_up: per_layer(&|k| if k > 0 { n[k] } else { 0 }),
            e_ip: per_layer(&|k| if hidden(k) { n[k + 1] } else { 0 }),
            e_pi: per_layer(&|k| if hidden(k) { n[k] } else { 0 }),
            e_down: per_layer(&|k| if hidden(k) { n[k] } else { 0 }),
        };
        s.rest(p);
        s
    }

    /// Back to rest without reallocating.
    pub fn rest(&mut self, p: &Params) {
        self.rest_with(p, &Float);
    }

    /// Back to rest, with the rates as arithmetic `a` passes them to synapses.
    pub fn rest_with<A: Arith>(&mut self, p: &Params, a: &A) {
        for v in self
            .u
            .iter_mut()
            .chain(&mut self.v_b)
            .chain(&mut self.v_a)
            .chain(&mut self.u_i)
            .chain(&mut self.v_i)
            .chain(&mut self.r)
        {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        self.u_trgt.iter_mut().for_each(|x| *x = 0.0);
        self.x_lp.iter_mut().for_each(|x| *x = 0.0);
        (self.x_started, self.trgt_started) = (false, false);
        let nl = p.n_layers();
        for k in 1..=nl {
            let n = p.layers[k];
            kernels::phi_into(p.transfer, &self.u[k], &mut self.r[k][..n]);
            if k < nl {
                kernels::phi_into(p.transfer, &self.u_i[k], &mut self.r_i[k]);
            }
        }
        self.set_bias(p);
        for r in self.r.iter_mut().chain(&mut self.r_i) {
            a.synaptic_rates(r);
        }
    }

    /// The per-layer vectors by name (what checkpoints hold and check).
    fn layers(&self) -> [(&'static str, &Vec<Vec<f32>>); 11] {
        [
            ("r", &self.r),
            ("u", &self.u),
            ("v_b", &self.v_b),
            ("v_a", &self.v_a),
            ("u_i", &self.u_i),
            ("v_i", &self.v_i),
            ("r_i", &self.r_i),
            ("e_up", &self.e_up),
            ("e_ip", &self.e_ip),
            ("e_pi", &self.e_pi),
            ("e_down", &self.e_down),
        ]
    }

    /// Checks a state read from a checkpoint: every vector the length `p` gives
    /// it, every value finite.
    pub fn check_against(&self, p: &Params, what: &str) -> Result<()> {
        let want = State::new(p);
        let lens = |v: &Vec<Vec<f32>>| v.iter().map(Vec::len).collect::<Vec<_>>();
        let flat = |s: &State| {
            [
                ("u_trgt", vec![s.u_trgt.len()]),
                ("x_lp", vec![s.x_lp.len()]),
            ]
        };
        let shapes = |s: &State| {
            let per_layer = s.layers().map(|(name, v)| (name, lens(v)));
            per_layer.into_iter().chain(flat(s)).collect::<Vec<_>>()
        };
        for ((name, got), (_, want)) in shapes(self).into_iter().zip(shapes(&want)) {
            if got != want {
                return Err(Error::Shape {
                    what: format!("{what}.{name} (vector lengths)"),
                    expected: format!("{want:?}"),
                    found: format!("{got:?}"),
                });
            }
        }
        let per_layer = self
            .layers()
            .into_iter()
            .flat_map(|(n, v)| v.iter().map(move |x| (n, x)));
        let flat = [("u_trgt", &self.u_trgt), ("x_lp", &self.x_lp)];
        for (name, v) in per_layer.chain(flat) {
            if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                return Err(Error::data(
                    format!("{what}.{name}"),
                    format!("value {x} is not finite"),
                ));
            }
        }
        Ok(())
    }

    fn set_bias(&mut self, p: &Params) {
        if let Some(b) = p.bias {
            for k in 0..p.n_layers() {
                let n = p.layers[k];
                self.r[k][n] = b;
            }
        }
    }

    /// Output somatic potentials u_N.
    pub fn output(&self) -> &[f32] {
        self.u.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// Mean |v_A| over all hidden pyramidal neurons (0 without hidden layers).
    pub fn mean_abs_apical(&self) -> f32 {
        let (sum, n) = self
            .v_a
            .iter()
            .flatten()
            .fold((0.0f64, 0usize), |(s, n), x| (s + x.abs() as f64, n + 1));
        if n == 0 { 0.0 } else { (sum / n as f64) as f32 }
    }
}

/// How a compartment `du/dt = D − g_tot u` is solved: one forward Euler step of
/// length dt (PyraLNet) or its fixed point `u = D / g_tot` (SteadNet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Solve {
    Euler(f32),
    Steady,
}

impl Solve {
    #[inline(always)]
    pub(crate) fn apply(self, u: f32, drive: f32, g_tot: f32) -> f32 {
        match self {
            Solve::Euler(dt) => u + dt * (drive - g_tot * u),
            Solve::Steady => drive / g_tot,
        }
    }

    /// [`Solve::apply`] to a whole population whose drive is two weighted inputs,
    /// `D_i = a x_i + b y_i`. The `match` is taken once, outside the loop, so each
    /// arm is a plain loop that vectorises.
    #[inline(always)]
    fn population(self, u: &mut [f32], g_tot: f32, (a, x): (f32, &[f32]), (b, y): (f32, &[f32])) {
        #[inline(always)]
        fn each(u: &mut [f32], x: &[f32], y: &[f32], a: f32, b: f32, f: impl Fn(f32, f32) -> f32) {
            for ((u, &x), &y) in u.iter_mut().zip(x).zip(y) {
                *u = f(*u, a * x + b * y);
            }
        }
        match self {
            Solve::Euler(dt) => each(u, x, y, a, b, |u, d| Solve::Euler(dt).apply(u, d, g_tot)),
            Solve::Steady => each(u, x, y, a, b, |u, d| Solve::Steady.apply(u, d, g_tot)),
        }
    }
}

impl Network {
    /// A network with weights drawn from `params.init` by the seeded stream
    /// [`Stream::Init`]; zero traces.
    pub fn new(params: Params, seed: u64) -> Result<Self> {
        params.validate()?;
        let mut rng = SimRng::new(seed, Stream::Init);
        let mut w = Projections::zeros(&params);
        let init = &params.init;
        let nl = params.n_layers();
        // Draw order is fixed (per layer: up, down, ip, pi) so a seed pins every value.
        for k in 1..=nl {
            let m = &w.up[k];
            w.up[k] = Mat::uniform(m.rows, m.cols, init.up_range(k, nl), &mut rng);
            if k < nl {
                let m = &w.down[k];
                w.down[k] = Mat::uniform(m.rows, m.cols, init.down_range(k, nl), &mut rng);
                if init.mode == InitMode::Random {
                    let m = &w.ip[k];
                    w.ip[k] = Mat::uniform(m.rows, m.cols, init.w_ip, &mut rng);
                    let m = &w.pi[k];
                    w.pi[k] = Mat::uniform(m.rows, m.cols, init.w_pi, &mut rng);
                }
            }
        }
        let delta = Projections::zeros(&params);
        let narrow = Layout::Rows;
        let mut net = Network {
            params,
            w,
            delta,
            narrow,
        };
        // With transposed feedback W^down was still drawn, so the stream (and every
        // other weight) is that of fixed feedback.
        net.sync_feedback();
        if net.params.init.mode == InitMode::SelfPredicting {
            net.set_self_predicting();
        }
        Ok(net)
    }

    /// A network from given weights (a checkpoint), checked against the parameters.
    pub fn from_weights(
        params: Params,
        w: Projections,
        delta: Option<Projections>,
    ) -> Result<Self> {
        params.validate()?;
        w.check_against(&params, "weights")?;
        let delta = match delta {
            Some(d) => {
                d.check_against(&params, "plasticity traces")?;
                d
            }
            None => Projections::zeros(&params),
        };
        let narrow = Layout::Rows;
        Ok(Network {
            params,
            w,
            delta,
            narrow,
        })
    }

    /// Sets the lateral weights to the self-predicting state (SPEC §2):
    /// `W^pi_k = −W^down_k`, `W^ip_k = (g_l+g_D)/g_D · g_B/(g_l+g_B+g_A^{(k+1)}) · W^up_{k+1}`.
    pub fn set_self_predicting(&mut self) {
        let nl = self.params.n_layers();
        for k in 1..nl {
            let c = self.params.sps_factor(k);
            let (up, ip) = (&self.w.up[k + 1], &mut self.w.ip[k]);
            for (a, b) in ip.data.iter_mut().zip(&up.data) {
                *a = c * b;
            }
            let (down, pi) = (&self.w.down[k], &mut self.w.pi[k]);
            for (a, b) in pi.data.iter_mut().zip(&down.data) {
                *a = -b;
            }
        }
    }

    /// With [`Feedback::Transpose`]: `W^down_k = (W^up_{k+1})ᵀ` without the bias
    /// column, and `W^pi_k = −W^down_k` where W^pi is frozen (η^pi_k = 0), so that
    /// the self-predicting state holds. Nothing with fixed feedback.
    pub(crate) fn sync_feedback(&mut self) {
        if self.params.feedback != Feedback::Transpose {
            return;
        }
        for k in 1..self.params.n_layers() {
            for i in 0..self.w.down[k].rows {
                for j in 0..self.w.down[k].cols {
                    let (up, down) = (&self.w.up[k + 1], &self.w.down[k]);
                    let (to, from) = (self.at(down, i, j), self.at(up, j, i));
                    self.w.down[k].data[to] = up.data[from];
                }
            }
            if layer(&self.params.eta_pi, k) == 0.0 {
                let (down, pi) = (&self.w.down[k], &mut self.w.pi[k]);
                for (a, b) in pi.data.iter_mut().zip(&down.data) {
                    *a = -b;
                }
            }
        }
    }

    /// Distance from the self-predicting state, summed over hidden layers:
    /// `(‖W^ip − W^ip_SPS‖, ‖W^pi + W^down‖)` (Frobenius norms).
    pub fn sps_distance(&self) -> (f32, f32) {
        let nl = self.params.n_layers();
        let (mut d_ip, mut d_pi) = (0.0f64, 0.0f64);
        for k in 1..nl {
            let c = self.params.sps_factor(k);
            for (a, b) in self.w.ip[k].data.iter().zip(&self.w.up[k + 1].data) {
                d_ip += ((a - c * b) as f64).powi(2);
            }
            for (a, b) in self.w.pi[k].data.iter().zip(&self.w.down[k].data) {
                d_pi += ((a + b) as f64).powi(2);
            }
        }
        (d_ip.sqrt() as f32, d_pi.sqrt() as f32)
    }

    /// Stores the narrow matrices (fewer than 8 columns) of W and Δ in `layout`,
    /// through `scratch` (see [`relayout`]). PyraLNet keeps them
    /// column-major while it steps (no lane shuffles in its products and updates,
    /// the same bits) and row-major again before anything else reads them:
    /// everything outside the step kernels indexes row-major.
    pub(crate) fn set_narrow_layout(&mut self, layout: Layout, scratch: &mut Vec<f32>) {
        if layout == self.narrow {
            return;
        }
        for m in self.w.iter_mut().chain(self.delta.iter_mut()) {
            relayout(&mut m.data, (m.rows, m.cols), self.narrow, layout, scratch);
        }
        self.narrow = layout;
    }

    /// The layout of a matrix with `cols` columns.
    pub(crate) fn layout(&self, cols: usize) -> Layout {
        if kernels::is_narrow(cols) {
            self.narrow
        } else {
            Layout::Rows
        }
    }

    /// The offset of entry (i, j) of `m` in its data.
    fn at(&self, m: &Mat, i: usize, j: usize) -> usize {
        match self.layout(m.cols) {
            Layout::Rows => i * m.cols + j,
            Layout::Columns => j * m.rows + i,
        }
    }

    /// Sets every trace Δ to zero (`reset_deltas`).
    pub fn reset_deltas(&mut self) {
        self.delta.iter_mut().for_each(|m| m.fill(0.0));
    }

    /// Basal potential `v_B,k = W^up_k r_{k-1}`.
    pub(crate) fn basal<A: Arith>(&self, s: &mut State, k: usize, a: &mut A) {
        let m = MatrixId {
            proj: Projection::Up,
            k,
        };
        let (w, layout) = (&self.w.up[k], self.layout(self.w.up[k].cols));
        a.dendrite(m, w, layout, &s.r[k - 1], &mut s.v_b[k]);
    }

    /// Interneuron dendrite `v^I_k = W^ip_k r_k`.
    pub(crate) fn inter_dendrite<A: Arith>(&self, s: &mut State, k: usize, a: &mut A) {
        let m = MatrixId {
            proj: Projection::Ip,
            k,
        };
        let (w, layout) = (&self.w.ip[k], self.layout(self.w.ip[k].cols));
        a.dendrite(m, w, layout, &s.r[k], &mut s.v_i[k]);
    }

    /// Apical potential `v_A,k = W^down_k r_{k+1} + W^pi_k r^I_k`.
    pub(crate) fn apical<A: Arith>(&self, s: &mut State, k: usize, a: &mut A) {
        // Both matrices are n_k × n_{k+1}: one pass over the rows (float).
        let (wd, wp) = (&self.w.down[k], &self.w.pi[k]);
        let layout = self.layout(wd.cols);
        a.apical_sum(k, layout, wd, &s.r[k + 1], wp, &s.r_i[k], &mut s.v_a[k]);
    }

    /// Hidden pyramidal soma of layer k, `D = g_B v_B + g_A v_A` (with `apical`
    /// false, `D = g_B v_B`, whose steady state is the dendritic prediction v̂_B).
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    pub(crate) fn soma_hidden(&self, s: &mut State, k: usize, solve: Solve, apical: bool) {
        let p = &self.params;
        let g_tot = p.g_l + p.g_b + p.g_a;
        let g_a = if apical { p.g_a } else { 0.0 };
        solve.population(&mut s.u[k], g_tot, (p.g_b, &s.v_b[k]), (g_a, &s.v_a[k]));
    }

    /// Interneurons of layer k, `D = g_D v^I_k + g_som u_{k+1}`.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    pub(crate) fn soma_inter(&self, s: &mut State, k: usize, solve: Solve) {
        let p = &self.params;
        let g_tot = p.g_l + p.g_d + p.g_som;
        let (u_i, u) = (&mut s.u_i[k], &s.u[k + 1]);
        solve.population(u_i, g_tot, (p.g_d, &s.v_i[k]), (p.g_som, u));
    }

    /// Output soma, `D = g_B v_B,N (+ g_som u_trgt while a target is shown)`.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    pub(crate) fn soma_out(&self, s: &mut State, solve: Solve, nudged: bool) {
        let p = &self.params;
        let nl = p.n_layers();
        let (g_som, g_tot) = if nudged {
            (p.g_som, p.g_l + p.g_b + p.g_som)
        } else {
            (0.0, p.g_l + p.g_b)
        };
        solve.population(&mut s.u[nl], g_tot, (p.g_b, &s.v_b[nl]), (g_som, &s.u_trgt));
    }

    /// Pyramidal rates `r_k = φ(u_k)` as the synapses receive them (the bias entry
    /// stays).
    #[inline(always)]
    pub(crate) fn rates<A: Arith>(&self, s: &mut State, k: usize, a: &A) {
        let n = self.params.layers[k];
        kernels::phi_into(self.params.transfer, &s.u[k], &mut s.r[k][..n]);
        a.synaptic_rates(&mut s.r[k][..n]);
    }

    /// Interneuron rates `r^I_k = φ(u^I_k)` as the synapses receive them.
    #[inline(always)]
    pub(crate) fn rates_inter<A: Arith>(&self, s: &mut State, k: usize, a: &A) {
        kernels::phi_into(self.params.transfer, &s.u_i[k], &mut s.r_i[k]);
        a.synaptic_rates(&mut s.r_i[k]);
    }

    /// Stops a run that left the sane region: a non-finite or runaway potential
    /// (|u| > `max_potential`) is reported with its layer and population.
    pub fn check(&self, s: &State, pattern: u64) -> Result<()> {
        let bound = self.params.max_potential;
        let nl = self.params.n_layers();
        for k in 1..=nl {
            let pops: [(&str, &[f32]); 2] =
                [("pyramidal u", &s.u[k]), ("interneuron u_i", &s.u_i[k])];
            for (name, v) in pops {
                if let Some(x) = v.iter().find(|x| x.is_nan() || x.abs() > bound) {
                    let kind = if x.is_finite() {
                        format!("{name} (beyond ±{bound})")
                    } else {
                        name.to_string()
                    };
                    return Err(Error::Diverged {
                        layer: k,
                        quantity: kind,
                        value: x.to_string(),
                        pattern,
                    });
                }
            }
        }
        Ok(())
    }

    /// Sum of all weights as f64 bit patterns folded together: a checksum that
    /// changes with any single bit of any weight (determinism tests, browser vs.
    /// native comparison).
    pub fn checksum(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for m in self
            .w
            .up
            .iter()
            .chain(&self.w.ip)
            .chain(&self.w.pi)
            .chain(&self.w.down)
        {
            for x in &m.data {
                h ^= x.to_bits() as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_the_layers() {
        let mut p = Params::yin_yang();
        p.layers = vec![4, 6, 5, 3];
        p.eta_up = vec![0.1; 3];
        p.eta_ip = vec![0.0; 2];
        p.eta_pi = vec![0.0; 2];
        p.eta_down = vec![0.0; 2];
        let net = Network::new(p.clone(), 1).unwrap();
        assert!(net.w.up[1].has_shape(6, 5));
        assert!(net.w.up[3].has_shape(3, 6));
        assert!(net.w.ip[2].has_shape(3, 6));
        assert!(net.w.pi[1].has_shape(6, 5));
        let s = State::new(&p);
        assert_eq!(s.r[0].len(), 5);
        assert_eq!(s.r[0][4], 0.5);
        assert_eq!(s.r[3].len(), 3);
        assert_eq!(net.sps_distance(), (0.0, 0.0));
        assert_eq!(
            p.n_synapses(),
            6 * 5 + 5 * 7 + 3 * 6 + (5 * 7 + 2 * 30) + (3 * 6 + 2 * 15)
        );
    }

    #[test]
    fn checkpoint_shapes_are_checked() {
        let p = Params::mimic();
        let net = Network::new(p.clone(), 1).unwrap();
        let mut w = net.w.clone();
        w.up[1] = Mat::zeros(2, 2);
        let e = Network::from_weights(p.clone(), w, None).unwrap_err();
        assert!(matches!(e, Error::Shape { .. }), "{e}");
        let mut w = net.w.clone();
        w.pi[1].data[0] = f32::NAN;
        assert!(Network::from_weights(p, w, None).is_err());
    }
}
