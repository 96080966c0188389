//! The training driver shared by the CLI and the browser: epochs with a seeded
//! shuffle, validation at fixed intervals, a final test, metrics and checkpoints.
//!
//! It runs in steps ([`Trainer::run`] takes a budget of patterns) so a caller can
//! pause, read metrics and resume; an interrupted run continues exactly where it
//! stopped. Evaluations save and restore the network state, so how often one
//! validates does not change the training trajectory.

pub mod bench;

use serde::{Deserialize, Serialize};

use crate::data::{Dataset, Splits, Targets};
use crate::error::{Error, Result};
use crate::model;
use crate::model::engine::{Engine, EngineKind};
use crate::model::network::Network;
use crate::model::params::Params;
use crate::model::presets::{Schedule, Task};
use crate::model::weights::Projections;
use crate::rng::{SimRng, Stream};

/// Checkpoint format name and version; a loader refuses anything else.
pub const CHECKPOINT_FORMAT: &str = "microcircuit-checkpoint";
pub const CHECKPOINT_VERSION: u32 = 1;

/// Most epochs of a schedule.
pub const MAX_EPOCHS: usize = 100_000;

/// Longest checkpoint [`Checkpoint::from_json`] reads: weights and traces of the
/// largest network ([`crate::model::params::MAX_SYNAPSES`]) at up to ~14 characters a
/// number, with room for the history.
pub const MAX_CHECKPOINT_BYTES: usize = 600_000_000;

/// How a run is organised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    pub task: Task,
    pub engine: EngineKind,
    pub schedule: Schedule,
    /// Seed of the weights, the shuffle and the noise.
    pub seed: u64,
    /// Validate every this many training patterns (and at each epoch end); 0: only at
    /// epoch ends.
    pub val_every: usize,
}

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
}

/// Where a run stands, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub epoch: usize,
    pub epochs: usize,
    pub patterns: u64,
    pub total_patterns: u64,
    pub done: bool,
}

/// What [`Trainer::run`] did with its budget.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutcome {
    pub trained: usize,
    /// Validation metrics computed during the call, in order.
    pub validations: Vec<Metrics>,
    pub progress: Progress,
}

/// A run in progress.
pub struct Trainer {
    engine: Box<dyn Engine>,
    sets: Splits,
    cfg: RunConfig,
    order: Vec<usize>,
    epoch: usize,
    pos: usize,
    patterns: u64,
    history: Vec<Metrics>,
    test: Option<Metrics>,
    target: Vec<f32>,
    auto_validate: bool,
}

/// Everything needed to resume a run or reuse its weights, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub format: String,
    pub version: u32,
    pub config: RunConfig,
    pub params: Params,
    pub weights: Projections,
    pub deltas: Projections,
    pub epoch: usize,
    pub pos: usize,
    pub patterns: u64,
    pub history: Vec<Metrics>,
}

impl Trainer {
    /// A fresh run: network from `params` and `cfg.seed`, data in `sets`.
    pub fn new(params: Params, sets: Splits, cfg: RunConfig) -> Result<Self> {
        let net = Network::new(params, cfg.seed)?;
        Trainer::with_network(net, sets, cfg)
    }

    /// A run around an existing network (weights from a checkpoint, say).
    pub fn with_network(net: Network, sets: Splits, cfg: RunConfig) -> Result<Self> {
        check_sets(&net.params, &sets)?;
        if cfg.schedule.epochs == 0 || cfg.schedule.epochs > MAX_EPOCHS {
            return Err(Error::param(
                "epochs",
                cfg.schedule.epochs,
                format!("1..={MAX_EPOCHS}"),
            ));
        }
        let n_out = net.params.layers[net.params.n_layers()];
        let engine = model::build(cfg.engine, net, cfg.seed);
        let mut t = Trainer {
            engine,
            order: Vec::new(),
            sets,
            cfg,
            epoch: 0,
            pos: 0,
            patterns: 0,
            history: Vec::new(),
            test: None,
            target: vec![0.0; n_out],
            auto_validate: true,
        };
        t.shuffle();
        Ok(t)
    }

    /// Resumes from a checkpoint with the given data (checked against it).
    pub fn from_checkpoint(ck: Checkpoint, sets: Splits) -> Result<Self> {
        ck.check()?;
        let net = Network::from_weights(ck.params, ck.weights, Some(ck.deltas))?;
        let mut t = Trainer::with_network(net, sets, ck.config)?;
        // A run never stops at pos == len (the epoch ends and pos returns to 0), and
        // training from there would index past the epoch's order.
        if ck.epoch > t.cfg.schedule.epochs || ck.pos >= t.sets.train.len() {
            return Err(Error::data(
                "checkpoint",
                format!(
                    "position epoch {} pattern {} lies beyond the schedule ({} epochs of {})",
                    ck.epoch,
                    ck.pos,
                    t.cfg.schedule.epochs,
                    t.sets.train.len()
                ),
            ));
        }
        t.epoch = ck.epoch;
        t.pos = ck.pos;
        t.patterns = ck.patterns;
        t.history = ck.history;
        t.shuffle();
        Ok(t)
    }

    /// The order of epoch `e` depends only on (seed, e), so a resumed run draws the
    /// same order as an uninterrupted one.
    fn shuffle(&mut self) {
        let seed = self.cfg.seed ^ (self.epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut rng = SimRng::new(seed, Stream::Shuffle);
        self.order = (0..self.sets.train.len()).collect();
        rng.shuffle(&mut self.order);
    }

    /// Total training patterns of the schedule.
    pub fn total_patterns(&self) -> u64 {
        (self.cfg.schedule.epochs * self.sets.train.len()) as u64
    }

    pub fn progress(&self) -> Progress {
        Progress {
            epoch: self.epoch,
            epochs: self.cfg.schedule.epochs,
            patterns: self.patterns,
            total_patterns: self.total_patterns(),
            done: self.is_done(),
        }
    }

    /// True when every epoch has been trained.
    pub fn is_done(&self) -> bool {
        self.epoch >= self.cfg.schedule.epochs
    }

    /// Trains up to `budget` patterns, validating at the configured points; stops
    /// early at the end of the schedule.
    pub fn run(&mut self, budget: usize) -> Result<StepOutcome> {
        let mut trained = 0;
        let mut validations = Vec::new();
        // The untrained network is the first point of every learning curve.
        if self.auto_validate && self.patterns == 0 && self.history.is_empty() && budget > 0 {
            validations.push(self.validate()?);
        }
        let n = self.sets.train.len();
        let (u_low, u_high) = (self.params().u_low, self.params().u_high);
        while trained < budget && !self.is_done() {
            let i = self.order[self.pos];
            self.sets
                .train
                .target_into(i, u_low, u_high, &mut self.target);
            self.engine.train(self.sets.train.input(i), &self.target)?;
            trained += 1;
            self.pos += 1;
            self.patterns += 1;
            let epoch_end = self.pos == n;
            let every = self.cfg.val_every;
            let due = epoch_end || (every > 0 && self.patterns % every as u64 == 0);
            if self.auto_validate && due {
                let m = self.validate()?;
                validations.push(m);
            }
            if epoch_end {
                self.epoch += 1;
                self.pos = 0;
                self.shuffle();
            }
        }
        Ok(StepOutcome {
            trained,
            validations,
            progress: self.progress(),
        })
    }

    /// Whether [`Trainer::run`] validates by itself (at the start, every `val_every`
    /// patterns and at epoch ends; on by default). A caller that schedules its own
    /// evaluations, in slices (the browser), turns it off.
    pub fn set_auto_validate(&mut self, on: bool) {
        self.auto_validate = on;
    }

    /// Evaluates the validation set and appends the result to the history.
    pub fn validate(&mut self) -> Result<Metrics> {
        let m = self.evaluate_set(Which::Val)?;
        // One entry per point in training: a validation at an epoch end that
        // coincides with a `val_every` point is not repeated.
        if self.history.last().map(|h| h.patterns) != Some(m.patterns) {
            self.history.push(m.clone());
        }
        Ok(m)
    }

    /// Evaluates the test set (kept as the run's final result).
    pub fn test(&mut self) -> Result<Metrics> {
        let m = self.evaluate_set(Which::Test)?;
        self.test = Some(m.clone());
        Ok(m)
    }

    /// Evaluates one of the sets without changing the training state.
    pub fn evaluate_set(&mut self, which: Which) -> Result<Metrics> {
        let saved = self.engine.state().clone();
        let set = match which {
            Which::Train => &self.sets.train,
            Which::Val => &self.sets.val,
            Which::Test => &self.sets.test,
        };
        let p = self.engine.network().params.clone();
        let result = evaluate(self.engine.as_mut(), set, &p);
        *self.engine.state_mut() = saved;
        let mut m = result?;
        m.patterns = self.patterns;
        m.epoch = self.patterns as f64 / self.sets.train.len() as f64;
        Ok(m)
    }

    /// Trains to the end of the schedule, calling `on_progress` after each chunk,
    /// then evaluates the test set.
    pub fn run_to_end(
        &mut self,
        chunk: usize,
        mut on_progress: impl FnMut(&StepOutcome),
    ) -> Result<Metrics> {
        while !self.is_done() {
            let out = self.run(chunk.max(1))?;
            on_progress(&out);
        }
        self.test()
    }

    pub fn history(&self) -> &[Metrics] {
        &self.history
    }

    pub fn test_metrics(&self) -> Option<&Metrics> {
        self.test.as_ref()
    }

    pub fn params(&self) -> &Params {
        &self.engine.network().params
    }

    /// Changes parameters between patterns (learning rates, conductances, timing,
    /// passes). The layer sizes and the bias, which fix the weight shapes, and the
    /// number formats, which fix the engine's type, must stay.
    pub fn set_params(&mut self, p: Params) -> Result<()> {
        p.validate()?;
        let old = &self.engine.network().params;
        if p.layers != old.layers || p.bias.is_some() != old.bias.is_some() {
            return Err(Error::param(
                "layers/bias",
                format!("{:?} bias {:?}", p.layers, p.bias),
                format!(
                    "the running network's {:?} with bias {}",
                    old.layers,
                    if old.bias.is_some() { "on" } else { "off" }
                ),
            ));
        }
        if p.arith != old.arith {
            // The engine was built for its number formats (model::build).
            return Err(Error::param(
                "arith",
                format!("{:?}", p.arith.kind),
                format!(
                    "the running network's arithmetic ({}); change it with a new run",
                    old.arith.describe()
                ),
            ));
        }
        let bias_changed = p.bias != old.bias;
        self.engine.network_mut().params = p;
        if bias_changed {
            // The bias rate lives in the rate vectors; put the new one there.
            self.engine.reset_state();
        }
        Ok(())
    }

    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    pub fn engine(&self) -> &dyn Engine {
        self.engine.as_ref()
    }

    pub fn engine_mut(&mut self) -> &mut dyn Engine {
        self.engine.as_mut()
    }

    pub fn sets(&self) -> &Splits {
        &self.sets
    }

    /// The run as a checkpoint.
    pub fn checkpoint(&self) -> Checkpoint {
        let net = self.engine.network();
        Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            version: CHECKPOINT_VERSION,
            config: self.cfg.clone(),
            params: net.params.clone(),
            weights: net.w.clone(),
            deltas: net.delta.clone(),
            epoch: self.epoch,
            pos: self.pos,
            patterns: self.patterns,
            history: self.history.clone(),
        }
    }
}

/// Which data set to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    Train,
    Val,
    Test,
}

/// Metrics of `eng` on `set`: no target, no plasticity, no noise.
pub fn evaluate(eng: &mut dyn Engine, set: &Dataset, p: &Params) -> Result<Metrics> {
    let n_out = set.n_outputs();
    let mut target = vec![0.0f32; n_out];
    let mut se = 0.0f64;
    let mut correct = 0usize;
    let classes = match &set.targets {
        Targets::Labels { n_classes, .. } => Some(*n_classes),
        Targets::Values { .. } => None,
    };
    let mut confusion = classes.map(|c| vec![vec![0u32; c]; c]);
    for i in 0..set.len() {
        let out = eng.evaluate(set.input(i))?;
        set.target_into(i, p.u_low, p.u_high, &mut target);
        se += out
            .iter()
            .zip(&target)
            .map(|(o, t)| ((o - t) as f64).powi(2))
            .sum::<f64>();
        if let (Some(conf), Some(label)) = (confusion.as_mut(), set.label(i)) {
            let pred = argmax(out);
            conf[label][pred] += 1;
            correct += usize::from(pred == label);
        }
    }
    let n = set.len().max(1);
    Ok(Metrics {
        patterns: 0,
        epoch: 0.0,
        mse: se / (n * n_out) as f64,
        accuracy: classes.map(|_| correct as f64 / n as f64),
        confusion,
    })
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

fn check_sets(p: &Params, sets: &Splits) -> Result<()> {
    let (n_in, n_out) = (p.layers[0], p.layers[p.n_layers()]);
    for set in [&sets.train, &sets.val, &sets.test] {
        if set.is_empty() {
            return Err(Error::data(set.name.clone(), "the data set is empty"));
        }
        if set.n_inputs != n_in || set.n_outputs() != n_out {
            return Err(Error::Shape {
                what: format!("data set {} vs. network layers {:?}", set.name, p.layers),
                expected: format!("{n_in} inputs, {n_out} outputs"),
                found: format!("{} inputs, {} outputs", set.n_inputs, set.n_outputs()),
            });
        }
        if let Some(x) = set.inputs.iter().find(|x| !x.is_finite()) {
            return Err(Error::data(
                set.name.clone(),
                format!("input value {x} is not finite"),
            ));
        }
    }
    Ok(())
}

impl Checkpoint {
    /// Parses and checks a checkpoint (format, version, parameters, shapes, values).
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > MAX_CHECKPOINT_BYTES {
            return Err(Error::data(
                "checkpoint",
                format!(
                    "{} bytes, more than the limit of {MAX_CHECKPOINT_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        // Read the header first so a wrong format or version is named as such rather
        // than as a missing field.
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Json {
            what: "checkpoint".into(),
            reason: e.to_string(),
        })?;
        let format = v.get("format").and_then(|f| f.as_str()).unwrap_or("(none)");
        if format != CHECKPOINT_FORMAT {
            return Err(Error::data(
                "checkpoint",
                format!("format {format:?}, expected {CHECKPOINT_FORMAT:?}"),
            ));
        }
        let version = v.get("version").and_then(|f| f.as_u64()).unwrap_or(0);
        if version != CHECKPOINT_VERSION as u64 {
            return Err(Error::data(
                "checkpoint",
                format!("version {version}, this build reads version {CHECKPOINT_VERSION}"),
            ));
        }
        let ck: Checkpoint = serde_json::from_value(v).map_err(|e| Error::Json {
            what: "checkpoint".into(),
            reason: e.to_string(),
        })?;
        ck.check()?;
        Ok(ck)
    }

    /// Checks parameters, shapes and values.
    pub fn check(&self) -> Result<()> {
        self.params.validate()?;
        let s = &self.config.schedule;
        if !(1..=MAX_EPOCHS).contains(&s.epochs) {
            return Err(Error::param(
                "epochs",
                s.epochs,
                format!("1..={MAX_EPOCHS}"),
            ));
        }
        for (name, v) in [
            ("train_size", s.train_size),
            ("val_size", s.val_size),
            ("test_size", s.test_size),
        ] {
            if !(1..=crate::data::MAX_SET_SIZE).contains(&v) {
                return Err(Error::param(
                    name,
                    v,
                    format!("1..={}", crate::data::MAX_SET_SIZE),
                ));
            }
        }
        self.weights
            .check_against(&self.params, "checkpoint weights")?;
        self.deltas
            .check_against(&self.params, "checkpoint traces")?;
        self.check_history()
    }

    /// The history is drawn as curves and a confusion matrix: every entry must be
    /// a possible evaluation (finite, in range, square confusion of the output
    /// size, patterns increasing up to the checkpoint's).
    fn check_history(&self) -> Result<()> {
        let n_out = self.params.layers[self.params.n_layers()];
        let mut prev: Option<u64> = None;
        for (i, m) in self.history.iter().enumerate() {
            let bad = |reason: String| {
                Err(Error::data(
                    "checkpoint",
                    format!("history entry {i}: {reason}"),
                ))
            };
            if prev.is_some_and(|p| m.patterns <= p) || m.patterns > self.patterns {
                return bad(format!(
                    "patterns {} out of order (entries increase, up to the checkpoint's {})",
                    m.patterns, self.patterns
                ));
            }
            prev = Some(m.patterns);
            let sane = |x: f64| x.is_finite() && x >= 0.0;
            if !(sane(m.mse) && sane(m.epoch)) {
                return bad(format!(
                    "mse {} and epoch {} must be finite and >= 0",
                    m.mse, m.epoch
                ));
            }
            if let Some(a) = m.accuracy.filter(|a| !(0.0..=1.0).contains(a)) {
                return bad(format!("accuracy {a}, allowed 0..=1"));
            }
            if let Some(c) = &m.confusion {
                let total: u64 = c.iter().flatten().map(|&x| u64::from(x)).sum();
                if c.len() != n_out || c.iter().any(|r| r.len() != n_out) || total > u32::MAX as u64
                {
                    return bad(format!(
                        "confusion matrix must be {n_out}x{n_out} with at most {} counts",
                        u32::MAX
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
