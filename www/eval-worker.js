// The evaluation worker: the validations, the test and the decision-region grid of
// the page's run, computed from snapshots of its weights that the training worker
// (worker.js) sends through the page, so that training never waits for them. It
// owns one evaluation session (`Sim.forEvaluation`, src/app/evaluate.rs), built
// anew from the training session's setup on each of its runs, and works in slices
// of at most BUDGET_MS: validations and the test in the order their snapshots
// came (each is a point of the curves), and the regions of the latest snapshot
// (older ones are skipped) whenever they are due: at once for a run's first, so
// the page shows a picture without waiting for the first validation, then after
// a pause that keeps them to REGIONS_SHARE of the time (schedule.js,
// nextEvaluation). It sends metrics (which the page passes back to the training
// worker) and the regions' picture (copied out of wasm memory, transferred).
//
// The messages in and out are defined in protocol.js (ECmd, EEv).

import init, { Sim, provideMnist } from './pkg/microcircuit.js';
import { ECmd, EEv } from './protocol.js';
import { scheduler, nextEvaluation, regionsNextAt } from './schedule.js';
import { loadMnist, needsMnist } from './mnist.js';

const BUDGET_MS = 35;   // longest slice of work between yields
const GRID = 100;       // decision-region grid side
// A run's first regions: a coarse grid (1/16 of the work: ~40 ms of a PyraLNet
// run's 0.65 s in a tab), then at once the full one of the same weights.
const GRID_FIRST = 25;
// The regions take at most this share of this worker's time: on two cores the
// page's three threads must leave the training worker one of its own (issue 17).
// A 100x100 grid of a PyraLNet run takes ~0.5 s in a tab, so it is redrawn about
// every 2 s instead of every second.
const REGIONS_SHARE = 0.25;
// ... and start at most this often: a training worker held back by unanswered
// validations asks for regions after each of its slices, not once a second.
const REGIONS_GAP_MS = 750;

let sim = null;
let gen = 0;            // the run (ECmd.INIT) what is sent belongs to
let queue = [];         // [{which, snapshot}]: validations and the test, in order
let latest = null;      // the newest regions snapshot not yet started
let evaluating = null;  // the patterns of the snapshot being evaluated, or null
let regionsBusy = false;
let pictured = false;   // this run's first regions are drawn (they go before validations)
let grid = GRID_FIRST;  // the side of the grid in progress
let regionsSpent = 0;   // ms spent on the grid in progress
let regionsNext = 0;    // performance.now() before which no new grid starts
let regionsTimer = null;
let mnistGiven = false;  // the MNIST subset's files, from the training worker

const post = (msg, transfer) => postMessage({ ...msg, gen }, transfer || []);

const schedule = scheduler(tick);

// A refused or failed evaluation is reported and the next one goes on; a wasm
// trap (a Rust panic) leaves the module unusable: the page replaces this worker.
function fail(err) {
  const fatal = err instanceof WebAssembly.RuntimeError;
  const message = (fatal && globalThis.__microcircuitPanic) || String(err && err.message || err);
  post({ type: EEv.ERROR, kind: fatal ? 'panic' : (err && err.kind) || 'error', message, fatal, patterns: evaluating });
  evaluating = null;
  regionsBusy = false;
  if (fatal) {
    sim = null;
    queue = [];
    latest = null;
  }
}

function regionsSlice() {
  regionsBusy = true;
  const t0 = performance.now();
  const r = sim.regions(grid, BUDGET_MS);
  const t1 = performance.now();
  regionsSpent += t1 - t0;
  if (r) {
    regionsNext = regionsNextAt(t1, regionsSpent, REGIONS_SHARE, REGIONS_GAP_MS);
    regionsSpent = 0;
    // The coarse grid's weights are still loaded: the full grid follows at once.
    regionsBusy = grid < GRID;
    grid = GRID;
    pictured = true;
    post({ type: EEv.REGIONS, regions: r }, [r.rgba.buffer]);
  }
}

function tick() {
  if (!sim) return;
  try {
    if (evaluating != null) {
      const report = sim.advance(0, BUDGET_MS);
      for (const e of report.evaluated) post({ type: EEv.METRICS, evaluated: e });
      if (report.phase !== 'validating' && report.phase !== 'testing') evaluating = null;
    } else if (regionsBusy) {
      regionsSlice();
    } else {
      const next = nextEvaluation({ queued: queue.length, latest, pictured, regionsNext }, performance.now());
      if (next === 'regions') {
        const snapshot = latest;
        latest = null;
        sim.loadSnapshot(snapshot.meta, snapshot.weights, null);
        regionsSlice();
      } else if (next === 'validation') {
        const { which, snapshot } = queue.shift();
        evaluating = snapshot.patterns;
        sim.loadSnapshot(snapshot.meta, snapshot.weights, which);
      }
    }
  } catch (err) {
    fail(err);
  }
  if (!sim) return;
  const wait = latest ? regionsNext - performance.now() : 0;
  if (evaluating != null || regionsBusy || queue.length || (latest && wait <= 0)) schedule();
  else if (latest && !regionsTimer) {
    regionsTimer = setTimeout(() => {
      regionsTimer = null;
      schedule();
    }, wait);
  }
}

function start(msg) {
  if (sim) sim.free();
  sim = null;
  queue = [];
  latest = null;
  evaluating = null;
  regionsBusy = false;
  pictured = false;
  grid = GRID_FIRST;
  regionsSpent = 0;
  regionsNext = 0;
  gen = msg.gen;
  try {
    if (msg.mnist && !mnistGiven) {
      provideMnist(msg.mnist.images, msg.mnist.labels);
      mnistGiven = true;
    }
    sim = Sim.forEvaluation(msg.setup, msg.data ? new Uint8Array(msg.data) : null);
  } catch (err) {
    if (needsMnist(err)) return fetchMnistThen(msg);
    fail(err);
  }
}

function handle(msg) {
  switch (msg.cmd) {
    case ECmd.INIT:
      start(msg);
      break;
    case ECmd.SNAPSHOT:
      if (msg.which === 'regions') latest = msg.snapshot;
      else queue.push(msg);
      break;
  }
  schedule();
}

// A run of MNIST needs the subset, fetched the first time (mnist.js); messages
// that arrive meanwhile wait, then `msg` is handled again.
function fetchMnistThen(msg) {
  loaded = false;
  loadMnist(provideMnist).then(() => {
    loaded = true;
    handle(msg);
  }, (err) => {
    loaded = true;
    fail(err);
  }).finally(() => early.splice(0).forEach(handle));
}

// Messages that arrive while the wasm module loads wait for it.
let loaded = false;
const early = [];
onmessage = (e) => (loaded ? handle(e.data) : early.push(e.data));

try {
  await init();
  loaded = true;
  early.splice(0).forEach(handle);
} catch (err) {
  post({ type: EEv.ERROR, kind: 'load', message: `cannot load the evaluator: ${err.message || err}`, fatal: false, patterns: null });
}
