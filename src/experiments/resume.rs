//! How a long point saves itself and continues after a kill (a Slurm time limit,
//! Ctrl-C): the experiment hands its trainer to a hook after every chunk of
//! training and starts from the point's last checkpoint if there is one; the
//! caller (the CLI's sweep) keeps the files and decides how often to write.
//! Checkpoints resume exactly, so a resumed point gives the same line.

use crate::data::Splits;
use crate::error::Result;
use crate::model::params::Params;
use crate::train::{Checkpoint, RunConfig, Trainer};

/// What the hook is given after every chunk of training.
pub type SaveHook<'a> = &'a mut dyn FnMut(&Trainer) -> Result<()>;

/// The hook a sweep passes to [`crate::experiments::run_point_with`].
#[derive(Default)]
pub struct Resume<'a> {
    /// The point's last checkpoint, if an earlier run of it was cut off.
    pub from: Option<Checkpoint>,
    /// Called after every chunk of training.
    pub save: Option<SaveHook<'a>>,
}

impl Resume<'_> {
    /// The point's trainer: continued from [`Resume::from`] if that is a
    /// checkpoint of this very run (same configuration, parameters, engine
    /// state), else a new one.
    pub(crate) fn trainer(
        &mut self,
        params: Params,
        sets: Splits,
        cfg: RunConfig,
    ) -> Result<Trainer> {
        match self.from.take() {
            Some(ck) if ck.config == cfg && ck.params == params && ck.engine_state.is_some() => {
                Trainer::from_checkpoint(ck, sets)
            }
            _ => Trainer::new(params, sets, cfg),
        }
    }

    /// Hands the trainer to the hook.
    pub(crate) fn tick(&mut self, t: &Trainer) -> Result<()> {
        match &mut self.save {
            Some(save) => save(t),
            None => Ok(()),
        }
    }
}
