//! One path for partial parameter sets: `--config FILE`, the page's `set` and the
//! URL state all give a JSON object of the fields to change, and
//! [`Params::with_json`] applies it to a full set and validates the result.
//!
//! Objects merge field by field (`{"arith": {"carry": true}}` changes only the
//! carry), everything else replaces (a list is a value). A field of the wrong type
//! is refused with its path (`eta_up[1]`, `arith.rounding`) and what was expected.
//!
//! ```
//! use microcircuit::Params;
//! let p = Params::yin_yang().with_json(&serde_json::json!({"tau_w": 10}), "config").unwrap();
//! assert_eq!(p.tau_w, 10.0);
//! let e = Params::yin_yang().with_json(&serde_json::json!({"dt": "fast"}), "config");
//! assert!(e.unwrap_err().to_string().contains("`dt`"));
//! ```

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::params::Params;

impl Params {
    /// These parameters with the fields of JSON object `partial` replaced, validated.
    /// `what` names the source in errors (a file name, `set`, `address`).
    pub fn with_json(&self, partial: &Value, what: &str) -> Result<Params> {
        if !partial.is_object() {
            return Err(Error::data(what, "expected a JSON object of parameters"));
        }
        let mut full = serde_json::to_value(self).map_err(|e| Error::Json {
            what: "parameters".into(),
            reason: e.to_string(),
        })?;
        merge(&mut full, partial);
        let p: Params = serde_path_to_error::deserialize(&full).map_err(|e| {
            let path = e.path().to_string();
            let value = lookup(&full, e.path()).map_or_else(String::new, |v| v.to_string());
            Error::param(path, value, e.into_inner().to_string())
        })?;
        p.validate()?;
        Ok(p)
    }
}

/// Writes `over` into `base`: objects field by field, anything else replaced.
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// The value at a deserializer's path, if it is there.
fn lookup<'a>(v: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    path.iter().try_fold(v, |v, seg| match seg {
        Segment::Map { key } => v.get(key),
        Segment::Seq { index } => v.get(index),
        _ => Some(v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_merge_and_lists_replace() {
        let base = crate::model::params::Params::yin_yang_bss2();
        let p = base
            .with_json(&json!({"arith": {"carry": false}, "eta_up": [1, 2]}), "t")
            .unwrap();
        assert!(!p.arith.carry);
        assert_eq!(
            p.arith.rounding, base.arith.rounding,
            "the rest of arith stays"
        );
        assert_eq!(p.eta_up, [1.0, 2.0]);
        // A float set gains the formats' defaults for what the partial leaves out.
        let p = Params::yin_yang()
            .with_json(&json!({"arith": {"kind": "bss2"}}), "t")
            .unwrap();
        assert_eq!(p.arith.kind, crate::model::formats::ArithKind::Bss2);
    }

    #[test]
    fn refusals_name_the_field_and_what_was_expected() {
        let p = Params::yin_yang();
        for (partial, field) in [
            (json!({"dt": "fast"}), "`dt`"),
            (json!({"eta_up": [1, "x"]}), "`eta_up[1]`"),
            (json!({"arith": {"rounding": "up"}}), "`arith.rounding`"),
            (json!({"bogus": 1}), "`bogus`"),
            (json!({"g_l": -1}), "`g_l`"),
        ] {
            let e = p.with_json(&partial, "config").unwrap_err().to_string();
            assert!(e.contains(field), "{partial}: {e}");
        }
        assert!(p.with_json(&json!([1]), "config").is_err());
    }
}
