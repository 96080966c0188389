//! The session's evaluations apart from its training: the decision regions, the
//! digits, and the split of one session over two of the page's workers.
//!
//! **The split.** The training worker's session ([`Role::Training`]) evaluates
//! nothing: when a validation or the test falls due, [`App::advance`] stops and
//! reports it, and the worker sends a [`Snapshot`] of the weights (a flat `f32`
//! buffer, [`to_flat`](crate::model::weights::Projections::to_flat)), the parameters and the engine state. The
//! evaluation worker's session ([`App::for_evaluation`], built from the training
//! session's [`EvalSetup`]) loads it into its own network and evaluates it as a
//! whole session would: the same steady-state copy, the same alignment probe
//! (trained from the snapshot's state), the same metrics, bit for bit (tested
//! below). The metrics go back to the training session through [`App::record`],
//! so its curves, checkpoints and CSV hold them. The training worker never waits.

use serde::{Deserialize, Serialize};

use crate::app::config::AppConfig;
use crate::app::regions::RegionsJob;
use crate::app::{App, Evaluated, N_DIGITS, Role};
use crate::charts::{digits::Digits, regions::Regions};
use crate::data::points::Points;
use crate::error::{Error, Result};
use crate::model::engine::EngineState;
use crate::model::params::Params;
use crate::model::presets::{Schedule, Task};
use crate::train::{Trainer, Which};

/// What an evaluation session needs to be built like the training session: its
/// configuration and its schedule (a checkpoint's may differ from the preset's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSetup {
    pub config: AppConfig,
    pub schedule: Schedule,
}

/// The weights and state an evaluation needs, taken from the training session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Training patterns of these weights.
    pub patterns: u64,
    /// The network's parameters (live changes and rate decay included).
    pub params: Params,
    /// The engine's state: the alignment probe trains copies from it.
    pub state: EngineState,
    /// Every weight ([`to_flat`](crate::model::weights::Projections::to_flat)); the binding sends it as a
    /// `Float32Array` of its own.
    #[serde(skip)]
    pub weights: Vec<f32>,
}

impl App {
    /// Sets where the evaluations run. [`Role::Training`]: an evaluation already
    /// started (the first validation) becomes due instead.
    pub fn set_role(&mut self, role: Role) {
        if role == Role::Training
            && let Some(job) = self.job.take()
        {
            self.due = Some(job.which);
        }
        self.role = role;
    }

    /// What [`App::for_evaluation`] builds the evaluation session from.
    pub fn evaluation_setup(&self) -> EvalSetup {
        EvalSetup {
            config: self.config.clone(),
            schedule: self.trainer.config().schedule.clone(),
        }
    }

    /// An evaluation session ([`Role::Evaluation`]) for the training session of
    /// `setup` (on the same CSV file's `points`, if any): it evaluates only the
    /// snapshots it is given.
    pub fn for_evaluation(setup: EvalSetup, points: Option<&Points>) -> Result<Self> {
        let mut config = setup.config;
        let sets = config.sets(points, Some(&setup.schedule))?;
        let mut run = config.run_config()?;
        run.schedule = setup.schedule;
        let (val, test) = (sets.val.clone(), sets.test.clone());
        let trainer = Trainer::new(config.params.clone(), sets, run)?;
        App::around(
            config,
            trainer,
            val,
            test,
            Vec::new(),
            points,
            Role::Evaluation,
        )
    }

    /// The weights, parameters and engine state as they are now.
    pub fn snapshot(&self) -> Snapshot {
        let eng = self.trainer.engine();
        Snapshot {
            patterns: self.trainer.progress().patterns,
            params: eng.network().params.clone(),
            state: eng.save_state(),
            weights: eng.network().w.to_flat(),
        }
    }

    /// Loads a snapshot of the training session and starts evaluating `which` of
    /// it (none: only the next decision regions are of it). A snapshot that does
    /// not fit this network is refused and nothing changes.
    pub fn load_snapshot(&mut self, s: &Snapshot, which: Option<Which>) -> Result<()> {
        if self.role != Role::Evaluation {
            return Err(Error::data(
                "snapshot",
                "only an evaluation session loads snapshots",
            ));
        }
        if which == Some(Which::Train) {
            return Err(Error::param("snapshot.which", "train", "val or test"));
        }
        s.params.validate()?;
        let eng = self.trainer.engine_mut();
        let old = eng.network().params.clone();
        if s.params.layers != old.layers || s.params.bias != old.bias || s.params.arith != old.arith
        {
            return Err(Error::Shape {
                what: "snapshot: layers, bias and number formats".into(),
                expected: format!(
                    "{:?}, bias {:?}, {}",
                    old.layers,
                    old.bias,
                    old.arith.describe()
                ),
                found: format!(
                    "{:?}, bias {:?}, {}",
                    s.params.layers,
                    s.params.bias,
                    s.params.arith.describe()
                ),
            });
        }
        let mut w = eng.network().w.clone();
        w.load_flat(&s.weights, "snapshot")?;
        // The weights first: the chip arithmetic checks its state against them.
        let net = eng.network_mut();
        let old_w = std::mem::replace(&mut net.w, w);
        net.params = s.params.clone();
        if let Err(e) = eng.load_state(&s.state) {
            let net = eng.network_mut();
            (net.w, net.params) = (old_w, old);
            return Err(e);
        }
        self.at = Some(s.patterns);
        match which {
            Some(which) => self.start(which),
            None => self.regions = None,
        }
        Ok(())
    }

    /// Keeps an evaluation of one of this session's snapshots (from the evaluation
    /// session): a validation joins the history, the test ends the run.
    pub fn record(&mut self, e: Evaluated) -> Result<()> {
        if e.which == Which::Train {
            return Err(Error::param("evaluated.which", "train", "val or test"));
        }
        let patterns = self.trainer.progress().patterns;
        if e.metrics.patterns > patterns {
            return Err(Error::param(
                "evaluated.metrics.patterns",
                e.metrics.patterns,
                format!("at most the {patterns} patterns trained"),
            ));
        }
        self.keep(e.which, e.metrics);
        Ok(())
    }

    /// Works on the decision-region grid (`n × n`, Yin-Yang only) until
    /// `out_of_time()`; returns the picture when it is complete. A grid in progress
    /// keeps the weights it started with; the next call after completion starts a
    /// new one with the current weights.
    pub fn regions(
        &mut self,
        n: usize,
        out_of_time: &mut dyn FnMut() -> bool,
    ) -> Result<Option<Regions>> {
        if self.config.task()? != Task::YinYang {
            return Err(Error::param(
                "regions",
                format!("{:?}", self.config.task()?),
                "the Yin-Yang task",
            ));
        }
        if !(2..=1000).contains(&n) {
            return Err(Error::param("regions.n", n, "2..=1000"));
        }
        if self.regions.as_ref().map(|r| r.n()) != Some(n) {
            self.regions = Some(RegionsJob::new(self.steady(), n));
        }
        if !self.regions.as_mut().expect("just set").work(out_of_time)? {
            return Ok(None);
        }
        let job = self.regions.take().expect("present");
        let circle = self.config.data.is_none();
        let mut r = job.finish(&self.test, self.class_names(), circle)?;
        r.bounds = self.bounds.map(|b| [b.x_min, b.x_max, b.y_min, b.y_max]);
        Ok(Some(r))
    }

    /// The first [`N_DIGITS`] test digits with the current predictions (MNIST).
    pub fn digits(&self) -> Result<Digits> {
        if self.config.task()? != Task::Mnist {
            return Err(Error::param(
                "digits",
                format!("{:?}", self.config.task()?),
                "the MNIST task",
            ));
        }
        let mut net = self.steady();
        let k = N_DIGITS.min(self.test.len());
        let mut predicted = Vec::with_capacity(k);
        for i in 0..k {
            predicted.push(crate::train::argmax(net.evaluate(self.test.input(i))?) as u8);
        }
        Ok(Digits {
            side: 28,
            images: (0..k).map(|i| self.test.input(i).to_vec()).collect(),
            labels: (0..k)
                .map(|i| self.test.label(i).unwrap_or(0) as u8)
                .collect(),
            predicted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Phase;
    use crate::model::engine::EngineKind;

    fn quick(preset: &str, engine: EngineKind, epochs: usize) -> AppConfig {
        let mut c = AppConfig::from_preset(preset).unwrap();
        c.engine = engine;
        c.val_every = 10;
        c.epochs = epochs;
        c
    }

    /// A training session and its evaluation session, run as the page's two
    /// workers run them, until `patterns` are trained (or the run is done).
    fn split(c: &AppConfig, patterns: usize) -> (App, App) {
        let mut t = App::new(c.clone()).unwrap();
        t.set_role(Role::Training);
        let mut e = App::for_evaluation(t.evaluation_setup(), None).unwrap();
        let mut trained = 0;
        loop {
            let r = t.advance(patterns - trained, &mut || false).unwrap();
            trained += r.trained;
            let Some(which) = r.due else {
                break;
            };
            e.load_snapshot(&t.snapshot(), Some(which)).unwrap();
            let done = e.advance(0, &mut || false).unwrap();
            assert_eq!(done.trained, 0);
            assert_eq!(done.evaluated.len(), 1);
            for ev in done.evaluated {
                t.record(ev).unwrap();
            }
        }
        (t, e)
    }

    #[test]
    fn evaluation_of_a_snapshot_equals_the_whole_sessions() {
        // PyraLNet on Yin-Yang: validations at 0, 10, 20 with the alignment angles
        // (the probe trains copies from the snapshot's state), bit for bit.
        let c = quick("yin_yang", EngineKind::PyraLNet, 45);
        let mut whole = App::new(c.clone()).unwrap();
        whole.advance(25, &mut || false).unwrap();
        let (mut t, mut e) = split(&c, 25);
        assert_eq!(t.checksum(), whole.checksum());
        let at: Vec<u64> = t.history().iter().map(|m| m.patterns).collect();
        assert_eq!(at, vec![0, 10, 20]);
        assert!(t.history()[2].alignment.is_some());
        assert_eq!(t.history(), whole.history());
        assert_eq!(t.phase(), Phase::Training);
        // The decision regions of a snapshot: the whole session's, pixel for pixel.
        e.load_snapshot(&t.snapshot(), None).unwrap();
        let mine = e.regions(20, &mut || false).unwrap().unwrap();
        let theirs = whole.regions(20, &mut || false).unwrap().unwrap();
        assert_eq!(mine, theirs);
        // The training session no longer evaluates anything itself.
        assert!(t.advance(0, &mut || false).unwrap().evaluated.is_empty());
    }

    #[test]
    fn the_test_is_evaluated_elsewhere_and_ends_the_run() {
        let c = quick("mimic", EngineKind::SteadNet, 1);
        let mut whole = App::new(c.clone()).unwrap();
        while whole.phase() != Phase::Done {
            whole.advance(usize::MAX, &mut || false).unwrap();
        }
        let (mut t, _) = split(&c, usize::MAX);
        assert_eq!(t.phase(), Phase::Done);
        assert_eq!(t.test_metrics(), whole.test_metrics());
        assert_eq!(t.history(), whole.history());
        assert_eq!(t.metrics_csv(), whole.metrics_csv());
        // Asked once: a done run does not ask again.
        assert_eq!(t.advance(0, &mut || false).unwrap().due, None);
    }

    #[test]
    fn a_snapshot_of_another_network_is_refused_and_changes_nothing() {
        let c = quick("yin_yang", EngineKind::PyraLNet, 45);
        let mut t = App::new(c.clone()).unwrap();
        t.set_role(Role::Training);
        let mut e = App::for_evaluation(t.evaluation_setup(), None).unwrap();
        let before = e.checksum();
        let mut s = t.snapshot();
        s.weights.pop();
        let err = e
            .load_snapshot(&s, Some(Which::Val))
            .unwrap_err()
            .to_string();
        assert!(err.contains("snapshot: weights"), "{err}");
        assert!(
            err.contains(&format!("{} values", s.weights.len() + 1)),
            "{err}"
        );
        let mut s = t.snapshot();
        s.params.layers = vec![4, 30, 3];
        let err = e
            .load_snapshot(&s, Some(Which::Val))
            .unwrap_err()
            .to_string();
        assert!(err.contains("layers"), "{err}");
        let mut s = t.snapshot();
        s.state.state.u.pop();
        assert!(e.load_snapshot(&s, None).is_err());
        assert_eq!(e.checksum(), before);
        assert_eq!(e.phase(), Phase::Training);
        // Only an evaluation session loads snapshots; the training one records.
        assert!(t.load_snapshot(&t.snapshot(), None).is_err());
        let mut m = e.advance(0, &mut || false).unwrap();
        assert!(m.evaluated.pop().is_none());
    }
}
