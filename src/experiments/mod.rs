//! Named experiments that reproduce the figures of the seed slides (SPEC §5): each
//! defines its points, runs one point, and draws its figure from result records.
//!
//! A **point** is one run: an experiment, a scale (`quick` for tests and the
//! browser, `full` for the report), the settings it varies and a seed. Its **key**
//! is a canonical string of those, so a sweep can be interrupted, resumed, sharded
//! and merged: a result file holds one JSON line per finished point ([`Record`]),
//! and a point whose key is in the file is done.
//!
//! Every point is deterministic (all randomness from the seeded generator), so a
//! point run on a cluster node gives the same line as one run locally, apart from
//! the wall time `seconds`; [`merge`] relies on this to tell a harmless duplicate
//! from a conflict.
//!
//! No file or clock access here: the CLI (`microcircuit sweep/plot/merge`) and the
//! browser (Web Worker pool) do the I/O and time the points.

pub mod figure;
pub mod mimic;
pub mod mnist;
pub mod steady;
pub mod yinyang;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// Format name and version of a result line; the parser refuses anything else.
pub const FORMAT: &str = "microcircuit-sweep";
pub const VERSION: u32 = 1;

/// Largest number of seeds a sweep may ask for.
pub const MAX_SEEDS: usize = 1000;

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
}

impl Experiment {
    pub const ALL: [Experiment; 6] = [
        Experiment::Mimic,
        Experiment::SteadyState,
        Experiment::YinYangLag,
        Experiment::YinYangTau0,
        Experiment::YinYangTauW,
        Experiment::Mnist,
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
        }
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
        }
    }

    /// Figure size in pixels (width, height).
    pub fn figure_size(self) -> (u32, u32) {
        match self {
            Experiment::Mimic => (1100, 820),
            Experiment::SteadyState => (1700, 820),
            Experiment::YinYangLag => (1100, 460),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Seconds per point: tests, CI, the browser's default.
    Quick,
    /// The seed's schedules (e.g. 45 epochs of 6000 Yin-Yang patterns).
    Full,
}

impl Scale {
    pub fn name(self) -> &'static str {
        match self {
            Scale::Quick => "quick",
            Scale::Full => "full",
        }
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
    pub fn engine(&self) -> Option<crate::EngineKind> {
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

/// What a point produced; one variant per kind of figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Outcome {
    Mimic(mimic::MimicOutcome),
    Deviation(steady::DeviationOutcome),
    Accuracy(yinyang::AccuracyOutcome),
    Curve(mnist::CurveOutcome),
}

impl Outcome {
    fn kind(&self) -> &'static str {
        match self {
            Outcome::Mimic(_) => "mimic",
            Outcome::Deviation(_) => "deviation",
            Outcome::Accuracy(_) => "accuracy",
            Outcome::Curve(_) => "curve",
        }
    }

    /// Every number finite (JSON has no NaN: serde would write `null`).
    fn check(&self) -> std::result::Result<(), String> {
        let v = serde_json::to_value(self).map_err(|e| e.to_string())?;
        fn walk(v: &Value, path: &str) -> std::result::Result<(), String> {
            match v {
                Value::Number(n) if n.as_f64().is_some_and(|x| !x.is_finite()) => {
                    Err(format!("{path} is not finite"))
                }
                Value::Null => Err(format!("{path} is null (a NaN?)")),
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, x)| walk(x, &format!("{path}[{i}]"))),
                Value::Object(o) => o
                    .iter()
                    .try_for_each(|(k, x)| walk(x, &format!("{path}.{k}"))),
                _ => Ok(()),
            }
        }
        walk(&v, "outcome")?;
        let fraction = |name: &str, x: f64| {
            if (0.0..=1.0).contains(&x) {
                Ok(())
            } else {
                Err(format!("{name} = {x}: expected a fraction in [0, 1]"))
            }
        };
        let same_len = |name: &str, a: usize, b: usize| {
            if a == b {
                Ok(())
            } else {
                Err(format!("{name} has {b} values for {a} points"))
            }
        };
        match self {
            Outcome::Accuracy(a) => {
                match (a.test_accuracy, &a.diverged) {
                    (Some(x), None) => fraction("test_accuracy", x)?,
                    (None, Some(_)) => {}
                    _ => {
                        return Err(
                            "an accuracy outcome needs exactly one of test_accuracy and diverged"
                                .into(),
                        );
                    }
                }
                a.val_accuracy
                    .map_or(Ok(()), |x| fraction("val_accuracy", x))
            }
            Outcome::Curve(c) => {
                same_len("val_accuracy", c.patterns.len(), c.val_accuracy.len())?;
                same_len("val_mse", c.patterns.len(), c.val_mse.len())?;
                c.val_accuracy
                    .iter()
                    .chain([&c.test_accuracy])
                    .try_for_each(|&x| fraction("accuracy", x))
            }
            Outcome::Deviation(d) => same_len("rel_rms", d.patterns.len(), d.rel_rms.len()),
            Outcome::Mimic(m) => {
                let n = m.patterns.len();
                same_len("val_mse", n, m.val_mse.len())?;
                same_len("apical", n, m.apical.len())?;
                same_len("d_ip", n, m.d_ip.len())?;
                same_len("d_pi", n, m.d_pi.len())
            }
        }
    }
}

/// One finished point: a line of a result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub format: String,
    pub version: u32,
    pub key: String,
    pub point: Point,
    pub outcome: Outcome,
    /// Wall time of the point, s (the one field that differs between machines).
    pub seconds: f64,
    /// The code that ran the point ([`CODE`]); absent in lines written before it
    /// was recorded. Two codes may give different bits for the same point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// This build's code version: crate version and git commit (`+dirty` when `src/`
/// had uncommitted changes), set by `build.rs`.
pub const CODE: &str = env!("MICROCIRCUIT_CODE");

impl Record {
    pub fn new(point: Point, outcome: Outcome, seconds: f64) -> Self {
        Record {
            format: FORMAT.into(),
            version: VERSION,
            key: point.key(),
            point,
            outcome,
            seconds,
            code: Some(CODE.into()),
        }
    }

    /// The record as one JSON line (without the newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether two records hold the same result (the wall time aside).
    pub fn same_result(&self, other: &Record) -> bool {
        self.key == other.key
            && self.point == other.point
            && serde_json::to_value(&self.outcome).ok() == serde_json::to_value(&other.outcome).ok()
    }

    /// Checks what serde cannot: format, version, a known experiment, the key
    /// against the point, the outcome kind against the experiment, finite numbers.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.format != FORMAT {
            return Err(format!("format {:?}, expected {FORMAT:?}", self.format));
        }
        if self.version != VERSION {
            return Err(format!(
                "version {}, this build reads version {VERSION}",
                self.version
            ));
        }
        let exp = self.point.experiment().map_err(|e| e.to_string())?;
        let key = self.point.key();
        if self.key != key {
            return Err(format!(
                "key {:?} does not match its point (expected {key:?})",
                self.key
            ));
        }
        for (k, v) in &self.point.settings {
            let ok = match v {
                Value::Bool(_) => true,
                Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
                Value::String(s) => !s.is_empty() && !s.contains([',', '/', '=']),
                _ => false,
            };
            if !ok || k.is_empty() || k.contains([',', '/', '=']) {
                return Err(format!(
                    "setting {k:?} = {v}: expected a name without , / = and a number, boolean or plain string"
                ));
            }
        }
        let want = match exp {
            Experiment::Mimic => "mimic",
            Experiment::SteadyState => "deviation",
            Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
                "accuracy"
            }
            Experiment::Mnist => "curve",
        };
        if self.outcome.kind() != want {
            return Err(format!(
                "outcome kind {:?} for experiment {exp}, expected {want:?}",
                self.outcome.kind()
            ));
        }
        if !(self.seconds.is_finite() && self.seconds >= 0.0) {
            return Err(format!("seconds = {}: expected >= 0", self.seconds));
        }
        self.outcome.check()
    }
}

/// Parses one result line; a malformed line is refused with the reason.
pub fn parse_line(line: &str) -> Result<Record> {
    let what = || "result line".to_string();
    let r: Record = serde_json::from_str(line.trim_end_matches('\r')).map_err(|e| Error::Json {
        what: what(),
        reason: e.to_string(),
    })?;
    r.check().map_err(|reason| Error::data(what(), reason))?;
    Ok(r)
}

/// The records of a result file's text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    /// A last line without its newline that does not parse: what an interrupted
    /// writer leaves. The byte offset where it starts (truncate the file there).
    pub truncated_tail: Option<usize>,
}

/// Parses a result file. Blank lines are skipped; a malformed line is an error
/// naming `name` and the line number, except an unterminated last line, which is
/// reported in [`Parsed::truncated_tail`] (a complete last line without a newline
/// is accepted).
pub fn parse_results(text: &str, name: &str) -> Result<Parsed> {
    let mut out = Parsed::default();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let terminated = line.ends_with('\n');
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        if body.trim().is_empty() {
            continue;
        }
        match parse_line(body) {
            Ok(r) => out.records.push(r),
            Err(_) if !terminated => out.truncated_tail = Some(start),
            Err(e) => {
                return Err(Error::data(format!("{name} line {}", i + 1), e.to_string()));
            }
        }
    }
    Ok(out)
}

/// The points of `exp` at `scale` with seeds 1..=seeds, in a fixed order.
pub fn points(exp: Experiment, scale: Scale, seeds: usize) -> Result<Vec<Point>> {
    if seeds == 0 || seeds > MAX_SEEDS {
        return Err(Error::param("seeds", seeds, format!("1..={MAX_SEEDS}")));
    }
    let groups: Vec<Settings> = match exp {
        Experiment::Mimic => mimic::settings(scale),
        Experiment::SteadyState => steady::settings(scale),
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            yinyang::settings(exp, scale)
        }
        Experiment::Mnist => mnist::settings(scale),
    };
    let mut out = Vec::with_capacity(groups.len() * seeds);
    for g in groups {
        for seed in 1..=seeds as u64 {
            out.push(Point {
                experiment: exp.name().into(),
                scale,
                settings: g.clone(),
                seed,
            });
        }
    }
    Ok(out)
}

/// Shard `i` of `n` (0-based): every n-th point starting at i, so shards are
/// disjoint, cover all points, and each gets a mix of cheap and costly points.
pub fn shard(points: Vec<Point>, i: usize, n: usize) -> Result<Vec<Point>> {
    if n == 0 || i >= n {
        return Err(Error::param(
            "shard",
            format!("{i}/{n}"),
            "I/N with N >= 1 and 0 <= I < N",
        ));
    }
    Ok(points
        .into_iter()
        .enumerate()
        .filter(|(j, _)| j % n == i)
        .map(|(_, p)| p)
        .collect())
}

/// Parses `I/N` (a shard of a sweep).
pub fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let bad = || {
        Error::param(
            "--shard",
            format!("{s:?}"),
            "I/N with N >= 1 and 0 <= I < N",
        )
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n || n > 100_000 {
        return Err(bad());
    }
    Ok((i, n))
}

/// Runs one point.
pub fn run_point(p: &Point) -> Result<Outcome> {
    match p.experiment()? {
        Experiment::Mimic => mimic::run(p).map(Outcome::Mimic),
        Experiment::SteadyState => steady::run(p).map(Outcome::Deviation),
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            yinyang::run(p).map(Outcome::Accuracy)
        }
        Experiment::Mnist => mnist::run(p).map(Outcome::Curve),
    }
}

/// What [`merge`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Merged {
    /// One record per key, in key order.
    pub records: Vec<Record>,
    /// Keys seen more than once with the same result (kept once).
    pub duplicates: usize,
}

/// Joins records from several sources (`(source name, record)`), one per key.
/// Duplicates with the same result are kept once; the same key with different
/// results is an error listing every such key and its sources.
pub fn merge(inputs: impl IntoIterator<Item = (String, Record)>) -> Result<Merged> {
    let mut by_key: BTreeMap<String, (String, Record)> = BTreeMap::new();
    let mut duplicates = 0;
    let mut conflicts = Vec::new();
    for (src, r) in inputs {
        match by_key.get(&r.key) {
            None => {
                by_key.insert(r.key.clone(), (src, r));
            }
            Some((first, old)) => {
                if old.same_result(&r) {
                    duplicates += 1;
                } else {
                    conflicts.push(format!("{} ({first} vs {src})", r.key));
                }
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(Error::data(
            "merge",
            format!(
                "{} key(s) with different results: {}",
                conflicts.len(),
                conflicts.join("; ")
            ),
        ));
    }
    Ok(Merged {
        records: by_key.into_values().map(|(_, r)| r).collect(),
        duplicates,
    })
}

/// The keys of `records`.
pub fn keys(records: &[Record]) -> BTreeSet<String> {
    records.iter().map(|r| r.key.clone()).collect()
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

/// The records of `exp` to draw: those of the full scale if there are any, else
/// the quick ones (a figure never mixes scales).
pub fn select(exp: Experiment, records: &[Record]) -> Vec<&Record> {
    let of = |s: Scale| -> Vec<&Record> {
        records
            .iter()
            .filter(|r| r.point.experiment == exp.name() && r.point.scale == s)
            .collect()
    };
    let full = of(Scale::Full);
    if full.is_empty() {
        of(Scale::Quick)
    } else {
        full
    }
}

/// One row of an experiment's summary table: a group of points differing only in
/// the seed, with the mean and sd of its headline number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub group: String,
    pub settings: Settings,
    pub seeds: Vec<u64>,
    /// What `mean` and `sd` are of.
    pub measure: &'static str,
    pub mean: f64,
    pub sd: f64,
    /// Runs that diverged (left out of mean and sd).
    pub diverged: usize,
    /// Wall time of all the group's points, s.
    pub seconds: f64,
}

/// The summary table of `exp` from `records` (see [`select`]).
pub fn summary(exp: Experiment, records: &[Record]) -> Vec<SummaryRow> {
    let mut groups: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in select(exp, records) {
        groups.entry(r.point.group()).or_default().push(r);
    }
    let mut rows: Vec<SummaryRow> = groups
        .into_iter()
        .map(|(group, rs)| {
            let (measure, vals, diverged) = headline(&rs);
            let (mean, sd) = mean_sd(&vals);
            SummaryRow {
                group,
                settings: rs[0].point.settings.clone(),
                seeds: rs.iter().map(|r| r.point.seed).collect(),
                measure,
                mean,
                sd,
                diverged,
                seconds: rs.iter().map(|r| r.seconds).sum(),
            }
        })
        .collect();
    // Numbers in numeric order (learning_lag 2.5 before 10), the rest as text.
    rows.sort_by(|a, b| {
        let order = |v: &Value, w: &Value| match (v.as_f64(), w.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => v.to_string().cmp(&w.to_string()),
        };
        a.settings
            .iter()
            .zip(&b.settings)
            .map(|((ka, va), (kb, vb))| ka.cmp(kb).then_with(|| order(va, vb)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}

fn headline(rs: &[&Record]) -> (&'static str, Vec<f64>, usize) {
    let mut vals = Vec::new();
    let mut diverged = 0;
    let mut measure = "";
    for r in rs {
        match &r.outcome {
            Outcome::Mimic(m) => {
                measure = "test MSE after training";
                vals.push(m.test_mse);
            }
            Outcome::Deviation(d) => {
                measure = "mean relative RMS deviation";
                vals.push(d.mean);
            }
            Outcome::Accuracy(a) => {
                measure = "test accuracy";
                match a.test_accuracy {
                    Some(x) => vals.push(x),
                    None => diverged += 1,
                }
            }
            Outcome::Curve(c) => {
                measure = "test accuracy";
                vals.push(c.test_accuracy);
            }
        }
    }
    (measure, vals, diverged)
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

/// Draws the figure of `exp` from `records` (see [`select`]) on any backend.
pub fn draw<DB: plotters::prelude::DrawingBackend>(
    exp: Experiment,
    records: &[Record],
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    let mut recs = select(exp, records);
    // The Yin-Yang sweeps share one configuration: add the runs of the others
    // that are exactly this sweep's points (see `yinyang::same_run_in`).
    let extra: Vec<Record> = match exp {
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            let have = recs.iter().map(|r| r.key.clone()).collect::<BTreeSet<_>>();
            let scale = recs.first().map(|r| r.point.scale);
            let mut extra: Vec<Record> = records
                .iter()
                .filter_map(|r| yinyang::same_run_in(exp, r))
                .filter(|r| !have.contains(&r.key) && scale.is_none_or(|s| s == r.point.scale))
                .collect();
            extra.sort_by(|a, b| a.key.cmp(&b.key));
            extra.dedup_by(|a, b| a.key == b.key);
            extra
        }
        _ => Vec::new(),
    };
    recs.extend(extra.iter());
    match exp {
        Experiment::Mimic => mimic::draw(&recs, area),
        Experiment::SteadyState => steady::draw(&recs, area),
        Experiment::YinYangLag | Experiment::YinYangTau0 | Experiment::YinYangTauW => {
            yinyang::draw(exp, &recs, area)
        }
        Experiment::Mnist => mnist::draw(&recs, area),
    }
}

/// The figure of `exp` as an SVG document.
pub fn svg(exp: Experiment, records: &[Record]) -> Result<String> {
    use plotters::prelude::*;
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, exp.figure_size()).into_drawing_area();
        draw(exp, records, &area)?;
    }
    Ok(out)
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

#[cfg(test)]
mod tests;
