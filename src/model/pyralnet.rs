//! PyraLNet: the full simulation of the microcircuit (SPEC §3).
//!
//! Forward Euler at dt: every compartment advances by `u += dt (D − g_tot u)`
//! (+ `σ √dt ξ` while a target is shown), all layers computing their updates from
//! the state at t and applying them together. Each pattern is shown for
//! `t_pattern`; the state is never reset between patterns. Input rates and target
//! potentials approach the pattern's values with τ_0:
//! `r_0 += dt/τ_0 (x − r_0)`, `u_trgt += dt/τ_0 (u* − u_trgt)`. From rest they
//! start at the first pattern's values (`lowpass_start: first_pattern`, as the
//! seed's code does) or at 0 (`zero`).
//!
//! Order within one step t → t + dt:
//! 1. input and target low-pass (they are driven from outside);
//! 2. dendrites from the rates at t: v_B, v^I, v_A;
//! 3. plasticity error factors from the state at t;
//! 4. somas: `u(t+dt) = u(t) + dt (D(t) − g_tot u(t))`;
//! 5. weights: `W += dt η Δ` with the old Δ, then `Δ += dt/τ_w (E − Δ)`;
//! 6. rates `r = φ(u(t+dt))`.
//!
//! Plasticity is off for the first `learning_lag` ms of each pattern.
//!
//! Generic over the arithmetic ([`Arith`]): `PyraLNet` (= `PyraLNet<Float>`) computes
//! in f32, `PyraLNet<Bss2>` in the chip's formats (see [`crate::model::bss2`]).

use std::ops::{Deref, DerefMut};

use crate::error::{Error, Result};
use crate::model::arith::{Arith, Consolidation, Float};
use crate::model::engine::{Core, Dynamics, EngineKind, EngineState};
use crate::model::kernels::Layout;
use crate::model::network::{Network, Solve};
use crate::model::params::{LowpassStart, Params};
use crate::model::record::Probe;
#[cfg(target_arch = "x86_64")]
use crate::model::simd;
use crate::rng::{SimRng, Stream};

/// PyraLNet's consolidation step for a matrix with learning rate η when the rule
/// runs every `every`-th Euler step, with a step of `h = every · dt`: `W += h η Δ`,
/// then `Δ += h/τ_w (E − Δ)`. The chip export reads the PPU's constants from it
/// too.
pub fn consolidation(p: &Params, every: u64) -> impl Fn(f32) -> Consolidation + Copy + use<> {
    let h = p.dt * every as f32;
    let c_d = h / p.tau_w;
    move |eta| Consolidation::Euler { c_w: h * eta, c_d }
}

/// The Euler-integrated network, computing with arithmetic `A`. Derefs to its
/// [`Core`] (`sim.net`, `sim.state`).
#[derive(Debug, Clone)]
pub struct PyraLNet<A: Arith = Float> {
    core: Core<A>,
    noise: SimRng,
    out: Vec<f32>,
    steps: u64,
    /// A matrix's entries while its layout changes (twice per pattern).
    scratch: Vec<f32>,
}

impl PyraLNet {
    /// Wraps `net` in its resting state, computing in f32; `seed` drives the somatic
    /// noise. ([`crate::model::build`] picks the arithmetic from the parameters.)
    pub fn new(net: Network, seed: u64) -> Self {
        PyraLNet::with_arith(net, seed, Float)
    }
}

impl<A: Arith> PyraLNet<A> {
    /// Wraps `net` in its resting state, computing with `arith`; `seed` drives the
    /// somatic noise.
    pub fn with_arith(net: Network, seed: u64, arith: A) -> Self {
        let n_out = net.params.layers[net.params.n_layers()];
        PyraLNet {
            core: Core::new(net, arith),
            noise: SimRng::new(seed, Stream::Noise),
            out: vec![0.0; n_out],
            steps: 0,
            scratch: Vec::new(),
        }
    }

    /// Euler steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// One Euler step with input rates `x` (see the module doc for the order).
    pub fn step(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) {
        #[cfg(target_arch = "x86_64")]
        if simd::wide() {
            // SAFETY: `wide()` is true only when the CPU reports AVX2.
            return unsafe { self.step_avx2(x, target, plastic) };
        }
        self.step_body(x, target, plastic)
    }

    /// [`Self::step`] compiled for AVX2 (src/model/simd.rs): the somas and the
    /// rates inlined here run eight lanes wide.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn step_avx2(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) {
        self.step_body(x, target, plastic)
    }

    #[inline(always)]
    fn step_body(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) {
        let Core {
            net,
            state: s,
            arith,
            ..
        } = &mut self.core;
        let p = &net.params;
        let nl = p.n_layers();
        let dt = p.dt;
        // τ_0 = 0 (or below dt) means the input switches at once.
        let a0 = if p.tau_0 > dt { dt / p.tau_0 } else { 1.0 };
        arith.input_lowpass(&mut s.x_lp, &mut s.r[0], x, a0);
        if let Some(t) = target {
            for (u, &ti) in s.u_trgt.iter_mut().zip(t) {
                *u += a0 * (ti - *u);
            }
        }
        for k in 1..=nl {
            net.basal(s, k, arith);
        }
        for k in 1..nl {
            net.inter_dendrite(s, k, arith);
            net.apical(s, k, arith);
        }
        // The rule runs every `every`-th step (1 in float), with a step of `every·dt`.
        let every = arith.plasticity_every();
        let learn = plastic && (every == 1 || (self.steps + 1) % every == 0);
        if learn {
            net.errors(s, arith);
        }
        let euler = Solve::Euler(dt);
        // Interneurons of layer k read u_{k+1}(t): update them before layer k+1.
        for k in 1..nl {
            net.soma_hidden(s, k, euler, true);
            net.soma_inter(s, k, euler);
        }
        net.soma_out(s, euler, target.is_some());
        let sigma = p.noise;
        if sigma > 0.0 && target.is_some() {
            let amp = sigma * dt.sqrt();
            for k in 1..=nl {
                for u in s.u[k].iter_mut().chain(s.u_i[k].iter_mut()) {
                    *u += amp * self.noise.normal();
                }
            }
        }
        if learn {
            let step = consolidation(p, every);
            net.plasticity(s, |m, l, w, d, post, pre, eta| {
                arith.update(m, l, w, d, post, pre, step(eta))
            });
        }
        for k in 1..=nl {
            net.rates(s, k, arith);
            if k < nl {
                net.rates_inter(s, k, arith);
            }
        }
        self.steps += 1;
    }
}

impl<A: Arith> Deref for PyraLNet<A> {
    type Target = Core<A>;
    fn deref(&self) -> &Core<A> {
        &self.core
    }
}

impl<A: Arith> DerefMut for PyraLNet<A> {
    fn deref_mut(&mut self) -> &mut Core<A> {
        &mut self.core
    }
}

impl<A: Arith> Dynamics for PyraLNet<A> {
    const KIND: EngineKind = EngineKind::PyraLNet;

    fn run(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) {
        let p = &self.core.net.params;
        let (steps, lag, out_from) = (p.steps_per_pattern(), p.lag_steps(), p.out_lag_steps());
        let dt = p.dt as f64;
        let start_at_first = p.lowpass_start == LowpassStart::FirstPattern;
        if plastic && p.reset_deltas {
            self.core.net.reset_deltas();
        }
        if start_at_first {
            let Core {
                state: s, arith, ..
            } = &mut self.core;
            if !s.x_started {
                // lp = 0 + 1·(x − 0) = x exactly, in either arithmetic.
                arith.input_lowpass(&mut s.x_lp, &mut s.r[0], x, 1.0);
            }
            if let (Some(t), false) = (target, s.trgt_started) {
                s.u_trgt.copy_from_slice(t);
            }
        }
        self.core.state.x_started = true;
        self.core.state.trgt_started |= target.is_some();
        self.out.iter_mut().for_each(|o| *o = 0.0);
        // Narrow matrices column-major while the steps run (same bits, fewer
        // instructions; see `Network::set_narrow_layout`). A recorder that reads
        // weights at its ticks reads them row-major (the page's potentials trace
        // reads none).
        let columns = A::NARROW_COLUMNS
            && (self.core.recorder.as_ref())
                .is_none_or(|r| !r.probes().iter().any(Probe::reads_weights));
        if columns {
            self.core
                .net
                .set_narrow_layout(Layout::Columns, &mut self.scratch);
        }
        for i in 0..steps {
            self.step(x, target, plastic && i >= lag);
            if i >= out_from {
                for (o, u) in self.out.iter_mut().zip(self.core.state.output()) {
                    *o += u;
                }
            }
            let Core {
                net,
                state,
                recorder,
                ..
            } = &mut self.core;
            if let Some(rec) = recorder {
                rec.tick(self.steps as f64 * dt, net, state);
            }
        }
        self.core
            .net
            .set_narrow_layout(Layout::Rows, &mut self.scratch);
        let n_avg = (steps - out_from.min(steps - 1)) as f32;
        self.out.iter_mut().for_each(|o| *o /= n_avg);
    }

    fn output(&self) -> &[f32] {
        &self.out
    }

    fn save_own(&self, s: &mut EngineState) {
        (s.noise, s.steps) = (Some(self.noise.state()), Some(self.steps));
    }

    fn load_own(&mut self, s: &EngineState) -> Result<()> {
        let (Some(noise), Some(steps)) = (&s.noise, s.steps) else {
            return Err(Error::data(
                "checkpoint engine_state",
                "PyraLNet needs its noise stream (noise) and step count (steps)",
            ));
        };
        self.noise = SimRng::from_state(noise, "checkpoint engine_state.noise")?;
        self.steps = steps;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Feedback;
    use crate::model::record::Recorder;

    /// The network after a few training patterns, with a recorder of `probe`
    /// attached: one that reads weights keeps the narrow matrices row-major.
    fn trained(p: &Params, probe: Option<Probe>) -> Network {
        let mut sim = PyraLNet::new(Network::new(p.clone(), 3).unwrap(), 4);
        if let Some(probe) = probe {
            let rec = Recorder::new(&sim.net, vec![probe], 7, 100).unwrap();
            sim.core.recorder = Some(rec);
        }
        let (n_in, n_out) = (p.layers[0], p.layers[p.n_layers()]);
        for k in 0..3 {
            let x: Vec<f32> = (0..n_in).map(|i| ((i + k) % 3) as f32 / 2.0).collect();
            let t: Vec<f32> = (0..n_out)
                .map(|i| 0.1 + 0.4 * ((i + k) % 2) as f32)
                .collect();
            sim.run(&x, Some(&t), true);
        }
        sim.core.net.clone()
    }

    #[test]
    fn column_major_steps_give_the_row_major_bits() {
        let mut transposed = Params::mimic();
        transposed.feedback = Feedback::Transpose;
        for p in [Params::yin_yang(), Params::mimic(), transposed] {
            let cols = trained(&p, None);
            let rows = trained(&p, Some(Probe::SpsDistance));
            assert_ne!(
                cols.checksum(),
                Network::new(p.clone(), 3).unwrap().checksum()
            );
            assert_eq!(cols.checksum(), rows.checksum(), "{:?}", p.layers);
            assert_eq!(cols, rows, "{:?}", p.layers);
            // A recorder of potentials only (the page's) keeps the column steps.
            assert_eq!(cols, trained(&p, Some(Probe::MeanAbsApical)));
        }
    }
}
