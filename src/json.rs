//! Reading JSON documents (configs, checkpoints, sweep lines) with the path of the
//! field that is wrong: `invalid JSON in checkpoint: at `params.dt`: invalid type:
//! string "fast", expected f32`.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, Expected, Unexpected,
    VariantAccess, Visitor,
};

use crate::error::{Error, Result};

fn refusal(what: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    Error::Json {
        what: what.into(),
        reason: if path == "." {
            inner
        } else {
            format!("at `{path}`: {inner}")
        },
    }
}

/// `T` from JSON text; `what` names the document in the error. By way of a
/// `serde_json::Value`, so that every type has one path-tracking deserializer (the
/// one for values): a text deserializer as well doubled that code, 55 kB of the
/// wasm. Numbers lose nothing: f64 then f32 rounds as f32 directly (53 ≥ 2·24 + 2).
pub fn from_str<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    from_value(&parse(text, what)?, what)
}

/// JSON text as a value (to read a header before the whole document, or to merge
/// objects); `what` names the document in the error.
pub fn parse(text: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| Error::Json {
        what: what.into(),
        reason: e.to_string(),
    })
}

/// `T` from a parsed JSON value.
pub fn from_value<T: DeserializeOwned>(v: &serde_json::Value, what: &str) -> Result<T> {
    serde_path_to_error::deserialize(v).map_err(|e| refusal(what, e))
}

/// An enum of unit variants, read as serde's derive reads it (the same errors, e.g.
/// ``unknown variant `x`, expected one of `a`, `b` ``), by one reader for all
/// such enums: the derive compiled a reader per enum and per deserializer, and
/// the path tracker one more wrapper each: 14.5 kB of the wasm (2.4 kB gzipped).
pub trait UnitEnum: Sized + Copy + 'static {
    /// The enum's name, as the derive's `expecting` gives it.
    const NAME: &'static str;
    /// The variants' names, in the order of [`UnitEnum::ALL`].
    const NAMES: &'static [&'static str];
    const ALL: &'static [Self];
}

/// Implements [`UnitEnum`], `Serialize` and `Deserialize` for an enum of unit
/// variants, each written and read under the name given here (one list, where
/// serde's attributes would repeat it):
/// `unit_enum!(Rounding: "Rounding", Floor = "floor", Stochastic = "stochastic");`
/// Every variant must be listed: the writer's `match` does not compile otherwise.
macro_rules! unit_enum {
    ($ty:ty: $name:literal, $($v:ident = $s:literal),+ $(,)?) => {
        impl $crate::json::UnitEnum for $ty {
            const NAME: &'static str = $name;
            const NAMES: &'static [&'static str] = &[$($s),+];
            const ALL: &'static [Self] = &[$(<$ty>::$v),+];
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::json::write_unit_variant::<Self, S>(match self { $(<$ty>::$v => $s),+ }, s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::json::unit_variant::<Self, D>(d)
            }
        }
    };
}
pub(crate) use unit_enum;

/// Writes `T`'s variant `name` as the derive does: a unit variant with its index.
pub fn write_unit_variant<T: UnitEnum, S: serde::Serializer>(
    name: &'static str,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let i = T::NAMES.iter().position(|n| *n == name).unwrap_or_default();
    s.serialize_unit_variant(T::NAME, i as u32, name)
}

/// Reads `T`'s variant: `deserialize_enum`, then the variant's identifier, then
/// `unit_variant`, each step as the derive takes it.
pub fn unit_variant<'de, T: UnitEnum, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<T, D::Error> {
    let names = T::NAMES;
    let i = d.deserialize_enum(T::NAME, names, Variants(T::NAME, names))?;
    Ok(T::ALL[i])
}

/// The enum's visitor: the index of its variant.
struct Variants(&'static str, &'static [&'static str]);

impl<'de> Visitor<'de> for Variants {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "enum {}", self.0)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> std::result::Result<usize, A::Error> {
        let (i, v) = data.variant_seed(Ident(self.1))?;
        v.unit_variant()?;
        Ok(i)
    }
}

/// A variant's identifier: its name (or, as the derive allows, its index).
struct Ident(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Ident {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

/// The derive's `expecting` text for an index out of range.
struct IndexBelow(usize);

impl Expected for IndexBelow {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "variant index 0 <= i < {}", self.0)
    }
}

impl<'de> Visitor<'de> for Ident {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<usize, E> {
        if v < self.0.len() as u64 {
            Ok(v as usize)
        } else {
            Err(E::invalid_value(
                Unexpected::Unsigned(v),
                &IndexBelow(self.0.len()),
            ))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<usize, E> {
        (self.0.iter().position(|n| *n == v)).ok_or_else(|| E::unknown_variant(v, self.0))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> std::result::Result<usize, E> {
        match self.0.iter().position(|n| n.as_bytes() == v) {
            Some(i) => Ok(i),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(v), self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Params;

    #[test]
    fn errors_name_the_path() {
        let mut v = serde_json::to_value(Params::yin_yang()).unwrap();
        v["eta_up"][1] = "fast".into();
        let e = from_value::<Params>(&v, "config").unwrap_err().to_string();
        assert!(
            e.contains("at `eta_up[1]`") && e.contains("expected f32"),
            "{e}"
        );
        let e = from_str::<Params>("{\"dt\": 1}", "config")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field"), "{e}");
        assert!(from_str::<u8>("1 2", "x").is_err(), "trailing text");
    }

    /// The shared reader gives what the derive gives: the value or the error text,
    /// from JSON text, from a value, with the path tracker, and from identifiers
    /// given as indices; the shared writer writes what the derive writes.
    #[test]
    fn unit_enums_read_as_derived() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error as VError, StrDeserializer, U32Deserializer};

        #[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Derived {
            OneWay,
            #[serde(rename = "two-b")]
            Two,
        }
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Shared {
            OneWay,
            Two,
        }
        unit_enum!(Shared: "Derived", OneWay = "one_way", Two = "two-b");
        #[derive(Debug, Deserialize, serde::Serialize)]
        struct InD {
            e: Derived,
        }
        #[derive(Debug, Deserialize, serde::Serialize)]
        struct InS {
            e: Shared,
        }
        fn same<A: std::fmt::Debug, B: std::fmt::Debug, E: ToString>(
            a: std::result::Result<A, E>,
            b: std::result::Result<B, E>,
        ) {
            let text = |r: std::result::Result<String, E>| r.map_err(|e| e.to_string());
            assert_eq!(
                text(a.map(|x| format!("{x:?}"))),
                text(b.map(|x| format!("{x:?}")))
            );
        }
        for (d, s) in [
            (Derived::OneWay, Shared::OneWay),
            (Derived::Two, Shared::Two),
        ] {
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                serde_json::to_string(&s).unwrap()
            );
            assert_eq!(
                serde_json::to_string(&InD { e: d }).unwrap(),
                serde_json::to_string(&InS { e: s }).unwrap()
            );
        }
        for j in [
            r#""one_way""#,
            r#""two-b""#,
            r#""two""#,
            "3",
            "-1",
            "1.5",
            "true",
            "null",
            "[]",
            r#"["two-b"]"#,
            "{}",
            r#"{"two-b": null}"#,
            r#"{"two-b": 1}"#,
            r#"{"two-b": []}"#,
            r#"{"zero": null}"#,
            r#"{"two-b": null, "one_way": null}"#,
        ] {
            same(
                serde_json::from_str::<Derived>(j),
                serde_json::from_str::<Shared>(j),
            );
            let v: serde_json::Value = serde_json::from_str(j).unwrap();
            same(
                serde_json::from_value::<Derived>(v.clone()),
                serde_json::from_value::<Shared>(v.clone()),
            );
            same(Derived::deserialize(&v), Shared::deserialize(&v));
            let v = serde_json::json!({ "e": v });
            same(
                from_value::<InD>(&v, "x").map(|w| w.e),
                from_value::<InS>(&v, "x").map(|w| w.e),
            );
        }
        let e = from_str::<Shared>("\"two\"", "x").unwrap_err().to_string();
        assert!(
            e.contains("unknown variant `two`, expected `one_way` or `two-b`"),
            "{e}"
        );
        for i in [0, 1, 2, 7] {
            same(
                Derived::deserialize(U32Deserializer::<VError>::new(i)),
                Shared::deserialize(U32Deserializer::<VError>::new(i)),
            );
        }
        for s in ["one_way", "two-b", "Two", ""] {
            let d = || -> StrDeserializer<VError> { s.into_deserializer() };
            same(Derived::deserialize(d()), Shared::deserialize(d()));
        }
    }

    /// Every enum read by [`unit_enum!`] reads back what its derived `Serialize`
    /// writes, variant by variant.
    #[test]
    fn unit_enums_round_trip() {
        fn check<T: UnitEnum + serde::Serialize + serde::de::DeserializeOwned + PartialEq>() {
            assert_eq!(T::ALL.len(), T::NAMES.len(), "{}", T::NAME);
            for (v, name) in T::ALL.iter().zip(T::NAMES) {
                assert_eq!(serde_json::to_value(v).unwrap(), *name, "{}", T::NAME);
                assert!(from_str::<T>(&format!("{name:?}"), "x").unwrap() == *v);
            }
        }
        use crate::{app, experiments, model, train};
        check::<model::presets::Task>();
        check::<model::chip_options::AnalogModel>();
        check::<model::chip_options::ApicalMac>();
        check::<model::chip_options::PhiModel>();
        check::<model::chip_options::MulRounding>();
        check::<model::engine::EngineKind>();
        check::<model::formats::ArithKind>();
        check::<model::formats::Rounding>();
        check::<model::formats::RngModel>();
        check::<model::formats::Accumulator>();
        check::<model::weights::Projection>();
        check::<model::params::Transfer>();
        check::<model::params::InitMode>();
        check::<model::params::LowpassStart>();
        check::<model::params::Feedback>();
        check::<app::circuit::Phase>();
        check::<train::metrics::Which>();
        check::<experiments::point::Scale>();
    }
}
