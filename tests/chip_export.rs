//! The export for a chip run (`model::chip_export`, `microcircuit export-chip`):
//! codes × scale with the row sign give the emulation's weights bit for bit after
//! training, codes stay 6-bit, the rule's constants are the emulation's, the JSON
//! has exactly the keys docs/hardware.md documents, each matrix says whether its
//! sums were exact, and bad input is refused by name.

#[path = "common/cli.rs"]
mod cli;

use std::collections::BTreeSet;

use microcircuit::data;
use microcircuit::model::chip_export::{ChipExport, EXPORT_FORMAT, EXPORT_VERSION, Source};
use microcircuit::model::engine::EngineKind;
use microcircuit::model::formats::{AnalogExact, AnalogModel, AnalogSends, ApicalMac, ArithKind};
use microcircuit::model::network::Network;
use microcircuit::model::params::Params;
use microcircuit::model::presets::Preset;
use microcircuit::model::weights::Projection;
use microcircuit::train::{RunConfig, Trainer};

/// `yin_yang_bss2` trained for `n` patterns with `engine`; the engine's network.
fn trained(engine: EngineKind, n: usize) -> Network {
    let preset = Preset::by_name("yin_yang_bss2").unwrap();
    let mut schedule = preset.schedule.clone();
    (schedule.epochs, schedule.train_size) = (1, n);
    (schedule.val_size, schedule.test_size) = (10, 10);
    let sets = data::splits_for(preset.task, &schedule, &preset.params, None).unwrap();
    let cfg = RunConfig {
        task: preset.task,
        engine,
        schedule,
        seed: 3,
        val_every: 0,
    };
    let mut t = Trainer::new(preset.params.clone(), sets, cfg).unwrap();
    t.run(n).unwrap();
    assert!(t.is_done());
    t.engine().network().clone()
}

/// Every leaf's key path in a JSON value: `a.b`, `list[].c` for arrays of objects.
fn key_paths(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                // Leaves: values, arrays of values, null.
                let leaf = match x {
                    serde_json::Value::Object(_) => false,
                    serde_json::Value::Array(a) => !a.iter().any(|y| y.is_object()),
                    _ => true,
                };
                if leaf {
                    out.insert(p.clone());
                }
                key_paths(x, &p, out);
            }
        }
        serde_json::Value::Array(items) => {
            for x in items.iter().filter(|x| x.is_object()) {
                key_paths(x, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The key paths the fields table of docs/hardware.md's "Export for a chip run"
/// lists (every backticked name in its first column).
fn documented_keys() -> BTreeSet<String> {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/hardware.md")).unwrap();
    let section = doc
        .split("\n## Export for a chip run")
        .nth(1)
        .expect("docs/hardware.md has the section");
    let fields = section
        .split("\n| field | ")
        .nth(1)
        .expect("the section has a fields table");
    let mut keys = BTreeSet::new();
    for line in fields.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let first = line.split('|').nth(1).unwrap();
        for (i, part) in first.split('`').enumerate() {
            if i % 2 == 1 {
                keys.insert(part.to_string());
            }
        }
    }
    keys
}

#[test]
fn codes_times_scale_with_the_row_sign_are_the_trained_weights_bit_for_bit() {
    for (engine, n) in [(EngineKind::SteadNet, 300), (EngineKind::PyraLNet, 8)] {
        let net = trained(engine, n);
        let ex = ChipExport::new(&net, engine).unwrap();
        assert_eq!((ex.format.as_str(), ex.version), (EXPORT_FORMAT, 1));
        assert_eq!(ex.layers, net.params.layers);
        // The untrained network's codes differ: training moved the weights.
        let fresh = Network::new(net.params.clone(), 3).unwrap();
        let before = ChipExport::new(&fresh, engine).unwrap();
        let mut moved = 0;
        assert_eq!(ex.matrices.len(), 5);
        for (i, m) in ex.matrices.iter().enumerate() {
            let w = &net.w.get(m.proj)[m.k];
            assert_eq!((m.rows, m.cols), (w.rows, w.cols), "{}", m.name);
            assert_eq!(m.magnitude.len(), w.data.len(), "{}", m.name);
            assert_eq!(m.row.len(), w.data.len(), "{}", m.name);
            for (j, ((&mag, &row), &x)) in m.magnitude.iter().zip(&m.row).zip(&w.data).enumerate() {
                assert!(mag <= 63, "{} [{j}]: magnitude {mag}", m.name);
                assert!(row <= 1, "{} [{j}]: row {row}", m.name);
                // Code 0 is listed on the excitatory row.
                assert!(mag > 0 || row == 0, "{} [{j}]: zero on row 1", m.name);
                let v = mag as f32 * m.scale;
                let back = if row == 1 { -v } else { v };
                assert_eq!(
                    back.to_bits(),
                    x.to_bits(),
                    "{} [{j}]: {back} vs {x}",
                    m.name
                );
            }
            moved += (ex.codes(i).iter().zip(before.codes(i)))
                .filter(|(a, b)| **a != *b)
                .count();
            // W^up and W^ip learn, W^pi and W^down are fixed in this preset.
            let learns = matches!(m.proj, Projection::Up | Projection::Ip);
            assert_eq!(m.plastic, learns, "{}", m.name);
            assert_eq!(m.rule.is_some(), learns, "{}", m.name);
        }
        assert!(
            moved > 20,
            "{engine:?}: only {moved} codes moved in training"
        );
        // Both signs occur: the rows carry the sign.
        let rows: usize = ex
            .matrices
            .iter()
            .map(|m| m.row.iter().filter(|&&r| r == 1).count())
            .sum();
        assert!(rows > 100, "{engine:?}: {rows} inhibitory synapses");
    }
}

#[test]
fn the_json_round_trips_and_has_exactly_the_documented_keys() {
    let mut all = BTreeSet::new();
    for (engine, n) in [(EngineKind::SteadNet, 20), (EngineKind::PyraLNet, 1)] {
        let mut net = trained(engine, n);
        if engine == EngineKind::PyraLNet {
            // A second, finer readout of W^up_1 (the optional key).
            net.params.arith.analog_fine_sends = Some(AnalogSends {
                up: vec![524, 0],
                ip: vec![0],
                pi: vec![0],
                down: vec![0],
            });
        }
        let mut ex = ChipExport::new(&net, engine).unwrap();
        let fine: Vec<_> = ex.matrices.iter().map(|m| m.fine_sends).collect();
        let want = engine == EngineKind::PyraLNet;
        assert_eq!(fine, [want.then_some(524), None, None, None, None]);
        ex.source = Some(Source {
            preset: Some("yin_yang_bss2".into()),
            checkpoint: Some("ck.json".into()),
            seed: 3,
            epoch: 1,
            patterns: n as u64,
        });
        let text = serde_json::to_string(&ex).unwrap();
        let back = ChipExport::from_json(&text).unwrap();
        assert_eq!(
            back, ex,
            "{engine:?}: the JSON reads back to the same export"
        );
        // Scales survive as f32 exactly.
        for (a, b) in back.matrices.iter().zip(&ex.matrices) {
            assert_eq!(a.scale.to_bits(), b.scale.to_bits());
        }
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format"], "microcircuit-bss2-export");
        assert_eq!(v["version"], EXPORT_VERSION);
        key_paths(&v, "", &mut all);
    }
    let documented = documented_keys();
    let undocumented: Vec<_> = all.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&all).collect();
    assert!(
        undocumented.is_empty(),
        "keys not in docs/hardware.md: {undocumented:?}"
    );
    assert!(
        missing.is_empty(),
        "documented keys the export lacks: {missing:?}"
    );
    // Another format or version is refused by name.
    let net = trained(EngineKind::SteadNet, 1);
    let text = serde_json::to_string(&ChipExport::new(&net, EngineKind::SteadNet).unwrap())
        .unwrap()
        .replacen("\"version\":1", "\"version\":2", 1);
    let e = ChipExport::from_json(&text).unwrap_err().to_string();
    assert!(e.contains("version 2") && e.contains(EXPORT_FORMAT), "{e}");
}

#[test]
fn the_rule_constants_are_those_of_the_documented_equations() {
    let p = Preset::by_name("yin_yang_bss2").unwrap().params;
    let net = Network::new(p.clone(), 1).unwrap();
    let a = &p.arith;
    let gains = a.error_gain_up.clone().unwrap();
    for engine in [EngineKind::SteadNet, EngineKind::PyraLNet] {
        let ex = ChipExport::new(&net, engine).unwrap();
        // The rule's time step: SteadNet dT, PyraLNet P dt.
        let dt_rule = match engine {
            EngineKind::SteadNet => (p.t_pattern - p.learning_lag) as f64 / p.n_exposures as f64,
            _ => a.plasticity_every as f64 * p.dt as f64,
        };
        for m in ex.matrices.iter().filter(|m| m.plastic) {
            let r = m.rule.as_ref().unwrap();
            // W^ip_k mirrors W^up_{k+1} and takes that layer's gain.
            let g = match m.proj {
                Projection::Up => gains[m.k - 1],
                _ => gains[m.k],
            } as f64;
            let unit_post = a.rate_max as f64 / g;
            let lambda = dt_rule * r.eta as f64 * unit_post * (32.0 * a.rate_max as f64 / 31.0)
                / m.scale as f64;
            let want = (lambda * 32768.0).round();
            assert!(
                (r.lambda as f64 - want).abs() <= 1.0,
                "{engine:?} {}: Λ {} vs {want}",
                m.name,
                r.lambda
            );
            assert!((r.error_unit as f64 - unit_post).abs() < 1e-6, "{}", m.name);
            assert_eq!(
                r.error_gain,
                Some((65536.0 * g).round() as i64),
                "{}",
                m.name
            );
        }
        let t = serde_json::to_value(ex.ppu.trace_step).unwrap();
        match engine {
            EngineKind::SteadNet => {
                let a_step = dt_rule / (p.tau_w as f64 + dt_rule);
                assert_eq!(t["kind"], "discrete");
                assert_eq!(t["a"], (a_step * 32768.0).round() as i64);
                assert_eq!(t["keep"], ((1.0 - a_step) * 32768.0).round() as i64);
                assert_eq!(ex.ppu.plasticity_every, 1);
            }
            _ => {
                assert_eq!(t["kind"], "euler");
                assert_eq!(
                    t["c_d"],
                    (dt_rule / p.tau_w as f64 * 32768.0).round() as i64
                );
                assert_eq!(ex.ppu.plasticity_every, a.plasticity_every);
            }
        }
        // The preset's φ table: φ(0) = ½ at code 0 (index 128), 256 entries.
        let table = ex.ppu.phi_table.as_ref().unwrap();
        assert_eq!((table.len(), table[128]), (256, 16384));
        assert_eq!(ex.ppu.lfsr_taps.as_ref().map(|t| t[0]), Some(0xB400));
        assert_eq!(
            ex.bias.as_ref().map(|b| b.code),
            Some(16),
            "bias 0.5 → 16 of 31"
        );
        let up1 = &ex.matrices[0];
        assert_eq!((up1.name.as_str(), up1.sends), ("up_1", 131));
        assert_eq!(up1.mac_gain, a.analog_gain * 131.0);
        assert!(
            ex.matrices.iter().all(|m| !m.exact),
            "the preset: every sum by MAC"
        );
    }
}

#[test]
fn each_matrix_says_whether_the_emulation_took_its_sums_exact() {
    let mut p = Preset::by_name("yin_yang_bss2").unwrap().params;
    // The preset reads the apical pair as one MAC, and the export says so.
    let net = Network::new(p.clone(), 1).unwrap();
    let ex = ChipExport::new(&net, EngineKind::SteadNet).unwrap();
    assert_eq!(ex.analog.apical, ApicalMac::Joint);
    // W^up_2 and W^ip_1 listed exact: those two, by name.
    p.arith.analog_exact = Some(AnalogExact {
        up: vec![false, true],
        ip: vec![true],
        pi: vec![false],
        down: vec![false],
    });
    let exact = |p: &Params| -> Vec<String> {
        let ex = ChipExport::new(&Network::new(p.clone(), 1).unwrap(), EngineKind::SteadNet);
        let ex = ex.unwrap();
        let back = ChipExport::from_json(&serde_json::to_string(&ex).unwrap()).unwrap();
        assert_eq!(back, ex);
        (ex.matrices.iter().filter(|m| m.exact))
            .map(|m| m.name.clone())
            .collect()
    };
    assert_eq!(exact(&p), ["up_2", "ip_1"]);
    // `analog: ideal`: every sum is exact, whatever the list says.
    p.arith.analog = AnalogModel::Ideal;
    assert_eq!(exact(&p).len(), 5);
}

#[test]
fn a_float_network_and_a_reference_learner_are_refused_by_name() {
    let mut p = Preset::by_name("yin_yang_bss2").unwrap().params;
    let net = Network::new(p.clone(), 1).unwrap();
    let e = ChipExport::new(&net, EngineKind::Backprop)
        .unwrap_err()
        .to_string();
    assert!(e.contains("engine") && e.contains("backprop"), "{e}");
    p.arith.kind = ArithKind::Float;
    let net = Network::new(p, 1).unwrap();
    let e = ChipExport::new(&net, EngineKind::SteadNet)
        .unwrap_err()
        .to_string();
    assert!(e.contains("arith.kind") && e.contains("float"), "{e}");
    let e = ChipExport::new(
        &Network::new(Params::yin_yang(), 1).unwrap(),
        EngineKind::PyraLNet,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("arith.kind"), "{e}");
}

#[test]
fn the_cli_writes_the_export_of_a_saved_run_and_refuses_bad_input_by_name() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("chip_export_cli");
    std::fs::create_dir_all(&dir).unwrap();
    let (ck, out) = (dir.join("ck.json"), dir.join("chip.json"));
    let (ck_s, out_s) = (ck.to_str().unwrap(), out.to_str().unwrap());
    let small = [
        "--epochs",
        "1",
        "--train-size",
        "50",
        "--val-size",
        "10",
        "--test-size",
        "10",
    ];
    let mut args = vec!["train", "--preset", "yin_yang_bss2", "--engine", "steadnet"];
    args.extend(small);
    args.extend(["--save", ck_s]);
    cli::json(&cli::run(&args));
    let summary = cli::json(&cli::run(&["export-chip", "--load", ck_s, "--out", out_s]));
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(summary["bytes"], text.len());
    assert_eq!(summary["synapses"], 2046);
    let ex = ChipExport::from_json(&text).unwrap();
    let src = ex.source.as_ref().unwrap();
    assert_eq!(
        (src.preset.as_deref(), src.seed, src.patterns),
        (Some("yin_yang_bss2"), 1, 50)
    );
    // The checkpoint's weights, bit for bit.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ck).unwrap()).unwrap();
    for (i, m) in ex.matrices.iter().enumerate() {
        let w = saved["weights"][m.proj.name()][m.k]["data"]
            .as_array()
            .unwrap();
        for (c, x) in ex.codes(i).iter().zip(w) {
            assert_eq!(
                *c as f32 * m.scale,
                x.as_f64().unwrap() as f32,
                "{}",
                m.name
            );
        }
    }
    // A float run's checkpoint, a missing file, an unwritable --out.
    let float_ck = dir.join("float.json");
    let mut args = vec!["train", "--preset", "yin_yang", "--engine", "steadnet"];
    args.extend(small);
    args.extend(["--save", float_ck.to_str().unwrap()]);
    cli::json(&cli::run(&args));
    cli::fails_with(
        &[
            "export-chip",
            "--load",
            float_ck.to_str().unwrap(),
            "--out",
            out_s,
        ],
        &["float.json", "arith.kind"],
    );
    cli::fails_with(
        &["export-chip", "--load", "no/such.json", "--out", out_s],
        &["no/such.json"],
    );
    cli::fails_with(
        &[
            "export-chip",
            "--load",
            ck_s,
            "--out",
            "/no/such/dir/x.json",
        ],
        &["--out", "/no/such/dir/x.json"],
    );
}
