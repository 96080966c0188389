//! How a run is organised: task, engine, schedule, seed, validation interval.

use serde::{Deserialize, Serialize};

use crate::model::engine::EngineKind;
use crate::model::presets::{Schedule, Task};

/// Most epochs of a schedule.
pub const MAX_EPOCHS: usize = 100_000;

/// How a run is organised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    pub task: Task,
    pub engine: EngineKind,
    pub schedule: Schedule,
    /// Seed of the weights, the shuffle and the noise.
    pub seed: u64,
    /// Validate every this many training patterns (and at each epoch end); 0: only at
    /// epoch ends.
    pub val_every: usize,
}
