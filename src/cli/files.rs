//! The files `train` reads: each refused with its name and the limit when it is
//! too large, before it is read.

use std::path::Path;

use microcircuit::data::{self, mnist};
use microcircuit::model::params::{MAX_CONFIG_BYTES, Params};
use microcircuit::{Error, Result};

/// Reads a file of at most `limit` bytes; a larger one is refused before it is
/// read, with the limit.
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>> {
    read_limit_check(path, limit)?;
    std::fs::read(path).map_err(|e| Error::data(path.display().to_string(), e.to_string()))
}

pub fn read_text(path: &Path, limit: usize) -> Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| Error::data(path.display().to_string(), "not UTF-8 text"))
}

/// The preset's parameters with the fields of the JSON object in `path` replaced
/// ([`Params::with_json`]: objects merge field by field).
pub fn params_with_overrides(base: &Params, path: &Path) -> Result<Params> {
    let text = read_text(path, MAX_CONFIG_BYTES)?;
    let what = path.display().to_string();
    let over: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Json {
        what: what.clone(),
        reason: e.to_string(),
    })?;
    base.with_json(&over, &what)
}

pub fn mnist_sets(dir: &Path) -> Result<(data::Dataset, data::Dataset)> {
    // An IDX file larger than the largest decompressed size is refused up front.
    for base in mnist::IDX_FILES {
        for name in mnist::idx_file_candidates(base) {
            let path = dir.join(name);
            if path.is_file() {
                read_limit_check(&path, mnist::MAX_DECOMPRESSED_BYTES)?;
            }
        }
    }
    mnist::mnist_from_files(|name| std::fs::read(dir.join(name)).ok())
}

pub fn read_limit_check(path: &Path, limit: usize) -> Result<()> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::data(path.display().to_string(), e.to_string()))?
        .len();
    if len > limit as u64 {
        return Err(Error::data(
            path.display().to_string(),
            format!("the file is {len} bytes, more than the limit of {limit} bytes"),
        ));
    }
    Ok(())
}

/// The name a checkpoint records for a `--data` file (its file name).
pub fn data_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The points of a `--data` CSV file; a bad file names the line and column.
pub fn read_points(path: &Path) -> Result<data::points::Points> {
    data::points::parse(&read(path, data::points::MAX_BYTES)?)
        .map_err(|e| Error::data(path.display().to_string(), e.to_string()))
}
