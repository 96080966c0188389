//! `microcircuit train ...`

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde_json::json;

use microcircuit::data::{self, mnist};
use microcircuit::engine::EngineKind;
use microcircuit::params::{Params, Preset, Task};
use microcircuit::train::{Checkpoint, RunConfig, Trainer};
use microcircuit::{Error, Result};

#[derive(Args)]
pub struct TrainArgs {
    /// Preset: mimic, yin_yang, yin_yang_random_init, mnist.
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
    /// JSON object of parameters overriding the preset's (any field of `presets`' params).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write a checkpoint (weights, traces, parameters, position) here at the end.
    #[arg(long)]
    save: Option<PathBuf>,
    /// Resume from a checkpoint (its parameters and schedule replace the preset's).
    #[arg(long)]
    load: Option<PathBuf>,
    /// Directory with the standard MNIST IDX files (optionally .gz) instead of the
    /// embedded subset.
    #[arg(long)]
    mnist_dir: Option<PathBuf>,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::data(path.display().to_string(), e.to_string()))
}

fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?)
        .map_err(|_| Error::data(path.display().to_string(), "not UTF-8 text"))
}

/// The preset's parameters with the fields of the JSON object in `path` replaced.
pub fn params_with_overrides(base: &Params, path: &Path) -> Result<Params> {
    let text = read_text(path)?;
    let what = path.display().to_string();
    let json_err = |e: serde_json::Error| Error::Json {
        what: what.clone(),
        reason: e.to_string(),
    };
    let over: serde_json::Value = serde_json::from_str(&text).map_err(json_err)?;
    let serde_json::Value::Object(over) = over else {
        return Err(Error::data(what, "expected a JSON object of parameters"));
    };
    let mut merged = serde_json::to_value(base).map_err(json_err)?;
    if let serde_json::Value::Object(m) = &mut merged {
        for (k, v) in over {
            m.insert(k, v);
        }
    }
    let p: Params = serde_json::from_value(merged).map_err(json_err)?;
    p.validate()?;
    Ok(p)
}

fn mnist_sets(dir: &Path) -> Result<(data::Dataset, data::Dataset)> {
    mnist::mnist_from_files(|name| std::fs::read(dir.join(name)).ok())
}

pub fn run(a: TrainArgs) -> Result<serde_json::Value> {
    let preset = Preset::by_name(&a.preset)?;
    let mut params = preset.params.clone();
    if let Some(path) = &a.config {
        params = params_with_overrides(&params, path)?;
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
        Some(path) => Some(Checkpoint::from_json(&read_text(path)?)?),
        None => None,
    };
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
    let cfg = RunConfig {
        task: preset.task,
        engine: a.engine,
        schedule,
        seed: a.seed,
        val_every: a.val_every,
    };
    let mut trainer = match checkpoint {
        Some(ck) => {
            let sets = data::splits_for(ck.config.task, &ck.config.schedule, &ck.params, mnist)?;
            Trainer::from_checkpoint(ck, sets)?
        }
        None => {
            let sets = data::splits_for(cfg.task, &cfg.schedule, &params, mnist)?;
            Trainer::new(params, sets, cfg)?
        }
    };
    let bar = super::progress(
        trainer.total_patterns(),
        &format!("{} {:?}", preset.name, trainer.config().engine),
    );
    bar.set_position(trainer.progress().patterns);
    let start = Instant::now();
    let test = trainer.run_to_end(100, |out| {
        bar.set_position(out.progress.patterns);
        if let Some(m) = out.validations.last() {
            let acc = m
                .accuracy
                .map(|a| format!(" acc {:.2} %", 100.0 * a))
                .unwrap_or_default();
            bar.set_message(format!(
                "epoch {} val mse {:.4}{acc}",
                out.progress.epoch, m.mse
            ));
        }
    })?;
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    if let Some(path) = &a.save {
        std::fs::write(path, trainer.checkpoint().to_json())
            .map_err(|e| Error::data(path.display().to_string(), e.to_string()))?;
    }
    let mut out = json!({
        "preset": preset.name,
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
