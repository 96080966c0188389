//! "Compare with backprop": which reference learners ([`crate::model::backprop`])
//! train beside a page's run, and on what.
//!
//! Each learner is the page's run with only the engine changed: the same preset,
//! seed (so the same data, pattern order and initial W^up: the `Init` stream does
//! not depend on the engine), network shape, schedule and validation points. The
//! page runs them in a second worker that trains each up to the main run's pattern
//! count, so the curves compare the learners after the same patterns
//! (`www/compare.js`).
//!
//! Where the comparison does not apply the plan has no learners and a note that
//! says why: MNIST (two more 784-500-500-10 networks and their copies of the
//! digits would double the memory and the work of a run that already takes
//! minutes; docs/results.md §5 has the measured comparison), and the chip's number
//! formats (the reference learners compute in f32 only). A run that is itself a
//! reference learner is compared with the other one.

use serde::{Deserialize, Serialize};

use crate::app::config::AppConfig;
use crate::error::Result;
use crate::model::engine::EngineKind;
use crate::model::presets::Task;

/// One reference learner beside the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Learner {
    pub engine: EngineKind,
    /// Its name in the page's text and the chart's legend.
    pub label: String,
    /// Its line style in the training curves
    /// ([`crate::charts::curves::OtherCurve::style`]).
    pub style: usize,
    /// The run it trains: the page's, with this engine.
    pub config: AppConfig,
}

/// What "Compare with backprop" trains for a configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Empty where the comparison does not apply.
    pub learners: Vec<Learner>,
    /// One sentence for the page: what runs, or why nothing does.
    pub note: String,
}

/// The label of a reference learner.
pub fn label(e: EngineKind) -> &'static str {
    match e {
        EngineKind::FeedbackAlignment => "feedback alignment",
        _ => "backprop",
    }
}

/// The comparison of `c` (its `compare` switch aside). Errors only for a
/// configuration that is itself invalid.
pub fn plan(c: &AppConfig) -> Result<Plan> {
    c.validate()?;
    let none = |note: &str| {
        Ok(Plan {
            learners: Vec::new(),
            note: note.into(),
        })
    };
    if c.task()? == Task::Mnist {
        return none(
            "Not offered for MNIST: two more 784-500-500-10 networks would double the memory \
             and the work of a run that already takes minutes (the command line's comparison: \
             docs/results.md, section 5).",
        );
    }
    if !c.params.arith.is_default() {
        return none(
            "Not offered with the BSS-2 number formats: backprop and feedback alignment \
             compute in f32 only.",
        );
    }
    let engines: Vec<EngineKind> = [EngineKind::Backprop, EngineKind::FeedbackAlignment]
        .into_iter()
        .filter(|&e| e != c.engine)
        .collect();
    let learners = engines
        .iter()
        .map(|&engine| {
            let config = AppConfig {
                engine,
                embed: false,
                view: None,
                autoplay: None,
                compare: false,
                ..c.clone()
            };
            config.validate()?;
            Ok(Learner {
                engine,
                label: label(engine).into(),
                style: usize::from(engine == EngineKind::FeedbackAlignment),
                config,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let note = if c.engine.is_reference() {
        format!(
            "This run is {} itself: {} trains beside it on the same seed, data, network, \
             initial weights and schedule, up to this run's pattern count.",
            label(c.engine),
            label(engines[0])
        )
    } else {
        "Backprop and feedback alignment train beside this run on the same seed, data, \
         network, initial weights and schedule, up to this run's pattern count."
            .into()
    };
    Ok(Plan { learners, note })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;

    #[test]
    fn the_learners_are_the_run_with_another_engine_and_the_same_start() {
        let mut c = AppConfig::from_preset("yin_yang").unwrap();
        c.seed = 7;
        c.compare = true;
        c.embed = true;
        let p = plan(&c).unwrap();
        let engines: Vec<_> = p.learners.iter().map(|l| l.engine).collect();
        assert_eq!(
            engines,
            [EngineKind::Backprop, EngineKind::FeedbackAlignment]
        );
        assert_eq!(p.learners[1].style, 1);
        let main = App::new(c.clone()).unwrap();
        for l in &p.learners {
            assert!(!l.config.compare && !l.config.embed);
            assert_eq!((l.config.seed, l.config.epochs), (7, c.epochs));
            assert_eq!(l.config.params, c.params);
            // The same initial W^up and the same data (validation set).
            let app = App::new(l.config.clone()).unwrap();
            let (a, b) = (app.trainer(), main.trainer());
            assert_eq!(a.engine().network().w.up, b.engine().network().w.up);
            assert_eq!(a.sets().val.input(5), b.sets().val.input(5));
            assert_eq!(a.total_patterns(), b.total_patterns());
        }
    }

    #[test]
    fn a_reference_run_gets_the_other_learner_and_mnist_and_the_chip_none() {
        let mut c = AppConfig::from_preset("mimic").unwrap();
        c.engine = EngineKind::Backprop;
        let p = plan(&c).unwrap();
        assert_eq!(p.learners.len(), 1);
        assert_eq!(p.learners[0].engine, EngineKind::FeedbackAlignment);
        assert!(p.note.contains("This run is backprop itself"), "{}", p.note);
        let p = plan(&AppConfig::from_preset("mnist").unwrap()).unwrap();
        assert!(
            p.learners.is_empty() && p.note.contains("MNIST"),
            "{}",
            p.note
        );
        let p = plan(&AppConfig::from_preset("yin_yang_bss2").unwrap()).unwrap();
        assert!(
            p.learners.is_empty() && p.note.contains("f32"),
            "{}",
            p.note
        );
    }
}
