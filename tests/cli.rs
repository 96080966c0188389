//! The `microcircuit` binary: JSON on stdout, clear errors with non-zero exits.

#[path = "common/cli.rs"]
mod cli;
use cli::{fails_with, json, run};

fn temp(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("microcircuit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn bench_prints_the_figures() {
    let v = json(&run(&[
        "bench",
        "--engine",
        "pyralnet",
        "--preset",
        "yin_yang",
        "--patterns",
        "2",
    ]));
    assert_eq!(v["engine"], "pyralnet");
    assert_eq!(v["preset"], "yin_yang");
    assert_eq!(v["patterns"], 2);
    assert!(v["us_per_step"].as_f64().unwrap() > 0.0);
    assert!(v["seconds"].as_f64().unwrap() > 0.0);
    let v = json(&run(&[
        "bench",
        "--engine",
        "steadnet",
        "--preset",
        "yin_yang",
        "--patterns",
        "50",
    ]));
    assert!(v["us_per_pattern"].as_f64().unwrap() > 0.0);
}

#[test]
fn presets_are_listed_with_sources() {
    let v = json(&run(&["presets"]));
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "mimic",
            "yin_yang",
            "yin_yang_bss2",
            "yin_yang_random_init",
            "mnist"
        ]
    );
    assert_eq!(v[2]["params"]["arith"]["kind"], "bss2");
    assert!(v[1]["source"].as_str().unwrap().contains("96.7"));
    assert_eq!(v[1]["params"]["eta_up"][0], serde_json::json!(6.07f32));
}

#[test]
fn yin_yang_csv_starts_with_the_published_sample() {
    let out = run(&["dataset", "yinyang", "--size", "3", "--seed", "42"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("x,y,x_flipped,y_flipped,label"));
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert!(first[0].starts_with("0.6803075385"), "{first:?}");
    assert!(first[1].starts_with("0.45049925"), "{first:?}");
    assert_eq!(first[4], "2");
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn mnist_info_gives_the_split() {
    let v = json(&run(&["dataset", "mnist", "--info"]));
    assert_eq!(v["total"], 10_000);
    assert_eq!(v["train"]["len"], 7996);
    assert_eq!(v["test"]["len"], 2004);
}

#[test]
fn train_mimic_and_save_a_checkpoint_that_loads() {
    let ck = std::env::temp_dir().join(format!("microcircuit-ck-{}.json", std::process::id()));
    let ck_s = ck.to_str().unwrap();
    let args = [
        "train",
        "--preset",
        "mimic",
        "--engine",
        "steadnet",
        "--train-size",
        "200",
        "--save",
        ck_s,
    ];
    let v = json(&run(&args));
    assert!(v["test_mse"].as_f64().unwrap().is_finite());
    assert_eq!(
        v["val_history"].as_array().unwrap().len(),
        6,
        "initial + 5 epochs"
    );
    assert_eq!(v["params"]["layers"], serde_json::json!([2, 3, 2]));
    // Loading a finished run evaluates it again: same test error.
    let w = json(&run(&[
        "train", "--preset", "mimic", "--engine", "steadnet", "--load", ck_s,
    ]));
    assert_eq!(v["test_mse"], w["test_mse"]);
    // The checkpoint keeps its schedule's decay (none): another one is refused.
    fails_with(
        &["train", "--load", ck_s, "--eta-decay", "2:0.5"],
        &["--eta-decay", "2:0.5 with --load", "the checkpoint's"],
    );
    std::fs::remove_file(ck).ok();
}

#[test]
fn bad_input_gives_clear_errors() {
    fails_with(
        &["bench", "--engine", "spiking"],
        &[
            "spiking",
            "pyralnet, steadnet, backprop or feedback-alignment",
        ],
    );
    fails_with(&["bench", "--preset", "nope"], &["nope", "yin_yang"]);
    fails_with(&["bench", "--patterns", "0"], &["--patterns", "1..="]);
    fails_with(&["train", "--bogus"], &["--bogus"]);
    fails_with(
        &["train", "--preset", "yin_yang", "--epochs", "0"],
        &["epochs", "1..="],
    );
    fails_with(
        &["train", "--preset", "yin_yang", "--seeds", "0"],
        &["--seeds"],
    );
    fails_with(
        &["train", "--eta-decay", "0:0.5"],
        &["eta_decay.from", "0", "1 or more"],
    );
    fails_with(
        &["train", "--eta-decay", "8"],
        &["eta_decay", "FROM:FACTOR"],
    );
    let cfg = temp("bad.json", b"{\"g_l\": -1}");
    fails_with(
        &["train", "--config", cfg.to_str().unwrap()],
        &["g_l", "-1", "> 0"],
    );
    let cfg = temp("malformed.json", b"{\"g_l\": ");
    fails_with(
        &["train", "--config", cfg.to_str().unwrap()],
        &["invalid JSON", "malformed.json"],
    );
    let cfg = temp("unknown.json", b"{\"g_typo\": 1}");
    fails_with(&["train", "--config", cfg.to_str().unwrap()], &["g_typo"]);
    fails_with(
        &["train", "--config", "/nonexistent/c.json"],
        &["/nonexistent/c.json"],
    );
    let ck = temp(
        "ck.json",
        b"{\"format\": \"microcircuit-checkpoint\", \"version\": 99}",
    );
    fails_with(&["train", "--load", ck.to_str().unwrap()], &["version 99"]);
    // A truncated IDX file in an MNIST directory.
    let dir = std::env::temp_dir().join(format!("microcircuit-idx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"] {
        let mut b = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28];
        b.extend(vec![0u8; 100]);
        std::fs::write(dir.join(name), b).unwrap();
    }
    for name in ["train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"] {
        std::fs::write(dir.join(name), [0, 0, 8, 1, 0, 0, 0, 2, 3, 4]).unwrap();
    }
    fails_with(
        &[
            "train",
            "--preset",
            "mnist",
            "--mnist-dir",
            dir.to_str().unwrap(),
        ],
        &["IDX", "truncated"],
    );
    fails_with(
        &["train", "--preset", "yin_yang", "--mnist-dir", "/tmp"],
        &["--mnist-dir"],
    );
    fails_with(&["dataset", "yinyang", "--size", "0"], &["size", "1..="]);
}

#[test]
fn a_float_preset_on_the_chip_formats_warns_and_names_the_preset_that_learns() {
    let small = [
        "train",
        "--preset",
        "yin_yang",
        "--engine",
        "steadnet",
        "--epochs",
        "1",
        "--train-size",
        "20",
        "--val-size",
        "10",
        "--test-size",
        "10",
    ];
    let out = run(&[&small[..], &["--arith", "bss2"]].concat());
    json(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning:") && err.contains("yin_yang_bss2"),
        "{err}"
    );
    // The preset that learns there, and float, say nothing.
    let out = run(&small);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning:"));
    let mut chip = small.to_vec();
    chip[2] = "yin_yang_bss2";
    let out = run(&chip);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning:"));
}

#[test]
fn a_config_with_a_wrong_type_names_the_field() {
    let cfg = temp("wrong-type.json", br#"{"eta_up": [1, "fast"]}"#);
    fails_with(
        &[
            "train",
            "--preset",
            "mimic",
            "--config",
            cfg.to_str().unwrap(),
        ],
        &["eta_up[1]", "expected f32"],
    );
}
