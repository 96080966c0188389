//! The chip's per-column random generators for stochastic rounding (`arith.rng =
//! lfsr`), as the public BrainScaleS-2 PPU library describes them: one generator per
//! synapse column, a linear-feedback shift register with a 16-bit state and an
//! 8-bit output, each column with its own polynomial.
//!
//! Model (the register's wiring is not public; this is the simplest one that has
//! those properties): a Fibonacci LFSR that shifts left by one bit per draw,
//! ```text
//! b = parity(s & taps)          feedback: XOR of the tapped bits
//! s ← (s << 1 | b) mod 2^16     one new bit per draw
//! r = s mod 2^8                 8-bit output: the 8 newest bits
//! ```
//! so consecutive draws of a column share 7 of their 8 bits. A synapse column is a
//! postsynaptic neuron; the PPU walks a matrix row by row (presynaptic inputs), so
//! a column's synapses draw in sequence from one register and their rounding
//! noises are correlated (`r_{n+1} = 2 r_n + b mod 256`).
//!
//! Polynomials: [`TAPS`] holds 16 maximal-length 16-bit feedback masks (period
//! 2^16 − 1, checked by a test), column `c` uses `TAPS[c mod 16]`. The first is
//! x^16 + x^14 + x^13 + x^11 + 1 (mask 0xB400, bits 15, 13, 12, 10), the textbook
//! maximal 16-bit LFSR with four taps; the others are further four-tap maximal
//! masks found by exhaustive period check (distinct polynomials per column, as on
//! the chip; which ones the chip uses is not public).
//!
//! Worked example (by hand, mask 0xB400, state 0x005A = 0000 0000 0101 1010): the
//! tapped bits 15, 13, 12, 10 are all 0, so b = 0 and s = 0x00B4, r = 180; then
//! 0x0168 (r = 104), 0x02D0 (208), 0x05A0 (160); now bit 10 is set, b = 1: 0x0B41
//! (65); 0x0B41 taps nothing, 0x1682 (130); 0x1682 taps bits 12 and 10, b = 0:
//! 0x2D04 (4); bits 13 and 10, b = 0: 0x5A08 (8); bit 12 alone, b = 1: 0xB411
//! (17). Each output is twice the last plus the new bit, mod 256.
//!
//! Rounding `k` fractional bits with an 8-bit draw `r` (PPU library's stochastic
//! rounding: the draw is shifted to the `k` bits, added, the `k` bits cleared):
//! `U = r >> (8 − k)` for `k ≤ 8` (uniform on `[0, 2^k)`, unbiased), and `U = r <<
//! (k − 8)` for `k > 8`: only 256 levels, so the result is biased toward −∞ by the
//! fraction below 2^(k−8), less than 1/256 of an LSB.
//!
//! Seeding: every register starts from a nonzero 16-bit state drawn from the run's
//! seed ([`Stream::Lfsr`], per matrix), so runs are reproducible and the states are
//! part of a checkpoint ([`crate::model::arith::ArithState::lfsr`]).

use crate::error::{Error, Result};
use crate::model::arith::{LfsrState, MatrixId};
use crate::model::weights::Projections;
use crate::rng::{SimRng, Stream};

/// Maximal-length feedback masks of the 16-bit registers; column `c` uses
/// `TAPS[c % 16]`. Bit 15 (x^16) is always tapped.
pub const TAPS: [u16; 16] = [
    0xB400, 0x8016, 0x801C, 0x8029, 0x80D0, 0x810A, 0x810C, 0x8112, 0x8142, 0x8148, 0x8150, 0x8214,
    0x8241, 0x8244, 0x8248, 0x8260,
];

/// One draw of column `col`'s register: shifts in one new bit, returns the 8-bit
/// output (the low byte of the new state).
#[inline(always)]
pub fn draw(s: &mut u16, col: usize) -> u8 {
    let b = (*s & TAPS[col % TAPS.len()]).count_ones() as u16 & 1;
    *s = (*s << 1) | b;
    *s as u8
}

/// The noise added before clearing `k` fractional bits, from one 8-bit draw `r`.
#[inline(always)]
pub fn noise(r: u8, k: u32) -> i64 {
    let r = i64::from(r);
    if k <= 8 { r >> (8 - k) } else { r << (k - 8) }
}

/// The registers of every matrix that has drawn, one per postsynaptic column.
#[derive(Debug, Clone, Default)]
pub struct LfsrBank {
    seed: u64,
    pub(crate) banks: Vec<(MatrixId, Vec<u16>)>,
}

impl LfsrBank {
    pub fn new(seed: u64) -> Self {
        LfsrBank {
            seed,
            banks: Vec::new(),
        }
    }

    /// The fresh registers of matrix `m` with `cols` columns: nonzero 16-bit
    /// states from the run's seed and the matrix (independent of the order in
    /// which matrices first draw).
    pub fn fresh(&self, m: MatrixId, cols: usize) -> Vec<u16> {
        let mut rng = SimRng::new(self.seed ^ m.seed_tag(), Stream::Lfsr);
        (0..cols).map(|_| 1 + rng.below(65535) as u16).collect()
    }

    /// The registers of matrix `m` (created on first use).
    pub fn get(&mut self, m: MatrixId, cols: usize) -> &mut [u16] {
        let j = match self.banks.iter().position(|b| b.0 == m) {
            Some(j) => j,
            None => {
                let fresh = self.fresh(m, cols);
                self.banks.push((m, fresh));
                self.banks.len() - 1
            }
        };
        &mut self.banks[j].1
    }

    /// The bank with saved states, checked against the weights' shapes (one
    /// register per postsynaptic neuron, none zero, no matrix twice); `what` names
    /// the checkpoint field.
    pub fn restore(&self, saved: &[LfsrState], w: &Projections, what: &str) -> Result<Self> {
        let mut banks: Vec<(MatrixId, Vec<u16>)> = Vec::with_capacity(saved.len());
        for (i, b) in saved.iter().enumerate() {
            let MatrixId { proj, k } = b.matrix;
            let rows = w.get(proj).get(k).map_or(0, |m| m.rows);
            let bad = |why: String| Error::data(format!("{what}.lfsr[{i}]"), why);
            if rows == 0 || b.state.len() != rows {
                return Err(bad(format!(
                    "{} registers for W^{}_{k}, which has {rows} postsynaptic columns",
                    b.state.len(),
                    proj.name()
                )));
            }
            if b.state.contains(&0) {
                return Err(bad("a zero state, which an LFSR never leaves".into()));
            }
            if banks.iter().any(|(m, _)| *m == b.matrix) {
                return Err(bad(format!("W^{}_{k} listed twice", proj.name())));
            }
            banks.push((b.matrix, b.state.clone()));
        }
        Ok(LfsrBank {
            seed: self.seed,
            banks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::weights::Projection;

    #[test]
    fn draws_match_the_worked_example() {
        let mut s = 0x005Au16;
        let got: Vec<(u16, u8)> = (0..9)
            .map(|_| (draw(&mut s, 0), s))
            .map(|(r, s)| (s, r))
            .collect();
        let want = [
            (0x00B4, 180),
            (0x0168, 104),
            (0x02D0, 208),
            (0x05A0, 160),
            (0x0B41, 65),
            (0x1682, 130),
            (0x2D04, 4),
            (0x5A08, 8),
            (0xB411, 17),
        ];
        assert_eq!(got, want);
        // One new bit per draw: consecutive outputs share 7 bits.
        for w in want.windows(2) {
            assert_eq!(w[1].1 >> 1, w[0].1 & 0x7F);
        }
    }

    #[test]
    fn noise_takes_the_top_bits_or_shifts_up() {
        // k <= 8: the k top bits of the draw, uniform on [0, 2^k).
        assert_eq!(noise(0b1011_0100, 3), 0b101);
        assert_eq!(noise(0xFF, 8), 255);
        assert_eq!(noise(0xFF, 1), 1);
        // k > 8: 256 levels spaced 2^(k - 8).
        assert_eq!(noise(3, 15), 3 << 7);
        // Over all 256 draws, rounding 15 bits is biased toward -inf by the part of
        // the fraction below 2^7, and exact when there is none.
        let mean =
            |u: i64| (0..=255u8).map(|r| (u + noise(r, 15)) >> 15).sum::<i64>() as f64 / 256.0;
        assert_eq!(mean(3 << 13), 0.75);
        let u = (3 << 13) + 100;
        assert!(
            (mean(u) - 0.75).abs() < 1e-12,
            "the 100/2^15 below 2^7 is dropped"
        );
        let u = (3 << 13) + 128;
        assert!((mean(u) - (0.75 + 1.0 / 256.0)).abs() < 1e-12);
    }

    #[test]
    fn registers_are_seeded_per_matrix_and_never_zero() {
        let m1 = MatrixId {
            proj: Projection::Up,
            k: 1,
        };
        let m2 = MatrixId {
            proj: Projection::Ip,
            k: 1,
        };
        let mut a = LfsrBank::new(7);
        let mut b = LfsrBank::new(7);
        // Creation order does not matter.
        let a1 = a.get(m1, 120).to_vec();
        let b2 = b.get(m2, 3).to_vec();
        assert_eq!(a1, b.get(m1, 120).to_vec());
        assert_eq!(b2, a.get(m2, 3).to_vec());
        assert_ne!(a1, LfsrBank::new(8).get(m1, 120).to_vec());
        assert!(a1.iter().chain(&b2).all(|&s| s != 0));
    }

    #[test]
    fn every_polynomial_has_the_full_period_and_they_differ() {
        for (c, &t) in TAPS.iter().enumerate() {
            assert!(t & 0x8000 != 0, "{t:#x}");
            let mut s = 1u16;
            let mut n = 0u32;
            loop {
                draw(&mut s, c);
                n += 1;
                if s == 1 || n > 70_000 {
                    break;
                }
            }
            assert_eq!(n, 65_535, "taps {t:#x}");
        }
        let mut t = TAPS.to_vec();
        t.sort_unstable();
        t.dedup();
        assert_eq!(t.len(), TAPS.len());
    }
}
