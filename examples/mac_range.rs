//! Is the analog MAC's range or its learning the limit? Trains `yin_yang_bss2` with
//! exact sums (`analog: ideal`), then tests the trained weights read through the
//! MAC mock at the preset's sends and at other sends per projection (docs/hardware.md,
//! "The analog MAC and φ in PPU formats"). A network trained on exact sums that
//! loses accuracy when read through the MAC at some sends needs a wider range there.
//!
//!     cargo run --release --example mac_range -- SEED

use microcircuit::model::formats::AnalogModel;
use microcircuit::model::presets::Preset;
use microcircuit::train::Trainer;
use microcircuit::train::config::RunConfig;
use microcircuit::{EngineKind, Network, Params, Result, data};

/// The preset's sends times `f` = [W^up_1, W^up_2 and W^ip, W^pi, W^down].
fn sends_times(p: &Params, f: [f32; 4]) -> Params {
    let mut q = p.clone();
    let s = q
        .arith
        .analog_sends
        .as_mut()
        .expect("the preset sets sends");
    let times = |v: &mut Vec<u32>, k: f32| {
        for x in v.iter_mut() {
            *x = ((*x as f32) * k).round().max(1.0) as u32;
        }
    };
    s.up[0] = ((s.up[0] as f32) * f[0]).round().max(1.0) as u32;
    s.up[1] = ((s.up[1] as f32) * f[1]).round().max(1.0) as u32;
    times(&mut s.ip, f[1]);
    times(&mut s.pi, f[2]);
    times(&mut s.down, f[3]);
    q
}

fn main() -> Result<()> {
    let seed: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let preset = Preset::by_name("yin_yang_bss2")?;
    let mock = preset.params.clone();
    let mut exact = mock.clone();
    exact.arith.analog = AnalogModel::Ideal;
    let cfg = RunConfig {
        task: preset.task,
        engine: EngineKind::SteadNet,
        schedule: preset.schedule.clone(),
        seed,
        val_every: 0,
    };
    let sets = data::splits_for(cfg.task, &cfg.schedule, &exact, None)?;
    let mut run = Trainer::new(exact, sets.clone(), cfg.clone())?;
    run.run_to_end(1000, |_| {})?;
    let trained = run.test()?.accuracy.unwrap_or(f64::NAN);
    println!(
        "seed {seed}: trained on exact sums, test accuracy {:.1} %",
        100.0 * trained
    );
    let ck = run.checkpoint();
    // The preset before its recovery: W^up_1 at 525 sends (range ±2), floored.
    let mut before = mock.clone();
    before.arith.analog_center = false;
    if let Some(s) = before.arith.analog_sends.as_mut() {
        s.up[0] = 525;
    }
    let readings = [
        ("the preset's sends and centring", mock.clone()),
        ("the sends before (W^up_1 525: range ±2), floored", before),
        (
            "every sends x2 (range ±1 or ±4)",
            sends_times(&mock, [2.0; 4]),
        ),
        ("every sends x1/2", sends_times(&mock, [0.5; 4])),
        (
            "W^up_2 and W^ip sends x1/2",
            sends_times(&mock, [1.0, 0.5, 1.0, 1.0]),
        ),
        (
            "W^pi and W^down sends x1/2",
            sends_times(&mock, [1.0, 1.0, 0.5, 0.5]),
        ),
    ];
    for (name, p) in readings {
        let net = Network::from_weights(p, ck.weights.clone(), Some(ck.deltas.clone()))?;
        let mut read = Trainer::with_network(net, sets.clone(), cfg.clone())?;
        let acc = read.test()?.accuracy.unwrap_or(f64::NAN);
        println!("  read through the MAC mock, {name}: {:.1} %", 100.0 * acc);
    }
    Ok(())
}
