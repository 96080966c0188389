// The comparison worker ("Compare with backprop", compare.js): runs the reference
// learners of comparePlan (src/app/compare.rs), each a `Sim` of the page's run with
// another engine, in slices of at most BUDGET_MS, taking turns. Each trains only up
// to the main run's pattern count (CCmd.FOLLOW), so its curve and regions show it
// after the same patterns as the main run's, and it never races ahead of a paused
// or slow (PyraLNet) run; once the main run is done it trains to the end and tests.
// It sends its curves (not pictures: the page draws), its checksum and its decision
// regions (the RGBA copy out of wasm memory, transferred).
//
// The messages in and out are defined in protocol.js (CCmd, CEv).

import init, { Sim } from './pkg/microcircuit.js';
import { CCmd, CEv } from './protocol.js';
import { scheduler } from './schedule.js';

const BUDGET_MS = 25;      // longest slice of work between yields
const CURVES_MS = 250;     // curves at most 4 times a second per learner
const REGIONS_MS = 1500;   // small decision regions while training
const GRID = 50;           // their grid side (drawn at 150 px)

let runs = [];             // per learner: {sim, yinYang, progress, phase, tested, ...} or null
let target = 0;            // the main run's pattern count
let turn = 0;

const post = (msg, transfer) => postMessage(msg, transfer || []);

const schedule = scheduler(tick);

function stop(index, err) {
  const fatal = err instanceof WebAssembly.RuntimeError;
  const message = (fatal && globalThis.__microcircuitPanic) || String(err && err.message || err);
  post({ type: CEv.ERROR, index, message, fatal });
  if (fatal) runs = [];
  else if (runs[index]) runs[index] = null;
}

function start(msg) {
  for (const r of runs) r?.sim.free();
  runs = [];
  target = msg.upTo || 0;
  const bytes = msg.data ? new Uint8Array(msg.data) : null;
  msg.learners.forEach((l, index) => {
    try {
      const sim = bytes ? Sim.withData(l.config, bytes) : new Sim(l.config);
      runs[index] = {
        sim, index, yinYang: l.yinYang, progress: sim.progress(), phase: 'validating', tested: false,
        curvesDue: false, lastCurves: -1e9, regionsWanted: l.yinYang, regionsBusy: false, lastRegions: -1e9,
      };
    } catch (err) {
      runs[index] = null;
      stop(index, err);
    }
  });
}

// Whether run `r` has training or evaluation to do.
function needsWork(r) {
  const p = r.progress;
  return p.patterns < Math.min(target, p.total_patterns) || r.phase === 'validating' || r.phase === 'testing' ||
    (p.patterns >= p.total_patterns && !r.tested);
}

function work(r) {
  const now = performance.now();
  const busy = needsWork(r);
  if (r.regionsBusy || (r.regionsWanted && (!busy || now - r.lastRegions >= REGIONS_MS))) {
    r.regionsBusy = true;
    const g = r.sim.regions(GRID, BUDGET_MS);
    if (g) {
      r.regionsBusy = false;
      r.regionsWanted = false;
      r.lastRegions = now;
      post({ type: CEv.REGIONS, index: r.index, regions: g }, [g.rgba.buffer]);
    }
    return;
  }
  if (!busy) return;
  const report = r.sim.advance(Math.max(0, Math.min(target, r.progress.total_patterns) - r.progress.patterns), BUDGET_MS);
  r.progress = report.progress;
  r.phase = report.phase;
  if (report.evaluated.length) r.curvesDue = true;
  if (report.evaluated.some((e) => e.which === 'test')) r.tested = true;
  if (report.trained > 0 && r.yinYang) r.regionsWanted = true;
  post({ type: CEv.PROGRESS, index: r.index, progress: r.progress, phase: r.phase });
}

function sendCurves(r, force) {
  const now = performance.now();
  if (!r.curvesDue || (!force && now - r.lastCurves < CURVES_MS)) return;
  post({ type: CEv.CURVES, index: r.index, curves: r.sim.curves(), checksum: r.sim.checksum() });
  r.curvesDue = false;
  r.lastCurves = now;
}

function pending(r) {
  return needsWork(r) || r.regionsBusy || r.regionsWanted;
}

function tick() {
  const live = runs.filter(Boolean);
  if (!live.length) return;
  // Turns: the next learner with something to do.
  for (let k = 0; k < live.length; k++) {
    const r = live[(turn + k) % live.length];
    if (!pending(r)) continue;
    turn = (turn + k + 1) % live.length;
    try {
      work(r);
    } catch (err) {
      stop(r.index, err);
    }
    break;
  }
  for (const r of runs.filter(Boolean)) sendCurves(r, !pending(r));
  const left = runs.filter(Boolean);
  if (left.some(pending)) schedule();
  else if (left.some((r) => r.curvesDue)) schedule(CURVES_MS);
}

function handle(msg) {
  switch (msg.cmd) {
    case CCmd.INIT:
      start(msg);
      break;
    case CCmd.FOLLOW:
      target = Math.max(0, msg.patterns | 0);
      break;
    case CCmd.SET:
      for (const r of runs) {
        try { r?.sim.set(msg.params); } catch { /* refused: the learner keeps its parameters */ }
      }
      break;
  }
  schedule();
}

const early = [];
let loaded = false;
onmessage = (e) => (loaded ? handle(e.data) : early.push(e.data));

try {
  await init();
  loaded = true;
  early.splice(0).forEach(handle);
} catch (err) {
  post({ type: CEv.ERROR, index: -1, message: `cannot load the simulator: ${err.message || err}`, fatal: true });
}
