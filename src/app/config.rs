//! The page's configuration of a run ([`AppConfig`]): a preset, the engine, the
//! seed, the schedule and the parameters, with the page's limits. Its form in the
//! URL hash is [`crate::app::url`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::engine::EngineKind;
use crate::model::formats::ArithKind;
use crate::model::params::Params;
use crate::model::presets::{Preset, Schedule, Task};
use crate::train::config::RunConfig;

/// Largest seed the page accepts: JavaScript numbers hold integers exactly up to
/// 2^53 − 1, so a seed passes through the page unchanged.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Most synapses a network may have in the page (the CLI allows
/// [`crate::model::params::MAX_SYNAPSES`]): the worker holds the weights and traces, two
/// evaluation copies and a checkpoint JSON of ~26 bytes per synapse, so 5 M
/// synapses stay within a few hundred MB (MNIST's 784-500-500-10 has 1.4 M).
pub const MAX_APP_SYNAPSES: usize = 5_000_000;

/// The preset a page without a hash starts with.
pub const DEFAULT_PRESET: &str = "yin_yang";

/// Everything that defines a run in the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Name of the preset the parameters started from (fixes the task and the
    /// reference level drawn in the training curves).
    pub preset: String,
    pub engine: EngineKind,
    pub seed: u64,
    pub epochs: usize,
    /// Validate every this many training patterns (and at each epoch end).
    pub val_every: usize,
    pub params: Params,
    /// Hide the prose (for iframes).
    pub embed: bool,
}

impl AppConfig {
    /// The configuration of preset `name` with its defaults: seed 1, the preset's
    /// schedule and engine (SteadNet for MNIST, PyraLNet otherwise).
    pub fn from_preset(name: &str) -> Result<Self> {
        let preset = Preset::by_name(name)?;
        Ok(AppConfig {
            engine: default_engine(&preset),
            seed: 1,
            epochs: preset.schedule.epochs,
            val_every: default_val_every(&preset),
            params: preset.params,
            embed: false,
            preset: preset.name,
        })
    }

    /// The preset the configuration started from.
    pub fn preset(&self) -> Result<Preset> {
        Preset::by_name(&self.preset)
    }

    /// The task (fixed by the preset).
    pub fn task(&self) -> Result<Task> {
        Ok(self.preset()?.task)
    }

    /// The preset's schedule with this configuration's epochs.
    pub fn schedule(&self) -> Result<Schedule> {
        Ok(Schedule {
            epochs: self.epochs,
            ..self.preset()?.schedule
        })
    }

    /// The training driver's configuration (validation is done by the app).
    pub fn run_config(&self) -> Result<RunConfig> {
        Ok(RunConfig {
            task: self.task()?,
            engine: self.engine,
            schedule: self.schedule()?,
            seed: self.seed,
            val_every: 0,
        })
    }

    /// Checks every value: parameters, seed, epochs, and the engine for the task.
    pub fn validate(&self) -> Result<()> {
        let preset = self.preset()?;
        self.params.validate()?;
        let (n_in, n_out) = (
            preset.params.layers[0],
            *preset.params.layers.last().unwrap_or(&0),
        );
        let l = &self.params.layers;
        if l.first() != Some(&n_in) || l.last() != Some(&n_out) {
            return Err(Error::param(
                "layers",
                format!("{l:?}"),
                format!("{n_in} inputs and {n_out} outputs for the task"),
            ));
        }
        let syn = self.params.n_synapses();
        if syn > MAX_APP_SYNAPSES {
            return Err(Error::param(
                "layers",
                format!("{l:?} ({syn} synapses)"),
                format!("at most {MAX_APP_SYNAPSES} synapses in all in the browser"),
            ));
        }
        if self.seed > MAX_SEED {
            return Err(Error::param("seed", self.seed, format!("0..={MAX_SEED}")));
        }
        if !(1..=100_000).contains(&self.epochs) {
            return Err(Error::param("epochs", self.epochs, "1..=100000"));
        }
        if !(1..=10_000_000).contains(&self.val_every) {
            return Err(Error::param("val_every", self.val_every, "1..=10000000"));
        }
        if preset.task == Task::Mnist && self.engine == EngineKind::PyraLNet {
            return Err(Error::param(
                "engine",
                "pyralnet",
                "steadnet for MNIST (one PyraLNet pattern of the 784-500-500-10 network \
                 takes seconds in a browser)",
            ));
        }
        self.engine.check(&self.params)?;
        Ok(())
    }
}

/// The engine a preset starts with: PyraLNet for the small tasks, SteadNet for
/// MNIST and for presets on the chip formats, whose settings were chosen and
/// measured with SteadNet (README, "Hardware emulation").
pub fn default_engine(preset: &Preset) -> EngineKind {
    if preset.params.arith.kind == ArithKind::Bss2 {
        return EngineKind::SteadNet;
    }
    match preset.task {
        Task::Mnist => EngineKind::SteadNet,
        Task::Mimic | Task::YinYang => EngineKind::PyraLNet,
    }
}

/// About 20 validations per epoch, fewer for the large MNIST network.
fn default_val_every(p: &Preset) -> usize {
    match p.task {
        Task::Mnist => 1000,
        _ => (p.schedule.train_size / 20).max(1),
    }
}

/// The preset a checkpoint's run most likely started from: the one of its task with
/// the same initialisation mode (for the reference level of the curves).
pub fn preset_for(task: Task, params: &Params) -> String {
    let all = Preset::all();
    all.iter()
        .find(|p| p.task == task && p.params.init.mode == params.init.mode)
        .or_else(|| all.iter().find(|p| p.task == task))
        .map(|p| p.name.clone())
        .unwrap_or_else(|| DEFAULT_PRESET.into())
}
