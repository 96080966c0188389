//! Benchmark workloads: the same patterns and network for the CLI's `bench`
//! command and the browser benchmark (`www/bench.mjs`), so their figures compare.

use crate::data::yinyang;
use crate::error::{Error, Result};
use crate::model;
use crate::model::engine::{Engine, EngineKind};
use crate::model::network::Network;
use crate::model::params::Params;
use crate::model::presets::{Preset, Task};
use crate::rng::{SimRng, Stream};

/// The `bench` workload, shared by the CLI and the browser benchmark so both time
/// the same work: the
/// preset's network trains on `n` patterns (Yin-Yang samples drawn with `seed` for
/// Yin-Yang presets, uniform rates otherwise), after one untimed warm-up pattern.
pub struct Bench {
    engine: Box<dyn Engine>,
    data: Vec<(Vec<f32>, Vec<f32>)>,
    steps_per_pattern: usize,
}

impl Bench {
    pub fn new(kind: EngineKind, preset: &str, n: usize, seed: u64) -> Result<Self> {
        let params = Preset::by_name(preset)?.params;
        Bench::with_params(kind, preset, params, n, seed)
    }

    /// The workload of `preset` with its parameters replaced by `params` (e.g. the
    /// chip's arithmetic).
    pub fn with_params(
        kind: EngineKind,
        preset: &str,
        params: Params,
        n: usize,
        seed: u64,
    ) -> Result<Self> {
        let preset = Preset::by_name(preset)?;
        if !(1..=1_000_000).contains(&n) {
            return Err(Error::param("patterns", n, "1..=1000000"));
        }
        params.validate()?;
        let p = &params;
        let (n_in, n_out) = (p.layers[0], p.layers[p.n_layers()]);
        let target = |label: usize| -> Vec<f32> {
            (0..n_out)
                .map(|j| if j == label { p.u_high } else { p.u_low })
                .collect()
        };
        let data: Vec<(Vec<f32>, Vec<f32>)> = if preset.task == Task::YinYang {
            let yy = yinyang::generate(n, seed as u32)?;
            yy.samples
                .iter()
                .zip(&yy.labels)
                .map(|(s, &l)| (s.iter().map(|&v| v as f32).collect(), target(l as usize)))
                .collect()
        } else {
            let mut rng = SimRng::new(seed, Stream::Data);
            (0..n)
                .map(|_| {
                    let x = (0..n_in).map(|_| rng.unit()).collect();
                    (x, target(rng.below(n_out)))
                })
                .collect()
        };
        let net = Network::new(p.clone(), seed)?;
        let mut engine = model::build(kind, net, seed);
        let (x, t) = &data[0];
        engine.train(x, t)?;
        Ok(Bench {
            engine,
            data,
            steps_per_pattern: p.steps_per_pattern(),
        })
    }

    /// Trains every pattern once (the timed part).
    pub fn run(&mut self) -> Result<()> {
        for (x, t) in &self.data {
            self.engine.train(x, t)?;
        }
        Ok(())
    }

    pub fn patterns(&self) -> usize {
        self.data.len()
    }

    /// Euler steps of one run (PyraLNet), 0 for SteadNet.
    pub fn steps(&self) -> usize {
        match self.engine.kind() {
            EngineKind::PyraLNet => self.data.len() * self.steps_per_pattern,
            _ => 0,
        }
    }
}
