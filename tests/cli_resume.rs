//! `train --save/--load/--checkpoint-every`: a killed run continues bit-identically
//! from its last checkpoint, a finished run extends with --epochs, and a flag that
//! conflicts with a checkpoint is refused by name.

#[path = "common/cli.rs"]
mod cli;
use cli::{fails_with, json, run};

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use microcircuit::train::Checkpoint;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("microcircuit-resume-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn load(path: &std::path::Path) -> Checkpoint {
    Checkpoint::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// The acceptance test of the issue: PyraLNet on the chip's formats (stochastic
/// rounding, a plasticity period of 100 steps), SIGKILL between checkpoints, then
/// `--load F --save G` ends where an uninterrupted run ends.
#[test]
fn a_killed_run_continues_from_its_last_checkpoint_bit_identically() {
    let d = dir();
    let (f, g, whole) = (d.join("f.json"), d.join("g.json"), d.join("whole.json"));
    let base = [
        "train",
        "--preset",
        "yin_yang_bss2",
        "--engine",
        "pyralnet",
        "--epochs",
        "1",
        "--train-size",
        "400",
        "--val-size",
        "20",
        "--test-size",
        "20",
        "--val-every",
        "150",
    ];
    json(&run(&[&base[..], &["--save", s(&whole)]].concat()));

    let mut child = Command::new(env!("CARGO_BIN_EXE_microcircuit"))
        .args(base)
        .args(["--checkpoint-every", "100", "--save", s(&f)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as the first checkpoint is there (a rename: never half a file).
    let t0 = Instant::now();
    while !f.exists() {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "no checkpoint written"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let cut = load(&f);
    assert!(
        cut.patterns % 100 == 0 && cut.patterns < 400,
        "killed mid-run at a checkpoint point, not after the end: {}",
        cut.patterns
    );
    assert!(!d.join("f.json.tmp").exists() || cut.patterns > 0);

    let out = json(&run(&["train", "--load", s(&f), "--save", s(&g)]));
    assert_eq!(out["preset"], "yin_yang_bss2");
    assert_eq!(out["task"], "yin_yang");
    let (a, b) = (load(&whole), load(&g));
    assert_eq!(
        a.weights, b.weights,
        "resumed after SIGKILL at pattern {}",
        cut.patterns
    );
    assert_eq!(a.deltas, b.deltas);
    assert_eq!(a.engine_state, b.engine_state);
    assert_eq!(a.history, b.history);
}

#[test]
fn a_finished_run_extends_to_more_epochs_as_if_it_had_run_them_at_once() {
    let d = dir();
    let (one, two, both) = (d.join("one.json"), d.join("two.json"), d.join("both.json"));
    let base = [
        "train",
        "--preset",
        "mimic",
        "--engine",
        "pyralnet",
        "--train-size",
        "150",
    ];
    json(&run(
        &[&base[..], &["--epochs", "2", "--save", s(&both)]].concat()
    ));
    let first = json(&run(
        &[&base[..], &["--epochs", "1", "--save", s(&one)]].concat()
    ));
    assert_eq!(first["preset"], "mimic");
    let out = json(&run(&[
        "train",
        "--load",
        s(&one),
        "--epochs",
        "2",
        "--save",
        s(&two),
    ]));
    assert_eq!(out["patterns"], 300, "the second epoch was trained");
    assert_eq!(
        (out["preset"].as_str(), out["task"].as_str()),
        (Some("mimic"), Some("mimic"))
    );
    let (a, b) = (load(&both), load(&two));
    assert_eq!(a.weights, b.weights);
    assert_eq!(a.engine_state, b.engine_state);
    assert_eq!(a.history, b.history);

    // Fewer epochs than the checkpoint has run are refused, with the position.
    fails_with(
        &["train", "--load", s(&two), "--epochs", "1"],
        &["--epochs", "2 or more", "epoch 2 pattern 0"],
    );
}

#[test]
fn flags_that_conflict_with_a_checkpoint_are_refused_by_name() {
    let d = dir();
    let ck = d.join("ck.json");
    json(&run(&[
        "train",
        "--preset",
        "mimic",
        "--engine",
        "steadnet",
        "--epochs",
        "1",
        "--train-size",
        "50",
        "--seed",
        "4",
        "--save",
        s(&ck),
    ]));
    let with = |extra: &[&str], needles: &[&str]| {
        fails_with(&[&["train", "--load", s(&ck)][..], extra].concat(), needles)
    };
    with(
        &["--engine", "pyralnet"],
        &["--engine", "pyralnet", "steadnet"],
    );
    with(
        &["--preset", "yin_yang"],
        &["--preset", "yin_yang", "mimic"],
    );
    with(&["--seed", "5"], &["--seed", "5", "4"]);
    with(&["--train-size", "60"], &["--train-size", "60", "50"]);
    with(&["--test-size", "7"], &["--test-size"]);
    with(&["--config", s(&ck)], &["--config"]);
    with(&["--arith", "bss2"], &["--arith"]);
    with(
        &["--checkpoint-every", "10"],
        &["--checkpoint-every", "--save"],
    );
    // The same values as the checkpoint's are no conflict.
    json(&run(&[
        "train",
        "--load",
        s(&ck),
        "--engine",
        "steadnet",
        "--seed",
        "4",
        "--preset",
        "mimic",
    ]));
    fails_with(
        &[
            "train",
            "--preset",
            "mimic",
            "--checkpoint-every",
            "0",
            "--save",
            s(&ck),
        ],
        &["--checkpoint-every", "1 or more"],
    );
}

/// A checkpoint of the old format (no engine state) still loads, with a notice.
#[test]
fn a_version_1_checkpoint_loads_with_a_notice() {
    let d = dir();
    let (ck, old) = (d.join("new.json"), d.join("old.json"));
    json(&run(&[
        "train",
        "--preset",
        "mimic",
        "--engine",
        "pyralnet",
        "--epochs",
        "1",
        "--train-size",
        "40",
        "--save",
        s(&ck),
    ]));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ck).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("engine_state");
    o.remove("preset");
    o.insert("version".into(), 1.into());
    std::fs::write(&old, v.to_string()).unwrap();
    let out = run(&["train", "--load", s(&old), "--epochs", "2"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notice: checkpoint version 1 holds no engine state"),
        "{err}"
    );
    assert_eq!(
        json(&out)["preset"],
        "mimic",
        "the preset is inferred from the task"
    );
}

/// The checksum `train` prints is the page's for the same run (the page shows it
/// next to Export; `tests/wasm.rs` ties the page's App to the browser build).
#[test]
fn train_prints_the_checksum_the_page_shows_for_the_same_run() {
    use microcircuit::app::{App, config::AppConfig};
    let d = dir();
    let cfg_file = d.join("noise.json");
    std::fs::write(&cfg_file, r#"{"noise": 0.05}"#).unwrap();
    let out = json(&run(&[
        "train",
        "--preset",
        "mimic",
        "--engine",
        "pyralnet",
        "--seed",
        "9",
        "--epochs",
        "1",
        "--config",
        s(&cfg_file),
    ]));
    let mut c = AppConfig::from_preset("mimic").unwrap();
    c.engine = microcircuit::EngineKind::PyraLNet;
    (c.seed, c.epochs, c.params.noise) = (9, 1, 0.05);
    let mut app = App::new(c).unwrap();
    let n = out["patterns"].as_u64().unwrap() as usize;
    assert_eq!(app.advance(n, &mut || false).unwrap().trained, n);
    assert_eq!(out["checksum"], app.checksum().to_string());
}

/// A run on a data file of the user's resumes on that file only: `--load` without
/// `--data` is refused with the file's name, never trained on Yin-Yang instead.
#[test]
fn a_run_on_a_data_file_resumes_only_with_that_file() {
    let d = dir();
    let csv = d.join("two-blobs.csv");
    let mut text = String::from("x,y,label\n");
    for i in 0..200 {
        let t = i as f64 * 0.37;
        let (cx, label) = if i % 2 == 0 { (-1.0, 0) } else { (1.0, 1) };
        text += &format!("{},{},{label}\n", cx + 0.3 * t.sin(), 0.3 * (1.7 * t).cos());
    }
    std::fs::write(&csv, text).unwrap();
    let ck = d.join("blobs.json");
    json(&run(&[
        "train",
        "--preset",
        "yin_yang",
        "--engine",
        "steadnet",
        "--epochs",
        "1",
        "--data",
        s(&csv),
        "--save",
        s(&ck),
    ]));
    assert_eq!(load(&ck).data.as_deref(), Some("two-blobs.csv"));
    fails_with(
        &["train", "--load", s(&ck), "--epochs", "2"],
        &["--data", "two-blobs.csv"],
    );
    let out = json(&run(&[
        "train",
        "--load",
        s(&ck),
        "--epochs",
        "2",
        "--data",
        s(&csv),
    ]));
    assert_eq!(out["params"]["layers"][2], 2, "two classes");
    // And a run on the task's data does not take a file.
    let other = d.join("mimic.json");
    json(&run(&[
        "train",
        "--preset",
        "mimic",
        "--epochs",
        "1",
        "--train-size",
        "30",
        "--save",
        s(&other),
    ]));
    fails_with(
        &["train", "--load", s(&other), "--data", s(&csv)],
        &["--data", "task's data"],
    );
}
