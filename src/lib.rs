//! Dendritic cortical microcircuits that approximate backpropagation
//! (Sacramento, Ponte Costa, Bengio & Senn, NeurIPS 2018).
//!
//! Two engines share one network description ([`network::Network`]):
//! - [`pyralnet::PyraLNet`], the full rate-based simulation integrated with forward
//!   Euler at dt = 0.1 ms;
//! - [`steadnet::SteadNet`], the steady-state approximation that replaces the
//!   settling of each pattern by layer-wise fixed-point passes.
//!
//! The model modules use no web or OS facilities: all randomness comes from
//! [`rng::SimRng`] and all transcendental functions from [`kernels`], so a seed gives
//! the same run natively and on wasm32.

pub mod data;
pub mod error;

pub use error::{Error, Result};
pub mod arith;
pub mod bench;
pub mod bss2;
pub mod engine;
/// Named experiments (the seed's figures): points, runs, result lines, figures.
pub mod experiments;
pub mod kernels;
pub mod network;
pub mod params;
pub mod pyralnet;
pub mod record;
pub mod rng;
pub mod steadnet;
pub mod train;

// The browser app: its session, charts and URL state (pure Rust), and the thin
// wasm-bindgen layer.
pub mod app;
pub mod charts;
pub mod urlstate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{Engine, EngineKind};
pub use network::Network;
pub use params::{Params, Preset};
pub use pyralnet::PyraLNet;
pub use steadnet::SteadNet;
