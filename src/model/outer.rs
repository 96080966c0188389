//! The plasticity's outer-product updates: one consolidation step of a matrix W
//! and its trace Δ, with `E = post · preᵀ` computed on the fly (SPEC §2), for
//! PyraLNet ([`lowpass_euler`]) and SteadNet ([`lowpass_discrete`]). Split from
//! [`crate::model::kernels`], with its rules: elementwise IEEE operations only, so
//! every layout and vector width gives the same bits.

use crate::model::kernels::{Layout, by_width, is_narrow, one_block_at_a_time};
use crate::model::simd::multiversion;

/// Applies `f(&mut W_ij, &mut Δ_ij, E_ij)` to every entry of a matrix and its trace,
/// with `E = post · preᵀ` computed on the fly (`E_ij = post_i · pre_j`, never
/// stored). Each entry is visited exactly once, so the order of the visits cannot
/// change a result.
///
/// Wide matrices go row by row and narrow column-major ones column by column
/// ([`lines`]). Narrow row-major ones go in blocks of four rows, `4·C` contiguous
/// entries, i.e. whole SIMD vectors: the `pre` pattern of a block, `pre_{i mod C}`,
/// is the same for every block and built once; `post_{i / C}` is a shuffle of the
/// block's four `post` values. Row by row, a 5-entry row was one 4-lane vector plus
/// a scalar entry and loop overhead, and the three updates of the Yin-Yang step
/// took about a third of it.
#[inline(always)]
fn outer_update(
    layout: Layout,
    w: &mut [f32],
    delta: &mut [f32],
    post: &[f32],
    pre: &[f32],
    f: impl Fn(&mut f32, &mut f32, f32) + Copy,
) {
    let (rows, cols) = (post.len(), pre.len());
    let (w, delta) = (&mut w[..rows * cols], &mut delta[..rows * cols]);
    if layout == Layout::Columns && is_narrow(cols) {
        // Column j runs over the rows: E_ij = post_i · pre_j.
        return lines(w, delta, pre, post, |r_j, e_i| e_i * r_j, f);
    }
    let rows =
        |w: &mut [f32], delta: &mut [f32]| lines(w, delta, post, pre, |e_i, r_j| e_i * r_j, f);
    by_width!(cols, outer_narrow(w, delta, post, pre, f), rows(w, delta))
}

multiversion! { noinline;
/// `f(&mut w, &mut d, e(a_k, b_m))` over a matrix stored as `a.len()` contiguous
/// lines of `b.len()` entries: rows (a = post, b = pre) or the columns of a
/// column-major matrix (a = pre, b = post). One call per matrix, not inlined, so
/// that LLVM knows the slices do not overlap (inlined, it checked at run time for
/// every line) and the copy is chosen once per matrix, not once per line.
fn lines(
    w: &mut [f32],
    d: &mut [f32],
    a: &[f32],
    b: &[f32],
    e: impl Fn(f32, f32) -> f32 + Copy,
    f: impl Fn(&mut f32, &mut f32, f32) + Copy,
) {
    let n = b.len();
    if n == 0 {
        return;
    }
    // Lines by index: zipped `chunks_exact_mut` iterators went through an
    // out-of-line `Zip::new` in the wasm build (inline threshold 50), after which
    // LLVM no longer knew that the lines of W and Δ do not overlap, and left the
    // blocks scalar.
    for (k, &a_k) in a.iter().enumerate() {
        let (wl, dl) = (&mut w[k * n..][..n], &mut d[k * n..][..n]);
        line(wl, dl, b, |b_m| e(a_k, b_m), f);
    }
}
}

/// `f(&mut w_m, &mut d_m, e(b_m))` over one line: sixteen entries at a time (two
/// AVX2 or four 4-lane vectors), then eight, four and one by one. The blocks are
/// indexed rather than zipped `chunks_exact` iterators (which cost a second exit
/// test per block), and the barrier ([`one_block_at_a_time`]) keeps them whole:
/// without it the four-lane copy ran four blocks at once with a long scalar tail.
/// Eight at a time, the update of the Yin-Yang step took 14 instructions per eight
/// entries (AVX2); sixteen at a time, 23 per sixteen.
#[inline(always)]
fn line(
    w: &mut [f32],
    d: &mut [f32],
    b: &[f32],
    e: impl Fn(f32) -> f32 + Copy,
    f: impl Fn(&mut f32, &mut f32, f32) + Copy,
) {
    let n = b.len();
    let (w, d) = (&mut w[..n], &mut d[..n]);
    for k in 0..n / 16 {
        one_block_at_a_time();
        let o = 16 * k;
        block::<16>(&mut w[o..o + 16], &mut d[o..o + 16], &b[o..o + 16], e, f);
    }
    let mut o = n / 16 * 16;
    if n - o >= 8 {
        block::<8>(&mut w[o..o + 8], &mut d[o..o + 8], &b[o..o + 8], e, f);
        o += 8;
    }
    if n - o >= 4 {
        block::<4>(&mut w[o..o + 4], &mut d[o..o + 4], &b[o..o + 4], e, f);
        o += 4;
    }
    for ((w, d), &b) in w[o..].iter_mut().zip(&mut d[o..]).zip(&b[o..]) {
        f(w, d, e(b));
    }
}

/// `f` over `L` entries held as arrays, so the block is straight-line SIMD code.
#[inline(always)]
fn block<const L: usize>(
    w: &mut [f32],
    d: &mut [f32],
    b: &[f32],
    e: impl Fn(f32) -> f32 + Copy,
    f: impl Fn(&mut f32, &mut f32, f32) + Copy,
) {
    let w: &mut [f32; L] = w.try_into().expect("a block of L entries");
    let d: &mut [f32; L] = d.try_into().expect("a block of L entries");
    let b: &[f32; L] = b.try_into().expect("a block of L entries");
    for ((w, d), &b) in w.iter_mut().zip(d).zip(b) {
        f(w, d, e(b));
    }
}

#[inline(always)]
fn outer_narrow<const C: usize>(
    w: &mut [f32],
    delta: &mut [f32],
    post: &[f32],
    pre: &[f32],
    f: impl Fn(&mut f32, &mut f32, f32) + Copy,
) {
    let pre: &[f32; C] = pre.try_into().expect("C presynaptic rates");
    // pre_{i mod C} over a block of four rows (at most 4 · 7 entries).
    let mut pre_block = [0.0f32; 28];
    for (i, p) in pre_block[..4 * C].iter_mut().enumerate() {
        *p = pre[i % C];
    }
    let pre_block = &pre_block[..4 * C];
    let mut wb = w.chunks_exact_mut(4 * C);
    let mut db = delta.chunks_exact_mut(4 * C);
    let mut pb = post.chunks_exact(4);
    for ((wb, db), p4) in (&mut wb).zip(&mut db).zip(&mut pb) {
        let p4: &[f32; 4] = p4.try_into().expect("four rows");
        for i in 0..4 * C {
            f(&mut wb[i], &mut db[i], p4[i / C] * pre_block[i]);
        }
    }
    // The last rows % 4 rows.
    for ((wr, dr), &e_i) in wb
        .into_remainder()
        .chunks_exact_mut(C)
        .zip(db.into_remainder().chunks_exact_mut(C))
        .zip(pb.remainder())
    {
        for j in 0..C {
            f(&mut wr[j], &mut dr[j], e_i * pre[j]);
        }
    }
}

multiversion! {
/// One Euler step of the low-pass consolidation for a whole matrix, with
/// `E = post · preᵀ` (SPEC §2), in the reference order:
/// `W += c_w Δ` (old Δ), then `Δ += c_d (E − Δ)`, where `c_w = dt η` and
/// `c_d = dt / τ_w`.
pub fn lowpass_euler(
    layout: Layout,
    w: &mut [f32],
    delta: &mut [f32],
    post: &[f32],
    pre: &[f32],
    c_w: f32,
    c_d: f32,
) {
    outer_update(layout, w, delta, post, pre, |w, d, e| {
        let d0 = *d;
        *w += c_w * d0;
        *d = d0 + c_d * (e - d0);
    });
}
}

multiversion! {
/// One discrete step of the SteadNet consolidation (SPEC §4):
/// `Δ = (1 − a) Δ + a E`, then `W += c_w Δ` with the new Δ, `c_w = dT η`.
pub fn lowpass_discrete(
    layout: Layout,
    w: &mut [f32],
    delta: &mut [f32],
    post: &[f32],
    pre: &[f32],
    c_w: f32,
    a: f32,
) {
    let keep = 1.0 - a;
    outer_update(layout, w, delta, post, pre, |w, d, e| {
        let d1 = keep * *d + a * e;
        *d = d1;
        *w += c_w * d1;
    });
}
}
