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
//!   Matrices with fewer than 8 columns (Yin-Yang's 120 × 5 first layer and 120 × 3
//!   apical matrices) go four rows at a time, so that whole SIMD vectors hold whole
//!   rows ([`matvec`], [`lowpass_euler`]), or, stored column-major while PyraLNet
//!   steps ([`Layout`]), a column at a time; which path runs depends only on the
//!   shape and the layout, and both give the same bits. The hot ones are compiled
//!   for four lanes and, on x86-64, for AVX2's eight too (src/model/simd.rs).
//!   Measurements: docs/design.md, "Kernels".

use crate::model::params::Transfer;
use crate::model::simd::multiversion;

/// How a narrow matrix (fewer than 8 columns) is stored; wider ones are always
/// row-major.
///
/// Row-major is the layout everywhere outside an engine's steps (checkpoints,
/// checksums, views). While PyraLNet steps, it keeps its narrow matrices
/// column-major ([`crate::model::network::Network::set_narrow_layout`]): a column
/// is then a contiguous vector over the rows, so four rows are one SIMD vector
/// without lane shuffles, in the products and in the updates alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Rows,
    Columns,
}

/// Whether a matrix with `cols` columns is narrow (the 4-row and column-major kernels).
pub fn is_narrow(cols: usize) -> bool {
    (1..8).contains(&cols)
}

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

multiversion! {
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
}

multiversion! {
/// φ applied in place: `u[i] = φ(u[i])`.
pub fn phi_in_place(f: Transfer, u: &mut [f32]) {
    for x in u.iter_mut() {
        *x = phi(f, *x);
    }
}
}

multiversion! {
/// The postsynaptic factor of a dendritic prediction rule,
/// `out[i] = r[i] − φ(c · v[i])`: φ of the scaled prediction and the subtraction in
/// one pass, so the prediction is never stored.
pub fn prediction_error_into(f: Transfer, c: f32, v: &[f32], r: &[f32], out: &mut [f32]) {
    match f {
        Transfer::Logistic => {
            for ((o, &x), &ri) in out.iter_mut().zip(v).zip(r) {
                *o = ri - logistic(c * x);
            }
        }
        Transfer::SoftRelu => {
            for ((o, &x), &ri) in out.iter_mut().zip(v).zip(r) {
                *o = ri - softplus(c * x);
            }
        }
    }
}
}

/// Scalar φ, for tests and single values.
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub fn phi(f: Transfer, u: f32) -> f32 {
    match f {
        Transfer::Logistic => logistic(u),
        Transfer::SoftRelu => softplus(u),
    }
}

/// `Σ a_i b_i` with eight interleaved accumulators combined pairwise in a fixed
/// order: the sum is the same on every target, and it vectorises.
///
/// Accumulator `l` takes the products `i ≡ l (mod 8)`, in order; the result is
/// `((acc0 + acc4) + (acc2 + acc6)) + ((acc1 + acc5) + (acc3 + acc7))`. The code keeps
/// the accumulators as two 4-lane halves and pads the tail products with zeros
/// (adding +0 to an accumulator that never holds −0 changes no bit) so that it maps
/// onto two SIMD registers without lane shuffles; written with one array of eight,
/// LLVM permuted the lanes and spent a shuffle per load.
#[cfg_attr(target_arch = "x86_64", inline(always))]
#[cfg_attr(not(target_arch = "x86_64"), inline)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lo = [0.0f32; 4];
    let mut hi = [0.0f32; 4];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..4 {
            lo[l] += x[l] * y[l];
            hi[l] += x[4 + l] * y[4 + l];
        }
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let p = match ra.len() {
        0 => None,
        1 => Some(tail_products::<1>(ra, rb)),
        2 => Some(tail_products::<2>(ra, rb)),
        3 => Some(tail_products::<3>(ra, rb)),
        4 => Some(tail_products::<4>(ra, rb)),
        5 => Some(tail_products::<5>(ra, rb)),
        6 => Some(tail_products::<6>(ra, rb)),
        _ => Some(tail_products::<7>(ra, rb)),
    };
    if let Some(p) = p {
        for l in 0..4 {
            lo[l] += p[l];
            hi[l] += p[4 + l];
        }
    }
    let v = [lo[0] + hi[0], lo[1] + hi[1], lo[2] + hi[2], lo[3] + hi[3]];
    (v[0] + v[2]) + (v[1] + v[3])
}

/// The last `R` (< 8) products of [`dot`], zero-padded to eight lanes. With `R` a
/// constant the padded vector is built in registers; a loop over the remainder
/// wrote it to the stack with a masked store and read it back as a whole vector,
/// which the CPU cannot forward (a stall of tens of cycles on every row).
#[inline(always)]
fn tail_products<const R: usize>(a: &[f32], b: &[f32]) -> [f32; 8] {
    let (a, b): (&[f32; R], &[f32; R]) = (a.try_into().unwrap(), b.try_into().unwrap());
    std::array::from_fn(|l| if l < R { a[l] * b[l] } else { 0.0 })
}

/// Dispatches a kernel on the column count: `cols` in 1..=7 runs the const-generic
/// narrow variant `$narrow::<C>` (fully unrolled rows, no inner loop), anything
/// else the wide expression.
macro_rules! by_width {
    ($cols:expr, $narrow:ident($($arg:expr),*), $wide:expr) => {
        match $cols {
            1 => $narrow::<1>($($arg),*),
            2 => $narrow::<2>($($arg),*),
            3 => $narrow::<3>($($arg),*),
            4 => $narrow::<4>($($arg),*),
            5 => $narrow::<5>($($arg),*),
            6 => $narrow::<6>($($arg),*),
            7 => $narrow::<7>($($arg),*),
            _ => $wide,
        }
    };
}
pub(crate) use by_width;

/// `Σ_j row_j x_j` for a row of `C` (< 8) entries, summed left to right from 0.
#[inline(always)]
fn dot_narrow<const C: usize>(row: &[f32], x: &[f32; C]) -> f32 {
    let row: &[f32; C] = row.try_into().expect("row of C entries");
    let mut s = 0.0f32;
    for j in 0..C {
        s += row[j] * x[j];
    }
    s
}

/// [`dot_narrow`] of four consecutive rows at once: `wb` holds their `4·C` entries
/// and `x_block` is `x_{i mod C}` over the same span, so the products are one
/// lane-wise multiplication of whole vectors; each row's products are then summed
/// left to right from 0, exactly as [`dot_narrow`] does, four rows per lane.
#[inline(always)]
fn dot_narrow_x4<const C: usize>(wb: &[f32], x_block: &[f32]) -> [f32; 4] {
    let (wb, x_block) = (&wb[..4 * C], &x_block[..4 * C]);
    let mut p = [0.0f32; 28];
    for ((p, w), x) in p.iter_mut().zip(wb).zip(x_block) {
        *p = w * x;
    }
    let mut s = [0.0f32; 4];
    for j in 0..C {
        let col = [p[j], p[C + j], p[2 * C + j], p[3 * C + j]];
        for (s, c) in s.iter_mut().zip(col) {
            *s += c;
        }
    }
    s
}

/// `x_{i mod C}` for i < 4·C (at most 28 entries): the input pattern of a block of
/// four rows.
#[inline(always)]
fn block_pattern<const C: usize>(x: &[f32; C]) -> [f32; 28] {
    let mut b = [0.0f32; 28];
    for (i, b) in b[..4 * C].iter_mut().enumerate() {
        *b = x[i % C];
    }
    b
}

/// An optimisation barrier for the loops over blocks of four rows: it compiles to
/// nothing, but LLVM's loop vectoriser leaves a loop containing it alone. The block
/// body is already SIMD code (the SLP vectoriser turns [`dot_narrow_x4`] into vector
/// loads, lane shuffles and four-wide arithmetic); widening the loop across blocks
/// instead loads every lane with a scalar load and was ~1.7× slower (120 × 3 matrix:
/// 72 ns → 44 ns per product with the barrier; 120 × 5: 168 ns → 87 ns).
/// Values are unaffected either way.
#[inline(always)]
pub(crate) fn one_block_at_a_time() {
    std::hint::black_box(());
}

#[inline(always)]
fn matvec_narrow<const C: usize>(w: &[f32], x: &[f32], y: &mut [f32]) {
    let x: &[f32; C] = x.try_into().expect("input of C entries");
    let xb = block_pattern(x);
    let mut yb = y.chunks_exact_mut(4);
    let mut wb = w.chunks_exact(4 * C);
    for (yb, wb) in (&mut yb).zip(&mut wb) {
        one_block_at_a_time();
        yb.copy_from_slice(&dot_narrow_x4::<C>(wb, &xb));
    }
    for (yi, row) in yb
        .into_remainder()
        .iter_mut()
        .zip(wb.remainder().chunks_exact(C))
    {
        *yi = dot_narrow(row, x);
    }
}

#[inline(always)]
fn matvec_pair_narrow<const C: usize>(
    wa: &[f32],
    xa: &[f32],
    wb: &[f32],
    xb: &[f32],
    y: &mut [f32],
) {
    let xa: &[f32; C] = xa.try_into().expect("input of C entries");
    let xb: &[f32; C] = xb.try_into().expect("input of C entries");
    let (pa, pb) = (block_pattern(xa), block_pattern(xb));
    let mut yk = y.chunks_exact_mut(4);
    let mut ak = wa.chunks_exact(4 * C);
    let mut bk = wb.chunks_exact(4 * C);
    for ((yk, ak), bk) in (&mut yk).zip(&mut ak).zip(&mut bk) {
        one_block_at_a_time();
        let (sa, sb) = (dot_narrow_x4::<C>(ak, &pa), dot_narrow_x4::<C>(bk, &pb));
        for ((y, a), b) in yk.iter_mut().zip(sa).zip(sb) {
            *y = a + b;
        }
    }
    let rows = ak
        .remainder()
        .chunks_exact(C)
        .zip(bk.remainder().chunks_exact(C));
    for (yi, (ra, rb)) in yk.into_remainder().iter_mut().zip(rows) {
        *yi = dot_narrow(ra, xa) + dot_narrow(rb, xb);
    }
}

/// The `C` columns of a column-major narrow matrix, each a slice over the rows.
#[inline(always)]
fn columns<const C: usize>(w: &[f32], rows: usize) -> [&[f32]; C] {
    std::array::from_fn(|j| &w[j * rows..][..rows])
}

/// Row i's sum `((0 + w_i0 x_0) + w_i1 x_1) + …` of a column-major matrix, for
/// the eight rows `o..o + 8` as one block (whole SIMD vectors, `x_j` broadcast).
#[inline(always)]
fn cols_block<const C: usize>(cols: &[&[f32]; C], x: &[f32; C], o: usize) -> [f32; 8] {
    let mut s = [0.0f32; 8];
    for (col, &xj) in cols.iter().zip(x) {
        let c: &[f32; 8] = col[o..o + 8].try_into().expect("eight rows");
        for (s, &w) in s.iter_mut().zip(c) {
            *s += w * xj;
        }
    }
    s
}

/// [`cols_block`] for the single row i.
#[inline(always)]
fn cols_row<const C: usize>(cols: &[&[f32]; C], x: &[f32; C], i: usize) -> f32 {
    let mut s = 0.0f32;
    for (col, &xj) in cols.iter().zip(x) {
        s += col[i] * xj;
    }
    s
}

/// [`matvec_narrow`] for a column-major matrix: row i's sum is
/// `((0 + w_i0 x_0) + w_i1 x_1) + …`, left to right from 0 as [`dot_narrow`] sums it,
/// so the bits are the same; eight rows at a time, with nothing to shuffle. (Left
/// to LLVM, the loop over rows kept its last eight rows for a scalar epilogue.)
#[inline(always)]
fn matvec_cols<const C: usize>(w: &[f32], x: &[f32], y: &mut [f32]) {
    // A copy: values LLVM keeps in registers (it reloaded `x` in every block).
    let x: [f32; C] = x.try_into().expect("input of C entries");
    let x = &x;
    let n = y.len();
    let cols = columns::<C>(w, n);
    for o in (0..n / 8).map(|k| 8 * k) {
        y[o..o + 8].copy_from_slice(&cols_block(&cols, x, o));
    }
    for (i, yi) in y.iter_mut().enumerate().skip(n / 8 * 8) {
        *yi = cols_row(&cols, x, i);
    }
}

/// [`matvec_pair_narrow`] for two column-major matrices (the same bits).
#[inline(always)]
fn matvec_pair_cols<const C: usize>(wa: &[f32], xa: &[f32], wb: &[f32], xb: &[f32], y: &mut [f32]) {
    let xa: [f32; C] = xa.try_into().expect("input of C entries");
    let xb: [f32; C] = xb.try_into().expect("input of C entries");
    let (xa, xb, n) = (&xa, &xb, y.len());
    let (ca, cb) = (columns::<C>(wa, n), columns::<C>(wb, n));
    for o in (0..n / 8).map(|k| 8 * k) {
        let (sa, sb) = (cols_block(&ca, xa, o), cols_block(&cb, xb, o));
        for ((y, a), b) in y[o..o + 8].iter_mut().zip(sa).zip(sb) {
            *y = a + b;
        }
    }
    for (i, yi) in y.iter_mut().enumerate().skip(n / 8 * 8) {
        *yi = cols_row(&ca, xa, i) + cols_row(&cb, xb, i);
    }
}

multiversion! {
/// `y = W x` for a row-major `rows × cols` matrix.
///
/// Wide matrices use [`dot`] per row. Narrow ones (cols < 8, like the 5-column
/// first layer and the 3-column apical matrices of Yin-Yang) sum each row left to
/// right from 0, four rows at a time as SIMD lanes (`dot_narrow_x4`), with the
/// column count a compile-time constant. Both choices depend only on the shape, so
/// the result is the same on every target.
pub fn matvec(w: &[f32], rows: usize, cols: usize, x: &[f32], y: &mut [f32]) {
    debug_assert_eq!(w.len(), rows * cols);
    debug_assert!(x.len() >= cols && y.len() >= rows);
    let (w, x, y) = (&w[..rows * cols], &x[..cols], &mut y[..rows]);
    by_width!(cols, matvec_narrow(w, x, y), {
        // Rows by index: `chunks_exact(cols)` would divide by the runtime `cols`.
        for (i, yi) in y.iter_mut().enumerate() {
            *yi = dot(&w[i * cols..][..cols], x);
        }
    })
}
}

multiversion! {
/// `y = A a + B b` for two row-major `rows × cols` matrices, in one pass:
/// the same bits as [`matvec`] of A followed by `y += B b` with the same summation.
pub fn matvec_pair(
    wa: &[f32],
    xa: &[f32],
    wb: &[f32],
    xb: &[f32],
    rows: usize,
    cols: usize,
    y: &mut [f32],
) {
    let (wa, wb) = (&wa[..rows * cols], &wb[..rows * cols]);
    let (xa, xb, y) = (&xa[..cols], &xb[..cols], &mut y[..rows]);
    by_width!(cols, matvec_pair_narrow(wa, xa, wb, xb, y), {
        for (i, yi) in y.iter_mut().enumerate() {
            let (ra, rb) = (&wa[i * cols..][..cols], &wb[i * cols..][..cols]);
            *yi = dot(ra, xa) + dot(rb, xb);
        }
    })
}
}

multiversion! {
/// [`matvec`] for a matrix whose narrow layout is `layout`: the same bits either way.
pub fn matvec_in(layout: Layout, w: &[f32], rows: usize, cols: usize, x: &[f32], y: &mut [f32]) {
    if layout == Layout::Columns && is_narrow(cols) {
        let (w, x, y) = (&w[..rows * cols], &x[..cols], &mut y[..rows]);
        by_width!(cols, matvec_cols(w, x, y), unreachable!())
    } else {
        matvec(w, rows, cols, x, y)
    }
}
}

multiversion! {
/// [`matvec_pair`] for matrices whose narrow layout is `layout`: the same bits
/// either way.
#[allow(clippy::too_many_arguments)]
pub fn matvec_pair_in(
    layout: Layout,
    wa: &[f32],
    xa: &[f32],
    wb: &[f32],
    xb: &[f32],
    rows: usize,
    cols: usize,
    y: &mut [f32],
) {
    if layout == Layout::Columns && is_narrow(cols) {
        let (wa, wb) = (&wa[..rows * cols], &wb[..rows * cols]);
        let (xa, xb, y) = (&xa[..cols], &xb[..cols], &mut y[..rows]);
        by_width!(cols, matvec_pair_cols(wa, xa, wb, xb, y), unreachable!())
    } else {
        matvec_pair(wa, xa, wb, xb, rows, cols, y)
    }
}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::outer::{lowpass_discrete, lowpass_euler};

    /// φ of a scaled vector: `out[i] = φ(c · v[i])` (the dendritic predictions).
    fn phi_scaled_into(f: Transfer, c: f32, v: &[f32], out: &mut [f32]) {
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

    /// `y += W x`, the same summation as [`matvec`] followed by one addition per output.
    fn matvec_add(w: &[f32], rows: usize, cols: usize, x: &[f32], y: &mut [f32]) {
        let (w, x, y) = (&w[..rows * cols], &x[..cols], &mut y[..rows]);
        for (yi, row) in y.iter_mut().zip(w.chunks_exact(cols)) {
            *yi += if cols < 8 {
                let mut s = 0.0f32;
                for (wij, xj) in row.iter().zip(x) {
                    s += wij * xj;
                }
                s
            } else {
                dot(row, x)
            };
        }
    }

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
        lowpass_euler(Layout::Rows, &mut w, &mut d, &[2.0], &[3.0], 0.1, 0.25);
        assert_eq!(w[0], 1.0 + 0.1 * 0.5);
        assert_eq!(d[0], 0.5 + 0.25 * (6.0 - 0.5));
        // Discrete: W uses the new Δ.
        let (mut w, mut d) = (vec![1.0f32], vec![0.5f32]);
        lowpass_discrete(Layout::Rows, &mut w, &mut d, &[2.0], &[3.0], 0.1, 0.25);
        assert_eq!(d[0], 0.75 * 0.5 + 0.25 * 6.0);
        assert_eq!(w[0], 1.0 + 0.1 * d[0]);
    }

    /// Deterministic test values with both signs, zeros of both signs and a spread
    /// of magnitudes.
    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| {
                let h = (i as u32 ^ seed).wrapping_mul(0x9e37_79b9).rotate_left(13);
                match h % 11 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => (h as f32 / u32::MAX as f32 - 0.5) * (1 << (h % 7)) as f32,
                }
            })
            .collect()
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// The kernels as first written (one row at a time, one accumulator array):
    /// the optimised ones must give exactly these bits for every shape.
    mod reference {
        pub fn dot(a: &[f32], b: &[f32]) -> f32 {
            let mut acc = [0.0f32; 8];
            let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
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

        pub fn matvec(w: &[f32], cols: usize, x: &[f32], y: &mut [f32]) {
            for (yi, row) in y.iter_mut().zip(w.chunks_exact(cols)) {
                *yi = if cols < 8 {
                    let mut s = 0.0f32;
                    for (wij, xj) in row.iter().zip(x) {
                        s += wij * xj;
                    }
                    s
                } else {
                    dot(row, &x[..cols])
                };
            }
        }
    }

    #[test]
    fn optimised_kernels_give_the_reference_bits() {
        use crate::model::weights::relayout;
        use Layout::{Columns, Rows};
        for cols in (1..=9).chain([12, 15, 16, 17, 121]) {
            for rows in [1usize, 3, 4, 5, 8, 11, 120] {
                let w = values(rows * cols, 1);
                let w2 = values(rows * cols, 2);
                let (x, x2) = (values(cols + 2, 3), values(cols, 4));
                assert_eq!(
                    dot(&w[..cols], &x).to_bits(),
                    reference::dot(&w[..cols], &x[..cols]).to_bits()
                );
                let mut want = vec![0.0; rows];
                reference::matvec(&w, cols, &x, &mut want);
                let mut want_pair = want.clone();
                matvec_add(&w2, rows, cols, &x2, &mut want_pair);
                for layout in [Rows, Columns] {
                    // The same matrices stored in `layout`.
                    let stored = |m: &[f32]| {
                        let mut m = m.to_vec();
                        relayout(&mut m, (rows, cols), Rows, layout, &mut Vec::new());
                        m
                    };
                    let (sw, sw2) = (stored(&w), stored(&w2));
                    let mut y = vec![0.0; rows];
                    matvec_in(layout, &sw, rows, cols, &x, &mut y);
                    assert_eq!(bits(&y), bits(&want), "matvec {rows}x{cols} {layout:?}");
                    matvec_pair_in(layout, &sw, &x, &sw2, &x2, rows, cols, &mut y);
                    let what = format!("matvec_pair {rows}x{cols} {layout:?}");
                    assert_eq!(bits(&y), bits(&want_pair), "{what}");
                    if layout == Rows {
                        matvec(&w, rows, cols, &x, &mut y);
                        assert_eq!(bits(&y), bits(&want), "matvec {rows}x{cols}");
                    }

                    let (post, pre) = (values(rows, 5), values(cols, 6));
                    let (c_w, c_d) = (0.37f32, 0.011f32);
                    let (mut wa, mut da) = (sw.clone(), sw2.clone());
                    let (mut wb, mut db) = (w.clone(), w2.clone());
                    let back = |m: &[f32]| {
                        let mut m = m.to_vec();
                        relayout(&mut m, (rows, cols), layout, Rows, &mut Vec::new());
                        bits(&m)
                    };
                    lowpass_euler(layout, &mut wa, &mut da, &post, &pre, c_w, c_d);
                    for (i, &e_i) in post.iter().enumerate() {
                        for (j, &r_j) in pre.iter().enumerate() {
                            let (k, d) = (i * cols + j, db[i * cols + j]);
                            wb[k] += c_w * d;
                            db[k] = d + c_d * (e_i * r_j - d);
                        }
                    }
                    let what = format!("lowpass_euler {rows}x{cols} {layout:?}");
                    assert_eq!(back(&wa), bits(&wb), "W {what}");
                    assert_eq!(back(&da), bits(&db), "Δ {what}");
                    lowpass_discrete(layout, &mut wa, &mut da, &post, &pre, c_w, c_d);
                    for (i, &e_i) in post.iter().enumerate() {
                        for (j, &r_j) in pre.iter().enumerate() {
                            let k = i * cols + j;
                            db[k] = (1.0 - c_d) * db[k] + c_d * (e_i * r_j);
                            wb[k] += c_w * db[k];
                        }
                    }
                    let what = format!("lowpass_discrete {rows}x{cols} {layout:?}");
                    assert_eq!(back(&wa), bits(&wb), "W {what}");
                    assert_eq!(back(&da), bits(&db), "Δ {what}");
                }
            }
        }
    }

    #[test]
    fn prediction_error_is_rate_minus_phi() {
        let (v, r) = (values(37, 7), values(37, 8));
        for f in [Transfer::Logistic, Transfer::SoftRelu] {
            let mut out = vec![0.0; 37];
            prediction_error_into(f, 0.8, &v, &r, &mut out);
            let mut want = vec![0.0; 37];
            phi_scaled_into(f, 0.8, &v, &mut want);
            for (w, ri) in want.iter_mut().zip(&r) {
                *w = ri - *w;
            }
            assert_eq!(bits(&out), bits(&want));
        }
    }
}
