//! Numerical faults and size limits (issue 7): both engines stop a diverging run
//! with an error naming the layer, the quantity and the pattern; the bound is a
//! validated parameter; every size that would exhaust memory is refused up front
//! with a message giving the limit; the app's histories stay bounded.

use std::path::PathBuf;
use std::process::Command;

use microcircuit::app::config::{self, AppConfig, MAX_APP_SYNAPSES};
use microcircuit::app::url::{self, MAX_HASH_LEN};
use microcircuit::app::{App, MAX_HISTORY, MAX_IMPORT_BYTES, thin_history};
use microcircuit::data::{MAX_DATASET_VALUES, splits_for};
use microcircuit::model::network::Network;
use microcircuit::model::params::{MAX_CONFIG_BYTES, MAX_LAYERS, MAX_SYNAPSES, Params};
use microcircuit::model::presets::{Schedule, Task};
use microcircuit::model::record::{MAX_RECORD_VALUES, Probe, Recorder};
use microcircuit::model::{self, engine::EngineKind};
use microcircuit::train::{MAX_CHECKPOINT_BYTES, Metrics};
use microcircuit::{Error, Preset};

const ENGINES: [EngineKind; 2] = [EngineKind::PyraLNet, EngineKind::SteadNet];

/// Trains `p` on a fixed Yin-Yang-like pattern until an error, at most 300 patterns.
fn train_until_error(kind: EngineKind, p: &Params) -> (Error, u64) {
    let mut eng = model::build(kind, Network::new(p.clone(), 1).unwrap(), 1);
    for i in 0..300u64 {
        let x = [0.1 * (i % 7) as f32, 0.5, 0.2, 0.8];
        if let Err(e) = eng.train(&x, &[1.0, 0.1, 0.1]) {
            return (e, i + 1);
        }
    }
    panic!("{kind:?} did not stop");
}

#[test]
fn a_huge_learning_rate_stops_each_engine_naming_layer_quantity_and_pattern() {
    let mut p = Params::yin_yang();
    p.eta_up = vec![1000.0, 1000.0];
    for kind in ENGINES {
        let (e, n) = train_until_error(kind, &p);
        let Error::Diverged {
            layer,
            ref quantity,
            ref value,
            pattern,
        } = e
        else {
            panic!("{kind:?}: {e}");
        };
        assert!((1..=2).contains(&layer), "{kind:?}: {e}");
        assert!(
            quantity.starts_with("pyramidal u") || quantity.starts_with("interneuron u_i"),
            "{kind:?}: {e}"
        );
        // The pattern is the one that diverged, counted from 1.
        assert_eq!(pattern, n, "{kind:?}: {e}");
        let v: f32 = value.parse().unwrap();
        assert!(v.is_nan() || v.abs() > p.max_potential, "{kind:?}: {e}");
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("in layer {layer}")) && msg.contains(&format!("at pattern {n}")),
            "{msg}"
        );
    }
}

#[test]
fn the_bound_is_a_parameter_and_a_tight_one_stops_a_healthy_run() {
    // The same healthy run stops at the first pattern once the bound is below the
    // potentials it reaches; the message gives the bound.
    let mut p = Params::yin_yang();
    p.max_potential = 0.05;
    for kind in ENGINES {
        let (e, n) = train_until_error(kind, &p);
        assert_eq!(n, 1, "{kind:?}: {e}");
        assert!(e.to_string().contains("(beyond ±0.05)"), "{kind:?}: {e}");
    }
    // Configurable from a JSON config, and validated.
    let mut v = serde_json::to_value(Params::yin_yang()).unwrap();
    v["max_potential"] = serde_json::json!(50.0);
    assert_eq!(
        Params::from_json(&v.to_string()).unwrap().max_potential,
        50.0
    );
    for bad in [0.0, -1.0, f32::INFINITY, f32::NAN] {
        let mut p = Params::yin_yang();
        p.max_potential = bad;
        let e = p.validate().unwrap_err().to_string();
        assert!(
            e.contains("`max_potential`") && e.contains("finite number > 0"),
            "{e}"
        );
    }
}

#[test]
fn a_non_finite_input_is_reported_as_such_by_each_engine() {
    for kind in ENGINES {
        let mut eng = model::build(kind, Network::new(Params::yin_yang(), 1).unwrap(), 1);
        let e = eng
            .train(&[f32::NAN, 0.5, 0.2, 0.8], &[1.0, 0.1, 0.1])
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Diverged {
                    layer: 1,
                    pattern: 1,
                    ..
                }
            ),
            "{kind:?}: {e}"
        );
        assert!(e.to_string().contains("is NaN"), "{kind:?}: {e}");
    }
}

#[test]
fn network_sizes_are_limited() {
    let mut p = Params::yin_yang();
    p.set_hidden(&[200_000]);
    let e = p.validate().unwrap_err().to_string();
    assert!(e.contains("layers[1]") && e.contains("1..=100000"), "{e}");
    p.set_hidden(&[10_000, 10_000]);
    let e = p.validate().unwrap_err().to_string();
    assert!(
        e.contains(&format!("at most {MAX_SYNAPSES} synapses")),
        "{e}"
    );
    // Many tiny layers: few synapses, but every layer costs memory.
    p.set_hidden(&vec![1; MAX_LAYERS - 1]);
    assert!(p.validate().is_err());
    p.set_hidden(&vec![1; MAX_LAYERS - 2]);
    p.validate().unwrap();
    p.set_hidden(&vec![1; 1_000_000]);
    let e = p.validate().unwrap_err().to_string();
    assert!(e.contains(&format!("at most {MAX_LAYERS} sizes")), "{e}");
}

#[test]
fn the_page_refuses_networks_too_large_for_a_tab() {
    // 17.6 M synapses: allowed natively, not in the browser.
    let parsed = url::parse("#preset=mnist&hidden=2000,2000");
    assert_eq!(parsed.config.params.layers, Params::mnist().layers);
    let i = &parsed.ignored[0];
    assert_eq!(i.key, "hidden");
    assert!(
        i.reason.contains(&format!(
            "at most {MAX_APP_SYNAPSES} synapses in all in the browser"
        )),
        "{i:?}"
    );
    let mut c = AppConfig::from_preset("mnist").unwrap();
    c.params.set_hidden(&[2000, 2000]);
    c.params.validate().unwrap();
    assert!(App::new(c).is_err());
}

#[test]
fn the_url_state_has_a_length_cap() {
    let long = format!("#preset=mimic&seed=3&g_a={}", "1".repeat(MAX_HASH_LEN));
    let p = url::parse(&long);
    assert_eq!(
        p.config,
        AppConfig::from_preset(config::DEFAULT_PRESET).unwrap()
    );
    assert_eq!(p.ignored.len(), 1);
    assert!(
        p.ignored[0]
            .reason
            .contains(&format!("more than the limit of {MAX_HASH_LEN}")),
        "{:?}",
        p.ignored
    );
    assert!(p.ignored[0].value.chars().count() <= 41);
    // Just under the cap is read as usual.
    let pad = MAX_HASH_LEN - "preset=mimic&seed=3&zz=".len();
    let p = url::parse(&format!("#preset=mimic&seed=3&zz={}", "x".repeat(pad)));
    assert_eq!(p.config.seed, 3);
}

#[test]
fn the_longest_valid_configuration_prints_a_hash_under_the_cap() {
    // The most layers, the widest ones the page allows, and learning rates whose
    // plain decimals are longest (tiny values): the canonical hash must still read
    // back, so it must stay under the cap.
    let mut c = AppConfig::from_preset("mimic").unwrap();
    c.params.set_hidden(&vec![100; MAX_LAYERS - 2]);
    let n = c.params.n_layers();
    c.params.eta_up = (0..n).map(|i| -1.1754942e-38 * -(i as f32 + 1.0)).collect();
    c.params.eta_ip = vec![1e-45; n - 1];
    c.params.eta_pi = vec![1.2345678e-30; n - 1];
    c.params.tau_w = 3.4028235e38;
    c.params.noise = 1.2345678e-20;
    c.seed = config::MAX_SEED;
    c.validate().unwrap();
    let h = url::print(&c);
    assert!(h.len() < MAX_HASH_LEN / 2, "{} characters", h.len());
    let back = url::parse(&h);
    assert!(back.ignored.is_empty(), "{:?}", back.ignored);
    assert_eq!(back.config, c);
}

#[test]
fn oversized_texts_are_refused_before_parsing() {
    let e = Params::from_json(&" ".repeat(MAX_CONFIG_BYTES + 1))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("limit of {MAX_CONFIG_BYTES} bytes")),
        "{e}"
    );
    let e = App::from_checkpoint(&" ".repeat(MAX_IMPORT_BYTES + 1), false)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains(&format!("page's limit of {MAX_IMPORT_BYTES} bytes")),
        "{e}"
    );
}

#[test]
fn generated_data_sets_are_limited() {
    let mut p = Params::mimic();
    p.layers = vec![100_000, 10, 100_000];
    let s = Schedule {
        epochs: 1,
        train_size: 10_000_000,
        val_size: 10,
        test_size: 10,
        eta_decay: None,
    };
    let e = splits_for(Task::Mimic, &s, &p, None)
        .err()
        .unwrap()
        .to_string();
    let most = MAX_DATASET_VALUES / 200_000;
    assert!(
        e.contains("train_size") && e.contains(&format!("at most {most} patterns")),
        "{e}"
    );
}

#[test]
fn grids_and_recorders_are_limited() {
    let mut app = App::new(AppConfig::from_preset("yin_yang").unwrap()).unwrap();
    let e = app.regions(1001, &mut || true).err().unwrap().to_string();
    assert!(e.contains("regions.n") && e.contains("2..=1000"), "{e}");
    let net = Network::new(Params::mnist(), 1).unwrap();
    let probe = Probe::Weights {
        projection: microcircuit::model::weights::Projection::Up,
        layer: 1,
    };
    let e = Recorder::new(&net, vec![probe], 1, 1000)
        .unwrap_err()
        .to_string();
    let row = 500 * 785;
    assert!(
        e.contains(&format!("at most {} rows", MAX_RECORD_VALUES / row)),
        "{e}"
    );
}

#[test]
fn the_validation_history_is_thinned_not_lost() {
    let m = |i: u64| Metrics {
        patterns: i,
        epoch: 0.0,
        mse: 1.0 / (1 + i) as f64,
        accuracy: None,
        confusion: None,
        alignment: None,
    };
    let mut h: Vec<Metrics> = (0..=5000).map(m).collect();
    thin_history(&mut h);
    assert!(
        h.len() <= MAX_HISTORY && h.len() > MAX_HISTORY / 2,
        "{}",
        h.len()
    );
    assert_eq!(h[0].patterns, 0);
    assert_eq!(h.last().unwrap().patterns, 5000);
    assert!(h.windows(2).all(|w| w[0].patterns < w[1].patterns));
    // Evenly: the gaps differ by at most a factor 2 (the last one).
    let gaps: Vec<u64> = h
        .windows(2)
        .map(|w| w[1].patterns - w[0].patterns)
        .collect();
    assert!(
        gaps[..gaps.len() - 1].iter().all(|&g| g == gaps[0]),
        "{gaps:?}"
    );

    // A checkpoint with a long history loads thinned.
    let mut c = AppConfig::from_preset("mimic").unwrap();
    c.engine = EngineKind::SteadNet;
    let mut app = App::new(c).unwrap();
    app.advance(5, &mut || false).unwrap();
    let mut ck: serde_json::Value = serde_json::from_str(&app.checkpoint_json()).unwrap();
    ck["history"] = serde_json::to_value((0..6000).map(m).collect::<Vec<_>>()).unwrap();
    ck["patterns"] = serde_json::json!(6000);
    let back = App::from_checkpoint(&ck.to_string(), false).unwrap();
    assert!(back.history().len() <= MAX_HISTORY);
    assert_eq!(back.history()[0].patterns, 0);
}

#[test]
fn a_checkpoint_history_that_cannot_be_drawn_is_refused() {
    let mut c = AppConfig::from_preset("yin_yang").unwrap();
    c.engine = EngineKind::SteadNet;
    let mut app = App::new(c).unwrap();
    app.advance(5, &mut || false).unwrap();
    app.advance(0, &mut || false).unwrap();
    let good: serde_json::Value = serde_json::from_str(&app.checkpoint_json()).unwrap();
    App::from_checkpoint(&good.to_string(), false).unwrap();
    for (field, value, why) in [
        (
            "confusion",
            serde_json::json!([[1, 2], [3]]),
            "confusion matrix must be 3x3",
        ),
        ("mse", serde_json::json!(-1.0), "must be finite and >= 0"),
        ("accuracy", serde_json::json!(1.5), "accuracy 1.5"),
        ("patterns", serde_json::json!(99), "out of order"),
    ] {
        let mut ck = good.clone();
        ck["history"][0][field] = value;
        let e = App::from_checkpoint(&ck.to_string(), false)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("history entry 0") && e.contains(why), "{e}");
    }
}

#[test]
fn the_app_history_stays_bounded_while_training() {
    // Validating after every pattern (the page's smallest interval) for more than
    // MAX_HISTORY patterns.
    let mut c = AppConfig::from_preset("mimic").unwrap();
    c.engine = EngineKind::SteadNet;
    c.val_every = 1;
    c.epochs = 3;
    let mut app = App::new(c).unwrap();
    while app.trainer().progress().patterns < (MAX_HISTORY + 300) as u64 {
        app.advance(100, &mut || false).unwrap();
    }
    app.advance(0, &mut || false).unwrap();
    let h = app.history();
    assert!(h.len() <= MAX_HISTORY, "{}", h.len());
    assert_eq!(h[0].patterns, 0);
    assert!(h.last().unwrap().patterns > MAX_HISTORY as u64);
    assert!(h.windows(2).all(|w| w[0].patterns < w[1].patterns));
}

fn cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_microcircuit"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

/// A sparse file of `len` bytes (no disk space used).
fn sparse(name: &str, len: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hardening");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path
}

#[test]
fn the_cli_refuses_oversized_files_before_reading_them() {
    let big = sparse("big-checkpoint.json", MAX_CHECKPOINT_BYTES as u64 + 1);
    let (ok, out) = cli(&[
        "train",
        "--preset",
        "mimic",
        "--load",
        big.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        out.contains(&format!(
            "more than the limit of {MAX_CHECKPOINT_BYTES} bytes"
        )),
        "{out}"
    );
    let big = sparse("big-config.json", MAX_CONFIG_BYTES as u64 + 1);
    let (ok, out) = cli(&[
        "train",
        "--preset",
        "mimic",
        "--config",
        big.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        out.contains(&format!("more than the limit of {MAX_CONFIG_BYTES} bytes")),
        "{out}"
    );
    let dir = sparse("train-images-idx3-ubyte", 0)
        .parent()
        .unwrap()
        .to_path_buf();
    sparse(
        "train-images-idx3-ubyte",
        microcircuit::data::mnist::MAX_DECOMPRESSED_BYTES as u64 + 1,
    );
    let (ok, out) = cli(&[
        "train",
        "--preset",
        "mnist",
        "--mnist-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        out.contains("train-images-idx3-ubyte") && out.contains("limit"),
        "{out}"
    );
    assert!(Preset::by_name("mnist").is_ok());
}
