//! Exact resume: a run stopped at any pattern, saved as checkpoint JSON and loaded
//! again ends with the same bits as a run never stopped, for both engines, float
//! and the chip's formats (stochastic rounding, carry, readout noise; with somatic
//! noise also the chip's per-column LFSRs and 16-bit shadow weights), with and
//! without somatic noise.

use microcircuit::data::{self, Splits};
use microcircuit::model::engine::EngineKind;
use microcircuit::model::formats::{Accumulator, ArithKind, RngModel, Rounding};
use microcircuit::model::params::Params;
use microcircuit::model::presets::{Schedule, Task};
use microcircuit::train::{Checkpoint, RunConfig, Trainer};

#[derive(Debug, Clone, Copy)]
struct Case {
    engine: EngineKind,
    chip: bool,
    noise: bool,
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    for engine in [EngineKind::SteadNet, EngineKind::PyraLNet] {
        for chip in [false, true] {
            for noise in [false, true] {
                v.push(Case {
                    engine,
                    chip,
                    noise,
                });
            }
        }
    }
    v
}

fn setup(c: Case) -> (Params, Splits, RunConfig) {
    let mut p = if c.chip {
        let mut p = Params::yin_yang_bss2();
        p.arith.rounding = Rounding::Stochastic;
        p.arith.carry = true;
        p.arith.readout_noise = 1.5;
        if c.noise {
            // The realistic pieces: LFSR states and shadow registers to carry over.
            p.arith.rng = RngModel::Lfsr;
            p.arith.accumulator = Accumulator::Shadow16;
            p.arith.shadow_frac_bits = 8;
        }
        if c.engine == EngineKind::PyraLNet {
            // A period that does not divide the pattern's steps, so the phase
            // within it must be carried across the stop.
            p.arith.plasticity_every = 37;
        }
        p
    } else {
        Params::yin_yang()
    };
    assert_eq!(p.arith.kind == ArithKind::Bss2, c.chip);
    p.noise = if c.noise { 0.3 } else { 0.0 };
    let schedule = Schedule {
        epochs: 2,
        train_size: 40,
        val_size: 12,
        test_size: 12,
        eta_decay: None,
    };
    let sets = data::splits_for(Task::YinYang, &schedule, &p, None).unwrap();
    let cfg = RunConfig {
        task: Task::YinYang,
        engine: c.engine,
        schedule,
        seed: 11,
        val_every: 15,
    };
    (p, sets, cfg)
}

/// Every weight and trace, as bits.
fn bits(t: &Trainer) -> Vec<u32> {
    let net = t.engine().network();
    let (w, d) = (&net.w, &net.delta);
    [&w.up, &w.ip, &w.pi, &w.down, &d.up, &d.ip, &d.pi, &d.down]
        .into_iter()
        .flatten()
        .flat_map(|m| m.data.iter().map(|x| x.to_bits()))
        .collect()
}

fn resumed_through_json(t: &Trainer, sets: &Splits) -> Trainer {
    let ck = Checkpoint::from_json(&t.checkpoint().to_json()).unwrap();
    assert_eq!(ck.notice(), None, "a version 2 checkpoint resumes exactly");
    Trainer::from_checkpoint(ck, sets.clone()).unwrap()
}

#[test]
fn a_run_stopped_anywhere_and_resumed_ends_bit_identical() {
    for c in cases() {
        let (p, sets, cfg) = setup(c);
        let mut whole = Trainer::new(p.clone(), sets.clone(), cfg.clone()).unwrap();
        whole.run(usize::MAX).unwrap();
        // Stops inside the first and the second epoch, once between validations
        // and once right after one.
        for stop in [23, 45, 60] {
            let mut first = Trainer::new(p.clone(), sets.clone(), cfg.clone()).unwrap();
            first.run(stop).unwrap();
            let mut resumed = resumed_through_json(&first, &sets);
            assert_eq!(resumed.engine().save_state(), first.engine().save_state());
            resumed.run(usize::MAX).unwrap();
            assert!(
                bits(&whole) == bits(&resumed),
                "{c:?} stopped at pattern {stop}: weights differ from the uninterrupted run"
            );
            assert_eq!(whole.history(), resumed.history(), "{c:?} stop {stop}");
            assert_eq!(
                whole.engine().save_state(),
                resumed.engine().save_state(),
                "{c:?} stop {stop}"
            );
        }
    }
}

/// The saved state is what makes the difference: without it (a version 1 file)
/// the runs with noise, rounding streams or a plasticity phase part ways.
#[test]
fn a_version_1_checkpoint_loads_with_a_notice_and_restarts_from_rest() {
    for c in cases() {
        let (p, sets, cfg) = setup(c);
        let mut whole = Trainer::new(p.clone(), sets.clone(), cfg.clone()).unwrap();
        whole.run(usize::MAX).unwrap();
        let mut first = Trainer::new(p, sets.clone(), cfg).unwrap();
        first.run(45).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&first.checkpoint().to_json()).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("engine_state");
        o.insert("version".into(), 1.into());
        let ck = Checkpoint::from_json(&v.to_string()).unwrap();
        let notice = ck
            .notice()
            .expect("a version 1 checkpoint says it is not exact");
        assert!(notice.contains("from rest"), "{notice}");
        let mut resumed = Trainer::from_checkpoint(ck, sets).unwrap();
        resumed.run(usize::MAX).unwrap();
        // PyraLNet's potentials never settle exactly, so its run always parts
        // ways; SteadNet's only with the chip's random streams.
        let differs = c.engine == EngineKind::PyraLNet || c.chip;
        assert_eq!(bits(&whole) != bits(&resumed), differs, "{c:?}");
    }
}

#[test]
fn bad_engine_states_are_refused_with_the_field() {
    let (p, sets, cfg) = setup(Case {
        engine: EngineKind::PyraLNet,
        chip: true,
        noise: true,
    });
    let mut t = Trainer::new(p, sets.clone(), cfg).unwrap();
    t.run(30).unwrap();
    let good: serde_json::Value = serde_json::from_str(&t.checkpoint().to_json()).unwrap();
    let refused = |f: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut v = good.clone();
        f(&mut v);
        let e = Checkpoint::from_json(&v.to_string())
            .and_then(|ck| Trainer::from_checkpoint(ck, sets.clone()).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "expected {needle:?} in: {e}");
    };
    refused(
        &|v| {
            v.as_object_mut().unwrap().remove("engine_state");
        },
        "engine_state",
    );
    refused(
        &|v| v["engine_state"]["kind"] = "steadnet".into(),
        "engine_state.kind",
    );
    refused(
        &|v| v["engine_state"]["state"]["u"][1] = serde_json::json!([0.0]),
        "engine_state.state.u",
    );
    refused(
        &|v| v["engine_state"]["state"]["v_a"][1][0] = "x".into(),
        "engine_state.state.v_a[1][0]",
    );
    refused(
        &|v| v["engine_state"]["noise"]["pcg"] = "zz".into(),
        "engine_state.noise",
    );
    refused(
        &|v| {
            v["engine_state"].as_object_mut().unwrap().remove("steps");
        },
        "step count",
    );
    refused(
        &|v| v["engine_state"]["arith"]["carry"][0]["count"] = 37.into(),
        "carry[0]",
    );
    refused(
        &|v| v["engine_state"]["arith"]["carry"][0]["acc"] = serde_json::json!([1, 2]),
        "carry[0]",
    );
    refused(
        &|v| v["engine_state"]["arith"]["carry"][0]["acc"][0] = 70_000.into(),
        "16-bit shadow weight",
    );
    refused(
        &|v| v["engine_state"]["arith"]["lfsr"][0]["state"][0] = 0.into(),
        "lfsr[0]",
    );
    refused(
        &|v| v["engine_state"]["arith"]["lfsr"][0]["state"] = serde_json::json!([1, 2]),
        "postsynaptic columns",
    );
}
