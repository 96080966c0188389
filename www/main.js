// The page (main thread): controls, URL state and charts. The simulation runs in
// worker.js; this thread loads the same wasm module to parse and print the URL hash,
// validate parameters (with the model's own messages) and draw the charts with
// plotters (which needs the page's document to measure text). No model quantity is
// computed here.

import init, {
  parseHash, printHash, presets as listPresets, describe, paramKeys, freshSeed,
  drawCurves, drawSps, drawPotentials, drawConfusion, drawDigits, drawCodes, limits,
} from './pkg/microcircuit.js';
import { Cmd, Ev, Op } from './protocol.js';

const $ = (id) => document.getElementById(id);
const SPEEDS = [1, 2, 5, 10, 20, 50, 200, 0]; // patterns per 16 ms frame; 0 = as fast as possible
const RUN_KEYS = ['preset', 'engine', 'seed', 'epochs']; // besides parameters: start a new run

const app = {
  config: null,         // AppConfig (Rust, serde) of the current run
  presets: [],
  live: new Set(),      // parameter keys that change a running simulation
  worker: null,
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
  timing: {},           // first ready / frame / regions, ms since navigation
  longTasks: [],
};
window.__app = app; // for the end-to-end tests and the curious

// Long tasks (> 50 ms) on this thread, for the responsiveness check.
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) app.longTasks.push({ start: e.startTime, duration: e.duration });
    if (app.longTasks.length > 1000) app.longTasks.splice(0, app.longTasks.length - 1000); // bounded in long runs
  }).observe({ type: 'longtask', buffered: true });
} catch { /* not supported */ }

// ---------- messages ----------

function message(text, kind = 'error', id = null) {
  const box = $('messages');
  if (id) box.querySelector(`[data-id="${id}"]`)?.remove();
  const p = document.createElement('p');
  p.className = kind;
  if (id) p.dataset.id = id;
  if (kind === 'error') p.setAttribute('role', 'alert');
  p.textContent = text;
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
  const parts = ignored.map((i) => `${i.key}=${i.value} (${i.reason})`);
  message(`Ignored from the address, the preset's values are used instead: ${parts.join('; ')}`,
    'notice', 'ignored');
}

// ---------- configuration <-> form <-> URL ----------

const taskOf = (presetName) => app.presets.find((p) => p.name === presetName)?.task;

function num(v) {
  return typeof v === 'number' ? String(+v.toPrecision(7)) : String(v);
}

function formValue(key, p) {
  switch (key) {
    case 'hidden': return p.layers.slice(1, -1).join(',');
    case 'eta_up': case 'eta_ip': case 'eta_pi': return p[key].map(num).join(',');
    default: return num(p[key]);
  }
}

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
  for (const input of $('params').elements) {
    if (!input.name) continue;
    input.classList.remove('invalid');
    if (input.type === 'checkbox') input.checked = !!c.params[input.name];
    else input.value = formValue(input.name, c.params);
  }
  fillArith(c.params.arith);
  showDerived();
  $('regions-fig').hidden = app.task !== 'yin_yang';
  $('confusion-fig').hidden = app.task !== 'mnist';
  $('digits-fig').hidden = app.task !== 'mnist';
  document.body.classList.toggle('embed', !!c.embed);
}

// The number formats (float, or the BSS-2 chip's); configs leave out the default.
function fillArith(a = {}) {
  const hw = (a.kind ?? 'float') === 'bss2';
  $('arith').value = a.kind ?? 'float';
  $('rounding').value = a.rounding ?? 'floor';
  $('readout-noise').value = num(a.readout_noise ?? 0);
  $('carry').checked = !!a.carry;
  $('rounding').disabled = !hw;
  $('readout-noise').disabled = !hw;
  $('carry').disabled = !hw;
  $('codes-fig').hidden = !hw;
}

function showDerived() {
  try {
    const d = describe(app.config);
    const f = (x) => x.toFixed(3);
    $('derived').textContent = `Nudging strengths: λ_out = ${f(d.lambda_out)}, λ_inter = ${f(d.lambda_inter)}, ` +
      `λ_hidden = ${f(d.lambda_hidden)}; somatic τ = ${f(d.tau_ms)} ms; ${d.synapses.toLocaleString('en')} synapses.`;
    // The float presets' settings do not learn on the chip formats (README).
    const hw = app.config.params.arith?.kind === 'bss2';
    let hint = hw && app.task === 'yin_yang' && app.config.preset !== 'yin_yang_bss2'
      ? ' This preset\'s settings are tuned for float and stay near chance on these formats; the preset yin_yang_bss2 learns on them.'
      : '';
    if (hw && app.config.engine === 'pyralnet' && (app.config.params.arith.plasticity_every ?? 1) === 1) {
      hint += ' With PyraLNet and the rule run every Euler step most trace increments fall below one Q0.15 LSB; yin_yang_bss2 runs it every 100 steps.';
    }
    $('arith-format').textContent = `Number formats: ${d.arith}.${hint}`;
  } catch (e) {
    $('derived').textContent = '';
  }
}

function writeHash() {
  const hash = printHash(app.config);
  if (location.hash !== hash) history.replaceState(null, '', hash);
  const base = location.href.split('#')[0];
  const embedHash = printHash({ ...app.config, embed: false }) + '&embed=1';
  $('embed-snippet').textContent =
    `<iframe src="${base}${embedHash}"\n        width="1000" height="900" style="border:0"\n` +
    `        title="Dendritic cortical microcircuit simulation"></iframe>`;
}

// Edits go through the Rust URL parser: the form sends `key=raw` in a hash, and a
// refused value comes back with the model's reason (name, value, allowed range).
function edit(key, raw) {
  const q = new URLSearchParams(printHash(app.config).slice(1));
  q.set(key, raw);
  const parsed = parseHash('#' + q.toString());
  const refused = parsed.ignored.find((i) => i.key === key);
  const err = $('param-error');
  if (refused) {
    err.textContent = `${refused.key} = ${refused.value} was not applied: ${refused.reason}`;
    err.hidden = false;
    const input = $('params').elements[key];
    if (input) input.classList.add('invalid');
    if (!input) message(err.textContent, 'error', 'edit');
    return;
  }
  // Other keys that no longer fit (e.g. learning rates after a new number of hidden
  // layers) were replaced; say so.
  if (parsed.ignored.length) {
    message(`Adjusted to the change of ${key}: ` +
      parsed.ignored.map((i) => `${i.key} (was ${i.value}; ${i.reason})`).join('; '), 'notice', 'adjusted');
  }
  err.hidden = true;
  const old = app.config;
  const next = parsed.config;
  next.embed = old.embed;
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
  }
}

function choosePreset(name) {
  const p = app.presets.find((x) => x.name === name);
  const c = structuredClone(p.config);
  c.seed = app.config.seed;
  c.embed = app.config.embed;
  app.config = c;
  fillForm();
  writeHash();
  newRun();
}

// ---------- worker ----------

function startWorker(init) {
  if (app.worker) app.worker.terminate();
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (e) => onWorker(e.data);
  w.onerror = (e) => message(`The simulation worker failed to start: ${e.message || 'error'}`);
  app.worker = w;
  w.postMessage({ cmd: Cmd.INIT, ...init });
}

function newRun(play = app.running) {
  app.lastCheckpoint = null;
  app.frame = null;
  app.digits = null;
  dirty.clear();
  startWorker({ config: app.config, play });
  $('status').textContent = 'Starting…';
}

function onWorker(m) {
  switch (m.type) {
    case Ev.READY:
      app.diverged = false;
      if (m.fromCheckpoint) {
        app.config = m.config;
        fillForm();
        writeHash();
        message(`Checkpoint loaded: ${m.progress.patterns} patterns trained. ` +
          'The address holds its configuration, not its weights.', 'notice', 'import');
      }
      status(m.progress, 'ready', null, null);
      app.timing.ready ??= performance.now();
      break;
    case Ev.STATE:
      setRunning(m.running);
      break;
    case Ev.PROGRESS:
      status(m.progress, m.phase, m.perSec, m.eta);
      break;
    case Ev.METRICS:
      if (m.which === 'test') {
        const acc = m.metrics.accuracy != null ? `, accuracy ${(100 * m.metrics.accuracy).toFixed(1)} %` : '';
        message(`Test set: MSE ${m.metrics.mse.toExponential(3)}${acc}.`, 'notice', 'test');
      }
      break;
    case Ev.FRAME:
      app.frame = m.frame;
      queueCharts();
      break;
    case Ev.DIGITS:
      app.digits = m.digits;
      queueCharts();
      break;
    case Ev.REGIONS:
      drawRegions(m.regions);
      break;
    case Ev.CHECKPOINT:
      // After a divergence only a new run (or reset) saves again: the last good state stays.
      if (!app.diverged) app.lastCheckpoint = { text: m.text, patterns: m.patterns };
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
    startWorker(ck ? { checkpoint: ck.text, embed: app.config.embed } : { config: app.config });
    return;
  }
  const diverged = m.kind === 'diverged';
  const prefix = diverged ? 'Training stopped, the network diverged: ' : {
    [Op.CHECKPOINT]: 'Checkpoint refused: ',
    [Op.CONFIG]: 'Configuration refused: ',
    [Op.SET]: 'Change refused: ',
  }[m.op] || 'Error: ';
  const p = message(prefix + m.message, 'error', diverged ? 'diverged' : m.op);
  if (diverged) offerLastGood(p);
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

function status(p, phase, perSec, eta) {
  app.progress = { ...p, phase, perSec, eta };
  const epoch = Math.min(p.epoch + 1, p.epochs);
  const rate = perSec != null ? `${perSec.toFixed(perSec < 10 ? 1 : 0)} patterns/s` : '– patterns/s';
  $('status').textContent = `Epoch ${epoch}/${p.epochs} · ${p.patterns.toLocaleString('en')}/` +
    `${p.total_patterns.toLocaleString('en')} patterns · ${rate} · ETA ${fmtTime(eta)} · ${phase}`;
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
  $('reset').onclick = () => app.worker.postMessage({ cmd: Cmd.RESET });
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
  $('seed').onchange = (e) => edit('seed', e.target.value);
  $('epochs').onchange = (e) => edit('epochs', e.target.value);
  $('new-seed').onclick = () => edit('seed', String(freshSeed()));
  $('params').addEventListener('change', (e) => {
    const t = e.target;
    edit(t.name, t.type === 'checkbox' ? (t.checked ? '1' : '0') : t.value);
  });
  $('params').addEventListener('submit', (e) => e.preventDefault());
  $('export-checkpoint').onclick = exportCheckpoint;
  $('export-csv').onclick = () => app.worker.postMessage({ cmd: Cmd.EXPORT, what: 'csv' });
  $('import').onchange = async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    const limit = app.limits.import_bytes;
    if (file.size > limit) {
      message(`Checkpoint refused: ${file.name} is ${file.size} bytes, more than the limit of ${limit} bytes.`,
        'error', 'checkpoint');
      return;
    }
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
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, select, textarea')) return;
    if (e.key === 'k' || (e.key === ' ' && e.target === document.body)) { e.preventDefault(); toggle(); }
    else if (e.key === 's') app.worker.postMessage({ cmd: Cmd.STEP });
    else if (e.key === 'r') app.worker.postMessage({ cmd: Cmd.RESET });
  });
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && app.running) { app.autoPaused = true; pause(); }
    else if (!document.hidden && app.autoPaused) { app.autoPaused = false; play(); }
  });
  window.addEventListener('hashchange', () => {
    const parsed = parseHash(location.hash);
    $('messages').querySelector('[data-id="ignored"]')?.remove();
    showIgnored(parsed.ignored);
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
  const charts = f ? { curves: f.curves, sps: f.sps, potentials: f.potentials } : {};
  if (app.task === 'mnist' && f?.confusion) charts.confusion = f.confusion;
  if (app.task === 'mnist' && app.digits) charts.digits = app.digits;
  if (f?.codes) charts.codes = f.codes;
  for (const [id, data] of Object.entries(charts)) {
    // Curves and confusion change only with a validation; the rest with training.
    const sig = id === 'curves' ? `${data.points.length}/${data.test?.patterns}/${data.points.at(-1)?.mse}`
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
  curves: drawCurves, sps: drawSps, potentials: drawPotentials, confusion: drawConfusion, digits: drawDigits,
  codes: drawCodes,
};

function requestDraw() {
  if (app.drawPending || !dirty.size) return;
  app.drawPending = true;
  requestAnimationFrame(() => {
    app.drawPending = false;
    const id = dirty.values().next().value;
    dirty.delete(id);
    const f = app.frame;
    const data = id === 'digits' ? app.digits : f?.[id];
    try {
      if (!data) return requestDraw();
      DRAW[id]($(id), data);
      app.draws += id === 'potentials' ? 1 : 0;
      if (id === 'codes') $(id).dataset.drawn = String(+($(id).dataset.drawn || 0) + 1);
      if (id === 'potentials') app.timing.frame ??= performance.now();
    } catch (e) {
      message(`Cannot draw the ${id} chart: ${e.message}`, 'error', 'draw');
    }
    requestDraw();
  });
}

const picture = document.createElement('canvas');

function drawRegions(r) {
  const canvas = $('regions');
  const ctx = canvas.getContext('2d');
  picture.width = r.n;
  picture.height = r.n;
  picture.getContext('2d').putImageData(new ImageData(r.rgba, r.n, r.n), 0, 0);
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(picture, 0, 0, w, h);
  let wrong = 0;
  for (let i = 0; i < r.labels.length; i++) {
    const x = r.points[2 * i] * w;
    const y = (1 - r.points[2 * i + 1]) * h;
    const bad = r.labels[i] !== r.predicted[i];
    wrong += bad;
    ctx.beginPath();
    ctx.arc(x, y, bad ? 3.5 : 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = r.palette[r.labels[i]];
    ctx.fill();
    ctx.lineWidth = bad ? 2 : 1;
    ctx.strokeStyle = bad ? '#000' : '#fff';
    ctx.stroke();
  }
  const names = ['yin', 'yang', 'dot'];
  const acc = (100 * (1 - wrong / Math.max(1, r.labels.length))).toFixed(1);
  $('regions-legend').replaceChildren(...names.map((n, c) => {
    const s = document.createElement('span');
    const dot = document.createElement('i');
    dot.style.background = r.palette[c];
    s.append(dot, n);
    return s;
  }), Object.assign(document.createElement('span'), { textContent: `test accuracy ${acc} %` }));
  canvas.setAttribute('aria-label', `Yin-Yang decision regions with ${r.labels.length} test points, ` +
    `${acc} % classified correctly`);
  canvas.dataset.drawn = String(+(canvas.dataset.drawn || 0) + 1);
  app.timing.regions ??= performance.now();
}

// ---------- start ----------

async function main() {
  await init();
  app.presets = listPresets();
  app.limits = limits();
  app.live = new Set(paramKeys().filter(([, live]) => live).map(([k]) => k));
  const parsed = parseHash(location.hash);
  app.config = parsed.config;
  showIgnored(parsed.ignored);
  fillForm();
  writeHash();
  wire();
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  startWorker({ config: app.config, play: !reduced && !document.hidden });
}

main().catch((e) => message(`The page failed to start: ${e.message || e}`));
