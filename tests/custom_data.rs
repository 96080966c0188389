//! A data set of one's own: a CSV file of 2-D points (`src/data/points.rs`), read by
//! `microcircuit train --data FILE.csv` and the page's "Load data (CSV)".

#[path = "common/cli.rs"]
mod cli;
use cli::{fails_with, json, run};

use microcircuit::data::points::{self, MAX_ROWS};
use microcircuit::rng::{SimRng, Stream};

fn temp(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("microcircuit-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Four Gaussian blobs (σ = 0.6) centred on the corners of a 4 × 4 square far from
/// the origin, `n` points, with a header.
fn blobs(n: usize, seed: u64) -> String {
    let mut rng = SimRng::new(seed, Stream::Data);
    let centres = [(10.0, -3.0), (14.0, -3.0), (10.0, 1.0), (14.0, 1.0)];
    let mut s = String::from("x,y,label\n");
    for i in 0..n {
        let c = i % 4;
        let (cx, cy) = centres[c];
        let (x, y) = (cx + 0.6 * rng.normal(), cy + 0.6 * rng.normal());
        s.push_str(&format!("{x},{y},{c}\n"));
    }
    s
}

#[test]
fn four_gaussian_blobs_are_learnt_to_95_percent() {
    let path = temp("blobs.csv", blobs(2000, 7).as_bytes());
    let p = path.to_str().unwrap();
    for engine in ["steadnet", "pyralnet"] {
        let epochs = if engine == "steadnet" { "10" } else { "2" };
        let v = json(&run(&[
            "train", "--preset", "yin_yang", "--engine", engine, "--data", p, "--epochs", epochs,
        ]));
        let acc = v["test_accuracy"].as_f64().unwrap();
        eprintln!("{engine}: four blobs, test accuracy {acc}");
        assert!(acc >= 0.95, "{engine}: test accuracy {acc}");
        assert_eq!(v["params"]["layers"], serde_json::json!([4, 120, 4]));
        // 80 / 10 / 10 of 2000 rows: 1600 training patterns per epoch.
        assert_eq!(v["patterns"], 1600 * epochs.parse::<u64>().unwrap());
    }
}

#[test]
fn inputs_are_scaled_mirrored_and_split_with_the_seed() {
    let pts = points::parse(blobs(100, 1).as_bytes()).unwrap();
    assert_eq!((pts.n_classes, pts.xy.len()), (4, 100));
    let b = pts.bounds;
    for i in 0..100 {
        let x = pts.input(i);
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)), "{x:?}");
        assert_eq!((x[2], x[3]), (1.0 - x[0], 1.0 - x[1]));
        let want = (pts.xy[i][0] - b.x_min) / (b.x_max - b.x_min);
        assert!((x[0] as f64 - want).abs() < 1e-6);
    }
    let a = pts.splits(3).unwrap();
    assert_eq!((a.train.len(), a.val.len(), a.test.len()), (80, 10, 10));
    assert_eq!(a, pts.splits(3).unwrap());
    assert_ne!(a.train.inputs, pts.splits(4).unwrap().train.inputs);
    // Every row lands in exactly one set.
    let mut all: Vec<u32> = [&a.train, &a.val, &a.test]
        .iter()
        .flat_map(|s| s.inputs.chunks(4).map(|x| x[0].to_bits()))
        .collect();
    let mut want: Vec<u32> = (0..100).map(|i| pts.input(i)[0].to_bits()).collect();
    all.sort();
    want.sort();
    assert_eq!(all, want);
}

#[test]
fn bad_files_are_refused_with_line_and_column() {
    let good = "1,2,0\n3,4,1\n".repeat(6);
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "nonnumeric",
            format!("x,y,label\n{good}1,abc,0\n"),
            vec!["line 14, column 2", "\"abc\" is not a finite number"],
        ),
        (
            "ragged",
            format!("{good}1,2\n"),
            vec!["line 13, column 2", "2 columns, expected 3"],
        ),
        (
            "ragged-long",
            format!("{good}1,2,0,4\n"),
            vec!["line 13, column 4", "4 columns"],
        ),
        (
            "label",
            format!("{good}1,2,12\n"),
            vec!["line 13, column 3", "label \"12\"", "0..=9"],
        ),
        (
            "negative-label",
            format!("{good}1,2,-1\n"),
            vec!["line 13, column 3"],
        ),
        ("one-class", "1,2,0\n".repeat(12), vec!["only one class"]),
        (
            "gap",
            "1,2,0\n3,4,2\n".repeat(6),
            vec!["column 3", "no row has label 1"],
        ),
        (
            "too-few",
            "1,2,0\n3,4,1\n".to_string(),
            vec!["2 rows of data, at least 10"],
        ),
        (
            "flat",
            "1,2,0\n1,4,1\n".repeat(6),
            vec!["column 1", "same value 1"],
        ),
        ("nan", format!("{good}NaN,2,0\n"), vec!["line 13, column 1"]),
        (
            "too-many",
            format!("x,y,label\n{}", "1,2,0\n3,4,1\n".repeat(MAX_ROWS / 2 + 1)),
            vec![
                &*Box::leak(format!("line {}, column 1", MAX_ROWS + 2).into_boxed_str()),
                "more than 100000 rows",
            ],
        ),
    ];
    for (name, text, needles) in &cases {
        let e = points::parse(text.as_bytes()).unwrap_err().to_string();
        for n in needles {
            assert!(e.contains(n), "{name}: {n:?} not in {e}");
        }
    }
    // The CLI names the file too, and exits non-zero without a panic.
    let path = temp("bad.csv", cases[0].1.as_bytes());
    let p = path.to_str().unwrap();
    fails_with(
        &["train", "--data", p, "--epochs", "1"],
        &["bad.csv", "line 14, column 2"],
    );
    fails_with(
        &["train", "--preset", "mimic", "--data", p],
        &["--data", "with a Yin-Yang preset"],
    );
    assert!(
        points::parse(&vec![b'1'; points::MAX_BYTES + 1])
            .unwrap_err()
            .to_string()
            .contains("bytes")
    );
    assert!(
        points::parse(b"1,2,0\n\xff\xfe,1,1\n")
            .unwrap_err()
            .to_string()
            .contains("line 2")
    );
}

#[test]
fn the_page_session_trains_on_points_and_draws_their_bounding_box() {
    use microcircuit::app::{App, config::AppConfig, url};
    let pts = points::parse(blobs(200, 2).as_bytes()).unwrap();
    let mut c = AppConfig::from_preset("yin_yang").unwrap();
    c.engine = microcircuit::model::engine::EngineKind::SteadNet;
    c.val_every = 50;
    let mut app = App::with_points(c.clone(), Some(&pts)).unwrap();
    assert_eq!(app.config().data.as_deref(), Some("custom"));
    assert_eq!(app.params().layers, vec![4, 120, 4]);
    // The address records that custom data was used (not the data).
    let hash = url::print(app.config());
    assert!(hash.ends_with("&data=custom"), "{hash}");
    // Such an address alone cannot start a run: the file is needed.
    let parsed = url::parse(&hash);
    assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
    let e = App::new(parsed.config).err().unwrap().to_string();
    assert!(e.contains("load it"), "{e}");
    app.advance(100, &mut || false).unwrap();
    let r = loop {
        if let Some(r) = app.regions(20, &mut || false).unwrap() {
            break r;
        }
    };
    let b = pts.bounds;
    assert_eq!(r.bounds, Some([b.x_min, b.x_max, b.y_min, b.y_max]));
    assert_eq!(r.class_names, ["0", "1", "2", "3"]);
    assert_eq!(r.palette.len(), 4);
    assert_eq!(r.labels.len(), 20);
    assert!(r.rgba.chunks(4).all(|p| p[3] == 255), "no Yin-Yang circle");
    // A checkpoint resumes with the same points.
    let ck = app.checkpoint_json();
    let back = App::from_checkpoint_on(&ck, false, Some(&pts)).unwrap();
    assert_eq!(back.checksum(), app.checksum());
    assert!(
        App::from_checkpoint(&ck, false).is_err(),
        "4 outputs need the points"
    );
}
