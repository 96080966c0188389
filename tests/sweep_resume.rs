//! A long sweep point cut off mid-run continues from its last checkpoint and gives
//! the line an uninterrupted run gives: through the library's hook, and through
//! `microcircuit sweep` killed with SIGKILL.

#[path = "common/cli.rs"]
mod cli;
use cli::{json, run};

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use microcircuit::Error;
use microcircuit::experiments::{
    self, Experiment, Point, Resume, Scale, run_point, run_point_with,
};
use microcircuit::train::{Checkpoint, Trainer};

/// Selects one point of the quick lag sweep.
const ONE: &str = "learning_lag=20.0,reset_deltas=false,t_pattern=100.0";

fn lag_point() -> Point {
    let pts = experiments::points(Experiment::YinYangLag, Scale::Quick, 1).unwrap();
    pts.into_iter()
        .find(|p| p.key().contains(&format!("engine=pyralnet,{ONE}")))
        .expect("a quick PyraLNet lag point")
}

#[test]
fn a_point_cut_off_continues_from_its_checkpoint_with_the_same_outcome() {
    let p = lag_point();
    let whole = run_point(&p).unwrap();
    // First run: save at the third call of the hook, then stop as a kill would.
    let mut saved: Option<Checkpoint> = None;
    let mut calls = 0;
    let mut save = |t: &Trainer| {
        calls += 1;
        if calls == 3 {
            saved = Some(t.checkpoint());
            return Err(Error::data("test", "cut off"));
        }
        Ok(())
    };
    let cut = run_point_with(
        &p,
        &mut Resume {
            from: None,
            save: Some(&mut save),
        },
    );
    assert!(cut.unwrap_err().to_string().contains("cut off"));
    let ck = saved.unwrap();
    assert!(ck.patterns > 0 && !ck.engine_state.as_ref().unwrap().state.u.is_empty());
    let again = run_point_with(
        &p,
        &mut Resume {
            from: Some(ck.clone()),
            save: None,
        },
    )
    .unwrap();
    assert_eq!(whole, again);
    // A checkpoint of another run (other seed) is not resumed: the point starts anew.
    let mut other = ck;
    other.config.seed += 1;
    let fresh = run_point_with(
        &p,
        &mut Resume {
            from: Some(other),
            save: None,
        },
    )
    .unwrap();
    assert_eq!(whole, fresh);
}

#[test]
fn a_killed_sweep_continues_its_point_from_the_checkpoint() {
    let dir =
        std::env::temp_dir().join(format!("microcircuit-sweep-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cut, whole) = (dir.join("cut.jsonl"), dir.join("whole.jsonl"));
    let key = lag_point().key();
    let args = |out: &std::path::Path| -> Vec<String> {
        [
            "sweep",
            "yinyang-lag",
            "--quick",
            "--seeds",
            "1",
            "--threads",
            "1",
            "--engine",
            "pyralnet",
            "--match",
            ONE,
            "--checkpoint-secs",
            "0.001",
            "--out",
            out.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec()
    };
    let a: Vec<String> = args(&whole);
    json(&run(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    let points = dir.join("cut.jsonl.points");
    let mut child = Command::new(env!("CARGO_BIN_EXE_microcircuit"))
        .args(args(&cut))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    // A finished checkpoint, not the temporary file it is written to first.
    let written = || {
        std::fs::read_dir(&points).is_ok_and(|d| {
            d.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
    };
    while !written() {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "no point checkpoint written"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(&cut).unwrap_or_default(),
        "",
        "killed before the line"
    );

    let b: Vec<String> = args(&cut);
    let out = run(&b.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{key}: continues from pattern")),
        "{err}"
    );
    json(&out);
    let line = |path: &std::path::Path| {
        let text = std::fs::read_to_string(path).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("seconds");
        v
    };
    assert_eq!(line(&whole), line(&cut));
    assert!(
        !points.exists(),
        "the checkpoint is removed with its point done"
    );
}
