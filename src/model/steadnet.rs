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
//! same compartment code with [`Solve::Steady`] instead of [`Solve::Euler`]).
//!
//! Generic over the arithmetic ([`Arith`]): `SteadNet` (= `SteadNet<Float>`) computes
//! in f32, `SteadNet<Bss2>` in the chip's formats (see [`crate::model::bss2`]).

use crate::error::Result;
use crate::model::arith::{Arith, Float};
use crate::model::engine::{Engine, EngineKind, check_pattern};
use crate::model::network::{Network, Solve, State};
use crate::model::record::Recorder;

/// The steady-state network, computing with arithmetic `A`.
#[derive(Debug, Clone)]
pub struct SteadNet<A: Arith = Float> {
    pub net: Network,
    pub state: State,
    arith: A,
    patterns: u64,
    recorder: Option<Recorder>,
}

impl SteadNet {
    /// Wraps `net` in its resting state, computing in f32 ([`crate::model::engine::build`]
    /// picks the arithmetic from the parameters).
    pub fn new(net: Network) -> Self {
        SteadNet::with_arith(net, Float)
    }
}

impl<A: Arith> SteadNet<A> {
    /// Wraps `net` in its resting state, computing with `arith`.
    pub fn with_arith(net: Network, arith: A) -> Self {
        let mut state = State::new(&net.params);
        state.rest_with(&net.params, &arith);
        SteadNet {
            net,
            state,
            arith,
            patterns: 0,
            recorder: None,
        }
    }

    /// Runs `n_passes` up-and-down passes with the current input (r_0) and target.
    pub fn settle(&mut self, nudged: bool) {
        let (net, s, a) = (&self.net, &mut self.state, &self.arith);
        let nl = net.params.n_layers();
        let st = Solve::Steady;
        for pass in 0..net.params.n_passes {
            // Later passes skip what would come out bit for bit as the downward pass
            // left it: v_A,k (from r_{k+1} and r^I_k, neither changed since the
            // downward pass computed it) and all of layer 1 (its basal input r_0 is
            // fixed too), so they start at layer 2 with the stored v_A.
            let first = if pass == 0 { 1 } else { 2 };
            for k in first..nl {
                net.basal(s, k);
                net.soma_hidden(s, k, st, pass > 0);
                net.rates(s, k, a);
            }
            net.basal(s, nl);
            net.soma_out(s, st, nudged);
            net.rates(s, nl, a);
            for k in (1..nl).rev() {
                net.inter_dendrite(s, k);
                net.soma_inter(s, k, st);
                net.rates_inter(s, k, a);
                net.apical(s, k);
                net.soma_hidden(s, k, st, true);
                net.rates(s, k, a);
            }
        }
    }
}

impl<A: Arith> Engine for SteadNet<A> {
    fn kind(&self) -> EngineKind {
        EngineKind::SteadNet
    }

    fn network(&self) -> &Network {
        &self.net
    }

    fn network_mut(&mut self) -> &mut Network {
        &mut self.net
    }

    fn state(&self) -> &State {
        &self.state
    }

    fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    fn present(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) -> Result<&[f32]> {
        check_pattern(&self.net, x, target)?;
        let n0 = x.len();
        self.state.r[0][..n0].copy_from_slice(x);
        self.arith.synaptic_rates(&mut self.state.r[0][..n0]);
        if let Some(t) = target {
            self.state.u_trgt.copy_from_slice(t);
        }
        let nudged = target.is_some();
        self.settle(nudged);
        if plastic {
            if self.net.params.reset_deltas {
                self.net.reset_deltas();
            }
            let p = &self.net.params;
            let dt_big = (p.t_pattern - p.learning_lag) / p.n_exposures as f32;
            let a = dt_big / (p.tau_w + dt_big);
            for _ in 0..p.n_exposures {
                self.net.errors(&mut self.state, &mut self.arith);
                let arith = &mut self.arith;
                self.net.plasticity(&self.state, |m, w, d, post, pre, eta| {
                    arith.update_discrete(m, w, d, post, pre, dt_big * eta, a)
                });
                self.settle(nudged);
            }
        }
        self.patterns += 1;
        if let Some(rec) = &mut self.recorder {
            let t = self.patterns as f64 * self.net.params.t_pattern as f64;
            rec.tick(t, &self.net, &self.state);
        }
        self.net.check(&self.state, self.patterns)?;
        Ok(self.state.output())
    }

    fn patterns(&self) -> u64 {
        self.patterns
    }

    fn set_recorder(&mut self, rec: Option<Recorder>) {
        self.recorder = rec;
    }

    fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    fn reset_state(&mut self) {
        self.state.rest_with(&self.net.params, &self.arith);
    }
}
