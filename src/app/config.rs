//! The page's configuration of a run ([`AppConfig`]): a preset, the engine, the
//! seed, the schedule and the parameters, with the page's limits. Its form in the
//! URL hash is [`crate::app::url`].

use serde::{Deserialize, Serialize};

use crate::data::points::Points;
use crate::data::{Splits, splits_for};
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
    /// The one panel an embed shows (`view=NAME`, one of [`VIEWS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    /// Whether the page starts training at once (`autoplay=0|1`; unset: unless the
    /// visitor prefers reduced motion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoplay: Option<bool>,
    /// `Some("custom")`: the run trains on a CSV file of points the visitor loaded
    /// (`data=custom`; the file stays on their machine). Its classes set the output
    /// size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// "Compare with backprop" (`compare=1`): the reference learners train beside
    /// this run in a second worker ([`crate::app::compare`]). It does not change
    /// this run. (The page's `undefined` or `null` reads as off.)
    #[serde(
        default,
        skip_serializing_if = "std::ops::Not::not",
        deserialize_with = "off_if_null"
    )]
    pub compare: bool,
}

fn off_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

/// The panels a page can show alone (`view=NAME`): each is a `data-view` in
/// `www/index.html`.
pub const VIEWS: [&str; 9] = [
    "circuit",
    "regions",
    "curves",
    "alignment",
    "sps",
    "potentials",
    "confusion",
    "codes",
    "digits",
];

/// The one data source besides the task's own: a CSV file the visitor loaded.
pub const CUSTOM_DATA: &str = "custom";

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
            view: None,
            autoplay: None,
            data: None,
            compare: false,
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
        // A CSV file of points: Yin-Yang's inputs, 2..=10 classes.
        let custom = match self.data.as_deref() {
            None => false,
            Some(CUSTOM_DATA) if preset.task == Task::YinYang => true,
            Some(d) => {
                return Err(Error::param(
                    "data",
                    d,
                    format!("{CUSTOM_DATA} (with a Yin-Yang preset), or none"),
                ));
            }
        };
        let out_ok = match l.last() {
            Some(&k) if custom => (2..=10).contains(&k),
            last => last == Some(&n_out),
        };
        if l.first() != Some(&n_in) || !out_ok {
            return Err(Error::param(
                "layers",
                format!("{l:?}"),
                format!("{n_in} inputs and {n_out} outputs for the task"),
            ));
        }
        if let Some(v) = self.view.as_deref().filter(|v| !VIEWS.contains(v)) {
            return Err(Error::param(
                "view",
                v,
                format!("one of {}", VIEWS.join(", ")),
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

    /// The sets of a run: `points`' split (setting the output size and `data=custom`)
    /// or the task's own (with `schedule`, else the configuration's); validates it.
    pub fn sets(&mut self, points: Option<&Points>, schedule: Option<&Schedule>) -> Result<Splits> {
        if let Some(pts) = points {
            self.data = Some(CUSTOM_DATA.into());
            if let Some(k) = self.params.layers.last_mut() {
                *k = pts.n_classes;
            }
        } else if self.data.is_some() {
            return Err(Error::data(
                "data",
                "this run trains on a CSV file of points, which the address does not hold: load it",
            ));
        }
        self.validate()?;
        match points {
            Some(pts) => pts.splits(self.seed),
            None => {
                let s = schedule.cloned().map_or_else(|| self.schedule(), Ok)?;
                splits_for(self.task()?, &s, &self.params, None)
            }
        }
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
