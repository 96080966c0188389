//! Data sets: generated (Yin-Yang, mimic teacher) or parsed from bytes (MNIST IDX).
//! Parsers take `&[u8]`, never paths: the CLI reads files, the browser fetches them.

pub mod mimic;
pub mod mnist;
pub mod mnist_subset;
pub mod points;
pub mod set;
pub mod yinyang;

use crate::error::{Error, Result};

pub use set::{Dataset, Targets};

/// Training, validation and test sets of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Splits {
    pub train: Dataset,
    pub val: Dataset,
    pub test: Dataset,
}

/// Seed of the mimic teacher, fixed so that every run learns the same map.
pub const MIMIC_TEACHER_SEED: u64 = 1;

/// Most patterns of one data set.
pub const MAX_SET_SIZE: usize = 10_000_000;

/// Most values (inputs and targets of all patterns) one generated data set may
/// hold: 100 M `f32`, 400 MB. Yin-Yang's largest sets (10 M × 7) fit; a mimic
/// task of a wide network with millions of patterns would not.
pub const MAX_DATASET_VALUES: usize = 100_000_000;

/// The sets of `task` with the sizes of `schedule`.
///
/// - Yin-Yang: drawn with the published seeds (train 42, validation 41, test 40),
///   so the sets do not change with the run's seed (as in the study).
/// - Mimic: a fixed teacher ([`MIMIC_TEACHER_SEED`]) shaped like `params.layers`,
///   inputs from seeds 1, 2, 3.
/// - MNIST: `mnist` = (train file, test file) if given (IDX files), else the embedded
///   subset; validation is the *start* of the training file, training the
///   `train_size` digits after it, and the test set the test file's first
///   `test_size` digits.
pub fn splits_for(
    task: crate::model::presets::Task,
    schedule: &crate::model::presets::Schedule,
    params: &crate::model::params::Params,
    mnist: Option<(Dataset, Dataset)>,
) -> Result<Splits> {
    use crate::model::presets::Task;
    let s = schedule;
    for (name, v) in [
        ("train_size", s.train_size),
        ("val_size", s.val_size),
        ("test_size", s.test_size),
    ] {
        if v == 0 || v > MAX_SET_SIZE {
            return Err(Error::param(name, v, format!("1..={MAX_SET_SIZE}")));
        }
        let (n_in, n_out) = (
            params.layers.first().copied().unwrap_or(0),
            params.layers.last().copied().unwrap_or(0),
        );
        let values = v.saturating_mul(n_in.saturating_add(n_out));
        if task == Task::Mimic && values > MAX_DATASET_VALUES {
            return Err(Error::param(
                name,
                v,
                format!(
                    "at most {} patterns of {n_in} inputs and {n_out} targets \
                     ({MAX_DATASET_VALUES} values per set)",
                    MAX_DATASET_VALUES / (n_in + n_out).max(1)
                ),
            ));
        }
    }
    match task {
        Task::YinYang => Ok(Splits {
            train: yinyang::generate(s.train_size, 42)?.to_dataset(),
            val: yinyang::generate(s.val_size, 41)?.to_dataset(),
            test: yinyang::generate(s.test_size, 40)?.to_dataset(),
        }),
        Task::Mimic => {
            let teacher = mimic::Teacher::new(params, MIMIC_TEACHER_SEED);
            Ok(Splits {
                train: mimic::generate(params, &teacher, s.train_size, 1)?,
                val: mimic::generate(params, &teacher, s.val_size, 2)?,
                test: mimic::generate(params, &teacher, s.test_size, 3)?,
            })
        }
        Task::Mnist => {
            let (train_all, test_all) = match mnist {
                Some(sets) => sets,
                None => mnist_subset::embedded_subset()?,
            };
            let n = train_all.len();
            if s.train_size + s.val_size > n {
                return Err(Error::param(
                    "train_size + val_size",
                    s.train_size + s.val_size,
                    format!("at most {n}, the digits of {}", train_all.name),
                ));
            }
            // The embedded subset interleaves the classes (0, 1, ..., 9, 0, ...), so
            // a prefix is class-balanced: validate on the first digits.
            let (v, t) = (s.val_size, s.train_size);
            Ok(Splits {
                val: train_all.subset(0..v, "mnist-val")?,
                train: train_all.subset(v..v + t, "mnist-train")?,
                test: test_all.subset(0..s.test_size.min(test_all.len()), "mnist-test")?,
            })
        }
    }
}
