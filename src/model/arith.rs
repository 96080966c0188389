//! The arithmetic the engines compute with: plain `f32` ([`Float`]) or the number
//! formats of the BrainScaleS-2 chip ([`crate::model::bss2::Bss2`], SPEC §6).
//!
//! Both engines are generic over [`Arith`] (`PyraLNet<A>`, `SteadNet<A>`) and call
//! it at the few points where the chip's formats enter the model:
//!
//! | where                        | float                         | BSS-2                                      |
//! |------------------------------|-------------------------------|--------------------------------------------|
//! | presynaptic rates `r`        | `r = φ(u)`                    | 5-bit: `r = round(31 r/r_max) r_max/31`    |
//! | error factors (what plasticity reads) | `r − φ(c v)`, `−v_A` | from 8-bit readouts of `u`, `v`, in Q0.7 |
//! | consolidation `Δ`, `W`       | `f32` low pass, `W += c_w Δ`  | Q0.15 low pass, 6-bit weight codes × scale |
//!
//! [`build`](crate::model::build) picks the monomorphised engine from
//! [`Params::arith`](crate::model::params::Params::arith), behind `Box<dyn Engine>`, so the
//! driver, the CLI and the browser do not change shape and the model code holds no
//! `if hardware` branch. [`Float`]'s methods are the kernels the engines called
//! before, inlined: the float path is the same code (benchmark in the README).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::kernels;
use crate::model::kernels::{Layout, matvec_in, matvec_pair_in};
use crate::model::outer;
use crate::model::params::Transfer;
use crate::model::weights::{Mat, Projection, Projections};
use crate::rng::RngState;

/// Identifies a plastic matrix: projection and layer k.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixId {
    pub proj: Projection,
    pub k: usize,
}

impl MatrixId {
    /// A tag to mix into the run's seed for a generator of this matrix alone, so
    /// its draws do not depend on the order in which matrices first draw.
    pub fn seed_tag(self) -> u64 {
        let proj = match self.proj {
            Projection::Up => 0u64,
            Projection::Ip => 1,
            Projection::Pi => 2,
            Projection::Down => 3,
        };
        (proj << 32 | self.k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// What an arithmetic carries from one pattern to the next beyond the network, for
/// checkpoints: the chip's random stream (stochastic rounding, readout noise) and
/// its per-synapse carry registers. Float arithmetic has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArithState {
    pub rng: RngState,
    pub carry: Vec<CarryState>,
    /// The per-column LFSR states of every matrix that has drawn (`arith.rng =
    /// lfsr`); absent in checkpoints written before them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lfsr: Vec<LfsrState>,
}

/// The LFSR states of one matrix, one per postsynaptic column
/// ([`crate::model::lfsr`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LfsrState {
    pub matrix: MatrixId,
    pub state: Vec<u16>,
}

/// The carry registers of one matrix: updates since its last write-back and the
/// accumulated weight change of every synapse (units of 2^-15 LSB; with the
/// `shadow16` accumulator, 2^-F LSB: the shadow weight minus the code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarryState {
    pub matrix: MatrixId,
    pub count: u32,
    pub acc: Vec<i32>,
}

/// One consolidation step of a plastic matrix: its trace Δ follows `E = post ·
/// preᵀ` and its weights W follow Δ (SPEC §2, [`crate::model::plasticity`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Consolidation {
    /// PyraLNet: `W += c_w Δ` (old Δ), then `Δ += c_d (E − Δ)`.
    Euler { c_w: f32, c_d: f32 },
    /// SteadNet: `Δ = (1 − a) Δ + a E`, then `W += c_w Δ` (new Δ).
    Discrete { c_w: f32, a: f32 },
}

impl Consolidation {
    /// The weight step's factor: `W += c_w Δ`.
    pub fn c_w(self) -> f32 {
        match self {
            Consolidation::Euler { c_w, .. } | Consolidation::Discrete { c_w, .. } => c_w,
        }
    }
}

/// The operations whose number format differs between float and the chip. The
/// error-factor methods write the postsynaptic factor of a dendritic prediction
/// rule (SPEC §2) into `out`; [`Arith::update`] applies one consolidation step to a
/// matrix `W` and its trace `Δ`, with `E = post · preᵀ`.
pub trait Arith: std::fmt::Debug + Clone + Send + 'static {
    /// Whether [`Arith::dendrite`], [`Arith::apical_sum`] and [`Arith::update`]
    /// take narrow matrices stored column-major ([`Layout::Columns`]), so that
    /// PyraLNet may keep them so while it steps.
    const NARROW_COLUMNS: bool = false;

    /// PyraLNet's Euler steps per plasticity update (`arith.plasticity_every`).
    fn plasticity_every(&self) -> u64 {
        1
    }

    /// Its state between patterns, for a checkpoint (None: it has none).
    fn save(&self) -> Option<ArithState> {
        None
    }

    /// Continues from a saved state, checked against the network's weights `w`.
    fn load(&mut self, s: Option<&ArithState>, _w: &Projections) -> Result<()> {
        match s {
            None => Ok(()),
            Some(_) => Err(Error::data(
                "checkpoint engine_state.arith",
                "chip state (random stream, carry) for a run in float arithmetic",
            )),
        }
    }

    /// Presynaptic rates as the synapses receive them, in place.
    fn synaptic_rates(&self, r: &mut [f32]);

    /// A dendritic sum `out = W r` of matrix `m` (basal: W^up, interneuron: W^ip),
    /// stored in `layout`.
    fn dendrite(&mut self, _m: MatrixId, w: &Mat, layout: Layout, r: &[f32], out: &mut [f32]) {
        matvec_in(layout, &w.data, w.rows, w.cols, r, out);
    }

    /// The apical sum of layer k, `out = W^down r_{k+1} + W^pi r^I_k` (two
    /// matrices of the same shape, stored in `layout`).
    #[allow(clippy::too_many_arguments)]
    fn apical_sum(
        &mut self,
        _k: usize,
        layout: Layout,
        down: &Mat,
        r: &[f32],
        pi: &Mat,
        r_i: &[f32],
        out: &mut [f32],
    ) {
        debug_assert!(down.has_shape(pi.rows, pi.cols));
        let (rows, cols) = (down.rows, down.cols);
        matvec_pair_in(layout, &down.data, r, &pi.data, r_i, rows, cols, out);
    }

    /// The low-pass input of PyraLNet, `lp += a (x − lp)`, and the rates `r_0` the
    /// synapses see. (Float keeps the low pass in `r_0` itself.)
    fn input_lowpass(&self, lp: &mut [f32], r0: &mut [f32], x: &[f32], a: f32);

    /// `out = φ(u) − φ(c v)`: soma `u` (with its rate `r = φ(u)`) against the
    /// dendritic prediction from the dendritic potential `v`.
    #[allow(clippy::too_many_arguments)]
    fn prediction_error(
        &mut self,
        m: MatrixId,
        f: Transfer,
        c: f32,
        u: &[f32],
        r: &[f32],
        v: &[f32],
        out: &mut [f32],
    );

    /// `out = −v_A` (the inter→pyr rule).
    fn apical_error(&mut self, m: MatrixId, v_a: &[f32], out: &mut [f32]);

    /// `out = φ(u) − φ(out)`, where `out` holds `W^down r_{k+1}` on entry.
    fn down_error(&mut self, m: MatrixId, f: Transfer, u: &[f32], r: &[f32], out: &mut [f32]);

    /// One consolidation step of matrix `m` (see [`Consolidation`]), stored in
    /// `layout`.
    #[allow(clippy::too_many_arguments)]
    fn update(
        &mut self,
        m: MatrixId,
        layout: Layout,
        w: &mut [f32],
        delta: &mut [f32],
        post: &[f32],
        pre: &[f32],
        step: Consolidation,
    );
}

/// Single-precision arithmetic: every method is the float kernel, inlined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Float;

impl Arith for Float {
    const NARROW_COLUMNS: bool = true;

    #[inline(always)]
    fn synaptic_rates(&self, _r: &mut [f32]) {}

    #[inline(always)]
    fn input_lowpass(&self, _lp: &mut [f32], r0: &mut [f32], x: &[f32], a: f32) {
        for (r, &xi) in r0.iter_mut().zip(x) {
            *r += a * (xi - *r);
        }
    }

    #[inline(always)]
    fn prediction_error(
        &mut self,
        _m: MatrixId,
        f: Transfer,
        c: f32,
        _u: &[f32],
        r: &[f32],
        v: &[f32],
        out: &mut [f32],
    ) {
        // r = φ(u) is already known.
        kernels::prediction_error_into(f, c, v, r, out);
    }

    #[inline(always)]
    fn apical_error(&mut self, _m: MatrixId, v_a: &[f32], out: &mut [f32]) {
        for (e, v) in out.iter_mut().zip(v_a) {
            *e = -v;
        }
    }

    #[inline(always)]
    fn down_error(&mut self, _m: MatrixId, f: Transfer, _u: &[f32], r: &[f32], out: &mut [f32]) {
        kernels::phi_in_place(f, out);
        for (e, r) in out.iter_mut().zip(r) {
            *e = r - *e;
        }
    }

    #[inline(always)]
    fn update(
        &mut self,
        _m: MatrixId,
        layout: Layout,
        w: &mut [f32],
        delta: &mut [f32],
        post: &[f32],
        pre: &[f32],
        step: Consolidation,
    ) {
        match step {
            Consolidation::Euler { c_w, c_d } => {
                outer::lowpass_euler(layout, w, delta, post, pre, c_w, c_d)
            }
            Consolidation::Discrete { c_w, a } => {
                outer::lowpass_discrete(layout, w, delta, post, pre, c_w, a)
            }
        }
    }
}
