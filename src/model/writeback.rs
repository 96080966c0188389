//! Writing a synapse's weight change back to its 6-bit code ([`crate::model::bss2`]):
//! the random bits of stochastic rounding ([`Draws`]: the seeded PCG stream or the
//! chip's per-column LFSRs) and the register that keeps the change between
//! write-backs ([`Register`]: the ideal 32-bit accumulator or the chip's 16-bit
//! saturating shadow weight).
//!
//! Units: an update `u` arrives with 15 fractional bits below one weight LSB.
//! - `ideal32`: `a ← a + u` (32-bit, saturating); at a write-back
//!   `dw = round_15(a)`, `a ← a − 2^15 dw` (carry) or `0`.
//! - `shadow16` with `F` fractional bits: the shadow weight `h = 2^F w + a` (16
//!   bits). `h ← sat(h + round_{15−F}(u))`, saturating at `±(2^(F+6) − 1)`, the
//!   weight's range ±63 with its fraction (for `F = 9` exactly the int16 range); at
//!   a write-back `w' = clamp(round_F(h), −63, 63)`, `a ← h − 2^F w'` (carry) or
//!   `0`. Updates below `2^−F` LSB vanish under floor rounding and add a variance
//!   under stochastic rounding: the cost of 16 bits. A shadow in the top bin
//!   (`h ≥ 63.5 · 2^F`) rounds to 63, as the PPU's saturating add does.
//!
//! The register holds `a` in both cases (units `2^−15` or `2^−F` LSB), so a
//! checkpoint stores the same field.

use crate::model::formats::{Accumulator, Rounding};
use crate::model::lfsr;
use crate::rng::SimRng;

/// Largest weight code (6-bit magnitude).
pub const W_MAX: i32 = 63;
/// Fractional bits of the weight change below one LSB.
pub const UPDATE_FRAC_BITS: u32 = 15;

/// Where stochastic rounding takes its random bits from.
pub enum Draws<'a> {
    /// Uniform bits of the seeded stream.
    Pcg(&'a mut SimRng),
    /// The LFSR of the synapse's postsynaptic column, one draw per rounding.
    Lfsr(&'a mut [u16]),
}

impl Draws<'_> {
    /// `floor(u / 2^k)` (floor) or `floor((u + U) / 2^k)`, `U` from the draws of
    /// column `col` (stochastic), `k` in 1..=31.
    #[inline(always)]
    pub fn round(&mut self, u: i64, k: u32, rounding: Rounding, col: usize) -> i64 {
        match rounding {
            Rounding::Floor => u >> k,
            Rounding::Stochastic => {
                let noise = match self {
                    Draws::Pcg(rng) => i64::from(rng.bits32() & ((1u32 << k) - 1)),
                    Draws::Lfsr(s) => lfsr::noise(lfsr::draw(&mut s[col], col), k),
                };
                (u + noise) >> k
            }
        }
    }
}

/// How a synapse's register is updated and written back.
#[derive(Debug, Clone, Copy)]
pub struct Register {
    pub accumulator: Accumulator,
    /// `F`, fractional bits of the shadow weight.
    pub frac: u32,
    pub carry: bool,
    pub rounding: Rounding,
}

impl Register {
    /// Largest |h| of the shadow weight: `2^(F+6) − 1`.
    #[inline(always)]
    pub fn shadow_max(&self) -> i64 {
        (1i64 << (self.frac + 6)) - 1
    }

    /// Adds update `u` (2^−15 LSB) to register `a` of a synapse with code `code`;
    /// with `write`, returns the new code and leaves in `a` what carry keeps.
    #[inline(always)]
    pub fn step(
        &self,
        a: &mut i32,
        u: i64,
        code: i64,
        write: bool,
        draws: &mut Draws,
        col: usize,
    ) -> Option<i64> {
        let w_max = i64::from(W_MAX);
        match self.accumulator {
            Accumulator::Ideal32 => {
                let sum = (i64::from(*a) + u).clamp(i32::MIN.into(), i32::MAX.into());
                *a = sum as i32;
                if !write {
                    return None;
                }
                let dw = draws.round(sum, UPDATE_FRAC_BITS, self.rounding, col);
                // |a − 2^k dw| < 2^k, so this fits the i32 register.
                *a = if self.carry {
                    (sum - (dw << UPDATE_FRAC_BITS)) as i32
                } else {
                    0
                };
                Some((code + dw).clamp(-w_max, w_max))
            }
            Accumulator::Shadow16 => {
                let f = self.frac;
                let inc = draws.round(u, UPDATE_FRAC_BITS - f, self.rounding, col);
                let top = self.shadow_max();
                let h = ((code << f) + i64::from(*a) + inc).clamp(-top, top);
                *a = (h - (code << f)) as i32;
                if !write {
                    return None;
                }
                let new = draws.round(h, f, self.rounding, col).clamp(-w_max, w_max);
                *a = if self.carry {
                    (h - (new << f)) as i32
                } else {
                    0
                };
                Some(new)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn shadow(frac: u32, carry: bool, rounding: Rounding) -> Register {
        Register {
            accumulator: Accumulator::Shadow16,
            frac,
            carry,
            rounding,
        }
    }

    #[test]
    fn shadow_weight_rounds_increments_to_its_bits_and_carries_the_rest() {
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut d = Draws::Pcg(&mut rng);
        let r = shadow(9, true, Rounding::Floor);
        // F = 9: an update of 0.3 LSB = 9830.4 → u = 9830 (2^-15 LSB) becomes
        // floor(9830 / 64) = 153 (2^-9 LSB); code 5 gives h = 5·512 + 153 = 2713.
        let mut a = 0;
        assert_eq!(r.step(&mut a, 9830, 5, false, &mut d, 0), None);
        assert_eq!(a, 153);
        // Three more: a = 612 → h = 3172, written: floor(3172 / 512) = 6, a = 100.
        for _ in 0..2 {
            r.step(&mut a, 9830, 5, false, &mut d, 0);
        }
        assert_eq!(r.step(&mut a, 9830, 5, true, &mut d, 0), Some(6));
        assert_eq!(a, 612 - 512);
        // Below 2^-9 LSB (64 units of 2^-15) floor drops an update entirely.
        let mut a = 0;
        assert_eq!(r.step(&mut a, 63, 0, true, &mut d, 0), Some(0));
        assert_eq!(a, 0);
        // Without carry the rest is cleared at the write-back.
        let r = shadow(9, false, Rounding::Floor);
        let mut a = 0;
        assert_eq!(r.step(&mut a, 3 * 9830, 5, true, &mut d, 0), Some(5));
        assert_eq!(a, 0);
    }

    #[test]
    fn shadow_weight_saturates_at_the_weight_range() {
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut d = Draws::Pcg(&mut rng);
        for frac in [9, 6, 1] {
            let r = shadow(frac, true, Rounding::Floor);
            let top = (1i64 << (frac + 6)) - 1;
            // 100 LSB up from code 60: h stops at 2^(F+6) − 1, the code at 63, and
            // what is kept is less than one LSB.
            let mut a = 0;
            assert_eq!(r.step(&mut a, 100 << 15, 60, true, &mut d, 0), Some(63));
            assert_eq!(i64::from(a), top - (63 << frac));
            assert!(i64::from(a) < 1 << frac);
            // Down from −60 by 100 LSB: −63 and a fraction above −1 LSB.
            let mut a = 0;
            assert_eq!(
                r.step(&mut a, -(100 << 15), -60, true, &mut d, 0),
                Some(-63)
            );
            assert_eq!(i64::from(a), -top + (63 << frac));
            // Stochastic rounding of the top bin stays at 63 (never 64).
            let s = shadow(frac, true, Rounding::Stochastic);
            for _ in 0..200 {
                let mut a = (top - (63 << frac)) as i32;
                assert_eq!(s.step(&mut a, 0, 63, true, &mut d, 0), Some(63));
            }
        }
        // F = 9 fills int16 exactly: ±32767.
        assert_eq!(
            shadow(9, true, Rounding::Floor).shadow_max(),
            i64::from(i16::MAX)
        );
    }

    #[test]
    fn stochastic_shadow_weight_is_unbiased_above_its_resolution() {
        let mut rng = SimRng::new(3, Stream::Hardware);
        let mut d = Draws::Pcg(&mut rng);
        let r = shadow(9, true, Rounding::Stochastic);
        // 4000 updates of +0.01 LSB (327.68 → 328 units) move the code by ~40 LSB
        // from −20; the code stays within one LSB of the shadow, which follows the
        // exact sum up to the rounding walk of its increments (sd ~0.04 LSB here).
        let (mut a, mut code) = (0i32, -20i64);
        for n in 1..=4000 {
            code = r.step(&mut a, 328, code, true, &mut d, 0).unwrap();
            let exact = -20.0 + n as f64 * 328.0 / 32768.0;
            assert!((code as f64 - exact).abs() < 1.25, "{n}: {code} vs {exact}");
        }
    }

    #[test]
    fn ideal32_keeps_fifteen_bits() {
        let mut rng = SimRng::new(1, Stream::Hardware);
        let mut d = Draws::Pcg(&mut rng);
        let r = Register {
            accumulator: Accumulator::Ideal32,
            frac: 9,
            carry: true,
            rounding: Rounding::Floor,
        };
        // 63 units (below the shadow's 2^-9) accumulate here: 600 of them are
        // 37800 > 2^15, one LSB.
        let mut a = 0;
        let mut code = 0;
        for _ in 0..600 {
            code = r.step(&mut a, 63, code, true, &mut d, 0).unwrap();
        }
        assert_eq!(code, 1);
        assert_eq!(a, 600 * 63 - 32768);
    }
}
