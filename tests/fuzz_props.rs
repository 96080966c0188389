//! Property tests of every parser that takes outside data (config JSON, checkpoint
//! JSON, URL state, IDX plain and gzip, sweep result lines), and the inputs the
//! fuzzers found, kept as regression tests (`tests/data/fuzz/<target>/`).
//!
//! The properties live in `tests/common/parsers.rs`, shared with the cargo-fuzz
//! targets in `fuzz/`: never a panic; either accepted, valid and unchanged by a
//! round trip, or refused with a named error. The strategies here start from valid
//! inputs and damage them (a field replaced by any JSON value, a cut, a flipped
//! byte) so that most cases get past the first check, which random bytes rarely do.

// proptest is a native dev-dependency; `wasm-pack test` builds every test target.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/parsers.rs"]
mod parsers;

use std::io::Write;

use microcircuit::Network;
use microcircuit::app::config::AppConfig;
use microcircuit::app::url::{param_keys, print};
use microcircuit::model::params::Params;
use microcircuit::model::presets::Preset;
use microcircuit::train::{CHECKPOINT_FORMAT, CHECKPOINT_VERSION, Checkpoint, RunConfig};
use parsers::TARGETS;
use proptest::prelude::*;
use serde_json::Value;

fn config() -> ProptestConfig {
    ProptestConfig {
        // Failures are kept as files under tests/data/fuzz/ instead.
        failure_persistence: None,
        // 1000 cases per property in CI; PROPTEST_CASES=100000 for a long sweep.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000),
        // Shrinking a JSON document can take long; the first failure is enough.
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, numbers from the awkward ranges included.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![
            any::<f64>(),
            -2.0..2.0f64,
            Just(1e39),
            Just(-0.0),
            Just(f64::MAX)
        ]
        .prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every path (object keys, array indices) into `v`.
fn paths(v: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                prefix.push(Value::String(k.clone()));
                paths(c, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                prefix.push(Value::from(i));
                paths(c, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// The value at `path`, if an earlier edit left one there.
fn at<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| match k {
        Value::String(s) => v.get_mut(s.as_str()),
        k => v.get_mut(k.as_u64()? as usize),
    })
}

/// `doc` with up to three of its values (at any depth) replaced, removed or
/// given an extra key, then maybe cut short.
fn damaged(doc: Value) -> impl Strategy<Value = String> {
    let mut all = Vec::new();
    paths(&doc, &mut Vec::new(), &mut all);
    let n = all.len();
    let edit = (0..n, 0..4u8, json_value());
    (
        prop::collection::vec(edit, 1..4),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(move |(edits, cut, do_cut)| {
            let mut v = doc.clone();
            for (i, how, new) in edits {
                let path = &all[i];
                match how {
                    // Replace a value.
                    0 | 1 => {
                        if let Some(x) = at(&mut v, path) {
                            *x = new;
                        }
                    }
                    // Remove a key.
                    2 => {
                        if let Some((Value::String(last), parent)) = path.split_last() {
                            if let Some(o) = at(&mut v, parent).and_then(|x| x.as_object_mut()) {
                                o.remove(last);
                            }
                        }
                    }
                    // Add an unknown key.
                    _ => {
                        if let Some(o) = at(&mut v, path).and_then(|x| x.as_object_mut()) {
                            o.insert("zz_unknown".into(), new);
                        }
                    }
                }
            }
            let text = v.to_string();
            if do_cut {
                let mut end = cut.index(text.len() + 1);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text[..end].to_string()
            } else {
                text
            }
        })
}

/// The first line of the committed τ_w sweep.
fn sweep_line() -> Value {
    let text = include_str!("../results/sweeps/yinyang-tauw.jsonl");
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

fn small_checkpoint() -> Value {
    let p = Params::mimic();
    let net = Network::new(p.clone(), 3).unwrap();
    // A PyraLNet state, so the damage reaches the noise stream and steps too.
    let state =
        microcircuit::model::build(microcircuit::EngineKind::PyraLNet, net.clone(), 3).save_state();
    let ck = Checkpoint {
        format: CHECKPOINT_FORMAT.into(),
        version: CHECKPOINT_VERSION,
        config: RunConfig {
            task: microcircuit::model::presets::Task::Mimic,
            engine: microcircuit::EngineKind::PyraLNet,
            schedule: Preset::by_name("mimic").unwrap().schedule,
            seed: 3,
            val_every: 10,
        },
        params: p,
        weights: net.w.clone(),
        deltas: net.delta.clone(),
        epoch: 0,
        pos: 4,
        patterns: 4,
        history: vec![microcircuit::train::Metrics {
            patterns: 0,
            epoch: 0.0,
            mse: 0.5,
            accuracy: None,
            confusion: None,
            alignment: None,
        }],
        preset: Some("mimic".into()),
        data: None,
        engine_state: Some(state),
    };
    serde_json::to_value(&ck).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn config_json_random_text(s in ".{0,200}") {
        parsers::check_config_json(s.as_bytes());
    }

    #[test]
    fn config_json_damaged(
        text in prop_oneof![
            Just(Params::mimic()), Just(Params::yin_yang()), Just(Params::mnist())
        ].prop_flat_map(|p| damaged(serde_json::to_value(p).unwrap()))
    ) {
        parsers::check_config_json(text.as_bytes());
    }

    #[test]
    fn checkpoint_json_damaged(text in damaged(small_checkpoint())) {
        parsers::check_checkpoint_json(text.as_bytes());
    }

    /// A real result line (SteadNet, τ_w sweep) damaged anywhere, alone or after
    /// a good line, with or without its newline (an interrupted writer).
    #[test]
    fn sweep_lines_damaged(
        text in damaged(sweep_line()),
        before in any::<bool>(),
        newline in any::<bool>(),
    ) {
        let good = serde_json::to_string(&sweep_line()).unwrap();
        let mut file = if before { format!("{good}\n") } else { String::new() };
        file.push_str(&text);
        if newline {
            file.push('\n');
        }
        parsers::check_sweep_lines(file.as_bytes());
    }

    #[test]
    fn url_state_random_text(s in "#?[a-z_=&,.%0-9-]{0,120}") {
        parsers::check_url_state(s.as_bytes());
    }

    #[test]
    fn url_state_known_keys_any_values(
        preset in prop::sample::select(vec!["mimic", "yin_yang", "yin_yang_bss2", "yin_yang_random_init", "mnist", "x"]),
        pairs in prop::collection::vec(
            (
                prop::sample::select(
                    param_keys()
                        .into_iter()
                        .chain(["preset", "engine", "seed", "epochs", "val_every", "embed", "bogus"])
                        .collect::<Vec<_>>()
                ),
                prop_oneof![
                    "-?[0-9]{1,6}(\\.[0-9]{1,4})?(e-?[0-9]{1,2})?",
                    "[0-9]{1,4}(,[0-9]{1,4}){0,4}",
                    "-?[0-9.e]{1,8}(%2C-?[0-9.e]{1,8}){0,3}",
                    ".{0,10}",
                    Just("inf".to_string()),
                    Just("NaN".to_string()),
                    Just("18446744073709551616".to_string()),
                ],
            ),
            0..8,
        ),
    ) {
        let mut hash = format!("#preset={preset}");
        for (k, v) in pairs {
            hash.push_str(&format!("&{k}={v}"));
        }
        parsers::check_url_state(hash.as_bytes());
    }

    #[test]
    fn url_state_printed_and_damaged(
        cfg in prop::sample::select(vec!["mimic", "yin_yang", "mnist"]),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut h = print(&AppConfig::from_preset(cfg).unwrap()).into_bytes();
        let i = flip.index(h.len());
        h[i] = byte;
        h.truncate(cut.index(h.len() + 1));
        parsers::check_url_state(&h);
    }

    #[test]
    fn idx_damaged(
        dims in (1u32..5, 1u32..4, 1u32..4),
        labels in any::<bool>(),
        body in prop::collection::vec(any::<u8>(), 0..64),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        cut in prop::option::of(any::<prop::sample::Index>()),
        gz in any::<bool>(),
    ) {
        let (n, r, c) = dims;
        let mut f = Vec::new();
        if labels {
            f.extend(0x801u32.to_be_bytes());
            f.extend(n.to_be_bytes());
            f.extend(body.iter().take(n as usize).map(|b| b % 11));
        } else {
            f.extend(0x803u32.to_be_bytes());
            for d in [n, r, c] {
                f.extend(d.to_be_bytes());
            }
            f.extend(body.iter().cycle().take((n * r * c) as usize));
        }
        for (i, b) in edits {
            let i = i.index(f.len());
            f[i] = b;
        }
        if let Some(cut) = cut {
            f.truncate(cut.index(f.len() + 1));
        }
        if gz {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&f).unwrap();
            f = e.finish().unwrap();
        }
        // Once as one file, once as (images, labels) behind a split byte.
        parsers::check_idx(&f);
        let mut pair = vec![(f.len() / 3) as u8];
        pair.extend(&f);
        parsers::check_idx(&pair);
    }

    #[test]
    fn every_target_survives_random_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        for (_, check) in TARGETS {
            check(&data);
        }
    }
}

/// The inputs the fuzzers found (one file each under `tests/data/fuzz/<target>/`)
/// and the seeds they start from (`fuzz/seeds/<target>/`) all pass their checks.
#[test]
fn fuzz_regressions_and_seeds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for (name, check) in TARGETS {
        for dir in [
            root.join("tests/data/fuzz").join(name),
            root.join("fuzz/seeds").join(name),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let result = std::panic::catch_unwind(|| check(&data));
                assert!(result.is_ok(), "{name}: {} fails", path.display());
                seen += 1;
            }
        }
    }
    assert!(seen >= TARGETS.len(), "no seed or regression input found");
}
