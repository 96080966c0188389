//! Alignment diagnostics (src/train/alignment.rs): measured on copies, so the run is
//! unchanged; each reference learner is at 0° against itself; transposed feedback
//! makes feedback alignment backprop; the angles reach the history, checkpoints
//! (old ones without them still load) and the CSV.

use microcircuit::data::{self, Splits};
use microcircuit::model::engine::EngineKind;
use microcircuit::model::params::{Feedback, Params};
use microcircuit::model::presets::{Schedule, Task};
use microcircuit::train::alignment::{Alignment, angle_deg, probe};
use microcircuit::train::{Checkpoint, RunConfig, Trainer};

fn setup(engine: EngineKind, p: &Params, val_every: usize) -> (Splits, RunConfig) {
    let schedule = Schedule {
        epochs: 1,
        train_size: 200,
        val_size: 50,
        test_size: 50,
        eta_decay: None,
    };
    let sets = data::splits_for(Task::YinYang, &schedule, p, None).unwrap();
    let cfg = RunConfig {
        task: Task::YinYang,
        engine,
        schedule,
        seed: 4,
        val_every,
    };
    (sets, cfg)
}

fn run(engine: EngineKind, p: &Params, val_every: usize) -> Trainer {
    let (sets, cfg) = setup(engine, p, val_every);
    let mut t = Trainer::new(p.clone(), sets, cfg).unwrap();
    while !t.is_done() {
        t.run(1000).unwrap();
    }
    t
}

fn last(t: &Trainer) -> Alignment {
    t.history().last().unwrap().alignment.clone().unwrap()
}

#[test]
fn measuring_does_not_change_a_noisy_run() {
    let mut p = Params::yin_yang();
    p.noise = 0.1;
    let (sets, mut cfg) = setup(EngineKind::PyraLNet, &p, 0);
    let sets = Splits {
        train: sets.train.subset(0..40, "train").unwrap(),
        ..sets
    };
    let mut quiet = Trainer::new(p.clone(), sets.clone(), cfg.clone()).unwrap();
    quiet.set_auto_validate(false);
    quiet.run(40).unwrap();
    cfg.val_every = 5;
    let mut busy = Trainer::new(p, sets, cfg).unwrap();
    busy.run(40).unwrap();
    assert_eq!(busy.history().len(), 9);
    assert!(busy.history().iter().all(|m| m.alignment.is_some()));
    assert_eq!(
        quiet.engine().network().checksum(),
        busy.engine().network().checksum()
    );
}

#[test]
fn each_reference_learner_is_aligned_with_itself() {
    let p = Params::yin_yang();
    let bp = last(&run(EngineKind::Backprop, &p, 0));
    let fa = last(&run(EngineKind::FeedbackAlignment, &p, 0));
    assert!(bp.micro_vs_backprop_deg[0].unwrap() < 0.1, "{bp:?}");
    assert!(fa.micro_vs_fa_deg[0].unwrap() < 0.1, "{fa:?}");
    // A random W^down is far from (W^up)ᵀ; the FA update still leans toward backprop.
    assert!(fa.w_down_vs_w_up_t_deg[0].unwrap() > 45.0, "{fa:?}");
    assert!(fa.fa_vs_backprop_deg[0].unwrap() < 90.0, "{fa:?}");
    let mut t = p.clone();
    t.feedback = Feedback::Transpose;
    let steady = run(EngineKind::SteadNet, &t, 0);
    let a = last(&steady);
    assert!(a.w_down_vs_w_up_t_deg[0].unwrap() < 1e-3, "{a:?}");
    assert!(a.fa_vs_backprop_deg[0].unwrap() < 0.1, "{a:?}");
    // In the self-predicting state (the start) the microcircuit's update is
    // backprop's up to the nudging's O(λ).
    let start = steady.history()[0].alignment.clone().unwrap();
    assert!(start.micro_vs_backprop_deg[0].unwrap() < 5.0, "{start:?}");
}

#[test]
fn angles_are_geometric() {
    let a = [1.0, 0.0, 0.0];
    let b = [1.0, 1.0, 0.0];
    let deg = |x: &[f64], y: &[f64]| angle_deg(x.iter().copied(), y.iter().copied());
    assert!((deg(&a, &b).unwrap() - 45.0).abs() < 1e-9);
    assert!((deg(&a, &[-2.0, 0.0, 0.0]).unwrap() - 180.0).abs() < 1e-9);
    assert_eq!(deg(&a, &[0.0; 3]), None);
    assert_eq!(probe(6000).len(), 32);
    assert_eq!(probe(5), vec![0, 1, 2, 3, 4]);
}

#[test]
fn checkpoints_and_csv_carry_the_angles_and_old_files_load() {
    let p = Params::yin_yang();
    let t = run(EngineKind::SteadNet, &p, 0);
    let ck = t.checkpoint();
    let back = Checkpoint::from_json(&ck.to_json()).unwrap();
    assert_eq!(back.history, ck.history);
    // An older checkpoint has no alignment field.
    let mut old: serde_json::Value = serde_json::from_str(&ck.to_json()).unwrap();
    for h in old["history"].as_array_mut().unwrap() {
        h.as_object_mut().unwrap().remove("alignment");
    }
    let old = Checkpoint::from_json(&old.to_string()).unwrap();
    assert!(old.history.iter().all(|m| m.alignment.is_none()));
    // An impossible angle is refused.
    let mut bad = ck.clone();
    bad.history[0].alignment.as_mut().unwrap().micro_vs_fa_deg[0] = Some(200.0);
    let e = Checkpoint::from_json(&bad.to_json())
        .unwrap_err()
        .to_string();
    assert!(e.contains("alignment"), "{e}");
    let csv =
        microcircuit::charts::curves::Curves::new(t.history(), None, 200, "yin_yang").to_csv();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(
        "micro_vs_backprop_deg_1,micro_vs_fa_deg_1,fa_vs_backprop_deg_1,w_down_vs_w_up_t_deg_1"
    ));
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row.len(), 9);
    assert!(row[5].parse::<f64>().is_ok());
}

#[test]
fn the_alignment_experiment_records_angles_and_draws_them() {
    use microcircuit::experiments::{self, Experiment, Outcome, Record, Scale};
    let pts = experiments::points(Experiment::Alignment, Scale::Quick, 1).unwrap();
    // Yin-Yang and mimic for both microcircuit engines and feedbacks, the reference
    // learners on Yin-Yang and MNIST, and MNIST's SteadNet.
    assert_eq!(pts.len(), 8 + 2 + 3);
    let mut recs = Vec::new();
    for p in pts.iter().filter(|p| {
        p.text("task").unwrap() == "yin_yang" && p.engine() != Some(EngineKind::PyraLNet)
    }) {
        let o = experiments::run_point(p).unwrap();
        let Outcome::Alignment(a) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(a.micro_vs_backprop_deg.len(), 1);
        assert_eq!(a.micro_vs_backprop_deg[0].len(), a.patterns.len());
        assert!(a.test_accuracy.is_some());
        let r = Record::new(p.clone(), o, 0.1);
        r.check().unwrap();
        recs.push(r);
    }
    assert_eq!(recs.len(), 4);
    let rows = experiments::summary(Experiment::Alignment, &recs);
    assert!(rows.iter().all(|r| r.measure == "test accuracy"));
    let svg = experiments::svg(Experiment::Alignment, &recs).unwrap();
    assert!(svg.contains("Alignment with backprop") && svg.contains("98.7"));
}
