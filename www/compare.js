// "Compare with backprop" on the page: the switch, a second worker
// (compare-worker.js) that trains the reference learners of comparePlan
// (src/app/compare.rs: the page's run with engine backprop or feedback-alignment,
// same seed, data, network, initial W^up and schedule), their validation curves
// over the main run's (drawn by Rust: Curves::others), their decision regions small
// beside the main regions, and their latest numbers in text.
//
// Pacing: each learner trains only up to the main run's pattern count (sent with
// every progress report of the main worker), never waiting for it and never ahead
// of it, so both curves are compared after the same patterns and a paused run
// pauses the comparison too. The reference learners cost a few µs per pattern, so
// they keep up with any main run but MNIST (not offered there: the plan says why).
//
// The switch is in the address (`compare=1`, src/app/url.rs); turning it off ends
// the worker. A new run, a reset, an undo, an import or a restarted main worker
// restarts the comparison (restartCompare on each Ev.READY).

import { comparePlan } from './pkg/microcircuit.js';
import { CCmd, CEv } from './protocol.js';
import { paintRegions } from './regions.js';

const $ = (id) => document.getElementById(id);

/** What the comparison shows; `window.__app.compare` for the tests. */
export const state = {
  on: false,
  worker: null,
  learners: [],   // [{label, engine, style, progress, curves, checksum, regions, error}]
  note: '',
  version: 0,     // bumps when a learner's curves change (the chart's signature)
  target: 0,
  seed: null,     // the seed of the run it compares with
};

let ctx = null;

/** `c`: {toggle(on): the switch changed, redraw(): the curves changed,
 *  current(): {config, data, patterns, curves, task} of the main run}. */
export function initCompare(c) {
  ctx = c;
  $('compare').onchange = (e) => ctx.toggle(e.target.checked);
}

function stopWorker() {
  state.worker?.terminate();
  state.worker = null;
  state.learners = [];
  state.version++;
  ctx.redraw();
}

/** Starts or ends the comparison to match `config.compare`; a running one goes on. */
export function syncCompare() {
  if (!ctx) return;
  const { config } = ctx.current();
  $('compare').checked = !!config.compare;
  if (config.compare && !state.on) restartCompare();
  else if (!config.compare && state.on) {
    state.on = false;
    stopWorker();
    show();
  }
}

/** A new comparison for the main run as it is now (after each Ev.READY). */
export function restartCompare() {
  const { config, data, patterns } = ctx.current();
  stopWorker();
  state.on = !!config.compare;
  $('compare').checked = state.on;
  if (!state.on) return show();
  let plan;
  try {
    plan = comparePlan({ ...config, compare: false });
  } catch (e) {
    plan = { learners: [], note: `Not available for this configuration: ${e.message}` };
  }
  state.note = plan.note;
  state.target = patterns;
  state.seed = config.seed;
  state.learners = plan.learners.map((l) => ({ label: l.label, engine: l.engine, style: l.style,
    progress: null, curves: null, checksum: null, regions: null, error: null }));
  if (state.learners.length) {
    const w = new Worker(new URL('./compare-worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e) => onMessage(w, e.data);
    w.onerror = (e) => { state.note = `The comparison worker failed: ${e.message || 'error'}`; show(); };
    w.postMessage({ cmd: CCmd.INIT, upTo: patterns, data,
      learners: plan.learners.map((l) => ({ config: l.config, yinYang: ctx.current().task === 'yin_yang' })) });
    state.worker = w;
  }
  show();
}

/** The main run's pattern count (each Ev.PROGRESS). */
export function followCompare(patterns) {
  if (!state.worker || patterns === state.target) return;
  state.target = patterns;
  state.worker.postMessage({ cmd: CCmd.FOLLOW, patterns });
}

/** The main run's live parameter change. */
export function setCompare(params) {
  state.worker?.postMessage({ cmd: CCmd.SET, params });
}

/** The main run's curves with the learners' over them (Rust draws both). */
export function withOthers(curves) {
  const others = state.learners.filter((l) => l.curves)
    .map((l) => ({ label: l.label, style: l.style, points: l.curves.points }));
  return others.length ? { ...curves, others } : curves;
}

function onMessage(w, m) {
  if (w !== state.worker) return; // a message of an ended comparison
  const l = state.learners[m.index];
  switch (m.type) {
    case CEv.PROGRESS:
      l.progress = { ...m.progress, phase: m.phase };
      break;
    case CEv.CURVES:
      l.curves = m.curves;
      l.checksum = m.checksum;
      state.version++;
      ctx.redraw();
      show();
      break;
    case CEv.REGIONS:
      l.regions = m.regions;
      drawSmall(m.index, m.regions);
      break;
    case CEv.ERROR:
      if (m.fatal) {
        state.note = `The comparison stopped: ${m.message}`;
        state.learners.forEach((x) => { x.error ??= m.message; });
      } else if (l) {
        l.error = m.message;
      }
      show();
      break;
  }
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const fmt = (p) => (p.accuracy != null ? pct(p.accuracy) : `MSE ${p.mse < 0.01 ? p.mse.toExponential(2) : p.mse.toFixed(3)}`);

/** The key numbers in text: each learner's latest validation, its test when done. */
function show() {
  $('compare-note').hidden = !state.on;
  $('compare-note').textContent = state.on ? state.note : '';
  const main = ctx.current().curves;
  const parts = [];
  const at = (p) => `${fmt(p)} after ${p.patterns.toLocaleString('en')} patterns`;
  const mainLast = main?.points.at(-1);
  if (mainLast) parts.push(`this run ${at(mainLast)}`);
  for (const l of state.learners) {
    const last = l.curves?.points.at(-1);
    const test = l.curves?.test ? `; test ${fmt(l.curves.test)}` : '';
    parts.push(l.error ? `${l.label} stopped (${l.error})` : last ? `${l.label} ${at(last)}${test}` : `${l.label} starting`);
  }
  const on = state.on && state.learners.length > 0;
  $('compare-summary').hidden = !on;
  $('compare-caption').hidden = !on;
  $('compare-summary').textContent = on ? `Latest validation: ${parts.join('; ')}.` : '';
  $('compare-checksums').hidden = !on;
  $('compare-checksums').textContent = on ? 'Comparison: ' + state.learners.map((l) => `${l.label} ` +
    (l.checksum ? `${l.checksum} at ${l.curves.points.at(-1)?.patterns.toLocaleString('en')} patterns` : 'none yet'))
    .join('; ') + ' (microcircuit train --engine backprop or feedback-alignment prints the same).' : '';
  const small = $('compare-regions');
  small.hidden = !on || $('regions-fig').hidden;
  state.learners.forEach((l, i) => {
    $(`compare-regions-${i}-box`).hidden = false;
    if (!l.regions) $(`compare-regions-${i}-text`).textContent = `${l.label}: ${l.error ? 'stopped' : 'pending'}`;
  });
  for (let i = state.learners.length; i < 2; i++) $(`compare-regions-${i}-box`).hidden = true;
}

/** Refreshes the text when the main run's curves change. */
export const showCompare = () => state.on && show();

/** A learner's decision regions, small: the picture and the test points. */
function drawSmall(i, r) {
  const canvas = $(`compare-regions-${i}`);
  const { ctx, w, h } = paintRegions(canvas, r);
  for (let k = 0; k < r.labels.length; k++) {
    if (r.labels[k] === r.predicted[k]) continue; // only the mistakes: at this size the rest is clutter
    ctx.beginPath();
    ctx.arc(r.points[2 * k] * w, (1 - r.points[2 * k + 1]) * h, 1.8, 0, 2 * Math.PI);
    ctx.fillStyle = r.palette[r.labels[k]];
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#000';
    ctx.stroke();
  }
  const l = state.learners[i];
  const text = `${l.label}: test accuracy ${pct(r.accuracy)}`;
  $(`compare-regions-${i}-text`).textContent = text;
  canvas.setAttribute('aria-label', `Decision regions of ${l.label}, ${text.split(': ')[1]}; wrong test points ringed`);
  canvas.dataset.drawn = String(+(canvas.dataset.drawn || 0) + 1);
}
