//! The named experiments at quick scale: what each point measures behaves as the
//! model says it must, points are deterministic, figures render; and the CLI's
//! sweep, plot and merge (resume after a cut line, shards, conflicts, Slurm script).

#[path = "common/cli.rs"]
mod cli;
use cli::{fails_with, json, run};

use microcircuit::experiments::{
    self, Experiment, Outcome, Point, Record, Scale, parse_results, run_point,
};

fn quick(exp: Experiment) -> Vec<Point> {
    experiments::points(exp, Scale::Quick, 1).unwrap()
}

fn find(pts: &[Point], parts: &[&str]) -> Point {
    pts.iter()
        .find(|p| parts.iter().all(|s| p.key().contains(s)))
        .unwrap_or_else(|| panic!("no point with {parts:?}"))
        .clone()
}

fn deviation(p: &Point) -> experiments::record::DeviationOutcome {
    match run_point(p).unwrap() {
        Outcome::Deviation(d) => d,
        other => panic!("{other:?}"),
    }
}

#[test]
fn steadnet_approaches_pyralnet_with_more_passes() {
    let pts = quick(Experiment::SteadyState);
    let pot = |init: &str, n: &str| {
        deviation(&find(
            &pts,
            &[
                "measure=potentials",
                &format!("init={init}"),
                &format!("n_passes={n}"),
            ],
        ))
    };
    // Random lateral weights: the apical feedback needs passes to settle.
    let (r1, r4) = (pot("random", "1.0"), pot("random", "4.0"));
    assert!(
        r4.mean < 0.5 * r1.mean,
        "random init: 1 pass {} vs 4 passes {}",
        r1.mean,
        r4.mean
    );
    // In the self-predicting state the approximation is close already.
    let s2 = pot("sps", "2.0");
    assert!(s2.mean < 0.05, "SPS init, 2 passes: {}", s2.mean);
    assert!(s2.mean < r1.mean);
    // With plasticity on, the weights drift apart as patterns accumulate (the
    // seed's figure; mimic task, the seed's setting).
    let w = deviation(&find(
        &pts,
        &["measure=weights", "init=sps", "n_passes=2.0"],
    ));
    let (first, last) = (w.rel_rms[0], *w.rel_rms.last().unwrap());
    assert!(first > 0.0 && last > first, "weights: {first} -> {last}");
}

#[test]
fn points_are_deterministic_and_learn() {
    let pts = quick(Experiment::Mimic);
    let p = find(&pts, &["engine=pyralnet"]);
    let (a, b) = (run_point(&p).unwrap(), run_point(&p).unwrap());
    assert_eq!(a, b);
    let Outcome::Mimic(m) = a else { panic!() };
    let (first, last) = (m.val_mse[0], *m.val_mse.last().unwrap());
    assert!(last * 5.0 < first, "mimic MSE {first} -> {last}");
    assert!(
        *m.apical.last().unwrap() < m.apical[0],
        "|v_A| did not fall"
    );
    assert_eq!(m.before.targets, m.after.targets);
    // The PyraLNet trace holds 5 patterns of 100 ms at one row per ms.
    assert!(m.before.t_ms.len() >= 500, "{}", m.before.t_ms.len());

    let pts = quick(Experiment::YinYangTauW);
    let p = find(&pts, &["engine=steadnet", "tau_w=30.0"]);
    let Outcome::Accuracy(acc) = run_point(&p).unwrap() else {
        panic!()
    };
    // One quick epoch of 300 patterns is well above chance (1/3).
    let a = acc.test_accuracy.unwrap();
    assert!(a > 0.5, "test accuracy {a}");
    assert_eq!(acc.patterns, 300);
}

#[test]
fn figures_render_with_and_without_points() {
    // Lines of a few quick points of every experiment.
    let mut recs = Vec::new();
    for exp in [Experiment::YinYangTau0, Experiment::Mnist] {
        for p in quick(exp).into_iter().take(2) {
            let o = run_point(&p).unwrap();
            recs.push(Record::new(p, o, 0.1));
        }
    }
    for exp in Experiment::ALL {
        let svg = experiments::svg(exp, &recs).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{exp}");
        // A Yin-Yang figure also shows the runs another sweep shares with it (the
        // quick τ_0 = 3 ms SteadNet point is also the τ_w = 30 ms one).
        let has = recs.iter().any(|r| {
            r.point.experiment == exp.name() || experiments::yinyang::same_run_in(exp, r).is_some()
        });
        if has {
            assert!(
                svg.contains("SteadNet") || svg.contains("PyraLNet"),
                "{exp}"
            );
        } else {
            assert!(svg.contains("no points yet"), "{exp}");
        }
    }
    let tauw = experiments::svg(Experiment::YinYangTauW, &recs).unwrap();
    assert!(!tauw.contains("no points yet") && tauw.contains("SteadNet"));
    let svg = experiments::svg(Experiment::Mnist, &recs).unwrap();
    assert!(svg.contains("validation accuracy during training"));
    assert!(svg.contains("paper: 98.04 %"));
}

// ---- CLI ----

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("microcircuit-exp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn records(path: &std::path::Path) -> Vec<Record> {
    let text = std::fs::read_to_string(path).unwrap();
    parse_results(&text, "test").unwrap().records
}

#[test]
fn sweep_resumes_after_an_interrupted_line_and_shards_add_up() {
    let d = dir("resume");
    let out = d.join("r.jsonl");
    let o = out.to_str().unwrap();
    let sweep = |extra: &[&str]| {
        let mut a = vec![
            "sweep",
            "yinyang-tau0",
            "--quick",
            "--seeds",
            "2",
            "--out",
            o,
        ];
        a.extend_from_slice(extra);
        json(&run(&a))
    };
    let v = sweep(&[]);
    let n = v["points"].as_u64().unwrap() as usize;
    assert_eq!(v["ran"].as_u64().unwrap() as usize, n);
    let full = records(&out);
    assert_eq!(full.len(), n);
    // Cut the file inside its last line, as a killed run leaves it.
    let text = std::fs::read_to_string(&out).unwrap();
    let cut = text.len() - text.lines().last().unwrap().len() / 2 - 1;
    std::fs::write(&out, &text[..cut]).unwrap();
    let v = sweep(&[]);
    assert_eq!(v["already_done"].as_u64().unwrap() as usize, n - 1);
    assert_eq!(v["ran"], 1);
    let again = records(&out);
    assert_eq!(again.len(), n);
    assert_eq!(experiments::keys(&again), experiments::keys(&full));
    // Nothing left to do.
    assert_eq!(sweep(&[])["ran"], 0);
    // Three shards give the same points, and merge to the same results.
    let mut shard_files = Vec::new();
    for i in 0..3 {
        let f = d.join(format!("s{i}.jsonl"));
        let v = json(&run(&[
            "sweep",
            "yinyang-tau0",
            "--quick",
            "--seeds",
            "2",
            "--shard",
            &format!("{i}/3"),
            "--out",
            f.to_str().unwrap(),
        ]));
        assert!(v["points"].as_u64().unwrap() > 0);
        shard_files.push(f.to_str().unwrap().to_string());
    }
    let merged = d.join("m.jsonl");
    let mut args = vec!["merge"];
    args.extend(shard_files.iter().map(String::as_str));
    args.extend([o, "--out", merged.to_str().unwrap()]);
    let v = json(&run(&args));
    assert_eq!(v["records"].as_u64().unwrap() as usize, n);
    assert_eq!(v["duplicates"].as_u64().unwrap() as usize, n);
    // A conflicting result for the same key is refused, naming it.
    let mut bad = full[0].clone();
    if let Outcome::Accuracy(a) = &mut bad.outcome {
        a.test_accuracy = Some(0.01);
    }
    let bad_file = d.join("bad.jsonl");
    std::fs::write(&bad_file, format!("{}\n", bad.to_line())).unwrap();
    fails_with(
        &[
            "merge",
            o,
            bad_file.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
        &["different results", &bad.key],
    );
    // A malformed line in the middle is an error naming the file and line.
    std::fs::write(
        &bad_file,
        format!("{}\n{{\n{}\n", full[0].to_line(), full[1].to_line()),
    )
    .unwrap();
    fails_with(
        &[
            "sweep",
            "yinyang-tau0",
            "--quick",
            "--out",
            bad_file.to_str().unwrap(),
        ],
        &["bad.jsonl line 2"],
    );
}

#[test]
fn plot_writes_svg_and_png_and_emit_slurm_writes_an_array_script() {
    let d = dir("plot");
    let out = d.join("r.jsonl");
    let o = out.to_str().unwrap();
    json(&run(&[
        "sweep", "mnist", "--quick", "--seeds", "2", "--out", o,
    ]));
    let svg = d.join("f.svg");
    let v = json(&run(&["plot", "mnist", o, "--out", svg.to_str().unwrap()]));
    assert_eq!(v["records"], 2);
    assert_eq!(v["summary"][0]["seeds"], serde_json::json!([1, 2]));
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let png = d.join("f.png");
    json(&run(&["plot", "mnist", o, "--out", png.to_str().unwrap()]));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    fails_with(
        &["plot", "mimic", o, "--out", svg.to_str().unwrap()],
        &["no results of experiment mimic"],
    );
    fails_with(
        &["plot", "mnist", o, "--out", "f.pdf"],
        &["--out", ".svg or .png"],
    );
    fails_with(&["sweep", "mnist", "--shard", "3/3"], &["--shard", "3/3"]);
    fails_with(&["sweep", "nope"], &["yinyang-lag"]);

    let script = d.join("job.sh");
    let v = json(&run(&[
        "sweep",
        "yinyang-lag",
        "--quick",
        "--seeds",
        "3",
        "--engine",
        "steadnet",
        "--emit-slurm",
        script.to_str().unwrap(),
        "--shards",
        "5",
        "--out",
        o,
    ]));
    assert_eq!(v["shards"], 5);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.starts_with("#!/bin/bash"));
    assert!(text.contains("#SBATCH --array=0-4"), "{text}");
    assert!(
        text.contains("sweep yinyang-lag --seeds 3 --quick --engine steadnet --shard \"$id/5\""),
        "{text}"
    );
    assert!(text.contains("r.shard-\"$id\".jsonl"), "{text}");
}
