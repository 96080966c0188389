//! A point of an experiment: which experiment, at which scale, with which
//! settings and seed; its key; and the small helpers the experiments share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// The experiments, in the order the CLI and the page list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Experiment {
    /// Seed slides, mimic task: potentials before/after, validation MSE, SPS.
    Mimic,
    /// PyraLNet vs SteadNet: potentials (plasticity off) and weights (on).
    SteadyState,
    /// Yin-Yang test accuracy against learning_lag for several t_pattern.
    YinYangLag,
    /// Yin-Yang test accuracy against τ_0.
    YinYangTau0,
    /// Yin-Yang test accuracy against τ_w.
    YinYangTauW,
    /// MNIST with SteadNet: validation accuracy during training.
    Mnist,
    /// The microcircuit against backprop and feedback alignment: accuracy and angles.
    Alignment,
}

impl Experiment {
    pub const ALL: [Experiment; 7] = [
        Experiment::Mimic,
        Experiment::SteadyState,
        Experiment::YinYangLag,
        Experiment::YinYangTau0,
        Experiment::YinYangTauW,
        Experiment::Mnist,
        Experiment::Alignment,
    ];

    /// The name used on the command line, in keys and in the page.
    pub fn name(self) -> &'static str {
        match self {
            Experiment::Mimic => "mimic",
            Experiment::SteadyState => "steady-state",
            Experiment::YinYangLag => "yinyang-lag",
            Experiment::YinYangTau0 => "yinyang-tau0",
            Experiment::YinYangTauW => "yinyang-tauw",
            Experiment::Mnist => "mnist",
            Experiment::Alignment => "alignment",
        }
    }

    /// Whether the experiment has a [`Scale::Short`]: the Yin-Yang sweeps, whose
    /// quick scale does not learn and whose full scale takes hours in a tab.
    pub fn has_short(self) -> bool {
        matches!(
            self,
            Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW
        )
    }

    /// One line describing the figure.
    pub fn title(self) -> &'static str {
        match self {
            Experiment::Mimic => {
                "Mimic task (2-3-2): output vs target before and after training, validation MSE, emergence of the self-predicting state"
            }
            Experiment::SteadyState => {
                "Steady-state validity: relative RMS deviation PyraLNet vs SteadNet of the somatic potentials (plasticity off) and of the weights (plasticity on), n_passes 1, 2, 4"
            }
            Experiment::YinYangLag => {
                "Yin-Yang test accuracy against learning_lag for t_pattern 50, 100, 200 ms, without and with reset_deltas"
            }
            Experiment::YinYangTau0 => {
                "Yin-Yang test accuracy against the pattern transition time constant τ_0"
            }
            Experiment::YinYangTauW => {
                "Yin-Yang test accuracy against the plasticity time constant τ_w"
            }
            Experiment::Mnist => {
                "MNIST 784-500-500-10 with SteadNet: validation accuracy during training"
            }
            Experiment::Alignment => {
                "The microcircuit against backprop and feedback alignment: test accuracy and the angle between their hidden-layer updates over training"
            }
        }
    }

    /// Figure size in pixels (width, height).
    pub fn figure_size(self) -> (u32, u32) {
        match self {
            Experiment::Mimic => (1100, 820),
            Experiment::SteadyState => (1700, 820),
            Experiment::YinYangLag => (1100, 460),
            Experiment::Alignment => (1300, 520),
            _ => (760, 480),
        }
    }
}

impl std::fmt::Display for Experiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Experiment {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Experiment::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Experiment::ALL.iter().map(|e| e.name()).collect();
                Error::param("experiment", format!("{s:?}"), names.join(", "))
            })
    }
}

/// How big the points of an experiment are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Seconds per point: tests and CI. It checks the pipeline; the schedules are
    /// too short to learn, so its figures do not show the experiments' effects.
    Quick,
    /// The shortest schedules that still show the effect (the page's default; the
    /// Yin-Yang sweeps only, [`Experiment::has_short`]): a few minutes in a tab.
    Short,
    /// The seed's schedules (e.g. 45 epochs of 6000 Yin-Yang patterns).
    Full,
}
crate::json::unit_enum!(Scale: "Scale", Quick = "quick", Short = "short", Full = "full");

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::Quick, Scale::Short, Scale::Full];

    pub fn name(self) -> &'static str {
        match self {
            Scale::Quick => "quick",
            Scale::Short => "short",
            Scale::Full => "full",
        }
    }
}

impl std::str::FromStr for Scale {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Scale::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| Error::param("scale", format!("{s:?}"), "quick, short or full"))
    }
}

/// The settings a point varies, by name (numbers, booleans or short strings).
pub type Settings = BTreeMap<String, Value>;

/// One run of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub experiment: String,
    pub scale: Scale,
    pub settings: Settings,
    pub seed: u64,
}

impl Point {
    /// The stable key: `experiment/scale/name=value,.../seed=S` with the settings in
    /// name order, e.g. `yinyang-lag/full/engine=steadnet,learning_lag=20.0,.../seed=3`.
    pub fn key(&self) -> String {
        let settings: Vec<String> = self
            .settings
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        format!(
            "{}/{}/{}/seed={}",
            self.experiment,
            self.scale.name(),
            settings.join(","),
            self.seed
        )
    }

    /// The key without the seed: points that differ only in the seed share it.
    pub fn group(&self) -> String {
        let k = self.key();
        k.rsplit_once("/seed=").map_or(k.clone(), |(g, _)| g.into())
    }

    pub fn experiment(&self) -> Result<Experiment> {
        self.experiment.parse()
    }

    /// A setting as a number.
    pub fn num(&self, name: &str) -> Result<f64> {
        self.settings
            .get(name)
            .and_then(Value::as_f64)
            .ok_or_else(|| self.missing(name, "a number"))
    }

    /// A setting as a boolean.
    pub fn flag(&self, name: &str) -> Result<bool> {
        self.settings
            .get(name)
            .and_then(Value::as_bool)
            .ok_or_else(|| self.missing(name, "true or false"))
    }

    /// A setting as a string.
    pub fn text(&self, name: &str) -> Result<&str> {
        self.settings
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| self.missing(name, "a string"))
    }

    /// The engine the point runs, if it names one.
    pub fn engine(&self) -> Option<crate::model::engine::EngineKind> {
        self.settings
            .get("engine")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
    }

    fn missing(&self, name: &str, what: &str) -> Error {
        Error::param(
            format!("point setting `{name}`"),
            self.settings
                .get(name)
                .map_or("(missing)".into(), |v| v.to_string()),
            format!("{what} (point {})", self.key()),
        )
    }
}

/// Mean and sample standard deviation (0 for one value).
pub fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (m, var.sqrt())
}

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does. Std's sort is its own
/// 3-5 kB copy in the wasm for every element type (seven for the figures); this
/// sorts positions through one `dyn` comparison, so every type shares one copy.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let order = sorted_positions(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// `0..n` sorted stably by `cmp`.
#[inline(never)]
fn sorted_positions(n: usize, cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Relative RMS deviation `sqrt(Σ(a−b)² / Σ b²)` of `a` from the reference `b`.
pub fn rel_rms(a: impl IntoIterator<Item = f32>, b: impl IntoIterator<Item = f32>) -> f64 {
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for (x, y) in a.into_iter().zip(b) {
        num += ((x - y) as f64).powi(2);
        den += (y as f64).powi(2);
    }
    if den == 0.0 {
        if num == 0.0 { 0.0 } else { f64::INFINITY }
    } else {
        (num / den).sqrt()
    }
}

/// Shorthands for settings values.
pub(crate) fn num(x: f64) -> Value {
    Value::from(x)
}

pub(crate) fn text(s: &str) -> Value {
    Value::from(s)
}

pub(crate) fn make(pairs: &[(&str, Value)]) -> Settings {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}
