//! SteadNet: the steady-state approximation of PyraLNet (SPEC §4).
//!
//! With τ ≈ 0.5 ms ≪ t_pattern = 100 ms each compartment sits at its fixed point
//! `u = D / g_tot` most of the time. SteadNet replaces the settling by passes:
//! 1. upward, k = 1..N−1: `u_k = (g_B v_B,k + g_A v_A,k) / (g_l + g_B + g_A)`, on
//!    the first pass without v_A (the dendritic prediction v̂_B);
//! 2. output: `u_N = (1 − λ_out) g_B/(g_l+g_B) v_B,N + λ_out u_trgt` with a
//!    target, `g_B/(g_l+g_B) v_B,N` without;
//! 3. downward, k = N−1..1 (every hidden layer):
//!    `u^I_k = (1 − λ_inter) g_D/(g_l+g_D) v^I_k + λ_inter u_{k+1}`, then v_A,k and
//!    u_k with the full steady state;
//! 4. repeated n_passes times (later passes leave out what cannot have changed
//!    since the previous downward pass: layer 1 and the upward v_A; see
//!    [`SteadNet::settle`]). Then n_exposures weight updates with
//!    `dT = (t_pattern − learning_lag) / n_exposures`, `a = dT / (τ_w + dT)`:
//!    `Δ = (1 − a) Δ + a E`, `W += dT η Δ`, settling again after each.
//!
//! The fixed points above are those of PyraLNet's equations (both engines call the
//! same compartment code with `Solve::Steady` instead of `Solve::Euler`).
//!
//! Generic over the arithmetic ([`Arith`]): `SteadNet` (= `SteadNet<Float>`) computes
//! in f32, `SteadNet<Bss2>` in the chip's formats (see [`crate::model::bss2`]).

use std::ops::{Deref, DerefMut};

use crate::model::arith::{Arith, Consolidation, Float};
use crate::model::engine::{Core, Dynamics, EngineKind};
use crate::model::network::{Network, Solve};
use crate::model::params::Params;

/// SteadNet's consolidation step for a matrix with learning rate η (the module
/// doc): `dT = (t_pattern − learning_lag) / n_exposures`, `a = dT / (τ_w + dT)`,
/// `W += dT η Δ`. The chip export reads the PPU's constants from it too.
pub fn consolidation(p: &Params) -> impl Fn(f32) -> Consolidation + Copy + use<> {
    let dt_big = (p.t_pattern - p.learning_lag) / p.n_exposures as f32;
    let a = dt_big / (p.tau_w + dt_big);
    move |eta| Consolidation::Discrete {
        c_w: dt_big * eta,
        a,
    }
}

/// The steady-state network, computing with arithmetic `A`. Derefs to its
/// [`Core`] (`sim.net`, `sim.state`).
#[derive(Debug, Clone)]
pub struct SteadNet<A: Arith = Float> {
    core: Core<A>,
}

impl SteadNet {
    /// Wraps `net` in its resting state, computing in f32 ([`crate::model::build`]
    /// picks the arithmetic from the parameters).
    pub fn new(net: Network) -> Self {
        SteadNet::with_arith(net, Float)
    }
}

impl<A: Arith> SteadNet<A> {
    /// Wraps `net` in its resting state, computing with `arith`.
    pub fn with_arith(net: Network, arith: A) -> Self {
        SteadNet {
            core: Core::new(net, arith),
        }
    }

    /// Runs `n_passes` up-and-down passes with the current input (r_0) and target.
    pub fn settle(&mut self, nudged: bool) {
        let Core {
            net,
            state: s,
            arith: a,
            ..
        } = &mut self.core;
        let nl = net.params.n_layers();
        let st = Solve::Steady;
        for pass in 0..net.params.n_passes {
            // Later passes skip what would come out bit for bit as the downward pass
            // left it: v_A,k (from r_{k+1} and r^I_k, neither changed since the
            // downward pass computed it) and all of layer 1 (its basal input r_0 is
            // fixed too), so they start at layer 2 with the stored v_A.
            let first = if pass == 0 { 1 } else { 2 };
            for k in first..nl {
                net.basal(s, k, a);
                net.soma_hidden(s, k, st, pass > 0);
                net.rates(s, k, a);
            }
            net.basal(s, nl, a);
            net.soma_out(s, st, nudged);
            net.rates(s, nl, a);
            for k in (1..nl).rev() {
                net.inter_dendrite(s, k, a);
                net.soma_inter(s, k, st);
                net.rates_inter(s, k, a);
                net.apical(s, k, a);
                net.soma_hidden(s, k, st, true);
                net.rates(s, k, a);
            }
        }
    }
}

impl<A: Arith> Deref for SteadNet<A> {
    type Target = Core<A>;
    fn deref(&self) -> &Core<A> {
        &self.core
    }
}

impl<A: Arith> DerefMut for SteadNet<A> {
    fn deref_mut(&mut self) -> &mut Core<A> {
        &mut self.core
    }
}

impl<A: Arith> Dynamics for SteadNet<A> {
    const KIND: EngineKind = EngineKind::SteadNet;

    fn run(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) {
        let n0 = x.len();
        let c = &mut self.core;
        c.state.r[0][..n0].copy_from_slice(x);
        c.arith.synaptic_rates(&mut c.state.r[0][..n0]);
        if let Some(t) = target {
            c.state.u_trgt.copy_from_slice(t);
        }
        let nudged = target.is_some();
        self.settle(nudged);
        if plastic {
            if self.core.net.params.reset_deltas {
                self.core.net.reset_deltas();
            }
            let p = &self.core.net.params;
            let (step, exposures) = (consolidation(p), p.n_exposures);
            for _ in 0..exposures {
                let Core {
                    net, state, arith, ..
                } = &mut self.core;
                net.errors(state, arith);
                net.plasticity(state, |m, l, w, d, post, pre, eta| {
                    arith.update(m, l, w, d, post, pre, step(eta))
                });
                self.settle(nudged);
            }
        }
        let Core {
            net,
            state,
            patterns,
            recorder,
            ..
        } = &mut self.core;
        if let Some(rec) = recorder {
            // The tick of this pattern, counted from 1.
            let t = (*patterns + 1) as f64 * net.params.t_pattern as f64;
            rec.tick(t, net, state);
        }
    }

    fn output(&self) -> &[f32] {
        self.core.state.output()
    }
}
