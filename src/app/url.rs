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
//! &readout_noise=0.5&carry=1` and the chip model's pieces, each realistic or
//! idealised (`&analog=mock|ideal&rng=lfsr|pcg&accumulator=shadow16|ideal32
//! &phi=table|f32&analog_noise=2&analog_offset=0`); a key the hash leaves out keeps
//! the preset's value (float for most, the chip's formats and realistic pieces for
//! `yin_yang_bss2`).
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

/// How a parameter's value is written in the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A finite number (f32).
    Num,
    /// A non-negative integer.
    Int,
    /// `1` or `0`.
    Bool,
    /// Comma-separated numbers.
    NumList,
    /// Comma-separated numbers, or nothing for `null` (a derived default).
    OptNumList,
    /// The name of a choice (`bss2`, `stochastic`, `first_pattern`).
    Name,
    /// Comma-separated hidden layer sizes (`layers` without input and output).
    Hidden,
}

/// One parameter the page edits: its hash key, where it sits in [`Params`]' JSON,
/// how it is written, whether it changes a running simulation, and what a JSON
/// that leaves it out means (configs leave out defaults).
#[derive(Debug, Clone, Copy)]
pub struct ParamKey {
    pub key: &'static str,
    path: &'static [&'static str],
    kind: Kind,
    /// Changes a running simulation at the next pattern (else: a new run).
    pub live: bool,
    default: &'static str,
}

const fn key(key: &'static str, kind: Kind, live: bool) -> ParamKey {
    ParamKey {
        key,
        path: &[],
        kind,
        live,
        default: "",
    }
}

const fn arith(
    key: &'static str,
    path: &'static [&'static str],
    kind: Kind,
    default: &'static str,
) -> ParamKey {
    ParamKey {
        key,
        path,
        kind,
        live: false,
        default,
    }
}

/// The parameters the page edits, in hash order: the one place a new parameter
/// is added (the form in `www/index.html` is checked against it by a test, and the
/// page fills it from [`form_values`]). The number formats come last; the hash
/// holds them only when they are not float, so links without them mean float.
pub const PARAM_KEYS: &[ParamKey] = &[
    key("hidden", Kind::Hidden, false),
    ParamKey {
        default: "fixed",
        ..key("feedback", Kind::Name, false)
    },
    key("g_l", Kind::Num, true),
    key("g_b", Kind::Num, true),
    key("g_a", Kind::Num, true),
    key("g_d", Kind::Num, true),
    key("g_som", Kind::Num, true),
    key("eta_up", Kind::NumList, true),
    key("eta_ip", Kind::NumList, true),
    key("eta_pi", Kind::NumList, true),
    key("eta_bp", Kind::OptNumList, true),
    key("tau_w", Kind::Num, true),
    key("tau_0", Kind::Num, true),
    ParamKey {
        default: "first_pattern",
        ..key("lowpass_start", Kind::Name, false)
    },
    key("t_pattern", Kind::Num, true),
    key("learning_lag", Kind::Num, true),
    key("out_lag", Kind::Num, true),
    key("reset_deltas", Kind::Bool, true),
    key("noise", Kind::Num, true),
    key("n_passes", Kind::Int, true),
    key("n_exposures", Kind::Int, true),
    arith("arith", &["arith", "kind"], Kind::Name, "float"),
    arith("rounding", &["arith", "rounding"], Kind::Name, "floor"),
    arith("readout_noise", &["arith", "readout_noise"], Kind::Num, "0"),
    arith("carry", &["arith", "carry"], Kind::Bool, "0"),
    // The chip model: each realistic piece or its idealisation, by name.
    arith("analog", &["arith", "analog"], Kind::Name, "ideal"),
    arith("rng", &["arith", "rng"], Kind::Name, "pcg"),
    arith(
        "accumulator",
        &["arith", "accumulator"],
        Kind::Name,
        "ideal32",
    ),
    arith("phi", &["arith", "phi"], Kind::Name, "f32"),
    arith("analog_noise", &["arith", "analog_noise"], Kind::Num, "2"),
    arith("analog_offset", &["arith", "analog_offset"], Kind::Num, "0"),
];

impl ParamKey {
    /// The key's place in the parameters' JSON (its own name unless given).
    fn path(&self) -> Vec<&'static str> {
        if self.path.is_empty() {
            vec![self.key]
        } else {
            self.path.to_vec()
        }
    }

    fn is_arith(&self) -> bool {
        self.path.first() == Some(&"arith")
    }

    /// The value's text in the hash (and the form), read from `p`'s JSON.
    fn text(&self, p: &Params, json: &serde_json::Value) -> String {
        let v = self.path().iter().try_fold(json, |v, k| v.get(k));
        let num = |v: &serde_json::Value| v.as_f64().map_or_else(String::new, |x| short(x as f32));
        match (self.kind, v) {
            (Kind::Hidden, _) => {
                let h = &p.layers[1..p.layers.len().saturating_sub(1)];
                h.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
            }
            (_, None) => self.default.to_string(),
            (Kind::Num, Some(v)) => num(v),
            (Kind::Int, Some(v)) => v.to_string(),
            (Kind::Bool, Some(v)) => u8::from(v.as_bool() == Some(true)).to_string(),
            (Kind::NumList | Kind::OptNumList, Some(v)) => v
                .as_array()
                .map(|a| a.iter().map(num).collect::<Vec<_>>().join(","))
                .unwrap_or_default(),
            (Kind::Name, Some(v)) => v.as_str().unwrap_or_default().to_string(),
        }
    }

    /// The hash text as the JSON the parameters read (checked for form here; the
    /// range and the choice are checked by [`Params::with_json`]).
    fn json(&self, v: &str) -> Result<serde_json::Value> {
        let items = || v.split(',').map(str::trim);
        let list_err = |what: &str| Error::param(self.key, format!("{v:?}"), what);
        Ok(match self.kind {
            Kind::Num => parse_f32(self.key, v)?.into(),
            Kind::Int => parse_num::<u64>(self.key, v, "a non-negative integer")?.into(),
            Kind::Bool => parse_bool(self.key, v)?.into(),
            Kind::Name => v.trim().into(),
            Kind::OptNumList if v.trim().is_empty() => serde_json::Value::Null,
            Kind::NumList | Kind::OptNumList => items()
                .map(|x| parse_f32(self.key, x))
                .collect::<Result<Vec<_>>>()
                .map_err(|_| list_err("comma-separated numbers"))?
                .into(),
            Kind::Hidden => items()
                .map(|x| parse_num::<usize>(self.key, x, ""))
                .collect::<Result<Vec<_>>>()
                .map_err(|_| list_err("comma-separated positive integers"))?
                .into(),
        })
    }
}

fn param_key(key: &str) -> Option<&'static ParamKey> {
    PARAM_KEYS.iter().find(|k| k.key == key)
}

/// Parameter keys the page lets one edit (in hash order).
pub fn param_keys() -> Vec<&'static str> {
    PARAM_KEYS.iter().map(|k| k.key).collect()
}

/// Keys that can change while a run goes on ([`crate::train::Trainer::set_params`]);
/// the others (layer sizes, number formats, seed, schedule, engine, preset) start a
/// new run.
pub fn is_live(key: &str) -> bool {
    param_key(key).is_some_and(|k| k.live)
}

/// Every parameter key's text for the page's form (the hash's text; defaults where
/// the configuration leaves a key out).
pub fn form_values(p: &Params) -> Vec<(&'static str, String)> {
    let json = serde_json::to_value(p).unwrap_or_default();
    PARAM_KEYS
        .iter()
        .map(|k| (k.key, k.text(p, &json)))
        .collect()
}

/// `partial` with `value` at `path` (objects created on the way).
fn insert(partial: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
    let (last, parents) = path.split_last().expect("a key has a path");
    let mut v = partial;
    for k in parents {
        v = v
            .as_object_mut()
            .expect("paths run through objects")
            .entry(k.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
    if let Some(o) = v.as_object_mut() {
        o.insert(last.to_string(), value);
    }
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
            "autoplay" => parse_bool(key, value).map(|b| config.autoplay = Some(b)),
            "compare" => parse_bool(key, value).map(|b| config.compare = b),
            "view" => set_checked(&mut config, |c| c.view = Some(value.clone())),
            // The file itself is not in the address: the page asks for it.
            "data" => set_checked(&mut config, |c| c.data = Some(value.clone())),
            _ => match param_key(key) {
                Some(k) => k.json(value).map(|_| ()),
                None => Err(Error::param(
                    key.as_str(),
                    format!("{value:?}"),
                    format!(
                        "a known key: preset, engine, seed, epochs, val_every, embed, view, \
                         autoplay, data, compare, {}",
                        param_keys().join(", ")
                    ),
                )),
            },
        };
        if let Err(e) = result {
            ignored.push(ignore(key, value, &reason(&e)));
        }
    }

    // Parameters: apply every readable value as one partial set, then drop the ones
    // it refuses (one at a time, the one the error names, else the last) until the
    // whole set is valid. The preset alone is valid, so this ends.
    let mut applied: Vec<(&ParamKey, String, serde_json::Value)> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let key = param_key(k)?;
            key.json(v).ok().map(|json| (key, v.clone(), json))
        })
        .collect();
    let base = config.params.clone();
    loop {
        let mut p = base.clone();
        let mut partial = serde_json::json!({});
        for (k, _, json) in &applied {
            match k.kind {
                // Layer sizes also resize the per-layer lists.
                Kind::Hidden => p.set_hidden(
                    &serde_json::from_value::<Vec<usize>>(json.clone()).unwrap_or_default(),
                ),
                _ => insert(&mut partial, &k.path(), json.clone()),
            }
        }
        let mut c = config.clone();
        let result = p.with_json(&partial, "address").and_then(|p| {
            c.params = p;
            c.validate()
        });
        match result {
            Ok(()) => {
                config = c;
                break;
            }
            Err(e) => {
                if applied.is_empty() {
                    // Not caused by a parameter key (cannot happen for valid presets).
                    break;
                }
                let field = error_field(&e);
                let idx = applied
                    .iter()
                    .position(|(k, _, _)| key_matches(k, &field))
                    .unwrap_or(applied.len() - 1);
                let (k, v, _) = applied.remove(idx);
                ignored.push(ignore(k.key, &v, &reason(&e)));
            }
        }
    }
    Parsed { config, ignored }
}

/// The canonical hash (with the leading `#`) of a configuration.
pub fn print(c: &AppConfig) -> String {
    let p = &c.params;
    let mut s = format!(
        "#preset={}&engine={}&seed={}&epochs={}&val_every={}",
        c.preset,
        engine_name(c.engine),
        c.seed,
        c.epochs,
        c.val_every
    );
    let json = serde_json::to_value(p).unwrap_or_default();
    for k in PARAM_KEYS {
        let left_out =
            k.kind != Kind::Hidden && k.path().iter().try_fold(&json, |v, f| v.get(f)).is_none();
        if (k.is_arith() && p.arith.is_default()) || (left_out && !k.is_arith()) {
            continue;
        }
        s.push_str(&format!("&{}={}", k.key, k.text(p, &json)));
    }
    if c.embed {
        s.push_str("&embed=1");
    }
    if let Some(v) = &c.view {
        s.push_str(&format!("&view={v}"));
    }
    if let Some(a) = c.autoplay {
        s.push_str(&format!("&autoplay={}", u8::from(a)));
    }
    if let Some(d) = &c.data {
        s.push_str(&format!("&data={d}"));
    }
    if c.compare {
        s.push_str("&compare=1");
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
    e.name()
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

/// Whether hash key `k` sets the parameter an error calls `field` (`eta_up[1]`,
/// `arith.rounding`, `layers`).
fn key_matches(k: &ParamKey, field: &str) -> bool {
    let path = k.path().join(".");
    let base = field.split(['[', ' ']).next().unwrap_or(field);
    base == path || (k.kind == Kind::Hidden && base == "layers")
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
    use crate::model::formats::{ArithKind, Rounding};
    use crate::model::params::LowpassStart;
    use crate::model::presets::Preset;

    #[test]
    fn the_table_the_form_and_the_parameters_agree() {
        let html = include_str!("../../www/index.html");
        let form = &html[html.find("<form id=\"params\"").expect("the params form")..];
        let form = &form[..form.find("</form>").expect("its end")];
        let names: std::collections::BTreeSet<&str> = form
            .split("name=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        for k in PARAM_KEYS {
            if k.is_arith() {
                // The formats have their own row, by id.
                let id = format!("id=\"{}\"", k.key.replace('_', "-"));
                assert!(html.contains(&id), "no control {id} for key {}", k.key);
            } else {
                assert!(
                    names.contains(k.key),
                    "key {} has no field in the form",
                    k.key
                );
            }
        }
        for n in &names {
            assert!(
                param_key(n).is_some(),
                "form field {n} is not in PARAM_KEYS"
            );
        }
        // Every key's path exists in the parameters (of a set that writes them all),
        // and its text reads back to the same value.
        let mut p = Params::yin_yang_bss2();
        p.lowpass_start = LowpassStart::Zero;
        p.feedback = crate::model::params::Feedback::Transpose;
        p.eta_bp = Some(vec![20.0, 0.5]);
        p.arith.carry = true;
        (p.arith.analog_noise, p.arith.analog_offset) = (1.5, 0.5);
        let json = serde_json::to_value(&p).unwrap();
        for k in PARAM_KEYS.iter().filter(|k| k.kind != Kind::Hidden) {
            let v = k.path().iter().try_fold(&json, |v, f| v.get(f));
            let v = v.unwrap_or_else(|| panic!("key {} has no field {:?}", k.key, k.path()));
            let back = k.json(&k.text(&p, &json)).unwrap();
            let same = match k.kind {
                Kind::Num => back.as_f64().map(|x| x as f32) == v.as_f64().map(|x| x as f32),
                _ => &back == v,
            };
            assert!(same, "key {}: {v} printed and read back as {back}", k.key);
        }
    }

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
    fn the_chip_model_keys_round_trip_and_are_checked() {
        use crate::model::formats::{Accumulator, AnalogModel, ArithConfig, PhiModel, RngModel};
        let preset = Params::yin_yang_bss2().arith;
        // The preset's realistic pieces are written, after the formats.
        let h = print(&parse("#preset=yin_yang_bss2").config);
        assert!(
            h.contains(
                "&carry=1&analog=mock&rng=lfsr&accumulator=shadow16&phi=table&analog_noise=2\
                 &analog_offset=0"
            ),
            "{h}"
        );
        // Each idealisation by name; the rest of the preset's formats stay.
        let p = parse(
            "#preset=yin_yang_bss2&analog=ideal&rng=pcg&accumulator=ideal32&phi=f32\
             &analog_noise=0.5&analog_offset=1.25",
        );
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        let a = &p.config.params.arith;
        assert_eq!(
            (a.analog, a.rng, a.accumulator, a.phi),
            (
                AnalogModel::Ideal,
                RngModel::Pcg,
                Accumulator::Ideal32,
                PhiModel::F32
            )
        );
        assert_eq!((a.analog_noise, a.analog_offset), (0.5, 1.25));
        assert_eq!(
            (a.kind, a.rounding, a.carry),
            (preset.kind, preset.rounding, true)
        );
        assert_eq!(a.analog_sends, preset.analog_sends);
        assert_eq!(parse(&print(&p.config)).config, p.config);
        // A key left out keeps the preset's choice.
        let p = parse("#preset=yin_yang_bss2&analog=ideal");
        let mut want = preset.clone();
        want.analog = AnalogModel::Ideal;
        assert_eq!(p.config.params.arith, want);
        // Bad values are refused with the key, the value and the allowed set; the
        // preset's values stay.
        let p = parse(
            "#preset=yin_yang_bss2&analog=perfect&rng=xorshift&accumulator=int64&phi=exact\
             &analog_noise=-2&analog_offset=inf",
        );
        assert_eq!(p.config.params.arith, preset);
        let mut keys: Vec<&str> = p.ignored.iter().map(|i| i.key.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "accumulator",
                "analog",
                "analog_noise",
                "analog_offset",
                "phi",
                "rng"
            ]
        );
        let why = |k: &str| &p.ignored.iter().find(|i| i.key == k).unwrap().reason;
        for (k, allowed) in [
            ("analog", ["ideal", "mock"]),
            ("rng", ["pcg", "lfsr"]),
            ("accumulator", ["ideal32", "shadow16"]),
            ("phi", ["f32", "table"]),
        ] {
            let r = why(k);
            assert!(r.contains(&format!("arith.{k}")), "{k}: {r}");
            assert!(allowed.iter().all(|a| r.contains(a)), "{k}: {r}");
        }
        assert!(why("analog_noise").contains("arith.analog_noise"));
        assert!(why("analog_noise").contains("0 <= analog_noise <= 128"));
        assert!(why("analog_offset").contains("a finite number"));
        // The float preset: switching to the chip keeps its pieces, which are the
        // idealised ones (as its rounding and carry stay the float preset's); a
        // piece set under float is kept for the way to the chip, as rounding is.
        let p = parse("#preset=yin_yang&arith=bss2");
        let a = &p.config.params.arith;
        assert_eq!(
            (a.analog, a.rng, a.accumulator, a.phi),
            (
                AnalogModel::Ideal,
                RngModel::Pcg,
                Accumulator::Ideal32,
                PhiModel::F32
            )
        );
        let h = print(&p.config);
        assert!(
            h.ends_with(
                "&analog=ideal&rng=pcg&accumulator=ideal32&phi=f32&analog_noise=2&analog_offset=0"
            ),
            "{h}"
        );
        let p = parse("#preset=yin_yang&rng=lfsr&rounding=stochastic");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        let a = &p.config.params.arith;
        assert_eq!((a.kind, a.rng), (ArithKind::Float, RngModel::Lfsr));
        assert!(print(&p.config).contains("&arith=float&rounding=stochastic"));
        assert_eq!(parse(&print(&p.config)).config, p.config);
        // A run's formats are fixed: a change starts a new run.
        for k in [
            "analog",
            "rng",
            "accumulator",
            "phi",
            "analog_noise",
            "analog_offset",
        ] {
            assert!(!is_live(k), "{k}");
        }
        // Each key's default is what a configuration that leaves the field out means.
        for k in PARAM_KEYS.iter().filter(|k| k.is_arith()) {
            let field = k.path().last().unwrap().to_string();
            let one = serde_json::json!({ field: k.json(k.default).unwrap() });
            let back: ArithConfig = serde_json::from_value(one).unwrap();
            assert_eq!(back, ArithConfig::default(), "default of {}", k.key);
        }
    }

    #[test]
    fn percent_escapes_and_duplicates() {
        let p = parse("#preset=mimic&eta_up=0.02%2C0.01&seed=4&seed=5");
        assert_eq!(p.config.params.eta_up, vec![0.02, 0.01]);
        assert_eq!(p.config.seed, 4);
        assert_eq!(p.ignored[0].key, "seed");
        assert_eq!(decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn the_comparison_switch_round_trips_and_bad_values_are_named() {
        let p = parse("#preset=yin_yang&engine=steadnet&compare=1");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        assert!(p.config.compare);
        let hash = print(&p.config);
        assert!(hash.ends_with("&compare=1"), "{hash}");
        assert_eq!(parse(&hash).config, p.config);
        // Off is the default and is left out of the address.
        assert!(!print(&parse("#preset=yin_yang&compare=0").config).contains("compare"));
        let p = parse("#preset=yin_yang&compare=yes");
        assert!(!p.config.compare);
        assert_eq!(p.ignored[0].key, "compare");
        assert!(p.ignored[0].reason.contains("1 or 0"), "{:?}", p.ignored);
    }

    #[test]
    fn one_view_and_autoplay_round_trip() {
        let p = parse("#preset=yin_yang&embed=1&view=circuit&autoplay=0");
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        assert_eq!(p.config.view.as_deref(), Some("circuit"));
        assert_eq!(p.config.autoplay, Some(false));
        let hash = print(&p.config);
        assert!(hash.ends_with("&embed=1&view=circuit&autoplay=0"), "{hash}");
        assert_eq!(parse(&hash).config, p.config);
        let p = parse("#preset=yin_yang&view=bogus&autoplay=2&data=other");
        let keys: Vec<&str> = p.ignored.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["view", "autoplay", "data"]);
        assert!(
            p.ignored[0].reason.contains("circuit, regions, curves"),
            "{:?}",
            p.ignored
        );
        assert_eq!(
            (p.config.view, p.config.autoplay, p.config.data),
            (None, None, None)
        );
        // Custom data only with the 2-D task.
        assert_eq!(parse("#preset=mimic&data=custom").ignored[0].key, "data");
    }
}
