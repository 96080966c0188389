//! Command-line front end: parses flags, reads files, drives the library, prints JSON.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

mod dataset;
mod export;
mod files;
mod png;
mod progress;
mod sweep;
mod train;
use serde_json::json;

use microcircuit::Error;
use microcircuit::model::engine::EngineKind;
use microcircuit::model::presets::Preset;
use microcircuit::model::simd::{self, Simd, set_simd};
use microcircuit::train::bench::Bench;

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
        /// Kernels: auto (AVX2 where the CPU has it) or baseline (four lanes, the
        /// width of wasm SIMD, for the browser/native ratio); the results are the same.
        #[arg(long, default_value = "auto")]
        simd: SimdArg,
        /// Number formats to time (default: the preset's); with bss2 the PPU's
        /// memory and cycle budget of the rule is printed too.
        #[command(flatten)]
        arith: train::ArithArgs,
    },
    /// Prints every preset (parameters, schedule, source) as JSON.
    Presets,
    /// Trains a network on its task, evaluates the test set, prints the results as JSON.
    Train(train::TrainArgs),
    /// Writes a trained run's network as chip data (6-bit codes with row signs,
    /// scales, the PPU rule's constants) from a checkpoint of a run in the chip's
    /// formats (docs/hardware.md, "Export for a chip run").
    ExportChip(export::ExportArgs),
    /// Prints a data set (Yin-Yang as CSV) or facts about one (MNIST).
    #[command(subcommand)]
    Dataset(dataset::DatasetCmd),
    /// Runs the points of a named experiment on all cores, appending one JSON line per
    /// finished point and skipping points already in the file (resumable, shardable).
    Sweep(sweep::SweepArgs),
    /// Draws an experiment's figure (SVG or PNG) from result files.
    Plot(sweep::PlotArgs),
    /// Joins result files: one line per point; refuses points with different results.
    Merge(sweep::MergeArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SimdArg {
    Auto,
    Baseline,
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
            simd,
            arith,
        } => {
            set_simd(match simd {
                SimdArg::Auto => Simd::Auto,
                SimdArg::Baseline => Simd::Baseline,
            });
            bench(engine, &preset, patterns, seed, &arith)
        }
        Cmd::Train(args) => train::run(args),
        Cmd::Dataset(cmd) => dataset::run(cmd),
        Cmd::ExportChip(args) => export::run(args),
        Cmd::Sweep(args) => sweep::sweep(args),
        Cmd::Plot(args) => sweep::plot(args),
        Cmd::Merge(args) => sweep::merge(args),
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

fn bench(
    kind: EngineKind,
    preset: &str,
    patterns: Option<usize>,
    seed: u64,
    arith: &train::ArithArgs,
) -> microcircuit::Result<serde_json::Value> {
    let preset = Preset::by_name(preset)?;
    let big = preset.params.n_synapses() > 1_000_000;
    let n = patterns.unwrap_or(match kind {
        EngineKind::PyraLNet => 20,
        _ if big => 20,
        _ => 2000,
    });
    if n == 0 || n > 10_000_000 {
        return Err(Error::param("--patterns", n, "1..=10000000"));
    }
    // Builds the network and trains one untimed warm-up pattern.
    let mut params = preset.params.clone();
    train::apply_arith(&mut params, arith)?;
    let mut work = Bench::with_params(kind, &preset.name, params.clone(), n, seed)?;
    eprintln!("bench: {n} patterns of {} ...", preset.name);
    let start = Instant::now();
    work.run()?;
    let seconds = start.elapsed().as_secs_f64();
    let mut out = json!({
        "engine": kind,
        "preset": preset.name,
        "patterns": n,
        "seconds": seconds,
        "us_per_pattern": seconds * 1e6 / n as f64,
        "synapses": preset.params.n_synapses(),
        "arith": arith.arith,
        "simd": simd::name(),
    });
    if params.arith.kind == microcircuit::model::formats::ArithKind::Bss2 {
        // What the rule would need of one PPU (src/model/budget.rs).
        let budget = microcircuit::model::budget::Budget::new(&params, kind);
        if let (serde_json::Value::Object(out), Ok(serde_json::Value::Object(b))) =
            (&mut out, serde_json::to_value(&budget))
        {
            out.extend(b);
        }
        for flag in &budget.ppu_flags {
            eprintln!("bench: flagged: {flag}");
        }
    }
    if kind == EngineKind::PyraLNet {
        let steps = work.steps() as f64;
        out["steps"] = json!(steps);
        out["us_per_step"] = json!(seconds * 1e6 / steps);
    }
    Ok(out)
}
