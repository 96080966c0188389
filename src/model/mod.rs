//! The model: the microcircuit and the two engines that run it, read top-down.
//!
//! - [`params`], [`presets`]: the parameters and the published presets;
//!   [`formats`]: the configuration of the number formats.
//! - [`kernels`]: the transfer functions and vector operations, bit-identical on
//!   every platform.
//! - [`weights`]: the weight matrices and the one list of projection kinds.
//! - [`arith`]: the arithmetic the engines compute with ([`arith::Float`]), and
//!   [`bss2`], the BrainScaleS-2 formats ([`bss2::Bss2`]).
//! - [`network`]: the network, its state and the compartment terms both engines
//!   share (SPEC §1); [`plasticity`]: the learning rules (SPEC §2).
//! - [`record`]: the recorder the engines tick.
//! - [`engine`]: the [`engine::Engine`] trait and the part every engine shares;
//!   [`pyralnet`] and [`steadnet`], the two engines; [`build`] picks one.

pub mod arith;
pub mod bss2;
pub mod engine;
pub mod kernels;
pub mod network;
pub mod params;
pub mod pyralnet;
pub mod record;
pub mod steadnet;
