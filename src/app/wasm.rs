//! The browser binding: a thin `wasm-bindgen` layer over [`crate::app::App`], the
//! URL state and the charts. The model knows nothing of the web; this file only
//! converts (serde payloads via `serde-wasm-bindgen`, typed arrays for pictures,
//! [`crate::error::Error`] to `JsValue`) and reads the clock.
//!
//! The same module is loaded twice: in the Web Worker, which owns a [`Sim`] and
//! runs it in time-bounded slices, and on the page's main thread, which parses the
//! URL and draws the charts (plotters measures text with the page's `document`,
//! which a worker does not have).

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::app::config::{self, AppConfig};
use crate::app::evaluate::{EvalSetup, Snapshot};
use crate::app::url;
use crate::app::{App, Evaluated, Role};
use crate::charts::{
    confusion::Confusion, curves::Curves, digits::Digits, potentials::Potentials, sps::SpsTrace,
};
use crate::error::Error;
use crate::model::params::Params;
use crate::model::presets::Preset;
use crate::train::Which;

/// Installs the panic hook: the message goes to the console (with a stack) and to
/// `globalThis.__microcircuitPanic`, where the worker reads it after the trap.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &"__microcircuitPanic".into(),
            &info.to_string().into(),
        );
    }));
}

/// The error as a JS `Error` whose `kind` is the variant ([`Error::kind`]), so
/// the page acts on the kind (e.g. `diverged`) without reading the message.
pub(crate) fn js_err(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &"kind".into(), &e.kind().into());
    err.into()
}

/// A JS `Error` for failures of the binding itself (kind `binding`).
fn js_msg(message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&err, &"kind".into(), &"binding".into());
    err.into()
}

pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let s = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&s)
        .map_err(|e| js_msg(&format!("cannot encode the result: {e}")))
}

/// `T` from a JS value by way of a `serde_json::Value`: one deserializer per type
/// for JS values, JSON text and checkpoints (a smaller module), and errors that
/// name the field's path.
fn from_js<T: DeserializeOwned>(what: &str, v: JsValue) -> Result<T, JsValue> {
    let v: serde_json::Value = serde_wasm_bindgen::from_value(v).map_err(|e| {
        js_err(Error::Json {
            what: what.into(),
            reason: e.to_string(),
        })
    })?;
    crate::json::from_value(&v, what).map_err(js_err)
}

/// A chart's data from a JS value, directly: it arrives with every frame and grows
/// with the run, so no `serde_json::Value` copy on the way (the direct path is also
/// 16 kB smaller in the module).
fn chart_from_js<T: DeserializeOwned>(what: &str, v: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| {
        js_err(Error::Json {
            what: what.into(),
            reason: e.to_string(),
        })
    })
}

/// `T` from JSON text by way of a `serde_json::Value`, as checkpoints are read:
/// the same code for the parameters and the engine state, a smaller module.
pub(crate) fn json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, JsValue> {
    let v = crate::json::parse(text, what).map_err(js_err)?;
    crate::json::from_value(&v, what).map_err(js_err)
}

/// `performance.now()` (in a page or a worker), else `Date.now()`.
pub(crate) fn now_ms() -> f64 {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &"performance".into())
        .ok()
        .filter(|p| !p.is_undefined())
        .and_then(|perf| {
            let now: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into())
                .ok()?
                .dyn_into()
                .ok()?;
            now.call0(&perf).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// A clock for [`App::advance`]: true once `budget_ms` have passed.
fn deadline(budget_ms: f64) -> impl FnMut() -> bool {
    let start = now_ms();
    move || now_ms() - start >= budget_ms
}

/// A simulation run, owned by the worker.
#[wasm_bindgen]
pub struct Sim {
    app: App,
}

#[wasm_bindgen]
impl Sim {
    /// A new run of a configuration (an `AppConfig` object, e.g. from `parseHash`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Sim, JsValue> {
        let config: AppConfig = from_js("config", config)?;
        Ok(Sim {
            app: App::new(config).map_err(js_err)?,
        })
    }

    /// A new run on a CSV file of points (`x,y,label`); a bad file is refused with
    /// the line and column.
    #[wasm_bindgen(js_name = withData)]
    pub fn with_data(config: JsValue, csv: &[u8]) -> Result<Sim, JsValue> {
        let config: AppConfig = from_js("config", config)?;
        let points = crate::data::points::parse(csv).map_err(js_err)?;
        Ok(Sim {
            app: App::with_points(config, Some(&points)).map_err(js_err)?,
        })
    }

    /// Resumes a checkpoint of a run on a CSV file of points.
    #[wasm_bindgen(js_name = fromCheckpointWithData)]
    pub fn from_checkpoint_with_data(text: &str, embed: bool, csv: &[u8]) -> Result<Sim, JsValue> {
        let points = crate::data::points::parse(csv).map_err(js_err)?;
        Ok(Sim {
            app: App::from_checkpoint_on(text, embed, Some(&points)).map_err(js_err)?,
        })
    }

    /// Resumes a checkpoint file's run; a bad file is refused with the reason.
    #[wasm_bindgen(js_name = fromCheckpoint)]
    pub fn from_checkpoint(text: &str, embed: bool) -> Result<Sim, JsValue> {
        Ok(Sim {
            app: App::from_checkpoint(text, embed).map_err(js_err)?,
        })
    }

    /// The evaluation session of a training session's `setup` (the JSON text of
    /// its `evaluationSetup()`), on the same CSV file's bytes if any: it evaluates
    /// the snapshots it is given (`src/app/evaluate.rs`).
    #[wasm_bindgen(js_name = forEvaluation)]
    pub fn for_evaluation(setup: &str, csv: Option<Vec<u8>>) -> Result<Sim, JsValue> {
        let setup: EvalSetup = json("evaluation setup", setup)?;
        let points = csv
            .map(|b| crate::data::points::parse(&b))
            .transpose()
            .map_err(js_err)?;
        Ok(Sim {
            app: App::for_evaluation(setup, points.as_ref()).map_err(js_err)?,
        })
    }

    /// From now on evaluations fall due (`advance`'s `due`) for another worker to
    /// run on a `snapshot()`, whose metrics come back through `record`.
    #[wasm_bindgen(js_name = evaluateElsewhere)]
    pub fn evaluate_elsewhere(&mut self) {
        self.app.set_role(Role::Training);
    }

    /// What `Sim.forEvaluation` builds the evaluation session from (JSON text).
    #[wasm_bindgen(js_name = evaluationSetup)]
    pub fn evaluation_setup(&self) -> String {
        serde_json::to_string(&self.app.evaluation_setup()).unwrap_or_default()
    }

    /// `{meta, patterns, weights}`: the snapshot's patterns, parameters and engine state as
    /// JSON text, its weights as a `Float32Array` copied out of wasm memory (so
    /// the worker can transfer it). JSON text, as in checkpoints, keeps the
    /// module small.
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        let s = self.app.snapshot();
        let meta = serde_json::to_string(&s).map_err(|e| js_msg(&e.to_string()))?;
        let obj = js_sys::Object::new();
        let weights = js_sys::Float32Array::from(&s.weights[..]);
        let patterns = JsValue::from(s.patterns as f64);
        for (k, v) in [
            ("meta", JsValue::from(meta)),
            ("patterns", patterns),
            ("weights", weights.into()),
        ] {
            js_sys::Reflect::set(&obj, &k.into(), &v)
                .map_err(|_| js_msg("cannot build the snapshot"))?;
        }
        Ok(obj.into())
    }

    /// Loads a training session's `snapshot()` (`meta`, `weights`) and starts
    /// evaluating `which` (`"val"`, `"test"`, or none: the next decision regions
    /// only).
    #[wasm_bindgen(js_name = loadSnapshot)]
    pub fn load_snapshot(
        &mut self,
        meta: &str,
        weights: Vec<f32>,
        which: Option<String>,
    ) -> Result<(), JsValue> {
        let mut s: Snapshot = json("snapshot", meta)?;
        s.weights = weights;
        let which = which
            .map(|w| match w.as_str() {
                "val" => Ok(Which::Val),
                "test" => Ok(Which::Test),
                _ => Err(js_err(Error::param("snapshot which", w, "val or test"))),
            })
            .transpose()?;
        self.app.load_snapshot(&s, which).map_err(js_err)
    }

    /// Keeps an evaluation (`{which, metrics}` as JSON text) of one of this run's
    /// snapshots.
    pub fn record(&mut self, evaluated: &str) -> Result<(), JsValue> {
        let e: Evaluated = json("evaluated", evaluated)?;
        self.app.record(e).map_err(js_err)
    }

    /// Trains up to `max_patterns` patterns (validating when due) for at most about
    /// `budget_ms` (one PyraLNet pattern cannot be split); returns the report.
    pub fn advance(&mut self, max_patterns: u32, budget_ms: f64) -> Result<JsValue, JsValue> {
        let report = self
            .app
            .advance(max_patterns as usize, &mut deadline(budget_ms))
            .map_err(js_err)?;
        to_js(&report)
    }

    /// Live parameter change: a partial parameters object; returns the parameters.
    pub fn set(&mut self, partial: JsValue) -> Result<JsValue, JsValue> {
        let v: serde_json::Value = from_js("set", partial)?;
        let p = self.app.set(&v).map_err(js_err)?;
        to_js(&p)
    }

    /// Data of the frequently refreshed charts.
    pub fn frame(&self) -> Result<JsValue, JsValue> {
        to_js(&self.app.frame())
    }

    /// Works on the `n × n` decision-region grid for about `budget_ms`; `null` while
    /// unfinished, else `{n, rgba: Uint8Array, points, labels, predicted}`.
    pub fn regions(&mut self, n: u32, budget_ms: f64) -> Result<JsValue, JsValue> {
        let r = self
            .app
            .regions(n as usize, &mut deadline(budget_ms))
            .map_err(js_err)?;
        let Some(r) = r else {
            return Ok(JsValue::NULL);
        };
        let obj = to_js(&r)?;
        // A copy outside wasm memory, so the worker can transfer it.
        let rgba = js_sys::Uint8ClampedArray::from(&r.rgba[..]);
        js_sys::Reflect::set(&obj, &"rgba".into(), &rgba)
            .map_err(|_| js_msg("cannot attach the picture"))?;
        Ok(obj)
    }

    /// The circuit panel's payload (`src/app/circuit.rs`).
    pub fn circuit(&self) -> Result<JsValue, JsValue> {
        to_js(&self.app.circuit())
    }

    /// A step-by-step replay of validation pattern `i` from the current state.
    #[wasm_bindgen(js_name = circuitDemo)]
    pub fn circuit_demo(&self, i: u32) -> Result<JsValue, JsValue> {
        to_js(&self.app.circuit_demo(i as usize).map_err(js_err)?)
    }

    /// A few test digits with predictions (MNIST).
    pub fn digits(&self) -> Result<JsValue, JsValue> {
        to_js(&self.app.digits().map_err(js_err)?)
    }

    /// The training curves' data alone (the comparison learners send only these).
    pub fn curves(&self) -> Result<JsValue, JsValue> {
        to_js(&self.app.curves())
    }

    /// The run as checkpoint JSON.
    pub fn checkpoint(&mut self) -> String {
        self.app.checkpoint_json()
    }

    /// Validation history and test result as CSV.
    #[wasm_bindgen(js_name = metricsCsv)]
    pub fn metrics_csv(&self) -> String {
        self.app.metrics_csv()
    }

    /// The weights checksum (decimal u64), equal to a native run's.
    pub fn checksum(&self) -> String {
        self.app.checksum().to_string()
    }

    /// The run's configuration (an `AppConfig` object).
    pub fn config(&self) -> Result<JsValue, JsValue> {
        to_js(self.app.config())
    }

    /// The progress of the run.
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        to_js(&self.app.trainer().progress())
    }
}

/// Every preset with the page's default configuration:
/// `[{name, task, source, config}]`.
#[wasm_bindgen]
pub fn presets() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Entry {
        name: String,
        task: crate::model::presets::Task,
        source: String,
        config: AppConfig,
    }
    let list = Preset::all()
        .into_iter()
        .map(|p| {
            Ok(Entry {
                config: AppConfig::from_preset(&p.name)?,
                name: p.name,
                task: p.task,
                source: p.source,
            })
        })
        .collect::<crate::error::Result<Vec<_>>>()
        .map_err(js_err)?;
    to_js(&list)
}

/// Reads a URL hash: `{config, ignored: [{key, value, reason}]}`; never throws.
#[wasm_bindgen(js_name = parseHash)]
pub fn parse_hash(hash: &str) -> Result<JsValue, JsValue> {
    to_js(&url::parse(hash))
}

/// The canonical hash of a configuration (validated first).
#[wasm_bindgen(js_name = printHash)]
pub fn print_hash(config: JsValue) -> Result<String, JsValue> {
    let c: AppConfig = from_js("config", config)?;
    c.validate().map_err(js_err)?;
    Ok(url::print(&c))
}

/// Checks a configuration and gives the derived quantities the page shows:
/// `{lambda_out, lambda_inter, lambda_hidden, tau_ms, synapses}`. Throws the
/// validation error (naming the field, its value and the allowed range).
#[wasm_bindgen]
pub fn describe(config: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Derived {
        lambda_out: f32,
        lambda_inter: f32,
        lambda_hidden: f32,
        tau_ms: f32,
        synapses: usize,
        /// The number formats in one line (float or the BSS-2 chip's).
        arith: String,
        /// Why these formats will not learn, if that is known.
        hints: Vec<String>,
        /// The schedule's learning-rate decay in a sentence; empty: none.
        decay: String,
        /// What the rule needs of one PPU, and what the chip cannot meet (BSS-2
        /// formats only; empty in float).
        ppu: String,
    }
    let c: AppConfig = from_js("config", config)?;
    c.validate().map_err(js_err)?;
    let p: &Params = &c.params;
    to_js(&Derived {
        lambda_out: p.lambda_out(),
        lambda_inter: p.lambda_inter(),
        lambda_hidden: p.lambda_hidden(),
        tau_ms: 1.0 / p.g_tot_hidden(),
        synapses: p.n_synapses(),
        arith: p.arith.describe(),
        hints: crate::model::presets::format_hints(
            &c.preset,
            c.task().map_err(js_err)?,
            p,
            c.engine == crate::model::engine::EngineKind::PyraLNet,
        ),
        decay: c
            .schedule()
            .map_err(js_err)?
            .eta_decay
            .map(|d| d.describe(c.epochs))
            .unwrap_or_default(),
        ppu: match p.arith.kind {
            crate::model::formats::ArithKind::Bss2 => {
                crate::model::budget::Budget::new(p, c.engine).describe()
            }
            _ => String::new(),
        },
    })
}

/// What "Compare with backprop" trains beside a configuration:
/// `{learners: [{engine, label, style, config}], note}` (`src/app/compare.rs`).
#[wasm_bindgen(js_name = comparePlan)]
pub fn compare_plan(config: JsValue) -> Result<JsValue, JsValue> {
    let c: AppConfig = from_js("config", config)?;
    to_js(&crate::app::compare::plan(&c).map_err(js_err)?)
}

/// Parameter keys of the form, and which of them change a running simulation.
#[wasm_bindgen(js_name = paramKeys)]
pub fn param_keys() -> Result<JsValue, JsValue> {
    let keys: Vec<(&str, bool)> = url::param_keys()
        .into_iter()
        .map(|k| (k, url::is_live(k)))
        .collect();
    to_js(&keys)
}

/// The text of every parameter key for the page's form, as `[key, text]` pairs
/// (the address's text; [`url::form_values`]).
#[wasm_bindgen(js_name = formValues)]
pub fn form_values(params: JsValue) -> Result<JsValue, JsValue> {
    let p: Params = from_js("params", params)?;
    to_js(&url::form_values(&p))
}

/// A fresh seed from the browser's entropy (`crypto.getRandomValues`), in 0..2^32.
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<f64, JsValue> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| js_msg(&format!("no entropy source: {e}")))?;
    Ok(u32::from_le_bytes(b) as f64)
}

/// Times the CLI's `bench` workload in this browser (`microcircuit bench` prints
/// the native figure): `{engine, preset, patterns, seconds, us_per_pattern,
/// us_per_step}` (`us_per_step` for PyraLNet only).
#[wasm_bindgen]
pub fn bench(engine: &str, preset: &str, patterns: u32, seed: f64) -> Result<JsValue, JsValue> {
    let kind: crate::model::engine::EngineKind = engine.parse().map_err(js_err)?;
    let mut b = crate::train::bench::Bench::new(kind, preset, patterns as usize, seed as u64)
        .map_err(js_err)?;
    let t0 = now_ms();
    b.run().map_err(js_err)?;
    let seconds = (now_ms() - t0) / 1000.0;
    let steps = b.steps();
    to_js(&serde_json::json!({
        "engine": kind,
        "preset": preset,
        "patterns": b.patterns(),
        "seconds": seconds,
        "us_per_pattern": seconds * 1e6 / b.patterns() as f64,
        "us_per_step": if steps > 0 { Some(seconds * 1e6 / steps as f64) } else { None },
    }))
}

/// Hands over the MNIST subset's two files (fetched by the page from `pkg/mnist/`:
/// they are not compiled into this module); refused if they are not the subset.
#[wasm_bindgen(js_name = provideMnist)]
pub fn provide_mnist(images: Vec<u8>, labels: Vec<u8>) -> Result<(), JsValue> {
    crate::data::mnist_subset::provide_subset(images, labels).map_err(js_err)
}

/// Panics on purpose: the page's test of worker crash recovery.
#[wasm_bindgen(js_name = triggerPanic)]
pub fn trigger_panic() {
    panic!("deliberate panic (crash-recovery test)");
}

pub(crate) fn area(
    canvas: HtmlCanvasElement,
) -> Result<DrawingArea<CanvasBackend, plotters::coord::Shift>, JsValue> {
    CanvasBackend::with_canvas_object(canvas)
        .map(|b| b.into_drawing_area())
        .ok_or_else(|| js_msg("the canvas has no 2D context"))
}

/// Draws the training curves on a canvas.
#[wasm_bindgen(js_name = drawCurves)]
pub fn draw_curves(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: Curves = chart_from_js("curves", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// Draws the "alignment with backprop" chart on a canvas.
#[wasm_bindgen(js_name = drawAlignment)]
pub fn draw_alignment(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: crate::charts::alignment::AlignmentChart = chart_from_js("alignment data", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// Draws the self-predicting-state chart on a canvas.
#[wasm_bindgen(js_name = drawSps)]
pub fn draw_sps(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: SpsTrace = chart_from_js("sps", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// Draws the output potentials chart on a canvas.
#[wasm_bindgen(js_name = drawPotentials)]
pub fn draw_potentials(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: Potentials = chart_from_js("potentials", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// Draws a confusion matrix on a canvas.
#[wasm_bindgen(js_name = drawConfusion)]
pub fn draw_confusion(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: Confusion = chart_from_js("confusion", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// Draws the histogram of 6-bit weight codes (BSS-2 arithmetic) on a canvas.
#[wasm_bindgen(js_name = drawCodes)]
pub fn draw_codes(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: crate::charts::codes::WeightCodes = chart_from_js("codes", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// Draws digits with predictions on a canvas.
#[wasm_bindgen(js_name = drawDigits)]
pub fn draw_digits(canvas: HtmlCanvasElement, data: JsValue) -> Result<(), JsValue> {
    let c: Digits = chart_from_js("digits", data)?;
    c.draw(&area(canvas)?).map_err(js_err)
}

/// The size limits the page checks before it reads a file or applies an edit
/// (the Rust side refuses the same sizes again), for messages that give them.
#[wasm_bindgen]
pub fn limits() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "import_bytes": crate::app::MAX_IMPORT_BYTES,
        "hash_chars": url::MAX_HASH_LEN,
        "synapses": config::MAX_APP_SYNAPSES,
        "layer_size": crate::model::params::MAX_LAYER_SIZE,
        "layers": crate::model::params::MAX_LAYERS,
        "history": crate::app::MAX_HISTORY,
        "data_bytes": crate::data::points::MAX_BYTES,
        "data_rows": crate::data::points::MAX_ROWS,
    }))
}
