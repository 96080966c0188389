//! `microcircuit`: the command-line runner. Progress goes to stderr, results to
//! stdout as JSON, errors to stderr with a non-zero exit.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
