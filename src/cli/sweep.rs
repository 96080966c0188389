//! `microcircuit sweep|plot|merge`: the named experiments of
//! [`microcircuit::experiments`] on all cores, on a Slurm cluster, and their figures.
//!
//! A result file holds one JSON line per finished point. `sweep` appends each line
//! as soon as its point is done (one `write` of the whole line, then a flush), so
//! an interrupted sweep loses at most the points that were running; on the next
//! start it skips the keys already in the file and cuts off a half-written last
//! line. A point that runs long saves a checkpoint every `--checkpoint-secs`
//! (`<out>.points/`), so one cut off by a time limit or Ctrl-C continues from
//! there on the next start and gives the same line.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Args;
use rayon::prelude::*;
use serde_json::json;

use microcircuit::experiments::{self, Experiment, Outcome, Point, Record, Resume, Scale};
use microcircuit::train::{Checkpoint, Trainer};
use microcircuit::{EngineKind, Error, Result};

#[derive(Args)]
pub struct SweepArgs {
    /// Experiment: mimic, steady-state, yinyang-lag, yinyang-tau0, yinyang-tauw, mnist,
    /// alignment.
    experiment: Experiment,
    /// Seeds 1..=N of every point.
    #[arg(long, default_value_t = 5)]
    seeds: usize,
    /// Result file (JSON lines); points already in it are skipped.
    #[arg(long, default_value = "results.jsonl")]
    out: PathBuf,
    /// Small points (seconds each) for tests and CI instead of the seed's schedules.
    #[arg(long, conflicts_with = "short")]
    quick: bool,
    /// The shortest schedules that still show the effect (Yin-Yang sweeps; the
    /// page's default): SteadNet at full length, PyraLNet 3 epochs of 3000.
    #[arg(long)]
    short: bool,
    /// Run only the I-th of N disjoint parts of the points (0 <= I < N).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Only the points of this engine (points that name one).
    #[arg(long)]
    engine: Option<EngineKind>,
    /// Only points whose key contains this text (repeatable: all must match),
    /// e.g. `--match t_pattern=100.0 --match reset_deltas=false`.
    #[arg(long = "match", value_name = "TEXT")]
    matches: Vec<String>,
    /// Print the points (key, done or pending) instead of running them.
    #[arg(long)]
    list: bool,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long)]
    threads: Option<usize>,
    /// A running point saves a checkpoint this often (seconds; 0: never) in
    /// `<out>.points/`, and a point cut off continues from it.
    #[arg(long, default_value_t = 60.0)]
    checkpoint_secs: f64,
    /// Write an sbatch array script that runs this sweep as N shards (--shards) on
    /// a Slurm cluster, one array task per shard, instead of running it.
    #[arg(long, value_name = "FILE")]
    emit_slurm: Option<PathBuf>,
    /// Number of shards (array tasks) of --emit-slurm.
    #[arg(long, default_value_t = 4)]
    shards: usize,
    /// CPUs per array task of --emit-slurm.
    #[arg(long, default_value_t = 1)]
    cpus_per_task: usize,
    /// Time limit per array task of --emit-slurm (sbatch --time).
    #[arg(long, default_value = "24:00:00")]
    time: String,
}

#[derive(Args)]
pub struct PlotArgs {
    experiment: Experiment,
    /// Result files (JSON lines).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Figure file: .svg, or .png (rendered from the SVG with the system's fonts).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct MergeArgs {
    /// Result files to join.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The joined file (one line per key, in key order).
    #[arg(long)]
    out: PathBuf,
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::data(path.display().to_string(), e.to_string())
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    String::from_utf8(bytes).map_err(|_| io_err(path, "not UTF-8 text"))
}

/// The records of an existing result file (none if it does not exist). A
/// half-written last line is cut off the file when `repair`, else skipped.
fn load(path: &Path, repair: bool) -> Result<(Vec<Record>, Option<usize>)> {
    if !path.exists() {
        return Ok((Vec::new(), None));
    }
    let text = read_text(path)?;
    let parsed = experiments::parse_results(&text, &path.display().to_string())?;
    if let Some(at) = parsed.truncated_tail {
        eprintln!(
            "{}: the last line is incomplete (an interrupted run?): {}",
            path.display(),
            if repair {
                "cut off, its point runs again"
            } else {
                "skipped"
            }
        );
        if repair {
            let f = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| io_err(path, e))?;
            f.set_len(at as u64).map_err(|e| io_err(path, e))?;
        }
    } else if repair && !text.is_empty() && !text.ends_with('\n') {
        // A complete last line without its newline: end it before appending.
        let mut f = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| io_err(path, e))?;
        f.write_all(b"\n").map_err(|e| io_err(path, e))?;
    }
    Ok((parsed.records, parsed.truncated_tail))
}

/// The points the arguments select (experiment, scale, seeds, filters, shard).
fn selected(a: &SweepArgs) -> Result<Vec<Point>> {
    let scale = if a.quick {
        Scale::Quick
    } else if a.short {
        Scale::Short
    } else {
        Scale::Full
    };
    let mut pts = experiments::points(a.experiment, scale, a.seeds)?;
    if let Some(e) = a.engine {
        pts.retain(|p| p.engine() == Some(e));
    }
    pts.retain(|p| {
        let k = p.key();
        a.matches.iter().all(|m| k.contains(m.as_str()))
    });
    if let Some(s) = &a.shard {
        let (i, n) = experiments::parse_shard(s)?;
        pts = experiments::shard(pts, i, n)?;
    }
    Ok(pts)
}

pub fn sweep(a: SweepArgs) -> Result<serde_json::Value> {
    if let Some(script) = &a.emit_slurm {
        return emit_slurm(&a, script);
    }
    let pts = selected(&a)?;
    let (done, _) = load(&a.out, !a.list)?;
    let done: BTreeSet<String> = experiments::keys(&done);
    let pending: Vec<Point> = pts
        .iter()
        .filter(|p| !done.contains(&p.key()))
        .cloned()
        .collect();
    if a.list {
        let list: Vec<_> = pts
            .iter()
            .map(|p| json!({"key": p.key(), "done": done.contains(&p.key())}))
            .collect();
        return Ok(json!({
            "experiment": a.experiment.name(),
            "points": pts.len(),
            "pending": pending.len(),
            "list": list,
        }));
    }
    if let Some(parent) = a.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&a.out)
        .map_err(|e| io_err(&a.out, e))?;
    let file = Mutex::new(file);
    let threads = a.threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::data("thread pool", e.to_string()))?;
    let bar = super::progress::bar(
        pending.len() as u64,
        &format!("{} ({} of {})", a.experiment, pending.len(), pts.len()),
    );
    let start = Instant::now();
    let points = PointFiles::new(&a.out, a.checkpoint_secs)?;
    let failures: Mutex<Vec<serde_json::Value>> = Mutex::new(Vec::new());
    let write_err: Mutex<Option<Error>> = Mutex::new(None);
    pool.install(|| {
        pending.par_iter().for_each(|p| {
            let t0 = Instant::now();
            match points.run(p) {
                Ok(outcome) => {
                    let rec = Record::new(p.clone(), outcome, t0.elapsed().as_secs_f64());
                    let line = format!("{}\n", rec.to_line());
                    let res = file
                        .lock()
                        .map_err(|_| io_err(&a.out, "lock poisoned"))
                        .and_then(|mut f| {
                            f.write_all(line.as_bytes())
                                .and_then(|_| f.flush())
                                .map_err(|e| io_err(&a.out, e))
                        });
                    match res {
                        Ok(()) => points.done(p),
                        Err(e) => {
                            if let Ok(mut w) = write_err.lock() {
                                w.get_or_insert(e);
                            }
                        }
                    }
                }
                Err(e) => {
                    bar.println(format!("{}: {e}", p.key()));
                    if let Ok(mut f) = failures.lock() {
                        f.push(json!({"key": p.key(), "error": e.to_string()}));
                    }
                }
            }
            bar.inc(1);
        });
    });
    bar.finish_and_clear();
    // Only if empty: checkpoints of failed points stay for the next start.
    std::fs::remove_dir(&points.dir).ok();
    if let Some(e) = write_err.into_inner().ok().flatten() {
        return Err(e);
    }
    let failures = failures.into_inner().unwrap_or_default();
    let out = json!({
        "experiment": a.experiment.name(),
        "out": a.out.display().to_string(),
        "points": pts.len(),
        "already_done": pts.len() - pending.len(),
        "ran": pending.len() - failures.len(),
        "failed": failures,
        "threads": threads,
        "seconds": start.elapsed().as_secs_f64(),
    });
    if !out["failed"].as_array().is_some_and(Vec::is_empty) {
        eprintln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Err(Error::data(
            "sweep",
            format!(
                "{} point(s) failed (their lines were not written; run again to retry)",
                out["failed"].as_array().map_or(0, Vec::len)
            ),
        ));
    }
    Ok(out)
}

/// The checkpoints of the points in progress, one file per point in
/// `<out>.points/`, removed once the point's line is written.
struct PointFiles {
    dir: PathBuf,
    every: Option<Duration>,
}

impl PointFiles {
    fn new(out: &Path, secs: f64) -> Result<Self> {
        if !(secs.is_finite() && secs >= 0.0) {
            return Err(Error::param(
                "--checkpoint-secs",
                secs,
                "0 (never) or more seconds",
            ));
        }
        let mut dir = out.as_os_str().to_owned();
        dir.push(".points");
        let dir = PathBuf::from(dir);
        if secs > 0.0 {
            std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        }
        Ok(PointFiles {
            dir,
            every: (secs > 0.0).then(|| Duration::from_secs_f64(secs)),
        })
    }

    /// A file name from the key (FNV-1a): keys hold `/`, `=` and `,`. A clash
    /// is harmless: a checkpoint of another run is not resumed (Resume::trainer).
    fn path(&self, p: &Point) -> PathBuf {
        let h = (p.key().bytes()).fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        self.dir.join(format!("{h:016x}.json"))
    }

    /// Runs `p`, from its checkpoint if a run of it was cut off.
    fn run(&self, p: &Point) -> Result<Outcome> {
        let Some(every) = self.every else {
            return experiments::run_point(p);
        };
        let path = self.path(p);
        let from = std::fs::read_to_string(&path).ok().and_then(|text| {
            Checkpoint::from_json(&text)
                .map_err(|e| eprintln!("{}: {e}; the point starts again", path.display()))
                .ok()
        });
        if let Some(ck) = &from {
            eprintln!("{}: continues from pattern {}", p.key(), ck.patterns);
        }
        let mut last = Instant::now();
        let mut save = |t: &Trainer| -> Result<()> {
            if last.elapsed() >= every && !t.is_done() {
                t.checkpoint().write_atomic(&path)?;
                last = Instant::now();
            }
            Ok(())
        };
        let mut resume = Resume {
            from,
            save: Some(&mut save),
        };
        experiments::run_point_with(p, &mut resume)
    }

    /// The point's line is written: its checkpoint is no longer needed.
    fn done(&self, p: &Point) {
        let path = self.path(p);
        std::fs::remove_file(Checkpoint::temp_path(&path)).ok();
        std::fs::remove_file(path).ok();
    }
}

/// Quotes a word for a POSIX shell.
fn sh(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| io_err(p, e))?;
    Ok(cwd.join(p))
}

/// Writes the sbatch array script of the sweep (one array task per shard).
fn emit_slurm(a: &SweepArgs, script: &Path) -> Result<serde_json::Value> {
    if a.shards == 0 || a.shards > 10_000 {
        return Err(Error::param("--shards", a.shards, "1..=10000"));
    }
    if a.shard.is_some() {
        return Err(Error::param(
            "--shard",
            a.shard.clone().unwrap_or_default(),
            "not with --emit-slurm (the script picks each task's shard)",
        ));
    }
    if a.cpus_per_task == 0 || a.cpus_per_task > 1024 {
        return Err(Error::param("--cpus-per-task", a.cpus_per_task, "1..=1024"));
    }
    let total = selected(a)?.len();
    let exe = std::env::current_exe().map_err(|e| io_err(Path::new("microcircuit"), e))?;
    let out = absolute(&a.out)?;
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "results".into());
    let dir = out.parent().map(Path::to_path_buf).unwrap_or_default();
    let shard_file = |id: &str| dir.join(format!("{stem}.shard-{id}.jsonl"));
    let mut args = vec![
        "sweep".to_string(),
        a.experiment.name().to_string(),
        "--seeds".into(),
        a.seeds.to_string(),
    ];
    if a.quick {
        args.push("--quick".into());
    }
    if a.short {
        args.push("--short".into());
    }
    if let Some(e) = a.engine {
        args.push("--engine".into());
        args.push(format!("{e:?}").to_lowercase());
    }
    for m in &a.matches {
        args.push("--match".into());
        args.push(m.clone());
    }
    let args: Vec<String> = args.iter().map(|s| sh(s)).collect();
    let n = a.shards;
    let job = format!("mc-{}", a.experiment.name());
    let prefix = dir.join(format!("{stem}.shard-"));
    let shard_out = format!("{}\"$id\".jsonl", sh(&prefix.display().to_string()));
    let text = format!(
        r#"#!/bin/bash
# Slurm array job written by `microcircuit sweep {exp} --emit-slurm`: {total} points
# in {n} shards, one array task per shard. Submit with `sbatch {script_name}`.
# Each task appends to its own file (resumable: resubmitting skips finished
# points); join them afterwards with
#   microcircuit merge {shards_glob} --out {out}
#SBATCH --job-name={job}
#SBATCH --array=0-{last}
#SBATCH --cpus-per-task={cpus}
#SBATCH --time={time}
#SBATCH --output={log}
set -euo pipefail
MICROCIRCUIT=${{MICROCIRCUIT:-{exe}}}
export RAYON_NUM_THREADS=${{SLURM_CPUS_PER_TASK:-{cpus}}}
id=${{SLURM_ARRAY_TASK_ID:?run this script with sbatch (an array task)}}
exec "$MICROCIRCUIT" {args} --shard "$id/{n}" --out {shard_out}
"#,
        exp = a.experiment.name(),
        script_name = sh(&script.display().to_string()),
        shards_glob = sh(&shard_file("*").display().to_string()).replace("'*'", "*"),
        out = sh(&out.display().to_string()),
        last = n - 1,
        cpus = a.cpus_per_task,
        time = sh(&a.time),
        log = dir.join(format!("{stem}.shard-%a.log")).display(),
        exe = sh(&exe.display().to_string()),
        args = args.join(" "),
        shard_out = shard_out,
    );
    std::fs::write(script, text).map_err(|e| io_err(script, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(script, std::fs::Permissions::from_mode(0o755));
    }
    Ok(json!({
        "script": script.display().to_string(),
        "experiment": a.experiment.name(),
        "points": total,
        "shards": n,
        "shard_files": shard_file("{0..N-1}").display().to_string(),
    }))
}

pub fn plot(a: PlotArgs) -> Result<serde_json::Value> {
    let mut records = Vec::new();
    for path in &a.inputs {
        let (recs, _) = load(path, false)?;
        records.extend(recs);
    }
    let merged = experiments::merge(records.into_iter().map(|r| (String::from("inputs"), r)))?;
    let records = merged.records;
    let exp = a.experiment;
    let used = experiments::select(exp, &records).len();
    if used == 0 {
        return Err(Error::data(
            "plot",
            format!("no results of experiment {exp} in the input file(s)"),
        ));
    }
    let svg = experiments::svg(exp, &records)?;
    let ext = a
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "svg" => std::fs::write(&a.out, &svg).map_err(|e| io_err(&a.out, e))?,
        "png" => {
            let png = super::png::from_svg(&svg)?;
            std::fs::write(&a.out, png).map_err(|e| io_err(&a.out, e))?
        }
        other => {
            return Err(Error::param(
                "--out",
                format!("{} (extension {other:?})", a.out.display()),
                "a file ending in .svg or .png",
            ));
        }
    }
    Ok(json!({
        "experiment": exp.name(),
        "out": a.out.display().to_string(),
        "records": used,
        "summary": experiments::summary(exp, &records),
    }))
}

pub fn merge(a: MergeArgs) -> Result<serde_json::Value> {
    let mut all = Vec::new();
    let mut skipped = 0;
    for path in &a.inputs {
        let (recs, tail) = load(path, false)?;
        skipped += usize::from(tail.is_some());
        let name = path.display().to_string();
        all.extend(recs.into_iter().map(|r| (name.clone(), r)));
    }
    let read = all.len();
    let merged = experiments::merge(all)?;
    let mut text = String::new();
    for r in &merged.records {
        text.push_str(&r.to_line());
        text.push('\n');
    }
    // Write beside the target and rename, so a failed write never leaves half a file.
    let tmp = a.out.with_extension("jsonl.tmp");
    let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| io_err(&tmp, e))?;
    std::fs::rename(&tmp, &a.out).map_err(|e| io_err(&a.out, e))?;
    let mut per_exp = std::collections::BTreeMap::<String, usize>::new();
    for r in &merged.records {
        *per_exp.entry(r.point.experiment.clone()).or_default() += 1;
    }
    Ok(json!({
        "out": a.out.display().to_string(),
        "inputs": a.inputs.len(),
        "lines_read": read,
        "records": merged.records.len(),
        "duplicates": merged.duplicates,
        "truncated_lines_skipped": skipped,
        "per_experiment": per_exp,
    }))
}
