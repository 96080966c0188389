//! The properties every parser of outside data must have, shared by the property
//! tests (`tests/fuzz_props.rs`), the regression inputs (`tests/data/fuzz/`) and the
//! cargo-fuzz targets (`fuzz/`, which includes this file by path).
//!
//! For any input a parser either accepts it, and then the result is valid and
//! survives a round trip through the matching writer, or refuses it with one of
//! the crate's named errors whose message is not empty. It never panics.
//!
//! A new target is one function `check_<name>(&[u8])` here, one entry in
//! [`TARGETS`] and one file `fuzz/fuzz_targets/<name>.rs` (plus its `[[bin]]`
//! stanza in `fuzz/Cargo.toml`).

#![allow(dead_code)]

use microcircuit::Error;
use microcircuit::app::url;
use microcircuit::charts::{confusion::Confusion, curves::Curves};
use microcircuit::data::mnist;
use microcircuit::data::{Dataset, Splits, Targets};
use microcircuit::experiments;
use microcircuit::model::network::Network;
use microcircuit::model::params::Params;
use microcircuit::train::{Checkpoint, Trainer};

/// A property check of one parser: panics when the property fails.
pub type Check = fn(&[u8]);

/// Every target: its name (the directory of its regression inputs under
/// `tests/data/fuzz/` and the cargo-fuzz target of the same name) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("config_json", check_config_json),
    ("checkpoint_json", check_checkpoint_json),
    ("url_state", check_url_state),
    ("idx", check_idx),
    ("sweep_lines", check_sweep_lines),
];

/// A refusal must be one of the crate's errors with a message a user can act on.
fn refused(what: &str, e: &Error) {
    let msg = e.to_string();
    assert!(
        msg.len() > 10,
        "{what}: error without a useful message: {e:?}"
    );
}

/// Text of the input: the bytes as UTF-8 if they are, else their lossy reading
/// (the page and the CLI only ever hand over text).
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `Params::from_json`: accepted parameters are valid and read back the same.
pub fn check_config_json(data: &[u8]) {
    match Params::from_json(&text(data)) {
        Ok(p) => {
            p.validate().expect("from_json returned invalid parameters");
            let again = serde_json::to_string(&p).expect("parameters serialise");
            assert_eq!(Params::from_json(&again).expect("round trip"), p);
        }
        Err(e) => refused("config", &e),
    }
}

/// `Checkpoint::from_json`: an accepted checkpoint builds a network (what resuming
/// does) and its JSON reads back the same.
pub fn check_checkpoint_json(data: &[u8]) {
    match Checkpoint::from_json(&text(data)) {
        Ok(ck) => {
            Network::from_weights(
                ck.params.clone(),
                ck.weights.clone(),
                Some(ck.deltas.clone()),
            )
            .expect("an accepted checkpoint builds its network");
            let back = Checkpoint::from_json(&ck.to_json()).expect("round trip");
            assert_eq!(back.to_json(), ck.to_json());
            draw_history(&ck);
            resume_and_step(ck);
        }
        Err(e) => refused("checkpoint", &e),
    }
}

/// Draws an accepted checkpoint's history as the page does (curves, and the last
/// confusion matrix), here with the SVG backend.
fn draw_history(ck: &Checkpoint) {
    use plotters::prelude::*;
    let s = &ck.config.schedule;
    let total = (s.train_size as u64).saturating_mul(s.epochs as u64);
    let curves = Curves::new(&ck.history, None, total, "yin_yang");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (320, 200)).into_drawing_area();
        let _ = curves.draw(&root);
    }
    if let Some(counts) = ck.history.last().and_then(|m| m.confusion.clone()) {
        let labels = (0..counts.len()).map(|i| i.to_string()).collect();
        let c = Confusion::new(counts, labels);
        let root = SVGBackend::with_string(&mut svg, (320, 200)).into_drawing_area();
        let _ = c.draw(&root);
    }
}

/// Resumes an accepted checkpoint on synthetic data of its shapes and schedule
/// (what the CLI and the page do with real data) and trains a few patterns: a
/// refusal or a divergence is fine, a panic is not.
fn resume_and_step(ck: Checkpoint) {
    let p = &ck.params;
    let (n_in, n_out) = (p.layers[0], p.layers[p.n_layers()]);
    let n = ck.config.schedule.train_size;
    // Large schedules (or networks) would only make the target slow.
    if n == 0 || n > 2000 || n_in * n > 1_000_000 || p.n_synapses() > 200_000 {
        return;
    }
    let set = |len: usize, name: &str| Dataset {
        name: name.into(),
        n_inputs: n_in,
        inputs: (0..len * n_in).map(|i| (i % 7) as f32 / 7.0).collect(),
        targets: Targets::Values {
            n_outputs: n_out,
            values: (0..len * n_out).map(|i| (i % 3) as f32 / 3.0).collect(),
        },
    };
    let sets = Splits {
        train: set(n, "train"),
        val: set(3, "val"),
        test: set(3, "test"),
    };
    // Few Euler steps per pattern, so that a long t_pattern does not stall.
    if p.steps_per_pattern() > 5000 {
        return;
    }
    if let Ok(mut t) = Trainer::from_checkpoint(ck, sets) {
        t.set_auto_validate(false);
        let _ = t.run(3);
    }
}

/// `url::parse`: never fails; the configuration it returns is valid, every
/// ignored key has a reason, and the canonical hash reads back to it.
pub fn check_url_state(data: &[u8]) {
    let parsed = url::parse(&text(data));
    parsed
        .config
        .validate()
        .expect("parse returned an invalid configuration");
    for i in &parsed.ignored {
        assert!(!i.reason.is_empty(), "ignored without a reason: {i:?}");
    }
    let printed = url::print(&parsed.config);
    let back = url::parse(&printed);
    assert!(back.ignored.is_empty(), "{printed}: {:?}", back.ignored);
    assert_eq!(back.config, parsed.config, "{printed}");
}

/// IDX images and labels, plain or gzip: accepted data has the announced size,
/// rates in [0, 1] and digit labels. The first byte splits the input into an
/// image file and a label file for the paired reader.
pub fn check_idx(data: &[u8]) {
    match mnist::parse_idx_images(data) {
        Ok(im) => {
            assert_eq!(im.rates.len(), im.count * im.rows * im.cols);
            assert!(im.rates.iter().all(|r| (0.0..=1.0).contains(r)));
        }
        Err(e) => refused("IDX images", &e),
    }
    match mnist::parse_idx_labels(data) {
        Ok(labels) => assert!(labels.iter().all(|&l| l < 10)),
        Err(e) => refused("IDX labels", &e),
    }
    if let Some((&cut, rest)) = data.split_first() {
        let cut = usize::from(cut).min(rest.len());
        let (images, labels) = rest.split_at(rest.len() - cut);
        match mnist::dataset_from_idx(images, labels, "fuzz") {
            Ok(set) => {
                assert_eq!(set.inputs.len(), set.len() * set.n_inputs);
                assert!(set.inputs.iter().all(|r| (0.0..=1.0).contains(r)));
            }
            Err(e) => refused("IDX pair", &e),
        }
    }
}

/// Sweep result files (`microcircuit sweep`/`merge`/`plot` and the page's
/// Experiments view read them): accepted records read back the same from their
/// own lines, a truncated tail lies inside the text, and merging, summarising and
/// drawing the accepted records never panics.
pub fn check_sweep_lines(data: &[u8]) {
    let text = text(data);
    match experiments::parse_results(&text, "fuzz.jsonl") {
        Ok(parsed) => {
            if let Some(at) = parsed.truncated_tail {
                assert!(at < text.len() && text.is_char_boundary(at), "tail at {at}");
            }
            for r in &parsed.records {
                let back = experiments::parse_line(&r.to_line()).expect("own line parses");
                assert!(back.same_result(r) && back.key == r.key, "{}", r.to_line());
            }
            let _ = experiments::merge(
                parsed
                    .records
                    .iter()
                    .map(|r| ("fuzz.jsonl".to_string(), r.clone())),
            );
            for r in parsed.records.iter().take(1) {
                let exp = r.point.experiment().expect("checked on parse");
                let _ = experiments::summary(exp, &parsed.records);
                let _ = experiments::svg(exp, &parsed.records);
            }
        }
        Err(e) => refused("sweep lines", &e),
    }
}
