//! Reading JSON documents (configs, checkpoints, sweep lines) with the path of the
//! field that is wrong: `invalid JSON in checkpoint: at `params.dt`: invalid type:
//! string "fast", expected f32`.

use serde::de::DeserializeOwned;

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
}
