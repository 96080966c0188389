//! The training driver shared by the CLI and the browser: epochs with a seeded
//! shuffle, validation at fixed intervals, a final test, metrics and checkpoints.
//!
//! It runs in steps ([`Trainer::run`] takes a budget of patterns) so a caller can
//! pause, read metrics and resume; an interrupted run continues exactly where it
//! stopped. Evaluations save and restore the network state, so how often one
//! validates does not change the training trajectory.

pub mod alignment;
pub mod bench;
pub mod checkpoint;
pub mod config;
pub mod metrics;

use serde::{Deserialize, Serialize};

use crate::data::Splits;
use crate::error::{Error, Result};
use crate::model;
use crate::model::engine::Engine;
use crate::model::network::Network;
use crate::model::params::Params;
use crate::rng::{SimRng, Stream};

pub use checkpoint::{CHECKPOINT_FORMAT, CHECKPOINT_VERSION, Checkpoint, MAX_CHECKPOINT_BYTES};
pub use config::{MAX_EPOCHS, RunConfig};
pub use metrics::{Evaluator, Metrics, Which, argmax, evaluate};

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
    /// Training patterns of the alignment probe ([`alignment::probe`]).
    probe: Vec<usize>,
    /// The run's parameters with undecayed rates; the engine trains with them
    /// decayed for the current epoch (`cfg.schedule.eta_decay`).
    base: Params,
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
        cfg.engine.check(&net.params)?;
        if let Some(d) = &cfg.schedule.eta_decay {
            d.check()?;
        }
        let base = net.params.clone();
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
            probe: Vec::new(),
            base,
        };
        t.probe = alignment::probe(t.sets.train.len());
        t.shuffle();
        t.decay_rates();
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
        t.decay_rates();
        if let Some(es) = &ck.engine_state {
            t.engine.load_state(es)?;
        }
        t.shuffle();
        Ok(t)
    }

    /// Gives the engine the rates of the current epoch: the base rates times the
    /// schedule's decay, a function of the epoch alone (so a resumed run matches).
    fn decay_rates(&mut self) {
        let Some(d) = self.cfg.schedule.eta_decay else {
            return;
        };
        let mut p = self.base.clone();
        p.scale_rates(d.scale(self.epoch));
        self.engine.network_mut().params = p;
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
                self.decay_rates();
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

    /// Evaluates the validation set, measures the alignment with backprop, and
    /// appends the result to the history.
    pub fn validate(&mut self) -> Result<Metrics> {
        let mut m = self.evaluate_set(Which::Val)?;
        m.alignment = self.alignment()?;
        // One entry per point in training: a validation at an epoch end that
        // coincides with a `val_every` point is not repeated.
        if self.history.last().map(|h| h.patterns) != Some(m.patterns) {
            self.history.push(m.clone());
        }
        Ok(m)
    }

    /// The angles with backprop at the current weights ([`alignment::measure`]);
    /// the run is not changed.
    pub fn alignment(&self) -> Result<Option<alignment::Alignment>> {
        alignment::measure(self.engine.as_ref(), &self.sets.train, &self.probe)
    }

    /// Evaluates the test set (kept as the run's final result).
    pub fn test(&mut self) -> Result<Metrics> {
        let m = self.evaluate_set(Which::Test)?;
        self.test = Some(m.clone());
        Ok(m)
    }

    /// Evaluates one of the sets without changing the training state.
    pub fn evaluate_set(&mut self, which: Which) -> Result<Metrics> {
        // The whole engine state: PyraLNet's step count (the chip's plasticity
        // phase) and the chip's random stream move during evaluation too.
        let saved = self.engine.save_state();
        let set = match which {
            Which::Train => &self.sets.train,
            Which::Val => &self.sets.val,
            Which::Test => &self.sets.test,
        };
        let p = self.engine.network().params.clone();
        let result = evaluate(self.engine.as_mut(), set, &p);
        self.engine.load_state(&saved)?;
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

    /// The run's parameters, with the undecayed learning rates.
    pub fn params(&self) -> &Params {
        &self.base
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
        self.engine.network_mut().params = p.clone();
        self.base = p;
        self.decay_rates();
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
        self.checkpoint_with(self.history.clone())
    }

    /// The run as a checkpoint with `history` in place of the trainer's own (the
    /// page keeps its own, and moves it in rather than copying it).
    pub fn checkpoint_with(&self, history: Vec<Metrics>) -> Checkpoint {
        let net = self.engine.network();
        Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            version: CHECKPOINT_VERSION,
            config: self.cfg.clone(),
            params: self.base.clone(),
            weights: net.w.clone(),
            deltas: net.delta.clone(),
            epoch: self.epoch,
            pos: self.pos,
            patterns: self.patterns,
            history,
            preset: None,
            data: None,
            engine_state: Some(self.engine.save_state()),
        }
    }
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
