//! The weights: dense matrices and the four projections of the microcircuit, one
//! matrix per projection and layer (SPEC §1):
//!
//! ```text
//! up    W^up_k,   k = 1..=N   basal:        pyramidal k−1 → pyramidal k
//! ip    W^ip_k,   k = 1..N    dendritic:    pyramidal k   → interneurons k
//! pi    W^pi_k,   k = 1..N    apical:       interneurons k → pyramidal k
//! down  W^down_k, k = 1..N    apical:       pyramidal k+1 → pyramidal k
//! ```
//!
//! [`Projection::ALL`] is the one list of the kinds; everything that walks all
//! matrices goes through it or through [`Projections::get`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::kernels::{Layout, is_narrow};
use crate::model::params::{Params, Range};
use crate::rng::SimRng;

/// A dense row-major matrix (rows = postsynaptic neurons).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Mat {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Mat {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Mat {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub(crate) fn uniform(rows: usize, cols: usize, r: Range, rng: &mut SimRng) -> Self {
        let data = (0..rows * cols).map(|_| rng.uniform(r.lo, r.hi)).collect();
        Mat { rows, cols, data }
    }

    /// Frobenius norm ‖A‖.
    pub fn norm(&self) -> f32 {
        self.data.iter().map(|x| x * x).sum::<f32>().sqrt()
    }

    pub(crate) fn fill(&mut self, v: f32) {
        self.data.iter_mut().for_each(|x| *x = v);
    }

    /// Whether rows and columns are as given.
    pub fn has_shape(&self, rows: usize, cols: usize) -> bool {
        self.rows == rows && self.cols == cols && self.data.len() == rows * cols
    }
}

/// Which projection a matrix belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    Up,
    Ip,
    Pi,
    Down,
}
crate::json::unit_enum!(Projection: "Projection", Up = "up", Ip = "ip", Pi = "pi", Down = "down");

impl Projection {
    /// Every projection, in the order checkpoints, checksums and charts list them.
    pub const ALL: [Projection; 4] = [
        Projection::Up,
        Projection::Ip,
        Projection::Pi,
        Projection::Down,
    ];

    /// The name checkpoints and charts use.
    pub fn name(self) -> &'static str {
        match self {
            Projection::Up => "up",
            Projection::Ip => "ip",
            Projection::Pi => "pi",
            Projection::Down => "down",
        }
    }
}

/// One matrix per projection and layer, indexed by k (empty where absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projections {
    /// `W^up_k`, k = 1..=N: `n_k × (n_{k-1} + bias)`.
    pub up: Vec<Mat>,
    /// `W^ip_k`, k = 1..N: `n_{k+1} × (n_k + bias)`.
    pub ip: Vec<Mat>,
    /// `W^pi_k`, k = 1..N: `n_k × n_{k+1}`.
    pub pi: Vec<Mat>,
    /// `W^down_k`, k = 1..N: `n_k × n_{k+1}`.
    pub down: Vec<Mat>,
}

impl Projections {
    /// All-zero matrices of the shapes `p` asks for.
    pub fn zeros(p: &Params) -> Self {
        let n = &p.layers;
        let nl = p.n_layers();
        let b = usize::from(p.bias.is_some());
        let mut w = Projections {
            up: vec![Mat::default(); nl + 1],
            ip: vec![Mat::default(); nl],
            pi: vec![Mat::default(); nl],
            down: vec![Mat::default(); nl],
        };
        for k in 1..=nl {
            w.up[k] = Mat::zeros(n[k], n[k - 1] + b);
            if k < nl {
                w.ip[k] = Mat::zeros(n[k + 1], n[k] + b);
                w.pi[k] = Mat::zeros(n[k], n[k + 1]);
                w.down[k] = Mat::zeros(n[k], n[k + 1]);
            }
        }
        w
    }

    /// The matrices of one projection.
    pub fn get(&self, p: Projection) -> &[Mat] {
        match p {
            Projection::Up => &self.up,
            Projection::Ip => &self.ip,
            Projection::Pi => &self.pi,
            Projection::Down => &self.down,
        }
    }

    /// The matrices of one projection, mutable.
    pub fn get_mut(&mut self, p: Projection) -> &mut [Mat] {
        match p {
            Projection::Up => &mut self.up,
            Projection::Ip => &mut self.ip,
            Projection::Pi => &mut self.pi,
            Projection::Down => &mut self.down,
        }
    }

    /// Checks that every matrix has the shape `p` asks for and finite entries.
    pub fn check_against(&self, p: &Params, what: &str) -> Result<()> {
        let want = Projections::zeros(p);
        for proj in Projection::ALL {
            let (have, want) = (self.get(proj), want.get(proj));
            if have.len() != want.len() {
                return Err(Error::Shape {
                    what: format!("{what}: number of {proj:?} matrices"),
                    expected: want.len().to_string(),
                    found: have.len().to_string(),
                });
            }
            for (k, (h, w)) in have.iter().zip(want).enumerate() {
                if !h.has_shape(w.rows, w.cols) {
                    return Err(Error::Shape {
                        what: format!("{what}: {proj:?} matrix of layer {k}"),
                        expected: format!("{}x{}", w.rows, w.cols),
                        found: format!("{}x{} with {} entries", h.rows, h.cols, h.data.len()),
                    });
                }
                if let Some(x) = h.data.iter().find(|x| !x.is_finite()) {
                    return Err(Error::data(
                        what.to_string(),
                        format!("{proj:?} matrix of layer {k} holds {x}; weights must be finite"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every entry in one flat buffer: up, ip, pi, down, layer by layer, each matrix
    /// row-major. The page's training worker sends it to its evaluation worker,
    /// which reads it back with [`Projections::load_flat`].
    pub fn to_flat(&self) -> Vec<f32> {
        let n = self.iter().map(|m| m.data.len()).sum();
        let mut flat = Vec::with_capacity(n);
        self.iter().for_each(|m| flat.extend_from_slice(&m.data));
        flat
    }

    /// Overwrites every entry from a buffer of [`Projections::to_flat`]'s layout
    /// (the shapes stay); a buffer of another length is refused, nothing changed.
    /// Non-finite entries are kept: an evaluation is what reports them.
    pub fn load_flat(&mut self, flat: &[f32], what: &str) -> Result<()> {
        let n: usize = self.iter().map(|m| m.data.len()).sum();
        if flat.len() != n {
            return Err(Error::Shape {
                what: format!("{what}: weights"),
                expected: format!("{n} values"),
                found: format!("{} values", flat.len()),
            });
        }
        let mut rest = flat;
        for m in self.iter_mut() {
            let (head, tail) = rest.split_at(m.data.len());
            m.data.copy_from_slice(head);
            rest = tail;
        }
        Ok(())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Mat> {
        self.up
            .iter()
            .chain(self.ip.iter())
            .chain(self.pi.iter())
            .chain(self.down.iter())
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Mat> {
        self.up
            .iter_mut()
            .chain(self.ip.iter_mut())
            .chain(self.pi.iter_mut())
            .chain(self.down.iter_mut())
    }
}
/// `data`, a narrow `rows × cols` matrix in layout `from`, rewritten in layout `to`
/// through `scratch` (which keeps its capacity: one allocation for a run).
pub fn relayout(
    data: &mut [f32],
    shape: (usize, usize),
    from: Layout,
    to: Layout,
    scratch: &mut Vec<f32>,
) {
    let (rows, cols) = shape;
    if from != to && is_narrow(cols) {
        scratch.clear();
        scratch.extend_from_slice(&data[..rows * cols]);
        for (i, j) in (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j))) {
            let (r, c) = (i * cols + j, j * rows + i);
            let (dst, src) = if to == Layout::Columns {
                (c, r)
            } else {
                (r, c)
            };
            data[dst] = scratch[src];
        }
    }
}
