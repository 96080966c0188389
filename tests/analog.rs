//! The analog multiply-accumulate (`arith.analog = mock`) and φ in PPU formats
//! (`arith.phi = table`) in both engines: the dendritic sums follow the exact ones
//! to within the MAC's LSB, the noise and clamp show, runs repeat per seed, the
//! table's error factors stay within one Q0.7 LSB of f32, and bad settings are
//! refused with field, value and range. `arith.analog_exact` takes the listed
//! matrices' sums exact (as `analog: ideal`) and leaves the others to the MAC; it
//! travels in checkpoints. (Worked examples of each piece: the unit
//! tests in `src/model/analog.rs` and `src/model/ppu.rs`.)

#[path = "common/cli.rs"]
mod cli;
use cli::fails_with;
use microcircuit::data;
use microcircuit::model;
use microcircuit::model::arith::{Arith, MatrixId};
use microcircuit::model::bss2::{Bss2, WeightScales};
use microcircuit::model::engine::{Dynamics, EngineKind};
use microcircuit::model::formats::{
    AnalogExact, AnalogModel, AnalogSends, ApicalMac, ArithConfig, MulRounding, PhiModel,
};
use microcircuit::model::kernels::Layout;
use microcircuit::model::network::Network;
use microcircuit::model::params::{Params, Transfer};
use microcircuit::model::presets::Preset;
use microcircuit::model::steadnet::SteadNet;
use microcircuit::model::weights::{Mat, Projection};
use microcircuit::train::{Checkpoint, RunConfig, Trainer};

const X: [f32; 4] = [0.9, 0.3, 0.1, 0.7];

/// Settles yin_yang_bss2 (analog ideal, or mock with `sends` and noise `sigma`,
/// without the preset's ½ LSB centring) on X and returns (v_B,1, v_B,2, v_A,1).
fn settle(analog: AnalogModel, sends: u32, sigma: f32, seed: u64) -> [Vec<f32>; 3] {
    settle_centred(analog, sends, sigma, seed, false)
}

fn settle_centred(
    analog: AnalogModel,
    sends: u32,
    sigma: f32,
    seed: u64,
    center: bool,
) -> [Vec<f32>; 3] {
    let mut p = Params::yin_yang_bss2();
    p.arith.analog = analog;
    p.arith.analog_noise = sigma;
    p.arith.analog_center = center;
    p.arith.analog_sends = Some(AnalogSends {
        up: vec![sends; 2],
        ip: vec![sends],
        pi: vec![sends],
        down: vec![sends],
    });
    let mut net = Network::new(p.clone(), 3).unwrap();
    let hw = Bss2::new(&p, seed);
    hw.quantise(&mut net);
    let mut sim = SteadNet::with_arith(net, hw);
    sim.run(&X, None, false);
    let s = &sim.state;
    [s.v_b[1].clone(), s.v_b[2].clone(), s.v_a[1].clone()]
}

/// One MAC LSB of W^up_k (potential units) at `sends` sends.
fn lsb(k: usize, sends: u32) -> f32 {
    let p = Params::yin_yang_bss2();
    WeightScales::new(&p).up[k] / (31.0 * p.arith.analog_gain * sends as f32)
}

#[test]
fn noiseless_mock_sums_are_the_exact_sums_floored_to_one_lsb() {
    // Six sends: an LSB of 1.4 potential units and no clamp (5 inputs: |g Σ| ≤
    // 0.012 · 5 · 31 · 63 = 117); the hidden layer's basal sums lie within one
    // LSB below the exact ones (floor), never above.
    let sends = 6;
    let exact = settle(AnalogModel::Ideal, sends, 0.0, 1);
    let mock = settle(AnalogModel::Mock, sends, 0.0, 1);
    let l = lsb(1, sends);
    for (e, m) in exact[0].iter().zip(&mock[0]) {
        assert!(
            *m <= *e + 1e-3 * l && *m > e - l * 1.001,
            "v_B,1: mock {m}, exact {e}, LSB {l}"
        );
    }
    // Centred (the preset's `analog_center`): ½ LSB added back, so the noiseless
    // sums round to the nearest LSB, within ½ LSB either side.
    let centred = settle_centred(AnalogModel::Mock, sends, 0.0, 1, true);
    let mut above = false;
    for (e, m) in exact[0].iter().zip(&centred[0]) {
        assert!(
            (m - e).abs() <= 0.5001 * l,
            "v_B,1: centred {m}, exact {e}, LSB {l}"
        );
        above |= *m > *e + 1e-3 * l;
    }
    assert!(above, "no centred sum above its exact value: still floored");
    // At one send (hxtorch's gain 0.002) the hidden LSB is 8 potential units:
    // every basal sum of this input is a few codes at most.
    let coarse = settle(AnalogModel::Mock, 1, 0.0, 1);
    let l1 = lsb(1, 1);
    assert!(l1 > 8.0, "{l1}");
    for v in &coarse[0] {
        let code = v / l1;
        assert!(
            (code - code.round()).abs() < 1e-3 && code.abs() <= 127.0,
            "{code}"
        );
    }
    // Noise: the same seed repeats, another seed differs, and the sums scatter by
    // about σ LSB around the noiseless ones.
    let a = settle(AnalogModel::Mock, sends, 2.0, 1);
    assert_eq!(a, settle(AnalogModel::Mock, sends, 2.0, 1));
    assert_ne!(a, settle(AnalogModel::Mock, sends, 2.0, 2));
    let dev: Vec<f32> = (a[0].iter().zip(&mock[0]))
        .map(|(x, y)| (x - y) / l)
        .collect();
    let rms = (dev.iter().map(|d| d * d).sum::<f32>() / dev.len() as f32).sqrt();
    assert!(
        (1.4..2.8).contains(&rms),
        "rms deviation {rms} LSB at σ = 2"
    );
}

#[test]
fn both_engines_learn_reproducibly_with_the_analog_mock_and_the_phi_table() {
    for kind in [EngineKind::PyraLNet, EngineKind::SteadNet] {
        let n = if kind == EngineKind::PyraLNet { 2 } else { 100 };
        let p = Params::yin_yang_bss2();
        assert_eq!(
            (p.arith.analog, p.arith.phi),
            (AnalogModel::Mock, PhiModel::Table)
        );
        let run = |p: &Params, seed: u64| {
            let net = Network::new(p.clone(), seed).unwrap();
            let mut eng = model::build(kind, net, seed);
            let before = eng.network().checksum();
            for i in 0..n {
                let t = [[1.0, 0.1, 0.1], [0.1, 1.0, 0.1], [0.1, 0.1, 1.0]][i % 3];
                let out = eng.train(&X, &t).unwrap();
                assert!(out.iter().all(|x| x.is_finite()), "{kind:?}: {out:?}");
            }
            (before, eng.network().checksum())
        };
        let (before, c1) = run(&p, 5);
        assert_ne!(before, c1, "{kind:?}: nothing learned");
        assert_eq!(c1, run(&p, 5).1, "{kind:?}: same seed, different weights");
        assert_ne!(c1, run(&p, 6).1, "{kind:?}");
        let mut ideal = p.clone();
        ideal.arith.analog = AnalogModel::Ideal;
        assert_ne!(c1, run(&ideal, 5).1, "{kind:?}: the mock changed nothing");
    }
}

#[test]
fn table_error_factors_stay_within_one_q7_lsb_of_f32() {
    let mut p = Params::yin_yang_bss2();
    p.arith.analog = AnalogModel::Ideal;
    let m = MatrixId {
        proj: Projection::Up,
        k: 1,
    };
    let unit = p.arith.rate_max / p.arith.error_gain_up.as_ref().unwrap()[0];
    let u: Vec<f32> = (0..400).map(|i| -2.2 + i as f32 * 0.011).collect();
    let v: Vec<f32> = u.iter().map(|x| x * 0.93 + 0.02).collect();
    let mut f32_out = vec![0.0; u.len()];
    p.arith.phi = PhiModel::F32;
    Bss2::new(&p, 1).prediction_error(m, Transfer::Logistic, 1.0, &u, &u, &v, &mut f32_out);
    let mut worst = 0.0f32;
    for mode in [MulRounding::Nearest, MulRounding::Floor, MulRounding::Zero] {
        p.arith.phi = PhiModel::Table;
        p.arith.gain_rounding = mode;
        let mut t = vec![0.0; u.len()];
        Bss2::new(&p, 1).prediction_error(m, Transfer::Logistic, 1.0, &u, &u, &v, &mut t);
        let lsbs: Vec<f32> = (t.iter().zip(&f32_out))
            .map(|(a, b)| (a - b) / unit * 128.0)
            .collect();
        for d in &lsbs {
            assert!(d.abs() <= 1.0 + 1e-3, "{mode:?}: {d} LSB");
        }
        if mode == MulRounding::Nearest {
            worst = lsbs.iter().fold(0.0, |w, d| w.max(d.abs()));
        } else {
            // Floor never rounds up, toward zero never away from zero.
            let sum: f32 = lsbs.iter().sum();
            assert!(sum < 0.0 || mode == MulRounding::Zero, "{mode:?}: {sum}");
        }
    }
    assert!(worst <= 1.0, "{worst}");
}

#[test]
fn bad_analog_and_phi_settings_are_refused_with_field_value_and_range() {
    let bad = |f: &dyn Fn(&mut Params), needles: &[&str]| {
        let mut p = Params::yin_yang_bss2();
        f(&mut p);
        let e = p.validate().unwrap_err().to_string();
        for n in needles {
            assert!(e.contains(n), "{n:?} not in {e}");
        }
    };
    bad(
        &|p| p.arith.analog_gain = 0.0,
        &["arith.analog_gain", "0", "0 < analog_gain <= 1000"],
    );
    bad(
        &|p| p.arith.analog_gain = f32::NAN,
        &["arith.analog_gain", "NaN"],
    );
    bad(
        &|p| p.arith.analog_noise = 200.0,
        &["arith.analog_noise", "200", "0 <= analog_noise <= 128"],
    );
    bad(
        &|p| p.arith.analog_offset = -1.0,
        &["arith.analog_offset", "-1", "0 <= analog_offset"],
    );
    let sends = |up: Vec<u32>, ip: Vec<u32>| AnalogSends {
        up,
        ip,
        pi: vec![1],
        down: vec![1],
    };
    bad(
        &|p| p.arith.analog_sends = Some(sends(vec![1], vec![1])),
        &["arith.analog_sends.up", "[1]", "2 value(s)"],
    );
    bad(
        &|p| p.arith.analog_sends = Some(sends(vec![1, 2], vec![0])),
        &["arith.analog_sends.ip[0]", "0", "1 <= sends <= 10000"],
    );
    let exact = |up: Vec<bool>, down: Vec<bool>| AnalogExact {
        up,
        ip: vec![false],
        pi: vec![false],
        down,
    };
    bad(
        &|p| p.arith.analog_exact = Some(exact(vec![true], vec![false])),
        &["arith.analog_exact.up", "[true]", "2 value(s)"],
    );
    bad(
        &|p| p.arith.analog_exact = Some(exact(vec![true, false], vec![])),
        &["arith.analog_exact.down", "[]", "1 value(s)"],
    );
    let joint = |p: &mut Params| p.arith.analog_apical = ApicalMac::Joint;
    bad(
        &|p| {
            joint(p);
            p.arith.analog_sends.as_mut().unwrap().pi = vec![327];
        },
        &[
            "arith.analog_apical",
            "joint",
            "analog_sends.down[0] and .pi[0]",
        ],
    );
    bad(
        &|p| {
            joint(p);
            p.arith.analog_exact = Some(exact_only(&[MATRICES[3]]));
        },
        &[
            "arith.analog_apical",
            "joint",
            "analog_exact.down[0] and .pi[0]",
        ],
    );
    let fine = |up: Vec<u32>, down: u32| AnalogSends {
        up,
        ip: vec![0],
        pi: vec![0],
        down: vec![down],
    };
    bad(
        &|p| p.arith.analog_fine_sends = Some(fine(vec![131, 0], 0)),
        &[
            "arith.analog_fine_sends.up[0]",
            "131",
            "132 <= sends <= 10000",
            "= 131",
        ],
    );
    bad(
        &|p| p.arith.analog_fine_sends = Some(fine(vec![0], 0)),
        &["arith.analog_fine_sends.up", "[0]", "2 value(s)"],
    );
    bad(
        &|p| {
            joint(p);
            p.arith.analog_fine_sends = Some(fine(vec![0, 0], 1000));
        },
        &[
            "arith.analog_apical",
            "joint",
            "analog_fine_sends.down[0] and .pi[0]",
        ],
    );
    bad(
        &|p| p.transfer = Transfer::SoftRelu,
        &["arith.phi", "table", "soft_relu"],
    );
    let base = [
        "train",
        "--preset",
        "yin_yang_bss2",
        "--epochs",
        "1",
        "--train-size",
        "10",
    ];
    for (extra, needle) in [
        (["--analog", "exact"], "mock or ideal"),
        (["--phi", "lut"], "table or f32"),
        (["--gain-rounding", "up"], "floor, zero or nearest"),
        (["--analog-gain", "0"], "arith.analog_gain"),
        (["--analog-noise", "inf"], "arith.analog_noise"),
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        fails_with(&args, &[needle]);
    }
    fails_with(
        &["train", "--preset", "yin_yang", "--analog", "mock"],
        &["--analog", "only with --arith bss2"],
    );
}

/// `arith.analog_exact` listing exactly the matrices in `on` (yin_yang_bss2's five).
fn exact_only(on: &[MatrixId]) -> AnalogExact {
    let is = |proj, k| on.contains(&MatrixId { proj, k });
    AnalogExact {
        up: vec![is(Projection::Up, 1), is(Projection::Up, 2)],
        ip: vec![is(Projection::Ip, 1)],
        pi: vec![is(Projection::Pi, 1)],
        down: vec![is(Projection::Down, 1)],
    }
}

const MATRICES: [MatrixId; 5] = [
    MatrixId {
        proj: Projection::Up,
        k: 1,
    },
    MatrixId {
        proj: Projection::Up,
        k: 2,
    },
    MatrixId {
        proj: Projection::Ip,
        k: 1,
    },
    MatrixId {
        proj: Projection::Pi,
        k: 1,
    },
    MatrixId {
        proj: Projection::Down,
        k: 1,
    },
];

#[test]
fn a_matrix_listed_exact_sums_as_analog_ideal_and_the_others_through_the_mac() {
    let mut p = Params::yin_yang_bss2();
    // Two readouts for the pair, so that one of them can be exact.
    (p.arith.analog_offset, p.arith.analog_apical) = (1.0, ApicalMac::Split);
    let mut net = Network::new(p.clone(), 3).unwrap();
    Bss2::new(&p, 1).quantise(&mut net);
    // Rates on the 5-bit grid, a different one per input size.
    let rates = |n: usize| -> Vec<f32> {
        let mut r: Vec<f32> = (0..n).map(|i| ((i * 7 + n) % 11) as f32 / 10.0).collect();
        Bss2::new(&p, 1).synaptic_rates(&mut r);
        r
    };
    let with = |arith: &dyn Fn(&mut ArithConfig)| {
        let mut q = p.clone();
        arith(&mut q.arith);
        q.validate().unwrap();
        Bss2::new(&q, 1)
    };
    // One sum of a fresh emulation (same noise stream each time): basal or
    // interneuron through `dendrite`, the apical pair through `apical_sum`.
    let sum = |arith: &dyn Fn(&mut ArithConfig), m: MatrixId| -> Vec<f32> {
        let mut hw = with(arith);
        let w: &Mat = &net.w.get(m.proj)[m.k];
        let mut out = vec![0.0; w.rows];
        hw.dendrite(m, w, Layout::Rows, &rates(w.cols), &mut out);
        out
    };
    let apical = |arith: &dyn Fn(&mut ArithConfig)| -> Vec<f32> {
        let mut hw = with(arith);
        let (down, pi) = (&net.w.down[1], &net.w.pi[1]);
        let mut out = vec![0.0; down.rows];
        let (r, r_i) = (rates(down.cols), rates(pi.cols));
        hw.apical_sum(1, Layout::Rows, down, &r, pi, &r_i, &mut out);
        out
    };
    let ideal = |a: &mut ArithConfig| a.analog = AnalogModel::Ideal;
    let mock = |_: &mut ArithConfig| {};
    for m in MATRICES {
        let only = |a: &mut ArithConfig| a.analog_exact = Some(exact_only(&[m]));
        for other in MATRICES {
            let (got, want_ideal, want_mock) =
                (sum(&only, other), sum(&ideal, other), sum(&mock, other));
            assert_ne!(want_ideal, want_mock, "{other:?}: the MAC changed nothing");
            let want = if other == m { want_ideal } else { want_mock };
            assert_eq!(got, want, "{m:?} exact, sum of {other:?}");
        }
    }
    // The apical pair: one exact and one MAC, added as the two MACs are.
    let (down, pi) = (MATRICES[4], MATRICES[3]);
    let add =
        |a: Vec<f32>, b: Vec<f32>| -> Vec<f32> { a.iter().zip(&b).map(|(x, y)| x + y).collect() };
    let down_only = |a: &mut ArithConfig| a.analog_exact = Some(exact_only(&[down]));
    assert_eq!(apical(&down_only), add(sum(&ideal, down), sum(&mock, pi)));
    let pi_only = |a: &mut ArithConfig| a.analog_exact = Some(exact_only(&[pi]));
    assert_eq!(apical(&pi_only), add(sum(&mock, down), sum(&ideal, pi)));
    let both = |a: &mut ArithConfig| a.analog_exact = Some(exact_only(&[down, pi]));
    assert_eq!(apical(&both), apical(&ideal));
    assert_ne!(apical(&mock), apical(&ideal));
}

#[test]
fn every_matrix_exact_trains_as_analog_ideal_bit_for_bit() {
    for kind in [EngineKind::PyraLNet, EngineKind::SteadNet] {
        let n = if kind == EngineKind::PyraLNet { 2 } else { 60 };
        let run = |arith: &dyn Fn(&mut ArithConfig)| {
            let mut p = Params::yin_yang_bss2();
            arith(&mut p.arith);
            let net = Network::new(p, 4).unwrap();
            let mut eng = model::build(kind, net, 4);
            for i in 0..n {
                let t = [[1.0, 0.1, 0.1], [0.1, 1.0, 0.1], [0.1, 0.1, 1.0]][i % 3];
                eng.train(&X, &t).unwrap();
            }
            eng.network().checksum()
        };
        let ideal = run(&|a| a.analog = AnalogModel::Ideal);
        let mock = run(&|_| {});
        assert_ne!(ideal, mock, "{kind:?}");
        assert_eq!(
            run(&|a| a.analog_exact = Some(exact_only(&MATRICES))),
            ideal,
            "{kind:?}: all exact is not analog ideal"
        );
        // None listed is the preset; one listed is neither.
        assert_eq!(run(&|a| a.analog_exact = Some(exact_only(&[]))), mock);
        let one = run(&|a| a.analog_exact = Some(exact_only(&MATRICES[..1])));
        assert!(one != ideal && one != mock, "{kind:?}");
    }
}

#[test]
fn analog_exact_travels_in_checkpoints_and_only_when_set() {
    let preset = Preset::by_name("yin_yang_bss2").unwrap();
    let mut schedule = preset.schedule.clone();
    (schedule.epochs, schedule.train_size) = (1, 30);
    (schedule.val_size, schedule.test_size) = (10, 10);
    let sets = data::splits_for(preset.task, &schedule, &preset.params, None).unwrap();
    let cfg = RunConfig {
        task: preset.task,
        engine: EngineKind::SteadNet,
        schedule,
        seed: 2,
        val_every: 0,
    };
    let mut p = preset.params.clone();
    let listed = exact_only(&[MATRICES[0], MATRICES[2]]);
    p.arith.analog_exact = Some(listed.clone());
    let mut whole = Trainer::new(p.clone(), sets.clone(), cfg.clone()).unwrap();
    whole.run(usize::MAX).unwrap();
    let mut first = Trainer::new(p, sets.clone(), cfg.clone()).unwrap();
    first.run(13).unwrap();
    let text = first.checkpoint().to_json();
    assert!(text.contains("analog_exact"), "not saved");
    let ck = Checkpoint::from_json(&text).unwrap();
    let mut resumed = Trainer::from_checkpoint(ck, sets.clone()).unwrap();
    let net = resumed.engine().network();
    assert_eq!(net.params.arith.analog_exact, Some(listed));
    resumed.run(usize::MAX).unwrap();
    assert_eq!(
        resumed.engine().network().checksum(),
        whole.engine().network().checksum(),
        "resumed with the exact matrices, the run ends where the whole one does"
    );
    // Without it the checkpoint has no such key (older files read the same).
    let plain = Trainer::new(preset.params.clone(), sets, cfg).unwrap();
    assert!(!plain.checkpoint().to_json().contains("analog_exact"));
}

#[test]
fn a_joint_apical_mac_is_one_readout_of_both_projections_in_both_engines() {
    // yin_yang_bss2 starts self-predicting: W^pi_1 = −W^down_1 code for code, so
    // with equal input codes the joint readout is the offset and noise alone.
    let mut p = Params::yin_yang_bss2();
    assert_eq!(p.arith.analog_apical, ApicalMac::Joint, "the preset's");
    (p.arith.analog_noise, p.arith.analog_center) = (0.0, false);
    let mut net = Network::new(p.clone(), 3).unwrap();
    let mut hw = Bss2::new(&p, 1);
    hw.quantise(&mut net);
    let (down, pi) = (&net.w.down[1], &net.w.pi[1]);
    let mut r = vec![0.3f32, 0.7, 0.5];
    hw.synaptic_rates(&mut r);
    let mut out = vec![1.0; down.rows];
    hw.apical_sum(1, Layout::Rows, down, &r, pi, &r, &mut out);
    assert!(out.iter().all(|&v| v == 0.0), "{out:?}");
    // Split, the same state reads −1 LSB wherever g S is not an integer.
    p.arith.analog_apical = ApicalMac::Split;
    let mut split = vec![0.0; down.rows];
    Bss2::new(&p, 1).apical_sum(1, Layout::Rows, down, &r, pi, &r, &mut split);
    assert!(
        split.iter().filter(|&&v| v < 0.0).count() > down.rows / 2,
        "{split:?}"
    );
    // Trained, joint differs from split in both engines, and with the pair exact
    // the two are the same run.
    for kind in [EngineKind::PyraLNet, EngineKind::SteadNet] {
        let n = if kind == EngineKind::PyraLNet { 2 } else { 60 };
        let run = |arith: &dyn Fn(&mut ArithConfig)| {
            let mut p = Params::yin_yang_bss2();
            arith(&mut p.arith);
            let mut eng = model::build(kind, Network::new(p, 4).unwrap(), 4);
            for i in 0..n {
                let t = [[1.0, 0.1, 0.1], [0.1, 1.0, 0.1], [0.1, 0.1, 1.0]][i % 3];
                eng.train(&X, &t).unwrap();
            }
            eng.network().checksum()
        };
        let split = |a: &mut ArithConfig| a.analog_apical = ApicalMac::Split;
        assert_ne!(run(&|_| {}), run(&split), "{kind:?}");
        let pair = exact_only(&MATRICES[3..]);
        assert_eq!(
            run(&|a| a.analog_exact = Some(pair.clone())),
            run(&|a| (split(a), a.analog_exact = Some(pair.clone())).1),
            "{kind:?}"
        );
    }
    // Off the self-predicting start the pair shares the larger scale.
    let mut q = Params::yin_yang_bss2();
    q.init.mode = model::params::InitMode::Random;
    q.init.w_pi = model::params::Range { lo: -1.0, hi: 1.0 };
    q.arith.analog_apical = ApicalMac::Split;
    let s = WeightScales::new(&q);
    assert!(s.pi[1] < s.down[1]);
    q.arith.analog_apical = ApicalMac::Joint;
    let j = WeightScales::new(&q);
    assert_eq!((j.down[1], j.pi[1]), (s.down[1], s.down[1]));
}

#[test]
fn a_finer_second_readout_of_w_up_1_reads_its_sums_closer_in_both_engines() {
    // The preset's W^up_1 at 131 sends (1 LSB = 1/16 of a potential unit) and
    // also at 524: the basal sums of 200 random inputs, without noise, against
    // the exact sums of the same codes.
    let up1 = MatrixId {
        proj: Projection::Up,
        k: 1,
    };
    let mut p = Params::yin_yang_bss2();
    p.arith.analog_noise = 0.0;
    let mut net = Network::new(p.clone(), 3).unwrap();
    Bss2::new(&p, 1).quantise(&mut net);
    let w = &net.w.up[1];
    let rng = microcircuit::rng::SimRng::new(9, microcircuit::rng::Stream::Init);
    let errors = |p: &Params| {
        let mut hw = Bss2::new(p, 1);
        let (mut err, mut worst) = (0.0f64, 0.0f32);
        let mut rng = rng.clone();
        for _ in 0..200 {
            let mut r: Vec<f32> = (0..w.cols).map(|_| rng.uniform(0.0, 1.0)).collect();
            hw.synaptic_rates(&mut r);
            let (mut v, mut exact) = (vec![0.0; w.rows], vec![0.0; w.rows]);
            hw.dendrite(up1, w, Layout::Rows, &r, &mut v);
            model::kernels::matvec(&w.data, w.rows, w.cols, &r, &mut exact);
            for (a, b) in v.iter().zip(&exact) {
                err += (a - b).abs() as f64;
                worst = worst.max((a - b).abs());
            }
        }
        (err / (200 * w.rows) as f64, worst)
    };
    let (coarse, coarse_worst) = errors(&p);
    let mut q = p.clone();
    q.arith.analog_fine_sends = Some(AnalogSends {
        up: vec![524, 0],
        ip: vec![0],
        pi: vec![0],
        down: vec![0],
    });
    let (fine, fine_worst) = errors(&q);
    // Centred floors: mean error ¼ LSB at each gain, so about 4× smaller.
    assert!(
        fine < coarse / 3.0,
        "mean |error| fine {fine} vs coarse {coarse}"
    );
    assert!(fine_worst <= coarse_worst, "{fine_worst} vs {coarse_worst}");
    assert!(
        q.arith
            .describe()
            .contains("also read finer: up_1 at 524 sends")
    );
    // Trained, the second readout changes the run in both engines.
    for kind in [EngineKind::PyraLNet, EngineKind::SteadNet] {
        let n = if kind == EngineKind::PyraLNet { 2 } else { 60 };
        let run = |p: &Params| {
            let mut eng = model::build(kind, Network::new(p.clone(), 4).unwrap(), 4);
            for i in 0..n {
                let t = [[1.0, 0.1, 0.1], [0.1, 1.0, 0.1], [0.1, 0.1, 1.0]][i % 3];
                eng.train(&X, &t).unwrap();
            }
            eng.network().checksum()
        };
        let (mut p, mut q) = (Params::yin_yang_bss2(), Params::yin_yang_bss2());
        q.arith.analog_fine_sends = Some(AnalogSends {
            up: vec![524, 0],
            ip: vec![0],
            pi: vec![0],
            down: vec![0],
        });
        assert_ne!(run(&p), run(&q), "{kind:?}");
        p.arith.analog_exact = Some(exact_only(&MATRICES[..1]));
        q.arith.analog_exact = p.arith.analog_exact.clone();
        assert_eq!(
            run(&p),
            run(&q),
            "{kind:?}: W^up_1 exact, its readouts unused"
        );
    }
}
