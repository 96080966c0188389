//! BrainScaleS-2 number formats (SPEC §6) and the arithmetic [`Bss2`] that makes
//! both engines compute with them.
//!
//! Formats, each with its equation:
//! - **weight**: signed code `w ∈ −63..=63` (6-bit magnitude, sign by row) times a
//!   per-projection scale `s` fixed at initialisation, `W = s · w`; updates saturate
//!   at ±63, never wrap ([`WeightScales`] gives `s`).
//! - **synaptic input** (rate): 5-bit `x = clamp(round(31 r / r_max), 0, 31)`,
//!   `r = x · r_max / 31` ([`rate_code`]).
//! - **readout** (CADC, offset-corrected): int8
//!   `q = clamp(round(128 v / V + σ ξ), −128, 127)`, `v = q V / 128`, with the
//!   potential range `V` and Gaussian noise `σ` in LSB ([`Bss2::read`]).
//! - **PPU fractions**: Q0.7 (int8, value `x / 2^7`) and Q0.15 (int16, value
//!   `x / 2^15`), the `fixed` crate's [`I1F7`] and [`I1F15`]: saturating add and
//!   subtract are theirs; the multiply is the PPU's `floor(a · b / 2^(n−1))`
//!   ([`mul_q7`], [`mul_q15`]), which truncates toward −∞ and saturates only for
//!   (−1)·(−1).
//! - **write-back**: the weight change is computed with `k = 15` fractional bits
//!   below one weight LSB, `u`, and written back as `floor(u / 2^k)` (floor) or
//!   `floor((u + U) / 2^k)` with `U` uniform in `[0, 2^k)` from the seeded
//!   generator's [`Stream::Hardware`] (stochastic; unbiased: `E = u / 2^k`).
//!
//! Plasticity (SPEC §2) on the chip, per synapse of a plastic matrix:
//! ```text
//! e  = Q0.7( g (φ(read u) − φ(read c v)) / r_max )   postsynaptic factor, gain g (−read v_A / V for W^pi)
//! ρ  = 4 x_pre                                          presynaptic factor, Q0.7 (= x / 32)
//! E  = mul15(e << 8, ρ << 8)                            = 2 e ρ exactly, Q0.15
//! SteadNet: Δ ← mul15(1 − a, Δ) ⊕ mul15(a, E)           ⊕: saturating Q0.15 add
//! PyraLNet: Δ ← Δ ⊕ mul15(dt/τ_w, E ⊖ Δ)                 (after the weight update)
//! u  = floor(Λ Δ / 2^15),  Λ = round(2^15 λ),  λ = c_w · unit(e) · unit(ρ) / s
//! w  ← clamp(w + round_k(u), −63, 63)
//! ```
//! With a write-back interval `B = arith.write_back_every > 1`, `u` is summed per
//! synapse (saturating 32-bit) over `B` updates of the matrix and only the sum is
//! rounded and written: `w ← clamp(w + round_k(Σ u), −63, 63)`. With
//! `arith.carry` the register keeps what the rounding left,
//! `a ← a − 2^k round_k(a)` (in `[0, 2^k)` for floor, `(−2^k, 2^k)` for
//! stochastic), instead of clearing it, so `w` stays within one LSB of the summed
//! updates (error feedback) and sub-LSB updates neither vanish (floor) nor add a
//! variance of `|u|` LSB² each (stochastic). The registers are part of a
//! checkpoint ([`crate::model::arith::ArithState`]).
//! `λ` converts a Q0.15 trace into weight LSB: `unit(e)` is `r_max` (rate errors)
//! or `V` (the apical potential), `unit(ρ) = 32 r_max / 31`, `c_w = dT η`
//! (SteadNet) or `dt η` (PyraLNet). In expectation (stochastic rounding, no
//! saturation) the code moves by `c_w E / s`, the float update in LSB.
//!
//! The dynamics stay analog (f32): the somas integrate dendritic sums of 6-bit
//! weights times 5-bit rates, as the chip's analog multiply-accumulate does.
//! Weights and traces are stored as `f32` values on their grids (`s · w`,
//! `Δ / 2^15`), so checkpoints, charts and the driver are unchanged.

use fixed::types::{I1F7, I1F15};

use crate::error::{Error, Result};
use crate::model::analog::{Analog, exact, fine_gain, gain, round_i32};
pub use crate::model::analog::{RATE_MAX, rate_code, weight_code};
use crate::model::arith::{Arith, ArithState, CarryState, Consolidation, LfsrState, MatrixId};
use crate::model::formats::{
    Accumulator, AnalogModel, ApicalMac, ArithConfig, PhiModel, RngModel, Rounding,
};
use crate::model::kernels::{Layout, matvec, matvec_pair, phi};
use crate::model::lfsr::LfsrBank;
use crate::model::network::Network;
use crate::model::params::{Params, Transfer, layer};
use crate::model::ppu::{PhiTable, factor_code};
use crate::model::weights::{Mat, Projection, Projections};
use crate::model::writeback::{Draws, Register};
pub use crate::model::writeback::{UPDATE_FRAC_BITS, W_MAX};
use crate::rng::{SimRng, Stream};

/// The PPU multiply in Q0.7: `floor(a · b / 2^7)`, saturating only for (−1)·(−1).
#[inline]
pub fn mul_q7(a: I1F7, b: I1F7) -> I1F7 {
    let p = (i16::from(a.to_bits()) * i16::from(b.to_bits())) >> 7;
    I1F7::from_bits(p.min(i16::from(i8::MAX)) as i8)
}

/// The PPU multiply in Q0.15: `floor(a · b / 2^15)`, saturating only for (−1)·(−1).
#[inline]
pub fn mul_q15(a: I1F15, b: I1F15) -> I1F15 {
    let p = (i32::from(a.to_bits()) * i32::from(b.to_bits())) >> 15;
    I1F15::from_bits(p.min(i32::from(i16::MAX)) as i16)
}

/// A real number as Q0.7, rounded to nearest and saturated (NaN → 0).
#[inline]
pub fn q7(x: f32) -> I1F7 {
    if x.is_nan() {
        I1F7::ZERO
    } else {
        I1F7::saturating_from_num(x)
    }
}

/// A real number as Q0.15, rounded to nearest and saturated (NaN → 0).
#[inline]
pub fn q15(x: f32) -> I1F15 {
    if x.is_nan() {
        I1F15::ZERO
    } else {
        I1F15::saturating_from_num(x)
    }
}

/// `floor(u / 2^k)` (floor) or `floor((u + U) / 2^k)`, U uniform in `[0, 2^k)`
/// (stochastic), for `k` in 1..=31.
#[inline]
pub fn round_shift(u: i64, k: u32, rounding: Rounding, rng: &mut SimRng) -> i64 {
    Draws::Pcg(rng).round(u, k, rounding, 0)
}

pub use crate::model::scales::WeightScales;

/// The Q0.15 constants of a trace step as the PPU holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceStep {
    /// PyraLNet: `Δ ← Δ ⊕ mul15(c_d, E ⊖ Δ)`, `c_d = P dt/τ_w`.
    Euler { c_d: I1F15 },
    /// SteadNet: `Δ ← mul15(keep, Δ) ⊕ mul15(a, E)`, `keep = 1 − a`.
    Discrete { keep: I1F15, a: I1F15 },
}

impl TraceStep {
    pub fn of(step: Consolidation) -> Self {
        match step {
            Consolidation::Euler { c_d, .. } => TraceStep::Euler { c_d: q15(c_d) },
            Consolidation::Discrete { a, .. } => TraceStep::Discrete {
                keep: q15(1.0 - a),
                a: q15(a),
            },
        }
    }
}

/// The chip's arithmetic: configuration, weight scales and the hardware stream of
/// the seeded generator (stochastic rounding, readout noise).
#[derive(Debug, Clone)]
pub struct Bss2 {
    cfg: ArithConfig,
    scales: WeightScales,
    rng: SimRng,
    // Q0.7 factors of the matrix being updated, widened to Q0.15 (scratch).
    post_q: Vec<I1F15>,
    pre_q: Vec<I1F15>,
    // With a write-back interval > 1: per matrix, the updates since the last
    // write-back and the accumulated weight changes (2^-15 LSB; shadow16: 2^-F).
    acc: Vec<(MatrixId, u32, Vec<i32>)>,
    // With `rng = lfsr`: the per-column registers of stochastic rounding.
    lfsr: LfsrBank,
    // With `analog = mock`: the MAC's noise and offsets (noise draws from `rng`).
    analog: Option<Analog>,
    // Scratch for the apical sum's second MAC.
    v_pi: Vec<f32>,
    // With `phi = table`: φ of every readout code.
    phi: Option<PhiTable>,
}

impl Bss2 {
    /// For a network with parameters `p`; `seed` is the run's seed.
    pub fn new(p: &Params, seed: u64) -> Self {
        Bss2 {
            cfg: p.arith.clone(),
            scales: WeightScales::new(p),
            rng: SimRng::new(seed, Stream::Hardware),
            post_q: Vec::new(),
            pre_q: Vec::new(),
            acc: Vec::new(),
            lfsr: LfsrBank::new(seed),
            analog: (p.arith.analog == AnalogModel::Mock).then(|| {
                let a = &p.arith;
                Analog::new(a.analog_noise, a.analog_offset, seed).centred(a.analog_center)
            }),
            v_pi: Vec::new(),
            phi: (p.arith.phi == PhiModel::Table)
                .then(|| PhiTable::logistic(p.arith.potential_range)),
        }
    }

    /// `out = W r` of matrix `m` through the mock MAC ([`crate::model::analog`]),
    /// or exact if `arith.analog_exact` lists it.
    fn mac(&mut self, m: MatrixId, w: &Mat, r: &[f32], out: &mut [f32]) {
        if exact(&self.cfg, m) {
            return matvec(&w.data, w.rows, w.cols, r, out);
        }
        self.mac_parts(m, &[(&w.data, w.cols, r)], w.rows, out);
    }

    /// One mock MAC over the parts `(w, cols, r)` onto `rows` neurons, at `m`'s
    /// gain and scale (for the joint apical pair, `m` = W^down_k: the shared scale).
    fn mac_parts(
        &mut self,
        m: MatrixId,
        parts: &[(&[f32], usize, &[f32])],
        rows: usize,
        out: &mut [f32],
    ) {
        let (g, s, r_max) = (gain(&self.cfg, m), self.scales.get(m), self.cfg.rate_max);
        // Readouts finest first: the fine one where `analog_fine_sends` gives it.
        let fine = fine_gain(&self.cfg, m);
        let gains = [fine.unwrap_or(g), g];
        let gains = &gains[usize::from(fine.is_none())..];
        let a = self.analog.as_mut().expect("analog = mock");
        a.mac_parts(m, parts, rows, s, r_max, gains, &mut self.rng, out);
    }

    /// The error factor of `φ(u) − φ(v)` from readout codes `cu`, `cv`: in f32
    /// (`phi = f32`) or from the Q0.15 table with the integer gain (`table`).
    #[inline]
    fn phi_error(&self, m: MatrixId, f: Transfer, cu: i32, cv: i32) -> f32 {
        match &self.phi {
            None => {
                let e = phi(f, self.potential(cu)) - phi(f, self.potential(cv));
                self.factor(m, e)
            }
            Some(t) => {
                let unit = self.post_unit(m);
                let code = factor_code(t.get(cu) - t.get(cv), unit, self.cfg.gain_rounding);
                code as f32 * (unit / 128.0)
            }
        }
    }

    /// The random stream's position and the carry registers, for a checkpoint.
    fn state(&self) -> ArithState {
        ArithState {
            rng: self.rng.state(),
            carry: (self.acc.iter())
                .map(|(m, count, acc)| CarryState {
                    matrix: *m,
                    count: *count,
                    acc: acc.clone(),
                })
                .collect(),
            lfsr: (self.lfsr.banks.iter())
                .map(|(m, s)| LfsrState {
                    matrix: *m,
                    state: s.clone(),
                })
                .collect(),
        }
    }

    /// Continues from [`Bss2::state`], checked against the weights' shapes and the
    /// write-back interval.
    fn restore(&mut self, s: &ArithState, w: &Projections) -> Result<()> {
        const WHAT: &str = "checkpoint engine_state.arith";
        let rng = SimRng::from_state(&s.rng, WHAT)?;
        let mut acc = Vec::with_capacity(s.carry.len());
        for (i, c) in s.carry.iter().enumerate() {
            let MatrixId { proj, k } = c.matrix;
            let len = w.get(proj).get(k).map_or(0, |m| m.data.len());
            let bad = |why: String| Error::data(format!("{WHAT}.carry[{i}]"), why);
            if len == 0 || c.acc.len() != len {
                return Err(bad(format!(
                    "{} registers for W^{}_{k}, which has {len} synapses",
                    c.acc.len(),
                    proj.name()
                )));
            }
            if c.count >= self.cfg.write_back_every.max(1) {
                return Err(bad(format!(
                    "count {}, allowed 0..{} (the write-back interval)",
                    c.count, self.cfg.write_back_every
                )));
            }
            if acc.iter().any(|(m, _, _)| *m == c.matrix) {
                return Err(bad(format!("W^{}_{k} listed twice", proj.name())));
            }
            // The shadow16 register is h − 2^F w with |h|, |2^F w| < 2^15.
            let lim = 1i64 << 16;
            let shadow = self.cfg.accumulator == Accumulator::Shadow16;
            if let Some(x) = (c.acc.iter()).find(|x| shadow && i64::from(**x).abs() >= lim) {
                return Err(bad(format!(
                    "register {x} outside the 16-bit shadow weight's −65535..=65535"
                )));
            }
            acc.push((c.matrix, c.count, c.acc.clone()));
        }
        let lfsr = self.lfsr.restore(&s.lfsr, w, WHAT)?;
        (self.rng, self.acc, self.lfsr) = (rng, acc, lfsr);
        Ok(())
    }

    /// Puts every weight on its 6-bit grid (`s · clamp(round(W / s), −63, 63)`) and
    /// every trace on the Q0.15 grid; values already on them stay.
    pub fn quantise(&self, net: &mut Network) {
        for proj in Projection::ALL {
            let n = net.w.get(proj).len();
            for k in 0..n {
                let s = self.scales.get(MatrixId { proj, k });
                let (w, d) = (net.w.get_mut(proj), net.delta.get_mut(proj));
                if w[k].data.is_empty() {
                    continue;
                }
                for x in w[k].data.iter_mut() {
                    *x = weight_code(*x, 1.0 / s) as f32 * s;
                }
                for x in d[k].data.iter_mut() {
                    *x = q15(*x).to_num::<f32>();
                }
            }
        }
    }

    /// 8-bit readout code of potential `v` (with the configured noise).
    #[inline]
    pub fn read(&mut self, v: f32) -> i32 {
        let mut y = v * (128.0 / self.cfg.potential_range);
        if self.cfg.readout_noise > 0.0 {
            y += self.cfg.readout_noise * self.rng.normal();
        }
        round_i32(y).clamp(-128, 127)
    }

    /// The potential a readout code stands for.
    #[inline]
    fn potential(&self, code: i32) -> f32 {
        code as f32 * (self.cfg.potential_range / 128.0)
    }

    /// A postsynaptic factor of matrix `m` as the Q0.7 number the PPU holds, back
    /// in its units.
    #[inline]
    fn factor(&self, m: MatrixId, e: f32) -> f32 {
        let unit = self.post_unit(m);
        q7(e / unit).to_num::<f32>() * unit
    }

    /// The per-projection weight scales.
    pub fn scales(&self) -> &WeightScales {
        &self.scales
    }

    /// Unit of the postsynaptic factor of matrix `m` (value of Q0.7 code 128):
    /// `V` for the apical potential, `r_max / gain` for rate errors.
    pub fn post_unit(&self, m: MatrixId) -> f32 {
        match (m.proj, &self.cfg.error_gain_up) {
            (Projection::Pi, _) => self.cfg.potential_range,
            (Projection::Up, Some(g)) => self.cfg.rate_max / layer(g, m.k),
            // W^ip_k learns to mirror W^up_{k+1}; its error has that layer's size.
            (Projection::Ip, Some(g)) => self.cfg.rate_max / g[m.k],
            _ => self.cfg.rate_max,
        }
    }

    /// `Λ = round(2^15 λ)`, `λ = c_w · unit(e) · unit(ρ) / s` (weight LSB per unit of
    /// Q0.15 trace), clamped to 2^40.
    pub fn lambda(&self, m: MatrixId, c_w: f32) -> i64 {
        let unit_pre = 32.0 * self.cfg.rate_max / RATE_MAX as f32;
        let lambda =
            c_w as f64 * self.post_unit(m) as f64 * unit_pre as f64 / self.scales.get(m) as f64;
        (lambda * 32768.0).round().clamp(0.0, (1u64 << 40) as f64) as i64
    }

    /// The Q0.7 factors of a matrix: posts as codes, pres as `4 x`.
    fn factors(&mut self, m: MatrixId, post: &[f32], pre: &[f32]) {
        let pu = 128.0 / self.post_unit(m);
        let r_max = self.cfg.rate_max;
        self.post_q.clear();
        self.post_q.extend(post.iter().map(|&e| {
            let c = round_i32(e * pu).clamp(-128, 127) as i16;
            I1F15::from_bits(c << 8)
        }));
        self.pre_q.clear();
        self.pre_q.extend(
            pre.iter()
                .map(|&r| I1F15::from_bits(((4 * rate_code(r, r_max)) as i16) << 8)),
        );
    }

    /// Applies `step(Δ, E) -> (Δ for the weight, new Δ)` to every synapse, then the
    /// weight change `u = floor(Λ Δ_w / 2^15)` written back with the configured
    /// rounding: at once, or with a write-back interval or carry through the
    /// synapse's accumulator.
    #[allow(clippy::too_many_arguments)]
    fn consolidate(
        &mut self,
        m: MatrixId,
        w: &mut [f32],
        delta: &mut [f32],
        post: &[f32],
        pre: &[f32],
        c_w: f32,
        step: impl Fn(I1F15, I1F15) -> (I1F15, I1F15),
    ) {
        self.factors(m, post, pre);
        let (e, rho) = (
            std::mem::take(&mut self.post_q),
            std::mem::take(&mut self.pre_q),
        );
        let big_lambda = self.lambda(m, c_w);
        let s = self.scales.get(m);
        let inv = 1.0 / s;
        let cols = pre.len();
        let rounding = self.cfg.rounding;
        let (every, carry) = (self.cfg.write_back_every, self.cfg.carry);
        let reg = Register {
            accumulator: self.cfg.accumulator,
            frac: self.cfg.shadow_frac_bits,
            carry,
            rounding,
        };
        // With a write-back interval or carry, u accumulates per synapse; every
        // `every`-th update writes the sum back with the configured rounding and
        // clears it, or with carry subtracts only what was written.
        let mut acc = if every > 1 || carry {
            let j = match self.acc.iter().position(|a| a.0 == m) {
                Some(j) => j,
                None => {
                    self.acc.push((m, 0, vec![0; w.len()]));
                    self.acc.len() - 1
                }
            };
            let (_, count, acc) = &mut self.acc[j];
            *count += 1;
            let write = *count == every;
            if write {
                *count = 0;
            }
            Some((acc.as_mut_slice(), write))
        } else {
            None
        };
        let mut draws = match self.cfg.rng {
            RngModel::Pcg => Draws::Pcg(&mut self.rng),
            RngModel::Lfsr => Draws::Lfsr(self.lfsr.get(m, e.len())),
        };
        // Row i of `w` is postsynaptic neuron i: a synapse column of the chip, whose
        // LFSR draws once per rounding, presynaptic inputs in order.
        for (i, &e_i) in e.iter().enumerate() {
            let row = i * cols..(i + 1) * cols;
            let (wr, dr) = (&mut w[row.clone()], &mut delta[row.clone()]);
            for (j, ((wij, dij), &rho_j)) in wr.iter_mut().zip(dr.iter_mut()).zip(&rho).enumerate()
            {
                let big_e = mul_q15(e_i, rho_j);
                // Δ is on the Q0.15 grid (Bss2::quantise), so this is exact.
                let d_old = I1F15::from_bits((*dij * 32768.0) as i16);
                let (d_w, d_new) = step(d_old, big_e);
                *dij = d_new.to_num::<f32>();
                let u = (big_lambda * i64::from(d_w.to_bits())) >> 15;
                let old = i64::from(weight_code(*wij, inv));
                let code = match &mut acc {
                    None => {
                        let dw = draws.round(u, UPDATE_FRAC_BITS, rounding, i);
                        (old + dw).clamp(-i64::from(W_MAX), i64::from(W_MAX))
                    }
                    Some((acc, write)) => {
                        match reg.step(&mut acc[row.start + j], u, old, *write, &mut draws, i) {
                            Some(c) => c,
                            None => continue,
                        }
                    }
                };
                *wij = code as f32 * s;
            }
        }
        (self.post_q, self.pre_q) = (e, rho);
    }
}

impl Arith for Bss2 {
    fn save(&self) -> Option<ArithState> {
        Some(self.state())
    }

    fn load(&mut self, s: Option<&ArithState>, w: &Projections) -> Result<()> {
        match s {
            Some(s) => self.restore(s, w),
            None => Err(Error::data(
                "checkpoint engine_state.arith",
                "missing: a run in the chip's formats needs its random stream and carry",
            )),
        }
    }

    fn plasticity_every(&self) -> u64 {
        u64::from(self.cfg.plasticity_every)
    }

    // Row-major only (`NARROW_COLUMNS` is false): `_layout` is always `Rows`.
    fn dendrite(&mut self, m: MatrixId, w: &Mat, _layout: Layout, r: &[f32], out: &mut [f32]) {
        match self.analog {
            None => matvec(&w.data, w.rows, w.cols, r, out),
            Some(_) => self.mac(m, w, r, out),
        }
    }

    fn apical_sum(
        &mut self,
        k: usize,
        _layout: Layout,
        down: &Mat,
        r: &[f32],
        pi: &Mat,
        r_i: &[f32],
        out: &mut [f32],
    ) {
        let at = |proj| MatrixId { proj, k };
        let (md, mp) = (at(Projection::Down), at(Projection::Pi));
        // Both exact: the same sum as `analog: ideal`, bit for bit.
        if self.analog.is_none() || (exact(&self.cfg, md) && exact(&self.cfg, mp)) {
            return matvec_pair(&down.data, r, &pi.data, r_i, down.rows, down.cols, out);
        }
        if self.cfg.analog_apical == ApicalMac::Joint {
            // One MAC over `[r_{k+1}; r^I_k]`: one scale (scales.rs), equal sends (validated).
            let parts = [(&down.data[..], down.cols, r), (&pi.data[..], pi.cols, r_i)];
            return self.mac_parts(md, &parts, down.rows, out);
        }
        // Two MACs (own scales and inputs), added digitally.
        let mut v_pi = std::mem::take(&mut self.v_pi);
        v_pi.resize(pi.rows, 0.0);
        self.mac(md, down, r, out);
        self.mac(mp, pi, r_i, &mut v_pi);
        for (o, p) in out.iter_mut().zip(&v_pi) {
            *o += p;
        }
        self.v_pi = v_pi;
    }

    fn synaptic_rates(&self, r: &mut [f32]) {
        let r_max = self.cfg.rate_max;
        for x in r.iter_mut() {
            *x = rate_code(*x, r_max) as f32 * (r_max / RATE_MAX as f32);
        }
    }

    fn input_lowpass(&self, lp: &mut [f32], r0: &mut [f32], x: &[f32], a: f32) {
        for ((l, r), &xi) in lp.iter_mut().zip(r0.iter_mut()).zip(x) {
            *l += a * (xi - *l);
            *r = *l;
        }
        self.synaptic_rates(&mut r0[..x.len()]);
    }

    fn prediction_error(
        &mut self,
        m: MatrixId,
        f: Transfer,
        c: f32,
        u: &[f32],
        _r: &[f32],
        v: &[f32],
        out: &mut [f32],
    ) {
        for ((o, &ui), &vi) in out.iter_mut().zip(u).zip(v) {
            // The prediction v̂ = c v is read, not c times a read of v: a clamped
            // readout then clamps soma and prediction alike.
            let (cu, cv) = (self.read(ui), self.read(c * vi));
            *o = self.phi_error(m, f, cu, cv);
        }
    }

    fn apical_error(&mut self, _m: MatrixId, v_a: &[f32], out: &mut [f32]) {
        for (o, &v) in out.iter_mut().zip(v_a) {
            // −(−128) saturates to 127.
            let code = (-self.read(v)).min(127);
            *o = self.potential(code);
        }
    }

    fn down_error(&mut self, m: MatrixId, f: Transfer, u: &[f32], _r: &[f32], out: &mut [f32]) {
        for (o, &ui) in out.iter_mut().zip(u) {
            let (cu, cv) = (self.read(ui), self.read(*o));
            *o = self.phi_error(m, f, cu, cv);
        }
    }

    fn update(
        &mut self,
        m: MatrixId,
        _layout: Layout,
        w: &mut [f32],
        delta: &mut [f32],
        post: &[f32],
        pre: &[f32],
        step: Consolidation,
    ) {
        let c_w = step.c_w();
        match TraceStep::of(step) {
            TraceStep::Euler { c_d } => {
                // The weight moves with the old Δ.
                self.consolidate(m, w, delta, post, pre, c_w, |d, e| {
                    (d, d.saturating_add(mul_q15(c_d, e.saturating_sub(d))))
                });
            }
            TraceStep::Discrete { keep, a } => {
                // The weight moves with the new Δ.
                self.consolidate(m, w, delta, post, pre, c_w, |d, e| {
                    let d1 = mul_q15(keep, d).saturating_add(mul_q15(a, e));
                    (d1, d1)
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b7(x: i8) -> I1F7 {
        I1F7::from_bits(x)
    }
    fn b15(x: i16) -> I1F15 {
        I1F15::from_bits(x)
    }

    #[test]
    fn floor_multiply_matches_the_worked_examples() {
        assert_eq!(mul_q7(b7(-12), b7(42)).to_bits(), -4);
        assert_eq!(mul_q7(b7(-4), b7(42)).to_bits(), -2);
        assert_eq!(mul_q15(b15(-3000), b15(20000)).to_bits(), -1832);
        // Only (−1)·(−1) saturates.
        assert_eq!(mul_q7(b7(-128), b7(-128)).to_bits(), 127);
        assert_eq!(mul_q15(b15(i16::MIN), b15(i16::MIN)).to_bits(), i16::MAX);
        assert_eq!(mul_q7(b7(-128), b7(127)).to_bits(), -127);
        assert_eq!(mul_q7(b7(127), b7(127)).to_bits(), 126);
        // Truncation toward −∞, not toward zero.
        assert_eq!(mul_q7(b7(-1), b7(1)).to_bits(), -1);
        assert_eq!(mul_q7(b7(1), b7(1)).to_bits(), 0);
        // Exhaustively: floor(a b / 128), saturating only at (−1)(−1).
        for a in i8::MIN..=i8::MAX {
            for b in i8::MIN..=i8::MAX {
                let want = ((a as i32 * b as i32) as f64 / 128.0).floor() as i32;
                let got = mul_q7(b7(a), b7(b)).to_bits() as i32;
                assert_eq!(got, want.min(127), "{a} * {b}");
            }
        }
    }

    #[test]
    fn add_and_sub_saturate_at_both_ends() {
        assert_eq!(b7(68).saturating_add(b7(80)).to_bits(), 127);
        assert_eq!(b7(-68).saturating_add(b7(-80)).to_bits(), -128);
        assert_eq!(b7(-100).saturating_sub(b7(100)).to_bits(), -128);
        assert_eq!(b7(100).saturating_sub(b7(-100)).to_bits(), 127);
        assert_eq!(b15(30000).saturating_add(b15(3000)).to_bits(), i16::MAX);
        assert_eq!(b15(-30000).saturating_sub(b15(3000)).to_bits(), i16::MIN);
        assert_eq!(b7(5).saturating_add(b7(-7)).to_bits(), -2);
        // Conversions saturate too.
        assert_eq!(q7(3.0).to_bits(), 127);
        assert_eq!(q7(-3.0).to_bits(), -128);
        assert_eq!(q15(1.0).to_bits(), i16::MAX);
        assert_eq!(q7(f32::NAN).to_bits(), 0);
    }

    #[test]
    fn round_trips_stay_within_one_lsb() {
        for i in -1000..=1000 {
            let x = i as f32 / 1000.0 * 0.999;
            assert!((q7(x).to_num::<f32>() - x).abs() <= 1.0 / 128.0, "{x}");
            assert!((q15(x).to_num::<f32>() - x).abs() <= 1.0 / 32768.0, "{x}");
            let r = (x + 1.0) / 2.0;
            let back = rate_code(r, 1.0) as f32 / 31.0;
            assert!((back - r).abs() <= 1.0 / 31.0, "{r}");
            let s = 0.01;
            let w = x * 0.63;
            let back = weight_code(w, 1.0 / s) as f32 * s;
            assert!((back - w).abs() <= s, "{w}");
        }
        // Codes map back to themselves exactly.
        for c in -63..=63 {
            assert_eq!(weight_code(c as f32 * 0.0137, 1.0 / 0.0137), c);
        }
        // Weights saturate, never wrap.
        assert_eq!(weight_code(1e9, 1.0), 63);
        assert_eq!(weight_code(-1e9, 1.0), -63);
        assert_eq!(rate_code(2.0, 1.0), 31);
        assert_eq!(rate_code(-0.5, 1.0), 0);
    }

    #[test]
    fn readout_is_offset_corrected_int8() {
        let mut p = Params::yin_yang();
        p.arith.kind = crate::model::formats::ArithKind::Bss2;
        let mut b = Bss2::new(&p, 1);
        assert_eq!(b.read(0.0), 0);
        assert_eq!(b.read(1.0), 32);
        assert_eq!(b.read(-4.0), -128);
        assert_eq!(b.read(100.0), 127);
        assert_eq!(b.read(-100.0), -128);
        // Readout noise in LSB: mean 0, sd σ.
        p.arith.readout_noise = 2.0;
        let mut b = Bss2::new(&p, 1);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| b.read(1.0) as f64 - 32.0).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!(mean.abs() < 0.05, "{mean}");
        // Rounding to the integer grid adds 1/12 LSB² of variance.
        assert!((sd - (4.0f64 + 1.0 / 12.0).sqrt()).abs() < 0.05, "{sd}");
    }

    #[test]
    fn stochastic_rounding_is_unbiased_and_floor_is_not() {
        let mut rng = SimRng::new(9, Stream::Hardware);
        let k = UPDATE_FRAC_BITS;
        for x in [0.3f64, -0.3, 0.01, -2.75, 0.5] {
            let u = (x * (1u64 << k) as f64).round() as i64;
            let exact = u as f64 / (1u64 << k) as f64;
            let n = 100_000;
            let sum: i64 = (0..n)
                .map(|_| round_shift(u, k, Rounding::Stochastic, &mut rng))
                .sum();
            let err = sum as f64 / n as f64 - exact;
            assert!(err.abs() < 0.05, "x {x}: mean error {err} LSB");
            assert_eq!(
                round_shift(u, k, Rounding::Floor, &mut rng) as f64,
                exact.floor()
            );
        }
    }
}
