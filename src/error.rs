//! The crate's one error type. Every variant names what was wrong, the value seen
//! and, where there is one, the allowed range, so a user can fix the input.

use thiserror::Error;

/// Everything that can go wrong in the model, its parsers and its drivers.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// A parameter is out of range: `field` is its path in the config
    /// (e.g. `eta_up[1]`), `value` what was given, `allowed` the valid range.
    #[error("invalid parameter `{field}` = {value}: allowed {allowed}")]
    InvalidParam {
        field: String,
        value: String,
        allowed: String,
    },

    /// Outside data (a file, a buffer, a URL) that cannot be parsed.
    #[error("malformed {what}: {reason}")]
    Data { what: String, reason: String },

    /// Sizes that do not fit together (checkpoint vs. config, data vs. network).
    #[error("shape mismatch in {what}: expected {expected}, found {found}")]
    Shape {
        what: String,
        expected: String,
        found: String,
    },

    /// The network left the numerically sane region.
    #[error("diverged: {quantity} in layer {layer} is {value} at pattern {pattern}")]
    Diverged {
        layer: usize,
        quantity: String,
        value: String,
        pattern: u64,
    },

    /// JSON that serde could not read (config, checkpoint).
    #[error("invalid JSON in {what}: {reason}")]
    Json { what: String, reason: String },
}

impl Error {
    /// Shorthand for [`Error::InvalidParam`].
    pub fn param(
        field: impl Into<String>,
        value: impl ToString,
        allowed: impl Into<String>,
    ) -> Self {
        Error::InvalidParam {
            field: field.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    /// The variant's name, for callers that act on the kind of error (the page
    /// offers the last good checkpoint after `diverged`) without reading the text.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidParam { .. } => "invalid_param",
            Error::Data { .. } => "data",
            Error::Shape { .. } => "shape",
            Error::Diverged { .. } => "diverged",
            Error::Json { .. } => "json",
        }
    }

    /// Shorthand for [`Error::Data`].
    pub fn data(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Data {
            what: what.into(),
            reason: reason.into(),
        }
    }
}

/// Result with the crate's error.
pub type Result<T> = std::result::Result<T, Error>;
