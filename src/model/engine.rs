//! What the training driver, the CLI and the browser need from either engine.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::arith::ArithKind;
use crate::model::bss2::Bss2;
use crate::model::network::{Network, State};
use crate::model::pyralnet::PyraLNet;
use crate::model::record::Recorder;
use crate::model::steadnet::SteadNet;

/// The two ways of running a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// Full simulation, forward Euler at dt.
    PyraLNet,
    /// Steady-state approximation.
    SteadNet,
}

impl std::str::FromStr for EngineKind {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "pyralnet" => Ok(EngineKind::PyraLNet),
            "steadnet" => Ok(EngineKind::SteadNet),
            _ => Err(crate::Error::param(
                "engine",
                format!("{s:?}"),
                "pyralnet or steadnet",
            )),
        }
    }
}

/// A network with its dynamic state, presented one pattern at a time.
pub trait Engine: Send {
    fn kind(&self) -> EngineKind;
    fn network(&self) -> &Network;
    /// Parameters may be changed between patterns (learning rates, conductances);
    /// layer sizes must not.
    fn network_mut(&mut self) -> &mut Network;
    fn state(&self) -> &State;
    /// The state, to save and restore around evaluations.
    fn state_mut(&mut self) -> &mut State;

    /// Shows input rates `x` for one pattern. With `target` the output is nudged
    /// toward it (and noise is on); with `plastic` the weights learn. Returns the
    /// pattern's output: the mean u_N over `[out_lag, t_pattern]` (PyraLNet) or the
    /// settled u_N (SteadNet).
    fn present(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) -> Result<&[f32]>;

    /// One training pattern: target shown, plasticity on.
    fn train(&mut self, x: &[f32], target: &[f32]) -> Result<&[f32]> {
        self.present(x, Some(target), true)
    }

    /// One evaluation pattern: no target, no plasticity, no noise.
    fn evaluate(&mut self, x: &[f32]) -> Result<&[f32]> {
        self.present(x, None, false)
    }

    /// Patterns presented so far.
    fn patterns(&self) -> u64;

    /// Attaches a recorder (ticks: Euler steps or patterns); `None` detaches.
    fn set_recorder(&mut self, rec: Option<Recorder>);
    fn recorder(&self) -> Option<&Recorder>;

    /// Potentials back to rest (weights kept).
    fn reset_state(&mut self);
}

/// Builds the engine of `kind` around `net`, computing in the arithmetic its
/// parameters ask for (`params.arith.kind`); `seed` drives its noise and, with the
/// chip's arithmetic, its stochastic rounding and readout noise. With
/// [`ArithKind::Bss2`] the weights and traces are first put on their grids.
pub fn build(kind: EngineKind, mut net: Network, seed: u64) -> Box<dyn Engine> {
    match (kind, net.params.arith.kind) {
        (EngineKind::PyraLNet, ArithKind::Float) => Box::new(PyraLNet::new(net, seed)),
        (EngineKind::SteadNet, ArithKind::Float) => Box::new(SteadNet::new(net)),
        (kind, ArithKind::Bss2) => {
            let hw = Bss2::new(&net.params, seed);
            hw.quantise(&mut net);
            match kind {
                EngineKind::PyraLNet => Box::new(PyraLNet::with_arith(net, seed, hw)),
                EngineKind::SteadNet => Box::new(SteadNet::with_arith(net, hw)),
            }
        }
    }
}

/// Checks input and target lengths against the network.
pub(crate) fn check_pattern(net: &Network, x: &[f32], target: Option<&[f32]>) -> Result<()> {
    let n = &net.params.layers;
    if x.len() != n[0] {
        return Err(crate::Error::Shape {
            what: "input pattern".into(),
            expected: n[0].to_string(),
            found: x.len().to_string(),
        });
    }
    if let Some(t) = target {
        let n_out = n[n.len() - 1];
        if t.len() != n_out {
            return Err(crate::Error::Shape {
                what: "target pattern".into(),
                expected: n_out.to_string(),
                found: t.len().to_string(),
            });
        }
    }
    Ok(())
}
