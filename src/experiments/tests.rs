//! Unit tests of points, keys, the line parser, sharding and merging. Running the
//! experiments is tested in `tests/experiments.rs`.

use super::*;

fn record(seed: u64, acc: f64) -> Record {
    let pts = points(Experiment::YinYangTauW, Scale::Quick, 3).unwrap();
    let p = pts.into_iter().find(|p| p.seed == seed).unwrap();
    Record::new(
        p,
        Outcome::Accuracy(record::AccuracyOutcome {
            test_accuracy: Some(acc),
            val_accuracy: Some(acc),
            test_mse: Some(0.1),
            patterns: 300,
            diverged: None,
        }),
        1.5,
    )
}

#[test]
fn keys_are_unique_stable_and_name_every_setting() {
    for exp in Experiment::ALL {
        for scale in Scale::ALL {
            if scale == Scale::Short && !exp.has_short() {
                continue;
            }
            let pts = points(exp, scale, 2).unwrap();
            let keys = pts.iter().map(Point::key).collect::<BTreeSet<_>>();
            assert_eq!(keys.len(), pts.len(), "{exp} {scale:?}: duplicate keys");
            for p in &pts {
                assert!(p.key().starts_with(&format!("{exp}/{}/", scale.name())));
                for k in p.settings.keys() {
                    assert!(p.key().contains(&format!("{k}=")), "{}", p.key());
                }
            }
        }
    }
    let p = &points(Experiment::YinYangLag, Scale::Full, 1).unwrap()[3];
    assert_eq!(
        p.key(),
        "yinyang-lag/full/engine=steadnet,learning_lag=10.0,reset_deltas=false,t_pattern=50.0/seed=1"
    );
    // More seeds add points without changing the others' keys.
    let two = points(Experiment::Mimic, Scale::Quick, 2).unwrap();
    let three = points(Experiment::Mimic, Scale::Quick, 3).unwrap();
    assert!(two.iter().all(|p| three.contains(p)));
    assert!(points(Experiment::Mimic, Scale::Quick, 0).is_err());
}

#[test]
fn the_short_scale_runs_steadnet_in_full_and_pyralnet_long_enough_to_learn() {
    use crate::model::engine::EngineKind;
    let pts = points(Experiment::YinYangLag, Scale::Short, 1).unwrap();
    // Both engines, both reset_deltas, lags on both sides of 20 ms.
    assert_eq!(pts.len(), 2 * 2 * (4 + 6));
    let lags: BTreeSet<String> = pts
        .iter()
        .map(|p| p.num("learning_lag").unwrap().to_string())
        .collect();
    assert!(lags.contains("0") && lags.contains("20") && lags.contains("80"));
    let full = yinyang::schedule(Scale::Full, EngineKind::PyraLNet);
    assert_eq!(yinyang::schedule(Scale::Short, EngineKind::SteadNet), full);
    let short = yinyang::schedule(Scale::Short, EngineKind::PyraLNet);
    assert_eq!(short.epochs * short.train_size, 9000);
    assert_eq!(short.test_size, full.test_size, "tested on as many points");
    // Only the Yin-Yang sweeps have it; the others say so by name.
    for exp in Experiment::ALL {
        let r = points(exp, Scale::Short, 1);
        assert_eq!(r.is_ok(), exp.has_short(), "{exp}");
        if let Err(e) = r {
            assert!(
                e.to_string().contains("scale") && e.to_string().contains("quick or full"),
                "{e}"
            );
        }
    }
    assert_eq!("short".parse::<Scale>().unwrap(), Scale::Short);
    assert!(
        "medium"
            .parse::<Scale>()
            .unwrap_err()
            .to_string()
            .contains("quick, short or full")
    );
    // The note says what runs, from the schedules.
    let note = scale_note(Experiment::YinYangLag, Scale::Short);
    assert!(
        note.contains("45 epochs of 6000")
            && note.contains("3 epochs of 3000")
            && note.contains("1/30"),
        "{note}"
    );
}

#[test]
fn a_figure_draws_the_largest_scale_it_has() {
    let quick = record(1, 0.9);
    let mut short = record(2, 0.8);
    short.point.scale = Scale::Short;
    let recs = vec![quick.clone(), short.clone()];
    let sel = select(Experiment::YinYangTauW, &recs);
    assert_eq!(sel.len(), 1);
    assert_eq!(sel[0].point.scale, Scale::Short);
    assert_eq!(
        select(Experiment::YinYangTauW, &recs[..1])[0].point.scale,
        Scale::Quick
    );
}

#[test]
fn experiment_names_round_trip_and_unknown_names_are_refused() {
    for e in Experiment::ALL {
        assert_eq!(e.name().parse::<Experiment>().unwrap(), e);
    }
    let e = "yinyang".parse::<Experiment>().unwrap_err().to_string();
    assert!(
        e.contains("yinyang-lag") && e.contains("\"yinyang\""),
        "{e}"
    );
}

#[test]
fn shards_are_disjoint_and_cover_the_points() {
    let pts = points(Experiment::YinYangLag, Scale::Full, 3).unwrap();
    let mut seen = BTreeSet::new();
    for i in 0..7 {
        for p in shard(pts.clone(), i, 7).unwrap() {
            assert!(seen.insert(p.key()), "{} in two shards", p.key());
        }
    }
    assert_eq!(seen.len(), pts.len());
    assert_eq!(parse_shard("2/5").unwrap(), (2, 5));
    for bad in ["5/5", "1", "a/3", "0/0", "-1/3", "1/3/4"] {
        let e = parse_shard(bad).unwrap_err().to_string();
        assert!(e.contains("--shard") && e.contains(bad), "{bad}: {e}");
    }
}

#[test]
fn a_line_round_trips() {
    let r = record(2, 0.9);
    let line = r.to_line();
    assert!(!line.contains('\n'));
    assert_eq!(parse_line(&line).unwrap(), r);
}

#[test]
fn malformed_lines_are_refused_with_the_reason() {
    let good: serde_json::Value = serde_json::from_str(&record(1, 0.9).to_line()).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "EOF"),
        ("{".into(), "EOF"),
        ("[1,2]".into(), "invalid type"),
        (edit(&|v| v["format"] = "other".into()), "format"),
        (edit(&|v| v["version"] = 2.into()), "version"),
        (edit(&|v| v["key"] = "x".into()), "does not match"),
        (edit(&|v| v["point"]["seed"] = 9.into()), "does not match"),
        (
            edit(&|v| v["point"]["experiment"] = "nope".into()),
            "experiment",
        ),
        (edit(&|v| v["extra"] = 1.into()), "unknown field"),
        (edit(&|v| v["seconds"] = (-1).into()), "seconds"),
        (
            edit(&|v| v["outcome"]["data"]["test_accuracy"] = serde_json::Value::Null),
            "exactly one of",
        ),
        (
            edit(&|v| v["outcome"]["kind"] = "curve".into()),
            "invalid type",
        ),
        (
            edit(&|v| v["outcome"]["data"]["test_accuracy"] = 1.5.into()),
            "fraction",
        ),
        (
            edit(&|v| v["outcome"]["data"]["val_accuracy"] = "x".into()),
            "invalid type",
        ),
        (
            edit(&|v| {
                v["outcome"] = serde_json::json!({"kind": "deviation",
                    "data": {"patterns": [1], "rel_rms": [0.1], "mean": 0.1}})
            }),
            "outcome kind",
        ),
        (
            edit(&|v| v["outcome"]["data"].as_object_mut().unwrap().clear()),
            "missing field",
        ),
    ];
    for (line, want) in cases {
        let e = parse_line(&line).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains(want), "{line}: {msg}");
        assert!(msg.contains("result line"), "{msg}");
    }
}

/// Property: whatever a line is cut or mangled into, the parser returns a record
/// (which then writes back to a valid line) or a named error; it never panics.
#[test]
fn mangled_lines_never_panic() {
    use crate::rng::{SimRng, Stream};
    let line = record(3, 0.75).to_line();
    let mut rng = SimRng::new(7, Stream::Data);
    let bytes = line.as_bytes();
    for case in 0..3000 {
        let mut b = bytes.to_vec();
        match case % 4 {
            0 => b.truncate(rng.below(b.len() + 1)),
            1 => {
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(b.len());
                    b[i] = (rng.bits32() & 0x7f) as u8;
                }
            }
            2 => {
                let i = rng.below(b.len());
                let j = i + rng.below(b.len() - i + 1);
                b.drain(i..j);
            }
            _ => {
                let i = rng.below(b.len());
                let dup = b[i..].to_vec();
                b.splice(i..i, dup.into_iter().take(rng.below(20)));
            }
        }
        let s = String::from_utf8_lossy(&b);
        match parse_line(&s) {
            Ok(r) => assert!(parse_line(&r.to_line()).is_ok()),
            Err(e) => assert!(matches!(e, Error::Json { .. } | Error::Data { .. }), "{e}"),
        }
    }
}

#[test]
fn a_truncated_last_line_is_reported_not_fatal() {
    let (a, b) = (record(1, 0.9).to_line(), record(2, 0.8).to_line());
    let text = format!("{a}\n{}", &b[..b.len() / 2]);
    let parsed = parse_results(&text, "f").unwrap();
    assert_eq!(parsed.records.len(), 1);
    assert_eq!(parsed.truncated_tail, Some(a.len() + 1));
    // A complete last line without its newline is a record.
    let parsed = parse_results(&format!("{a}\n\n{b}"), "f").unwrap();
    assert_eq!(parsed.records.len(), 2);
    assert_eq!(parsed.truncated_tail, None);
    // A bad line in the middle is an error with its line number.
    let e = parse_results(&format!("{a}\n{{oops\n{b}\n"), "results.jsonl")
        .unwrap_err()
        .to_string();
    assert!(e.contains("results.jsonl line 2"), "{e}");
}

#[test]
fn merge_dedupes_and_refuses_conflicts() {
    let (a, b) = (record(1, 0.9), record(2, 0.8));
    let mut a_later = a.clone();
    a_later.seconds = 99.0;
    let m = merge([
        ("x".to_string(), b.clone()),
        ("x".to_string(), a.clone()),
        ("y".to_string(), a_later),
    ])
    .unwrap();
    assert_eq!(m.records.len(), 2);
    assert_eq!(m.duplicates, 1);
    assert!(m.records[0].key < m.records[1].key);
    let conflict = record(1, 0.5);
    let e = merge([("x".to_string(), a.clone()), ("y".to_string(), conflict)])
        .unwrap_err()
        .to_string();
    assert!(e.contains(&a.key) && e.contains("x vs y"), "{e}");
}

#[test]
fn summary_gives_mean_and_sd_over_seeds() {
    let recs = vec![record(1, 0.9), record(2, 0.8), record(3, 0.7)];
    let rows = summary(Experiment::YinYangTauW, &recs);
    assert_eq!(rows.len(), 1);
    assert!((rows[0].mean - 0.8).abs() < 1e-12);
    assert!((rows[0].sd - 0.1).abs() < 1e-12);
    assert_eq!(rows[0].seeds, vec![1, 2, 3]);
    assert_eq!(mean_sd(&[2.0]), (2.0, 0.0));
}

#[test]
fn the_yinyang_sweeps_share_the_study_configuration() {
    let lag = points(Experiment::YinYangLag, Scale::Full, 1).unwrap();
    let outcome = record(1, 0.9).outcome;
    let at = |parts: &[&str]| {
        let p = lag
            .iter()
            .find(|p| parts.iter().all(|s| p.key().contains(s)))
            .unwrap()
            .clone();
        Record::new(p, outcome.clone(), 1.0)
    };
    let study = at(&[
        "pyralnet",
        "learning_lag=20.0,",
        "reset_deltas=false",
        "t_pattern=100.0",
    ]);
    let r = yinyang::same_run_in(Experiment::YinYangTau0, &study).unwrap();
    assert_eq!(r.key, "yinyang-tau0/full/engine=pyralnet,tau_0=3.0/seed=1");
    assert_eq!(r.outcome, study.outcome);
    assert_eq!(
        yinyang::params(&r.point).unwrap(),
        yinyang::params(&study.point).unwrap()
    );
    let back = yinyang::same_run_in(Experiment::YinYangLag, &r).unwrap();
    assert_eq!(back.key, study.key);
    let w = yinyang::same_run_in(Experiment::YinYangTauW, &study).unwrap();
    assert_eq!(w.key, "yinyang-tauw/full/engine=pyralnet,tau_w=30.0/seed=1");
    // Any other setting is a different run.
    let other = at(&[
        "pyralnet",
        "learning_lag=10.0,",
        "reset_deltas=false",
        "t_pattern=100.0",
    ]);
    assert!(yinyang::same_run_in(Experiment::YinYangTau0, &other).is_none());
    assert!(yinyang::same_run_in(Experiment::YinYangLag, &study).is_none());
}

/// Property: the shared sort gives std's stable `sort_by` order, ties included.
#[test]
fn shared_sort_is_std_stable_sort() {
    use crate::rng::{SimRng, Stream};
    let mut rng = SimRng::new(11, Stream::Data);
    for case in 0..500 {
        let n = rng.below(40);
        // Few distinct keys, so ties are common; the index tells tied items apart.
        let v: Vec<(u32, usize)> = (0..n)
            .map(|i| (rng.below(1 + case % 7) as u32, i))
            .collect();
        let mut want = v.clone();
        want.sort_by_key(|a| a.0);
        let mut got = v;
        point::sort_by(&mut got, |a, b| a.0.cmp(&b.0));
        assert_eq!(got, want, "case {case}");
    }
    let mut f = vec![2.5, f64::NAN, -0.0, 0.0, -1.0, f64::INFINITY];
    let mut want = f.clone();
    want.sort_by(f64::total_cmp);
    point::sort_by(&mut f, f64::total_cmp);
    assert_eq!(format!("{f:?}"), format!("{want:?}"));
}
