//! A data set: input rates and their targets (class labels or values), the one
//! form every generator and parser produces and the driver reads.

use crate::error::{Error, Result};

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

    /// Samples `range` as a new set (named `name`).
    pub fn subset(&self, range: std::ops::Range<usize>, name: &str) -> Result<Dataset> {
        if range.start >= range.end || range.end > self.len() {
            return Err(Error::param(
                format!("{name} size"),
                range.len(),
                format!(
                    "1..={} (samples available from {})",
                    self.len().saturating_sub(range.start),
                    self.name
                ),
            ));
        }
        let n = self.n_inputs;
        let targets = match &self.targets {
            Targets::Labels { n_classes, labels } => Targets::Labels {
                n_classes: *n_classes,
                labels: labels[range.clone()].to_vec(),
            },
            Targets::Values { n_outputs, values } => Targets::Values {
                n_outputs: *n_outputs,
                values: values[range.start * n_outputs..range.end * n_outputs].to_vec(),
            },
        };
        Ok(Dataset {
            name: name.to_string(),
            n_inputs: n,
            inputs: self.inputs[range.start * n..range.end * n].to_vec(),
            targets,
        })
    }

    /// Target potentials of sample `i`: the regression values, or `u_high` for the
    /// true class and `u_low` for the others (SPEC §3).
    pub fn target_into(&self, i: usize, u_low: f32, u_high: f32, out: &mut [f32]) {
        match &self.targets {
            Targets::Labels { labels, .. } => {
                let l = labels[i] as usize;
                for (j, o) in out.iter_mut().enumerate() {
                    *o = if j == l { u_high } else { u_low };
                }
            }
            Targets::Values { n_outputs, values } => {
                out.copy_from_slice(&values[i * n_outputs..(i + 1) * n_outputs]);
            }
        }
    }
}
