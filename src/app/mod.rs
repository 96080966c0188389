//! The browser app's session, in plain Rust: a [`Trainer`] driven in small slices
//! of work, with what the page plots.
//!
//! The page's worker calls [`App::advance`] with a clock and gets control back
//! within its time budget, so that pause and parameter changes get through. One
//! slice is a training pattern (the longest that cannot be split: a PyraLNet
//! pattern is `t_pattern / dt` Euler steps) or a few evaluation patterns.
//!
//! **Validation at the steady state.** The app validates, tests and draws the
//! decision regions with the network's steady state: SteadNet passes
//! (`present(x, None, false)`) on a copy of the current weights. For a SteadNet run
//! that is exactly the engine's own evaluation; for a PyraLNet run it is the fixed
//! point PyraLNet's evaluation output converges to (`tests/core.rs` checks relative
//! RMS < 1e-3) at a fraction of the cost: an Euler evaluation of the 600 Yin-Yang
//! validation patterns takes as long as training 600 patterns. Evaluations never
//! touch the training state, so the weights are the same as in a CLI run with the
//! same seed (the determinism test in `tests/wasm.rs` checks this in the browser).
//!
//! The [`Trainer`]'s own validations are off ([`Trainer::set_auto_validate`]): the
//! app validates in slices and keeps the results in [`App::history`].

pub mod circuit;
pub mod compare;
pub mod config;
pub mod evaluate;
pub mod history;
mod regions;
mod trace;
pub mod url;
pub use history::{MAX_HISTORY, thin_history};
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(target_arch = "wasm32")]
pub mod wasm_experiments;

use serde::{Deserialize, Serialize};

use crate::charts::alignment::AlignmentChart;
use crate::charts::codes::WeightCodes;
use crate::charts::{confusion::Confusion, curves::Curves, potentials::Potentials, sps::SpsTrace};
use crate::data::Dataset;
use crate::data::points::{Bounds, Points};
use crate::error::{Error, Result};
use crate::model::engine::{Engine, EngineKind};
use crate::model::params::Params;
use crate::model::presets::{Preset, Task};
use crate::model::record::{Probe, Recorder};
use crate::train::{Checkpoint, Evaluator, Metrics, Progress, Trainer, Which};
use circuit::CircuitTrace;
use config::AppConfig;
use regions::RegionsJob;
use trace::PotentialsTrace;

/// Up-and-down passes of the steady-state evaluation of a PyraLNet run. Each pass
/// propagates the apical feedback one more step; 20 take the outputs of the
/// presets to within 1e-4 of the fixed point (see the test below).
pub const EVAL_PASSES: usize = 20;

/// Rows of the self-predicting-state trace (one per pattern until full, then
/// decimated).
const SPS_ROWS: usize = 400;
/// Digits shown with their predictions (MNIST).
pub const N_DIGITS: usize = 8;
/// Synapse-patterns per evaluation slice (bounds the time of one slice).
const EVAL_SLICE_WORK: usize = 2_000_000;

/// Longest checkpoint the page imports ([`App::from_checkpoint`]): a network of
/// [`config::MAX_APP_SYNAPSES`] writes ~130 MB.
pub const MAX_IMPORT_BYTES: usize = 200_000_000;

/// What the session is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Training,
    Validating,
    Testing,
    Done,
}

/// One finished evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluated {
    pub which: Which,
    pub metrics: Metrics,
}

/// What one call of [`App::advance`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Training patterns trained in this call.
    pub trained: usize,
    pub progress: Progress,
    /// Evaluations finished in this call.
    pub evaluated: Vec<Evaluated>,
    pub phase: Phase,
    /// [`Role::Training`]: the evaluation now due elsewhere, of the weights as they
    /// are ([`App::snapshot`]); the call stopped there.
    pub due: Option<Which>,
}

/// Where a session's evaluations run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Trains and evaluates (the CLI's tests, the comparison learners).
    Whole,
    /// Trains; an evaluation that falls due is reported ([`Report::due`]) for
    /// another session to run on a snapshot, whose metrics come back through
    /// [`App::record`].
    Training,
    /// Evaluates snapshots ([`App::load_snapshot`]); never trains.
    Evaluation,
}

/// The frequently refreshed plots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub curves: Curves,
    pub sps: SpsTrace,
    pub potentials: Potentials,
    /// Of the latest validation (classification tasks).
    pub confusion: Option<Confusion>,
    /// The angles with backprop over training (hidden layer 1).
    pub alignment: AlignmentChart,
    /// Histogram of the 6-bit weight codes (BSS-2 arithmetic only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<WeightCodes>,
}

/// An evaluation split into slices.
struct EvalJob {
    which: Which,
    /// Training patterns of the weights evaluated.
    patterns: u64,
    net: Box<dyn Engine>,
    eval: Evaluator,
    /// Validations: the angles with backprop at the job's weights.
    alignment: Option<crate::train::alignment::Alignment>,
    /// The angles are still to be measured (the job's first slice: a session
    /// that hands its first validation to another worker never pays for them).
    measure: bool,
}

/// A browser session: the run, its evaluations and its plots.
pub struct App {
    config: AppConfig,
    trainer: Trainer,
    val: Dataset,
    test: Dataset,
    job: Option<EvalJob>,
    regions: Option<RegionsJob>,
    history: Vec<Metrics>,
    test_metrics: Option<Metrics>,
    since_val: usize,
    sps: Recorder,
    trace: PotentialsTrace,
    circuit: CircuitTrace,
    /// The bounding box of a CSV file's points (what the regions' square stands for).
    bounds: Option<Bounds>,
    role: Role,
    /// [`Role::Training`]: the evaluation due, until [`App::advance`] reports it.
    due: Option<Which>,
    /// [`Role::Training`]: the test was asked for.
    test_asked: bool,
    /// [`Role::Evaluation`]: training patterns of the loaded snapshot.
    at: Option<u64>,
}

impl App {
    /// A new run of `config` (validated), starting with a validation of the initial
    /// weights.
    pub fn new(config: AppConfig) -> Result<Self> {
        App::with_points(config, None)
    }

    /// A new run on `points` (a CSV file's, [`points`]: the output layer gets one
    /// neuron per class, the config records `data=custom`) or, without, on the
    /// task's own data.
    pub fn with_points(mut config: AppConfig, points: Option<&Points>) -> Result<Self> {
        let sets = config.sets(points, None)?;
        let run = config.run_config()?;
        let (val, test) = (sets.val.clone(), sets.test.clone());
        let trainer = Trainer::new(config.params.clone(), sets, run)?;
        App::around(config, trainer, val, test, Vec::new(), points, Role::Whole)
    }

    /// Resumes the run of a checkpoint (as exported by [`App::checkpoint_json`] or
    /// the CLI's `--save`); refuses a bad file with the reason.
    pub fn from_checkpoint(text: &str, embed: bool) -> Result<Self> {
        App::from_checkpoint_on(text, embed, None)
    }

    /// [`App::from_checkpoint`] of a run on a CSV file's `points`.
    pub fn from_checkpoint_on(text: &str, embed: bool, points: Option<&Points>) -> Result<Self> {
        if text.len() > MAX_IMPORT_BYTES {
            return Err(Error::data(
                "checkpoint",
                format!(
                    "{} bytes, more than the page's limit of {MAX_IMPORT_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        let ck = Checkpoint::from_json(text)?;
        if let (Some(name), None) = (&ck.data, points) {
            // Never the task's data in place of the file the run trained on.
            return Err(Error::data(
                "checkpoint",
                format!("its run trained on a data file of its own ({name}); load that file first"),
            ));
        }
        let run = ck.config.clone();
        let likely = Preset::likely(ck.preset.as_deref(), run.task, &ck.params);
        let defaults = AppConfig::from_preset(&likely.name)?;
        let mut config = AppConfig {
            preset: defaults.preset,
            engine: run.engine,
            seed: run.seed,
            epochs: run.schedule.epochs,
            val_every: if run.val_every > 0 {
                run.val_every
            } else {
                defaults.val_every
            },
            params: ck.params.clone(),
            embed,
            ..defaults
        };
        let sets = config
            .sets(points, Some(&run.schedule))
            .map_err(|e| Error::data("checkpoint", format!("this page cannot run it: {e}")))?;
        let (val, test) = (sets.val.clone(), sets.test.clone());
        let mut history = ck.history.clone();
        thin_history(&mut history);
        let trainer = Trainer::from_checkpoint(ck, sets)?;
        App::around(config, trainer, val, test, history, points, Role::Whole)
    }

    fn around(
        config: AppConfig,
        mut trainer: Trainer,
        val: Dataset,
        test: Dataset,
        history: Vec<Metrics>,
        points: Option<&Points>,
        role: Role,
    ) -> Result<Self> {
        trainer.set_auto_validate(false);
        let trace = PotentialsTrace::new(trainer.engine())?;
        let net = trainer.engine().network();
        let mut sps = Recorder::new(
            net,
            vec![Probe::MeanAbsApical, Probe::SpsDistance],
            1,
            SPS_ROWS,
        )?;
        let t_pattern = net.params.t_pattern as f64;
        sps.tick(
            trainer.progress().patterns as f64 * t_pattern,
            net,
            trainer.engine().state(),
        );
        trainer.engine_mut().set_recorder(Some(trace.blank()));
        let circuit = CircuitTrace::new(trainer.engine().network());
        let mut app = App {
            config,
            trainer,
            val,
            test,
            job: None,
            regions: None,
            history,
            test_metrics: None,
            since_val: 0,
            sps,
            trace,
            circuit,
            bounds: points.map(|p| p.bounds),
            role,
            due: None,
            test_asked: false,
            at: None,
        };
        let patterns = app.trainer.progress().patterns;
        if role != Role::Evaluation && app.history.last().map(|m| m.patterns) != Some(patterns) {
            app.start(Which::Val);
        }
        Ok(app)
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Validation metrics so far (steady-state evaluation, see the module doc).
    pub fn history(&self) -> &[Metrics] {
        &self.history
    }

    pub fn test_metrics(&self) -> Option<&Metrics> {
        self.test_metrics.as_ref()
    }

    pub fn phase(&self) -> Phase {
        match &self.job {
            Some(j) if j.which == Which::Test => Phase::Testing,
            Some(_) => Phase::Validating,
            None if self.role == Role::Training
                && self.test_asked
                && self.test_metrics.is_none() =>
            {
                Phase::Testing
            }
            None if self.trainer.is_done() => Phase::Done,
            None => Phase::Training,
        }
    }

    /// Works until `max_patterns` training patterns are done, the run ends, or
    /// `out_of_time()` says so (asked after each slice of work).
    pub fn advance(
        &mut self,
        max_patterns: usize,
        out_of_time: &mut dyn FnMut() -> bool,
    ) -> Result<Report> {
        let mut trained = 0;
        let mut evaluated = Vec::new();
        loop {
            if self.due.is_some() {
                break;
            } else if self.job.is_some() {
                if let Some(done) = self.eval_slice()? {
                    evaluated.push(done);
                }
            } else if self.role == Role::Evaluation {
                break;
            } else if self.trainer.is_done() {
                if self.test_metrics.is_none() && !self.test_asked {
                    self.test_asked = self.role == Role::Training;
                    self.start(Which::Test);
                    continue;
                }
                break;
            } else if trained < max_patterns {
                self.train_one()?;
                trained += 1;
            } else {
                break;
            }
            if out_of_time() {
                break;
            }
        }
        Ok(Report {
            trained,
            progress: self.trainer.progress(),
            evaluated,
            phase: self.phase(),
            due: self.due.take(),
        })
    }

    fn train_one(&mut self) -> Result<()> {
        let t0 = self.trainer.progress().patterns as f64 * self.params().t_pattern as f64;
        let epoch = self.trainer.progress().epoch;
        self.trainer.run(1)?;
        self.trace.record(self.trainer.engine_mut(), t0);
        let (eng, p) = (self.trainer.engine(), self.trainer.progress());
        let t = p.patterns as f64 * eng.network().params.t_pattern as f64;
        self.sps.tick(t, eng.network(), eng.state());
        self.circuit.record(eng, p.patterns, t);
        self.since_val += 1;
        if self.since_val >= self.config.val_every || p.epoch != epoch {
            self.start(Which::Val);
        }
        Ok(())
    }

    /// A copy of the current weights as a steady-state network in the run's
    /// arithmetic (the reference learners: their own forward model).
    fn steady(&self) -> Box<dyn Engine> {
        let mut net = self.trainer.engine().network().clone();
        let kind = self.trainer.engine().kind();
        if kind == EngineKind::PyraLNet {
            net.params.n_passes = EVAL_PASSES;
        }
        let eval = if kind.is_reference() {
            kind
        } else {
            EngineKind::SteadNet
        };
        crate::model::build(eval, net, self.config.seed)
    }

    fn start(&mut self, which: Which) {
        self.since_val = 0;
        if self.role == Role::Training {
            self.due = Some(which);
            return;
        }
        let eval = Evaluator::new(self.dataset(which));
        self.job = Some(EvalJob {
            which,
            patterns: self.at.unwrap_or(self.trainer.progress().patterns),
            net: self.steady(),
            eval,
            alignment: None,
            measure: which != Which::Test,
        });
    }

    fn dataset(&self, which: Which) -> &Dataset {
        match which {
            Which::Test => &self.test,
            _ => &self.val,
        }
    }

    /// Evaluates the next slice of the current job; returns its metrics when done.
    fn eval_slice(&mut self) -> Result<Option<Evaluated>> {
        let Some(mut job) = self.job.take() else {
            return Ok(None);
        };
        if job.measure {
            // Measured on copies, from the weights the validation sees: nothing
            // trains while a job is pending (a failure only leaves the angles out;
            // the validation reports a divergence itself). A slice of its own.
            job.alignment = self.trainer.alignment().ok().flatten();
            job.measure = false;
            self.job = Some(job);
            return Ok(None);
        }
        let set = self.dataset(job.which);
        let n = set.len();
        let per = (EVAL_SLICE_WORK / self.params().n_synapses().max(1)).clamp(1, n);
        let next = job.eval.len();
        let end = (next + per).min(n);
        let p = job.net.network().params.clone();
        job.eval.run(job.net.as_mut(), set, next..end, &p)?;
        if end < n {
            self.job = Some(job);
            return Ok(None);
        }
        let train_len = self.trainer.sets().train.len().max(1);
        let metrics = Metrics {
            patterns: job.patterns,
            epoch: job.patterns as f64 / train_len as f64,
            alignment: job.alignment.take(),
            ..job.eval.metrics()
        };
        // Non-finite weights show here first (the engines check potentials during
        // training); such a state must not be recorded or autosaved as good.
        if !metrics.mse.is_finite() {
            return Err(Error::Diverged {
                layer: self.params().n_layers(),
                quantity: format!("{:?} MSE of the output u", job.which).to_lowercase(),
                value: metrics.mse.to_string(),
                pattern: job.patterns,
            });
        }
        self.keep(job.which, metrics.clone());
        Ok(Some(Evaluated {
            which: job.which,
            metrics,
        }))
    }

    /// Keeps an evaluation's metrics: the test result, or one more validation.
    fn keep(&mut self, which: Which, metrics: Metrics) {
        match which {
            Which::Test => self.test_metrics = Some(metrics),
            _ => {
                if self.history.last().map(|h| h.patterns) == Some(metrics.patterns) {
                    self.history.pop();
                }
                self.history.push(metrics);
                thin_history(&mut self.history);
            }
        }
    }

    pub fn params(&self) -> &Params {
        self.trainer.params()
    }

    /// Changes parameters while the run goes on: `partial` is a JSON object with
    /// some of the live keys ([`url::is_live`]); returns the new parameters.
    pub fn set(&mut self, partial: &serde_json::Value) -> Result<Params> {
        let obj = partial
            .as_object()
            .ok_or_else(|| Error::data("set", "expected a JSON object of parameters"))?;
        for (k, val) in obj {
            if !url::is_live(k) {
                return Err(Error::param(
                    k.as_str(),
                    val.to_string(),
                    format!(
                        "one of the keys that can change during a run: {} \
                         (the others start a new run)",
                        url::param_keys()
                            .into_iter()
                            .filter(|k| url::is_live(k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let p = self.params().with_json(partial, "set")?;
        self.trainer.set_params(p.clone())?;
        self.config.params = p.clone();
        Ok(p)
    }

    /// The run as checkpoint JSON with the app's history, moved in and back, not
    /// copied: a tab autosaves every 10 s, and wasm memory keeps its peak for good.
    pub fn checkpoint_json(&mut self) -> String {
        let history = std::mem::take(&mut self.history);
        let mut ck = self.trainer.checkpoint_with(history);
        ck.config.val_every = self.config.val_every;
        ck.preset = Some(self.config.preset.clone());
        ck.data = self.config.data.clone();
        let json = ck.to_json();
        self.history = ck.history;
        json
    }

    /// The validation history (and the test result) as CSV.
    pub fn metrics_csv(&self) -> String {
        self.curves().to_csv()
    }

    /// The weights checksum ([`crate::model::network::Network::checksum`]).
    pub fn checksum(&self) -> u64 {
        self.trainer.engine().network().checksum()
    }

    /// The training curves' data (also the comparison learners' curves).
    pub fn curves(&self) -> Curves {
        Curves::new(
            &self.history,
            self.test_metrics.as_ref(),
            self.trainer.total_patterns(),
            &self.config.preset,
        )
    }

    /// The plots that refresh several times a second.
    pub fn frame(&self) -> Frame {
        let potentials = self.trace.potentials();
        let sps = SpsTrace::from_recorder(&self.sps);
        let confusion = self
            .history
            .last()
            .and_then(|m| m.confusion.clone())
            .map(|counts| Confusion::new(counts, self.class_names()));
        Frame {
            alignment: AlignmentChart::new(&self.history),
            curves: self.curves(),
            sps,
            potentials,
            confusion,
            codes: WeightCodes::from_network(self.trainer.engine().network()),
        }
    }

    /// The circuit panel's payload: the current state's shown neurons ([`circuit`]).
    pub fn circuit(&self) -> circuit::CircuitFrame {
        let (eng, n) = (self.trainer.engine(), self.trainer.progress().patterns);
        self.circuit
            .frame(eng, n, n as f64 * self.params().t_pattern as f64)
    }

    /// Replays validation pattern `i` (mod the set's size) step by step from the
    /// current state, on a copy ([`circuit::demo`]).
    pub fn circuit_demo(&self, i: usize) -> Result<circuit::Demo> {
        let (eng, p, i) = (self.trainer.engine(), self.params(), i % self.val.len());
        let mut target = vec![0.0; self.val.n_outputs()];
        self.val.target_into(i, p.u_low, p.u_high, &mut target);
        let n = self.trainer.progress().patterns;
        let (net, s, x) = (eng.network(), eng.state(), self.val.input(i));
        circuit::demo(net, s, x, &target, n, self.config.seed)
    }

    fn class_names(&self) -> Vec<String> {
        match self.config.task() {
            Ok(Task::YinYang) if self.bounds.is_none() => {
                crate::data::yinyang::CLASS_NAMES.map(String::from).to_vec()
            }
            _ => (0..self.params().layers.last().copied().unwrap_or(0))
                .map(|i| i.to_string())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::regions;
    use crate::data::splits_for;
    use crate::model::network::Network;
    use crate::model::pyralnet::PyraLNet;
    use crate::model::steadnet::SteadNet;
    use crate::train::evaluate;
    use trace::{TRACE_PATTERNS_EULER, TRACE_PATTERNS_STEADY, TRACE_ROWS_PER_PATTERN};

    fn quick(preset: &str, engine: EngineKind) -> AppConfig {
        let mut c = AppConfig::from_preset(preset).unwrap();
        c.engine = engine;
        c.val_every = 10;
        c
    }

    #[test]
    fn eval_passes_reach_the_fixed_point() {
        // EVAL_PASSES against 400 passes, for both Yin-Yang presets (random weights).
        for preset in ["yin_yang", "yin_yang_random_init"] {
            let p = AppConfig::from_preset(preset).unwrap().params;
            let net = Network::new(p.clone(), 5).unwrap();
            let mut a = net.clone();
            a.params.n_passes = EVAL_PASSES;
            let mut b = net.clone();
            b.params.n_passes = 400;
            let (mut a, mut b) = (SteadNet::new(a), SteadNet::new(b));
            for (x, y) in [(0.2, 0.5), (0.7, 0.3), (0.5, 0.9)] {
                let ua = a.evaluate(&regions::input(x, y)).unwrap().to_vec();
                let ub = b.evaluate(&regions::input(x, y)).unwrap().to_vec();
                for (u, v) in ua.iter().zip(&ub) {
                    assert!((u - v).abs() < 1e-4, "{preset}: {ua:?} vs {ub:?}");
                }
            }
        }
    }

    #[test]
    fn training_is_unchanged_by_the_apps_evaluations() {
        // The same seed trained by a bare Trainer (no validation) gives the same
        // weights as the app with its frequent validations and traces.
        let c = quick("mimic", EngineKind::PyraLNet);
        let mut app = App::new(c.clone()).unwrap();
        let r = app.advance(25, &mut || false).unwrap();
        assert_eq!(r.trained, 25);
        let run = c.run_config().unwrap();
        let sets = splits_for(run.task, &run.schedule, &c.params, None).unwrap();
        let mut t = Trainer::new(c.params.clone(), sets, run).unwrap();
        t.run(25).unwrap();
        assert_eq!(app.checksum(), t.engine().network().checksum());
        // Validations at 0, 10, 20 patterns.
        let at: Vec<u64> = app.history().iter().map(|m| m.patterns).collect();
        assert_eq!(at, vec![0, 10, 20]);
    }

    #[test]
    fn steadnet_validation_equals_the_trainers() {
        let c = quick("yin_yang", EngineKind::SteadNet);
        let mut app = App::new(c.clone()).unwrap();
        app.advance(10, &mut || false).unwrap();
        app.advance(0, &mut || false).unwrap();
        let run = c.run_config().unwrap();
        let sets = splits_for(run.task, &run.schedule, &c.params, None).unwrap();
        let mut t = Trainer::new(c.params.clone(), sets, run).unwrap();
        t.run(10).unwrap();
        let m = t.validate().unwrap();
        let mine = app.history().last().unwrap();
        assert_eq!(mine.patterns, 10);
        assert_eq!(mine.accuracy, m.accuracy);
        assert!((mine.mse - m.mse).abs() < 1e-12 * m.mse.max(1.0));
    }

    #[test]
    fn pyralnet_validation_is_close_to_the_euler_one() {
        let c = quick("yin_yang", EngineKind::PyraLNet);
        let mut app = App::new(c.clone()).unwrap();
        app.advance(0, &mut || false).unwrap();
        let euler = {
            let mut e = PyraLNet::new(app.trainer().engine().network().clone(), 1);
            let p = e.net.params.clone();
            let val = app.val.subset(0..100, "v").unwrap();
            evaluate(&mut e, &val, &p).unwrap()
        };
        let mut st = app.steady();
        let p = st.network().params.clone();
        let val = app.val.subset(0..100, "v").unwrap();
        let steady = evaluate(st.as_mut(), &val, &p).unwrap();
        assert!(
            (euler.mse - steady.mse).abs() < 1e-3 * euler.mse,
            "{euler:?} {steady:?}"
        );
        assert_eq!(euler.accuracy, steady.accuracy);
    }

    #[test]
    fn advance_respects_the_clock_and_finishes_with_a_test() {
        let mut c = quick("mimic", EngineKind::SteadNet);
        c.epochs = 1;
        let mut app = App::new(c).unwrap();
        let mut calls = 0;
        let r = app
            .advance(usize::MAX, &mut || {
                calls += 1;
                calls >= 3
            })
            .unwrap();
        assert!(r.trained <= 3);
        while app.phase() != Phase::Done {
            app.advance(usize::MAX, &mut || false).unwrap();
        }
        assert!(app.test_metrics().is_some());
        assert_eq!(app.trainer().progress().patterns, 1000);
        let csv = app.metrics_csv();
        assert!(csv.starts_with("set,patterns,epoch,mse,accuracy"), "{csv}");
        assert!(
            csv.lines().last().unwrap().starts_with("test,1000,"),
            "{csv}"
        );
        let f = app.frame();
        assert_eq!(f.potentials.outputs.len(), 2);
        assert_eq!(f.potentials.t_ms.len(), TRACE_PATTERNS_STEADY);
        assert!(f.sps.t_s.len() > 10);
    }

    #[test]
    fn potentials_trace_keeps_the_last_patterns() {
        let c = quick("mimic", EngineKind::PyraLNet);
        let mut app = App::new(c).unwrap();
        app.advance(12, &mut || false).unwrap();
        let f = app.frame();
        let rows = TRACE_PATTERNS_EULER * TRACE_ROWS_PER_PATTERN;
        assert_eq!(f.potentials.t_ms.len(), rows);
        // The last 5 of 12 patterns of 100 ms, one row per ms.
        assert!(
            (f.potentials.t_ms[0] - 700.1).abs() < 1e-6,
            "{}",
            f.potentials.t_ms[0]
        );
        assert!(f.potentials.t_ms.windows(2).all(|w| w[1] > w[0]));
        assert_eq!(f.potentials.targets[0].len(), rows);
    }

    #[test]
    fn checkpoint_buffer_is_reserved_at_its_size() {
        // The page's autosave at the history's cap: the reserved length is at least
        // the JSON's (no doubling) and not far above it.
        let mut app = App::new(quick("yin_yang", EngineKind::PyraLNet)).unwrap();
        app.advance(0, &mut || false).unwrap();
        let m = app.history[0].clone();
        assert!(m.confusion.is_some() && m.alignment.is_some());
        app.history = (0..MAX_HISTORY as u64)
            .map(|i| Metrics {
                patterns: i * 1234567,
                mse: 0.1 / (i + 3) as f64,
                ..m.clone()
            })
            .collect();
        let json = app.checkpoint_json();
        assert_eq!(app.history.len(), MAX_HISTORY);
        let ck: Checkpoint = serde_json::from_str(&json).unwrap();
        let bound = ck.json_len_bound();
        let ratio = bound as f64 / json.len() as f64;
        assert!(
            (1.0..1.3).contains(&ratio),
            "{} bytes, bound {bound}",
            json.len()
        );
    }

    #[test]
    fn checkpoints_round_trip_and_bad_ones_are_refused() {
        let c = quick("yin_yang", EngineKind::SteadNet);
        let mut app = App::new(c).unwrap();
        app.advance(30, &mut || false).unwrap();
        app.advance(0, &mut || false).unwrap();
        let json = app.checkpoint_json();
        let mut back = App::from_checkpoint(&json, false).unwrap();
        assert_eq!(back.checksum(), app.checksum());
        assert_eq!(back.history(), app.history());
        assert_eq!(back.config().preset, "yin_yang");
        app.advance(10, &mut || false).unwrap();
        back.advance(10, &mut || false).unwrap();
        assert_eq!(back.checksum(), app.checksum());
        for (bad, why) in [
            ("not json", "invalid JSON"),
            ("{\"format\":\"x\"}", "format"),
            (&json.replace("\"g_l\":0.1", "\"g_l\":-1"), "g_l"),
        ] {
            let e = App::from_checkpoint(bad, false).err().unwrap().to_string();
            assert!(e.contains(why), "{e}");
        }
    }

    #[test]
    fn live_changes_are_checked() {
        let mut app = App::new(quick("mimic", EngineKind::PyraLNet)).unwrap();
        let p = app
            .set(&serde_json::json!({"g_a": 0.5, "eta_up": [0.02, 0.01]}))
            .unwrap();
        assert_eq!(p.g_a, 0.5);
        assert_eq!(app.config().params.eta_up, vec![0.02, 0.01]);
        let e = app.set(&serde_json::json!({"g_a": -0.5})).unwrap_err();
        assert!(e.to_string().contains("g_a"), "{e}");
        let e = app
            .set(&serde_json::json!({"layers": [2, 5, 2]}))
            .unwrap_err();
        assert!(e.to_string().contains("start a new run"), "{e}");
        let e = app.set(&serde_json::json!({"tau_w": "x"})).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        assert_eq!(app.params().g_a, 0.5);
    }

    #[test]
    fn regions_cover_the_grid_and_mark_the_test_points() {
        let mut app = App::new(quick("yin_yang", EngineKind::PyraLNet)).unwrap();
        let mut ticks = 0;
        let mut r = None;
        while r.is_none() {
            r = app
                .regions(100, &mut || {
                    ticks += 1;
                    ticks % 7 == 0
                })
                .unwrap();
        }
        let r = r.unwrap();
        assert_eq!(r.rgba.len(), 100 * 100 * 4);
        assert_eq!(r.points.len(), 2 * 600);
        assert_eq!(r.predicted.len(), 600);
        // The counts and the accuracy are the predictions' own.
        assert_eq!(r.class_names, ["yin", "yang", "dot"]);
        let right = r
            .labels
            .iter()
            .zip(&r.predicted)
            .filter(|(l, p)| l == p)
            .count();
        assert_eq!(
            r.class_counts
                .iter()
                .map(|c| c.correct as usize)
                .sum::<usize>(),
            right
        );
        assert_eq!(r.class_counts.iter().map(|c| c.points).sum::<u32>(), 600);
        assert_eq!(r.accuracy, right as f64 / 600.0);
        assert!(
            App::new(quick("mimic", EngineKind::PyraLNet))
                .unwrap()
                .regions(100, &mut || false)
                .is_err()
        );
    }

    #[test]
    fn divergence_stops_the_run_naming_the_layer() {
        let mut c = quick("mimic", EngineKind::PyraLNet);
        c.params.eta_up = vec![1000.0, 1000.0];
        let mut app = App::new(c).unwrap();
        let e = app.advance(200, &mut || false).unwrap_err();
        assert!(matches!(e, Error::Diverged { .. }), "{e}");
        assert!(e.to_string().contains("layer"), "{e}");
    }
}
