//! Checkpoints: everything needed to resume a run or reuse its weights, as JSON,
//! checked when read.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::engine::EngineState;
use crate::model::params::Params;
use crate::model::weights::Projections;
use crate::train::config::{MAX_EPOCHS, RunConfig};
use crate::train::metrics::Metrics;

/// Checkpoint format name and version; a loader refuses anything else. Version 2
/// adds the engine state (potentials, random streams, carry registers) and the
/// preset; version 1 files still load and continue from rest.
pub const CHECKPOINT_FORMAT: &str = "microcircuit-checkpoint";
pub const CHECKPOINT_VERSION: u32 = 2;

/// Longest checkpoint [`Checkpoint::from_json`] reads: weights and traces of the
/// largest network ([`crate::model::params::MAX_SYNAPSES`]) at up to ~14 characters a
/// number, with room for the history.
pub const MAX_CHECKPOINT_BYTES: usize = 600_000_000;

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
    /// The preset the run started from (version 2; absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The data file's name when the run trained on a file of the user's
    /// (`train --data`) instead of its task's data; resuming asks for it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Everything the engine carries between patterns (version 2); without it
    /// the run continues from rest with fresh random streams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_state: Option<EngineState>,
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
        let v = crate::json::parse(text, "checkpoint")?;
        let format = v.get("format").and_then(|f| f.as_str()).unwrap_or("(none)");
        if format != CHECKPOINT_FORMAT {
            return Err(Error::data(
                "checkpoint",
                format!("format {format:?}, expected {CHECKPOINT_FORMAT:?}"),
            ));
        }
        let version = v.get("version").and_then(|f| f.as_u64()).unwrap_or(0);
        if !(1..=CHECKPOINT_VERSION as u64).contains(&version) {
            return Err(Error::data(
                "checkpoint",
                format!("version {version}, this build reads versions 1 to {CHECKPOINT_VERSION}"),
            ));
        }
        let ck: Checkpoint = crate::json::from_value(&v, "checkpoint")?;
        if version >= 2 && ck.engine_state.is_none() {
            return Err(Error::data(
                "checkpoint engine_state",
                "missing: a version 2 checkpoint holds the engine's state",
            ));
        }
        ck.check()?;
        Ok(ck)
    }

    /// What a reader should know before resuming: a version 1 file holds no
    /// engine state, so its run does not continue exactly.
    pub fn notice(&self) -> Option<String> {
        self.engine_state.is_none().then(|| {
            format!(
                "checkpoint version {} holds no engine state: the run continues from \
                 rest with fresh noise and rounding streams, not exactly as it would have",
                self.version
            )
        })
    }

    /// Checks parameters, shapes and values.
    pub fn check(&self) -> Result<()> {
        self.params.validate()?;
        if let Some(es) = &self.engine_state {
            if es.kind != self.config.engine {
                return Err(Error::data(
                    "checkpoint engine_state.kind",
                    format!(
                        "{:?}, but config.engine is {:?}",
                        es.kind, self.config.engine
                    ),
                ));
            }
            es.state
                .check_against(&self.params, "checkpoint engine_state.state")?;
        }
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
            if m.alignment.as_ref().is_some_and(|a| !a.is_valid()) {
                return bad("alignment angles must lie in 0..=180 degrees".into());
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

    /// The checkpoint as JSON. The buffer is reserved from an upper bound of the
    /// length first: with the page's 2000 validations a checkpoint is ~0.7 MB, and
    /// a buffer grown by doubling would take up to twice that, which wasm memory
    /// keeps for good. (Same writer type as `to_string`: no second serializer.)
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(self.json_len_bound());
        match serde_json::to_writer(&mut out, self) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// At least the length of [`Checkpoint::to_json`], within ~1.3× of it: numbers
    /// as serde_json writes them (an f32 at most 15 characters, an f64 24, counts
    /// exactly, each with a separator), 150 for a validation's names and scalars,
    /// 8 kB for config, parameters and names.
    pub(crate) fn json_len_bound(&self) -> usize {
        const F32: usize = 16;
        const F64: usize = 25;
        let weights: usize = (self.weights.iter().chain(self.deltas.iter()))
            .map(|m| m.data.len() * F32 + 40)
            .sum();
        let state = self.engine_state.as_ref().map_or(0, |e| {
            let s = &e.state;
            let vecs = [&s.r, &s.u, &s.v_b, &s.v_a, &s.u_i, &s.v_i, &s.r_i];
            let n: usize = vecs.iter().flat_map(|v| v.iter()).map(Vec::len).sum();
            (n + s.u_trgt.len() + s.x_lp.len()) * F32 + 4096
        });
        let history: usize = (self.history.iter())
            .map(|m| {
                let digits = |n: &u32| n.checked_ilog10().unwrap_or(0) as usize + 2;
                let confusion = m.confusion.as_ref().map_or(0, |c| {
                    c.iter().flatten().map(digits).sum::<usize>() + 2 * c.len() + 14
                });
                let alignment = m.alignment.as_ref().map_or(0, |a| {
                    a.series()
                        .iter()
                        .map(|(k, v)| k.len() + 4 + v.len() * F64)
                        .sum()
                });
                150 + confusion + alignment
            })
            .sum();
        8192 + weights + state + history
    }

    /// The file [`Checkpoint::write_atomic`] writes before renaming it to `path`.
    pub fn temp_path(path: &std::path::Path) -> std::path::PathBuf {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        tmp.into()
    }

    /// Writes the checkpoint to `path` atomically: to a temporary file beside it,
    /// flushed to disk, then renamed over `path`, so a crash at any moment leaves
    /// either the old checkpoint or the new one, never half of one.
    pub fn write_atomic(&self, path: &std::path::Path) -> Result<()> {
        use std::io::Write;
        let io = |e: std::io::Error| Error::data(path.display().to_string(), e.to_string());
        let tmp = Checkpoint::temp_path(path);
        {
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(self.to_json().as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }
}
