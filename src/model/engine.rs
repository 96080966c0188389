//! What the training driver, the CLI and the browser need from either engine
//! ([`Engine`]), and the part every engine shares ([`Core`], [`Dynamics`]).
//!
//! An engine is a struct that holds a [`Core`] (the network, its state, the
//! arithmetic, the pattern count and the recorder), derefs to it, and implements
//! [`Dynamics`]: its kind, how it runs one pattern and where its output is. The
//! rest of [`Engine`] comes with that, so a new engine writes only what differs.

use std::ops::DerefMut;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::arith::{Arith, ArithState};
use crate::model::network::{Network, State};
use crate::model::record::Recorder;
use crate::rng::RngState;

/// The two ways of running the microcircuit, and the two reference learners on
/// its forward model ([`crate::model::backprop`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// Full simulation, forward Euler at dt.
    PyraLNet,
    /// Steady-state approximation.
    SteadNet,
    /// Reference: online gradient descent on the loss the output rule follows.
    Backprop,
    /// Reference: the same, with the error sent down through the fixed W^down.
    FeedbackAlignment,
}
crate::json::unit_enum!(EngineKind: "EngineKind",
    PyraLNet = "pyralnet", SteadNet = "steadnet", Backprop = "backprop",
    FeedbackAlignment = "feedback-alignment",
);

impl EngineKind {
    /// Every kind, in the order the CLI and the page list them.
    pub const ALL: [EngineKind; 4] = [
        EngineKind::PyraLNet,
        EngineKind::SteadNet,
        EngineKind::Backprop,
        EngineKind::FeedbackAlignment,
    ];

    /// The name the CLI, configs and the page's address use.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::PyraLNet => "pyralnet",
            EngineKind::SteadNet => "steadnet",
            EngineKind::Backprop => "backprop",
            EngineKind::FeedbackAlignment => "feedback-alignment",
        }
    }

    /// Whether this is one of the reference learners (no microcircuit dynamics:
    /// float arithmetic only, no interneurons, no apical potential).
    pub fn is_reference(self) -> bool {
        matches!(self, EngineKind::Backprop | EngineKind::FeedbackAlignment)
    }

    /// Refuses a combination the engine cannot run: the reference learners compute
    /// in f32 only.
    pub fn check(self, p: &crate::model::params::Params) -> Result<()> {
        if self.is_reference() && !p.arith.is_default() {
            return Err(Error::param(
                "arith",
                format!("{:?} with engine {}", p.arith.kind, self.name()),
                "float (the default) with the backprop and feedback-alignment engines, \
                 which compute in f32 only",
            ));
        }
        Ok(())
    }
}

impl std::str::FromStr for EngineKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.to_ascii_lowercase().replace('_', "-");
        match lower.as_str() {
            "fa" => return Ok(EngineKind::FeedbackAlignment),
            "bp" => return Ok(EngineKind::Backprop),
            _ => {}
        }
        EngineKind::ALL
            .into_iter()
            .find(|k| k.name() == lower)
            .ok_or_else(|| {
                Error::param(
                    "engine",
                    format!("{s:?}"),
                    "pyralnet, steadnet, backprop or feedback-alignment",
                )
            })
    }
}

/// Everything an engine carries from one pattern to the next beyond the weights
/// and traces: with these and the network, a run continues exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineState {
    pub kind: EngineKind,
    /// Patterns presented so far (training and evaluation).
    pub patterns: u64,
    /// Every potential and rate, the input and target low-pass included.
    pub state: State,
    /// PyraLNet's somatic noise stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<RngState>,
    /// PyraLNet's Euler steps so far: the phase of a plasticity period longer than
    /// one step (`arith.plasticity_every`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u64>,
    /// The chip arithmetic's random stream and carry registers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arith: Option<ArithState>,
}

/// A network with its dynamic state, presented one pattern at a time.
///
/// Implemented for every [`Dynamics`] that derefs to a [`Core`].
pub trait Engine: Send {
    fn kind(&self) -> EngineKind;
    /// A copy of the engine (weights, traces, state, generators), for measurements
    /// that must not change the run (alignment diagnostics).
    fn boxed_clone(&self) -> Box<dyn Engine>;
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

    /// Its state between patterns ([`EngineState`]).
    fn save_state(&self) -> EngineState;

    /// Continues from a saved state, checked against this engine's kind and
    /// network first; on an error nothing is changed.
    fn load_state(&mut self, s: &EngineState) -> Result<()>;
}

/// What every engine holds: the network, its state, the arithmetic it computes
/// with, the patterns presented so far and an optional recorder.
#[derive(Debug, Clone)]
pub struct Core<A: Arith> {
    pub net: Network,
    pub state: State,
    pub(crate) arith: A,
    pub(crate) patterns: u64,
    pub(crate) recorder: Option<Recorder>,
}

impl<A: Arith> Core<A> {
    /// `net` in its resting state, computing with `arith`.
    pub fn new(net: Network, arith: A) -> Self {
        let mut state = State::new(&net.params);
        state.rest_with(&net.params, &arith);
        Core {
            net,
            state,
            arith,
            patterns: 0,
            recorder: None,
        }
    }
}

/// What an engine writes itself; [`Engine`] follows for every `Dynamics` that
/// derefs to a [`Core`].
pub trait Dynamics {
    const KIND: EngineKind;

    /// Runs one pattern on a checked input (and target): settles or integrates,
    /// learns if `plastic`, ticks the recorder. The [`Core`]'s pattern count is
    /// that of the patterns before this one.
    fn run(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool);

    /// The output of the pattern just run.
    fn output(&self) -> &[f32];

    /// Writes what the engine keeps beyond its [`Core`] (PyraLNet: noise, steps).
    fn save_own(&self, _s: &mut EngineState) {}

    /// Reads it back; an engine without such state refuses a state that has it.
    fn load_own(&mut self, s: &EngineState) -> Result<()> {
        if s.noise.is_some() || s.steps.is_some() {
            return Err(Error::data(
                "checkpoint engine_state",
                format!(
                    "noise or steps, which the {:?} engine does not have",
                    s.kind
                ),
            ));
        }
        Ok(())
    }
}

impl<A, E> Engine for E
where
    A: Arith,
    E: Dynamics + DerefMut<Target = Core<A>> + Send + Clone + 'static,
{
    fn kind(&self) -> EngineKind {
        E::KIND
    }

    fn boxed_clone(&self) -> Box<dyn Engine> {
        Box::new(self.clone())
    }

    fn network(&self) -> &Network {
        &self.net
    }

    fn network_mut(&mut self) -> &mut Network {
        &mut self.net
    }

    fn state(&self) -> &State {
        &self.state
    }

    fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    fn present(&mut self, x: &[f32], target: Option<&[f32]>, plastic: bool) -> Result<&[f32]> {
        check_pattern(&self.net, x, target)?;
        self.run(x, target, plastic);
        let core = &mut **self;
        core.patterns += 1;
        core.net.check(&core.state, core.patterns)?;
        Ok(self.output())
    }

    fn patterns(&self) -> u64 {
        self.patterns
    }

    fn set_recorder(&mut self, rec: Option<Recorder>) {
        self.recorder = rec;
    }

    fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    fn reset_state(&mut self) {
        let core = &mut **self;
        core.state.rest_with(&core.net.params, &core.arith);
    }

    fn save_state(&self) -> EngineState {
        let mut s = EngineState {
            kind: E::KIND,
            patterns: self.patterns,
            state: self.state.clone(),
            noise: None,
            steps: None,
            arith: self.arith.save(),
        };
        self.save_own(&mut s);
        s
    }

    fn load_state(&mut self, s: &EngineState) -> Result<()> {
        if s.kind != E::KIND {
            return Err(Error::data(
                "checkpoint engine_state.kind",
                format!("{:?}, but the run's engine is {:?}", s.kind, E::KIND),
            ));
        }
        s.state
            .check_against(&self.net.params, "checkpoint engine_state.state")?;
        // Both checks run on copies, so an error leaves the engine as it was.
        let mut arith = self.arith.clone();
        arith.load(s.arith.as_ref(), &self.net.w)?;
        self.load_own(s)?;
        let core = &mut **self;
        (core.arith, core.state, core.patterns) = (arith, s.state.clone(), s.patterns);
        Ok(())
    }
}

/// Checks input and target lengths against the network.
fn check_pattern(net: &Network, x: &[f32], target: Option<&[f32]>) -> Result<()> {
    let n = &net.params.layers;
    if x.len() != n[0] {
        return Err(Error::Shape {
            what: "input pattern".into(),
            expected: n[0].to_string(),
            found: x.len().to_string(),
        });
    }
    if let Some(t) = target {
        let n_out = n[n.len() - 1];
        if t.len() != n_out {
            return Err(Error::Shape {
                what: "target pattern".into(),
                expected: n_out.to_string(),
                found: t.len().to_string(),
            });
        }
    }
    Ok(())
}
