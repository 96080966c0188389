//! Command-line front end: parses flags, reads files, drives the library, prints JSON.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

mod dataset;
mod train;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use microcircuit::data::yinyang;
use microcircuit::engine::{self, EngineKind};
use microcircuit::params::{Preset, Task};
use microcircuit::rng::{SimRng, Stream};
use microcircuit::{Error, Network};

#[derive(Parser)]
#[command(
    name = "microcircuit",
    version,
    about = "Dendritic cortical microcircuits (Sacramento et al. 2018): PyraLNet and SteadNet"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Times training patterns and prints µs per Euler step (PyraLNet) or per pattern (SteadNet).
    Bench {
        #[arg(long, default_value = "pyralnet")]
        engine: EngineKind,
        #[arg(long, default_value = "yin_yang")]
        preset: String,
        /// Patterns to present (default: 20 for PyraLNet, 2000 for SteadNet; 20 for MNIST SteadNet).
        #[arg(long)]
        patterns: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Prints every preset (parameters, schedule, source) as JSON.
    Presets,
    /// Trains a network on its task, evaluates the test set, prints the results as JSON.
    Train(train::TrainArgs),
    /// Prints a data set (Yin-Yang as CSV) or facts about one (MNIST).
    #[command(subcommand)]
    Dataset(dataset::DatasetCmd),
}

/// Runs the CLI; the exit code is 0 on success, 1 on a model or input error and 2
/// on a usage error (from clap).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Bench {
            engine,
            preset,
            patterns,
            seed,
        } => bench(engine, &preset, patterns, seed),
        Cmd::Train(args) => train::run(args),
        Cmd::Dataset(cmd) => dataset::run(cmd),
        Cmd::Presets => serde_json::to_value(Preset::all()).map_err(|e| Error::Json {
            what: "presets".into(),
            reason: e.to_string(),
        }),
    };
    match result {
        // Commands that print their own output (CSV) return null.
        Ok(serde_json::Value::Null) => ExitCode::SUCCESS,
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A progress bar with ETA on stderr (hidden when stderr is not a terminal).
pub fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_string());
    bar
}

/// Inputs and one-hot-style targets for timing: the preset's own task where it is
/// cheap to make, uniform rates otherwise (timing does not depend on the values).
fn bench_patterns(
    preset: &Preset,
    n: usize,
    seed: u64,
) -> microcircuit::Result<Vec<(Vec<f32>, Vec<f32>)>> {
    let p = &preset.params;
    let (n_in, n_out) = (p.layers[0], p.layers[p.n_layers()]);
    let target = |label: usize| -> Vec<f32> {
        (0..n_out)
            .map(|j| if j == label { p.u_high } else { p.u_low })
            .collect()
    };
    if preset.task == Task::YinYang {
        let yy = yinyang::generate(n, seed as u32)?;
        return Ok(yy
            .samples
            .iter()
            .zip(&yy.labels)
            .map(|(s, &l)| (s.iter().map(|&v| v as f32).collect(), target(l as usize)))
            .collect());
    }
    let mut rng = SimRng::new(seed, Stream::Data);
    Ok((0..n)
        .map(|_| {
            let x = (0..n_in).map(|_| rng.unit()).collect();
            (x, target(rng.below(n_out)))
        })
        .collect())
}

fn bench(
    kind: EngineKind,
    preset: &str,
    patterns: Option<usize>,
    seed: u64,
) -> microcircuit::Result<serde_json::Value> {
    let preset = Preset::by_name(preset)?;
    let big = preset.params.n_synapses() > 1_000_000;
    let n = patterns.unwrap_or(match kind {
        EngineKind::PyraLNet => 20,
        EngineKind::SteadNet if big => 20,
        EngineKind::SteadNet => 2000,
    });
    if n == 0 || n > 10_000_000 {
        return Err(Error::param("--patterns", n, "1..=10000000"));
    }
    let data = bench_patterns(&preset, n, seed)?;
    let net = Network::new(preset.params.clone(), seed)?;
    let steps_per_pattern = preset.params.steps_per_pattern();
    let mut eng = engine::build(kind, net, seed);
    // Warm-up: one pattern, untimed (caches, first-touch of the pages).
    eng.train(&data[0].0, &data[0].1)?;
    let bar = progress(n as u64, "bench");
    let start = Instant::now();
    for (x, t) in &data {
        eng.train(x, t)?;
        bar.inc(1);
    }
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut out = json!({
        "engine": kind,
        "preset": preset.name,
        "patterns": n,
        "seconds": seconds,
        "us_per_pattern": seconds * 1e6 / n as f64,
        "synapses": preset.params.n_synapses(),
    });
    if kind == EngineKind::PyraLNet {
        let steps = (n * steps_per_pattern) as f64;
        out["steps"] = json!(steps);
        out["us_per_step"] = json!(seconds * 1e6 / steps);
    }
    Ok(out)
}
