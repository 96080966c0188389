//! The model: the microcircuit and the two engines that run it, read top-down.
//!
//! - [`params`], [`presets`]: the parameters and the published presets;
//!   [`formats`]: the configuration of the number formats ([`chip_options`]: the
//!   analog MAC's and the PPU's options); [`chip_export`]: a trained network as
//!   chip data.
//! - [`kernels`]: the transfer functions and vector operations, bit-identical on
//!   every platform; [`outer`]: the plasticity's outer-product updates of W and Δ.
//! - [`weights`]: the weight matrices and the one list of projection kinds.
//! - [`arith`]: the arithmetic the engines compute with ([`arith::Float`]), and
//!   [`bss2`], the BrainScaleS-2 formats ([`bss2::Bss2`]; [`scales`]: the weight
//!   codes' scales).
//! - [`network`]: the network, its state and the compartment terms both engines
//!   share (SPEC §1); [`plasticity`]: the learning rules (SPEC §2).
//! - [`record`]: the recorder the engines tick.
//! - [`engine`]: the [`engine::Engine`] trait and the part every engine shares;
//!   [`pyralnet`] and [`steadnet`], the two engines; [`backprop`], the reference
//!   learners on the same forward model; [`build`] picks one.

pub mod analog;
pub mod arith;
pub mod backprop;
pub mod bss2;
pub mod budget;
pub mod chip_export;
pub mod chip_options;
pub mod engine;
pub mod formats;
pub mod kernels;
pub mod lfsr;
pub mod network;
pub mod outer;
pub mod params;
pub mod partial;
pub mod plasticity;
pub mod ppu;
pub mod presets;
pub mod pyralnet;
pub mod record;
pub mod scales;
pub mod simd;
pub mod steadnet;
pub mod weights;
pub mod writeback;

use crate::model::backprop::{Backprop, FeedbackAlignment};
use crate::model::bss2::Bss2;
use crate::model::engine::{Engine, EngineKind};
use crate::model::formats::ArithKind;
use crate::model::network::Network;
use crate::model::pyralnet::PyraLNet;
use crate::model::steadnet::SteadNet;

/// Builds the engine of `kind` around `net`, computing in the arithmetic its
/// parameters ask for (`params.arith.kind`); `seed` drives its noise and, with the
/// chip's arithmetic, its stochastic rounding and readout noise. With
/// [`ArithKind::Bss2`] the weights and traces are first put on their grids. The
/// reference learners compute in f32 whatever `arith` says
/// ([`EngineKind::check`] refuses that combination before a run is built).
pub fn build(kind: EngineKind, mut net: Network, seed: u64) -> Box<dyn Engine> {
    let bss2 = |net: &mut Network| {
        let hw = Bss2::new(&net.params, seed);
        hw.quantise(net);
        hw
    };
    match (kind, net.params.arith.kind) {
        (EngineKind::Backprop, _) => Box::new(Backprop::new(net)),
        (EngineKind::FeedbackAlignment, _) => Box::new(FeedbackAlignment::new(net)),
        (EngineKind::PyraLNet, ArithKind::Float) => Box::new(PyraLNet::new(net, seed)),
        (EngineKind::SteadNet, ArithKind::Float) => Box::new(SteadNet::new(net)),
        (EngineKind::PyraLNet, ArithKind::Bss2) => {
            let hw = bss2(&mut net);
            Box::new(PyraLNet::with_arith(net, seed, hw))
        }
        (EngineKind::SteadNet, ArithKind::Bss2) => {
            let hw = bss2(&mut net);
            Box::new(SteadNet::with_arith(net, hw))
        }
    }
}
