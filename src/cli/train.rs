//! `microcircuit train ...`

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde_json::json;

use microcircuit::data;
use microcircuit::experiments::mean_sd;
use microcircuit::model::engine::EngineKind;
use microcircuit::model::formats::{
    Accumulator, AnalogModel, ArithKind, MulRounding, PhiModel, RngModel, Rounding,
};
use microcircuit::model::params::Params;
use microcircuit::model::presets::{EtaDecay, Preset, Task, format_hints};
use microcircuit::train::{Checkpoint, MAX_CHECKPOINT_BYTES, RunConfig, Trainer};

pub use super::files::params_with_overrides;
use super::files::{data_name, mnist_sets, read_points, read_text};
use microcircuit::{Error, Result};

#[derive(Args)]
pub struct TrainArgs {
    /// Preset: mimic, yin_yang, yin_yang_bss2, yin_yang_random_init, mnist
    /// [default: yin_yang].
    #[arg(long)]
    preset: Option<String>,
    /// pyralnet or steadnet [default: steadnet].
    #[arg(long)]
    engine: Option<EngineKind>,
    /// Epochs (default: the preset's); with --load, the epochs of the whole run,
    /// so a finished run can be extended.
    #[arg(long)]
    epochs: Option<usize>,
    /// Learning-rate decay: FROM:FACTOR (epoch FROM, counted from 1, and each one
    /// after it multiply every rate by FACTOR) or none [default: the preset's].
    #[arg(long, value_name = "FROM:FACTOR|none")]
    eta_decay: Option<String>,
    /// Training patterns per epoch (default: the preset's).
    #[arg(long)]
    train_size: Option<usize>,
    #[arg(long)]
    val_size: Option<usize>,
    #[arg(long)]
    test_size: Option<usize>,
    /// Validate every N patterns as well as at each epoch end (0: epoch ends only)
    /// [default: 0, or the checkpoint's].
    #[arg(long)]
    val_every: Option<usize>,
    /// [default: 1]
    #[arg(long)]
    seed: Option<u64>,
    /// Train this many runs with seeds seed, seed+1, ... on all cores and report
    /// the mean and standard deviation.
    #[arg(long, default_value_t = 1)]
    seeds: usize,
    /// JSON object of parameters overriding the preset's (any field of `presets`' params).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write a checkpoint (weights, traces, engine state, position) here at the end.
    #[arg(long)]
    save: Option<PathBuf>,
    /// With --save: rewrite the checkpoint every N training patterns as well, so a
    /// killed run continues from there with --load.
    #[arg(long, value_name = "N")]
    checkpoint_every: Option<u64>,
    /// Resume from a checkpoint and train to the end of its schedule (or of
    /// --epochs); flags that would change the run are refused.
    #[arg(long)]
    load: Option<PathBuf>,
    #[command(flatten)]
    arith: ArithArgs,
    /// Directory with the standard MNIST IDX files (optionally .gz) instead of the
    /// embedded subset.
    #[arg(long)]
    mnist_dir: Option<PathBuf>,
    /// A CSV file of 2-D points `x,y,label` (header optional, labels 0..K-1,
    /// 2 <= K <= 10) to train a Yin-Yang preset on: 80/10/10 split with the seed.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
}

/// The flags of the chip's formats beyond `--arith`.
const CHIP_FLAGS: &str = "--rounding/--readout-noise/--carry/--rng/--accumulator/\
                          --shadow-frac-bits/--analog/--analog-gain/--analog-noise/\
                          --analog-offset/--phi/--gain-rounding";

/// The number-format flags of `train` and `bench`.
#[derive(Args, Debug, Default, Clone)]
pub struct ArithArgs {
    /// Number formats: float, or bss2 (the BrainScaleS-2 chip's, SPEC §6).
    #[arg(long)]
    pub arith: Option<ArithKind>,
    /// Weight write-back rounding with --arith bss2: floor or stochastic.
    #[arg(long)]
    pub rounding: Option<Rounding>,
    /// Gaussian noise of the 8-bit readouts with --arith bss2, in LSB (>= 0).
    #[arg(long, value_name = "SIGMA")]
    pub readout_noise: Option<f32>,
    /// With --arith bss2: keep the bits write-back rounds off for the next update
    /// (true) or clear them (false).
    #[arg(long, value_name = "BOOL")]
    pub carry: Option<bool>,
    /// Random bits of stochastic rounding with --arith bss2: lfsr (the chip's
    /// per-column 16-bit LFSRs, 8-bit draws) or pcg (ideal uniform bits).
    #[arg(long)]
    pub rng: Option<RngModel>,
    /// Write-back register with --arith bss2: shadow16 (the chip's 16-bit saturating
    /// shadow weight) or ideal32 (a 32-bit register, 15 fractional bits).
    #[arg(long)]
    pub accumulator: Option<Accumulator>,
    /// Fractional bits of the shadow16 weight with --arith bss2 (1..=9).
    #[arg(long, value_name = "F")]
    pub shadow_frac_bits: Option<u32>,
    /// Dendritic sums with --arith bss2: mock (hxtorch's analog MAC: gain, noise,
    /// int8 per 128 inputs) or ideal (exact sums of the codes).
    #[arg(long)]
    pub analog: Option<AnalogModel>,
    /// Gain of one send of the mock MAC, LSB per unit of Σ x w (> 0; 0.002).
    #[arg(long, value_name = "G")]
    pub analog_gain: Option<f32>,
    /// Noise of the mock MAC's readouts, in LSB (>= 0; 2).
    #[arg(long, value_name = "SIGMA")]
    pub analog_noise: Option<f32>,
    /// Sd of the mock MAC's fixed per-channel offsets, in LSB (>= 0; 0).
    #[arg(long, value_name = "SIGMA")]
    pub analog_offset: Option<f32>,
    /// φ of the error factors with --arith bss2: table (Q0.15 lookup, integer
    /// gain) or f32.
    #[arg(long)]
    pub phi: Option<PhiModel>,
    /// Rounding of the error gain's multiply with --phi table: floor, zero or
    /// nearest.
    #[arg(long)]
    pub gain_rounding: Option<MulRounding>,
}

impl ArithArgs {
    /// Whether any flag but --arith is given.
    fn chip_flags(&self) -> bool {
        self.rounding.is_some()
            || self.readout_noise.is_some()
            || self.carry.is_some()
            || self.rng.is_some()
            || self.accumulator.is_some()
            || self.shadow_frac_bits.is_some()
            || self.analog.is_some()
            || self.analog_gain.is_some()
            || self.analog_noise.is_some()
            || self.analog_offset.is_some()
            || self.phi.is_some()
            || self.gain_rounding.is_some()
    }

    fn any(&self) -> bool {
        self.arith.is_some() || self.chip_flags()
    }
}

/// Sets the number formats from the command line (flags left out keep the
/// preset's or the config's values); the result is validated.
pub fn apply_arith(params: &mut Params, a: &ArithArgs) -> Result<()> {
    if let Some(k) = a.arith {
        params.arith.kind = k;
    }
    if params.arith.kind == ArithKind::Float && a.chip_flags() {
        return Err(Error::param(
            CHIP_FLAGS,
            "with float arithmetic",
            "only with --arith bss2",
        ));
    }
    let c = &mut params.arith;
    c.rounding = a.rounding.unwrap_or(c.rounding);
    c.readout_noise = a.readout_noise.unwrap_or(c.readout_noise);
    c.carry = a.carry.unwrap_or(c.carry);
    c.rng = a.rng.unwrap_or(c.rng);
    c.accumulator = a.accumulator.unwrap_or(c.accumulator);
    c.shadow_frac_bits = a.shadow_frac_bits.unwrap_or(c.shadow_frac_bits);
    c.analog = a.analog.unwrap_or(c.analog);
    c.analog_gain = a.analog_gain.unwrap_or(c.analog_gain);
    c.analog_noise = a.analog_noise.unwrap_or(c.analog_noise);
    c.analog_offset = a.analog_offset.unwrap_or(c.analog_offset);
    c.phi = a.phi.unwrap_or(c.phi);
    c.gain_rounding = a.gain_rounding.unwrap_or(c.gain_rounding);
    params.validate()
}

/// Where and how often a run saves itself.
struct Saving<'a> {
    path: Option<&'a Path>,
    every: Option<u64>,
    preset: &'a str,
    /// The `--data` file's name, if the run trains on one.
    data: Option<String>,
}

impl Saving<'_> {
    fn write(&self, trainer: &Trainer) -> Result<()> {
        let Some(path) = self.path else { return Ok(()) };
        let mut ck = trainer.checkpoint();
        ck.preset = Some(self.preset.to_string());
        ck.data = self.data.clone();
        ck.write_atomic(path)
    }
}

pub fn run(a: TrainArgs) -> Result<serde_json::Value> {
    if a.checkpoint_every.is_some() && a.save.is_none() {
        return Err(Error::param(
            "--checkpoint-every",
            "without --save",
            "only with --save FILE (the file it rewrites)",
        ));
    }
    if a.checkpoint_every == Some(0) {
        return Err(Error::param("--checkpoint-every", 0, "1 or more patterns"));
    }
    if a.seeds == 0 || a.seeds > 10_000 {
        return Err(Error::param("--seeds", a.seeds, "1..=10000"));
    }
    if a.seeds > 1 && (a.load.is_some() || a.save.is_some()) {
        return Err(Error::param("--seeds", a.seeds, "1 with --load or --save"));
    }
    if let Some(path) = a.load.clone() {
        return resume(a, &path);
    }
    let preset = Preset::by_name(a.preset.as_deref().unwrap_or("yin_yang"))?;
    let engine = a.engine.unwrap_or(EngineKind::SteadNet);
    let mut params = preset.params.clone();
    if let Some(path) = &a.config {
        params = params_with_overrides(&params, path)?;
    }
    apply_arith(&mut params, &a.arith)?;
    // What the page's formats line says, said here too.
    for hint in format_hints(
        &preset.name,
        preset.task,
        &params,
        engine == EngineKind::PyraLNet,
    ) {
        eprintln!("warning: {hint}");
    }
    let mut schedule = preset.schedule.clone();
    if let Some(text) = &a.eta_decay {
        schedule.eta_decay = parse_decay(text)?;
    }
    for (field, flag) in [
        (&mut schedule.epochs, a.epochs),
        (&mut schedule.train_size, a.train_size),
        (&mut schedule.val_size, a.val_size),
        (&mut schedule.test_size, a.test_size),
    ] {
        if let Some(n) = flag {
            *field = n;
        }
    }
    let mnist = mnist_for(&a, preset.task, &preset.name)?;
    let points = match &a.data {
        Some(path) => {
            if preset.task != Task::YinYang {
                return Err(Error::param(
                    "--data",
                    path.display().to_string(),
                    "with a Yin-Yang preset (2-D inputs)",
                ));
            }
            let pts = read_points(path)?;
            if let Some(k) = params.layers.last_mut() {
                *k = pts.n_classes;
            }
            Some(pts)
        }
        None => None,
    };
    let cfg = RunConfig {
        task: preset.task,
        engine,
        schedule,
        seed: a.seed.unwrap_or(1),
        val_every: a.val_every.unwrap_or(0),
    };
    let make = |seed: u64| -> Result<Trainer> {
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
    };
    let saving = Saving {
        path: a.save.as_deref(),
        every: a.checkpoint_every,
        preset: &preset.name,
        data: a.data.as_deref().map(data_name),
    };
    if a.seeds == 1 {
        return run_single(make(cfg.seed)?, &saving);
    }
    // Several seeds: one run per core, a shared progress bar over all patterns.
    let seeds: Vec<u64> = (0..a.seeds as u64).map(|i| cfg.seed + i).collect();
    let per_run = make(cfg.seed)?.total_patterns();
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
    let no_saving = Saving {
        path: None,
        every: None,
        preset: &preset.name,
        data: None,
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                use std::sync::atomic::Ordering::Relaxed;
                loop {
                    let i = next.fetch_add(1, Relaxed);
                    let Some(&seed) = seeds.get(i) else { break };
                    let mut last = 0u64;
                    let r = make(seed).and_then(|mut t| {
                        train_one(&mut t, &no_saving, |p, _| {
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

/// The MNIST data from --mnist-dir, refused for other tasks.
fn mnist_for(
    a: &TrainArgs,
    task: Task,
    preset: &str,
) -> Result<Option<(data::Dataset, data::Dataset)>> {
    match (&a.mnist_dir, task) {
        (Some(dir), Task::Mnist) => Ok(Some(mnist_sets(dir)?)),
        (Some(_), task) => Err(Error::param(
            "--mnist-dir",
            format!("with preset {preset}"),
            format!("only with an MNIST preset, not {task:?}"),
        )),
        (None, _) => Ok(None),
    }
}

/// `--eta-decay`: `none` or `FROM:FACTOR`.
fn parse_decay(text: &str) -> Result<Option<EtaDecay>> {
    if text == "none" {
        return Ok(None);
    }
    text.parse().map(Some)
}

/// `train --load FILE`: continues the checkpoint's run to the end of its schedule,
/// or of `--epochs`. A flag that would make it another run is refused, naming it.
fn resume(a: TrainArgs, path: &Path) -> Result<serde_json::Value> {
    let mut ck = Checkpoint::from_json(&read_text(path, MAX_CHECKPOINT_BYTES)?)?;
    if let Some(notice) = ck.notice() {
        eprintln!("notice: {notice}");
    }
    let task = ck.config.task;
    let preset = Preset::likely(ck.preset.as_deref(), task, &ck.params).name;
    let s = &ck.config.schedule;
    let keeps = |flag: &str, given: Option<String>, has: String| match given {
        Some(g) if g != has => Err(Error::param(
            flag,
            format!("{g} with --load"),
            format!("the checkpoint's {has} (leave the flag out): a checkpoint keeps its run"),
        )),
        _ => Ok(()),
    };
    keeps("--preset", a.preset.clone(), preset.clone())?;
    keeps(
        "--engine",
        a.engine.map(|e| e.name().to_string()),
        ck.config.engine.name().to_string(),
    )?;
    keeps(
        "--seed",
        a.seed.map(|x| x.to_string()),
        ck.config.seed.to_string(),
    )?;
    keeps(
        "--train-size",
        a.train_size.map(|x| x.to_string()),
        s.train_size.to_string(),
    )?;
    keeps(
        "--val-size",
        a.val_size.map(|x| x.to_string()),
        s.val_size.to_string(),
    )?;
    keeps(
        "--test-size",
        a.test_size.map(|x| x.to_string()),
        s.test_size.to_string(),
    )?;
    if let Some(text) = &a.eta_decay {
        if parse_decay(text)? != s.eta_decay {
            return Err(Error::param(
                "--eta-decay",
                format!("{text} with --load"),
                "the checkpoint's (leave the flag out): a checkpoint keeps its run",
            ));
        }
    }
    if a.config.is_some() {
        return Err(Error::param(
            "--config",
            "with --load",
            "none: the checkpoint holds its run's parameters",
        ));
    }
    if a.arith.any() {
        return Err(Error::param(
            format!("--arith/{CHIP_FLAGS}"),
            "with --load",
            "none: a checkpoint keeps the number formats of its run",
        ));
    }
    if let Some(n) = a.epochs {
        // The run has finished ck.epoch epochs and ck.pos patterns of the next.
        let least = ck.epoch + usize::from(ck.pos > 0);
        if n < least {
            return Err(Error::param(
                "--epochs",
                n,
                format!(
                    "{least} or more: the checkpoint is at epoch {} pattern {} (--epochs counts \
                     the whole run)",
                    ck.epoch, ck.pos
                ),
            ));
        }
        ck.config.schedule.epochs = n;
    }
    if let Some(n) = a.val_every {
        // Validation does not change the trajectory, so this one is applied.
        ck.config.val_every = n;
    }
    let mnist = mnist_for(&a, task, &preset)?;
    // A run on a file of the user's continues on the same file, never on the
    // task's data in its place.
    let sets = match (&ck.data, &a.data) {
        (Some(_), Some(path)) => read_points(path)?.splits(ck.config.seed)?,
        (None, None) => data::splits_for(task, &ck.config.schedule, &ck.params, mnist)?,
        (Some(name), None) => {
            return Err(Error::param(
                "--data",
                "missing with --load",
                format!("the file the run trained on ({name}): give --data FILE again"),
            ));
        }
        (None, Some(path)) => {
            return Err(Error::param(
                "--data",
                path.display().to_string(),
                "none: the checkpoint's run trained on its task's data",
            ));
        }
    };
    let data = ck.data.clone();
    let trainer = Trainer::from_checkpoint(ck, sets)?;
    if trainer.is_done() {
        eprintln!(
            "notice: the checkpoint's {} epochs are done; it is tested again \
             (--epochs N continues it to N epochs)",
            trainer.config().schedule.epochs
        );
    }
    let saving = Saving {
        path: a.save.as_deref(),
        every: a.checkpoint_every,
        preset: &preset,
        data,
    };
    run_single(trainer, &saving)
}

/// One run with a progress bar, saved as it goes and at the end.
fn run_single(mut trainer: Trainer, saving: &Saving) -> Result<serde_json::Value> {
    let label = format!("{} {:?}", saving.preset, trainer.config().engine);
    let bar = super::progress::bar(trainer.total_patterns(), &label);
    bar.set_position(trainer.progress().patterns);
    let mut out = train_one(&mut trainer, saving, |p, msg| {
        bar.set_position(p);
        if let Some(m) = msg {
            bar.set_message(format!("{label} {m}"));
        }
    })?;
    bar.finish_and_clear();
    saving.write(&trainer)?;
    out["preset"] = json!(saving.preset);
    Ok(out)
}

/// Trains one run to the end, writing a checkpoint every `saving.every` patterns,
/// and returns its results as JSON; `progress` gets the patterns seen and, after
/// a validation, a short summary.
fn train_one(
    trainer: &mut Trainer,
    saving: &Saving,
    mut progress: impl FnMut(u64, Option<String>),
) -> Result<serde_json::Value> {
    let start = Instant::now();
    while !trainer.is_done() {
        let p = trainer.progress().patterns;
        // Chunks end on the checkpoint points, so the files land exactly there.
        let chunk = saving.every.map_or(100, |n| (n - p % n).min(100));
        let out = trainer.run(chunk as usize)?;
        let msg = out.validations.last().map(|m| {
            let acc = m
                .accuracy
                .map(|a| format!(" acc {:.2} %", 100.0 * a))
                .unwrap_or_default();
            format!("epoch {} val mse {:.4}{acc}", out.progress.epoch, m.mse)
        });
        progress(out.progress.patterns, msg);
        if saving.every.is_some_and(|n| out.progress.patterns % n == 0) && !trainer.is_done() {
            saving.write(trainer)?;
        }
    }
    let test = trainer.test()?;
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
        // The page shows the same (decimal, as text: JSON readers use doubles).
        "checksum": trainer.engine().network().checksum().to_string(),
    });
    if let Some(acc) = test.accuracy {
        out["test_accuracy"] = json!(acc);
        out["test_confusion"] = json!(test.confusion);
    }
    Ok(out)
}
