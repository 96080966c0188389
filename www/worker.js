// The simulation worker: owns one `Sim` (Rust, wasm) and trains it in slices of at
// most BUDGET_MS, yielding to the event loop between slices so that pause and
// parameter changes take effect within ~100 ms. It evaluates nothing: when a
// validation or the test falls due, and about once a second for the decision
// regions, it sends a snapshot of the weights (copied out of wasm memory,
// transferred), which the page passes on to the evaluation worker
// (eval-worker.js); the metrics come back through the page (Cmd.RECORD). It sends
// small payloads only: progress, chart data, snapshots, checkpoints.
//
// The messages in and out are defined in protocol.js.

import init, { Sim, presets, triggerPanic, provideMnist } from './pkg/microcircuit.js';
import { Cmd, Ev, Op } from './protocol.js';
import { scheduler } from './schedule.js';
import { loadMnist, needsMnist, mnistFiles } from './mnist.js';

const BUDGET_MS = 35;        // longest slice of work between yields
const FRAME_MS = 150;        // chart data at most ~7 times a second
const REGIONS_MS = 1000;     // a snapshot for the decision regions about once a second while training
const DIGITS_MS = 3000;      // MNIST digits every few seconds
const AUTOSAVE_MS = 10000;   // checkpoint for crash recovery at most this often
const CIRCUIT_MS = 100;      // the circuit panel: at most 10 frames a second, on new patterns only
// Evaluations sent and not yet recorded before training waits for them: a count
// (the page's round trip takes tens of ms, SteadNet validates hundreds of times a
// second with a small val_every) and the bytes of their weights (MNIST: 5.6 MB each).
const OUTSTANDING = 64, OUTSTANDING_BYTES = 8e6;

let sim = null;
let task = null;
let config = null;           // what `reset` rebuilds from
let checkpointText = null;   // or this, for an imported run
let dataBytes = null;        // the CSV file of points the run trains on, if any
let running = false;
let stepsLeft = 0;           // patterns still to train for `step`
let speed = 0;               // patterns per 16 ms frame; 0 = as fast as possible
let frameDue = true, lastFrame = 0;
let regionsWanted = true, lastRegions = -1e9;
let lastDigits = -1e9;
let lastCircuit = -1e9, circuitAt = -1;
let lastAutosave = -1e9, autosaveCost = 0;
let rateSamples = [];        // [time ms, patterns] over the last seconds
let lastReport = null;
let runId = 0;               // counts installed runs: a Cmd.RECORD of an earlier one is dropped
let outstanding = [];        // the weights' bytes of each validation and test snapshot not yet answered (Cmd.RECORD)

const post = (msg, transfer) => postMessage(msg, transfer || []);

const schedule = scheduler(tick);

// A wasm trap (a Rust panic) leaves the module unusable: the page restarts us.
// Other errors carry the model's kind (the binding sets `kind` from the variant).
// A refused command (a checkpoint, a config, a parameter change) is only reported:
// the current run goes on as it was.
function refuse(err, op) {
  if (err instanceof WebAssembly.RuntimeError) return fail(err, op);
  post({ type: Ev.ERROR, op, kind: (err && err.kind) || 'error', message: String(err && err.message || err), fatal: false });
}

function fail(err, op) {
  const fatal = err instanceof WebAssembly.RuntimeError;
  const message = (fatal && globalThis.__microcircuitPanic) || String(err && err.message || err);
  running = false;
  stepsLeft = 0;
  const kind = fatal ? 'panic' : (err && err.kind) || 'error';
  post({ type: Ev.ERROR, op, kind, message, fatal });
  post({ type: Ev.STATE, running });
  if (fatal) sim = null;
}

function rate(patterns) {
  const now = performance.now();
  rateSamples.push([now, patterns]);
  while (rateSamples.length > 2 && now - rateSamples[0][0] > 3000) rateSamples.shift();
  const [t0, p0] = rateSamples[0];
  return now - t0 > 200 ? (1000 * (patterns - p0)) / (now - t0) : null;
}

function sendProgress(report) {
  const p = report.progress;
  const perSec = running ? rate(p.patterns) : null;
  const eta = perSec > 0 ? (p.total_patterns - p.patterns) / perSec : null;
  post({ type: Ev.PROGRESS, progress: p, phase: report.phase, perSec, eta, running });
}

function install(newSim, fromCheckpoint) {
  if (sim) sim.free();
  sim = newSim;
  sim.evaluateElsewhere();
  runId += 1;
  outstanding = [];
  const cfg = sim.config();
  task = presets().find((p) => p.name === cfg.preset)?.task;
  running = false;
  stepsLeft = 0;
  rateSamples = [];
  frameDue = true;
  regionsWanted = task === 'yin_yang';
  lastRegions = -1e9;
  lastDigits = -1e9;
  circuitAt = -1;
  // The first autosave follows the first validation, so that a run diverging
  // early still leaves a good checkpoint to export.
  lastAutosave = -1e9;
  post({ type: Ev.READY, config: cfg, progress: sim.progress(), fromCheckpoint, run: runId,
         setup: sim.evaluationSetup(), data: dataBytes, mnist: task === 'mnist' ? mnistFiles() : null });
  post({ type: Ev.STATE, running });
  // The first validation (or the test of a finished run) is due at once.
  settle(sim.advance(0, 0));
}

// The weights as they are, for the evaluation worker (through the page). A
// validation's weights are autosaved too (the first autosave follows the first
// validation's snapshot, so that a run diverging early leaves a good checkpoint).
function sendSnapshot(which) {
  const snapshot = sim.snapshot();
  if (which !== 'regions') outstanding.push(snapshot.weights.byteLength);
  post({ type: Ev.SNAPSHOT, which, snapshot }, [snapshot.weights.buffer]);
  if (which === 'regions') {
    regionsWanted = false;
    lastRegions = performance.now();
  } else {
    autosave(false);
  }
}

// After a report: a snapshot when an evaluation fell due; the end of the run.
function settle(report) {
  lastReport = report;
  if (report.due) sendSnapshot(report.due);
  if (report.phase === 'done' && running) {
    running = false;
    post({ type: Ev.STATE, running });
    autosave(true);
  }
}

function autosave(force) {
  const now = performance.now();
  if (!sim || (!force && now - lastAutosave < Math.max(AUTOSAVE_MS, 50 * autosaveCost))) return;
  const t0 = performance.now();
  const text = sim.checkpoint();
  autosaveCost = performance.now() - t0;
  lastAutosave = now;
  const p = sim.progress();
  post({ type: Ev.CHECKPOINT, text, patterns: p.patterns, total: p.total_patterns,
         checksum: sim.checksum() });
}

function handle(msg) {
  switch (msg.cmd) {
    case Cmd.INIT:
      try {
        // `data`: the bytes of a CSV file of points to train on (Sim.withData).
        const bytes = msg.data ? new Uint8Array(msg.data) : null;
        if (msg.checkpoint != null) {
          const restored = bytes ? Sim.fromCheckpointWithData(msg.checkpoint, !!msg.embed, bytes)
            : Sim.fromCheckpoint(msg.checkpoint, !!msg.embed);
          dataBytes = bytes;
          install(restored, true);
          // `restore` (undoing a reset): a later reset goes where this run's went.
          if (!msg.restore) {
            checkpointText = msg.checkpoint;
            config = null;
          }
        } else {
          const fresh = bytes ? Sim.withData(msg.config, bytes) : new Sim(msg.config);
          dataBytes = bytes;
          install(fresh, false);
          config = msg.config;
          checkpointText = null;
        }
        if (msg.play) running = true;
        post({ type: Ev.STATE, running });
      } catch (err) {
        if (needsMnist(err)) return fetchMnistThen(msg);
        // A refused checkpoint, config or data file leaves the current run as it was, running or not.
        refuse(err, msg.checkpoint != null ? Op.CHECKPOINT : msg.data ? Op.DATA : Op.CONFIG);
      }
      break;
    case Cmd.RESET:
      try {
        const fresh = checkpointText != null
          ? (dataBytes ? Sim.fromCheckpointWithData(checkpointText, false, dataBytes) : Sim.fromCheckpoint(checkpointText, false))
          : (dataBytes ? Sim.withData(config, dataBytes) : new Sim(config));
        install(fresh, checkpointText != null);
      } catch (err) {
        if (needsMnist(err)) return fetchMnistThen(msg);
        fail(err, checkpointText != null ? Op.CHECKPOINT : Op.CONFIG);
      }
      break;
    case Cmd.PLAY:
      if (sim && lastReport && lastReport.phase !== 'done') running = true;
      rateSamples = [];
      post({ type: Ev.STATE, running });
      break;
    case Cmd.PAUSE:
      running = false;
      stepsLeft = 0;
      post({ type: Ev.STATE, running });
      if (lastReport) sendProgress(lastReport);
      autosave(true);
      break;
    case Cmd.STEP:
      running = false;
      stepsLeft = 1;
      post({ type: Ev.STATE, running });
      break;
    case Cmd.SPEED:
      speed = Math.max(0, msg.value | 0);
      break;
    case Cmd.SET:
      if (!sim) break;
      try {
        const params = sim.set(msg.params);
        if (config) config = { ...config, params };
        post({ type: Ev.PARAMS, params });
        regionsWanted = task === 'yin_yang';
        frameDue = true;
      } catch (err) { refuse(err, Op.SET); }
      break;
    case Cmd.EXPORT:
      if (!sim) break;
      post({ type: Ev.EXPORT, what: msg.what, text: msg.what === 'csv' ? sim.metricsCsv() : sim.checkpoint(),
             patterns: sim.progress().patterns });
      break;
    case Cmd.DEMO:
      if (!sim) break;
      try {
        post({ type: Ev.DEMO, demo: sim.circuitDemo(msg.index >>> 0) });
      } catch (err) { refuse(err, Op.RUN); }
      break;
    case Cmd.CRASH:
      triggerPanic();
      break;
    case Cmd.RECORD:
      if (!sim || msg.run !== runId) break;
      // `lost`: the evaluation worker was replaced, its queue with it.
      if (msg.lost) outstanding = [];
      else outstanding.shift();
      if (!msg.evaluated) break;
      try {
        sim.record(JSON.stringify(msg.evaluated));
      } catch (err) { refuse(err, Op.RUN); break; }
      frameDue = true;
      settle(sim.advance(0, 0));
      sendProgress(lastReport);
      break;
    case Cmd.STATS:
      // For the soak benchmark (www/soak.mjs): the wasm memory only grows.
      post({ type: Ev.STATS, wasmBytes: wasm ? wasm.memory.buffer.byteLength : null });
      break;
  }
}

function advanceSlice() {
  // Stops early when an evaluation falls due: its snapshot goes out at once.
  const max = stepsLeft > 0 ? stepsLeft : (speed > 0 ? speed : 0xffffffff);
  const report = sim.advance(max, BUDGET_MS);
  if (stepsLeft > 0) stepsLeft = Math.max(0, stepsLeft - report.trained);
  settle(report);
  sendProgress(report);
  frameDue = true;
  if (report.trained > 0) regionsWanted = task === 'yin_yang';
}

function maybeFrame(training) {
  const t = performance.now();
  if (!frameDue || (training && t - lastFrame < FRAME_MS)) return;
  post({ type: Ev.FRAME, frame: sim.frame() });
  lastFrame = t;
  frameDue = false;
  if (task === 'mnist' && t - lastDigits >= (training ? DIGITS_MS : 0)) {
    post({ type: Ev.DIGITS, digits: sim.digits() });
    lastDigits = t;
  }
}

// The circuit panel's payload when a pattern was trained since the last one.
function maybeCircuit() {
  const t = performance.now();
  if (lastReport.progress.patterns === circuitAt || t - lastCircuit < CIRCUIT_MS) return;
  post({ type: Ev.CIRCUIT, circuit: sim.circuit() });
  lastCircuit = t;
  circuitAt = lastReport.progress.patterns;
}

// Training only in the training phase: a finished run waits for its test (from
// the evaluation worker, Cmd.RECORD) without work. Training also waits while too
// many evaluations are unanswered, so that evaluations slower than training hold
// it back, as they did in one worker, instead of queueing snapshots without bound;
// PyraLNet's are answered long before.
const waiting = () => outstanding.length >= OUTSTANDING || outstanding.reduce((a, b) => a + b, 0) >= OUTSTANDING_BYTES;
const trainingNow = () => (running || stepsLeft > 0) && lastReport.phase === 'training' && !waiting();

function tick() {
  if (!sim) return;
  let training;
  try {
    training = trainingNow();
    if (task === 'yin_yang' && regionsWanted && (!training || performance.now() - lastRegions >= REGIONS_MS)) {
      sendSnapshot('regions');
    }
    if (training) advanceSlice();
    training = trainingNow();
    maybeFrame(training);
    maybeCircuit();
  } catch (err) {
    fail(err, Op.RUN);
    return;
  }
  const regionsDue = task === 'yin_yang' && regionsWanted;
  if (training) schedule(running && speed > 0 && !stepsLeft ? 16 : 0);
  else if (regionsDue) schedule();
  else if (frameDue) schedule(Math.max(0, FRAME_MS - (performance.now() - lastFrame)));
  else if (lastReport.progress.patterns !== circuitAt) schedule(Math.max(0, CIRCUIT_MS - (performance.now() - lastCircuit)));
}

function dispatch(msg) {
  try {
    handle(msg);
  } catch (err) {
    fail(err, Op.RUN);
    return;
  }
  schedule();
}

// A run of MNIST needs the subset, fetched the first time (mnist.js); messages
// that arrive meanwhile wait, then `msg` is handled again.
function fetchMnistThen(msg) {
  loaded = false;
  loadMnist(provideMnist).then(() => {
    loaded = true;
    dispatch(msg);
  }, (err) => {
    loaded = true;
    refuse(err, Op.LOAD);
  }).finally(() => early.splice(0).forEach(dispatch));
}

// Messages that arrive while the wasm module loads wait for it.
let loaded = false;
let wasm = null;
const early = [];
onmessage = (e) => (loaded ? dispatch(e.data) : early.push(e.data));

try {
  wasm = await init();
  loaded = true;
  post({ type: Ev.LOADED });
  early.splice(0).forEach(dispatch);
} catch (err) {
  post({ type: Ev.ERROR, op: Op.LOAD, kind: 'load', message: `cannot load the simulator: ${err.message || err}`, fatal: false });
}
