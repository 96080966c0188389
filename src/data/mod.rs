//! Data sets: generated (Yin-Yang, mimic teacher) or parsed from bytes (NumPy `.npy`,
//! MNIST IDX). Parsers take `&[u8]`, never paths: the CLI reads files, the browser
//! fetches them.

pub mod mimic;
pub mod mnist;
pub mod npy;
pub mod yinyang;

/// What a data set asks the network to produce.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// Class labels in `0..n_classes`; the driver turns them into u_low/u_high targets.
    Labels { n_classes: usize, labels: Vec<u16> },
    /// Regression targets, `n_outputs` per sample, row-major.
    Values { n_outputs: usize, values: Vec<f32> },
}

/// Samples with `n_inputs` rates each (row-major in `inputs`) and their targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub n_inputs: usize,
    pub inputs: Vec<f32>,
    pub targets: Targets,
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.inputs.len() / self.n_inputs.max(1)
    }

    /// True when the set holds no sample.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Input rates of sample `i`.
    pub fn input(&self, i: usize) -> &[f32] {
        &self.inputs[i * self.n_inputs..(i + 1) * self.n_inputs]
    }

    /// Number of output neurons the set needs.
    pub fn n_outputs(&self) -> usize {
        match &self.targets {
            Targets::Labels { n_classes, .. } => *n_classes,
            Targets::Values { n_outputs, .. } => *n_outputs,
        }
    }

    /// Label of sample `i`, for classification sets.
    pub fn label(&self, i: usize) -> Option<usize> {
        match &self.targets {
            Targets::Labels { labels, .. } => Some(labels[i] as usize),
            Targets::Values { .. } => None,
        }
    }
}
