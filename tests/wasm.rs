//! The binding layer (`src/app/wasm.rs`) in headless Chromium with `wasm-bindgen-test`,
//! and both halves of the determinism check: the same seed gives the same weights
//! in the browser as natively.
//!
//! How the native value reaches the browser test without being pasted in:
//! 1. natively, [`native_checksums`] runs [`cases`] with `App` and writes
//!    `name=checksum;...` to `$CARGO_TARGET_TMPDIR/native-checksums.txt`;
//! 2. `scripts/test` builds this file for wasm32 with that line in the environment
//!    variable `MICROCIRCUIT_NATIVE_CHECKSUMS`, read at compile time;
//! 3. in the browser, `same_weights_as_native` runs the same cases through the
//!    binding (`Sim`) and compares the checksums
//!    ([`microcircuit::Network::checksum`], the same function in both builds).

use microcircuit::app::config::AppConfig;
use microcircuit::model::engine::EngineKind;

/// Short runs covering both engines, noise, random and SPS initialisation, the
/// embedded MNIST subset and the BSS-2 arithmetic: (name, configuration, training
/// patterns).
fn cases() -> Vec<(&'static str, AppConfig, usize)> {
    let cfg = |preset: &str, engine: EngineKind| {
        let mut c = AppConfig::from_preset(preset).unwrap();
        c.engine = engine;
        c.seed = 20_240_601;
        c.val_every = 1_000_000;
        c
    };
    let mut noisy = cfg("mimic", EngineKind::PyraLNet);
    noisy.params.noise = 0.05;
    // The chip's arithmetic: stochastic rounding and readout noise draw from the
    // hardware stream, the formats run through integer and fixed-point code.
    let mut chip = cfg("yin_yang", EngineKind::SteadNet);
    chip.params.arith.kind = microcircuit::model::formats::ArithKind::Bss2;
    chip.params.arith.rounding = microcircuit::model::formats::Rounding::Stochastic;
    chip.params.arith.readout_noise = 0.5;
    let mut chip_euler = cfg("yin_yang", EngineKind::PyraLNet);
    chip_euler.params.arith.kind = microcircuit::model::formats::ArithKind::Bss2;
    vec![
        (
            "yin_yang-pyralnet",
            cfg("yin_yang", EngineKind::PyraLNet),
            3,
        ),
        (
            "yin_yang_random_init-steadnet",
            cfg("yin_yang_random_init", EngineKind::SteadNet),
            300,
        ),
        ("mimic-pyralnet-noise", noisy, 20),
        ("mnist-steadnet", cfg("mnist", EngineKind::SteadNet), 2),
        ("yin_yang-steadnet-bss2-stochastic", chip, 300),
        ("yin_yang-pyralnet-bss2-floor", chip_euler, 2),
        // Stochastic write-back with carry (the emulated preset).
        (
            "yin_yang_bss2-steadnet",
            cfg("yin_yang_bss2", EngineKind::SteadNet),
            300,
        ),
        // The rule every 100 Euler steps (the preset's plasticity_every).
        (
            "yin_yang_bss2-pyralnet",
            cfg("yin_yang_bss2", EngineKind::PyraLNet),
            2,
        ),
        // The reference learners (src/model/backprop.rs).
        (
            "yin_yang-backprop",
            cfg("yin_yang", EngineKind::Backprop),
            300,
        ),
        (
            "yin_yang-feedback-alignment",
            cfg("yin_yang", EngineKind::FeedbackAlignment),
            300,
        ),
    ]
}

/// The run whose angles with backprop ([`microcircuit::train::alignment`]) the
/// browser must reproduce: SteadNet with transposed feedback, four validations.
fn alignment_case() -> (AppConfig, usize) {
    let mut c = AppConfig::from_preset("yin_yang").unwrap();
    c.engine = EngineKind::SteadNet;
    c.seed = 20_240_601;
    c.val_every = 100;
    c.params.feedback = microcircuit::model::params::Feedback::Transpose;
    (c, 300)
}

/// The angles of a frame's alignment chart as text, `|`-separated.
fn angles_text(a: &microcircuit::charts::alignment::AlignmentChart) -> String {
    a.series
        .iter()
        .flatten()
        .map(|x| x.map_or("-".into(), |x| format!("{x:.6}")))
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_checksums() {
    use microcircuit::app::App;
    let mut line = Vec::new();
    for (name, config, n) in cases() {
        let mut app = App::new(config).unwrap();
        let r = app.advance(n, &mut || false).unwrap();
        assert_eq!(r.trained, n, "{name}");
        line.push(format!("{name}={}", app.checksum()));
    }
    let (config, n) = alignment_case();
    let mut app = App::new(config).unwrap();
    app.advance(n, &mut || false).unwrap();
    let angles = angles_text(&app.frame().alignment);
    assert_eq!(app.frame().alignment.patterns, vec![0, 100, 200, 300]);
    line.push(format!("alignment={angles}"));
    let line = line.join(";");
    println!("native checksums: {line}");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("native-checksums.txt");
    std::fs::write(&path, &line).unwrap();
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use microcircuit::app::wasm::{self, Sim};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn js<T: serde::Serialize>(v: &T) -> JsValue {
        v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap()
    }

    fn get(v: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(v, &key.into()).unwrap()
    }

    fn message(e: JsValue) -> String {
        String::from(e.unchecked_into::<js_sys::Error>().message())
    }

    /// The error's `kind` (the model's variant, see `Error::kind`).
    fn kind(e: &JsValue) -> String {
        get(e, "kind").as_string().unwrap_or_default()
    }

    fn config(preset: &str) -> AppConfig {
        let mut c = AppConfig::from_preset(preset).unwrap();
        c.val_every = 10;
        c
    }

    #[wasm_bindgen_test]
    fn same_weights_as_native() {
        // Set by scripts/test; a build without it cannot check anything, so it fails.
        let Some(expected) = option_env!("MICROCIRCUIT_NATIVE_CHECKSUMS") else {
            panic!(
                "MICROCIRCUIT_NATIVE_CHECKSUMS is not set: run scripts/test, which computes \
                 the native checksums first"
            );
        };
        // The subset is not compiled into the module: the page fetches it; the test
        // hands it over the same way (wasm::provide_mnist), after checking that a run
        // without it is refused with the reason the workers act on.
        let mnist = cases()
            .into_iter()
            .find(|c| c.0 == "mnist-steadnet")
            .unwrap();
        let e = Sim::new(js(&mnist.1))
            .err()
            .map(message)
            .unwrap_or_default();
        assert!(e.contains("MNIST subset: not loaded"), "{e}");
        // The page decompresses the files (DecompressionStream): the module has no
        // inflater and refuses gzip bytes with the reason.
        let images_gz = include_bytes!("../data/mnist-subset-images-idx3-ubyte.gz");
        let labels_gz = include_bytes!("../data/mnist-subset-labels-idx1-ubyte.gz");
        let e = wasm::provide_mnist(images_gz.to_vec(), labels_gz.to_vec())
            .err()
            .map(message)
            .unwrap_or_default();
        assert!(e.contains("gzip-compressed"), "{e}");
        let gunzip = |gz: &[u8]| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut out).unwrap();
            out
        };
        wasm::provide_mnist(gunzip(images_gz), gunzip(labels_gz)).unwrap();
        for (name, config, n) in cases() {
            let mut sim = Sim::new(js(&config)).unwrap();
            let report = sim.advance(n as u32, 1e12).map_err(message).unwrap();
            assert_eq!(get(&report, "trained").as_f64(), Some(n as f64), "{name}");
            let want = expected
                .split(';')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("no native checksum for {name} in {expected}"));
            assert_eq!(
                sim.checksum(),
                want,
                "{name}: wasm weights differ from native"
            );
        }
    }

    #[wasm_bindgen_test]
    fn same_angles_as_native() {
        let Some(expected) = option_env!("MICROCIRCUIT_NATIVE_CHECKSUMS") else {
            panic!("MICROCIRCUIT_NATIVE_CHECKSUMS is not set: run scripts/test");
        };
        let want = expected
            .split(';')
            .find_map(|kv| kv.strip_prefix("alignment="))
            .expect("native angles");
        let (config, n) = alignment_case();
        let mut sim = Sim::new(js(&config)).unwrap();
        sim.advance(n as u32, 1e12).map_err(message).unwrap();
        let chart: microcircuit::charts::alignment::AlignmentChart =
            serde_wasm_bindgen::from_value(get(&sim.frame().unwrap(), "alignment")).unwrap();
        assert_eq!(
            angles_text(&chart),
            want,
            "browser angles differ from native"
        );
    }

    #[wasm_bindgen_test]
    fn a_run_reports_progress_frames_and_checkpoints() {
        let mut sim = Sim::new(js(&config("mimic"))).unwrap();
        let r = sim.advance(12, 1e9).map_err(message).unwrap();
        assert_eq!(get(&r, "trained").as_f64(), Some(12.0));
        let progress = get(&r, "progress");
        assert_eq!(get(&progress, "patterns").as_f64(), Some(12.0));
        let evaluated = js_sys::Array::from(&get(&r, "evaluated"));
        assert!(evaluated.length() >= 2, "validations at 0 and 10");
        let frame = sim.frame().unwrap();
        let points = js_sys::Array::from(&get(&get(&frame, "curves"), "points"));
        assert_eq!(points.length(), 2);
        let ck = sim.checkpoint();
        let back = Sim::from_checkpoint(&ck, false).map_err(message).unwrap();
        assert_eq!(back.checksum(), sim.checksum());
        let csv = sim.metrics_csv();
        assert!(
            csv.starts_with("set,patterns,epoch,mse,accuracy,micro_vs_backprop_deg_1,")
                && csv.contains("\nval,0,"),
            "{csv}"
        );
    }

    #[wasm_bindgen_test]
    fn bad_input_is_refused_with_the_reason() {
        let mut c = config("mimic");
        c.params.g_l = -1.0;
        let err = Sim::new(js(&c)).err().unwrap();
        assert_eq!(kind(&err), "invalid_param");
        let e = message(err);
        assert!(e.contains("g_l") && e.contains("> 0"), "{e}");
        let e = message(
            Sim::from_checkpoint("{\"format\":\"zip\"}", false)
                .err()
                .unwrap(),
        );
        assert!(e.contains("format \"zip\""), "{e}");
        let err = Sim::from_checkpoint("garbage", false).err().unwrap();
        assert_eq!(kind(&err), "json");
        let e = message(err);
        assert!(e.contains("invalid JSON in checkpoint"), "{e}");
        let mut sim = Sim::new(js(&config("mimic"))).unwrap();
        let partial = js(&serde_json::json!({"tau_w": -3}));
        let e = message(sim.set(partial).err().unwrap());
        assert!(e.contains("tau_w"), "{e}");
        let ok = sim.set(js(&serde_json::json!({"tau_w": 10}))).unwrap();
        assert_eq!(get(&ok, "tau_w").as_f64(), Some(10.0));
        let parsed = wasm::parse_hash("#preset=mimic&seed=abc&g_a=-2&what=1").unwrap();
        let ignored = js_sys::Array::from(&get(&parsed, "ignored"));
        assert_eq!(ignored.length(), 3);
        let e = message(wasm::describe(js(&c)).err().unwrap());
        assert!(e.contains("g_l"), "{e}");
    }

    #[wasm_bindgen_test]
    fn divergence_names_the_layer() {
        let mut c = config("mimic");
        c.params.eta_up = vec![1000.0, 1000.0];
        let mut sim = Sim::new(js(&c)).unwrap();
        let e = message(sim.advance(200, 1e9).err().unwrap());
        assert!(e.contains("diverged") && e.contains("layer"), "{e}");
    }

    #[wasm_bindgen_test]
    fn regions_come_as_a_picture_and_charts_draw_on_a_canvas() {
        let mut sim = Sim::new(js(&config("yin_yang"))).unwrap();
        sim.advance(2, 1e9).unwrap();
        let mut r = JsValue::NULL;
        while r.is_null() {
            r = sim.regions(100, 20.0).map_err(message).unwrap();
        }
        let rgba: js_sys::Uint8ClampedArray = get(&r, "rgba").dyn_into().unwrap();
        assert_eq!(rgba.length(), 100 * 100 * 4);
        assert_eq!(js_sys::Array::from(&get(&r, "labels")).length(), 600);
        let doc = web_sys::window().unwrap().document().unwrap();
        let canvas: web_sys::HtmlCanvasElement =
            doc.create_element("canvas").unwrap().dyn_into().unwrap();
        canvas.set_width(480);
        canvas.set_height(320);
        let frame = sim.frame().unwrap();
        wasm::draw_curves(canvas.clone(), get(&frame, "curves"))
            .map_err(message)
            .unwrap();
        wasm::draw_sps(canvas.clone(), get(&frame, "sps"))
            .map_err(message)
            .unwrap();
        wasm::draw_potentials(canvas.clone(), get(&frame, "potentials"))
            .map_err(message)
            .unwrap();
        wasm::draw_confusion(canvas.clone(), get(&frame, "confusion"))
            .map_err(message)
            .unwrap();
        let e = message(wasm::draw_curves(canvas, JsValue::from(3)).err().unwrap());
        assert!(e.contains("curves"), "{e}");
    }

    #[wasm_bindgen_test]
    fn fresh_seeds_differ_and_fit_the_url() {
        let a = wasm::fresh_seed().unwrap();
        let b = wasm::fresh_seed().unwrap();
        assert_ne!(a, b);
        assert!((0.0..4_294_967_296.0).contains(&a) && a.fract() == 0.0);
        let presets = js_sys::Array::from(&wasm::presets().unwrap());
        assert_eq!(presets.length(), 5);
    }
}
