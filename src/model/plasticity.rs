//! Plasticity: the dendritic prediction rules of the four projections (SPEC §2).
//!
//! Every plastic matrix learns from a postsynaptic error factor `e` times its
//! presynaptic rates `ρ`, through a low-pass trace Δ:
//!
//! ```text
//! up    W^up_k    e = φ(u_k)   − φ(v̂_B,k),  v̂_B,k = c v_B,k   ρ = r_{k−1}
//! ip    W^ip_k    e = φ(u^I_k) − φ(v̂^I_k),  v̂^I_k = c_I v^I_k  ρ = r_k
//! pi    W^pi_k    e = −v_A,k                                   ρ = r^I_k
//! down  W^down_k  e = φ(u_k)   − φ(W^down_k r_{k+1})           ρ = r_{k+1}
//!
//! E = e ρᵀ,    τ_w dΔ/dt = E − Δ,    dW/dt = η Δ
//! ```
//!
//! with `c = g_B/(g_l+g_B+g_A)` in hidden layers, `g_B/(g_l+g_B)` at the output,
//! and `c_I = g_D/(g_l+g_D)`. PyraLNet integrates the traces with Euler at dt
//! (`W += dt η Δ` with the old Δ, then `Δ += dt/τ_w (E − Δ)`); SteadNet takes
//! `n_exposures` discrete steps of `dT` (`Δ = (1 − a) Δ + a E`, `a = dT/(τ_w + dT)`,
//! then `W += dT η Δ`). The number format of `e`, Δ and W is the arithmetic's
//! ([`Arith`]): the factors are computed by `Network::errors`, the updates
//! applied by `Network::plasticity`.
//!
//! A matrix with η = 0 is frozen: neither its factor nor its update is computed.
//! With `feedback: transpose` W^down (and a frozen W^pi) follow W^up after every
//! update (`Network::sync_feedback`).

use crate::model::arith::{Arith, MatrixId};
use crate::model::kernels::{Layout, matvec_in};
use crate::model::network::{Network, State};
use crate::model::params::{Params, layer};
use crate::model::weights::Projection;

/// Factors of the dendritic predictions `v̂ = c · v`.
#[derive(Debug, Clone, Copy)]
struct Predictions {
    /// g_B / (g_l + g_B + g_A), hidden pyramidal.
    c_hidden: f32,
    /// g_B / (g_l + g_B), output pyramidal.
    c_out: f32,
    /// g_D / (g_l + g_D), interneuron.
    c_inter: f32,
}

impl Predictions {
    fn new(p: &Params) -> Self {
        Predictions {
            c_hidden: p.g_b / (p.g_l + p.g_b + p.g_a),
            c_out: p.g_b / (p.g_l + p.g_b),
            c_inter: p.g_d / (p.g_l + p.g_d),
        }
    }
}

/// The plastic matrices of a network with `n_layers` = N layers in the order they
/// learn: every W^up_k, then per hidden layer k W^ip_k, W^pi_k, W^down_k. The
/// chip's readout noise and stochastic rounding draw in this order.
pub fn matrices(n_layers: usize) -> impl Iterator<Item = MatrixId> {
    let up = (1..=n_layers).map(|k| MatrixId {
        proj: Projection::Up,
        k,
    });
    let lateral = (1..n_layers).flat_map(|k| {
        [Projection::Ip, Projection::Pi, Projection::Down].map(|proj| MatrixId { proj, k })
    });
    up.chain(lateral)
}

/// The learning rate of matrix `m`.
pub fn eta(p: &Params, m: MatrixId) -> f32 {
    let rates = match m.proj {
        Projection::Up => &p.eta_up,
        Projection::Ip => &p.eta_ip,
        Projection::Pi => &p.eta_pi,
        Projection::Down => &p.eta_down,
    };
    layer(rates, m.k)
}

impl Network {
    /// Postsynaptic error factors of every plastic matrix, from the current state
    /// (see the module doc), in the number format of `a`. Needs fresh dendritic
    /// potentials.
    pub(crate) fn errors<A: Arith>(&self, s: &mut State, a: &mut A) {
        let p = &self.params;
        let d = Predictions::new(p);
        let nl = p.n_layers();
        for m in matrices(nl) {
            if eta(p, m) == 0.0 {
                continue;
            }
            let k = m.k;
            match m.proj {
                Projection::Up => {
                    let c = if k == nl { d.c_out } else { d.c_hidden };
                    let n = p.layers[k];
                    let (u, r, v) = (&s.u[k], &s.r[k][..n], &s.v_b[k]);
                    a.prediction_error(m, p.transfer, c, u, r, v, &mut s.e_up[k]);
                }
                Projection::Ip => {
                    let (u, r, v) = (&s.u_i[k], &s.r_i[k], &s.v_i[k]);
                    a.prediction_error(m, p.transfer, d.c_inter, u, r, v, &mut s.e_ip[k]);
                }
                Projection::Pi => a.apical_error(m, &s.v_a[k], &mut s.e_pi[k]),
                Projection::Down => {
                    let w = &self.w.down[k];
                    let layout = self.layout(w.cols);
                    let (r, e) = (&s.r[k + 1], &mut s.e_down[k]);
                    matvec_in(layout, &w.data, w.rows, w.cols, r, e);
                    let n = p.layers[k];
                    a.down_error(m, p.transfer, &s.u[k], &s.r[k][..n], &mut s.e_down[k]);
                }
            }
        }
    }

    /// Applies `update(matrix, layout, W, Δ, post, pre, η)` to every plastic matrix
    /// with its error factor and presynaptic rates: r_{k-1} (up), r_k (ip), r^I_k
    /// (pi), r_{k+1} (down).
    #[inline(always)]
    pub(crate) fn plasticity(
        &mut self,
        s: &State,
        mut update: impl FnMut(MatrixId, Layout, &mut [f32], &mut [f32], &[f32], &[f32], f32),
    ) {
        let nl = self.params.n_layers();
        for m in matrices(nl) {
            let eta = eta(&self.params, m);
            if eta == 0.0 {
                continue;
            }
            let k = m.k;
            let (post, pre): (&[f32], &[f32]) = match m.proj {
                Projection::Up => (&s.e_up[k], &s.r[k - 1]),
                Projection::Ip => (&s.e_ip[k], &s.r[k]),
                Projection::Pi => (&s.e_pi[k], &s.r_i[k]),
                Projection::Down => (&s.e_down[k], &s.r[k + 1][..self.params.layers[k + 1]]),
            };
            let layout = self.layout(pre.len());
            let w = &mut self.w.get_mut(m.proj)[k];
            let d = &mut self.delta.get_mut(m.proj)[k];
            update(m, layout, &mut w.data, &mut d.data, post, pre, eta);
        }
        self.sync_feedback();
    }
}
