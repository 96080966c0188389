//! The potentials plot: output potentials and targets of the last few training
//! patterns, moved out of the engine's recorder after each pattern.

use std::collections::VecDeque;

use crate::charts::potentials::Potentials;
use crate::error::Result;
use crate::model::engine::{Engine, EngineKind};
use crate::model::record::{Probe, Recorder};

/// Rows of the potentials trace per PyraLNet pattern (one per ms at t_pattern 100).
pub(crate) const TRACE_ROWS_PER_PATTERN: usize = 100;
/// Patterns the potentials plot shows: PyraLNet (whole settling visible) and
/// SteadNet (one settled point per pattern).
pub(crate) const TRACE_PATTERNS_EULER: usize = 5;
pub(crate) const TRACE_PATTERNS_STEADY: usize = 60;

/// Output potentials and targets of the last few training patterns.
pub(crate) struct PotentialsTrace {
    rows_per_pattern: usize,
    max_rows: usize,
    /// (time ms, u_N…, u_trgt…) per row.
    rows: VecDeque<(f64, Vec<f32>, Vec<f32>)>,
    /// An empty recorder to attach after each pattern.
    blank: Recorder,
    every: usize,
    steady: bool,
}

impl PotentialsTrace {
    /// An empty trace for the engine's network and kind.
    pub(crate) fn new(eng: &dyn Engine) -> Result<Self> {
        let net = eng.network();
        let nl = net.params.n_layers();
        let euler = eng.kind() == EngineKind::PyraLNet;
        let (every, rows_per_pattern, patterns) = if euler {
            let steps = net.params.steps_per_pattern();
            let every = steps.div_ceil(TRACE_ROWS_PER_PATTERN).max(1);
            (every, steps.div_ceil(every), TRACE_PATTERNS_EULER)
        } else {
            (1, 1, TRACE_PATTERNS_STEADY)
        };
        let probes = vec![Probe::SomaP { layer: nl }, Probe::Target];
        let blank = Recorder::new(net, probes, every as u64, 2 * rows_per_pattern + 4)?;
        Ok(PotentialsTrace {
            rows_per_pattern,
            max_rows: patterns * rows_per_pattern,
            rows: VecDeque::new(),
            blank,
            every,
            steady: !euler,
        })
    }

    /// An empty recorder of the trace's probes, to attach to the engine.
    pub(crate) fn blank(&self) -> Recorder {
        self.blank.clone()
    }

    /// Moves the rows of the pattern just trained (from `t0`, ms) from the engine's
    /// recorder into the trace (dropping rows of the trainer's own epoch-end
    /// validation) and attaches a blank recorder again.
    pub(crate) fn record(&mut self, eng: &mut dyn Engine, t0: f64) {
        let euler = eng.kind() == EngineKind::PyraLNet;
        let p = &eng.network().params;
        if let Some(rec) = eng.recorder() {
            let rows = rec
                .series(0)
                .zip(rec.series(1))
                .take(self.rows_per_pattern)
                .enumerate();
            for (i, (u, target)) in rows {
                let t = if euler {
                    t0 + ((i * self.every + 1) as f64) * p.dt as f64
                } else {
                    t0 + p.t_pattern as f64
                };
                self.rows.push_back((t, u.to_vec(), target.to_vec()));
            }
            while self.rows.len() > self.max_rows {
                self.rows.pop_front();
            }
        }
        eng.set_recorder(Some(self.blank()));
    }

    /// The plot's data.
    pub(crate) fn potentials(&self) -> Potentials {
        let rows = &self.rows;
        let n_out = rows.front().map(|r| r.1.len()).unwrap_or(0);
        Potentials {
            t_ms: rows.iter().map(|r| r.0).collect(),
            outputs: (0..n_out)
                .map(|j| rows.iter().map(|r| r.1[j]).collect())
                .collect(),
            targets: (0..n_out)
                .map(|j| rows.iter().map(|r| r.2[j]).collect())
                .collect(),
            steady: self.steady,
        }
    }
}
