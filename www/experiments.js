// The Experiments view: runs the points of a named experiment (src/experiments,
// the same points as `microcircuit sweep`) on a pool of Web Workers, one per core
// (navigator.hardwareConcurrency), draws the figure on this thread as the result
// lines arrive (plotters needs the page's document for text), exports the lines
// (JSON lines, the CLI's result format: `microcircuit plot` reads them) and
// cancels by terminating the workers. No model quantity is computed here.

import init, { experimentList, experimentPoints, drawExperiment } from './pkg/microcircuit.js';
import { XEv } from './protocol.js';

const $ = (id) => document.getElementById(id);
const REDRAW_MS = 300;

const state = {
  list: [],
  name: null,
  scale: 'short',
  chosenScale: null,   // set when the visitor picks a scale
  points: [],          // [{key, point}]
  lines: new Map(),    // key -> result line
  failed: [],          // [{key, message}]
  workers: [],
  poolSize: 0,
  next: 0,
  running: false,
  done: false,
  cancelled: false,
  started: 0,
  seconds: 0,
  summary: null,
  drawPending: false,
};
window.__experiments = state; // for the end-to-end tests

let loaded = null;
function load() {
  // Lazily, when the view is first opened: by then main.js has loaded the module.
  loaded ??= init().then(() => {
    state.list = experimentList();
    $('exp-name').replaceChildren(...state.list.map((e) => {
      const o = new Option(e.name, e.name);
      o.title = e.title;
      return o;
    }));
    scales();
    describe();
    $('exp-run').disabled = false;
  }).catch((err) => status(`Cannot load the simulator: ${err.message || err}`, true));
  return loaded;
}

function status(text, error = false) {
  const s = $('exp-status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function selected() {
  return state.list.find((e) => e.name === $('exp-name').value);
}

function seeds() {
  const n = Number($('exp-seeds').value);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : null;
}

// The experiment's scales (from Rust): the one the visitor chose if it has it, else
// short where there is one (it shows the effect), else quick.
function scales() {
  const e = selected();
  if (!e) return;
  const names = e.scales.map((s) => s.name);
  $('exp-scale').replaceChildren(...e.scales.map((s) => new Option(s.name, s.name)));
  $('exp-scale').value = names.includes(state.chosenScale) ? state.chosenScale : names.includes('short') ? 'short' : 'quick';
}

function describe() {
  const e = selected();
  if (!e) return;
  const scale = e.scales.find((s) => s.name === $('exp-scale').value) ?? e.scales[0];
  const n = seeds();
  $('exp-title').textContent = e.title;
  $('exp-size').textContent = n ? `${scale.points * n} points (${scale.points} per seed)` : '';
  $('exp-scale-note').textContent = scale.note;
  const flag = scale.name === 'full' ? '' : ` --${scale.name}`;
  $('exp-cli').textContent =
    `microcircuit sweep ${e.name}${flag} --seeds ${n ?? 'N'} --out results.jsonl && ` +
    `microcircuit plot ${e.name} results.jsonl --out ${e.name}.svg`;
  $('exp-full-warning').hidden = scale.name !== 'full';
}

function text() {
  // In the order of the points, so an export is the same whatever finished first.
  return state.points.filter((p) => state.lines.has(p.key)).map((p) => state.lines.get(p.key) + '\n').join('');
}

function draw() {
  state.drawPending = false;
  const e = state.list.find((x) => x.name === state.name);
  if (!e) return;
  const canvas = $('exp-canvas');
  if (canvas.width !== e.width || canvas.height !== e.height) {
    canvas.width = e.width;
    canvas.height = e.height;
  }
  try {
    state.summary = drawExperiment(canvas, e.name, text());
    canvas.dataset.drawn = String(+(canvas.dataset.drawn || 0) + 1);
    showSummary();
  } catch (err) {
    status(`Cannot draw the figure: ${err.message || err}`, true);
  }
}

// The figure as data: mean ± sd of each group (the summary drawExperiment returns).
const fmt = (x) => (Number.isFinite(x) ? (+x.toPrecision(4)).toString() : '–');
function showSummary() {
  const rows = state.summary || [];
  const measure = rows[0]?.measure ?? 'outcome';
  $('exp-data-summary').textContent = rows.length
    ? `${state.name}: ${rows.length} groups, ${measure} as mean ± sd over seeds: ` +
      rows.map((r) => `${r.group} ${fmt(r.mean)} ± ${fmt(r.sd)}`).join('; ') + '.'
    : 'No points yet.';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['group', `${measure}: mean`, 'sd', 'seeds', 'diverged']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.group;
    tr.append(th);
    for (const v of [fmt(r.mean), fmt(r.sd), r.seeds.length, r.diverged]) tr.insertCell().textContent = String(v);
  }
  document.querySelector('#exp-data .table-wrap').replaceChildren(table);
}

function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  setTimeout(() => requestAnimationFrame(draw), REDRAW_MS);
}

function progress() {
  const n = state.points.length;
  const done = state.lines.size;
  const secs = ((performance.now() - state.started) / 1000).toFixed(1);
  const failed = state.failed.length ? `, ${state.failed.length} failed` : '';
  if (state.running) status(`Running ${state.name}: ${done}/${n} points${failed} on ${state.poolSize} workers · ${secs} s`);
  $('exp-export').disabled = done === 0;
}

function stopWorkers() {
  for (const w of state.workers) w.terminate();
  state.workers = [];
}

function finish(cancelled) {
  state.running = false;
  state.cancelled = cancelled;
  state.done = !cancelled;
  state.seconds = (performance.now() - state.started) / 1000;
  stopWorkers();
  $('exp-run').disabled = false;
  // Focus moves before the focused control disables itself (else it drops to the body).
  if (document.activeElement === $('exp-cancel')) $('exp-run').focus();
  $('exp-cancel').disabled = true;
  $('exp-export').disabled = state.lines.size === 0;
  const n = state.points.length;
  const failed = state.failed.length
    ? `; ${state.failed.length} failed: ${state.failed.map((f) => `${f.key}: ${f.message}`).join('; ')}` : '';
  status(cancelled
    ? `Cancelled after ${state.lines.size} of ${n} points (${state.seconds.toFixed(1)} s); the finished ones are drawn and can be exported${failed}`
    : `Done: ${state.lines.size} of ${n} points in ${state.seconds.toFixed(1)} s on ${state.poolSize} workers${failed}`,
  !!state.failed.length);
  draw();
}

function feed(worker) {
  if (!state.running) return;
  if (state.next >= state.points.length) {
    worker.busy = false;
    if (state.workers.every((w) => !w.busy)) finish(false);
    return;
  }
  const p = state.points[state.next++];
  worker.busy = true;
  worker.key = p.key;
  worker.postMessage({ id: p.key, point: p.point });
}

function spawn() {
  const w = new Worker(new URL('experiment-worker.js', import.meta.url), { type: 'module' });
  w.busy = false;
  w.onmessage = (e) => {
    const m = e.data;
    if (m.type === XEv.READY) return;
    if (m.type === XEv.LINE) {
      state.lines.set(m.id, m.line);
      scheduleDraw();
    } else if (m.type === XEv.ERROR) {
      state.failed.push({ key: m.id, message: m.message });
      if (m.fatal) {
        // The module trapped: replace the worker, go on with the other points.
        const i = state.workers.indexOf(w);
        w.terminate();
        const fresh = spawn();
        state.workers[i] = fresh;
        progress();
        feed(fresh);
        return;
      }
    }
    progress();
    feed(w);
  };
  w.onerror = (e) => {
    e.preventDefault();
    state.failed.push({ key: w.key, message: e.message || 'worker error' });
    const i = state.workers.indexOf(w);
    w.terminate();
    const fresh = spawn();
    state.workers[i] = fresh;
    feed(fresh);
  };
  return w;
}

async function run() {
  await load();
  const e = selected();
  const n = seeds();
  if (!e || !n) {
    status('Seeds: a whole number from 1 to 100', true);
    return;
  }
  stopWorkers();
  state.name = e.name;
  state.scale = $('exp-scale').value;
  state.points = experimentPoints(e.name, state.scale, n);
  state.lines = new Map();
  state.failed = [];
  state.next = 0;
  state.running = true;
  state.done = false;
  state.cancelled = false;
  state.summary = null;
  state.started = performance.now();
  state.poolSize = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 32, state.points.length));
  state.workers = Array.from({ length: state.poolSize }, spawn);
  $('exp-cancel').disabled = false;
  if (document.activeElement === $('exp-run')) $('exp-cancel').focus();
  $('exp-run').disabled = true;
  $('exp-export').disabled = true;
  draw();
  progress();
  state.workers.forEach(feed);
}

function exportLines() {
  const blob = new Blob([text()], { type: 'application/x-ndjson' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${state.name}-${state.scale}.jsonl`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

$('exp-details').addEventListener('toggle', () => { if ($('exp-details').open) load(); });
if ($('exp-details').open) load();
$('exp-name').addEventListener('change', () => { scales(); describe(); });
$('exp-scale').addEventListener('change', () => { state.chosenScale = $('exp-scale').value; describe(); });
$('exp-seeds').addEventListener('input', describe);
$('exp-run').addEventListener('click', run);
$('exp-cancel').addEventListener('click', () => { if (state.running) finish(true); });
$('exp-export').addEventListener('click', exportLines);
