//! φ and the error gains in the PPU's integer formats (`arith.phi = table`): the
//! PPU has no FPU, so the plasticity program looks φ up in a table and applies
//! the error gain as an integer multiply with an explicit rounding.
//!
//! - **φ table**: 256 Q0.15 entries, one per 8-bit readout code `c ∈ −128..127`:
//!   `T[c] = clamp(round(2^15 φ(c V / 128)), 0, 2^15 − 1)` with the readout range
//!   `V`, so `φ(read u)` is one lookup (512 bytes, as the budget assumes). Only for
//!   the logistic φ, whose values lie in `(0, 1)` (`Params::validate` refuses the
//!   table with soft_relu); the rule needs no derivative.
//! - **error factor**: `d = T[c_u] − T[c_v]` (Q0.15), times the gain `1/unit` held
//!   as `M = round(2^16 / unit)`, to Q0.7: `e = clamp(R(d M / 2^24), −128, 127)`
//!   with `R` the rounding of `arith.gain_rounding` ([`mul_round`]).

use crate::model::formats::MulRounding;

/// Fractional bits of the gain multiplier `M`.
pub const GAIN_FRAC_BITS: u32 = 16;

/// `a · b / 2^shift` rounded as `mode` says (`shift ≥ 1`): floor (arithmetic
/// shift), toward zero, or to nearest with halves toward +∞ (add half, shift).
#[inline]
pub fn mul_round(a: i64, b: i64, shift: u32, mode: MulRounding) -> i64 {
    let p = a * b;
    match mode {
        MulRounding::Floor => p >> shift,
        MulRounding::Zero => {
            if p < 0 {
                -((-p) >> shift)
            } else {
                p >> shift
            }
        }
        MulRounding::Nearest => (p + (1 << (shift - 1))) >> shift,
    }
}

/// The Q0.15 φ table of one readout range.
#[derive(Debug, Clone)]
pub struct PhiTable {
    t: Vec<i16>,
}

impl PhiTable {
    /// For the logistic φ and readout range `range` (potential of code 128).
    pub fn logistic(range: f32) -> Self {
        let t = (-128i32..=127)
            .map(|c| {
                let u = f64::from(c) * f64::from(range) / 128.0;
                // libm: the same digits natively and in wasm.
                let phi = 1.0 / (1.0 + libm::exp(-u));
                (phi * 32768.0).round().clamp(0.0, 32767.0) as i16
            })
            .collect();
        PhiTable { t }
    }

    /// `T[c]` for a readout code `c ∈ −128..127`.
    #[inline]
    pub fn get(&self, code: i32) -> i32 {
        i32::from(self.t[(code.clamp(-128, 127) + 128) as usize])
    }
}

/// The gain `1 / unit` as the PPU's integer multiplier `M = round(2^16 / unit)`.
#[inline]
pub fn gain_multiplier(unit: f32) -> i64 {
    (f64::from(1u32 << GAIN_FRAC_BITS) / f64::from(unit)).round() as i64
}

/// The Q0.7 error factor code of a Q0.15 difference `d`, with gain `1 / unit`.
#[inline]
pub fn factor_code(d: i32, unit: f32, mode: MulRounding) -> i32 {
    let m = gain_multiplier(unit);
    mul_round(i64::from(d), m, GAIN_FRAC_BITS + 8, mode).clamp(-128, 127) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_modes_on_hand_computed_products() {
        use MulRounding::*;
        // −3 · 5 / 4 = −3.75: floor −4, toward zero −3, nearest −4.
        assert_eq!(mul_round(-3, 5, 2, Floor), -4);
        assert_eq!(mul_round(-3, 5, 2, Zero), -3);
        assert_eq!(mul_round(-3, 5, 2, Nearest), -4);
        // 3 · 5 / 4 = 3.75: 3, 3, 4.
        assert_eq!(mul_round(3, 5, 2, Floor), 3);
        assert_eq!(mul_round(3, 5, 2, Zero), 3);
        assert_eq!(mul_round(3, 5, 2, Nearest), 4);
        // Halves: −10 / 4 = −2.5 → −3, −2, −2 (toward +∞); 10 / 4 = 2.5 → 2, 2, 3.
        assert_eq!(mul_round(-5, 2, 2, Floor), -3);
        assert_eq!(mul_round(-5, 2, 2, Zero), -2);
        assert_eq!(mul_round(-5, 2, 2, Nearest), -2);
        assert_eq!(mul_round(5, 2, 2, Floor), 2);
        assert_eq!(mul_round(5, 2, 2, Nearest), 3);
        // −1 · 1 / 2^15, the smallest negative product: −1, 0, 0.
        assert_eq!(mul_round(-1, 1, 15, Floor), -1);
        assert_eq!(mul_round(-1, 1, 15, Zero), 0);
        assert_eq!(mul_round(-1, 1, 15, Nearest), 0);
        // The error factor: d = −100 (Q0.15) at gain 3.2 → −100 · 3.2 / 256 =
        // −1.25 Q0.7 LSB: floor −2, zero −1, nearest −1; M = round(65536 · 3.2) =
        // 209 715, −100 · 209 715 / 2^24 = −1.24999.
        let unit = 1.0 / 3.2;
        assert_eq!(factor_code(-100, unit, Floor), -2);
        assert_eq!(factor_code(-100, unit, Zero), -1);
        assert_eq!(factor_code(-100, unit, Nearest), -1);
        // Gain 8: d = 1000 → 31.25 → 31; saturates at int8.
        assert_eq!(factor_code(1000, 0.125, Nearest), 31);
        assert_eq!(factor_code(30_000, 0.125, Nearest), 127);
        assert_eq!(factor_code(-30_000, 0.125, Floor), -128);
    }

    #[test]
    fn table_entries_are_the_logistic_within_one_lsb() {
        for range in [1.0f32, 2.0, 4.0, 8.0] {
            let t = PhiTable::logistic(range);
            for c in -128..=127 {
                let u = c as f64 * range as f64 / 128.0;
                let exact = 32768.0 / (1.0 + (-u).exp());
                let got = t.get(c) as f64;
                assert!(
                    (got - exact).abs() <= 1.0,
                    "V {range}, code {c}: {got} vs {exact}"
                );
            }
            // φ(0) = ½ exactly; the table is monotone.
            assert_eq!(t.get(0), 16384);
            assert!((-128..127).all(|c| t.get(c) <= t.get(c + 1)));
        }
        // V = 2, code 64 (u = 1): 32768 / (1 + e^−1) = 23 955.33 → 23 955.
        assert_eq!(PhiTable::logistic(2.0).get(64), 23_955);
    }
}
