//! What a point produced ([`Outcome`], one kind per figure) and the result line
//! that holds it ([`Record`]): writing, parsing, checking and merging lines.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::experiments::point::{Experiment, Point};

/// Format name and version of a result line; the parser refuses anything else.
pub const FORMAT: &str = "microcircuit-sweep";
pub const VERSION: u32 = 1;

/// What a point produced; one variant per kind of figure, written as
/// `{"kind": "accuracy", "data": {...}}` and read by way of [`Tagged`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "data",
    rename_all = "snake_case",
    try_from = "Tagged"
)]
pub enum Outcome {
    Mimic(MimicOutcome),
    Deviation(DeviationOutcome),
    Accuracy(AccuracyOutcome),
    Curve(CurveOutcome),
    Alignment(AlignmentOutcome),
}

/// An outcome as read: its kind, then its data read into the kind's type. The
/// derived reader of the tagged enum compiled all five types twice (tag first, and
/// data buffered until the tag), 45 kB of the wasm. The errors are the derive's:
/// an unknown kind at `outcome.kind`, a bad data field at `outcome`.
#[derive(Deserialize)]
#[serde(expecting = "adjacently tagged enum Outcome")]
struct Tagged {
    kind: Kind,
    data: Value,
}

#[derive(Clone, Copy)]
enum Kind {
    Mimic,
    Deviation,
    Accuracy,
    Curve,
    Alignment,
}
crate::json::unit_enum!(Kind: "Kind",
    Mimic = "mimic", Deviation = "deviation", Accuracy = "accuracy", Curve = "curve",
    Alignment = "alignment",
);

impl TryFrom<Tagged> for Outcome {
    type Error = serde_json::Error;

    fn try_from(t: Tagged) -> std::result::Result<Self, Self::Error> {
        use serde_json::from_value as data;
        Ok(match t.kind {
            Kind::Mimic => Outcome::Mimic(data(t.data)?),
            Kind::Deviation => Outcome::Deviation(data(t.data)?),
            Kind::Accuracy => Outcome::Accuracy(data(t.data)?),
            Kind::Curve => Outcome::Curve(data(t.data)?),
            Kind::Alignment => Outcome::Alignment(data(t.data)?),
        })
    }
}

impl Outcome {
    fn kind(&self) -> &'static str {
        match self {
            Outcome::Mimic(_) => "mimic",
            Outcome::Deviation(_) => "deviation",
            Outcome::Accuracy(_) => "accuracy",
            Outcome::Curve(_) => "curve",
            Outcome::Alignment(_) => "alignment",
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
            Outcome::Alignment(a) => {
                same_len("val_mse", a.patterns.len(), a.val_mse.len())?;
                a.test_accuracy
                    .map_or(Ok(()), |x| fraction("test_accuracy", x))?;
                a.check()
            }
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
            Experiment::Alignment => "alignment",
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

/// Output potentials of a few evaluation patterns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trace {
    /// Time since the first pattern's onset, ms (end of each pattern for SteadNet).
    pub t_ms: Vec<f64>,
    /// `outputs[j][row]`: u_N of output neuron j.
    pub outputs: Vec<Vec<f64>>,
    /// `targets[j][pattern]`: the teacher's output for each pattern.
    pub targets: Vec<Vec<f64>>,
    pub t_pattern: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MimicOutcome {
    /// Training patterns at each checkpoint.
    pub patterns: Vec<u64>,
    pub val_mse: Vec<f64>,
    /// Mean |v_A| over the hidden neurons at the end of validation patterns.
    pub apical: Vec<f64>,
    /// `‖W^ip − W^ip_SPS‖`.
    pub d_ip: Vec<f64>,
    /// `‖W^pi + W^down‖`.
    pub d_pi: Vec<f64>,
    pub test_mse: f64,
    pub before: Trace,
    pub after: Trace,
}

/// Deviation of SteadNet from PyraLNet along a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationOutcome {
    /// Patterns presented when each deviation was measured.
    pub patterns: Vec<u64>,
    /// Relative RMS deviation at those points.
    pub rel_rms: Vec<f64>,
    /// Mean of `rel_rms`.
    pub mean: f64,
}

/// The outcome of one training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccuracyOutcome {
    /// Fraction of the test set classified right; absent when the run diverged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub val_accuracy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_mse: Option<f64>,
    /// Training patterns seen.
    pub patterns: u64,
    /// Why the run stopped early, if it diverged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverged: Option<String>,
}

/// A validation curve and the final test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurveOutcome {
    pub patterns: Vec<u64>,
    pub val_accuracy: Vec<f64>,
    pub val_mse: Vec<f64>,
    pub test_accuracy: f64,
    pub test_mse: f64,
}

/// Parses one result line; a malformed line is refused with the reason.
pub fn parse_line(line: &str) -> Result<Record> {
    let what = || "result line".to_string();
    let r: Record = crate::json::from_str(line.trim_end_matches('\r'), &what())?;
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

/// What one point of the alignment experiment produced
/// ([`crate::experiments::alignment`]). Angles are per hidden layer and validation,
/// `[layer][validation]`; −1 where an angle is undefined (a zero update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentOutcome {
    pub patterns: Vec<u64>,
    /// Validation accuracy (classification; empty for the mimic task).
    pub val_accuracy: Vec<f64>,
    pub val_mse: Vec<f64>,
    /// Classification only (left out for the mimic task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    pub test_mse: f64,
    pub micro_vs_backprop_deg: Vec<Vec<f64>>,
    pub micro_vs_fa_deg: Vec<Vec<f64>>,
    pub fa_vs_backprop_deg: Vec<Vec<f64>>,
    pub w_down_vs_w_up_t_deg: Vec<Vec<f64>>,
}

impl AlignmentOutcome {
    /// Every angle in [0, 180] or −1, one per validation.
    pub fn check(&self) -> std::result::Result<(), String> {
        let n = self.patterns.len();
        for series in self.series() {
            for layer in series {
                if layer.len() != n {
                    return Err(format!("{} angles for {n} validations", layer.len()));
                }
                if let Some(a) = layer
                    .iter()
                    .find(|&&a| a != -1.0 && !(0.0..=180.0).contains(&a))
                {
                    return Err(format!("angle {a}: expected 0..=180 degrees (or -1)"));
                }
            }
        }
        Ok(())
    }

    fn series(&self) -> [&Vec<Vec<f64>>; 4] {
        [
            &self.micro_vs_backprop_deg,
            &self.micro_vs_fa_deg,
            &self.fa_vs_backprop_deg,
            &self.w_down_vs_w_up_t_deg,
        ]
    }

    /// The headline: test accuracy, or the test MSE for the mimic task.
    pub fn headline(&self) -> (&'static str, f64) {
        match self.test_accuracy {
            Some(a) => ("test accuracy", a),
            None => ("test MSE after training", self.test_mse),
        }
    }
}
