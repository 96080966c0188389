//! What an evaluation measures ([`Metrics`]) and the one evaluator that measures
//! it ([`Evaluator`]).

use serde::{Deserialize, Serialize};

use crate::data::{Dataset, Targets};
use crate::error::Result;
use crate::model::engine::Engine;
use crate::model::params::Params;
use crate::train::alignment::Alignment;

/// Metrics of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Training patterns seen when evaluated.
    pub patterns: u64,
    /// `patterns / train_size`.
    pub epoch: f64,
    /// Mean squared error of the output potentials against the targets.
    pub mse: f64,
    /// Fraction of argmax predictions equal to the label (classification).
    pub accuracy: Option<f64>,
    /// `confusion[true][predicted]` counts (classification).
    pub confusion: Option<Vec<Vec<u32>>>,
    /// Validations: the angles between the run's, backprop's and feedback
    /// alignment's updates ([`crate::train::alignment`]); absent in older files
    /// and for networks without hidden layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<Alignment>,
}

/// Which data set to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Train,
    Val,
    Test,
}
crate::json::unit_enum!(Which: "Which", Train = "train", Val = "val", Test = "test");

/// The metrics of one evaluation, accumulated pattern by pattern: the one
/// evaluator of the CLI ([`evaluate`], [`crate::train::Trainer::validate`]) and of
/// the page, which evaluates in slices between frames
/// ([`crate::app::App::advance`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluator {
    target: Vec<f32>,
    /// Sum of squared errors over every output of the patterns so far.
    se: f64,
    correct: usize,
    confusion: Option<Vec<Vec<u32>>>,
    /// Patterns evaluated so far.
    n: usize,
}

impl Evaluator {
    /// An empty evaluation of `set`.
    pub fn new(set: &Dataset) -> Self {
        let classes = match &set.targets {
            Targets::Labels { n_classes, .. } => Some(*n_classes),
            Targets::Values { .. } => None,
        };
        Evaluator {
            target: vec![0.0f32; set.n_outputs()],
            se: 0.0,
            correct: 0,
            confusion: classes.map(|c| vec![vec![0u32; c]; c]),
            n: 0,
        }
    }

    /// Presents the patterns `range` of `set` to `eng` (no target, no plasticity,
    /// no noise) and adds their errors; `p` gives the classification targets.
    pub fn run(
        &mut self,
        eng: &mut dyn Engine,
        set: &Dataset,
        range: std::ops::Range<usize>,
        p: &Params,
    ) -> Result<()> {
        for i in range {
            let out = eng.evaluate(set.input(i))?;
            set.target_into(i, p.u_low, p.u_high, &mut self.target);
            self.se += out
                .iter()
                .zip(&self.target)
                .map(|(o, t)| ((o - t) as f64).powi(2))
                .sum::<f64>();
            if let (Some(conf), Some(label)) = (self.confusion.as_mut(), set.label(i)) {
                let pred = argmax(out);
                conf[label][pred] += 1;
                self.correct += usize::from(pred == label);
            }
            self.n += 1;
        }
        Ok(())
    }

    /// Patterns evaluated so far.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether no pattern was evaluated yet.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The metrics of the patterns so far (`patterns` and `epoch` 0: the caller
    /// knows where the run stands).
    pub fn metrics(self) -> Metrics {
        let n = self.n.max(1);
        let n_out = self.target.len();
        Metrics {
            patterns: 0,
            epoch: 0.0,
            mse: self.se / (n * n_out) as f64,
            accuracy: self
                .confusion
                .as_ref()
                .map(|_| self.correct as f64 / n as f64),
            confusion: self.confusion,
            alignment: None,
        }
    }
}

/// Metrics of `eng` on `set`: no target, no plasticity, no noise.
pub fn evaluate(eng: &mut dyn Engine, set: &Dataset, p: &Params) -> Result<Metrics> {
    let mut e = Evaluator::new(set);
    e.run(eng, set, 0..set.len(), p)?;
    Ok(e.metrics())
}

/// Index of the largest value (the first on ties; NaN never wins).
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] || v[best].is_nan() {
            best = i;
        }
    }
    best
}
