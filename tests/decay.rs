//! A schedule's learning-rate decay (`Schedule::eta_decay`): the rates of each
//! epoch, the run's parameters kept undecayed, and an exact resume across the
//! epoch where the decay begins.

use microcircuit::data::{self, Splits};
use microcircuit::model::engine::EngineKind;
use microcircuit::model::params::Params;
use microcircuit::model::presets::{EtaDecay, Schedule, Task};
use microcircuit::train::{Checkpoint, RunConfig, Trainer};

const N: usize = 20;

fn setup(decay: Option<EtaDecay>) -> (Params, Splits, RunConfig) {
    let p = Params::yin_yang();
    let schedule = Schedule {
        epochs: 3,
        train_size: N,
        val_size: 10,
        test_size: 10,
        eta_decay: decay,
    };
    let sets = data::splits_for(Task::YinYang, &schedule, &p, None).unwrap();
    let cfg = RunConfig {
        task: Task::YinYang,
        engine: EngineKind::SteadNet,
        schedule,
        seed: 5,
        val_every: 0,
    };
    (p, sets, cfg)
}

fn trained(decay: Option<EtaDecay>, patterns: usize) -> Trainer {
    let (p, sets, cfg) = setup(decay);
    let mut t = Trainer::new(p, sets, cfg).unwrap();
    t.run(patterns).unwrap();
    t
}

fn bits(t: &Trainer) -> Vec<u32> {
    let w = &t.engine().network().w;
    [&w.up, &w.ip, &w.pi, &w.down]
        .into_iter()
        .flatten()
        .flat_map(|m| m.data.iter().map(|x| x.to_bits()))
        .collect()
}

const HALF_FROM_2: EtaDecay = EtaDecay {
    from: 2,
    factor: 0.5,
};

#[test]
fn epoch_e_trains_with_factor_to_the_power_e_minus_from_plus_one() {
    // 0-based epoch index i is epoch i+1.
    let d = EtaDecay {
        from: 3,
        factor: 0.5,
    };
    let s: Vec<f32> = (0..5).map(|i| d.scale(i)).collect();
    assert_eq!(s, [1.0, 1.0, 0.5, 0.25, 0.125]);
    assert_eq!(EtaDecay { from: 1, ..d }.scale(0), 0.5);
    assert_eq!(
        "8:0.8".parse::<EtaDecay>().unwrap(),
        EtaDecay {
            from: 8,
            factor: 0.8
        }
    );
}

#[test]
fn the_engine_trains_with_decayed_rates_and_the_run_keeps_the_base_ones() {
    let base = Params::yin_yang();
    // In epoch 1 (patterns 0..N) the rates are the base ones, in epoch 2 halved,
    // in epoch 3 quartered.
    for (patterns, s) in [(N - 1, 1.0), (N, 0.5), (2 * N + 1, 0.25)] {
        let t = trained(Some(HALF_FROM_2), patterns);
        let engine = &t.engine().network().params;
        let want: Vec<f32> = base.eta_up.iter().map(|x| x * s).collect();
        assert_eq!(engine.eta_up, want, "after {patterns} patterns");
        let want_ip: Vec<f32> = base.eta_ip.iter().map(|x| x * s).collect();
        assert_eq!(engine.eta_ip, want_ip, "after {patterns} patterns");
        assert_eq!(t.params().eta_up, base.eta_up);
        assert_eq!(
            t.checkpoint().params,
            base,
            "a checkpoint holds the base rates"
        );
    }
}

#[test]
fn decay_changes_the_run_only_from_its_first_epoch() {
    let none = trained(None, usize::MAX);
    let half = trained(Some(HALF_FROM_2), usize::MAX);
    let unit = trained(
        Some(EtaDecay {
            from: 1,
            factor: 1.0,
        }),
        usize::MAX,
    );
    let late = trained(
        Some(EtaDecay {
            from: 4,
            factor: 0.5,
        }),
        usize::MAX,
    );
    assert!(
        bits(&none) != bits(&half),
        "halved rates must change the weights"
    );
    assert!(bits(&none) == bits(&unit), "factor 1 is no decay");
    assert!(
        bits(&none) == bits(&late),
        "a decay after the last epoch changes nothing"
    );
    // The first epoch is the same with and without it.
    assert!(bits(&trained(None, N)) == bits(&trained(Some(HALF_FROM_2), N)));
}

#[test]
fn a_run_resumed_across_the_decay_matches_the_uninterrupted_one() {
    let whole = trained(Some(HALF_FROM_2), usize::MAX);
    let (_, sets, _) = setup(Some(HALF_FROM_2));
    for stop in [N - 3, N, N + 7] {
        let first = trained(Some(HALF_FROM_2), stop);
        let ck = Checkpoint::from_json(&first.checkpoint().to_json()).unwrap();
        assert_eq!(ck.config.schedule.eta_decay, Some(HALF_FROM_2));
        let mut resumed = Trainer::from_checkpoint(ck, sets.clone()).unwrap();
        assert_eq!(
            resumed.engine().network().params,
            first.engine().network().params,
            "stop {stop}: the resumed run trains with the epoch's decayed rates"
        );
        resumed.run(usize::MAX).unwrap();
        assert!(bits(&whole) == bits(&resumed), "stop {stop}");
    }
}

#[test]
fn new_parameters_mid_run_become_the_base_and_are_decayed() {
    let mut t = trained(Some(HALF_FROM_2), N + 1);
    let mut p = t.params().clone();
    p.eta_up = vec![0.004; p.eta_up.len()];
    t.set_params(p.clone()).unwrap();
    assert_eq!(t.params(), &p);
    assert_eq!(
        t.engine().network().params.eta_up,
        vec![0.002; p.eta_up.len()]
    );
}

#[test]
fn a_bad_decay_is_refused_naming_the_field() {
    for (d, field) in [
        (
            EtaDecay {
                from: 0,
                factor: 0.5,
            },
            "eta_decay.from",
        ),
        (
            EtaDecay {
                from: 2,
                factor: 0.0,
            },
            "eta_decay.factor",
        ),
        (
            EtaDecay {
                from: 2,
                factor: 1.5,
            },
            "eta_decay.factor",
        ),
        (
            EtaDecay {
                from: 2,
                factor: f32::NAN,
            },
            "eta_decay.factor",
        ),
    ] {
        let (p, sets, cfg) = setup(Some(d));
        let err = Trainer::new(p, sets, cfg)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains(field), "{err}");
    }
    for text in ["8", "x:0.5", "8:2", "0:0.5"] {
        let err = text.parse::<EtaDecay>().unwrap_err().to_string();
        assert!(err.contains("eta_decay"), "{text}: {err}");
    }
}

#[test]
fn the_page_sentence_gives_the_last_epochs_factor() {
    let d = EtaDecay {
        from: 8,
        factor: 0.8,
    };
    // Epoch 20 is the 13th decayed one: 0.8^13 = 0.055.
    assert_eq!(
        d.describe(20),
        "Learning rates × 0.8 per epoch from epoch 8 (epoch 20: × 0.055)."
    );
    assert!(d.describe(5).contains("no decay"), "{}", d.describe(5));
}
