//! The one seeded random generator behind every draw.
//!
//! PCG-64 (MCG variant, `rand_pcg::Pcg64Mcg`): its output depends only on the seed,
//! never on the platform. Independent streams (weights, noise, shuffling, data) are
//! derived from one user seed, so switching noise on does not change the initial
//! weights or the order of the patterns. Normal deviates use the Box–Muller
//! transform with `libm`'s portable `logf`/`cosf`, not the platform's.

use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a stream is used for; each gets its own sequence from the same seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    Init = 1,
    Noise = 2,
    Shuffle = 3,
    Data = 4,
    Hardware = 5,
    /// Seeds of the chip's per-column LFSRs ([`crate::model::lfsr`]).
    Lfsr = 6,
    /// Fixed per-channel offsets of the analog MAC ([`crate::model::analog`]).
    Analog = 7,
}

/// Seeded generator of uniform and normal deviates.
#[derive(Debug, Clone)]
pub struct SimRng {
    inner: Pcg64Mcg,
    spare: Option<f32>,
}

/// Where a [`SimRng`] stands, for checkpoints: the 128-bit PCG state as 32 hex
/// digits (JSON numbers cannot hold it, and the page reads checkpoints as JSON)
/// and the second Box–Muller deviate not yet used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RngState {
    pub pcg: String,
    pub spare: Option<f32>,
}

/// SplitMix64 finaliser: spreads (seed, stream) over all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SimRng {
    /// The generator of `stream` for user seed `seed`.
    pub fn new(seed: u64, stream: Stream) -> Self {
        let s = mix(seed ^ mix(stream as u64));
        SimRng {
            inner: Pcg64Mcg::seed_from_u64(s),
            spare: None,
        }
    }

    /// Its position, to continue it later with [`SimRng::from_state`].
    pub fn state(&self) -> RngState {
        RngState {
            pcg: format!("{:032x}", self.inner.state()),
            spare: self.spare,
        }
    }

    /// The generator at a saved position; `what` names the field in errors.
    pub fn from_state(s: &RngState, what: &str) -> Result<Self> {
        let bad = |why: &str| Error::data(what, format!("random stream state {:?}: {why}", s.pcg));
        if s.pcg.len() != 32 {
            return Err(bad("expected 32 hexadecimal digits"));
        }
        let state = u128::from_str_radix(&s.pcg, 16).map_err(|_| bad("not hexadecimal"))?;
        // A multiplicative congruential generator's state is always odd.
        if state & 1 == 0 {
            return Err(bad("an even state, which this generator never reaches"));
        }
        if s.spare.is_some_and(|z| !z.is_finite()) {
            return Err(Error::data(what, "the spare normal deviate is not finite"));
        }
        Ok(SimRng {
            inner: Pcg64Mcg::new(state),
            spare: s.spare,
        })
    }

    /// Uniform in `[lo, hi)`; exactly `lo` when the interval is empty.
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        if hi > lo {
            lo + (hi - lo) * self.unit()
        } else {
            lo
        }
    }

    /// Uniform in `[0, 1)` with 24 random bits.
    pub fn unit(&mut self) -> f32 {
        (self.inner.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in `0..n` (n > 0), unbiased.
    pub fn below(&mut self, n: usize) -> usize {
        self.inner.random_range(0..n as u64) as usize
    }

    /// Raw 32 bits (hardware emulation's LFSR stand-in, stochastic rounding).
    pub fn bits32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// Standard normal deviate (Box–Muller, both values used).
    pub fn normal(&mut self) -> f32 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let (cos, sin) = self.pair();
        self.spare = Some(sin);
        cos
    }

    /// `out.len()` draws of [`SimRng::normal`], the same values in the same order
    /// and the same state after: a loop of whole pairs, which overlap.
    pub fn fill_normal(&mut self, out: &mut [f32]) {
        let Some((first, rest)) = out.split_first_mut() else {
            return;
        };
        let rest = match self.spare.take() {
            Some(z) => {
                *first = z;
                rest
            }
            None => out,
        };
        let mut pairs = rest.chunks_exact_mut(2);
        for p in &mut pairs {
            (p[0], p[1]) = self.pair();
        }
        if let [last] = pairs.into_remainder() {
            *last = self.normal();
        }
    }

    /// Box–Muller: two independent deviates `r cos θ, r sin θ` from two uniforms.
    #[inline(always)]
    fn pair(&mut self) -> (f32, f32) {
        // u1 in (0, 1] so the logarithm is finite.
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        let r = libm::sqrtf(-2.0 * libm::logf(u1));
        // One argument reduction for both: the bits of sinf and cosf (tested over
        // every θ `unit` can give).
        let (sin, cos) = libm::sincosf(std::f32::consts::TAU * u2);
        (r * cos, r * sin)
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u32> = {
            let mut r = SimRng::new(7, Stream::Init);
            (0..4).map(|_| r.bits32()).collect()
        };
        let b: Vec<u32> = {
            let mut r = SimRng::new(7, Stream::Init);
            (0..4).map(|_| r.bits32()).collect()
        };
        let c: Vec<u32> = {
            let mut r = SimRng::new(7, Stream::Noise);
            (0..4).map(|_| r.bits32()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_saved_stream_continues_where_it_stopped() {
        let mut a = SimRng::new(9, Stream::Noise);
        a.normal(); // leaves a spare deviate
        let s = a.state();
        assert!(s.spare.is_some());
        let mut b = SimRng::from_state(&s, "noise").unwrap();
        let draws = |r: &mut SimRng| [r.normal().to_bits(), r.normal().to_bits(), r.bits32()];
        assert_eq!(draws(&mut a), draws(&mut b));
        for (pcg, why) in [
            ("12", "32 hexadecimal"),
            (&"g".repeat(32), "not hex"),
            (&"0".repeat(32), "even"),
        ] {
            let e = SimRng::from_state(
                &RngState {
                    pcg: pcg.to_string(),
                    spare: None,
                },
                "noise",
            );
            assert!(e.unwrap_err().to_string().contains(why));
        }
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut r = SimRng::new(1, Stream::Noise);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal() as f64).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
    }

    /// `fill_normal` gives `normal`'s values and leaves the stream where `normal`
    /// does, from either parity and for every length.
    #[test]
    fn fill_normal_is_normal_repeated() {
        for skip in 0..2 {
            for n in 0..6 {
                let (mut a, mut b) = (SimRng::new(9, Stream::Noise), SimRng::new(9, Stream::Noise));
                for _ in 0..skip {
                    a.normal();
                    b.normal();
                }
                let one: Vec<u32> = (0..n).map(|_| a.normal().to_bits()).collect();
                let mut all = vec![0f32; n];
                b.fill_normal(&mut all);
                assert_eq!(one, all.iter().map(|z| z.to_bits()).collect::<Vec<_>>());
                assert_eq!(a.state(), b.state(), "skip {skip}, n {n}");
            }
        }
    }

    /// `normal`'s `sincosf` gives `sinf`'s and `cosf`'s bits at every angle
    /// `TAU · unit()` takes (2^24 of them).
    #[test]
    fn sincos_is_sin_and_cos_at_every_angle_drawn() {
        for k in 0..1u32 << 24 {
            let theta = std::f32::consts::TAU * (k as f32 * (1.0 / 16_777_216.0));
            let (s, c) = libm::sincosf(theta);
            assert_eq!(s.to_bits(), libm::sinf(theta).to_bits(), "sin at k = {k}");
            assert_eq!(c.to_bits(), libm::cosf(theta).to_bits(), "cos at k = {k}");
        }
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut r = SimRng::new(3, Stream::Init);
        for _ in 0..10_000 {
            let x = r.uniform(-0.1, 0.1);
            assert!((-0.1..0.1).contains(&x));
        }
        assert_eq!(r.uniform(2.0, 2.0), 2.0);
    }
}
