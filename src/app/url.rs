//! The browser app's configuration and its form in the URL hash.
//!
//! A link reproduces a run: the hash holds the preset, the engine, the seed, the
//! schedule and every parameter the page lets one edit, e.g.
//!
//! ```text
//! #preset=yin_yang&engine=pyralnet&seed=7&epochs=45&val_every=300&hidden=120
//!  &g_l=0.1&g_b=1&g_a=0.28&...&eta_up=6.07,0.000724&...&embed=1
//! ```
//!
//! The chip's number formats (SPEC §6) add `&arith=bss2&rounding=stochastic
//! &readout_noise=0.5&carry=1`; a hash without them means float (or the preset's
//! formats: `yin_yang_bss2` is emulated).
//!
//! [`parse`] never fails: whatever it cannot use (an unknown key, a value that is not
//! a number, a value outside the allowed range) is left out and listed in
//! [`Parsed::ignored`] with the reason, and the preset's value stays. [`print`](fn@print) gives
//! the canonical hash, which `parse` reads back to the same configuration.
//!
//! Pure Rust: the page calls these through `src/app/wasm.rs`; the tests run natively.
//!
//! ```
//! use microcircuit::app::url::{parse, print};
//! let p = parse("#preset=mimic&seed=3&g_a=0.5&bogus=1");
//! assert_eq!(p.config.seed, 3);
//! assert_eq!(p.config.params.g_a, 0.5);
//! assert_eq!(p.ignored[0].key, "bogus");
//! assert_eq!(parse(&print(&p.config)).config, p.config);
//! ```

use serde::{Deserialize, Serialize};

use crate::app::config::{AppConfig, DEFAULT_PRESET, MAX_SEED};
use crate::error::{Error, Result};
use crate::model::engine::EngineKind;
use crate::model::formats::{ArithKind, Rounding};
use crate::model::params::Params;

/// Longest hash [`parse`] reads. The canonical hash of a preset is ~400
/// characters and one with [`crate::model::params::MAX_LAYERS`] layers and their learning
/// rates stays under 4000; a longer one is refused as a whole, before it is split.
pub const MAX_HASH_LEN: usize = 8192;

/// A key of the hash that was left out, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ignored {
    pub key: String,
    pub value: String,
    pub reason: String,
}

/// The outcome of [`parse`]: a valid configuration and what was ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub config: AppConfig,
    pub ignored: Vec<Ignored>,
}

/// How a parameter key is written in the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    F32,
    Usize,
    Bool,
    /// Comma-separated numbers.
    F32List,
    UsizeList,
    /// `float` or `bss2`.
    Arith,
    /// `floor` or `stochastic`.
    Rounding,
}

/// The parameters the page edits, in the order the hash lists them.
const PARAM_KEYS: &[(&str, Kind)] = &[
    ("hidden", Kind::UsizeList),
    ("g_l", Kind::F32),
    ("g_b", Kind::F32),
    ("g_a", Kind::F32),
    ("g_d", Kind::F32),
    ("g_som", Kind::F32),
    ("eta_up", Kind::F32List),
    ("eta_ip", Kind::F32List),
    ("eta_pi", Kind::F32List),
    ("tau_w", Kind::F32),
    ("tau_0", Kind::F32),
    ("t_pattern", Kind::F32),
    ("learning_lag", Kind::F32),
    ("out_lag", Kind::F32),
    ("reset_deltas", Kind::Bool),
    ("noise", Kind::F32),
    ("n_passes", Kind::Usize),
    ("n_exposures", Kind::Usize),
    ("arith", Kind::Arith),
    ("rounding", Kind::Rounding),
    ("readout_noise", Kind::F32),
    ("carry", Kind::Bool),
];

/// The keys of the number formats ([`Params::arith`]); the hash holds them only when
/// they differ from float, so links without them still mean float.
const ARITH_KEYS: [&str; 4] = ["arith", "rounding", "readout_noise", "carry"];

/// Parameter keys the page lets one edit (in hash order).
pub fn param_keys() -> Vec<&'static str> {
    PARAM_KEYS.iter().map(|(k, _)| *k).collect()
}

/// Keys that can change while a run goes on ([`crate::train::Trainer::set_params`]);
/// the others (layer sizes, seed, schedule, engine, preset) start a new run.
pub fn is_live(key: &str) -> bool {
    PARAM_KEYS.iter().any(|(k, _)| *k == key) && key != "hidden" && !ARITH_KEYS.contains(&key)
}

/// A parsed value of one key.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    F32(f32),
    Usize(usize),
    Bool(bool),
    F32List(Vec<f32>),
    UsizeList(Vec<usize>),
    Arith(ArithKind),
    Rounding(Rounding),
}

/// Reads a hash (with or without the leading `#`). Never fails: see the module doc.
pub fn parse(hash: &str) -> Parsed {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    if hash.len() > MAX_HASH_LEN {
        let start: String = hash.chars().take(40).collect();
        return Parsed {
            config: AppConfig::from_preset(DEFAULT_PRESET).expect("the default preset exists"),
            ignored: vec![ignore(
                "(address)",
                &format!("{start}…"),
                &format!(
                    "the address state is {} characters long, more than the limit of \
                     {MAX_HASH_LEN}; none of it was used",
                    hash.len()
                ),
            )],
        };
    }
    let mut ignored = Vec::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in hash.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (decode(k), decode(v));
        if pairs.iter().any(|(pk, _)| *pk == k) {
            ignored.push(ignore(
                &k,
                &v,
                "the key appears more than once; the first counts",
            ));
        } else {
            pairs.push((k, v));
        }
    }
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());

    let mut config = match get("preset") {
        None => AppConfig::from_preset(DEFAULT_PRESET),
        Some(name) => AppConfig::from_preset(&name).or_else(|e| {
            ignored.push(ignore("preset", &name, &reason(&e)));
            AppConfig::from_preset(DEFAULT_PRESET)
        }),
    }
    .expect("the default preset exists");

    for (key, value) in &pairs {
        let result = match key.as_str() {
            "preset" => Ok(()),
            "engine" => value.parse::<EngineKind>().and_then(|e| {
                let mut c = config.clone();
                c.engine = e;
                c.validate().map(|()| config = c)
            }),
            "seed" => parse_num::<u64>(key, value, &format!("an integer in 0..={MAX_SEED}"))
                .and_then(|s| set_checked(&mut config, |c| c.seed = s)),
            "epochs" => parse_num::<usize>(key, value, "an integer in 1..=100000")
                .and_then(|n| set_checked(&mut config, |c| c.epochs = n)),
            "val_every" => parse_num::<usize>(key, value, "an integer in 1..=10000000")
                .and_then(|n| set_checked(&mut config, |c| c.val_every = n)),
            "embed" => parse_bool(key, value).map(|b| config.embed = b),
            _ => match PARAM_KEYS.iter().find(|(k, _)| k == key) {
                Some(&(_, kind)) => parse_value(key, value, kind).map(|_| ()),
                None => Err(Error::param(
                    key.as_str(),
                    format!("{value:?}"),
                    format!(
                        "a known key: preset, engine, seed, epochs, val_every, embed, {}",
                        param_keys().join(", ")
                    ),
                )),
            },
        };
        if let Err(e) = result {
            ignored.push(ignore(key, value, &reason(&e)));
        }
    }

    // Parameters: apply every readable value, then drop the ones validation refuses
    // (one at a time, the one the error names, else the last applied) until the
    // whole set is valid. The preset alone is valid, so this ends.
    let mut applied: Vec<(String, String, Value)> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let kind = PARAM_KEYS.iter().find(|(pk, _)| pk == k)?.1;
            parse_value(k, v, kind)
                .ok()
                .map(|val| (k.clone(), v.clone(), val))
        })
        .collect();
    let base = config.params.clone();
    loop {
        let mut c = config.clone();
        c.params = base.clone();
        for (k, _, val) in &applied {
            set_param(&mut c.params, k, val);
        }
        match c.validate() {
            Ok(()) => {
                config = c;
                break;
            }
            Err(e) => {
                let field = error_field(&e);
                let idx = applied
                    .iter()
                    .position(|(k, _, _)| key_matches(k, &field))
                    .unwrap_or(applied.len().saturating_sub(1));
                if applied.is_empty() {
                    // Not caused by a parameter key (cannot happen for valid presets).
                    break;
                }
                let (k, v, _) = applied.remove(idx);
                ignored.push(ignore(&k, &v, &reason(&e)));
            }
        }
    }
    Parsed { config, ignored }
}

/// The canonical hash (with the leading `#`) of a configuration.
pub fn print(c: &AppConfig) -> String {
    let p = &c.params;
    let list = |v: &[f32]| v.iter().map(|&x| short(x)).collect::<Vec<_>>().join(",");
    let hidden = p.layers[1..p.layers.len().saturating_sub(1)]
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let mut s = format!(
        "#preset={}&engine={}&seed={}&epochs={}&val_every={}",
        c.preset,
        engine_name(c.engine),
        c.seed,
        c.epochs,
        c.val_every
    );
    for (key, _) in PARAM_KEYS {
        if ARITH_KEYS.contains(key) && p.arith.is_default() {
            continue;
        }
        let v = match *key {
            "hidden" => hidden.clone(),
            "g_l" => short(p.g_l),
            "g_b" => short(p.g_b),
            "g_a" => short(p.g_a),
            "g_d" => short(p.g_d),
            "g_som" => short(p.g_som),
            "eta_up" => list(&p.eta_up),
            "eta_ip" => list(&p.eta_ip),
            "eta_pi" => list(&p.eta_pi),
            "tau_w" => short(p.tau_w),
            "tau_0" => short(p.tau_0),
            "t_pattern" => short(p.t_pattern),
            "learning_lag" => short(p.learning_lag),
            "out_lag" => short(p.out_lag),
            "reset_deltas" => u8::from(p.reset_deltas).to_string(),
            "noise" => short(p.noise),
            "n_passes" => p.n_passes.to_string(),
            "n_exposures" => p.n_exposures.to_string(),
            "arith" => p.arith.kind.name().to_string(),
            "rounding" => p.arith.rounding.name().to_string(),
            "readout_noise" => p.arith.readout_noise.to_string(),
            "carry" => u8::from(p.arith.carry).to_string(),
            _ => unreachable!("every key of PARAM_KEYS is printed"),
        };
        s.push_str(&format!("&{key}={v}"));
    }
    if c.embed {
        s.push_str("&embed=1");
    }
    s
}

/// `x` as the shortest text that reads back to it: plain decimals, or the
/// exponent form where that is shorter by much (`1e-30`, `3e38`), which keeps the
/// hash of any valid configuration far below [`MAX_HASH_LEN`].
fn short(x: f32) -> String {
    let plain = x.to_string();
    if plain.len() > 12 {
        format!("{x:e}")
    } else {
        plain
    }
}

/// The name of an engine as the hash writes it.
pub fn engine_name(e: EngineKind) -> &'static str {
    match e {
        EngineKind::PyraLNet => "pyralnet",
        EngineKind::SteadNet => "steadnet",
    }
}

fn set_checked(config: &mut AppConfig, f: impl FnOnce(&mut AppConfig)) -> Result<()> {
    let mut c = config.clone();
    f(&mut c);
    c.validate()?;
    *config = c;
    Ok(())
}

fn ignore(key: &str, value: &str, reason: &str) -> Ignored {
    Ignored {
        key: key.into(),
        value: value.into(),
        reason: reason.into(),
    }
}

fn reason(e: &Error) -> String {
    e.to_string()
}

/// The field an error names (`eta_up[1]` → `eta_up[1]`), if any.
fn error_field(e: &Error) -> String {
    match e {
        Error::InvalidParam { field, .. } => field.clone(),
        _ => String::new(),
    }
}

/// Whether hash key `key` sets the parameter an error calls `field`.
fn key_matches(key: &str, field: &str) -> bool {
    // `arith.readout_noise` is set by the key `readout_noise`.
    let field = field.strip_prefix("arith.").unwrap_or(field);
    let base = field.split(['[', '.', ' ']).next().unwrap_or(field);
    key == base || (key == "hidden" && base == "layers")
}

fn parse_num<T: std::str::FromStr>(key: &str, v: &str, allowed: &str) -> Result<T> {
    v.trim()
        .parse::<T>()
        .map_err(|_| Error::param(key, format!("{v:?}"), allowed))
}

fn parse_bool(key: &str, v: &str) -> Result<bool> {
    match v {
        "1" | "true" | "on" | "" => Ok(true),
        "0" | "false" | "off" => Ok(false),
        _ => Err(Error::param(key, format!("{v:?}"), "1 or 0")),
    }
}

fn parse_f32(key: &str, v: &str) -> Result<f32> {
    let x: f32 = parse_num(key, v, "a finite number")?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::param(key, format!("{v:?}"), "a finite number"))
    }
}

fn parse_value(key: &str, v: &str, kind: Kind) -> Result<Value> {
    let items = || v.split(',').map(str::trim);
    Ok(match kind {
        Kind::F32 => Value::F32(parse_f32(key, v)?),
        Kind::Usize => Value::Usize(parse_num(key, v, "a positive integer")?),
        Kind::Bool => Value::Bool(parse_bool(key, v)?),
        Kind::Arith => Value::Arith(v.trim().parse()?),
        Kind::Rounding => Value::Rounding(v.trim().parse()?),
        Kind::F32List => Value::F32List(
            items()
                .map(|x| parse_f32(key, x))
                .collect::<Result<Vec<_>>>()
                .map_err(|_| Error::param(key, format!("{v:?}"), "comma-separated numbers"))?,
        ),
        Kind::UsizeList => Value::UsizeList(
            items()
                .map(|x| parse_num::<usize>(key, x, ""))
                .collect::<Result<Vec<_>>>()
                .map_err(|_| {
                    Error::param(key, format!("{v:?}"), "comma-separated positive integers")
                })?,
        ),
    })
}

/// Sets parameter `key` (already parsed) on `p`.
fn set_param(p: &mut Params, key: &str, val: &Value) {
    match (key, val) {
        ("hidden", Value::UsizeList(h)) => p.set_hidden(h),
        ("g_l", Value::F32(x)) => p.g_l = *x,
        ("g_b", Value::F32(x)) => p.g_b = *x,
        ("g_a", Value::F32(x)) => p.g_a = *x,
        ("g_d", Value::F32(x)) => p.g_d = *x,
        ("g_som", Value::F32(x)) => p.g_som = *x,
        ("eta_up", Value::F32List(v)) => p.eta_up = v.clone(),
        ("eta_ip", Value::F32List(v)) => p.eta_ip = v.clone(),
        ("eta_pi", Value::F32List(v)) => p.eta_pi = v.clone(),
        ("tau_w", Value::F32(x)) => p.tau_w = *x,
        ("tau_0", Value::F32(x)) => p.tau_0 = *x,
        ("t_pattern", Value::F32(x)) => p.t_pattern = *x,
        ("learning_lag", Value::F32(x)) => p.learning_lag = *x,
        ("out_lag", Value::F32(x)) => p.out_lag = *x,
        ("reset_deltas", Value::Bool(b)) => p.reset_deltas = *b,
        ("noise", Value::F32(x)) => p.noise = *x,
        ("n_passes", Value::Usize(n)) => p.n_passes = *n,
        ("n_exposures", Value::Usize(n)) => p.n_exposures = *n,
        ("arith", Value::Arith(k)) => p.arith.kind = *k,
        ("rounding", Value::Rounding(r)) => p.arith.rounding = *r,
        ("readout_noise", Value::F32(x)) => p.arith.readout_noise = *x,
        ("carry", Value::Bool(b)) => p.arith.carry = *b,
        _ => {}
    }
}

/// Percent-decoding of a hash component (`%2C` → `,`); malformed escapes stay as
/// they are.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::Preset;

    #[test]
    fn every_preset_round_trips() {
        for p in Preset::all() {
            let mut c = AppConfig::from_preset(&p.name).unwrap();
            c.seed = 12345;
            c.embed = true;
            let parsed = parse(&print(&c));
            assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
            assert_eq!(parsed.config, c);
            assert_eq!(print(&parsed.config), print(&c));
        }
    }

    #[test]
    fn edited_values_round_trip_exactly() {
        let mut c = AppConfig::from_preset("yin_yang").unwrap();
        c.params.g_a = 0.123_456_79;
        c.params.eta_up = vec![1e-7, 3.3];
        c.params.layers = vec![4, 30, 3];
        c.params.reset_deltas = true;
        c.engine = EngineKind::SteadNet;
        c.seed = MAX_SEED;
        let parsed = parse(&print(&c));
        assert!(parsed.ignored.is_empty(), "{:?}", parsed.ignored);
        assert_eq!(parsed.config, c);
    }

    #[test]
    fn bad_values_are_ignored_with_reasons() {
        let p = parse("#preset=nope&seed=x&g_a=-1&eta_up=1,2,3&hidden=0&zzz=1&g_l=abc&epochs=0");
        let c = AppConfig::from_preset(DEFAULT_PRESET).unwrap();
        assert_eq!(p.config, c);
        let keys: Vec<&str> = p.ignored.iter().map(|i| i.key.as_str()).collect();
        for k in [
            "preset", "seed", "g_a", "eta_up", "hidden", "zzz", "g_l", "epochs",
        ] {
            assert!(keys.contains(&k), "{k} not in {keys:?}");
        }
        let g_a = p.ignored.iter().find(|i| i.key == "g_a").unwrap();
        assert!(
            g_a.reason.contains("g_a") && g_a.reason.contains(">= 0"),
            "{g_a:?}"
        );
        let preset = p.ignored.iter().find(|i| i.key == "preset").unwrap();
        assert!(preset.reason.contains("mimic"), "{preset:?}");
    }

    #[test]
    fn good_values_survive_next_to_bad_ones() {
        let p = parse("preset=mimic&g_a=0.5&learning_lag=500&seed=9");
        assert_eq!(p.config.params.g_a, 0.5);
        assert_eq!(p.config.seed, 9);
        assert_eq!(p.config.params.learning_lag, Params::mimic().learning_lag);
        assert_eq!(p.ignored.len(), 1);
        assert!(p.ignored[0].reason.contains("t_pattern"), "{:?}", p.ignored);
    }

    #[test]
    fn mnist_refuses_pyralnet() {
        let p = parse("preset=mnist&engine=pyralnet");
        assert_eq!(p.config.engine, EngineKind::SteadNet);
        assert_eq!(p.ignored[0].key, "engine");
    }

    #[test]
    fn hidden_layers_can_change_with_their_learning_rates() {
        let p = parse("preset=yin_yang&hidden=20,10&eta_up=1,0.1,0.01&eta_ip=0,0&eta_pi=0,0");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        assert_eq!(p.config.params.layers, vec![4, 20, 10, 3]);
        assert_eq!(p.config.params.eta_down, vec![0.0, 0.0]);
        // Without the rates, the lists are extended with their last values; rates
        // of the wrong length are ignored, the new shape stays.
        let p = parse("preset=yin_yang&hidden=20,10&eta_up=1,2");
        assert_eq!(p.config.params.layers, vec![4, 20, 10, 3]);
        assert_eq!(p.config.params.eta_up, vec![6.07, 7.24e-4, 7.24e-4]);
        assert_eq!(p.config.params.eta_ip, vec![1.45e-3, 1.45e-3]);
        assert_eq!(p.ignored[0].key, "eta_up");
        let p = parse("preset=yin_yang&hidden=0");
        assert_eq!(p.config.params.layers, vec![4, 120, 3]);
        assert_eq!(p.ignored[0].key, "hidden");
    }

    #[test]
    fn the_number_formats_round_trip_and_are_checked() {
        let p = parse("#preset=yin_yang&arith=bss2&rounding=stochastic&readout_noise=0.5");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        let a = &p.config.params.arith;
        assert_eq!(
            (a.kind, a.rounding, a.readout_noise),
            (ArithKind::Bss2, Rounding::Stochastic, 0.5)
        );
        let h = print(&p.config);
        assert!(
            h.contains("&arith=bss2&rounding=stochastic&readout_noise=0.5&carry=0"),
            "{h}"
        );
        assert_eq!(parse(&h).config, p.config);
        // Float is the default and not written.
        assert!(!print(&AppConfig::from_preset("yin_yang").unwrap()).contains("arith"));
        let p = parse("#arith=bss2&readout_noise=-2&rounding=up");
        assert_eq!(p.config.params.arith.kind, ArithKind::Bss2);
        let keys: Vec<&str> = p.ignored.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["rounding", "readout_noise"], "{:?}", p.ignored);
        assert!(
            p.ignored[1].reason.contains("arith.readout_noise"),
            "{:?}",
            p.ignored
        );
        assert!(!is_live("arith") && !is_live("rounding") && !is_live("readout_noise"));
        assert!(!is_live("carry"));
        // The emulated preset carries its formats; a link can switch carry off or
        // the arithmetic back to float, and refuses anything but 0/1.
        let p = parse("#preset=yin_yang_bss2");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        assert_eq!(p.config.engine, EngineKind::SteadNet);
        let a = &p.config.params.arith;
        assert_eq!(
            (a.kind, a.rounding, a.carry),
            (ArithKind::Bss2, Rounding::Stochastic, true)
        );
        assert!(
            print(&p.config).contains("&arith=bss2&rounding=stochastic&readout_noise=0&carry=1")
        );
        let p = parse("#preset=yin_yang_bss2&carry=0&arith=float");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        assert_eq!(
            (p.config.params.arith.kind, p.config.params.arith.carry),
            (ArithKind::Float, false)
        );
        assert_eq!(parse(&print(&p.config)).config, p.config);
        let p = parse("#preset=yin_yang_bss2&carry=yes");
        assert_eq!(p.ignored[0].key, "carry");
        assert!(p.config.params.arith.carry);
    }

    #[test]
    fn percent_escapes_and_duplicates() {
        let p = parse("#preset=mimic&eta_up=0.02%2C0.01&seed=4&seed=5");
        assert_eq!(p.config.params.eta_up, vec![0.02, 0.01]);
        assert_eq!(p.config.seed, 4);
        assert_eq!(p.ignored[0].key, "seed");
        assert_eq!(decode("%zz%4"), "%zz%4");
    }
}
