// The page's message protocol, in one place. The page (main.js, experiments.js)
// and its workers (worker.js, eval-worker.js, compare-worker.js,
// experiment-worker.js) import these names, so a
// message one side sends is one the other side handles. Payloads are plain
// objects; the model's data in them (configs, progress, metrics, frames) is what
// the Rust binding (src/app/wasm.rs) returns, passed through unchanged.

/** Page → simulation worker (worker.js): `{cmd: Cmd.X, ...fields}`. */
export const Cmd = Object.freeze({
  /** Start a run: `{config}` (an AppConfig) or `{checkpoint}` (its JSON text),
   *  with `embed` (bool) and `play` (start training at once); `restore` (with a
   *  checkpoint: undoing a reset) keeps what Cmd.RESET rebuilds from; `data` (the
   *  bytes of a CSV file of points) trains on them (Op.DATA if refused). A refused
   *  config or checkpoint leaves the current run as it was, running or not. */
  INIT: 'init',
  /** The current run again from its start (its config, or its imported checkpoint). */
  RESET: 'reset',
  PLAY: 'play',
  /** Stop training; the worker saves a checkpoint (Ev.CHECKPOINT). */
  PAUSE: 'pause',
  /** Train one pattern. */
  STEP: 'step',
  /** `{value}`: patterns per 16 ms frame; 0 = as fast as possible. */
  SPEED: 'speed',
  /** `{params}`: a partial parameter set applied at the next pattern. */
  SET: 'set',
  /** `{what: 'csv' | 'checkpoint'}`: answered by Ev.EXPORT. */
  EXPORT: 'export',
  /** `{index}`: a step-by-step replay of validation pattern `index` from the
   *  current state (on a copy): answered by Ev.DEMO. */
  DEMO: 'demo',
  /** Test hook: a Rust panic inside the worker. */
  CRASH: 'crash',
  /** Wasm memory size, for the soak benchmark: answered by Ev.STATS. */
  STATS: 'stats',
  /** `{evaluated: {which, metrics}, run}`: an evaluation of one of the
   *  Ev.SNAPSHOTs of run `run` (Ev.READY's; from the evaluation worker), kept in
   *  its history if that is still the run; the test's ends the run. Each answers
   *  one snapshot (training waits while a few are unanswered); `evaluated: null`
   *  answers a failed one, `lost: true` all (the evaluation worker was replaced). */
  RECORD: 'record',
});

/** Simulation worker → page: `{type: Ev.X, ...fields}`. */
export const Ev = Object.freeze({
  /** The wasm module is loaded; commands sent before it waited for it. */
  LOADED: 'loaded',
  /** A run is installed: `{config, progress, fromCheckpoint, run, setup, data,
   *  mnist}`; `setup`, `data` (the CSV file's bytes, or null) and `mnist` (the
   *  subset's two files an MNIST run fetched, `{images, labels}`, or null) build
   *  the evaluation worker's session (ECmd.INIT); `run` counts this worker's runs. */
  READY: 'ready',
  /** `{running}`. */
  STATE: 'state',
  /** `{progress, phase, perSec, eta, running}` after each slice of work. */
  PROGRESS: 'progress',
  /** `{which: 'val' | 'test' | 'regions', snapshot: {meta, patterns, weights}}`:
   *  when a validation or the test falls due, or for the next decision regions,
   *  the weights (a transferred Float32Array) with the parameters and engine
   *  state (`meta`, JSON text); the page passes it on to the evaluation worker
   *  (ECmd.SNAPSHOT). */
  SNAPSHOT: 'snapshot',
  /** `{frame}`: chart data, at most ~7 times a second. */
  FRAME: 'frame',
  /** `{circuit}`: the circuit panel's payload (src/app/circuit.rs), with each frame. */
  CIRCUIT: 'circuit',
  /** `{demo}`: the answer to Cmd.DEMO. */
  DEMO: 'demo',
  /** `{digits}`: MNIST test digits with their predictions. */
  DIGITS: 'digits',
  /** `{params}`: the parameters after Cmd.SET. */
  PARAMS: 'params',
  /** `{text, patterns, total, checksum}`: an autosave, what a crashed worker (and,
   *  through the browser's storage, the next visit) continues from; `checksum`:
   *  the weights checksum (a decimal string, as `microcircuit train` prints it). */
  CHECKPOINT: 'checkpoint',
  /** `{what, text, patterns}`: the answer to Cmd.EXPORT. */
  EXPORT: 'export',
  /** `{op, kind, message, fatal}`: `op` is what was refused (Op), `kind` the
   *  model's error kind (`Error::kind` in src/error.rs: invalid_param, data, shape,
   *  diverged, json) or `panic` (fatal: the module is gone, restart the worker). */
  ERROR: 'error',
  /** `{wasmBytes}`. */
  STATS: 'stats',
});

/** What an Ev.ERROR refused. */
export const Op = Object.freeze({
  /** Loading the wasm module. */
  LOAD: 'load',
  /** A configuration (Cmd.INIT with config, or Cmd.RESET). */
  CONFIG: 'config',
  /** An imported checkpoint (Cmd.INIT with checkpoint). */
  CHECKPOINT: 'checkpoint',
  /** A CSV file of points (Cmd.INIT with data). */
  DATA: 'data',
  /** A parameter change (Cmd.SET). */
  SET: 'set',
  /** Training or evaluating the current run. */
  RUN: 'run',
});

/** Experiments view: page → pool worker (experiment-worker.js) `{id, point}`
 *  (point: JSON text from experimentPoints()); pool worker → page `{type: XEv.X}`. */
export const XEv = Object.freeze({
  /** The module is loaded. */
  READY: 'ready',
  /** `{id, line}`: the point's result line (the CLI's sweep format). */
  LINE: 'line',
  /** `{id, kind, message, fatal}` (fatal: a Rust panic, the worker is replaced). */
  ERROR: 'error',
});

/** "Compare with backprop" (compare.js): page → comparison worker
 *  (compare-worker.js) `{cmd: CCmd.X, ...fields}`. */
export const CCmd = Object.freeze({
  /** `{learners: [{label, config}], data, upTo}`: new runs of the reference
   *  learners (comparePlan's), replacing any; `data`: the CSV file's bytes, if the
   *  run trains on one; `upTo`: the main run's pattern count. */
  INIT: 'init',
  /** `{patterns}`: the main run's pattern count; each learner trains up to it (and
   *  to its test once the main run is done). */
  FOLLOW: 'follow',
  /** `{params}`: the main run's live parameter change, applied to each learner. */
  SET: 'set',
});

/** Comparison worker → page: `{type: CEv.X, index, ...fields}` (`index`: the
 *  learner's place in CCmd.INIT's list). */
export const CEv = Object.freeze({
  /** `{progress, phase}` after a slice of work. */
  PROGRESS: 'progress',
  /** `{curves, checksum}`: its training curves (src/charts/curves.rs) and weights
   *  checksum, after new evaluations. */
  CURVES: 'curves',
  /** `{regions}`: its decision regions (Yin-Yang; the RGBA buffer transferred). */
  REGIONS: 'regions',
  /** `{message, fatal}`: this learner stopped (fatal: a Rust panic, all stopped). */
  ERROR: 'error',
});

/** Page → evaluation worker (eval-worker.js), `{cmd: ECmd.X, ...fields}`: it
 *  evaluates snapshots of the training worker's weights, so training never waits. */
export const ECmd = Object.freeze({
  /** `{gen, setup, data, mnist}`: a new run (the training worker's Ev.READY); what it
   *  had queued is dropped, and what it sends carries `gen`. */
  INIT: 'init',
  /** `{which, snapshot}`: the training worker's Ev.SNAPSHOT. Validations and the
   *  test are evaluated in order; of the regions' snapshots only the latest. */
  SNAPSHOT: 'snapshot',
});

/** Evaluation worker → page: `{type: EEv.X, gen, ...fields}`. */
export const EEv = Object.freeze({
  /** `{evaluated: {which, metrics}}`: the page shows it and passes it on to the
   *  training worker (Cmd.RECORD). */
  METRICS: 'metrics',
  /** `{regions}`: the decision-region picture (its RGBA buffer transferred). */
  REGIONS: 'regions',
  /** `{kind, message, fatal, patterns}`: an evaluation failed (`diverged`: the
   *  weights of `patterns` give a non-finite error; fatal: a Rust panic, the
   *  worker is replaced). */
  ERROR: 'error',
});
