// The page (main thread): controls, URL state and charts. The simulation trains in
// worker.js and is evaluated, on snapshots of its weights that this thread passes
// on, in eval-worker.js; this thread loads the same wasm module to parse and print the URL hash,
// validate parameters (with the model's own messages) and draw the charts with
// plotters (which needs the page's document to measure text). No model quantity is
// computed here.

import init, {
  parseHash, printHash, presets as listPresets, describe, paramKeys, formValues, freshSeed,
  drawCurves, drawAlignment, drawSps, drawPotentials, drawConfusion, drawDigits, drawCodes, limits,
} from './pkg/microcircuit.js';
import { Cmd, Ev, Op, ECmd, EEv } from './protocol.js';
import { paintRegions } from './regions.js';
import { saveRun, loadRun, clearRun } from './store.js';
import { initCircuit, updateCircuit, showDemo, resetCircuit } from './circuit.js';
import { applyView, embedSnippet, initEmbedChoice, keepShow, SHOW_KEYS } from './views.js';
import { initData, dataFor, onDataReady, onDataRefused, linkWithoutFile } from './data.js';
import { initCompare, syncCompare, restartCompare, followCompare, setCompare, withOthers, showCompare,
  state as compareState } from './compare.js';

const $ = (id) => document.getElementById(id);
const SPEEDS = [1, 2, 5, 10, 20, 50, 200, 0]; // patterns per 16 ms frame; 0 = as fast as possible
const RUN_KEYS = ['preset', 'engine', 'seed', 'epochs']; // besides parameters: start a new run
const RESET_CONFIRM = 1000;   // Reset asks first once a run has trained more than this many patterns
const ANNOUNCE_MS = 2000;     // the screen-reader status speaks at most this often
const QUIET_MS = 2000;        // no report from a busy worker for this long: say how long it has been
// Synapse updates per second of one core, to estimate the time per pattern of a large
// network (measured on Yin-Yang in Chromium: PyraLNet ~1000 Euler steps per pattern).
const SYNAPSE_STEPS_PER_S = 1e9;

const app = {
  config: null,         // AppConfig (Rust, serde) of the current run
  presets: [],
  live: new Set(),      // parameter keys that change a running simulation
  worker: null,
  // The evaluation worker: `gen` counts the training worker's runs (Ev.READY), so
  // that results of an earlier run are not recorded in a later one.
  evaluator: { worker: null, gen: 0, run: 0, init: null, crashes: [] },
  running: false,
  autoPaused: false,    // paused because the tab was hidden
  lastCheckpoint: null, // {text, patterns}: what a crashed worker restarts from
  diverged: false,      // the run diverged: export gives lastCheckpoint, the last good state
  limits: null,         // size limits (Rust), for messages before a file is read
  stats: null,          // latest worker stats (wasm memory), for the soak benchmark
  crashes: [],
  frame: null,
  digits: null,
  drawPending: false,
  task: null,
  progress: null,
  draws: 0,             // redraws of the live potentials chart (refresh-rate check)
  timing: {},           // first init (this thread's wasm) / ready / frame / regions, ms since navigation
  longTasks: [],
  ready: false,         // the worker has installed the run (Ev.READY)
  lastHeard: 0,         // performance.now() of the worker's last message
  statusText: '',       // the visible status without the "since the last report" note
  pendingInit: null,    // what the next Ev.READY from a checkpoint is: 'import', 'undo', 'crash', 'stored'
  resetting: false,     // a reset was sent: its Ev.READY offers the undo
  undo: null,           // {text, patterns}: the run before the last reset
  chartData: {},        // chart id -> the payload it was last drawn from (for its Data table)
  announced: [],        // what the screen-reader status said (for the tests)
  stored: null,         // the run saved in the browser's storage, offered on arrival
  storeFailed: false,   // storage refused once: said once, not again
};
app.compare = compareState; // "Compare with backprop" (compare.js)
window.__app = app; // for the end-to-end tests and the curious

// Long tasks (> 50 ms) on this thread, for the responsiveness check.
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) app.longTasks.push({ start: e.startTime, duration: e.duration });
    if (app.longTasks.length > 1000) app.longTasks.splice(0, app.longTasks.length - 1000); // bounded in long runs
  }).observe({ type: 'longtask', buffered: true });
} catch { /* not supported */ }

// ---------- messages ----------

// Text from outside the page (URL values, file names, checkpoint fields, and the
// model's messages that quote them): control and bidirectional-override characters
// stripped, cut to a readable length.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
function clean(text, max = 80) {
  const t = String(text).replace(CONTROL, '');
  return t.length > max ? `${t.slice(0, max)}… (${t.length.toLocaleString('en')} characters)` : t;
}

/** Untrusted text isolated from the page's own (its direction cannot turn ours). */
function bdi(text, max) {
  const b = document.createElement('bdi');
  b.textContent = clean(text, max);
  return b;
}

/** A message line: `parts` is a string or a list of strings and nodes. `box` is
 *  where it goes: next to the control that caused it. */
function message(parts, kind = 'error', id = null, box = $('messages')) {
  if (id) box.querySelector(`[data-id="${id}"]`)?.remove();
  const p = document.createElement('p');
  p.className = kind;
  if (id) {
    p.dataset.id = id;
    p.id = `msg-${id}`;
  }
  if (kind === 'error') p.setAttribute('role', 'alert');
  p.append(...[].concat(parts));
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'dismiss';
  close.textContent = '×';
  close.setAttribute('aria-label', 'Dismiss message');
  close.onclick = () => p.remove();
  p.append(close);
  box.append(p);
  return p;
}

function showIgnored(ignored) {
  if (!ignored.length) return;
  const parts = ['Ignored from the address, the preset\'s values are used instead: '];
  ignored.forEach((i, n) => {
    // The model's reason quotes the value: quote it cut too.
    const reason = i.value.length > 60 ? i.reason.split(i.value).join(clean(i.value, 60)) : i.reason;
    parts.push(...(n ? ['; '] : []), bdi(`${i.key}=${i.value}`, 120), ` (${clean(reason, 400)})`);
  });
  message(parts, 'notice', 'ignored');
}

// ---------- configuration <-> form <-> URL ----------

const taskOf = (presetName) => app.presets.find((p) => p.name === presetName)?.task;

function fillForm() {
  const c = app.config;
  app.task = taskOf(c.preset);
  $('task').value = app.task;
  const presetSel = $('preset');
  presetSel.replaceChildren(...app.presets.filter((p) => p.task === app.task).map((p) => {
    const o = new Option(p.name, p.name);
    o.title = p.source;
    return o;
  }));
  presetSel.value = c.preset;
  presetSel.title = app.presets.find((p) => p.name === c.preset)?.source || '';
  $('engine').value = c.engine;
  $('engine').querySelector('[value=pyralnet]').disabled = app.task === 'mnist';
  $('seed').value = c.seed;
  $('epochs').value = c.epochs;
  // Each key's text as the address writes it (src/app/url.rs, PARAM_KEYS).
  const values = Object.fromEntries(formValues(c.params));
  for (const input of $('params').elements) {
    if (!input.name) continue;
    input.classList.remove('invalid');
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
    if (input.type === 'checkbox') input.checked = values[input.name] === '1';
    else input.value = values[input.name];
  }
  fillArith(values);
  showDerived();
  $('regions-fig').hidden = app.task !== 'yin_yang';
  $('confusion-fig').hidden = app.task !== 'mnist';
  $('digits-fig').hidden = app.task !== 'mnist';
  document.body.classList.toggle('embed', !!c.embed);
  const notice = applyView(c);
  if (notice) message(notice, 'notice', 'view');
  else $('messages').querySelector('[data-id="view"]')?.remove();
  syncCompare();
}

// The chip model's keys and their controls (selects and number inputs alike).
const CHIP_FIELDS = [['analog', 'analog'], ['rng', 'rng'], ['accumulator', 'accumulator'], ['phi', 'phi'],
  ['analog_noise', 'analog-noise'], ['analog_offset', 'analog-offset']];

// The number formats (float, or the BSS-2 chip's), from the form values.
function fillArith(values) {
  const hw = values.arith === 'bss2';
  $('arith').value = values.arith;
  $('rounding').value = values.rounding;
  $('readout-noise').value = values.readout_noise;
  $('carry').checked = values.carry === '1';
  $('rounding').disabled = !hw;
  $('readout-noise').disabled = !hw;
  $('carry').disabled = !hw;
  // The chip model: only with the chip; the MAC's noise and offsets only with its mock.
  for (const [key, id] of CHIP_FIELDS) $(id).value = values[key];
  $('chip-row').hidden = !hw;
  $('analog-noise').disabled = values.analog !== 'mock';
  $('analog-offset').disabled = values.analog !== 'mock';
  $('codes-fig').hidden = !hw;
}

function showDerived() {
  try {
    const d = describe(app.config);
    const f = (x) => x.toFixed(3);
    $('derived').textContent = `Nudging strengths: λ_out = ${f(d.lambda_out)}, λ_inter = ${f(d.lambda_inter)}, ` +
      `λ_hidden = ${f(d.lambda_hidden)}; somatic τ = ${f(d.tau_ms)} ms; ${d.synapses.toLocaleString('en')} synapses.` +
      (d.decay ? ` ${d.decay}` : '') + sizeWarning(d.synapses);
    // What keeps these formats from learning, if that is known (Rust: format_hints).
    $('arith-format').textContent = [`Number formats: ${d.arith}.`, ...d.hints].join(' ');
    // What the rule needs of the chip's PPU, flagged where it cannot (Rust: Budget).
    $('ppu-budget').textContent = d.ppu;
    $('ppu-budget').hidden = !d.ppu;
  } catch (e) {
    $('derived').textContent = '';
    $('ppu-budget').hidden = true;
  }
}

// A network too large to give feedback within a second: an estimate from its size
// (PyraLNet integrates t_pattern / 0.1 ms Euler steps per pattern; SteadNet a few passes).
function secondsPerPattern(synapses) {
  const c = app.config;
  const steps = c.engine === 'pyralnet' ? (c.params.t_pattern ?? 100) / 0.1
    : 5 * (c.params.n_passes ?? 1) * (c.params.n_exposures ?? 1);
  return (synapses * steps) / SYNAPSE_STEPS_PER_S;
}

function sizeWarning(synapses) {
  const s = secondsPerPattern(synapses);
  app.slow = s > 1;
  if (!app.slow) return '';
  return ` This network is too large to give feedback within a second: about ${fmtTime(s)} per training ` +
    'pattern here, and each validation takes many patterns; the status counts the time since the last report.';
}

function writeHash() {
  const hash = printHash(app.config);
  if (location.hash !== hash) history.replaceState(null, '', hash);
  const base = location.href.split('#')[0];
  $('embed-snippet').textContent = embedSnippet(base, app.config, printHash);
}

// Edits go through the Rust URL parser: the form sends `key=raw` in a hash, and a
// refused value comes back with the model's reason (name, value, allowed range).
function edit(key, raw) {
  const q = new URLSearchParams(printHash(app.config).slice(1));
  q.set(key, raw);
  const parsed = parseHash('#' + q.toString());
  const refused = parsed.ignored.find((i) => i.key === key);
  const err = $('param-error');
  const input = fieldOf(key);
  if (refused) {
    // A number field holds '' for text that is not a number: say that, not `= ""`.
    const text = input?.type === 'number' && (input.validity.badInput || raw.trim() === '')
      ? `${key} was not applied: enter a number`
      : `${clean(refused.key, 40)} = ${clean(refused.value, 60)} was not applied: ${clean(refused.reason, 300)}`;
    let box;
    if (input?.form === $('params')) {
      err.textContent = text;
      err.hidden = false;
      box = err;
    } else {
      box = message(text, 'error', 'edit');
    }
    if (input) {
      input.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', box.id);
    }
    return;
  }
  if (input) {
    input.classList.remove('invalid');
    input.removeAttribute('aria-invalid');
    if (input.getAttribute('aria-describedby') === 'param-error') input.removeAttribute('aria-describedby');
  }
  if (input && input.form !== $('params')) $('messages').querySelector('[data-id="edit"]')?.remove();
  // Other keys that no longer fit (e.g. learning rates after a new number of hidden
  // layers) were replaced; say so.
  if (parsed.ignored.length) {
    message(`Adjusted to the change of ${key}: ` +
      parsed.ignored.map((i) => `${i.key} (was ${i.value}; ${i.reason})`).join('; '), 'notice', 'adjusted');
  }
  err.hidden = true;
  const old = app.config;
  const next = parsed.config;
  keepShow(next, old);
  // A file of points set the output size; the address does not hold it.
  if (old.data && next.data) next.params.layers[next.params.layers.length - 1] = old.params.layers.at(-1);
  app.config = next;
  // Keys of both: a default left out of one (the float arithmetic) is a change too.
  const changed = [...new Set([...Object.keys(next.params), ...Object.keys(old.params)])].filter(
    (k) => JSON.stringify(next.params[k]) !== JSON.stringify(old.params[k]));
  const restart = RUN_KEYS.some((k) => next[k] !== old[k]) || changed.some((k) => !app.live.has(k));
  fillForm();
  writeHash();
  if (restart) newRun();
  else if (changed.length) {
    const params = Object.fromEntries(changed.map((k) => [k, next.params[k]]));
    app.worker.postMessage({ cmd: Cmd.SET, params });
    setCompare(params);
  }
}

const FIELDS = { seed: 'seed', epochs: 'epochs', engine: 'engine', arith: 'arith', rounding: 'rounding',
  readout_noise: 'readout-noise', carry: 'carry', ...Object.fromEntries(CHIP_FIELDS) };

/** The form control of a configuration key. */
function fieldOf(key) {
  return FIELDS[key] ? $(FIELDS[key]) : $('params').elements[key] || null;
}

function choosePreset(name) {
  const p = app.presets.find((x) => x.name === name);
  const c = structuredClone(p.config);
  c.seed = app.config.seed;
  keepShow(c, app.config);
  app.config = c;
  fillForm();
  writeHash();
  newRun();
}

// ---------- worker ----------

// Both workers start loading the wasm module as soon as this script runs, alongside
// this thread's copy, rather than one after another (the first decision regions came
// 0.8 s after the training worker's, issue 14); the first run adopts them. What
// they say before that waits in `held`.
const early = { worker: spawn('./worker.js'), evaluator: spawn('./eval-worker.js') };

function spawn(path) {
  const w = new Worker(new URL(path, import.meta.url), { type: 'module' });
  w.held = [];
  w.onmessage = w.onerror = (e) => w.held.push(e);
  return w;
}

/** A worker for a new run: the early one if not yet taken. */
function adopt(which, path) {
  const w = early[which] ?? new Worker(new URL(path, import.meta.url), { type: 'module' });
  early[which] = null;
  return w;
}

/** Installs the handlers, then hands them what the worker said before. */
function listen(w, onMessage, onError) {
  w.onmessage = onMessage;
  w.onerror = onError;
  for (const e of w.held?.splice(0) ?? []) (e.type === 'message' ? onMessage : onError)(e);
}

function startWorker(init) {
  if (app.worker) app.worker.terminate();
  app.ready = false;
  app.lastHeard = performance.now();
  const w = adopt('worker', './worker.js');
  app.worker = w;
  listen(w, (e) => onWorker(e.data, w), (e) => message(`The simulation worker failed to start: ${e.message || 'error'}`));
  w.postMessage({ cmd: Cmd.INIT, ...init });
}

// ---------- evaluation worker ----------

/** A new run of the training worker: the evaluation worker starts one too. */
function initEvaluator(m) {
  const ev = app.evaluator;
  ev.gen += 1;
  ev.run = m.run;
  ev.init = { cmd: ECmd.INIT, gen: ev.gen, setup: m.setup, data: m.data, mnist: m.mnist };
  if (ev.worker) ev.worker.postMessage(ev.init);
  else startEvaluator();
}

function startEvaluator() {
  const ev = app.evaluator;
  ev.worker?.terminate();
  ev.worker = adopt('evaluator', './eval-worker.js');
  listen(ev.worker, (e) => onEvaluator(e.data),
    (e) => message(`The evaluation worker failed to start: ${e.message || 'error'}`));
  if (ev.init) ev.worker.postMessage(ev.init);
}

function onEvaluator(m) {
  if (m.gen !== app.evaluator.gen) return;
  switch (m.type) {
    case EEv.METRICS:
      onMetrics(m.evaluated);
      app.worker.postMessage({ cmd: Cmd.RECORD, evaluated: m.evaluated, run: app.evaluator.run });
      break;
    case EEv.REGIONS:
      drawRegions(m.regions);
      break;
    case EEv.ERROR:
      onEvaluatorError(m);
      break;
  }
}

function onEvaluatorError(m) {
  if (m.fatal) {
    const ev = app.evaluator;
    const now = performance.now();
    ev.crashes = ev.crashes.filter((t) => now - t < 60000).concat(now);
    if (ev.crashes.length > 3) {
      message(`The evaluation crashed again (${clean(m.message, 400)}); not restarting. Reload the page.`, 'error', 'eval');
      return;
    }
    message(`The evaluation crashed (${clean(m.message, 400)}); it was restarted with the next snapshot.`, 'error', 'eval');
    startEvaluator();
    app.worker.postMessage({ cmd: Cmd.RECORD, evaluated: null, lost: true, run: app.evaluator.run });
    return;
  }
  if (m.kind === 'diverged') {
    // Weights that give a non-finite error: the training stops as if it had found
    // them itself; an autosave of these weights or later is not a good one.
    app.worker.postMessage({ cmd: Cmd.PAUSE });
    setRunning(false);
    if (app.lastCheckpoint && m.patterns != null && app.lastCheckpoint.patterns >= m.patterns) app.lastCheckpoint = null;
    onWorkerError({ op: Op.RUN, kind: m.kind, message: m.message, fatal: false });
    return;
  }
  message(`Evaluation failed: ${clean(m.message, 400)}`, 'error', 'eval');
  // Answered all the same, so that training does not wait for it.
  app.worker.postMessage({ cmd: Cmd.RECORD, evaluated: null, run: app.evaluator.run });
}

/** A validation or the test, from the evaluation worker: said, and (the test) shown. */
function onMetrics(m) {
  if (m.which === 'test') {
    const acc = m.metrics.accuracy != null ? `, accuracy ${(100 * m.metrics.accuracy).toFixed(1)} %` : '';
    message(`Test set: MSE ${m.metrics.mse.toExponential(3)}${acc}.`, 'notice', 'test');
    announce(`Done. Test set: ${acc ? acc.slice(2) + ', ' : ''}MSE ${fmtMse(m.metrics.mse)}.`, true);
    app.doneSaid = true;
  } else {
    const x = m.metrics;
    const epoch = `Epoch ${Math.max(1, Math.ceil(x.epoch))}, ${x.patterns.toLocaleString('en')} patterns: `;
    const acc = m.metrics.accuracy != null ? `accuracy ${(100 * m.metrics.accuracy).toFixed(1)} %, ` : '';
    announce(`${epoch}validation ${acc}MSE ${fmtMse(m.metrics.mse)}.`, false, true);
  }
}

function newRun(play = app.running) {
  app.lastCheckpoint = null;
  app.ready = false;
  hideUndo();
  app.frame = null;
  app.digits = null;
  resetCircuit();
  dirty.clear();
  startWorker({ config: app.config, play, data: dataFor(app.config) });
  setStatus('Starting…');
}

function onWorker(m, from) {
  if (from !== app.worker) return; // a replaced worker's last words
  app.lastHeard = performance.now();
  switch (m.type) {
    case Ev.READY: {
      initEvaluator(m);
      app.diverged = false;
      app.ready = true;
      app.doneSaid = false;
      const why = app.pendingInit;
      app.pendingInit = null;
      onDataReady(m);
      if (m.config.data && !m.fromCheckpoint) {
        // A file of points sets the output size (Rust): take the run's configuration.
        app.config = keepShow(m.config, app.config);
        fillForm();
        writeHash();
      }
      if (m.fromCheckpoint) {
        app.config = keepShow(m.config, app.config);
        fillForm();
        writeHash();
        if (why === 'undo') {
          hideUndo();
          announce(`Reset undone: ${m.progress.patterns.toLocaleString('en')} patterns trained.`);
        } else if (why === 'stored') {
          announce(`Continued the saved run at ${m.progress.patterns.toLocaleString('en')} patterns.`);
        } else if (why !== 'crash' && !app.resetting) {
          $('messages').querySelector('[data-id="import"]')?.remove();
          message(`Checkpoint loaded: ${m.progress.patterns} patterns trained. ` +
            'The address holds its configuration, not its weights.', 'notice', 'import', $('import-message'));
        }
      }
      if (app.resetting) {
        app.resetting = false;
        const ck = app.lastCheckpoint;
        app.lastCheckpoint = null;
        if (ck && ck.patterns > 0) offerUndo(ck);
        announce('Reset: the run starts again.');
      }
      status(m.progress, 'ready', null, null);
      app.timing.ready ??= performance.now();
      restartCompare();
      break;
    }
    case Ev.STATE:
      if (m.running !== app.running && !(app.doneSaid && !m.running)) {
        announce(m.running ? 'Training.'
          : app.progress?.phase === 'done' ? 'Done.' : `Paused at ${(app.progress?.patterns ?? 0).toLocaleString('en')} patterns.`);
      }
      setRunning(m.running);
      if (app.progress) status(app.progress, app.progress.phase, null, null);
      break;
    case Ev.PROGRESS:
      status(m.progress, m.phase, m.perSec, m.eta);
      followCompare(m.progress.patterns);
      break;
    case Ev.SNAPSHOT:
      // To the evaluation worker, which belongs to the run of the last Ev.READY.
      app.evaluator.worker?.postMessage({ cmd: ECmd.SNAPSHOT, which: m.which, snapshot: m.snapshot },
        [m.snapshot.weights.buffer]);
      break;
    case Ev.FRAME:
      app.frame = m.frame;
      queueCharts();
      showCompare();
      break;
    case Ev.CIRCUIT:
      // Drawn in its own animation frame, as the charts are (one per frame).
      app.circuit = m.circuit;
      dirty.add('circuit');
      requestDraw();
      break;
    case Ev.DEMO:
      showDemo(m.demo);
      break;
    case Ev.DIGITS:
      app.digits = m.digits;
      queueCharts();
      break;
    case Ev.PARAMS:
      break;
    case Ev.CHECKPOINT:
      // After a divergence only a new run (or reset) saves again: the last good state stays.
      if (!app.diverged) {
        app.lastCheckpoint = { text: m.text, patterns: m.patterns };
        $('checksum').textContent = `${m.checksum} at ${m.patterns.toLocaleString('en')} patterns`;
        persist(m);
      }
      break;
    case Ev.EXPORT:
      if (m.what === 'csv') download(new Blob([m.text], { type: 'text/csv' }), `metrics-${app.config.preset}-${m.patterns}.csv`);
      else download(new Blob([m.text], { type: 'application/json' }), `checkpoint-${app.config.preset}-${m.patterns}.json`);
      break;
    case Ev.ERROR:
      onWorkerError(m);
      break;
    case Ev.STATS:
      app.stats = m;
      break;
  }
}

function onWorkerError(m) {
  if (m.fatal) {
    const now = performance.now();
    app.crashes = app.crashes.filter((t) => now - t < 60000).concat(now);
    if (app.crashes.length > 3) {
      message(`The simulation crashed again (${m.message}); not restarting. Reload the page.`);
      return;
    }
    const ck = app.lastCheckpoint;
    message(`The simulation crashed (${m.message}). It was restarted ` +
      (ck ? `from the last checkpoint (${ck.patterns} patterns).` : 'from the start.'), 'error', 'crash');
    app.pendingInit = ck ? 'crash' : null;
    const data = dataFor(app.config);
    startWorker(ck ? { checkpoint: ck.text, embed: app.config.embed, data } : { config: app.config, data });
    return;
  }
  if (m.op === Op.DATA) return onDataRefused(m, clean);
  const diverged = m.kind === 'diverged';
  const prefix = diverged ? 'Training stopped, the network diverged: ' : {
    [Op.CHECKPOINT]: 'Checkpoint refused: ',
    [Op.CONFIG]: 'Configuration refused: ',
    [Op.SET]: 'Change refused: ',
  }[m.op] || 'Error: ';
  // A refused import is said next to the Import control; the run goes on.
  if (m.op === Op.CHECKPOINT && !diverged) {
    const undo = app.pendingInit === 'undo';
    if (app.pendingInit === 'stored') {
      // A saved run this build cannot read is of no use: forget it.
      app.pendingInit = null;
      app.lastCheckpoint = null;
      clearRun().catch(() => {});
      message('The saved run could not be continued: ' + clean(m.message, 400), 'error', 'checkpoint');
      return;
    }
    app.pendingInit = null;
    message(prefix + clean(m.message, 400), 'error', 'checkpoint', undo ? $('messages') : $('import-message'));
    return;
  }
  const p = message(prefix + clean(m.message, 400), 'error', diverged ? 'diverged' : m.op);
  if (diverged) offerLastGood(p);
}

// ---------- the autosave in the browser's storage ----------

// An embedded view keeps no run of its own: it would replace the page's.
function persist(m) {
  // A run on a CSV file is not kept: the file stays on the visitor's machine, and
  // continuing without it would train on other data.
  if (app.config.embed || app.config.data || app.stored) return; // an offered run stays until answered
  const rec = { text: m.text, patterns: m.patterns, total: m.total, checksum: m.checksum,
    preset: app.config.preset, engine: app.config.engine, savedAt: Date.now() };
  saveRun(rec).catch((e) => storageFailed(e));
}

function storageFailed(e) {
  if (app.storeFailed) return;
  app.storeFailed = true;
  message(`This browser did not keep the autosave (${clean(e?.message || String(e), 200)}); ` +
    'the run goes on, but a reload will not offer to continue it. Export a checkpoint to keep it.',
  'notice', 'storage');
}

async function offerStored() {
  if (app.config.embed) return;
  let rec;
  try { rec = await loadRun(); } catch (e) { storageFailed(e); return; }
  if (!rec || typeof rec.text !== 'string' || !(rec.patterns > 0)) return;
  app.stored = rec;
  const when = new Date(rec.savedAt).toLocaleString('en');
  $('resume-text').textContent = `A run saved in this browser: ${clean(String(rec.preset), 40)}, ` +
    `${clean(String(rec.engine), 20)}, ${rec.patterns.toLocaleString('en')} of ` +
    `${Number(rec.total).toLocaleString('en')} patterns (saved ${when}). Continue it from pattern ` +
    `${rec.patterns.toLocaleString('en')}?`;
  $('resume-box').hidden = false;
}

function hideStored() {
  const box = $('resume-box');
  if (box.contains(document.activeElement)) $('play').focus();
  box.hidden = true;
  app.stored = null;
}

function continueStored() {
  const rec = app.stored;
  if (!rec) return;
  hideStored();
  app.pendingInit = 'stored';
  app.lastCheckpoint = { text: rec.text, patterns: rec.patterns };
  app.worker.postMessage({ cmd: Cmd.INIT, checkpoint: rec.text, embed: false });
}

function discardStored() {
  hideStored();
  clearRun().catch((e) => storageFailed(e));
}

// ---------- reset: confirmation and undo ----------

function requestReset() {
  const n = app.progress?.patterns ?? 0;
  const dialog = $('reset-dialog');
  if (n <= RESET_CONFIRM || dialog.open) return doReset();
  $('reset-question').textContent = `Reset this run? It has trained ${n.toLocaleString('en')} patterns. ` +
    'You can undo the reset until the next one.';
  dialog.returnValue = '';
  dialog.showModal();
  // Not `autofocus` in the markup: a cross-origin frame blocks it with a console error.
  $('reset-keep').focus();
}

function doReset() {
  // The pause saves a checkpoint first (Ev.CHECKPOINT, before the reset's Ev.READY):
  // what "Undo reset" restores.
  app.resetting = true;
  app.worker.postMessage({ cmd: Cmd.PAUSE });
  app.worker.postMessage({ cmd: Cmd.RESET });
}

function offerUndo(ck) {
  app.undo = ck;
  $('undo-text').textContent = `The run was reset at ${ck.patterns.toLocaleString('en')} patterns.`;
  $('undo-box').hidden = false;
}

function hideUndo() {
  const box = $('undo-box');
  if (box.contains(document.activeElement)) $('reset').focus();
  box.hidden = true;
  app.undo = null;
}

function undoReset() {
  const ck = app.undo;
  if (!ck) return;
  app.pendingInit = 'undo';
  // `restore`: the restored run resets to where it reset to before, not to this state.
  app.worker.postMessage({ cmd: Cmd.INIT, checkpoint: ck.text, embed: app.config.embed, restore: true,
    data: dataFor(app.config) });
}

// After a divergence the worker's weights are no use; the last autosave (taken
// after a validation, before the divergence) is what export gives from now on.
function offerLastGood(p) {
  app.diverged = true;
  const ck = app.lastCheckpoint;
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'export-good';
  b.disabled = !ck;
  b.textContent = ck ? `Export the last good checkpoint (${ck.patterns} patterns)` : 'No checkpoint was saved yet';
  b.onclick = exportCheckpoint;
  p.insertBefore(b, p.lastChild);
}

function exportCheckpoint() {
  const ck = app.lastCheckpoint;
  if (app.diverged && ck) {
    download(new Blob([ck.text], { type: 'application/json' }), `checkpoint-${app.config.preset}-${ck.patterns}.json`);
  } else {
    app.worker.postMessage({ cmd: Cmd.EXPORT, what: 'checkpoint' });
  }
}

// ---------- status and controls ----------

function fmtTime(s) {
  if (s == null || !isFinite(s)) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

const fmtMse = (x) => (x < 0.01 ? x.toExponential(2) : x.toFixed(3));

function status(p, phase, perSec, eta) {
  app.progress = { ...p, phase, perSec, eta };
  const epoch = Math.min(p.epoch + 1, p.epochs);
  const rate = perSec != null ? `${perSec.toFixed(perSec < 10 ? 1 : 0)} patterns/s` : '– patterns/s';
  // Not training and not evaluating: say "paused", whatever the worker's last phase was.
  const shown = phase === 'training' && !app.running ? 'paused' : phase;
  setStatus(`Epoch ${epoch}/${p.epochs} · ${p.patterns.toLocaleString('en')}/` +
    `${p.total_patterns.toLocaleString('en')} patterns · ${rate} · ETA ${fmtTime(eta)} · ${shown}`);
}

function setStatus(text) {
  app.statusText = text;
  $('status').textContent = text;
}

// A busy worker that has not reported for a while (a large network): the visible
// status counts the seconds, so that the page is seen to be working.
function busy() {
  return !app.ready || app.running || ['validating', 'testing'].includes(app.progress?.phase);
}

setInterval(() => {
  const quiet = performance.now() - app.lastHeard;
  const note = app.worker && busy() && quiet > QUIET_MS ? ` · working, ${Math.round(quiet / 1000)} s since the last report` : '';
  const text = app.statusText + note;
  if ($('status').textContent !== text) $('status').textContent = text;
}, 1000);

// The screen-reader channel: one polite status, at most every ANNOUNCE_MS. What
// waits for its turn is spoken together: every state change (play, pause, reset,
// done) and the latest validation only.
let announceTimer = null, lastAnnounce = -1e9, waiting = [];
function announce(text, now = false, validation = false) {
  waiting = waiting.filter((w) => !(validation && w.validation));
  waiting.push({ text, validation });
  const due = lastAnnounce + ANNOUNCE_MS - performance.now();
  if (now || due <= 0) {
    clearTimeout(announceTimer);
    announceTimer = null;
    speak();
  } else if (!announceTimer) {
    announceTimer = setTimeout(() => { announceTimer = null; speak(); }, due);
  }
}
function speak() {
  if (!waiting.length) return;
  const text = waiting.map((w) => w.text).join(' ');
  $('announce').textContent = text;
  app.announced.push(text);
  if (app.announced.length > 100) app.announced.shift();
  waiting = [];
  lastAnnounce = performance.now();
}

function setRunning(r) {
  app.running = r;
  const b = $('play');
  b.textContent = r ? 'Pause' : 'Play';
  b.setAttribute('aria-pressed', String(r));
}

const play = () => app.worker.postMessage({ cmd: Cmd.PLAY });
const pause = () => app.worker.postMessage({ cmd: Cmd.PAUSE });
const toggle = () => (app.running ? pause() : play());

function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function wire() {
  $('play').onclick = toggle;
  $('step').onclick = () => app.worker.postMessage({ cmd: Cmd.STEP });
  $('reset').onclick = requestReset;
  $('reset-dialog').addEventListener('close', () => {
    if ($('reset-dialog').returnValue === 'reset') doReset();
  });
  $('undo-reset').onclick = undoReset;
  const speed = $('speed');
  const showSpeed = () => {
    const v = SPEEDS[+speed.value];
    $('speed-value').textContent = v ? `${v} patterns/frame` : 'max';
    speed.setAttribute('aria-valuetext', $('speed-value').textContent);
    return v;
  };
  speed.oninput = () => app.worker.postMessage({ cmd: Cmd.SPEED, value: showSpeed() });
  showSpeed();
  $('task').onchange = (e) => choosePreset(app.presets.find((p) => p.task === e.target.value).name);
  $('preset').onchange = (e) => choosePreset(e.target.value);
  $('engine').onchange = (e) => edit('engine', e.target.value);
  $('arith').onchange = (e) => edit('arith', e.target.value);
  $('rounding').onchange = (e) => edit('rounding', e.target.value);
  $('readout-noise').onchange = (e) => edit('readout_noise', e.target.value);
  $('carry').onchange = (e) => edit('carry', e.target.checked ? '1' : '0');
  for (const [key, id] of CHIP_FIELDS) $(id).onchange = (e) => edit(key, e.target.value);
  $('seed').onchange = (e) => edit('seed', e.target.value);
  $('epochs').onchange = (e) => edit('epochs', e.target.value);
  $('new-seed').onclick = () => edit('seed', String(freshSeed()));
  $('params').addEventListener('change', (e) => {
    const t = e.target;
    edit(t.name, t.type === 'checkbox' ? (t.checked ? '1' : '0') : t.value);
  });
  $('params').addEventListener('submit', (e) => e.preventDefault());
  $('export-checkpoint').onclick = exportCheckpoint;
  $('resume-run').onclick = continueStored;
  $('resume-discard').onclick = discardStored;
  $('export-csv').onclick = () => app.worker.postMessage({ cmd: Cmd.EXPORT, what: 'csv' });
  $('import').onchange = async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    const limit = app.limits.import_bytes;
    $('import-message').replaceChildren();
    if (file.size > limit) {
      message(['Checkpoint refused: ', bdi(file.name, 80), ` is ${file.size} bytes, more than the limit of ${limit} bytes.`],
        'error', 'checkpoint', $('import-message'));
      return;
    }
    app.pendingInit = 'import';
    app.worker.postMessage({ cmd: Cmd.INIT, checkpoint: await file.text(), embed: app.config.embed });
  };
  $('copy-link').onclick = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      message('Link copied.', 'notice', 'copy');
    } catch {
      message(`Copy this link: ${location.href}`, 'notice', 'copy');
    }
  };
  for (const b of document.querySelectorAll('button.png')) {
    b.setAttribute('aria-label', `Save the ${b.dataset.canvas} plot as PNG`);
    b.onclick = () => $(b.dataset.canvas).toBlob((blob) => download(blob, `${b.dataset.canvas}.png`), 'image/png');
  }
  // Shortcuts need Alt+Shift (WCAG 2.1.4: no single-key shortcuts); `code`, not
  // `key`, so that keyboard layouts and Alt's characters on macOS do not matter.
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey || $('reset-dialog').open) return;
    const act = { KeyK: toggle, KeyS: () => app.worker.postMessage({ cmd: Cmd.STEP }), KeyR: requestReset }[e.code];
    if (act) { e.preventDefault(); act(); }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && app.running) { app.autoPaused = true; pause(); }
    else if (!document.hidden && app.autoPaused) { app.autoPaused = false; play(); }
  });
  window.addEventListener('hashchange', () => {
    const parsed = parseHash(location.hash);
    $('messages').querySelector('[data-id="ignored"]')?.remove();
    showIgnored(parsed.ignored);
    // A hash with nothing usable (every key refused) keeps the current run, and so
    // does one that names the configuration already running.
    const keys = location.hash.slice(1).split('&').filter(Boolean).map((part) => {
      const k = part.split('=')[0];
      try { return decodeURIComponent(k); } catch { return k; }
    });
    const refused = new Set(parsed.ignored.map((i) => i.key));
    const nothing = refused.has('(address)') || (keys.length > 0 && keys.every((k) => refused.has(k)));
    if (nothing || printHash(keepShow({ ...parsed.config }, app.config)) === printHash(app.config)) {
      if (SHOW_KEYS.some((k) => parsed.config[k] !== app.config[k]) && !nothing) {
        keepShow(app.config, parsed.config);
        fillForm();
      }
      writeHash();
      return;
    }
    app.config = parsed.config;
    fillForm();
    writeHash();
    newRun();
  });
}

// ---------- drawing ----------

// One chart per animation frame, and only the charts whose data changed, so that
// no frame of the page takes long (plotters on a canvas: a few ms to ~25 ms each).
const dirty = new Set();
const signature = {};

function queueCharts() {
  const f = app.frame;
  const charts = f ? { curves: withOthers(f.curves), alignment: f.alignment, sps: f.sps, potentials: f.potentials } : {};
  if (app.task === 'mnist' && f?.confusion) charts.confusion = f.confusion;
  if (app.task === 'mnist' && app.digits) charts.digits = app.digits;
  if (f?.codes) charts.codes = f.codes;
  for (const [id, data] of Object.entries(charts)) {
    // Curves and confusion change only with a validation; the rest with training.
    const sig = id === 'curves' ? `${data.points.length}/${data.test?.patterns}/${data.points.at(-1)?.mse}/${compareState.version}`
      : id === 'alignment' ? `${data.patterns.length}/${data.patterns.at(-1)}`
      : id === 'confusion' ? JSON.stringify(data.counts)
      : id === 'codes' ? JSON.stringify(data.series.map((s) => s.counts)) : id === 'digits' ? JSON.stringify(data.predicted) + data.images.length
      : `${data.t_s?.length ?? data.t_ms.length}/${(data.t_s ?? data.t_ms).at(-1)}`;
    if (signature[id] !== sig) {
      signature[id] = sig;
      dirty.add(id);
    }
  }
  requestDraw();
}

const DRAW = {
  curves: drawCurves, alignment: drawAlignment, sps: drawSps, potentials: drawPotentials, confusion: drawConfusion, digits: drawDigits,
  codes: drawCodes, circuit: (_, data) => updateCircuit(data),
};

function requestDraw() {
  if (app.drawPending || !dirty.size) return;
  app.drawPending = true;
  requestAnimationFrame(() => {
    app.drawPending = false;
    const id = dirty.values().next().value;
    dirty.delete(id);
    const f = app.frame;
    const data = id === 'digits' ? app.digits : id === 'circuit' ? app.circuit : id === 'curves' && f ? withOthers(f.curves) : f?.[id];
    try {
      if (!data) return requestDraw();
      DRAW[id]($(id), data);
      showData(id, data);
      app.draws += id === 'potentials' ? 1 : 0;
      if (id === 'codes') $(id).dataset.drawn = String(+($(id).dataset.drawn || 0) + 1);
      if (id === 'potentials') app.timing.frame ??= performance.now();
    } catch (e) {
      message(`Cannot draw the ${id} chart: ${e.message}`, 'error', 'draw');
    }
    requestDraw();
  });
}

function drawRegions(r) {
  const canvas = $('regions');
  const { ctx, w, h } = paintRegions(canvas, r);
  for (let i = 0; i < r.labels.length; i++) {
    const x = r.points[2 * i] * w;
    const y = (1 - r.points[2 * i + 1]) * h;
    const bad = r.labels[i] !== r.predicted[i];
    ctx.beginPath();
    ctx.arc(x, y, bad ? 3.5 : 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = r.palette[r.labels[i]];
    ctx.fill();
    ctx.lineWidth = bad ? 2 : 1;
    ctx.strokeStyle = bad ? '#000' : '#fff';
    ctx.stroke();
  }
  const acc = (100 * r.accuracy).toFixed(1);
  $('regions-legend').replaceChildren(...r.class_names.map((n, c) => {
    const s = document.createElement('span');
    const dot = document.createElement('i');
    dot.style.background = r.palette[c];
    s.append(dot, n);
    return s;
  }), Object.assign(document.createElement('span'), { textContent: `test accuracy ${acc} %` }));
  // A file of points: the square is its bounding box (Rust: Regions::bounds).
  const box = r.bounds && `x ${n3(r.bounds[0])} to ${n3(r.bounds[1])}, y ${n3(r.bounds[2])} to ${n3(r.bounds[3])}`;
  if (box) $('regions-legend').append(Object.assign(document.createElement('span'), { textContent: `(${box})` }));
  canvas.setAttribute('aria-label', `${box ? `Decision regions of the loaded data over ${box}` : 'Yin-Yang decision regions'} ` +
    `with ${r.labels.length} test points, ${acc} % classified correctly`);
  canvas.dataset.drawn = String(+(canvas.dataset.drawn || 0) + 1);
  showData('regions', r);
  app.timing.regions ??= performance.now();
}

// ---------- the charts as data ----------
// Each chart's "Data" disclosure: a one-line summary (the canvas's description) and,
// while open, a table of what the chart draws, from the same payload. Only formatting.

const MAX_ROWS = 200;
const n3 = (x) => (x == null || !Number.isFinite(x) ? '–' : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.001)
  ? x.toExponential(2) : (+x.toPrecision(4)).toString());
const pct = (x) => (x == null ? '–' : `${(100 * x).toFixed(1)} %`);

/** Rows i of n to show: all, or evenly spaced with the last. */
function sample(n) {
  if (n <= MAX_ROWS) return { idx: [...Array(n).keys()], note: '' };
  const k = Math.ceil(n / MAX_ROWS);
  const idx = [];
  for (let i = 0; i < n; i += k) idx.push(i);
  if (idx.at(-1) !== n - 1) idx.push(n - 1);
  return { idx, note: ` The table shows every ${k}th of ${n.toLocaleString('en')} rows and the last.` };
}

const TABLES = {
  regions(r) {
    const rows = r.class_names.map((name, c) => {
      const { points, correct } = r.class_counts[c];
      return [name, points, correct, points - correct];
    });
    const right = rows.reduce((a, x) => a + x[2], 0);
    return {
      summary: `${r.labels.length} test points, ${right} (${pct(r.accuracy)}) classified ` +
        `correctly; decision regions on a ${r.n}×${r.n} grid.`,
      head: ['true class', 'test points', 'correct', 'wrong'], rows,
    };
  },
  curves(c) {
    const last = c.points.at(-1);
    const { idx, note } = sample(c.points.length);
    const rows = idx.map((i) => { const p = c.points[i]; return [p.patterns.toLocaleString('en'), n3(p.epoch), n3(p.mse), pct(p.accuracy)]; });
    if (c.test) rows.push([`test, ${c.test.patterns.toLocaleString('en')}`, n3(c.test.epoch), n3(c.test.mse), pct(c.test.accuracy)]);
    return {
      summary: `${c.points.length} validations` + (last ? `; the latest after ${last.patterns.toLocaleString('en')} ` +
        `patterns: MSE ${n3(last.mse)}${last.accuracy != null ? `, accuracy ${pct(last.accuracy)}` : ''}` : '') +
        (c.test ? `; test: MSE ${n3(c.test.mse)}${c.test.accuracy != null ? `, accuracy ${pct(c.test.accuracy)}` : ''}` : '') +
        (c.reference ? `; published: ${clean(c.reference.label, 80)} ${pct(c.reference.accuracy)}` : '') + '.' + note,
      head: ['patterns', 'epoch', 'MSE', 'accuracy'], rows,
    };
  },
  alignment(a) {
    // The series' order is AlignmentChart::NAMES (src/charts/alignment.rs).
    const names = ['this run vs backprop', 'this run vs feedback alignment', 'feedback alignment vs backprop',
      'W^down vs (W^up)ᵀ'];
    const deg = (x) => (x == null ? 'not measurable' : `${x.toFixed(1)}°`);
    const n = a.patterns.length;
    const { idx, note } = sample(n);
    return {
      summary: n === 0 ? 'No data yet.' : `Hidden layer 1 after ${a.patterns[n - 1].toLocaleString('en')} patterns: ` +
        names.map((name, s) => `${name} ${deg(a.series[s][n - 1])}`).join(', ') + '.' + note,
      head: ['patterns', ...names.map((name) => `${name} (degrees)`)],
      rows: idx.map((i) => [a.patterns[i].toLocaleString('en'), ...a.series.map((s) => deg(s[i]))]),
    };
  },
  sps(t) {
    const { idx, note } = sample(t.t_s.length);
    const i = t.t_s.length - 1;
    return {
      summary: i < 0 ? 'No data yet.' : `${t.t_s.length} samples to ${n3(t.t_s[i])} s of training; the latest: mean |apical| ` +
        `${n3(t.mean_abs_apical[i])}, ‖W^ip − W^ip_SPS‖ ${n3(t.d_ip[i])}, ‖W^pi + W^down‖ ${n3(t.d_pi[i])}.${note}`,
      head: ['time (s)', 'mean |apical potential|', '‖W^ip − W^ip_SPS‖', '‖W^pi + W^down‖'],
      rows: idx.map((k) => [n3(t.t_s[k]), n3(t.mean_abs_apical[k]), n3(t.d_ip[k]), n3(t.d_pi[k])]),
    };
  },
  potentials(p) {
    const { idx, note } = sample(p.t_ms.length);
    const J = p.outputs.length;
    const head = ['time (ms)'];
    for (let j = 0; j < J; j++) head.push(`output ${j + 1}`, `target ${j + 1}`);
    const i = p.t_ms.length - 1;
    const latest = i < 0 ? '' : ' The latest: ' + p.outputs.map((o, j) => `output ${j + 1} ${n3(o[i])} (target ${n3(p.targets[j][i])})`).join(', ') + '.';
    return {
      summary: `${p.t_ms.length} ${p.steady ? 'settled values (one per pattern)' : 'samples'} of ${J} output potentials and their targets.${latest}${note}`,
      head, rows: idx.map((k) => [n3(p.t_ms[k]), ...p.outputs.flatMap((o, j) => [n3(o[k]), n3(p.targets[j][k])])]),
    };
  },
  confusion(c) {
    let n = 0, right = 0;
    c.counts.forEach((row, i) => row.forEach((x, j) => { n += x; if (i === j) right += x; }));
    return {
      summary: `Latest validation: ${right} of ${n} classified correctly (${pct(right / Math.max(1, n))}). Rows: true class; columns: predicted.`,
      head: ['true \\ predicted', ...c.labels.map((l) => clean(l, 20))],
      rows: c.counts.map((row, i) => [clean(c.labels[i], 20), ...row]), rowHeads: true,
    };
  },
  codes(w) {
    const rows = [];
    for (let k = 0; k < 127; k++) {
      const counts = w.series.map((s) => s.counts[k] ?? 0);
      if (counts.some((x) => x > 0)) rows.push([k - 63, ...counts]);
    }
    return {
      summary: `Weight codes (${clean(w.format, 80)}) of ${w.series.length} matrices: ` +
        w.series.map((s) => `${clean(s.name, 20)} (scale ${n3(s.scale)})`).join(', ') + '. The table lists the codes in use.',
      head: ['code', ...w.series.map((s) => clean(s.name, 20))], rows,
    };
  },
  digits(d) {
    const right = d.labels.filter((l, i) => d.predicted[i] === l).length;
    return {
      summary: `${d.labels.length} test digits, ${right} predicted correctly.`,
      head: ['digit', 'label', 'predicted'],
      rows: d.labels.map((l, i) => [i + 1, l, d.predicted[i] === l ? `${d.predicted[i]}` : `${d.predicted[i]} (wrong)`]),
    };
  },
};

function showData(id, data) {
  app.chartData[id] = data;
  const details = $(`${id}-data`);
  if (!details || !TABLES[id]) return;
  const t = TABLES[id](data);
  $(`${id}-data-summary`).textContent = t.summary;
  if (details.open) fillTable(details.querySelector('.table-wrap'), t);
}

function fillTable(wrap, t) {
  const table = document.createElement('table');
  const tr = (cells, headRow) => {
    const row = document.createElement('tr');
    cells.forEach((c, i) => {
      const cell = document.createElement(headRow || (t.rowHeads && i === 0) ? 'th' : 'td');
      if (headRow) cell.scope = 'col';
      else if (t.rowHeads && i === 0) cell.scope = 'row';
      cell.textContent = String(c);
      row.append(cell);
    });
    return row;
  };
  const thead = table.createTHead();
  thead.append(tr(t.head, true));
  const tbody = table.createTBody();
  tbody.append(...t.rows.map((r) => tr(r, false)));
  wrap.replaceChildren(table);
}

// ---------- start ----------

async function main() {
  await init();
  app.timing.init ??= performance.now();
  app.presets = listPresets();
  app.limits = limits();
  app.live = new Set(paramKeys().filter(([, live]) => live).map(([k]) => k));
  const parsed = parseHash(location.hash);
  initData({
    post: (cmd) => app.worker.postMessage(cmd), running: () => app.running, limits: () => app.limits,
    message, bdi,
    // A file of points trains a Yin-Yang network (two inputs, mirrored).
    config: () => (app.task === 'yin_yang' ? app.config
      : keepShow({ ...app.presets.find((p) => p.name === 'yin_yang').config, seed: app.config.seed }, app.config)),
  });
  app.config = linkWithoutFile(parsed.config);
  showIgnored(parsed.ignored);
  fillForm();
  wire();
  initCircuit((cmd) => app.worker.postMessage(cmd));
  initCompare({
    toggle: (on) => { app.config.compare = on; writeHash(); syncCompare(); },
    redraw: queueCharts,
    current: () => ({ config: app.config, data: dataFor(app.config), patterns: app.progress?.patterns ?? 0,
      curves: app.frame?.curves, task: app.task }),
  });
  initEmbedChoice(writeHash);
  writeHash();
  for (const d of document.querySelectorAll('details.data[data-chart]')) {
    d.addEventListener('toggle', () => {
      const data = app.chartData[d.dataset.chart];
      if (d.open && data) showData(d.dataset.chart, data);
    });
  }
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  // autoplay=0|1 overrides the preference for reduced motion; a hidden tab waits.
  startWorker({ config: app.config, play: (app.config.autoplay ?? !reduced) && !document.hidden });
  // A built site (scripts/build-site) has a service worker: offline after the first visit.
  const sw = document.querySelector('meta[name=service-worker]')?.content;
  if (sw && 'serviceWorker' in navigator) navigator.serviceWorker.register(sw).catch(() => {});
  await offerStored();
}

main().catch((e) => message(`The page failed to start: ${e.message || e}`));
