//! `microcircuit train ...`

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde_json::json;

use microcircuit::data::{self, mnist};
use microcircuit::experiments::mean_sd;
use microcircuit::model::engine::EngineKind;
use microcircuit::model::formats::{ArithKind, Rounding};
use microcircuit::model::params::{MAX_CONFIG_BYTES, Params};
use microcircuit::model::presets::{Preset, Task, format_hints};
use microcircuit::train::{Checkpoint, MAX_CHECKPOINT_BYTES, RunConfig, Trainer};
use microcircuit::{Error, Result};

#[derive(Args)]
pub struct TrainArgs {
    /// Preset: mimic, yin_yang, yin_yang_bss2, yin_yang_random_init, mnist.
    #[arg(long, default_value = "yin_yang")]
    preset: String,
    #[arg(long, default_value = "steadnet")]
    engine: EngineKind,
    /// Epochs (default: the preset's).
    #[arg(long)]
    epochs: Option<usize>,
    /// Training patterns per epoch (default: the preset's).
    #[arg(long)]
    train_size: Option<usize>,
    #[arg(long)]
    val_size: Option<usize>,
    #[arg(long)]
    test_size: Option<usize>,
    /// Validate every N patterns as well as at each epoch end (0: epoch ends only).
    #[arg(long, default_value_t = 0)]
    val_every: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Train this many runs with seeds seed, seed+1, ... on all cores and report
    /// the mean and standard deviation.
    #[arg(long, default_value_t = 1)]
    seeds: usize,
    /// JSON object of parameters overriding the preset's (any field of `presets`' params).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write a checkpoint (weights, traces, parameters, position) here at the end.
    #[arg(long)]
    save: Option<PathBuf>,
    /// Resume from a checkpoint (its parameters and schedule replace the preset's).
    #[arg(long)]
    load: Option<PathBuf>,
    /// Number formats: float, or bss2 (the BrainScaleS-2 chip's, SPEC §6).
    #[arg(long)]
    arith: Option<ArithKind>,
    /// Weight write-back rounding with --arith bss2: floor or stochastic.
    #[arg(long)]
    rounding: Option<Rounding>,
    /// Gaussian noise of the 8-bit readouts with --arith bss2, in LSB (>= 0).
    #[arg(long, value_name = "SIGMA")]
    readout_noise: Option<f32>,
    /// With --arith bss2: keep the bits write-back rounds off for the next update
    /// (true) or clear them (false).
    #[arg(long, value_name = "BOOL")]
    carry: Option<bool>,
    /// Directory with the standard MNIST IDX files (optionally .gz) instead of the
    /// embedded subset.
    #[arg(long)]
    mnist_dir: Option<PathBuf>,
    /// A CSV file of 2-D points `x,y,label` (header optional, labels 0..K-1,
    /// 2 <= K <= 10) to train a Yin-Yang preset on: 80/10/10 split with the seed.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
}

/// Reads a file of at most `limit` bytes; a larger one is refused before it is
/// read, with the limit.
fn read(path: &Path, limit: usize) -> Result<Vec<u8>> {
    read_limit_check(path, limit)?;
    std::fs::read(path).map_err(|e| Error::data(path.display().to_string(), e.to_string()))
}

fn read_text(path: &Path, limit: usize) -> Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| Error::data(path.display().to_string(), "not UTF-8 text"))
}

/// The preset's parameters with the fields of the JSON object in `path` replaced
/// ([`Params::with_json`]: objects merge field by field).
pub fn params_with_overrides(base: &Params, path: &Path) -> Result<Params> {
    let text = read_text(path, MAX_CONFIG_BYTES)?;
    let what = path.display().to_string();
    let over: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Json {
        what: what.clone(),
        reason: e.to_string(),
    })?;
    base.with_json(&over, &what)
}

/// Sets the number formats from the command line (flags left out keep the
/// preset's or the config's values); the result is validated.
pub fn apply_arith(
    params: &mut Params,
    kind: Option<ArithKind>,
    rounding: Option<Rounding>,
    readout_noise: Option<f32>,
    carry: Option<bool>,
) -> Result<()> {
    if let Some(k) = kind {
        params.arith.kind = k;
    }
    if params.arith.kind == ArithKind::Float
        && (rounding.is_some() || readout_noise.is_some() || carry.is_some())
    {
        return Err(Error::param(
            "--rounding/--readout-noise/--carry",
            "with float arithmetic",
            "only with --arith bss2",
        ));
    }
    if let Some(r) = rounding {
        params.arith.rounding = r;
    }
    if let Some(s) = readout_noise {
        params.arith.readout_noise = s;
    }
    if let Some(c) = carry {
        params.arith.carry = c;
    }
    params.validate()
}

fn mnist_sets(dir: &Path) -> Result<(data::Dataset, data::Dataset)> {
    // An IDX file larger than the largest decompressed size is refused up front.
    for base in mnist::IDX_FILES {
        for name in mnist::idx_file_candidates(base) {
            let path = dir.join(name);
            if path.is_file() {
                read_limit_check(&path, mnist::MAX_DECOMPRESSED_BYTES)?;
            }
        }
    }
    mnist::mnist_from_files(|name| std::fs::read(dir.join(name)).ok())
}

fn read_limit_check(path: &Path, limit: usize) -> Result<()> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::data(path.display().to_string(), e.to_string()))?
        .len();
    if len > limit as u64 {
        return Err(Error::data(
            path.display().to_string(),
            format!("the file is {len} bytes, more than the limit of {limit} bytes"),
        ));
    }
    Ok(())
}

pub fn run(a: TrainArgs) -> Result<serde_json::Value> {
    let preset = Preset::by_name(&a.preset)?;
    let mut params = preset.params.clone();
    if let Some(path) = &a.config {
        params = params_with_overrides(&params, path)?;
    }
    apply_arith(&mut params, a.arith, a.rounding, a.readout_noise, a.carry)?;
    if a.load.is_none() {
        // What the page's formats line says, said here too.
        let euler = a.engine == EngineKind::PyraLNet;
        for hint in format_hints(&preset.name, preset.task, &params, euler) {
            eprintln!("warning: {hint}");
        }
    }
    let mut schedule = preset.schedule.clone();
    if let Some(e) = a.epochs {
        schedule.epochs = e;
    }
    if let Some(n) = a.train_size {
        schedule.train_size = n;
    }
    if let Some(n) = a.val_size {
        schedule.val_size = n;
    }
    if let Some(n) = a.test_size {
        schedule.test_size = n;
    }
    let checkpoint = match &a.load {
        Some(path) => Some(Checkpoint::from_json(&read_text(
            path,
            MAX_CHECKPOINT_BYTES,
        )?)?),
        None => None,
    };
    if checkpoint.is_some()
        && (a.arith.is_some()
            || a.rounding.is_some()
            || a.readout_noise.is_some()
            || a.carry.is_some())
    {
        return Err(Error::param(
            "--arith/--rounding/--readout-noise/--carry",
            "with --load",
            "none: a checkpoint keeps the number formats of its run",
        ));
    }
    let mnist = match (&a.mnist_dir, preset.task) {
        (Some(dir), Task::Mnist) => Some(mnist_sets(dir)?),
        (Some(_), task) => {
            return Err(Error::param(
                "--mnist-dir",
                format!("with preset {}", preset.name),
                format!("only with an MNIST preset, not {task:?}"),
            ));
        }
        (None, _) => None,
    };
    let points = match &a.data {
        Some(path) => {
            if preset.task != Task::YinYang || a.load.is_some() {
                return Err(Error::param(
                    "--data",
                    path.display().to_string(),
                    "with a Yin-Yang preset (2-D inputs) and without --load",
                ));
            }
            let pts = data::points::parse(&read(path, data::points::MAX_BYTES)?)
                .map_err(|e| Error::data(path.display().to_string(), e.to_string()))?;
            if let Some(k) = params.layers.last_mut() {
                *k = pts.n_classes;
            }
            Some(pts)
        }
        None => None,
    };
    let cfg = RunConfig {
        task: preset.task,
        engine: a.engine,
        schedule,
        seed: a.seed,
        val_every: a.val_every,
    };
    if a.seeds == 0 || a.seeds > 10_000 {
        return Err(Error::param("--seeds", a.seeds, "1..=10000"));
    }
    if a.seeds > 1 && (checkpoint.is_some() || a.save.is_some()) {
        return Err(Error::param("--seeds", a.seeds, "1 with --load or --save"));
    }
    let make = |seed: u64| -> Result<Trainer> {
        match &checkpoint {
            Some(ck) => {
                let sets = data::splits_for(
                    ck.config.task,
                    &ck.config.schedule,
                    &ck.params,
                    mnist.clone(),
                )?;
                Trainer::from_checkpoint(ck.clone(), sets)
            }
            None => {
                let sets = match &points {
                    Some(pts) => pts.splits(seed)?,
                    None => data::splits_for(cfg.task, &cfg.schedule, &params, mnist.clone())?,
                };
                Trainer::new(
                    params.clone(),
                    sets,
                    RunConfig {
                        seed,
                        ..cfg.clone()
                    },
                )
            }
        }
    };
    if a.seeds == 1 {
        let mut trainer = make(a.seed)?;
        let label = format!("{} {:?}", preset.name, trainer.config().engine);
        let bar = super::progress::bar(trainer.total_patterns(), &label);
        bar.set_position(trainer.progress().patterns);
        let mut out = train_one(&mut trainer, |p, msg| {
            bar.set_position(p);
            if let Some(m) = msg {
                bar.set_message(format!("{label} {m}"));
            }
        })?;
        bar.finish_and_clear();
        if let Some(path) = &a.save {
            std::fs::write(path, trainer.checkpoint().to_json())
                .map_err(|e| Error::data(path.display().to_string(), e.to_string()))?;
        }
        out["preset"] = json!(preset.name);
        return Ok(out);
    }
    // Several seeds: one run per core, a shared progress bar over all patterns.
    let seeds: Vec<u64> = (0..a.seeds as u64).map(|i| a.seed + i).collect();
    let per_run = make(a.seed)?.total_patterns();
    let bar = super::progress::bar(
        per_run * seeds.len() as u64,
        &format!("{} x{}", preset.name, seeds.len()),
    );
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicU64::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(seeds.len());
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                use std::sync::atomic::Ordering::Relaxed;
                loop {
                    let i = next.fetch_add(1, Relaxed);
                    let Some(&seed) = seeds.get(i) else { break };
                    let mut last = 0u64;
                    let r = make(seed).and_then(|mut t| {
                        train_one(&mut t, |p, _| {
                            let all = done.fetch_add(p - last, Relaxed) + p - last;
                            last = p;
                            bar.set_position(all);
                        })
                    });
                    results.lock().map(|mut v| v.push((seed, r))).ok();
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut results = results
        .into_inner()
        .map_err(|_| Error::data("runs", "a worker thread panicked"))?;
    results.sort_by_key(|(s, _)| *s);
    let mut runs = Vec::new();
    for (seed, r) in results {
        let r = r.map_err(|e| Error::data(format!("run with seed {seed}"), e.to_string()))?;
        runs.push(r);
    }
    let stat = |key: &str| -> Option<(f64, f64)> {
        let v: Vec<f64> = runs.iter().filter_map(|r| r[key].as_f64()).collect();
        (v.len() == runs.len()).then(|| mean_sd(&v))
    };
    let mut out = json!({
        "preset": preset.name,
        "engine": cfg.engine,
        "task": cfg.task,
        "seeds": seeds,
        "schedule": cfg.schedule,
        "seconds": start.elapsed().as_secs_f64(),
        "params": params,
        "runs": runs.iter().map(|r| json!({
            "seed": r["seed"], "test_accuracy": r.get("test_accuracy"), "test_mse": r["test_mse"],
            "seconds": r["seconds"], "val_history": r["val_history"],
        })).collect::<Vec<_>>(),
    });
    for key in ["test_accuracy", "test_mse"] {
        if let Some((m, sd)) = stat(key) {
            out[format!("{key}_mean")] = json!(m);
            out[format!("{key}_sd")] = json!(sd);
        }
    }
    Ok(out)
}

/// Trains one run to the end and returns its results as JSON; `progress` gets the
/// patterns seen and, after a validation, a short summary.
fn train_one(
    trainer: &mut Trainer,
    mut progress: impl FnMut(u64, Option<String>),
) -> Result<serde_json::Value> {
    let start = Instant::now();
    let test = trainer.run_to_end(100, |out| {
        let msg = out.validations.last().map(|m| {
            let acc = m
                .accuracy
                .map(|a| format!(" acc {:.2} %", 100.0 * a))
                .unwrap_or_default();
            format!("epoch {} val mse {:.4}{acc}", out.progress.epoch, m.mse)
        });
        progress(out.progress.patterns, msg);
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let mut out = json!({
        "engine": trainer.config().engine,
        "task": trainer.config().task,
        "seed": trainer.config().seed,
        "schedule": trainer.config().schedule,
        "patterns": trainer.progress().patterns,
        "seconds": seconds,
        "test_mse": test.mse,
        "val_history": trainer.history(),
        "params": trainer.params(),
    });
    if let Some(acc) = test.accuracy {
        out["test_accuracy"] = json!(acc);
        out["test_confusion"] = json!(test.confusion);
    }
    Ok(out)
}
