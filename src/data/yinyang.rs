//! The Yin-Yang data set (Kriener, Göltz & Petrovici 2022), a small 2-d, 3-class
//! problem that a linear classifier cannot solve but a 4-30-3 network can.
//!
//! # Definition
//!
//! A point (x, y) lies in the unit square, inside the circle of radius
//! `R_BIG` = 0.5 around (0.5, 0.5). With the distances to the two "dots"
//!
//! ```text
//! d_R = |(x, y) - (0.75, 0.5)|      d_L = |(x, y) - (0.25, 0.5)|
//! ```
//!
//! and `R_SMALL` = 0.1, its class is
//!
//! ```text
//! 2  if d_R < r_small  or  d_L < r_small                       (the dots)
//! 1  else if d_R <= r_small                                    (a measure-zero rim)
//!         or r_small < d_L <= r_big / 2                        (ring round the left dot)
//!         or (y > r_big and d_R > r_big / 2)                   (upper half, off the right head)
//! 0  otherwise
//! ```
//!
//! The published class names are `["yin", "yang", "dot"]` for 0, 1, 2 (the
//! reference code calls the class-1 condition `is_yin`; only the numbers matter).
//! A sample's inputs are `(x, y, 1 - x, 1 - y)`: with the mirrored pair the summed
//! input is 2 for every sample, so total input says nothing about the class.
//!
//! Sampling keeps the classes balanced: for each sample the class is drawn
//! uniformly first, then points are drawn uniformly in the square and rejected until
//! one lies in the circle and has that class.
//!
//! # Why the NumPy stream is reproduced
//!
//! The published splits (`publication_data/` of lkriener/yin_yang_data_set) were
//! drawn with NumPy's legacy `np.random.RandomState(seed)`. Regenerating exactly the
//! same points in Rust lets results be compared with the literature on *the* data set
//! rather than a statistically equal one, lets the browser build the sets instead of
//! downloading them, and makes the golden files a check on this code. The stream is:
//!
//! - `RandomState(seed)` with an integer seed is MT19937 `init_genrand(seed)`;
//! - `randint(3)` draws 32-bit outputs, masks them with 3 (the smallest all-ones
//!   mask covering the range 0..=2) and rejects values above 2;
//! - `rand(2)` gives two doubles, each `((a >> 5) * 2^26 + (b >> 6)) / 2^53` from two
//!   32-bit outputs `a`, `b`, x first.
//!
//! Floating-point operations follow the reference code literally (`d * d` for
//! Python's `** 2`, correctly rounded `sqrt`), so the output matches bit for bit.

use rand_mt::Mt;

use crate::data::set::{Dataset, Targets};
use crate::error::{Error, Result};

/// Radius of the dots.
pub const R_SMALL: f64 = 0.1;
/// Radius of the whole symbol, centred at (`R_BIG`, `R_BIG`).
pub const R_BIG: f64 = 0.5;
/// Number of classes.
pub const N_CLASSES: usize = 3;
/// Names of classes 0, 1, 2 as published.
pub const CLASS_NAMES: [&str; N_CLASSES] = ["yin", "yang", "dot"];
/// Inputs per sample: x, y, 1 - x, 1 - y.
pub const N_INPUTS: usize = 4;
/// Largest set [`generate`] accepts (320 MB of samples), to catch typos early.
pub const MAX_SIZE: usize = 10_000_000;

/// (size, seed) of the published training split.
pub const PUBLISHED_TRAIN: (usize, u32) = (5000, 42);
/// (size, seed) of the published validation split.
pub const PUBLISHED_VALIDATION: (usize, u32) = (1000, 41);
/// (size, seed) of the published test split.
pub const PUBLISHED_TEST: (usize, u32) = (1000, 40);

/// (size, seed) of the PyraLNet study's training set (6000 samples). The study's
/// seeds are not published; we reuse the published ones, so since the stream is
/// sequential the first 5000 samples are exactly [`PUBLISHED_TRAIN`].
pub const STUDY_TRAIN: (usize, u32) = (6000, 42);
/// (size, seed) of the PyraLNet study's validation set: the first 600 samples of
/// [`PUBLISHED_VALIDATION`].
pub const STUDY_VALIDATION: (usize, u32) = (600, 41);
/// (size, seed) of the PyraLNet study's test set: the first 600 samples of
/// [`PUBLISHED_TEST`].
pub const STUDY_TEST: (usize, u32) = (600, 40);

/// A generated Yin-Yang set in full `f64` precision.
#[derive(Debug, Clone, PartialEq)]
pub struct YinYang {
    /// One `[x, y, 1 - x, 1 - y]` per sample.
    pub samples: Vec<[f64; N_INPUTS]>,
    /// Class of each sample, in `0..3`.
    pub labels: Vec<u8>,
}

impl YinYang {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the set holds no sample.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// How many samples each class has.
    pub fn class_counts(&self) -> [usize; N_CLASSES] {
        let mut counts = [0; N_CLASSES];
        for &label in &self.labels {
            counts[usize::from(label)] += 1;
        }
        counts
    }

    /// The set as a [`Dataset`] for the networks: `f32` inputs, 3 labelled classes.
    pub fn to_dataset(&self) -> Dataset {
        Dataset {
            name: "yin_yang".to_owned(),
            n_inputs: N_INPUTS,
            inputs: self.samples.iter().flatten().map(|&v| v as f32).collect(),
            targets: Targets::Labels {
                n_classes: N_CLASSES,
                labels: self.labels.iter().map(|&c| u16::from(c)).collect(),
            },
        }
    }
}

/// Generates `size` samples from `seed`, identical to the reference
/// `YinYangDataset(size=size, seed=seed)` (with r_small 0.1, r_big 0.5).
///
/// `size` must lie in `1..=MAX_SIZE`.
pub fn generate(size: usize, seed: u32) -> Result<YinYang> {
    if size == 0 || size > MAX_SIZE {
        return Err(Error::param(
            "yin_yang.size",
            size,
            format!("1..={MAX_SIZE}"),
        ));
    }
    let mut rng = LegacyRandomState::new(seed);
    let mut samples = Vec::with_capacity(size);
    let mut labels = Vec::with_capacity(size);
    for _ in 0..size {
        let goal = rng.randint_small(N_CLASSES as u32) as u8;
        let (x, y) = sample_of_class(&mut rng, goal);
        samples.push([x, y, 1.0 - x, 1.0 - y]);
        labels.push(goal);
    }
    Ok(YinYang { samples, labels })
}

/// Class of the point (x, y) by the rule in the module doc. Meaningful inside the
/// circle (see [`in_circle`]); outside it the rule still answers, for plotting.
pub fn class_of(x: f64, y: f64) -> u8 {
    let d_right = distance(x, y, 1.5 * R_BIG, R_BIG);
    let d_left = distance(x, y, 0.5 * R_BIG, R_BIG);
    if d_right < R_SMALL || d_left < R_SMALL {
        return 2;
    }
    let rim = d_right <= R_SMALL;
    let left_ring = d_left > R_SMALL && d_left <= 0.5 * R_BIG;
    let upper = y > R_BIG && d_right > 0.5 * R_BIG;
    u8::from(rim || left_ring || upper)
}

/// Whether (x, y) lies in the symbol's circle (boundary included), as tested while
/// sampling.
pub fn in_circle(x: f64, y: f64) -> bool {
    // The reference rejects `> r_big`; `<=` is its negation as no distance is NaN.
    distance(x, y, R_BIG, R_BIG) <= R_BIG
}

/// Euclidean distance, evaluated as NumPy does: `sqrt((x-cx)**2 + (y-cy)**2)`.
fn distance(x: f64, y: f64, cx: f64, cy: f64) -> f64 {
    let dx = x - cx;
    let dy = y - cy;
    (dx * dx + dy * dy).sqrt()
}

/// Draws points until one lies in the circle and belongs to class `goal`.
fn sample_of_class(rng: &mut LegacyRandomState, goal: u8) -> (f64, f64) {
    loop {
        // `x, y = rng.rand(2) * 2. * r_big`: both factors are powers of two, so this
        // is exact, but keep the reference's operations anyway.
        let x = rng.random_sample() * 2.0 * R_BIG;
        let y = rng.random_sample() * 2.0 * R_BIG;
        if in_circle(x, y) && class_of(x, y) == goal {
            return (x, y);
        }
    }
}

/// The parts of NumPy's legacy `RandomState` the generator needs.
struct LegacyRandomState {
    mt: Mt,
}

impl LegacyRandomState {
    /// `RandomState(seed)` for an integer seed: MT19937 `init_genrand(seed)`.
    fn new(seed: u32) -> Self {
        Self { mt: Mt::new(seed) }
    }

    /// `random_sample()`: a 53-bit double in [0, 1) from two 32-bit outputs.
    fn random_sample(&mut self) -> f64 {
        let a = self.mt.next_u32() >> 5;
        let b = self.mt.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }

    /// `randint(n)` for `2 <= n <= 2^32`: masked rejection sampling on 32-bit
    /// outputs, one output per attempt.
    fn randint_small(&mut self, n: u32) -> u32 {
        let max = n - 1;
        // Smallest all-ones mask covering `max`.
        let mask = u32::MAX >> max.leading_zeros();
        loop {
            let value = self.mt.next_u32() & mask;
            if value <= max {
                return value;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_rule_on_landmarks() {
        assert_eq!(class_of(0.75, 0.5), 2, "right dot centre");
        assert_eq!(class_of(0.25, 0.5), 2, "left dot centre");
        assert_eq!(class_of(0.25, 0.7), 1, "ring round the left dot");
        assert_eq!(class_of(0.75, 0.7), 0, "ring round the right dot");
        assert_eq!(class_of(0.5, 0.9), 1, "top");
        assert_eq!(class_of(0.5, 0.1), 0, "bottom");
    }

    #[test]
    fn circle_test_includes_its_boundary() {
        assert!(in_circle(0.5, 0.5));
        assert!(in_circle(1.0, 0.5));
        assert!(!in_circle(0.0, 0.0));
        assert!(!in_circle(0.95, 0.95));
    }

    #[test]
    fn randint_matches_numpy_mask_rule() {
        // Same seed, two streams: the bounded draw must be the first masked 32-bit
        // output that is at most 2.
        let mut rng = LegacyRandomState::new(42);
        let mut raw = Mt::new(42);
        for _ in 0..1000 {
            let expected = loop {
                let v = raw.next_u32() & 3;
                if v <= 2 {
                    break v;
                }
            };
            assert_eq!(rng.randint_small(3), expected);
        }
        assert_eq!(u32::MAX >> 2u32.leading_zeros(), 3);
        assert_eq!(u32::MAX >> 4u32.leading_zeros(), 7);
        assert_eq!(u32::MAX >> 1u32.leading_zeros(), 1);
    }

    #[test]
    fn random_sample_is_in_unit_interval() {
        let mut rng = LegacyRandomState::new(0);
        for _ in 0..10_000 {
            let u = rng.random_sample();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn rejects_bad_sizes() {
        for size in [0, MAX_SIZE + 1] {
            match generate(size, 1) {
                Err(Error::InvalidParam { value, allowed, .. }) => {
                    assert_eq!(value, size.to_string());
                    assert!(allowed.contains("10000000"), "{allowed}");
                }
                other => panic!("size {size}: {other:?}"),
            }
        }
    }

    #[test]
    fn samples_agree_with_their_labels() {
        let set = generate(2000, 7).unwrap();
        assert_eq!(set.len(), 2000);
        for (s, &c) in set.samples.iter().zip(&set.labels) {
            assert!(in_circle(s[0], s[1]));
            assert_eq!(class_of(s[0], s[1]), c);
            assert_eq!(s[2], 1.0 - s[0]);
            assert_eq!(s[3], 1.0 - s[1]);
        }
    }

    #[test]
    fn dataset_conversion() {
        let set = generate(10, 3).unwrap();
        let d = set.to_dataset();
        assert_eq!(d.name, "yin_yang");
        assert_eq!(d.len(), 10);
        assert_eq!(d.n_outputs(), 3);
        assert_eq!(d.input(4)[1], set.samples[4][1] as f32);
        assert_eq!(d.label(9), Some(usize::from(set.labels[9])));
    }
}
