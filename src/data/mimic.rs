//! The mimic task (seed slides, SPEC §5): a student network learns the input-output
//! map of a random teacher network of the same shape.
//!
//! The teacher is the student's own steady state without apical input, with weights
//! drawn U(−1, 1) and no bias:
//!
//! ```text
//! u_1 = g_B/(g_l+g_B+g_A) W_1 x,   u_k = g_B/(g_l+g_B+g_A) W_k φ(u_{k-1}),
//! u_N = g_B/(g_l+g_B) W_N φ(u_{N-1})                          (the target)
//! ```
//!
//! Inputs are uniform in [0, 1]^{n_0}.

use crate::data::set::{Dataset, Targets};
use crate::error::{Error, Result};
use crate::model::kernels::{matvec, phi_in_place};
use crate::model::params::Params;
use crate::rng::{SimRng, Stream};

/// Teacher weights, one row-major matrix per layer (`n_k × n_{k-1}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Teacher {
    pub layers: Vec<usize>,
    pub w: Vec<Vec<f32>>,
}

impl Teacher {
    /// A teacher of the shape of `p.layers`, weights U(−1, 1) from `seed`.
    pub fn new(p: &Params, seed: u64) -> Self {
        let mut rng = SimRng::new(seed, Stream::Data);
        let n = &p.layers;
        let w = (1..n.len())
            .map(|k| {
                (0..n[k] * n[k - 1])
                    .map(|_| rng.uniform(-1.0, 1.0))
                    .collect()
            })
            .collect();
        Teacher {
            layers: n.clone(),
            w,
        }
    }

    /// The teacher's output potentials for input `x`.
    pub fn output(&self, p: &Params, x: &[f32]) -> Vec<f32> {
        let nl = self.layers.len() - 1;
        let mut r = x.to_vec();
        let mut u = Vec::new();
        for k in 1..=nl {
            let c = if k == nl {
                p.g_b / (p.g_l + p.g_b)
            } else {
                p.g_b / (p.g_l + p.g_b + p.g_a)
            };
            u = vec![0.0; self.layers[k]];
            matvec(
                &self.w[k - 1],
                self.layers[k],
                self.layers[k - 1],
                &r,
                &mut u,
            );
            u.iter_mut().for_each(|v| *v *= c);
            r = u.clone();
            phi_in_place(p.transfer, &mut r);
        }
        u
    }
}

/// `size` samples of the teacher's map with inputs from the seeded data stream
/// `seed + 1` (the teacher uses `seed`), so train and validation sets drawn with
/// different `input_seed`s share one teacher.
pub fn generate(p: &Params, teacher: &Teacher, size: usize, input_seed: u64) -> Result<Dataset> {
    if size == 0 || size > 10_000_000 {
        return Err(Error::param("mimic.size", size, "1..=10000000"));
    }
    if teacher.layers != p.layers {
        return Err(Error::Shape {
            what: "mimic teacher".into(),
            expected: format!("{:?}", p.layers),
            found: format!("{:?}", teacher.layers),
        });
    }
    let n_in = p.layers[0];
    let n_out = p.layers[p.n_layers()];
    let mut rng = SimRng::new(input_seed.wrapping_add(1), Stream::Data);
    let mut inputs = Vec::with_capacity(size * n_in);
    let mut values = Vec::with_capacity(size * n_out);
    for _ in 0..size {
        let x: Vec<f32> = (0..n_in).map(|_| rng.unit()).collect();
        values.extend(teacher.output(p, &x));
        inputs.extend(x);
    }
    Ok(Dataset {
        name: "mimic".into(),
        n_inputs: n_in,
        inputs,
        targets: Targets::Values {
            n_outputs: n_out,
            values,
        },
    })
}
