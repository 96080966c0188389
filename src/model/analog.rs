//! The codes the synapse array sees (5-bit inputs, 6-bit signed weights) and its
//! analog multiply-accumulate (`arith.analog = mock`), as hxtorch's mock models it
//! (`perceptron/detail/mac.cpp`, gain and noise from `constants.h`).
//!
//! Which sums are analog: every dendritic sum of the network is one synapse array
//! multiplying weight codes by input codes, so with `mock` each of them is a MAC:
//! the basal `v_B,k = W^up_k r_{k−1}`, the interneuron dendrite
//! `v^I_k = W^ip_k r_k`, and the apical `v_A,k = W^down_k r_{k+1} + W^pi_k r^I_k`,
//! by default as two MACs added digitally (the projections may have their own
//! scales), so the apical potential carries the floor and noise of two readouts.
//! With `arith.analog_apical = joint` both projections' rows drive the same apical
//! column and are read once: one MAC over the inputs `[r_{k+1}; r^I_k]`, on one
//! weight scale (the larger of the pair's, [`crate::model::scales`]) and one gain
//! (equal sends, checked). In the self-predicting state
//! `W^pi = −W^down` with equal input codes, the joint sum is exactly 0, the split
//! one `floor(g S) + floor(−g S)`, −1 LSB whenever `g S` is not an integer. The
//! somas, the readouts for plasticity and the rule are unchanged
//! ([`crate::model::bss2`]).
//!
//! One MAC of matrix `m` with weight codes `w_ij ∈ −63..63` and input codes
//! `x_j ∈ 0..31`, per output channel `i` and block `b` of 128 inputs:
//! ```text
//! y_ib = clamp(floor(g Σ_{j∈b} x_j w_ij + o_ib + σ ξ), −128, 127)   ξ ~ N(0, 1), one per readout
//! y_i  = clamp(Σ_b y_ib, −128, 127)                                  digital sum, int8 as hxtorch's
//! v_i  = y_i · s r_max / (31 g)                                      back to the potential scale
//! ```
//! with `g = arith.analog_gain · sends(m)` (hxtorch's `gain · num_sends`), `σ =
//! arith.analog_noise` LSB, and fixed offsets `o_ib ~ N(0, arith.analog_offset²)`
//! drawn once per seed and matrix ([`Stream::Analog`]). The conversion is the one
//! that makes `v` the float sum in expectation (without clamp and floor): the
//! float path's `W r = (s w)(r_max x / 31)`. A matrix that `arith.analog_exact`
//! lists skips the MAC: its sums are the exact ones, as with `analog: ideal`.
//! `arith.analog_fine_sends` adds a second readout at more sends (range
//! extension): per neuron the finer `v` unless one of its codes hit the int8
//! ends, else the coarser one; each readout draws its own noise.
//!
//! A signed weight is two synapse rows, one excitatory with `max(w, 0)` and one
//! inhibitory with `max(−w, 0)`, driven by the same input and both onto the same
//! neuron (grenade's `compute/mac.cpp`): the membrane integrates their difference
//! and is read once per block, so the noise enters once per readout and the int8
//! clamp applies to the net sum `Σ x (w⁺ − w⁻) = Σ x w`, not to each row.

use crate::model::arith::MatrixId;
use crate::model::formats::{ArithConfig, PerMatrix};
use crate::model::kernels::{self, Layout};
use crate::model::params::layer;
use crate::model::weights::Projection;
use crate::model::writeback::W_MAX;
use crate::rng::{SimRng, Stream};

/// Largest synaptic input code (5 bits).
pub const RATE_MAX: i32 = 31;
/// Signed inputs per MAC block: 256 synapse rows, two per signed weight.
pub const BLOCK: usize = 128;
/// The readout's int8 range.
pub const OUT_MIN: i32 = -128;
pub const OUT_MAX: i32 = 127;

/// `round(x)` (half away from zero) as an integer, saturating, NaN → 0. Exact for
/// |x| < 2^22 (adding ½ is exact there); beyond, callers clamp anyway. Not
/// `f32::round`, which is a library call on the baseline x86-64 target and took a
/// third of the emulation's time.
#[inline(always)]
pub fn round_i32(x: f32) -> i32 {
    (x + 0.5f32.copysign(x)) as i32
}

/// `floor(x)` as an integer, saturating, NaN → 0; exact for |x| < 2^31 (the
/// truncation is exact, and one below it where it rounded up).
#[inline(always)]
pub fn floor_i32(x: f32) -> i32 {
    let t = x as i32;
    if (t as f32) > x { t - 1 } else { t }
}

/// 5-bit input code of rate `r`: `clamp(round(31 r / r_max), 0, 31)` (NaN → 0).
#[inline]
pub fn rate_code(r: f32, r_max: f32) -> i32 {
    round_i32(r * (RATE_MAX as f32 / r_max)).clamp(0, RATE_MAX)
}

/// 6-bit weight code of `w` with scale `s`: `clamp(round(w / s), −63, 63)`.
#[inline]
pub fn weight_code(w: f32, inv_scale: f32) -> i32 {
    round_i32(w * inv_scale).clamp(-W_MAX, W_MAX)
}

/// The two rows of a signed weight code: (excitatory, inhibitory) magnitudes.
#[inline]
pub fn two_rows(w: i32) -> (i32, i32) {
    (w.max(0), (-w).max(0))
}

/// One block readout: `clamp(floor(g · sum + noise), −128, 127)`, `noise` in LSB
/// (offset plus the draw).
#[inline]
pub fn block_code(sum: i32, gain: f32, noise: f32) -> i32 {
    floor_i32(gain * sum as f32 + noise).clamp(OUT_MIN, OUT_MAX)
}

/// The gain of matrix `m`'s MAC: `arith.analog_gain · sends(m)`.
pub fn gain(cfg: &ArithConfig, m: MatrixId) -> f32 {
    cfg.analog_gain * sends(cfg, m) as f32
}

/// Sends of matrix `m`'s finer readout (`arith.analog_fine_sends`, 0: none).
pub fn fine_sends(cfg: &ArithConfig, m: MatrixId) -> u32 {
    cfg.analog_fine_sends.as_ref().map_or(0, |s| of(s, m))
}

/// The gain of matrix `m`'s finer readout, if it has one.
pub fn fine_gain(cfg: &ArithConfig, m: MatrixId) -> Option<f32> {
    let sends = fine_sends(cfg, m);
    (sends > 0).then_some(cfg.analog_gain * sends as f32)
}

/// Sends per input of matrix `m`'s MAC (`arith.analog_sends`, 1 without).
pub fn sends(cfg: &ArithConfig, m: MatrixId) -> u32 {
    cfg.analog_sends.as_ref().map_or(1, |s| of(s, m))
}

/// Whether `arith.analog_exact` lists matrix `m`: its sums are exact, not the MAC's.
pub fn exact(cfg: &ArithConfig, m: MatrixId) -> bool {
    cfg.analog_exact.as_ref().is_some_and(|s| of(s, m))
}

/// Matrix `m`'s entry of a per-matrix list.
fn of<T: Copy>(s: &PerMatrix<T>, m: MatrixId) -> T {
    let list = match m.proj {
        Projection::Up => &s.up,
        Projection::Ip => &s.ip,
        Projection::Pi => &s.pi,
        Projection::Down => &s.down,
    };
    layer(list, m.k)
}

/// The mock MAC: its noise, and what it keeps of every matrix that has run.
#[derive(Debug, Clone)]
pub struct Analog {
    pub sigma: f32,
    /// Add ½ LSB per block to the code (`arith.analog_center`).
    pub center: bool,
    offset_sd: f32,
    seed: u64,
    matrices: Vec<Kept>,
    // Scratch: the input codes of the current MAC, its block sums (integers, held
    // as f32) and its noise draws.
    x: Vec<f32>,
    sums: Vec<f32>,
    draws: Vec<f32>,
}

/// One matrix's fixed offsets, and its weights as last seen with their 6-bit
/// codes: PyraLNet reads every matrix through the MAC at each Euler step, but its
/// weights change only when the rule writes them back (every `plasticity_every`
/// steps), and comparing the weights costs a fraction of coding them again
/// (yin_yang_bss2 PyraLNet bench: 10.6 → 8.4 µs per step). The codes are a cache
/// and the offsets a function of the seed, so neither is part of the state.
#[derive(Debug, Clone)]
struct Kept {
    m: MatrixId,
    offsets: Vec<f32>,
    inv_scale: f32,
    w: Vec<f32>,
    codes: Vec<f32>,
}
impl Analog {
    /// With noise `sigma` and offsets of sd `offset_sd` (LSB) for the run `seed`.
    pub fn new(sigma: f32, offset_sd: f32, seed: u64) -> Self {
        Analog {
            sigma,
            center: false,
            offset_sd,
            seed,
            matrices: Vec::new(),
            x: Vec::new(),
            sums: Vec::new(),
            draws: Vec::new(),
        }
    }

    /// With `center`: ½ LSB per block added to the code.
    pub fn centred(self, center: bool) -> Self {
        Analog { center, ..self }
    }

    /// The fixed offsets of matrix `m` (`rows × blocks`, LSB): a function of the
    /// seed and the matrix alone, so they need no checkpoint.
    pub fn fresh_offsets(&self, m: MatrixId, n: usize) -> Vec<f32> {
        if self.offset_sd == 0.0 {
            return vec![0.0; n];
        }
        let mut rng = SimRng::new(self.seed ^ m.seed_tag(), Stream::Analog);
        (0..n).map(|_| self.offset_sd * rng.normal()).collect()
    }

    /// `out = v` of one MAC (module doc) of matrix `m`: weights `w` (row-major
    /// `rows × cols`, values `s · code`), presynaptic rates `r` (on the 5-bit grid),
    /// gain `gain`; noise from `rng`. The one-part form of [`Self::mac_parts`],
    /// which the engines call; kept for the worked examples below.
    #[cfg(test)]
    #[allow(clippy::too_many_arguments)]
    pub fn mac(
        &mut self,
        m: MatrixId,
        w: &[f32],
        (rows, cols): (usize, usize),
        scale: f32,
        r: &[f32],
        r_max: f32,
        gain: f32,
        rng: &mut SimRng,
        out: &mut [f32],
    ) {
        self.mac_parts(m, &[(w, cols, r)], rows, scale, r_max, &[gain], rng, out);
    }

    /// One MAC over several projections onto the same `rows` neurons, each part
    /// `(w, cols, r)` a `rows × cols` matrix and its rates: their synapse rows
    /// drive one column per neuron, read once, as one matrix over the
    /// concatenated inputs `[r_1; r_2; ...]` would be. Keyed by `m`, the first
    /// part's matrix (its offsets and cached codes). `gains`: its readouts,
    /// finest first; each row takes the first that did not saturate (the last
    /// regardless), every readout with its own noise draw.
    #[allow(clippy::too_many_arguments)]
    pub fn mac_parts(
        &mut self,
        m: MatrixId,
        parts: &[(&[f32], usize, &[f32])],
        rows: usize,
        scale: f32,
        r_max: f32,
        gains: &[f32],
        rng: &mut SimRng,
        out: &mut [f32],
    ) {
        let cols: usize = parts.iter().map(|p| p.1).sum();
        if rows == 0 {
            return;
        }
        let blocks = cols.div_ceil(BLOCK);
        let k = match self.matrices.iter().position(|k| k.m == m) {
            Some(k) => k,
            None => {
                let offsets = self.fresh_offsets(m, rows * blocks);
                self.matrices.push(Kept {
                    m,
                    offsets,
                    inv_scale: f32::NAN,
                    w: Vec::new(),
                    codes: Vec::new(),
                });
                self.matrices.len() - 1
            }
        };
        self.x.clear();
        for &(_, c, r) in parts {
            self.x
                .extend(r[..c].iter().map(|&ri| rate_code(ri, r_max) as f32));
        }
        let inv = 1.0 / scale;
        // A narrow matrix of one block is summed a column at a time (vectors
        // along its rows, the float path's kernel), any other a row at a time.
        let by_column = blocks == 1 && kernels::is_narrow(cols);
        let c = &mut self.matrices[k];
        // `c.w` holds the parts' weights back to back, `c.codes` over the
        // concatenated inputs, by column or by row.
        let mut at = 0;
        let same = c.inv_scale.to_bits() == inv.to_bits()
            && c.w.len() == rows * cols
            && parts.iter().all(|&(w, pc, _)| {
                let n = rows * pc;
                at += n;
                same_bits(&c.w[at - n..at], &w[..n])
            });
        if !same {
            c.inv_scale = inv;
            c.w.clear();
            for &(w, pc, _) in parts {
                c.w.extend_from_slice(&w[..rows * pc]);
            }
            c.codes.clear();
            let code = |wij: &f32| weight_code(*wij, inv) as f32;
            if by_column {
                for &(w, pc, _) in parts {
                    for j in 0..pc {
                        c.codes.extend(w[j..rows * pc].iter().step_by(pc).map(code));
                    }
                }
            } else {
                for i in 0..rows {
                    for &(w, pc, _) in parts {
                        c.codes.extend(w[i * pc..(i + 1) * pc].iter().map(code));
                    }
                }
            }
        }
        // Every block's sum Σ x w, row by row. The codes are integers (|x w| ≤
        // 31 · 63, at most 128 terms a block): every partial sum is an integer
        // below 2^24, exact in f32, so the order of the additions does not matter
        // and the sums vectorise.
        let (x, sums) = (&self.x, &mut self.sums);
        sums.clear();
        if blocks == 1 {
            let layout = if by_column {
                Layout::Columns
            } else {
                Layout::Rows
            };
            sums.resize(rows, 0.0);
            kernels::matvec_in(layout, &c.codes, rows, cols, x, sums);
        } else {
            for row in c.codes.chunks_exact(cols) {
                sums.extend(
                    row.chunks(BLOCK)
                        .zip(x.chunks(BLOCK))
                        .map(|(w, x)| kernels::dot(w, x)),
                );
            }
        }
        let offsets = &c.offsets;
        assert!(
            matches!(gains.len(), 1 | 2),
            "one readout, or a finer one first"
        );
        // The draws first, in the order the readouts take them (row by row, the
        // finer readout's blocks before the coarser's), in a loop of their own:
        // the Box–Muller pairs then overlap instead of waiting on each readout.
        let (sigma, center, draws) = (self.sigma, self.center, &mut self.draws);
        draws.clear();
        if sigma > 0.0 {
            draws.resize(rows * blocks * gains.len(), 0.0);
            rng.fill_normal(draws);
            for d in draws.iter_mut() {
                *d *= sigma;
            }
        }
        let sums = &self.sums;
        // The offset plus its draw, in LSB.
        let noise = |off: f32, d: usize| if sigma > 0.0 { off + draws[d] } else { off };
        // v = y · s r_max / (31 g), + ½ LSB per block if centred: one unit per readout.
        let unit = |g: f32| scale * r_max / (RATE_MAX as f32 * g);
        let units = [unit(gains[0]), unit(gains[gains.len() - 1])];
        // y is an integer, never −0, so adding a half of 0 leaves it as it is.
        let half = if center { 0.5 * blocks as f32 } else { 0.0 };
        let value = |y: i32, unit: f32| (y as f32 + half) * unit;
        if let ([gain], 1) = (gains, blocks) {
            // Every Yin-Yang matrix: one readout of one block per row, in loops
            // without branches, which vectorise.
            let (g, u) = (*gain, units[0]);
            let rows_io = out[..rows].iter_mut().zip(sums).zip(offsets);
            if sigma > 0.0 {
                for (((o, &sum), &off), &d) in rows_io.zip(draws.iter()) {
                    *o = value(block_code(sum as i32, g, off + d), u);
                }
            } else {
                for ((o, &sum), &off) in rows_io {
                    *o = value(block_code(sum as i32, g, off), u);
                }
            }
            return;
        }
        for (i, o) in out[..rows].iter_mut().enumerate() {
            // The two rows' charges differ by exactly x·w (integers):
            // x·max(w, 0) − x·max(−w, 0).
            let sums = &sums[i * blocks..(i + 1) * blocks];
            let offs = &offsets[i * blocks..(i + 1) * blocks];
            let d = i * blocks * gains.len();
            *o = match *gains {
                [gain] => value(
                    read(sums, offs, gain, |b, off| noise(off, d + b)).0,
                    units[0],
                ),
                _ => {
                    // Both readouts draw; a saturated code bounds the sum only, so
                    // the coarser one reads it.
                    let (fine, saturated) = read(sums, offs, gains[0], |b, off| noise(off, d + b));
                    let coarse = read(sums, offs, gains[1], |b, off| noise(off, d + blocks + b)).0;
                    if saturated {
                        value(coarse, units[1])
                    } else {
                        value(fine, units[0])
                    }
                }
            };
        }
    }
}

/// One readout of a row's block sums at gain `g` (`noise(b, offset)`: block `b`'s
/// offset plus its draw): the code, clamped to int8, and whether a block or the
/// sum saturated.
#[inline(always)]
fn read(sums: &[f32], offs: &[f32], g: f32, noise: impl Fn(usize, f32) -> f32) -> (i32, bool) {
    if let [sum] = sums {
        let y = block_code(*sum as i32, g, noise(0, offs[0]));
        return (y, y == OUT_MIN || y == OUT_MAX);
    }
    let (mut y, mut sat) = (0i32, false);
    for (b, (&sum, &off)) in sums.iter().zip(offs).enumerate() {
        let c = block_code(sum as i32, g, noise(b, off));
        sat |= c == OUT_MIN || c == OUT_MAX;
        y += c;
    }
    (
        y.clamp(OUT_MIN, OUT_MAX),
        sat || y <= OUT_MIN || y >= OUT_MAX,
    )
}

/// `a` and `b` hold the same bits (NaN weights included), in one pass that
/// vectorises: `==` on floats compares one lane at a time.
fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.chunks(64).zip(b.chunks(64)).all(|(p, q)| {
            p.iter()
                .zip(q)
                .fold(0u32, |acc, (x, y)| acc | (x.to_bits() ^ y.to_bits()))
                == 0
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UP1: MatrixId = MatrixId {
        proj: Projection::Up,
        k: 1,
    };

    fn sd(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        (mean, var.sqrt())
    }

    #[test]
    fn a_block_floors_and_saturates_at_int8() {
        // g Σ = 0.002 · 1000 = 2 exactly; 2.999 floors to 2; negatives toward −∞.
        assert_eq!(block_code(1000, 0.002, 0.0), 2);
        assert_eq!(block_code(1000, 0.002, 0.999), 2);
        assert_eq!(block_code(-250, 0.002, 0.0), -1); // −0.5 → −1, not 0
        assert_eq!(block_code(-1000, 0.002, -0.001), -3); // −2.001 → −3
        assert_eq!(floor_i32(-0.0), 0);
        assert_eq!(floor_i32(-7.0), -7);
        // The largest block sum, 128 · 31 · 63 = 249 984, is 499.97 LSB: clamped.
        let full = 128 * 31 * 63;
        assert_eq!(block_code(full, 0.002, 0.0), 127);
        assert_eq!(block_code(-full, 0.002, 0.0), -128);
        // 64 000 · 0.002 = 128: the first sum that saturates; 63 999 does not.
        assert_eq!(block_code(64_000, 0.002, 0.0), 127);
        assert_eq!(block_code(63_999, 0.002, 0.0), 127);
        assert_eq!(block_code(63_000, 0.002, 0.0), 126);
        assert_eq!(block_code(-64_000, 0.002, 0.0), -128);
        assert_eq!(block_code(-64_500, 0.002, 0.0), -128);
    }

    /// A 1 × n matrix with codes `w` at scale 1, inputs `x` (codes), r_max 31.
    fn run(a: &mut Analog, w: &[i32], x: &[i32], gain: f32, rng: &mut SimRng) -> f32 {
        let wf: Vec<f32> = w.iter().map(|&c| c as f32).collect();
        let rf: Vec<f32> = x.iter().map(|&c| c as f32).collect();
        let mut out = [0.0f32];
        a.mac(UP1, &wf, (1, w.len()), 1.0, &rf, 31.0, gain, rng, &mut out);
        out[0]
    }

    #[test]
    fn weights_changed_in_place_are_coded_again() {
        // The codes are cached per matrix: a weight written between two MACs (the
        // rule's write-back), a new scale, or a NaN must not read stale codes.
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut a = Analog::new(0.0, 0.0, 1);
        let x = [31.0f32, 10.0, 5.0];
        let mut w = vec![63.0f32, -20.0, 7.0];
        let mac = |a: &mut Analog, w: &[f32], scale: f32, rng: &mut SimRng| {
            let mut out = [0.0f32];
            a.mac(UP1, w, (1, 3), scale, &x, 31.0, 1.0 / 64.0, rng, &mut out);
            out[0]
        };
        let fresh = |w: &[f32], scale: f32| {
            mac(
                &mut Analog::new(0.0, 0.0, 1),
                w,
                scale,
                &mut SimRng::new(1, Stream::Hardware),
            )
        };
        assert_eq!(mac(&mut a, &w, 1.0, &mut rng), fresh(&w, 1.0));
        w[2] = -40.0;
        assert_eq!(mac(&mut a, &w, 1.0, &mut rng), fresh(&w, 1.0));
        assert_ne!(fresh(&w, 1.0), fresh(&[63.0, -20.0, 7.0], 1.0));
        assert_eq!(mac(&mut a, &w, 2.0, &mut rng), fresh(&w, 2.0));
        w[0] = f32::NAN;
        assert_eq!(mac(&mut a, &w, 2.0, &mut rng), fresh(&w, 2.0));
        assert!(same_bits(&[f32::NAN, 1.0], &[f32::NAN, 1.0]));
        assert!(!same_bits(&[0.0], &[-0.0]) && !same_bits(&[0.0], &[0.0, 0.0]));
    }

    #[test]
    fn the_output_is_the_sum_back_on_the_potential_scale() {
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut a = Analog::new(0.0, 0.0, 1);
        // Σ x w = 31·63 + 10·(−20) = 1753; g = 1/64: 27.39 → 27 LSB; one LSB is
        // s r_max / (31 g) = 1 · 31 / (31/64) = 64 units of x w.
        assert_eq!(
            run(&mut a, &[63, -20], &[31, 10], 1.0 / 64.0, &mut rng),
            27.0 * 64.0
        );
        // Gain scaling: four times the gain, four times finer: 109.56 → 109 LSB of
        // 16; eight times clamps (219 → 127 LSB of 8).
        assert_eq!(
            run(&mut a, &[63, -20], &[31, 10], 1.0 / 16.0, &mut rng),
            109.0 * 16.0
        );
        assert_eq!(
            run(&mut a, &[63, -20], &[31, 10], 1.0 / 8.0, &mut rng),
            127.0 * 8.0
        );
        // Negative sums floor toward −∞: −1753/64 = −27.39 → −28.
        assert_eq!(
            run(&mut a, &[-63, 20], &[31, 10], 1.0 / 64.0, &mut rng),
            -28.0 * 64.0
        );
    }

    #[test]
    fn two_rows_cancel_on_one_membrane_before_the_clamp() {
        assert_eq!(two_rows(-17), (0, 17));
        assert_eq!(two_rows(40), (40, 0));
        assert_eq!(two_rows(0), (0, 0));
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut a = Analog::new(0.0, 0.0, 1);
        // 64 inputs at +63 and 64 at −63, all at 31: the excitatory row alone would
        // be 124 992 · 0.002 = 250 LSB (clamped at 127), but the membrane sees the
        // difference, 0, and one readout.
        let w: Vec<i32> = (0..128)
            .map(|j| if j % 2 == 0 { 63 } else { -63 })
            .collect();
        assert_eq!(run(&mut a, &w, &[31; 128], 0.002, &mut rng), 0.0);
        // With noise, one draw per readout (not one per row): sd σ, plus the
        // floor's 1/12 LSB², mean −1/2.
        let mut a = Analog::new(2.0, 0.0, 1);
        let xs: Vec<f64> = (0..40_000)
            .map(|_| run(&mut a, &w, &[31; 128], 1.0 / 32.0, &mut rng) as f64 / 32.0)
            .collect();
        let (mean, s) = sd(&xs);
        assert!((mean + 0.5).abs() < 0.04, "mean {mean}");
        assert!((s - (4.0f64 + 1.0 / 12.0).sqrt()).abs() < 0.04, "sd {s}");
    }

    #[test]
    fn a_joint_apical_mac_reads_the_self_predicting_pair_as_zero() {
        // W^pi = −W^down with equal input codes: the joint sum is 0 exactly, while
        // two readouts floor g S = 3.576 and −g S apart: 3 + (−4) = −1 LSB.
        let down = MatrixId {
            proj: Projection::Down,
            k: 1,
        };
        let pi = MatrixId {
            proj: Projection::Pi,
            k: 1,
        };
        let (w, x) = ([63.0f32, -20.0, 7.0], [31.0f32, 10.0, 5.0]); // S = 1788
        let neg = w.map(|v| -v);
        let g = 0.002; // g S = 3.576
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut a = Analog::new(0.0, 0.0, 1);
        let mut out = [0.0f32];
        a.mac_parts(
            down,
            &[(&w, 3, &x), (&neg, 3, &x)],
            1,
            1.0,
            31.0,
            &[g],
            &mut rng,
            &mut out,
        );
        assert_eq!(out[0], 0.0);
        let (mut d, mut p) = ([0.0f32], [0.0f32]);
        a.mac(down, &w, (1, 3), 1.0, &x, 31.0, g, &mut rng, &mut d);
        a.mac(pi, &neg, (1, 3), 1.0, &x, 31.0, g, &mut rng, &mut p);
        assert_eq!((d[0] * g, p[0] * g), (3.0, -4.0));
        // Off the self-predicting state the joint MAC is one matrix over the
        // concatenated inputs: same codes, noise, offsets and block, bit for bit.
        let (wp, xi) = ([-50.0f32, 12.0, -1.0], [30.0f32, 0.0, 17.0]);
        let mut joint = [0.0f32; 2];
        let mut one = [0.0f32; 2];
        let (w2, wp2) = ([w, neg].concat(), [wp, w].concat()); // two rows
        let cat = [w.as_slice(), &wp, &neg, &w].concat();
        let xcat = [x, xi].concat();
        for (out, run) in [(&mut joint, 0), (&mut one, 1)] {
            let mut a = Analog::new(2.0, 1.5, 7);
            let mut rng = SimRng::new(3, Stream::Hardware);
            if run == 0 {
                let parts: [(&[f32], usize, &[f32]); 2] = [(&w2, 3, &x), (&wp2, 3, &xi)];
                a.mac_parts(down, &parts, 2, 0.5, 31.0, &[g], &mut rng, out);
            } else {
                a.mac(down, &cat, (2, 6), 0.5, &xcat, 31.0, g, &mut rng, out);
            }
        }
        assert_eq!(joint, one);
    }

    #[test]
    fn a_finer_readout_is_used_unless_it_saturated() {
        // Gains 1 (fine) and ¼ (coarse) at scale 1: v = y / g.
        let fine_then_coarse = |w: [f32; 2], x: [f32; 2], rng: &mut SimRng| {
            let mut a = Analog::new(0.0, 0.0, 1);
            let mut out = [0.0f32];
            a.mac_parts(
                UP1,
                &[(&w, 2, &x)],
                1,
                1.0,
                31.0,
                &[1.0, 0.25],
                rng,
                &mut out,
            );
            out[0]
        };
        let mut rng = SimRng::new(1, Stream::Hardware);
        // Σ = 101: fine 101 (one LSB of Σ); coarse alone would read floor(25.25)/¼ = 100.
        assert_eq!(fine_then_coarse([10.0, 1.0], [10.0, 1.0], &mut rng), 101.0);
        // Σ = 300: fine clamps at 127, so the coarse code 75 reads it: 300.
        assert_eq!(fine_then_coarse([30.0, 0.0], [10.0, 0.0], &mut rng), 300.0);
        // Σ = −130: fine at −128, coarse floor(−32.5) = −33: −132.
        assert_eq!(
            fine_then_coarse([-13.0, 0.0], [10.0, 0.0], &mut rng),
            -132.0
        );
        // Σ = −128: the fine code −128 is its end of range, not a reading: coarse −32.
        assert_eq!(fine_then_coarse([-32.0, 0.0], [4.0, 0.0], &mut rng), -128.0);
        assert_eq!(fine_then_coarse([-31.0, 0.0], [4.0, 0.0], &mut rng), -124.0);
        // With noise every readout draws, used or not: two draws per row.
        let (mut a, mut out) = (Analog::new(2.0, 0.0, 1), [0.0f32; 3]);
        let mut rng = SimRng::new(5, Stream::Hardware);
        let (w, x) = ([1.0f32, 40.0, -3.0], [7.0f32]);
        a.mac_parts(
            UP1,
            &[(&w, 1, &x)],
            3,
            1.0,
            31.0,
            &[1.0, 0.25],
            &mut rng,
            &mut out,
        );
        let mut fresh = SimRng::new(5, Stream::Hardware);
        let draws: Vec<f32> = (0..7).map(|_| fresh.normal()).collect();
        assert_eq!(rng.normal(), draws[6]);
        // Row 1 (Σ = 280) saturates the fine readout; the coarse one is used.
        assert_eq!(out[1], (70.0 + 2.0 * draws[3]).floor() * 4.0);
        assert_eq!(out[0], (7.0 + 2.0 * draws[0]).floor());
    }

    /// `mac_parts` is the module doc's formula, draw for draw, for every shape the
    /// engines give it: narrow (summed by column), wide (by row), two parts (the
    /// joint apical MAC), several blocks; one readout or a finer one first; with
    /// noise and offsets. The reference sums in i64 and draws one at a time.
    #[test]
    fn every_shape_is_the_formula_draw_for_draw() {
        let (scale, r_max, sigma) = (0.01f32, 1.0f32, 2.0f32);
        let mut pick = SimRng::new(11, Stream::Init);
        for (rows, widths) in [
            (120, vec![5]),
            (120, vec![3, 3]),
            (3, vec![121]),
            (5, vec![200, 100]),
        ] {
            for gains in [vec![0.016f32], vec![0.08, 0.016]] {
                let cols: usize = widths.iter().sum();
                let blocks = cols.div_ceil(BLOCK);
                let w: Vec<Vec<f32>> = (widths.iter())
                    .map(|&c| {
                        (0..rows * c)
                            .map(|_| scale * (pick.below(127) as f32 - 63.0))
                            .collect()
                    })
                    .collect();
                let r: Vec<Vec<f32>> = (widths.iter())
                    .map(|&c| (0..c).map(|_| pick.uniform(0.0, r_max)).collect())
                    .collect();
                let parts: Vec<(&[f32], usize, &[f32])> = (w.iter().zip(&widths).zip(&r))
                    .map(|((w, &c), r)| (&w[..], c, &r[..]))
                    .collect();
                let mut a = Analog::new(sigma, 1.5, 3);
                let mut out = vec![0f32; rows];
                let mut drawn = SimRng::new(4, Stream::Hardware);
                a.mac_parts(
                    UP1, &parts, rows, scale, r_max, &gains, &mut drawn, &mut out,
                );
                let offs = a.fresh_offsets(UP1, rows * blocks);
                let mut rng = SimRng::new(4, Stream::Hardware);
                let x: Vec<i64> = r
                    .iter()
                    .flatten()
                    .map(|&r| rate_code(r, r_max) as i64)
                    .collect();
                for (i, &got) in out.iter().enumerate() {
                    let wi: Vec<i64> = (parts.iter())
                        .flat_map(|&(w, c, _)| w[i * c..(i + 1) * c].iter())
                        .map(|&v| weight_code(v, 1.0 / scale) as i64)
                        .collect();
                    let mut read = |g: f32| {
                        let (mut y, mut sat) = (0, false);
                        for b in 0..blocks {
                            let sum: i64 = (b * BLOCK..cols.min((b + 1) * BLOCK))
                                .map(|j| wi[j] * x[j])
                                .sum();
                            let c = block_code(
                                sum as i32,
                                g,
                                offs[i * blocks + b] + sigma * rng.normal(),
                            );
                            sat |= c == OUT_MIN || c == OUT_MAX;
                            y += c;
                        }
                        (
                            y.clamp(OUT_MIN, OUT_MAX),
                            sat || y <= OUT_MIN || y >= OUT_MAX,
                        )
                    };
                    let unit = |g: f32| scale * r_max / (RATE_MAX as f32 * g);
                    let (fine, saturated) = read(gains[0]);
                    let want = match gains[..] {
                        [_, coarse] => {
                            let y = read(coarse).0;
                            if saturated {
                                y as f32 * unit(coarse)
                            } else {
                                fine as f32 * unit(gains[0])
                            }
                        }
                        _ => fine as f32 * unit(gains[0]),
                    };
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "{rows} × {widths:?}, gains {gains:?}, row {i}"
                    );
                }
                assert_eq!(drawn.state(), rng.state(), "as many draws");
            }
        }
    }

    #[test]
    fn blocks_of_128_are_clamped_then_summed_digitally() {
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut a = Analog::new(0.0, 0.0, 1);
        // 256 inputs, g = 1/512: block 1 sums 128 · 31 · 63 = 249 984 (488.25 LSB,
        // clamped to 127), block 2 −(64 · 31 · 10) = −19 840 (−38.75 → −39): 88 in
        // all, where one clamp of the whole sum would give 127.
        let w: Vec<i32> = (0..256)
            .map(|j| match j {
                0..128 => 63,
                128..192 => -10,
                _ => 0,
            })
            .collect();
        assert_eq!(
            run(&mut a, &w, &[31; 256], 1.0 / 512.0, &mut rng),
            88.0 * 512.0
        );
        // Two blocks at +127 each: the digital sum saturates at int8 too.
        assert_eq!(
            run(&mut a, &[63; 256], &[31; 256], 1.0 / 512.0, &mut rng),
            127.0 * 512.0
        );
    }

    #[test]
    fn noise_has_mean_zero_and_sd_sigma_and_offsets_repeat_per_seed() {
        let mut rng = SimRng::new(5, Stream::Hardware);
        let mut a = Analog::new(2.0, 0.0, 5);
        // g Σ = 672 / 64 = 10.5 LSB: floor(10.5 + N(0, 4)) has mean 10.5 − ½ = 10
        // and sd √(4 + 1/12).
        let xs: Vec<f64> = (0..40_000)
            .map(|_| run(&mut a, &[24], &[28], 1.0 / 64.0, &mut rng) as f64 / 64.0)
            .collect();
        let (mean, s) = sd(&xs);
        assert!((mean - 10.0).abs() < 0.04, "mean {mean}");
        // Centred (analog_center): half an LSB added back, the mean is g Σ itself.
        a.center = true;
        let c: Vec<f64> = (0..40_000)
            .map(|_| run(&mut a, &[24], &[28], 1.0 / 64.0, &mut rng) as f64 / 64.0)
            .collect();
        assert!((sd(&c).0 - 10.5).abs() < 0.04, "centred mean {}", sd(&c).0);
        a.center = false;
        assert!((s - (4.0f64 + 1.0 / 12.0).sqrt()).abs() < 0.04, "sd {s}");
        // Offsets: fixed per seed and matrix, sd as configured, other seeds differ.
        let a = Analog::new(0.0, 3.0, 7);
        let o1 = a.fresh_offsets(UP1, 20_000);
        assert_eq!(o1, Analog::new(2.0, 3.0, 7).fresh_offsets(UP1, 20_000));
        assert_ne!(o1, Analog::new(0.0, 3.0, 8).fresh_offsets(UP1, 20_000));
        let down = MatrixId {
            proj: Projection::Down,
            k: 1,
        };
        assert_ne!(o1, a.fresh_offsets(down, 20_000));
        let (m, s) = sd(&o1.iter().map(|&x| x as f64).collect::<Vec<_>>());
        assert!(m.abs() < 0.1 && (s - 3.0).abs() < 0.1, "{m} {s}");
        assert!(
            Analog::new(2.0, 0.0, 7)
                .fresh_offsets(UP1, 3)
                .iter()
                .all(|&x| x == 0.0)
        );
        // An offset shifts every readout of its channel by the same amount.
        let mut a = Analog::new(0.0, 3.0, 7);
        let mut b = Analog::new(0.0, 0.0, 7);
        let o = a.fresh_offsets(UP1, 1)[0];
        let want = floor_i32(672.0 / 64.0 + o) as f32 * 64.0;
        for _ in 0..3 {
            assert_eq!(run(&mut a, &[24], &[28], 1.0 / 64.0, &mut rng), want);
        }
        assert_eq!(run(&mut b, &[24], &[28], 1.0 / 64.0, &mut rng), 10.0 * 64.0);
    }
}
