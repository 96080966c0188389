//! The Experiments view's bindings (www/experiments.js, www/experiment-worker.js),
//! apart from the run's (`src/app/wasm.rs`, whose conversions they use).
//!
//! Points travel as JSON text, not as JS objects: a setting like `t_pattern = 100.0`
//! must come back as the same JSON number for its key to stay the same.

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::app::wasm::{area, js_err, now_ms, to_js};
use crate::error::Error;

/// The experiments: `[{name, title, width, height, scales: [{name, points, note}]}]`
/// (the scales it has, points per seed, what the scale runs).
#[wasm_bindgen(js_name = experimentList)]
pub fn experiment_list() -> Result<JsValue, JsValue> {
    use crate::experiments::{Experiment, Scale, points};
    let list = Experiment::ALL
        .into_iter()
        .map(|e| {
            let (w, h) = e.figure_size();
            Ok(serde_json::json!({
                "name": e.name(),
                "title": e.title(),
                "width": w,
                "height": h,
                "scales": Scale::ALL
                    .into_iter()
                    .filter(|&s| s != Scale::Short || e.has_short())
                    .map(|s| {
                        Ok(serde_json::json!({
                            "name": s.name(),
                            "points": points(e, s, 1)?.len(),
                            "note": crate::experiments::scale_note(e, s),
                        }))
                    })
                    .collect::<crate::error::Result<Vec<_>>>()?,
            }))
        })
        .collect::<crate::error::Result<Vec<_>>>()
        .map_err(js_err)?;
    to_js(&list)
}

/// The points of an experiment with seeds 1..=seeds: `[{key, point}]`, `point` as
/// JSON text for [`run_experiment_point`].
#[wasm_bindgen(js_name = experimentPoints)]
pub fn experiment_points(name: &str, scale: &str, seeds: u32) -> Result<JsValue, JsValue> {
    use crate::experiments::{Scale, points};
    let exp = name.parse().map_err(js_err)?;
    let scale: Scale = scale.parse().map_err(js_err)?;
    let list: Vec<serde_json::Value> = points(exp, scale, seeds as usize)
        .map_err(js_err)?
        .into_iter()
        .map(|p| {
            serde_json::json!({
                "key": p.key(),
                "point": serde_json::to_string(&p).unwrap_or_default(),
            })
        })
        .collect();
    to_js(&list)
}

/// Runs one point (JSON text from [`experiment_points`]) and returns its result
/// line, the same line `microcircuit sweep` writes (the wall time aside).
#[wasm_bindgen(js_name = runExperimentPoint)]
pub fn run_experiment_point(point: &str) -> Result<String, JsValue> {
    use crate::experiments::{Point, Record, run_point};
    let p: Point = serde_json::from_str(point).map_err(|e| {
        js_err(Error::Json {
            what: "experiment point".into(),
            reason: e.to_string(),
        })
    })?;
    let t0 = now_ms();
    let outcome = run_point(&p).map_err(js_err)?;
    Ok(Record::new(p, outcome, (now_ms() - t0) / 1000.0).to_line())
}

/// Draws an experiment's figure from result lines (JSON lines text) on a canvas;
/// returns the summary table `[{group, settings, seeds, measure, mean, sd, ...}]`.
/// A malformed line is refused with its line number.
#[wasm_bindgen(js_name = drawExperiment)]
pub fn draw_experiment(
    canvas: HtmlCanvasElement,
    name: &str,
    lines: &str,
) -> Result<JsValue, JsValue> {
    use crate::experiments::{self, Experiment};
    let exp: Experiment = name.parse().map_err(js_err)?;
    let parsed = experiments::parse_results(lines, "result lines").map_err(js_err)?;
    experiments::draw(exp, &parsed.records, &area(canvas)?).map_err(js_err)?;
    to_js(&experiments::summary(exp, &parsed.records))
}
