//! The reference learners (src/model/backprop.rs) and transposed feedback: the
//! backprop update is the gradient of the loss the output rule follows (finite
//! differences), feedback alignment uses W^down, the derived rates make the
//! microcircuit's step equal backprop's as the nudging goes to 0, and the
//! combinations the engines cannot run are refused with the field named.

use microcircuit::data::{Dataset, Splits, Targets};
use microcircuit::model;
use microcircuit::model::backprop::{self, c_layer};
use microcircuit::model::engine::EngineKind;
use microcircuit::model::formats::ArithKind;
use microcircuit::model::network::Network;
use microcircuit::model::params::{Feedback, InitMode, Params, Range, Transfer, layer};
use microcircuit::model::presets::Task;
use microcircuit::model::weights::Mat;
use microcircuit::train::{RunConfig, Trainer};

/// Two hidden layers, bias on, weights large enough that every layer's gradient
/// matters.
fn deep(transfer: Transfer) -> Params {
    let mut p = Params::yin_yang();
    p.layers = vec![4, 7, 5, 3];
    p.transfer = transfer;
    p.eta_up = vec![0.1; 3];
    p.eta_ip = vec![0.0; 2];
    p.eta_pi = vec![0.0; 2];
    p.eta_down = vec![0.0; 2];
    p.init.w_up = Range::sym(1.0);
    p.init.output = None;
    p
}

const X: [f32; 4] = [0.3, 0.8, 0.7, 0.2];
const T: [f32; 3] = [0.1, 1.0, 0.1];

/// The loss of the forward model in f64 at weights `w` (module doc of backprop.rs).
fn loss(p: &Params, w: &[Mat], x: &[f32], t: &[f32]) -> f64 {
    let nl = p.n_layers();
    let phi = |u: f64| match p.transfer {
        Transfer::Logistic => 1.0 / (1.0 + (-u).exp()),
        Transfer::SoftRelu => u.exp().ln_1p(),
    };
    let mut r: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    r.extend(p.bias.map(|b| b as f64));
    for (k, m) in w.iter().enumerate().skip(1) {
        let c = c_layer(p, k) as f64;
        let u: Vec<f64> = (0..m.rows)
            .map(|i| {
                c * (0..m.cols)
                    .map(|j| m.data[i * m.cols + j] as f64 * r[j])
                    .sum::<f64>()
            })
            .collect();
        if k == nl {
            return u
                .iter()
                .zip(t)
                .map(|(&u, &t)| backprop::loss(p.transfer, u, t as f64))
                .sum();
        }
        r = u.iter().map(|&u| phi(u)).collect();
        r.extend(p.bias.map(|b| b as f64));
    }
    unreachable!()
}

/// `−∂L/∂W^up_k` by central differences in f64.
fn fd_gradient(p: &Params, w: &[Mat], k: usize) -> Vec<f64> {
    let h = 1e-3f64;
    (0..w[k].data.len())
        .map(|i| {
            let at = |d: f64| {
                // Weights are f32; evaluate at w + d exactly by shifting in f64.
                let mut w64: Vec<Mat> = w.to_vec();
                let base = w64[k].data[i] as f64;
                w64[k].data[i] = (base + d) as f32;
                let actual = w64[k].data[i] as f64 - base;
                (loss(p, &w64, &X, &T), actual)
            };
            let ((lp, dp), (lm, dm)) = (at(h), at(-h));
            -(lp - lm) / (dp - dm)
        })
        .collect()
}

fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let num: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let den: f64 = b.iter().map(|y| y.powi(2)).sum();
    (num / den).sqrt()
}

/// The change one training pattern makes to every W^up_k.
fn step(kind: EngineKind, p: &Params, seed: u64) -> (Network, Vec<Vec<f64>>) {
    let net = Network::new(p.clone(), seed).unwrap();
    let mut eng = model::build(kind, net.clone(), seed);
    eng.train(&X, &T).unwrap();
    let dw = (1..=p.n_layers())
        .map(|k| {
            let (a, b) = (&eng.network().w.up[k].data, &net.w.up[k].data);
            a.iter().zip(b).map(|(a, b)| (a - b) as f64).collect()
        })
        .collect();
    (net, dw)
}

#[test]
fn backprop_update_is_the_finite_difference_gradient_of_the_loss() {
    for transfer in [Transfer::Logistic, Transfer::SoftRelu] {
        let mut p = deep(transfer);
        let eta = [0.5f32, 0.25, 0.125];
        p.eta_bp = Some(eta.to_vec());
        let (net, dw) = step(EngineKind::Backprop, &p, 5);
        for k in 1..=3 {
            let g = fd_gradient(&p, &net.w.up, k);
            let want: Vec<f64> = g.iter().map(|g| g * eta[k - 1] as f64).collect();
            let e = rel_err(&dw[k - 1], &want);
            assert!(e < 1e-3, "{transfer:?} layer {k}: relative error {e:.2e}");
            assert!(
                want.iter().any(|g| g.abs() > 1e-4),
                "layer {k} gradient vanishes"
            );
        }
    }
}

#[test]
fn the_loss_has_its_closed_form_and_its_gradient() {
    // Logistic closed form against quadrature-free finite differences of L in v̂:
    // ∂L/∂v̂ = φ'(v̂)(v̂ − u*), for both transfer functions.
    for f in [Transfer::Logistic, Transfer::SoftRelu] {
        for (v, t) in [(0.3, 1.0), (-1.2, 0.1), (2.5, 0.1)] {
            let h = 1e-5;
            let d = (backprop::loss(f, v + h, t) - backprop::loss(f, v - h, t)) / (2.0 * h);
            let want = backprop::phi_prime(f, v as f32) as f64 * (v - t);
            assert!(
                (d - want).abs() < 1e-6 * (1.0 + want.abs()),
                "{f:?} {v} {t}: {d} vs {want}"
            );
            assert!(backprop::loss(f, v, t) >= 0.0);
        }
        assert_eq!(backprop::loss(f, 0.4, 0.4), 0.0);
    }
}

#[test]
fn feedback_alignment_sends_the_error_through_w_down() {
    let mut p = deep(Transfer::Logistic);
    p.eta_bp = Some(vec![1.0; 3]);
    let (_, bp) = step(EngineKind::Backprop, &p, 9);
    let (_, fa) = step(EngineKind::FeedbackAlignment, &p, 9);
    // The output layer learns the same; the hidden layers differ (random W^down).
    assert!(rel_err(&fa[2], &bp[2]) < 1e-6);
    assert!(rel_err(&fa[1], &bp[1]) > 0.3 && rel_err(&fa[0], &bp[0]) > 0.3);
    // With W^down = (W^up)ᵀ they coincide.
    p.feedback = Feedback::Transpose;
    let (net, fa) = step(EngineKind::FeedbackAlignment, &p, 9);
    let (_, bp) = step(EngineKind::Backprop, &p, 9);
    for k in 0..3 {
        assert!(rel_err(&fa[k], &bp[k]) < 1e-5, "layer {}", k + 1);
    }
    let (up, down) = (&net.w.up[2], &net.w.down[1]);
    assert_eq!(down.data[3 * down.cols + 2], up.data[2 * up.cols + 3]);
}

#[test]
fn derived_rates_give_the_microcircuits_step_as_the_nudging_vanishes() {
    // SteadNet in the self-predicting state with W^down = (W^up)ᵀ, a trace that
    // follows E at once (τ_w ≪ T) and weak nudging: one pattern moves every W^up
    // as backprop does with the derived rates, up to O(λ).
    let mut p = deep(Transfer::Logistic);
    p.init.mode = InitMode::SelfPredicting;
    p.feedback = Feedback::Transpose;
    p.tau_w = 1e-3;
    p.n_passes = 8;
    p.eta_up = vec![0.02, 0.01, 0.001];
    let mut errs = Vec::new();
    for g_som in [0.08f32, 0.02] {
        p.g_som = g_som;
        let (_, micro) = step(EngineKind::SteadNet, &p, 3);
        let (_, bp) = step(EngineKind::Backprop, &p, 3);
        errs.push(
            (0..3)
                .map(|k| rel_err(&micro[k], &bp[k]))
                .collect::<Vec<_>>(),
        );
    }
    for k in 0..3 {
        // First order in λ: a quarter of the nudging gives about a quarter of it.
        assert!(errs[1][k] < 0.02, "layer {}: {errs:?}", k + 1);
        assert!(errs[1][k] < 0.4 * errs[0][k], "layer {}: {errs:?}", k + 1);
    }
    let r = backprop::derived_rates(&p);
    assert_eq!(r.len(), 3);
    assert!(
        (layer(&r, 3) / layer(&p.eta_up, 3) - 80.0 * p.lambda_out() / c_layer(&p, 3)).abs() < 1e-3
    );
}

fn yy_sets(n: usize) -> Splits {
    let set = |name: &str, off: usize| {
        let inputs: Vec<f32> = (0..n * 4)
            .map(|i| ((i * 7 + off) % 13) as f32 / 13.0)
            .collect();
        Dataset {
            name: name.into(),
            n_inputs: 4,
            inputs,
            targets: Targets::Labels {
                labels: (0..n).map(|i| (i % 3) as u16).collect(),
                n_classes: 3,
            },
        }
    };
    Splits {
        train: set("train", 0),
        val: set("val", 3),
        test: set("test", 5),
    }
}

fn config(engine: EngineKind) -> RunConfig {
    let preset = microcircuit::Preset::by_name("yin_yang").unwrap();
    let mut schedule = preset.schedule.clone();
    schedule.epochs = 1;
    RunConfig {
        task: Task::YinYang,
        engine,
        schedule,
        seed: 1,
        val_every: 0,
    }
}

#[test]
fn chip_formats_are_refused_with_the_field_named() {
    let mut p = Params::yin_yang_bss2();
    for engine in [EngineKind::Backprop, EngineKind::FeedbackAlignment] {
        let e = Trainer::new(p.clone(), yy_sets(6), config(engine))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("`arith`") && e.contains("float"), "{e}");
    }
    assert_eq!(p.arith.kind, ArithKind::Bss2);
    p.feedback = Feedback::Transpose;
    let e = p.validate().unwrap_err().to_string();
    assert!(e.contains("`feedback`"), "{e}");
}

#[test]
fn transposed_feedback_follows_w_up_and_keeps_the_self_predicting_w_pi() {
    let mut p = Params::yin_yang();
    p.feedback = Feedback::Transpose;
    let mut t = Trainer::new(p, yy_sets(30), config(EngineKind::SteadNet)).unwrap();
    let before = t.engine().network().w.up[2].clone();
    t.run(30).unwrap();
    let net = t.engine().network();
    assert_ne!(net.w.up[2], before, "W^up_2 learned");
    let (up, down, pi) = (&net.w.up[2], &net.w.down[1], &net.w.pi[1]);
    for i in 0..down.rows {
        for j in 0..down.cols {
            assert_eq!(down.data[i * down.cols + j], up.data[j * up.cols + i]);
        }
    }
    assert!(pi.data.iter().zip(&down.data).all(|(a, b)| *a == -b));
    // Fixed feedback draws the same W^up (the stream is unchanged).
    let fixed = Network::new(Params::yin_yang(), 1).unwrap();
    let mut tp = Params::yin_yang();
    tp.feedback = Feedback::Transpose;
    assert_eq!(Network::new(tp, 1).unwrap().w.up, fixed.w.up);
}
