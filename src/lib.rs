//! Dendritic cortical microcircuits that approximate backpropagation
//! (Sacramento, Ponte Costa, Bengio & Senn, NeurIPS 2018).
//!
//! Two engines share one network description ([`model::network::Network`]):
//! - [`model::pyralnet::PyraLNet`], the full rate-based simulation integrated with forward
//!   Euler at dt = 0.1 ms;
//! - [`model::steadnet::SteadNet`], the steady-state approximation that replaces the
//!   settling of each pattern by layer-wise fixed-point passes.
//!
//! The model modules use no web or OS facilities: all randomness comes from
//! [`rng::SimRng`] and all transcendental functions from [`model::kernels`], so a seed gives
//! the same run natively and on wasm32.

pub mod data;
pub mod error;

pub use error::{Error, Result};
/// Named experiments (the seed's figures): points, runs, result lines, figures.
pub mod experiments;
pub mod model;
pub mod rng;
pub mod train;

// The browser app: its session, configuration and URL state (pure Rust), the thin
// wasm-bindgen layer, and the charts.
pub mod app;
pub mod charts;

pub use model::engine::{Engine, EngineKind};
pub use model::network::Network;
pub use model::params::Params;
pub use model::presets::Preset;
pub use model::pyralnet::PyraLNet;
pub use model::steadnet::SteadNet;
