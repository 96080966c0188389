//! Behaviour of the simulation core (SPEC §1–4): fixed points, the self-predicting
//! state, a hand-computed trajectory, learning, determinism, and config errors.

use microcircuit::data::{Dataset, Targets, mimic};
use microcircuit::model;
use microcircuit::model::engine::{Engine, EngineKind};
use microcircuit::model::network::{Network, State};
use microcircuit::model::params::{InitMode, LowpassStart, Params, Range};
use microcircuit::model::weights::Mat;
use microcircuit::{Error, PyraLNet, SteadNet};

const ENGINES: [EngineKind; 2] = [EngineKind::PyraLNet, EngineKind::SteadNet];

/// Relative RMS deviation `sqrt(Σ(a−b)² / Σ b²)`.
fn rel_rms(a: &[f32], b: &[f32]) -> f64 {
    let num: f64 = a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum();
    let den: f64 = b.iter().map(|y| (*y as f64).powi(2)).sum();
    (num / den).sqrt()
}

fn all_potentials(s: &State) -> Vec<f32> {
    s.u.iter().chain(&s.u_i).flatten().copied().collect()
}

/// A network with two hidden layers, random lateral weights, bias on.
fn deep_params() -> Params {
    let mut p = Params::yin_yang();
    p.layers = vec![3, 8, 6, 2];
    p.eta_up = vec![0.0; 3];
    p.eta_ip = vec![0.0; 2];
    p.eta_pi = vec![0.0; 2];
    p.eta_down = vec![0.0; 2];
    p.init.mode = InitMode::Random;
    p.init.w_up = Range::sym(1.0);
    p
}

#[test]
fn pyralnet_settles_to_steadnet_fixed_point() {
    let mut shallow = Params::yin_yang();
    shallow.init.mode = InitMode::Random;
    shallow.eta_up = vec![0.0; 2];
    shallow.eta_ip = vec![0.0];
    for p in [shallow, deep_params()] {
        let net = Network::new(p.clone(), 3).unwrap();
        let x: Vec<f32> = (0..p.layers[0]).map(|i| 0.2 + 0.15 * i as f32).collect();
        let t: Vec<f32> = (0..p.layers[p.n_layers()])
            .map(|i| 0.3 * i as f32)
            .collect();
        for target in [None, Some(t.as_slice())] {
            let mut sim = PyraLNet::new(net.clone(), 1);
            // 300 ms ≫ τ_0 = 3 ms and τ ≈ 0.5 ms: the transient is gone.
            for _ in 0..3 {
                sim.present(&x, target, false).unwrap();
            }
            let mut st = net.clone();
            st.params.n_passes = 200;
            let mut stead = SteadNet::new(st);
            stead.present(&x, target, false).unwrap();
            let dev = rel_rms(&all_potentials(&sim.state), &all_potentials(&stead.state));
            assert!(
                dev < 1e-3,
                "layers {:?} target {target:?}: relative RMS {dev}",
                p.layers
            );
        }
    }
}

#[test]
fn self_predicting_state_is_a_fixed_point_of_lateral_plasticity() {
    for mut p in [Params::yin_yang(), deep_params()] {
        p.init.mode = InitMode::SelfPredicting;
        let nh = p.n_hidden();
        // Small enough for SteadNet's discrete step: dT η Σ r_I² < 2 keeps the
        // SPS stable under the update (larger rates overshoot and oscillate).
        p.eta_ip = vec![0.005; nh];
        p.eta_pi = vec![0.005; nh];
        let net = Network::new(p.clone(), 5).unwrap();
        let x: Vec<f32> = (0..p.layers[0]).map(|i| 0.9 - 0.2 * i as f32).collect();
        for kind in ENGINES {
            let mut n = net.clone();
            n.params.n_passes = 50;
            let mut eng = model::build(kind, n, 1);
            // Settle without plasticity, then learn without a target.
            for _ in 0..3 {
                eng.present(&x, None, false).unwrap();
            }
            let before = eng.network().w.clone();
            for _ in 0..5 {
                eng.present(&x, None, true).unwrap();
            }
            let s = eng.state();
            assert!(
                s.mean_abs_apical() < 1e-5,
                "{kind:?}: |v_A| = {}",
                s.mean_abs_apical()
            );
            for k in 1..p.n_layers() {
                let dev = rel_rms(&s.u_i[k], &s.u[k + 1]);
                assert!(dev < 1e-5, "{kind:?} layer {k}: u_I vs u_(k+1) {dev}");
                let w = &eng.network().w;
                for (a, b) in [(&w.ip[k], &before.ip[k]), (&w.pi[k], &before.pi[k])] {
                    let change = rel_rms(&a.data, &b.data);
                    assert!(
                        change < 1e-6,
                        "{kind:?} layer {k}: lateral weights moved by {change}"
                    );
                }
            }
        }
    }
}

/// A 1-1-1 network, logistic φ, no bias, x = 1, target 0.4, starting at rest
/// (u = 0, r = φ(0) = 1/2, r_0 = 0, u_trgt = 0) with plasticity on.
fn tiny() -> PyraLNet {
    let mut p = Params::mimic();
    p.layers = vec![1, 1, 1];
    p.transfer = microcircuit::model::params::Transfer::Logistic;
    p.eta_up = vec![0.5, 0.5];
    p.eta_ip = vec![0.5];
    p.eta_pi = vec![0.5];
    let mut net = Network::new(p, 0).unwrap();
    let one = |v: f32| Mat {
        rows: 1,
        cols: 1,
        data: vec![v],
    };
    net.w.up[1] = one(0.5);
    net.w.up[2] = one(-0.8);
    net.w.ip[1] = one(0.6);
    net.w.pi[1] = one(-0.2);
    net.w.down[1] = one(0.3);
    PyraLNet::new(net, 0)
}

#[test]
fn short_euler_trajectory_matches_hand_computation() {
    let mut sim = tiny();
    sim.step(&[1.0], Some(&[0.4]), true);
    // Step 1 by hand (g_l 0.1, g_B = g_D = 1, g_A = g_som = 0.8, dt 0.1, τ_0 3):
    // r_0 = 0.1/3 = 0.03333, u_trgt = 0.4 · 0.1/3 = 0.01333,
    // v_B1 = 0.5 · 0.03333 = 0.01667, v_A = 0.3 · 0.5 − 0.2 · 0.5 = 0.05,
    // u_1 = 0.1 · (0.01667 + 0.8 · 0.05) = 0.005667,
    // v_B2 = −0.8 · 0.5 = −0.4, u_2 = 0.1 · (−0.4 + 0.8 · 0.01333) = −0.038933,
    // v_I = 0.6 · 0.5 = 0.3, u_I = 0.1 · (0.3 + 0.8 · 0) = 0.03.
    let s = &sim.state;
    let close = |a: f32, b: f64| (a as f64 - b).abs() < 2e-7 * b.abs().max(1.0);
    assert!(close(s.u[1][0], 0.005_666_666_666_666_666), "{}", s.u[1][0]);
    assert!(close(s.u[2][0], -0.038_933_333_333_333_34), "{}", s.u[2][0]);
    assert!(close(s.u_i[1][0], 0.03), "{}", s.u_i[1][0]);
    // Two more steps, and the weights and traces after them, computed in f64 with
    // the same update order (step, then W += dt η Δ_old, Δ += dt/τ_w (E − Δ)).
    sim.step(&[1.0], Some(&[0.4]), true);
    sim.step(&[1.0], Some(&[0.4]), true);
    let s = &sim.state;
    assert!(close(s.u[1][0], 0.017_539_351_707_828_034), "{}", s.u[1][0]);
    assert!(close(s.u[2][0], -0.093_472_146_191_910_88), "{}", s.u[2][0]);
    assert!(
        close(s.u_i[1][0], 0.066_137_272_763_179_02),
        "{}",
        s.u_i[1][0]
    );
    let (w, d) = (&sim.net.w, &sim.net.delta);
    assert!(close(w.up[2].data[0], -0.799_978_316_123_662_5));
    assert!(close(w.ip[1].data[0], 0.599_983_673_119_706_7));
    assert!(close(w.pi[1].data[0], -0.200_012_174_789_213_24));
    let close_d = |a: f32, b: f64| (a as f64 - b).abs() < 1e-5 * b.abs();
    assert!(
        close_d(d.up[1].data[0], -1.995_583_394_972_634e-6),
        "{}",
        d.up[1].data[0]
    );
    assert!(close_d(d.up[2].data[0], 4.053_067_551_201_643_4e-4));
    assert!(close_d(d.ip[1].data[0], -3.056_396_302_164_226_3e-4));
    assert!(close_d(d.pi[1].data[0], -2.317_998_083_645_025_4e-4));
}

#[test]
fn low_pass_starts_at_the_first_pattern_or_at_zero() {
    // One Euler step per pattern, so the state after `present` is the step by hand.
    for (start, u1, u2) in [
        // r_0 = 1, u_trgt = 0.4 at once: u_1 = 0.1 (0.5 + 0.8 · 0.05) = 0.054,
        // u_2 = 0.1 (−0.4 + 0.8 · 0.4) = −0.008.
        (LowpassStart::FirstPattern, 0.054, -0.008),
        // From 0, as in the hand-computed trajectory above.
        (
            LowpassStart::Zero,
            0.005_666_666_666_666_666,
            -0.038_933_333_333_333_34,
        ),
    ] {
        let mut sim = tiny();
        let p = &mut sim.net.params;
        (p.t_pattern, p.learning_lag, p.out_lag, p.lowpass_start) = (0.1, 0.0, 0.0, start);
        sim.present(&[1.0], Some(&[0.4]), false).unwrap();
        let s = &sim.state;
        let close = |a: f32, b: f64| (a as f64 - b).abs() < 2e-7 * b.abs().max(1.0);
        assert!(close(s.u[1][0], u1), "{start:?}: u_1 {}", s.u[1][0]);
        assert!(close(s.u[2][0], u2), "{start:?}: u_2 {}", s.u[2][0]);
        // Later patterns low-pass from where the last one left: r_0 = r + (0 − r)/30.
        let r0 = s.r[0][0];
        sim.present(&[0.0], Some(&[0.4]), false).unwrap();
        assert!(close(sim.state.r[0][0], r0 as f64 * (1.0 - 0.1 / 3.0)));
        // Back at rest, the next pattern starts the low-pass again.
        sim.reset_state();
        sim.present(&[1.0], Some(&[0.4]), false).unwrap();
        assert!(close(sim.state.u[1][0], u1), "{start:?} after reset");
    }
}

fn mse(eng: &mut dyn Engine, data: &Dataset) -> f64 {
    let Targets::Values { n_outputs, values } = &data.targets else {
        unreachable!()
    };
    let mut sum = 0.0;
    for i in 0..data.len() {
        let out = eng.evaluate(data.input(i)).unwrap();
        let t = &values[i * n_outputs..(i + 1) * n_outputs];
        sum += out
            .iter()
            .zip(t)
            .map(|(o, t)| ((o - t) as f64).powi(2))
            .sum::<f64>();
    }
    sum / (data.len() * n_outputs) as f64
}

fn train_epoch(eng: &mut dyn Engine, data: &Dataset) {
    let Targets::Values { n_outputs, values } = &data.targets else {
        unreachable!()
    };
    for i in 0..data.len() {
        eng.train(data.input(i), &values[i * n_outputs..(i + 1) * n_outputs])
            .unwrap();
    }
}

#[test]
fn mimic_task_learns_and_reaches_the_self_predicting_state() {
    let p = Params::mimic();
    let teacher = mimic::Teacher::new(&p, 11);
    let train = mimic::generate(&p, &teacher, 1000, 1).unwrap();
    let val = mimic::generate(&p, &teacher, 200, 2).unwrap();
    let mut eng = PyraLNet::new(Network::new(p, 4).unwrap(), 4);
    // Mean |v_A| at the end of evaluation patterns (no target), before and after.
    let apical = |eng: &mut PyraLNet| -> f32 {
        (0..20)
            .map(|i| {
                eng.evaluate(val.input(i)).unwrap();
                eng.state.mean_abs_apical() / 20.0
            })
            .sum()
    };
    let va0 = apical(&mut eng);
    let mse0 = mse(&mut eng, &val);
    for _ in 0..4 {
        train_epoch(&mut eng, &train);
    }
    let mse1 = mse(&mut eng, &val);
    let va1 = apical(&mut eng);
    let (d_ip, d_pi) = eng.net.sps_distance();
    eprintln!(
        "mimic: MSE {mse0:.3e} -> {mse1:.3e}, |v_A| {va0:.3e} -> {va1:.3e}, SPS distance {d_ip:.3e} {d_pi:.3e}"
    );
    assert!(mse1 * 10.0 < mse0, "MSE {mse0} -> {mse1}");
    assert!(va1 * 10.0 < va0, "|v_A| {va0} -> {va1}");
}

#[test]
fn two_hidden_layers_learn_a_teacher_in_both_engines() {
    let mut p = Params::mimic();
    p.layers = vec![2, 4, 3, 2];
    p.eta_up = vec![0.01, 0.01, 0.005];
    p.eta_ip = vec![0.01, 0.01];
    p.eta_pi = vec![0.01, 0.01];
    p.eta_down = vec![0.0, 0.0];
    p.init.mode = InitMode::SelfPredicting;
    let teacher = mimic::Teacher::new(&p, 21);
    let train = mimic::generate(&p, &teacher, 500, 1).unwrap();
    let val = mimic::generate(&p, &teacher, 100, 2).unwrap();
    for kind in ENGINES {
        let mut eng = model::build(kind, Network::new(p.clone(), 8).unwrap(), 8);
        let mse0 = mse(eng.as_mut(), &val);
        for _ in 0..4 {
            train_epoch(eng.as_mut(), &train);
        }
        let mse1 = mse(eng.as_mut(), &val);
        eprintln!("{kind:?} 2-4-3-2: MSE {mse0:.3e} -> {mse1:.3e}");
        assert!(mse1 * 5.0 < mse0, "{kind:?}: MSE {mse0} -> {mse1}");
    }
}

#[test]
fn same_seed_same_weights_other_seed_other_weights() {
    let mut p = Params::yin_yang_random_init();
    p.noise = 0.05;
    let data = microcircuit::data::yinyang::generate(5, 42)
        .unwrap()
        .to_dataset();
    for kind in ENGINES {
        let run = |seed: u64| {
            let mut eng = model::build(kind, Network::new(p.clone(), seed).unwrap(), seed);
            for i in 0..data.len() {
                let mut t = vec![0.1; 3];
                t[data.label(i).unwrap()] = 1.0;
                eng.train(data.input(i), &t).unwrap();
            }
            eng.network().w.clone()
        };
        let (a, b, c) = (run(1), run(1), run(2));
        let bits = |w: &microcircuit::model::weights::Projections| -> Vec<u32> {
            w.up.iter()
                .chain(&w.ip)
                .chain(&w.pi)
                .flat_map(|m| m.data.iter().map(|x| x.to_bits()))
                .collect()
        };
        assert_eq!(bits(&a), bits(&b), "{kind:?}: same seed, different weights");
        assert_ne!(bits(&a), bits(&c), "{kind:?}: other seed, same weights");
    }
}

#[test]
fn invalid_configs_give_named_errors() {
    type Edit = fn(&mut Params);
    let cases: &[(&str, Edit, &str)] = &[
        ("layers", |p| p.layers = vec![4], "layers"),
        ("zero size", |p| p.layers[1] = 0, "layers[1]"),
        ("huge layer", |p| p.layers[1] = 1_000_000, "layers[1]"),
        (
            "too many synapses",
            |p| p.layers = vec![784, 90_000, 10],
            "layers",
        ),
        ("negative g_l", |p| p.g_l = -0.1, "g_l"),
        ("NaN g_b", |p| p.g_b = f32::NAN, "g_b"),
        ("infinite g_som", |p| p.g_som = f32::INFINITY, "g_som"),
        ("zero dt", |p| p.dt = 0.0, "dt"),
        ("unstable dt", |p| p.dt = 1.0, "dt"),
        (
            "t_pattern not a multiple",
            |p| p.t_pattern = 100.05,
            "t_pattern",
        ),
        (
            "learning_lag too long",
            |p| p.learning_lag = 100.0,
            "learning_lag",
        ),
        ("negative out_lag", |p| p.out_lag = -1.0, "out_lag"),
        ("zero tau_w", |p| p.tau_w = 0.0, "tau_w"),
        ("negative noise", |p| p.noise = -0.1, "noise"),
        ("eta_up length", |p| p.eta_up = vec![0.1], "eta_up"),
        ("negative eta", |p| p.eta_ip = vec![-1.0], "eta_ip[0]"),
        (
            "inverted init range",
            |p| p.init.w_up = Range { lo: 1.0, hi: -1.0 },
            "init.w_up.hi",
        ),
        ("u_high below u_low", |p| p.u_high = 0.0, "u_high"),
        ("zero passes", |p| p.n_passes = 0, "n_passes"),
        ("zero exposures", |p| p.n_exposures = 0, "n_exposures"),
        ("NaN bias", |p| p.bias = Some(f32::NAN), "bias"),
    ];
    for (name, edit, field) in cases {
        let mut p = Params::yin_yang();
        edit(&mut p);
        match Network::new(p, 1) {
            Err(Error::InvalidParam {
                field: f, allowed, ..
            }) => {
                assert_eq!(&f, field, "{name}");
                assert!(!allowed.is_empty(), "{name}");
            }
            other => panic!(
                "{name}: expected InvalidParam({field}), got {:?}",
                other.map(|_| "a network")
            ),
        }
    }
    // Malformed JSON and unknown fields are refused with the reason.
    assert!(matches!(Params::from_json("{"), Err(Error::Json { .. })));
    let mut v = serde_json::to_value(Params::yin_yang()).unwrap();
    v["g_bogus"] = serde_json::json!(1.0);
    let e = Params::from_json(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("g_bogus"), "{e}");
}

#[test]
fn wrong_pattern_sizes_and_divergence_are_errors() {
    let net = Network::new(Params::yin_yang(), 1).unwrap();
    for kind in ENGINES {
        let mut eng = model::build(kind, net.clone(), 1);
        assert!(matches!(eng.evaluate(&[0.5; 3]), Err(Error::Shape { .. })));
        assert!(matches!(
            eng.train(&[0.5; 4], &[0.1; 2]),
            Err(Error::Shape { .. })
        ));
    }
    // A huge learning rate drives the potentials away; the run stops with the layer.
    let mut p = Params::yin_yang();
    p.eta_up = vec![1000.0, 1000.0];
    for kind in ENGINES {
        let mut eng = model::build(kind, Network::new(p.clone(), 1).unwrap(), 1);
        let err = (0..200)
            .find_map(|i| {
                eng.train(&[0.1 * (i % 7) as f32, 0.5, 0.2, 0.8], &[1.0, 0.1, 0.1])
                    .err()
            })
            .unwrap_or_else(|| panic!("{kind:?} did not diverge"));
        assert!(matches!(err, Error::Diverged { .. }), "{kind:?}: {err}");
    }
}
