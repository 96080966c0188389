//! The BrainScaleS-2 arithmetic (SPEC §6) in both engines: weights on the 6-bit
//! grid, floor rounding stalls sub-LSB learning while stochastic rounding follows
//! the float update, determinism per seed, old configs and checkpoints, and bad
//! settings. (Format semantics: the unit tests in `src/model/bss2.rs`.)

use std::process::Command;

use microcircuit::data;
use microcircuit::model;
use microcircuit::model::arith::MatrixId;
use microcircuit::model::bss2::{W_MAX, WeightScales};
use microcircuit::model::engine::EngineKind;
use microcircuit::model::formats::{ArithKind, Rounding};
use microcircuit::model::network::Network;
use microcircuit::model::params::Params;
use microcircuit::model::presets::{Schedule, Task};
use microcircuit::model::weights::Projection;
use microcircuit::train::{Checkpoint, RunConfig, Trainer};

const ENGINES: [EngineKind; 2] = [EngineKind::PyraLNet, EngineKind::SteadNet];

fn bss2(mut p: Params, rounding: Rounding) -> Params {
    p.arith.kind = ArithKind::Bss2;
    p.arith.rounding = rounding;
    p
}

/// Yin-Yang's output layer alone (4 inputs + bias → 3 outputs).
fn shallow(eta: f32) -> Params {
    let mut p = Params::yin_yang();
    p.layers = vec![4, 3];
    p.eta_up = vec![eta];
    p.eta_ip = vec![];
    p.eta_pi = vec![];
    p.eta_down = vec![];
    p
}

/// Every weight as its code `W / s`, checked to be an integer in −63..=63.
fn codes(net: &Network) -> Vec<i32> {
    let scales = WeightScales::new(&net.params);
    let mut out = Vec::new();
    for proj in [
        Projection::Up,
        Projection::Ip,
        Projection::Pi,
        Projection::Down,
    ] {
        for (k, m) in net.w.get(proj).iter().enumerate() {
            let s = scales.get(MatrixId { proj, k });
            for &w in &m.data {
                let c = w / s;
                assert!(
                    (c - c.round()).abs() < 1e-3,
                    "{proj:?}{k}: {w} is not on the grid of {s}"
                );
                assert!(c.abs() <= W_MAX as f32 + 1e-3, "{proj:?}{k}: code {c}");
                out.push(c.round() as i32);
            }
        }
    }
    out
}

/// Trains `n` patterns of constant input and target; returns the weight codes
/// before and after (codes on the grid of `p`'s scales even for float runs).
fn drive(p: &Params, kind: EngineKind, target: f32, n: usize) -> (Vec<f32>, Vec<f32>) {
    let net = Network::new(p.clone(), 11).unwrap();
    let mut eng = model::build(kind, net, 11);
    let before = eng.network().w.up[1].data.clone();
    let x = [0.9f32, 0.3, 0.1, 0.7];
    let t = [target; 3];
    for _ in 0..n {
        eng.train(&x, &t).unwrap();
    }
    (before, eng.network().w.up[1].data.clone())
}

/// Mean change of W^up_1 in weight LSB of the BSS-2 scale.
fn mean_change_lsb(p: &Params, before: &[f32], after: &[f32]) -> f64 {
    let s = WeightScales::new(p).up[1] as f64;
    after
        .iter()
        .zip(before)
        .map(|(a, b)| (a - b) as f64 / s)
        .sum::<f64>()
        / before.len() as f64
}

#[test]
fn floor_rounding_stalls_small_updates_and_stochastic_rounding_follows_float() {
    // Target 1 lies above every output and all rates are positive: every update is
    // potentiation, each far below one weight LSB at this learning rate.
    let eta = 1e-4;
    for kind in ENGINES {
        let n = if kind == EngineKind::PyraLNet {
            150
        } else {
            600
        };
        let float = shallow(eta);
        let (b, a) = drive(&float, kind, 1.0, n);
        let want = mean_change_lsb(&bss2(float.clone(), Rounding::Floor), &b, &a);
        assert!(want > 3.0, "{kind:?}: float moved {want} LSB");

        let floor = bss2(shallow(eta), Rounding::Floor);
        let (b, a) = drive(&floor, kind, 1.0, n);
        assert_eq!(a, b, "{kind:?}: floor rounding moved a weight");

        let stoch = bss2(shallow(eta), Rounding::Stochastic);
        let (b, a) = drive(&stoch, kind, 1.0, n);
        let got = mean_change_lsb(&stoch, &b, &a);
        if kind == EngineKind::SteadNet {
            assert!(
                (got - want).abs() < 0.25 * want,
                "{kind:?}: stochastic {got} LSB vs float {want} LSB"
            );
        } else {
            // PyraLNet's trace takes steps of dt/τ_w = 1/300 through the floor
            // multiply, which drops up to 300 Q0.15 LSB of E − Δ: Δ stays below E and
            // the weights move less than in float (about 40 % here), but they move.
            assert!(
                got > 0.25 * want && got < want,
                "{kind:?}: stochastic {got} LSB vs float {want} LSB"
            );
        }
    }
}

#[test]
fn a_write_back_interval_holds_the_weights_then_writes_the_sum() {
    // Potentiation far below one LSB per update, as above. With an interval of 20 the
    // weights stay put for 19 updates; the 20th writes the accumulated change, so
    // even floor rounding moves them (it drops < 1 LSB per write, not every update),
    // and stochastic rounding follows the per-update write-back in expectation.
    let eta = 1e-4;
    let n = 600;
    let every = 20;
    let with = |r: Rounding| {
        let mut p = bss2(shallow(eta), r);
        p.arith.write_back_every = every;
        p
    };
    let (b, a) = drive(
        &with(Rounding::Floor),
        EngineKind::SteadNet,
        1.0,
        every as usize - 1,
    );
    assert_eq!(a, b, "a weight moved before the write-back");
    let float = shallow(eta);
    let (b, a) = drive(&float, EngineKind::SteadNet, 1.0, n);
    let want = mean_change_lsb(&with(Rounding::Floor), &b, &a);
    assert!(want > 3.0, "float moved {want} LSB");
    let floor = with(Rounding::Floor);
    let (b, a) = drive(&floor, EngineKind::SteadNet, 1.0, n);
    let got = mean_change_lsb(&floor, &b, &a);
    let writes = (n / every as usize) as f64;
    assert!(
        got > want - writes && got <= want + 0.25,
        "floor with write-back every {every}: {got} LSB vs float {want} LSB"
    );
    let stoch = with(Rounding::Stochastic);
    let (b, a) = drive(&stoch, EngineKind::SteadNet, 1.0, n);
    let got = mean_change_lsb(&stoch, &b, &a);
    assert!(
        (got - want).abs() < 0.25 * want,
        "stochastic with write-back every {every}: {got} LSB vs float {want} LSB"
    );
    // The default (1) is left out of configs.
    let default = bss2(shallow(eta), Rounding::Stochastic);
    assert!(
        !serde_json::to_string(&default.arith)
            .unwrap()
            .contains("write_back")
    );
    let json = serde_json::to_string(&floor.arith).unwrap();
    assert!(json.contains("\"write_back_every\":20"), "{json}");
}

#[test]
fn floor_rounding_turns_sub_lsb_depression_into_whole_lsb_steps() {
    // The mirror case (target below the outputs): floor costs one LSB per update
    // however small the depression, the downward bias of SPEC §6.
    let eta = 1e-4;
    let n = 40;
    let float = shallow(eta);
    let (b, a) = drive(&float, EngineKind::SteadNet, -1.0, n);
    let want = mean_change_lsb(&bss2(float.clone(), Rounding::Floor), &b, &a);
    assert!(want < 0.0 && want > -2.0, "float {want}");
    let floor = bss2(shallow(eta), Rounding::Floor);
    let (b, a) = drive(&floor, EngineKind::SteadNet, -1.0, n);
    let got = mean_change_lsb(&floor, &b, &a);
    assert!(got < -0.9 * n as f64, "floor {got} LSB after {n} updates");
}

/// Trains `n` patterns whose target alternates between `hi` and `lo` (updates that
/// largely cancel); returns W^up_1 before and after.
fn alternate(p: &Params, n: usize) -> (Vec<f32>, Vec<f32>) {
    let net = Network::new(p.clone(), 11).unwrap();
    let mut eng = model::build(EngineKind::SteadNet, net, 11);
    let before = eng.network().w.up[1].data.clone();
    let x = [0.9f32, 0.3, 0.1, 0.7];
    for i in 0..n {
        let t = if i % 2 == 0 { 1.0 } else { -1.0 };
        eng.train(&x, &[t; 3]).unwrap();
    }
    (before, eng.network().w.up[1].data.clone())
}

/// RMS over synapses of (emulated change − float change), in weight LSB.
fn rms_from_float_lsb(p: &Params, float: (&[f32], &[f32]), got: (&[f32], &[f32])) -> f64 {
    let s = WeightScales::new(p).up[1] as f64;
    let n = float.0.len() as f64;
    let sq: f64 = (0..float.0.len())
        .map(|i| {
            let f = (float.1[i] - float.0[i]) as f64 / s;
            let g = (got.1[i] - got.0[i]) as f64 / s;
            (g - f) * (g - f)
        })
        .sum();
    (sq / n).sqrt()
}

#[test]
fn carry_keeps_sub_lsb_updates_and_bounds_the_rounding_walk() {
    // (1) Sub-LSB potentiation, as above: floor alone drops all of it; floor with
    // carry keeps the remainder and moves the weights as far as stochastic rounding
    // does in expectation (within 25 % of float, like it), deterministically.
    let eta = 1e-4;
    let n = 600;
    let with = |r: Rounding, carry: bool| {
        let mut p = bss2(shallow(eta), r);
        p.arith.carry = carry;
        p
    };
    let float = shallow(eta);
    let (b, a) = drive(&float, EngineKind::SteadNet, 1.0, n);
    let want = mean_change_lsb(&with(Rounding::Floor, true), &b, &a);
    assert!(want > 3.0, "float moved {want} LSB");
    for r in [Rounding::Floor, Rounding::Stochastic] {
        let p = with(r, true);
        let (b, a) = drive(&p, EngineKind::SteadNet, 1.0, n);
        let got = mean_change_lsb(&p, &b, &a);
        assert!(
            (got - want).abs() < 0.25 * want,
            "{r:?} with carry: {got} LSB vs float {want} LSB"
        );
    }
    // (2) Updates of a few tenths of an LSB that alternate in sign: float barely
    // moves, stochastic rounding alone random-walks (a variance of about |u| LSB²
    // per update), with carry the codes stay near the float path.
    let eta = 3e-3;
    let n = 400;
    let float = shallow(eta);
    let (fb, fa) = alternate(&float, n);
    let mut rms = Vec::new();
    for carry in [false, true] {
        let p = with(Rounding::Stochastic, carry);
        let p = Params {
            eta_up: vec![eta],
            ..p
        };
        let (b, a) = alternate(&p, n);
        rms.push(rms_from_float_lsb(&p, (&fb, &fa), (&b, &a)));
    }
    assert!(
        rms[0] > 3.0 && rms[1] < 1.5 && rms[1] < rms[0] / 3.0,
        "RMS distance from the float path in LSB, without / with carry: {rms:?}"
    );
    // false is the default and left out of configs.
    let p = with(Rounding::Floor, false);
    assert!(!serde_json::to_string(&p.arith).unwrap().contains("carry"));
    let p = with(Rounding::Floor, true);
    assert!(
        serde_json::to_string(&p.arith)
            .unwrap()
            .contains("\"carry\":true")
    );
}

#[test]
fn a_plasticity_period_lets_pyralnet_traces_leave_zero() {
    // Per Euler step the trace moves by floor(dt/τ_w · (E − Δ)) in Q0.15 with
    // dt/τ_w = 1/300: small products E vanish, and W^up moves much less than in
    // float. Running the rule every 30 steps with a 30-step Δt (0.1) keeps them.
    // The weights move only on the steps the rule runs.
    let eta = 1e-4;
    let n = 150;
    let float = shallow(eta);
    let (b, a) = drive(&float, EngineKind::PyraLNet, 1.0, n);
    let chip = |every: u32| {
        let mut p = bss2(shallow(eta), Rounding::Floor);
        p.arith.carry = true;
        p.arith.plasticity_every = every;
        p
    };
    let want = mean_change_lsb(&chip(1), &b, &a);
    assert!(want > 3.0, "float moved {want} LSB");
    let moved = |every: u32| {
        let p = chip(every);
        let (b, a) = drive(&p, EngineKind::PyraLNet, 1.0, n);
        mean_change_lsb(&p, &b, &a)
    };
    let (every_step, periodic) = (moved(1), moved(30));
    assert!(
        every_step < 0.6 * want && (periodic - want).abs() < 0.25 * want,
        "float {want} LSB; emulated, rule every step {every_step}, every 30 steps {periodic}"
    );
    // Weights stay put between the rule's steps: the 30th plastic step writes.
    use microcircuit::model::engine::Engine as _;
    let mut p = chip(30);
    p.eta_up = vec![0.05];
    let (lag, seed) = (p.lag_steps(), 3);
    let arith = microcircuit::model::bss2::Bss2::new(&p, seed);
    let mut net = Network::new(p, seed).unwrap();
    arith.quantise(&mut net);
    let mut sim = microcircuit::model::pyralnet::PyraLNet::with_arith(net, seed, arith);
    let x = [0.9f32, 0.3, 0.1, 0.7];
    let t = [1.0f32; 3];
    for _ in 0..lag {
        sim.step(&x, Some(&t), false);
    }
    let w = |s: &microcircuit::model::pyralnet::PyraLNet<microcircuit::model::bss2::Bss2>| {
        s.network().w.up[1].data.clone()
    };
    let mut changed_at = Vec::new();
    for _ in 0..300 {
        let before = w(&sim);
        sim.step(&x, Some(&t), true);
        if w(&sim) != before {
            changed_at.push(sim.steps());
        }
    }
    assert!(!changed_at.is_empty(), "no write in 300 steps");
    assert!(
        changed_at.iter().all(|s| s % 30 == 0),
        "weights changed at steps {changed_at:?}"
    );
}

#[test]
fn weights_stay_on_the_grid_and_saturate() {
    for kind in ENGINES {
        for rounding in [Rounding::Floor, Rounding::Stochastic] {
            // A huge learning rate drives weights into saturation.
            let mut p = bss2(Params::yin_yang(), rounding);
            p.eta_up = vec![50.0, 0.5];
            p.max_potential = 1e9;
            let net = Network::new(p.clone(), 2).unwrap();
            let mut eng = model::build(kind, net, 2);
            let n = if kind == EngineKind::PyraLNet { 3 } else { 200 };
            for i in 0..n {
                let x = [0.1 * (i % 10) as f32, 0.5, 0.9 - 0.1 * (i % 10) as f32, 0.5];
                let _ = eng.train(&x, &[1.0, 0.1, 0.1]);
            }
            let c = codes(eng.network());
            assert!(
                c.iter().any(|&c| c.abs() == W_MAX),
                "{kind:?} {rounding:?}: none saturated"
            );
            for m in eng.network().delta.up.iter().chain(&eng.network().delta.ip) {
                for &d in &m.data {
                    let q = d * 32768.0;
                    assert!(q == q.round() && q.abs() <= 32768.0, "trace {d} off Q0.15");
                }
            }
        }
    }
}

#[test]
fn the_self_predicting_state_holds_code_for_code() {
    let p = bss2(Params::yin_yang(), Rounding::Floor);
    let eng = model::build(EngineKind::SteadNet, Network::new(p.clone(), 4).unwrap(), 4);
    let net = eng.network();
    codes(net);
    let s = WeightScales::new(&p);
    for (ip, up) in net.w.ip[1].data.iter().zip(&net.w.up[2].data) {
        assert_eq!((ip / s.ip[1]).round(), (up / s.up[2]).round());
    }
    for (pi, down) in net.w.pi[1].data.iter().zip(&net.w.down[1].data) {
        assert_eq!(*pi, -down);
    }
    assert_eq!(net.sps_distance().1, 0.0);
}

fn small_run(p: Params, engine: EngineKind, seed: u64) -> Trainer {
    let schedule = Schedule {
        epochs: 1,
        train_size: 150,
        val_size: 30,
        test_size: 30,
        eta_decay: None,
    };
    let sets = data::splits_for(Task::YinYang, &schedule, &p, None).unwrap();
    let cfg = RunConfig {
        task: Task::YinYang,
        engine,
        schedule,
        seed,
        val_every: 0,
    };
    Trainer::new(p, sets, cfg).unwrap()
}

#[test]
fn an_emulated_run_is_deterministic_for_a_seed() {
    let mut p = bss2(Params::yin_yang(), Rounding::Stochastic);
    p.arith.readout_noise = 1.0;
    for engine in ENGINES {
        let n = if engine == EngineKind::PyraLNet {
            4
        } else {
            150
        };
        let run = |seed| {
            let mut t = small_run(p.clone(), engine, seed);
            t.run(n).unwrap();
            t.engine().network().checksum()
        };
        assert_eq!(run(5), run(5), "{engine:?}");
        assert_ne!(run(5), run(6), "{engine:?}");
    }
    // With carry (the emulated preset), too.
    let p = Params::yin_yang_bss2();
    let run = |seed| {
        let mut t = small_run(p.clone(), EngineKind::SteadNet, seed);
        t.run(150).unwrap();
        t.engine().network().checksum()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}

#[test]
fn float_is_the_default_and_old_configs_and_checkpoints_still_load() {
    let p = Params::yin_yang();
    let json = serde_json::to_value(&p).unwrap();
    assert!(json.get("arith").is_none(), "float is left out: {json}");
    // A config written before the field existed.
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("arith");
    let back = Params::from_json(&old.to_string()).unwrap();
    assert_eq!(back.arith.kind, ArithKind::Float);
    // Partial arith objects take the defaults for the rest.
    let mut partial = json.clone();
    partial["arith"] = serde_json::json!({"kind": "bss2", "rounding": "stochastic"});
    let q = Params::from_json(&partial.to_string()).unwrap();
    assert_eq!(q.arith.kind, ArithKind::Bss2);
    assert_eq!(q.arith.rounding, Rounding::Stochastic);
    assert_eq!(q.arith.readout_noise, 0.0);
    // Unknown keys are refused like everywhere else.
    partial["arith"]["bogus"] = serde_json::json!(1);
    let e = Params::from_json(&partial.to_string())
        .unwrap_err()
        .to_string();
    assert!(e.contains("bogus"), "{e}");

    // A float checkpoint has no arith field, in its parameters or its engine state.
    let mut t = small_run(p.clone(), EngineKind::SteadNet, 3);
    t.run(20).unwrap();
    let text = t.checkpoint().to_json();
    assert!(!text.contains("\"arith\""));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], microcircuit::train::CHECKPOINT_VERSION);
    let ck = Checkpoint::from_json(&text).unwrap();
    assert_eq!(ck.params.arith.kind, ArithKind::Float);

    // An emulated run's checkpoint carries its formats and resumes on its grid.
    let hw = bss2(p, Rounding::Floor);
    let mut t = small_run(hw.clone(), EngineKind::SteadNet, 3);
    t.run(20).unwrap();
    let ck = Checkpoint::from_json(&t.checkpoint().to_json()).unwrap();
    assert_eq!(ck.params.arith, hw.arith);
    let sets = t.sets().clone();
    let mut resumed = Trainer::from_checkpoint(ck, sets).unwrap();
    assert_eq!(
        resumed.engine().network().checksum(),
        t.engine().network().checksum(),
        "building the engine again leaves grid values as they are"
    );
    // Floor rounding without readout noise draws nothing: the resumed run is exact.
    t.run(30).unwrap();
    resumed.run(30).unwrap();
    assert_eq!(
        resumed.engine().network().checksum(),
        t.engine().network().checksum()
    );
}

#[test]
fn the_arithmetic_cannot_change_during_a_run() {
    let mut t = small_run(Params::yin_yang(), EngineKind::SteadNet, 1);
    let p = bss2(Params::yin_yang(), Rounding::Floor);
    let e = t.set_params(p).unwrap_err().to_string();
    assert!(e.contains("arith") && e.contains("new run"), "{e}");
    let mut q = Params::yin_yang();
    q.eta_up[1] = 1e-3;
    t.set_params(q).unwrap();
}

#[test]
fn bad_settings_are_refused_by_name() {
    type Edit = Box<dyn Fn(&mut Params)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|p| p.arith.readout_noise = -1.0),
            "arith.readout_noise",
        ),
        (
            Box::new(|p| p.arith.readout_noise = f32::NAN),
            "arith.readout_noise",
        ),
        (Box::new(|p| p.arith.headroom = 0.0), "arith.headroom"),
        (
            Box::new(|p| p.arith.rate_max = f32::INFINITY),
            "arith.rate_max",
        ),
        (
            Box::new(|p| p.arith.potential_range = -2.0),
            "arith.potential_range",
        ),
        (
            Box::new(|p| p.arith.w_up_max = Some(vec![1.0])),
            "arith.w_up_max",
        ),
        (
            Box::new(|p| p.arith.w_up_max = Some(vec![1.0, 0.0])),
            "arith.w_up_max[1]",
        ),
        (
            Box::new(|p| p.arith.error_gain_up = Some(vec![1.0, -4.0])),
            "arith.error_gain_up[1]",
        ),
        (
            Box::new(|p| p.arith.write_back_every = 0),
            "arith.write_back_every",
        ),
        (
            Box::new(|p| p.arith.plasticity_every = 0),
            "arith.plasticity_every",
        ),
        (
            Box::new(|p| p.arith.plasticity_every = 100_001),
            "arith.plasticity_every",
        ),
    ];
    for (set, field) in cases {
        let mut p = bss2(Params::yin_yang(), Rounding::Floor);
        set(&mut p);
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains(field) && e.contains("allowed"), "{e}");
    }
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_microcircuit"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_cli_trains_and_benches_in_either_arithmetic() {
    let common = [
        "train",
        "--preset",
        "yin_yang",
        "--epochs",
        "1",
        "--train-size",
        "100",
        "--val-size",
        "20",
        "--test-size",
        "20",
    ];
    let mut args = common.to_vec();
    args.extend([
        "--arith",
        "bss2",
        "--rounding",
        "stochastic",
        "--readout-noise",
        "0.5",
    ]);
    let out = cli(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["params"]["arith"]["kind"], "bss2");
    assert_eq!(v["params"]["arith"]["rounding"], "stochastic");
    assert_eq!(v["params"]["arith"]["readout_noise"], 0.5);

    for (extra, needle) in [
        (
            vec!["--arith", "bss2", "--readout-noise=-1"],
            "arith.readout_noise",
        ),
        (vec!["--rounding", "stochastic"], "only with --arith bss2"),
        (vec!["--arith", "fixed"], "float or bss2"),
        (
            vec!["--arith", "bss2", "--rounding", "up"],
            "floor or stochastic",
        ),
        (vec!["--carry", "true"], "only with --arith bss2"),
        (vec!["--arith", "bss2", "--carry", "1"], "invalid value '1'"),
    ] {
        let mut args = common.to_vec();
        args.extend(extra);
        let out = cli(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(needle),
            "{args:?}: {err}"
        );
    }

    let out = cli(&[
        "bench",
        "--engine",
        "steadnet",
        "--patterns",
        "50",
        "--arith",
        "bss2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["arith"], "bss2");

    // The emulated preset brings its formats; --carry false and --arith float
    // override them.
    let mut args = common.to_vec();
    args[2] = "yin_yang_bss2";
    let v: serde_json::Value = serde_json::from_slice(&cli(&args).stdout).unwrap();
    let a = &v["params"]["arith"];
    assert_eq!(
        (&a["kind"], &a["rounding"], &a["carry"]),
        (&"bss2".into(), &"stochastic".into(), &true.into())
    );
    args.extend(["--carry", "false"]);
    let v: serde_json::Value = serde_json::from_slice(&cli(&args).stdout).unwrap();
    assert_eq!(v["params"]["arith"].get("carry"), None, "false is left out");
    args.truncate(common.len());
    args.extend(["--arith", "float"]);
    let v: serde_json::Value = serde_json::from_slice(&cli(&args).stdout).unwrap();
    assert_eq!(v["params"]["arith"]["kind"], "float");
}

#[test]
fn a_checkpoint_written_before_the_arith_field_loads_and_round_trips() {
    // Written by the build before this feature (commit cd34ffd): mimic, SteadNet,
    // one epoch, no `arith` field anywhere.
    let text = include_str!("data/checkpoint_v1_before_arith.json");
    assert!(!text.contains("arith"));
    let ck = Checkpoint::from_json(text).unwrap();
    assert_eq!(ck.params.arith.kind, ArithKind::Float);
    let again: serde_json::Value = serde_json::from_str(&ck.to_json()).unwrap();
    let orig: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(again, orig, "read and written back unchanged");
    let sets = data::splits_for(ck.config.task, &ck.config.schedule, &ck.params, None).unwrap();
    let t = Trainer::from_checkpoint(ck, sets).unwrap();
    assert!(t.is_done());
    assert_eq!(t.engine().kind(), EngineKind::SteadNet);
}
