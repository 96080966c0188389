//! The AVX2 copy of the kernels (src/model/simd.rs) gives the baseline's bits: both
//! engines, float and the chip's formats, logistic and soft-ReLU, trained with
//! each copy from the same seed, end with the same weights, traces and history.
//! One test, because the choice is the process's.

#![cfg(not(target_arch = "wasm32"))]

use microcircuit::data;
use microcircuit::model::engine::EngineKind;
use microcircuit::model::params::{Params, Transfer};
use microcircuit::model::presets::{Schedule, Task};
use microcircuit::model::simd::{self, Simd, set_simd};
use microcircuit::train::{RunConfig, Trainer};

/// Every weight and trace as bits, and the validation history.
fn run(task: Task, p: &Params, engine: EngineKind) -> (Vec<u32>, String) {
    let schedule = Schedule {
        epochs: 2,
        train_size: 30,
        val_size: 12,
        test_size: 12,
        eta_decay: None,
    };
    let sets = data::splits_for(task, &schedule, p, None).unwrap();
    let cfg = RunConfig {
        task,
        engine,
        schedule,
        seed: 5,
        val_every: 20,
    };
    let mut t = Trainer::new(p.clone(), sets, cfg).unwrap();
    t.run(usize::MAX).unwrap();
    let net = t.engine().network();
    let (w, d) = (&net.w, &net.delta);
    let bits = [&w.up, &w.ip, &w.pi, &w.down, &d.up, &d.ip, &d.pi, &d.down]
        .into_iter()
        .flatten()
        .flat_map(|m| m.data.iter().map(|x| x.to_bits()))
        .collect();
    (bits, format!("{:?}", t.history()))
}

#[test]
fn avx2_and_baseline_kernels_give_the_same_bits() {
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    let mimic = Params::mimic();
    assert_eq!(mimic.transfer, Transfer::SoftRelu);
    let cases = [
        ("yin_yang", Task::YinYang, Params::yin_yang()),
        ("yin_yang_bss2", Task::YinYang, Params::yin_yang_bss2()),
        ("mimic (soft-ReLU)", Task::Mimic, mimic),
    ];
    for (name, task, p) in cases {
        for engine in [EngineKind::SteadNet, EngineKind::PyraLNet] {
            set_simd(Simd::Baseline);
            assert_eq!(simd::name(), "baseline");
            let base = run(task, &p, engine);
            set_simd(Simd::Auto);
            assert_eq!(simd::name(), if avx2 { "avx2" } else { "baseline" });
            let auto = run(task, &p, engine);
            assert!(base.0 == auto.0, "{name} {engine:?}: weights differ");
            assert_eq!(base.1, auto.1, "{name} {engine:?}: history differs");
        }
    }
    if !avx2 {
        eprintln!("this CPU has no AVX2: only the baseline copy was run");
    }
}
