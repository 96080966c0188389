//! Dendritic cortical microcircuits that approximate backpropagation
//! (Sacramento, Ponte Costa, Bengio & Senn, NeurIPS 2018).
//!
//! Two engines share one network description ([`Network`]):
//! - [`PyraLNet`], the full rate-based simulation integrated with forward Euler at
//!   dt = 0.1 ms;
//! - [`SteadNet`], the steady-state approximation that replaces the settling of
//!   each pattern by layer-wise fixed-point passes.
//!
//! The modules, read top-down (each imports only modules listed before it):
//! - [`error`], [`rng`]: the one error type and the seeded random streams;
//! - [`model`]: parameters, weights, the network, plasticity, the arithmetic, the
//!   engines;
//! - [`data`]: data sets, generated or parsed from bytes;
//! - [`train`]: the training driver, metrics, checkpoints, the benchmark workload;
//! - [`charts`], [`experiments`]: the plots and the named figures of the seed;
//! - [`app`]: the browser session, its configuration and URL state, and the thin
//!   wasm-bindgen layer.
//!
//! The model modules use no web or OS facilities: all randomness comes from
//! [`rng::SimRng`] and all transcendental functions from [`model::kernels`], so a
//! seed gives the same run natively and on wasm32.

pub mod app;
pub mod charts;
pub mod data;
pub mod error;
pub mod experiments;
pub mod json;
pub mod model;
pub mod rng;
pub mod train;

pub use error::{Error, Result};
pub use model::engine::{Engine, EngineKind};
pub use model::network::Network;
pub use model::params::Params;
pub use model::presets::Preset;
pub use model::pyralnet::PyraLNet;
pub use model::steadnet::SteadNet;
