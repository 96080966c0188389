//! Running the `microcircuit` binary from integration tests: JSON on stdout, or
//! a clear error on stderr with a non-zero exit and no panic.

#![allow(dead_code)]

use std::process::{Command, Output};

pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_microcircuit"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The one JSON value a successful run prints.
pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON value")
}

/// The run fails, without a panic, and its error mentions every needle.
pub fn fails_with(args: &[&str], needles: &[&str]) {
    let out = run(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {n:?} not in {err}");
    }
}
