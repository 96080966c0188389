//! Numeric kernels: the transfer functions and the few vector operations the engines
//! spend their time in.
//!
//! Two requirements shape them:
//! - **Bit-identical everywhere.** Only IEEE-754 `+ - * /` and bit manipulation are
//!   used, in an order fixed by the source (Rust never reassociates floats), so a
//!   seed gives the same run on x86-64, aarch64 and wasm32. The platform's `exp` is
//!   never called: [`exp`] is our own.
//! - **Vectorisable.** Loops are branch-free over contiguous slices, so LLVM turns
//!   them into SIMD without changing the order of operations within a lane. Sums use
//!   a fixed number of independent accumulators ([`dot`]) for the same reason.

use crate::params::Transfer;

const LOG2E: f32 = std::f32::consts::LOG2_E;
// ln 2 split in two for Cody–Waite range reduction: LN2_HI has trailing zero bits,
// so n · LN2_HI is exact for |n| < 2^9.
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
// 1.5 · 2^23: adding it rounds a float in (-2^22, 2^22) to an integer held in the
// low mantissa bits (round to nearest even), without a float→int instruction.
const ROUND_MAGIC: f32 = 12_582_912.0;
// Inputs are clamped so that 2^n stays a normal float (n in -126..=127).
const EXP_MIN: f32 = -87.0;
const EXP_MAX: f32 = 88.0;

/// `e^x` to within 3 ulp (relative error < 4e-7) for |x| ≤ 87, saturating at e^±87/88 beyond; NaN stays NaN.
///
/// `x = n ln2 + r`, |r| ≤ ln2/2, `e^x = 2^n · p(r)` with p the degree-6 Taylor
/// polynomial (truncation error r^7/7! < 1.2e-7 relative).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // Compare-and-select rather than f32::clamp: it vectorises and keeps NaN.
    let x = if x < EXP_MIN { EXP_MIN } else { x };
    let x = if x > EXP_MAX { EXP_MAX } else { x };
    let t = x * LOG2E + ROUND_MAGIC;
    let n = t - ROUND_MAGIC;
    let bits = t.to_bits() as i32 - ROUND_MAGIC.to_bits() as i32;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let scale = f32::from_bits(((bits + 127) as u32) << 23);
    p * scale
}

/// Logistic `φ(u) = 1 / (1 + e^{-u})`; stable for all u (e^{-u} saturates, so the
/// result goes to 0 or 1 without NaN).
#[inline(always)]
pub fn logistic(u: f32) -> f32 {
    1.0 / (1.0 + exp(-u))
}

/// Soft-ReLU `φ(u) = log(1 + e^u)`, computed as `max(u, 0) + log1p(e^{-|u|})` so it
/// neither overflows for large u nor loses precision for very negative u.
#[inline(always)]
pub fn softplus(u: f32) -> f32 {
    let m = if u > 0.0 { u } else { 0.0 };
    m + libm::log1pf(exp(-u.abs()))
}

/// φ applied elementwise: `out[i] = φ(u[i])`.
pub fn phi_into(f: Transfer, u: &[f32], out: &mut [f32]) {
    match f {
        Transfer::Logistic => {
            for (o, &x) in out.iter_mut().zip(u) {
                *o = logistic(x);
            }
        }
        Transfer::SoftRelu => {
            for (o, &x) in out.iter_mut().zip(u) {
                *o = softplus(x);
            }
        }
    }
}

/// φ applied in place: `u[i] = φ(u[i])`.
pub fn phi_in_place(f: Transfer, u: &mut [f32]) {
    for x in u.iter_mut() {
        *x = phi(f, *x);
    }
}

/// φ of a scaled vector: `out[i] = φ(c · v[i])` (the dendritic predictions).
pub fn phi_scaled_into(f: Transfer, c: f32, v: &[f32], out: &mut [f32]) {
    match f {
        Transfer::Logistic => {
            for (o, &x) in out.iter_mut().zip(v) {
                *o = logistic(c * x);
            }
        }
        Transfer::SoftRelu => {
            for (o, &x) in out.iter_mut().zip(v) {
                *o = softplus(c * x);
            }
        }
    }
}

/// Scalar φ, for tests and single values.
pub fn phi(f: Transfer, u: f32) -> f32 {
    match f {
        Transfer::Logistic => logistic(u),
        Transfer::SoftRelu => softplus(u),
    }
}

/// `Σ a_i b_i` with eight interleaved accumulators combined pairwise in a fixed
/// order: the sum is the same on every target, and it vectorises.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    for (l, (x, y)) in ca.remainder().iter().zip(cb.remainder()).enumerate() {
        acc[l] += x * y;
    }
    ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]))
}

/// `y = W x` for a row-major `rows × cols` matrix.
///
/// Narrow matrices (few inputs, many outputs, like the 4-input first layer) are
/// summed column by column, `y += x_j W[:, j]`, each output accumulating in input
/// order; wide ones use [`dot`] per row. The choice depends only on the shape, so the
/// result is still the same on every target.
pub fn matvec(w: &[f32], rows: usize, cols: usize, x: &[f32], y: &mut [f32]) {
    debug_assert_eq!(w.len(), rows * cols);
    debug_assert!(x.len() >= cols && y.len() >= rows);
    let y = &mut y[..rows];
    if cols < 8 {
        for (yi, row) in y.iter_mut().zip(w.chunks_exact(cols)) {
            let mut s = 0.0f32;
            for (wij, xj) in row.iter().zip(x) {
                s += wij * xj;
            }
            *yi = s;
        }
    } else {
        for (yi, row) in y.iter_mut().zip(w.chunks_exact(cols)) {
            *yi = dot(row, &x[..cols]);
        }
    }
}

/// `y += W x`, the same summation as [`matvec`] followed by one addition per output.
pub fn matvec_add(w: &[f32], rows: usize, cols: usize, x: &[f32], y: &mut [f32]) {
    if cols < 8 {
        for (yi, row) in y[..rows].iter_mut().zip(w.chunks_exact(cols)) {
            let mut s = 0.0f32;
            for (wij, xj) in row.iter().zip(x) {
                s += wij * xj;
            }
            *yi += s;
        }
    } else {
        for (yi, row) in y[..rows].iter_mut().zip(w.chunks_exact(cols)) {
            *yi += dot(row, &x[..cols]);
        }
    }
}

/// One Euler step of the low-pass consolidation for a whole matrix, with
/// `E = post · preᵀ` (SPEC §2), in the reference order:
/// `W += c_w Δ` (old Δ), then `Δ += c_d (E − Δ)`, where `c_w = dt η` and
/// `c_d = dt / τ_w`.
pub fn lowpass_euler(
    w: &mut [f32],
    delta: &mut [f32],
    post: &[f32],
    pre: &[f32],
    c_w: f32,
    c_d: f32,
) {
    let cols = pre.len();
    for ((wr, dr), &e_i) in w
        .chunks_exact_mut(cols)
        .zip(delta.chunks_exact_mut(cols))
        .zip(post)
    {
        for ((wij, dij), &r_j) in wr.iter_mut().zip(dr.iter_mut()).zip(pre) {
            let d = *dij;
            *wij += c_w * d;
            *dij = d + c_d * (e_i * r_j - d);
        }
    }
}

/// Only the trace: `Δ += c_d (E − Δ)`, for frozen matrices whose Δ is still
/// recorded. (Engines skip frozen matrices entirely; this serves tests and tools.)
pub fn lowpass_trace(delta: &mut [f32], post: &[f32], pre: &[f32], c_d: f32) {
    let cols = pre.len();
    for (dr, &e_i) in delta.chunks_exact_mut(cols).zip(post) {
        for (dij, &r_j) in dr.iter_mut().zip(pre) {
            *dij += c_d * (e_i * r_j - *dij);
        }
    }
}

/// One discrete step of the SteadNet consolidation (SPEC §4):
/// `Δ = (1 − a) Δ + a E`, then `W += c_w Δ` with the new Δ, `c_w = dT η`.
pub fn lowpass_discrete(
    w: &mut [f32],
    delta: &mut [f32],
    post: &[f32],
    pre: &[f32],
    c_w: f32,
    a: f32,
) {
    let cols = pre.len();
    let keep = 1.0 - a;
    for ((wr, dr), &e_i) in w
        .chunks_exact_mut(cols)
        .zip(delta.chunks_exact_mut(cols))
        .zip(post)
    {
        for ((wij, dij), &r_j) in wr.iter_mut().zip(dr.iter_mut()).zip(pre) {
            let d = keep * *dij + a * (e_i * r_j);
            *dij = d;
            *wij += c_w * d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulp_diff(a: f32, b: f32) -> u32 {
        (a.to_bits() as i32 - b.to_bits() as i32).unsigned_abs()
    }

    #[test]
    fn exp_is_within_three_ulp_of_libm() {
        let mut worst = 0;
        let mut x = -87.0f32;
        while x < 88.0 {
            worst = worst.max(ulp_diff(exp(x), libm::expf(x)));
            x += 0.0137;
        }
        assert!(worst <= 3, "worst error {worst} ulp");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(f32::NAN).is_nan());
        assert!(exp(1e6).is_finite() && exp(-1e6) > 0.0);
    }

    #[test]
    fn transfer_functions_are_stable_at_the_extremes() {
        assert_eq!(logistic(1e4), 1.0);
        assert!(logistic(-1e4) >= 0.0 && logistic(-1e4) < 1e-37);
        assert!((logistic(0.0) - 0.5).abs() < 1e-7);
        assert_eq!(softplus(1e4), 1e4);
        assert!(softplus(-100.0) > 0.0 && softplus(-100.0) < 1e-37);
        let ln2 = std::f32::consts::LN_2;
        assert!((softplus(0.0) - ln2).abs() < 1e-7);
        for u in [-5.0f32, -0.3, 0.7, 3.0] {
            let want = (1.0 + (u as f64).exp()).ln() as f32;
            assert!((softplus(u) - want).abs() <= 2e-7 * want.max(1.0));
        }
    }

    #[test]
    fn dot_and_matvec_match_f64_references() {
        let a: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32 * 0.11).cos()).collect();
        let want: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
        assert!((dot(&a, &b) as f64 - want).abs() < 1e-5);
        for cols in [3usize, 12] {
            let rows = 5;
            let w: Vec<f32> = (0..rows * cols).map(|i| (i as f32).sin()).collect();
            let x: Vec<f32> = (0..cols).map(|i| 0.1 * i as f32).collect();
            let mut y = vec![0.0; rows];
            matvec(&w, rows, cols, &x, &mut y);
            for i in 0..rows {
                let want: f64 = (0..cols)
                    .map(|j| w[i * cols + j] as f64 * x[j] as f64)
                    .sum();
                assert!((y[i] as f64 - want).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn lowpass_orders_match_the_spec() {
        // Euler: W uses the old Δ.
        let (mut w, mut d) = (vec![1.0f32], vec![0.5f32]);
        lowpass_euler(&mut w, &mut d, &[2.0], &[3.0], 0.1, 0.25);
        assert_eq!(w[0], 1.0 + 0.1 * 0.5);
        assert_eq!(d[0], 0.5 + 0.25 * (6.0 - 0.5));
        // Discrete: W uses the new Δ.
        let (mut w, mut d) = (vec![1.0f32], vec![0.5f32]);
        lowpass_discrete(&mut w, &mut d, &[2.0], &[3.0], 0.1, 0.25);
        assert_eq!(d[0], 0.75 * 0.5 + 0.25 * 6.0);
        assert_eq!(w[0], 1.0 + 0.1 * d[0]);
    }
}
