// The circuit panel (main thread): the microcircuit drawn as the paper's Figure 1
// from the payload Rust sends with each frame (src/app/circuit.rs): each layer's
// pyramidal neurons as basal dendrite, soma and apical dendrite, the interneurons
// beside them, coloured by their potentials; the four projection families as
// bundles coloured by sign, as wide as they are strong. A replay shows one pattern
// step by step. Only drawing and formatting here: every number comes from Rust.

import { Cmd } from './protocol.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;                 // viewBox width
const ROW = 120;               // height of a layer's row
const FAMILY = {
  up: { name: 'W^up', text: 'bottom-up, to basal dendrites', dash: '' },
  down: { name: 'W^down', text: 'top-down, to apical dendrites', dash: '5 3' },
  ip: { name: 'W^ip', text: 'pyramidal to interneurons', dash: '2 2' },
  pi: { name: 'W^pi', text: 'interneurons to apical dendrites', dash: '8 2 2 2' },
};
const POS = '#d55e00', NEG = '#0072b2';   // sign of a weight (Okabe–Ito vermilion, blue)

const $ = (id) => document.getElementById(id);
const el = (name, attrs = {}, parent = null) => {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.append(e);
  return e;
};
const n3 = (x) => (x == null || !Number.isFinite(x) ? '–' : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.001)
  ? x.toExponential(2) : (+x.toPrecision(3)).toString());

/** Diverging colour of v on the scale ±m: blue (negative), white (0), orange (positive). */
function colour(v, m) {
  const t = Math.max(-1, Math.min(1, v / (m || 1)));
  const [r, g, b] = t < 0 ? [33, 102, 172] : [179, 88, 6];
  const a = Math.abs(t);
  const mix = (c) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

const state = {
  post: null,       // (cmd) => void: sends a command to the worker
  live: null,       // latest CircuitFrame
  demo: null,       // Demo being replayed, or null (live view)
  moment: 0,
  demoIndex: 0,
  playing: null,    // replay timer
  selected: null,   // {k, j, inter}
  shape: '',        // layer sizes the SVG was built for
  nodes: [],        // [{k, j, inter, g, parts}]
  frames: 0,        // frames drawn (tests)
};
window.__circuit = state; // for the end-to-end tests and the curious

/** `post(cmd)` sends a worker command (protocol.js Cmd). */
export function initCircuit(post) {
  state.post = post;
  $('circuit-explain').onclick = explain;
  $('circuit-back').onclick = () => go(state.moment - 1);
  $('circuit-next').onclick = () => go(state.moment + 1);
  $('circuit-play').onclick = togglePlay;
  $('circuit-live').onclick = live;
  $('circuit-moment').oninput = (e) => go(+e.target.value);
}

/** A new live payload (Ev.CIRCUIT). */
export function updateCircuit(frame) {
  state.live = frame;
  if (!state.demo) draw(frame.layers, frame.now, frame.bundles, scaleOf([frame.now, ...frame.history]));
}

/** A replay arrived (Ev.DEMO): show its first moment. */
export function showDemo(demo) {
  state.demo = demo;
  state.demoScale = scaleOf(demo.moments.map((m) => m.snap));
  const r = $('circuit-moment');
  r.max = String(demo.moments.length - 1);
  for (const id of ['circuit-back', 'circuit-next', 'circuit-play', 'circuit-live', 'circuit-moment']) $(id).disabled = false;
  go(0);
}

/** Reset by a new run: back to the live view. */
export function resetCircuit() {
  state.live = null;
  live();
}

function explain() {
  state.post({ cmd: Cmd.DEMO, index: state.demoIndex++ });
  $('circuit-caption').textContent = 'Replaying a validation pattern from the current state…';
}

function live() {
  stopPlay();
  state.demo = null;
  for (const id of ['circuit-back', 'circuit-next', 'circuit-play', 'circuit-live', 'circuit-moment']) $(id).disabled = true;
  $('circuit-caption').textContent = '';
  if (state.live) updateCircuit(state.live);
}

function go(i) {
  const d = state.demo;
  if (!d) return;
  state.moment = Math.max(0, Math.min(d.moments.length - 1, i));
  $('circuit-moment').value = String(state.moment);
  const m = d.moments[state.moment];
  draw(d.layers, m.snap, d.bundles, state.demoScale);
  $('circuit-caption').textContent = caption(d, m);
  $('circuit-moment').setAttribute('aria-valuetext', `moment ${state.moment + 1} of ${d.moments.length}, ${n3(m.snap.t_ms)} ms`);
}

function togglePlay() {
  if (state.playing) return stopPlay();
  if (state.moment >= state.demo.moments.length - 1) go(0);
  $('circuit-play').textContent = 'Pause replay';
  state.playing = setInterval(() => {   // 10 moments a second
    if (!state.demo || state.moment >= state.demo.moments.length - 1) return stopPlay();
    go(state.moment + 1);
  }, 100);
}

function stopPlay() {
  clearInterval(state.playing);
  state.playing = null;
  $('circuit-play').textContent = 'Play replay';
}

function caption(d, m) {
  const s = m.snap;
  const va = `mean |v_A| over the hidden neurons ${n3(s.mean_abs_apical)}`;
  const t = `${n3(s.t_ms)} ms`;
  const out = `output u (${s.u.at(-1).map(n3).join(', ')})`;
  if (m.phase === 'arrives') {
    return `1 of 3, ${t}: a new pattern arrives (input ${s.input.map(n3).join(', ')}), no target: ` +
      `the network predicts, ${out}. In the self-predicting state the interneurons cancel the top-down ` +
      `input, so the apical potentials stay near 0: ${va}.`;
  }
  if (m.phase === 'nudged') {
    return `2 of 3, ${t}: the target (${s.target.map(n3).join(', ')}) nudges the output, ${out}; ` +
      `the apical potentials carry the error back: ${va}. Plasticity would now move the weights.`;
  }
  return `3 of 3, ${t}: the target is released; the output returns to its prediction, ${out}, and the ` +
    `apical potentials fall back toward 0: ${va}.`;
}

/** Colour scales per compartment kind: the largest |value| over the snapshots. */
function scaleOf(snaps) {
  const m = { v_b: 1e-6, u: 1e-6, v_a: 1e-6, u_i: 1e-6, input: 1 };
  for (const s of snaps) {
    for (const k of ['v_b', 'u', 'v_a', 'u_i']) for (const row of s[k]) for (const x of row) m[k] = Math.max(m[k], Math.abs(x));
    for (const x of s.target) m.u = Math.max(m.u, Math.abs(x));
  }
  return m;
}

// ---------- drawing ----------

function layout(layers) {
  const L = layers.length;
  const H = 60 + ROW * (L - 1) + 30;
  const pos = layers.map((layer, k) => {
    const y = H - 40 - k * ROW;                       // soma row of layer k (input at the bottom)
    const n = layer.shown.length;
    const right = layer.inter_size ? 440 : 560;       // interneurons at the right
    const xs = layer.shown.map((_, j) => 40 + ((j + 0.5) * (right - 40)) / n);
    const xi = layer.inter_shown.map((_, j) => 480 + ((j + 0.5) * 120) / Math.max(1, layer.inter_shown.length));
    return { y, xs, xi, yi: y - 10 };
  });
  return { H, pos };
}

function build(layers) {
  const svg = $('circuit-svg');
  const { H, pos } = layout(layers);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const lines = $('circuit-lines');
  lines.width = W * SCALE;
  lines.height = H * SCALE;
  state.pos = pos;
  state.bundleKey = '';
  state.nodes = [];
  const L = layers.length - 1;
  layers.forEach((layer, k) => {
    const p = pos[k];
    const name = k === 0 ? 'input' : k === L ? 'output' : `hidden layer ${k}`;
    el('text', { x: 4, y: p.y - (k === 0 ? 14 : 36), class: 'circuit-label' }, svg).textContent =
      `${name}: ${layer.size}` + (layer.inter_size ? ` pyramidal, ${layer.inter_size} interneurons` : '');
    const more = layer.size - layer.shown.length;
    if (more > 0) el('text', { x: k === 0 || !layer.inter_size ? 566 : 446, y: p.y + 30, class: 'circuit-more' }, svg).textContent = `+${more} more`;
    layer.shown.forEach((i, j) => addNode(svg, k, j, i, false, p.xs[j], p.y, k === L));
    layer.inter_shown.forEach((i, j) => addNode(svg, k, j, i, true, p.xi[j], p.yi, false));
    const moreI = layer.inter_size - layer.inter_shown.length;
    if (moreI > 0) el('text', { x: 560, y: p.yi + 24, class: 'circuit-more' }, svg).textContent = `+${moreI} more`;
  });
  state.shape = JSON.stringify(layers);
  const first = state.nodes.find((n) => n.k > 0) || state.nodes[0];
  if (first) first.g.setAttribute('tabindex', '0');
}

function addNode(svg, k, j, index, inter, x, y, output) {
  const g = el('g', { role: 'button', tabindex: '-1', class: 'circuit-neuron' }, svg);
  const parts = {};
  if (k === 0) {
    parts.input = el('rect', { x: x - 8, y: y - 8, width: 16, height: 16 }, g);
  } else if (inter) {
    parts.u_i = el('circle', { cx: x, cy: y, r: 9 }, g);
  } else {
    parts.v_b = el('rect', { x: x - 7, y: y + 12, width: 14, height: 9, rx: 2 }, g);       // basal dendrite
    parts.u = el('path', { d: `M${x - 10},${y + 10} L${x + 10},${y + 10} L${x},${y - 8} Z` }, g); // soma
    if (output) parts.target = el('path', { d: `M${x},${y - 30} l6,6 l-6,6 l-6,-6 Z` }, g);    // target
    else parts.v_a = el('rect', { x: x - 4, y: y - 30, width: 8, height: 20, rx: 2 }, g);    // apical dendrite
  }
  const node = { k, j, index, inter, g, parts };
  g.addEventListener('click', () => select(node));
  g.addEventListener('keydown', (e) => onKey(e, node));
  state.nodes.push(node);
}

function onKey(e, node) {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    select(node);
    return;
  }
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity }[e.key];
  if (step == null) return;
  e.preventDefault();
  const i = state.nodes.indexOf(node);
  const next = state.nodes[Math.max(0, Math.min(state.nodes.length - 1, i + (Number.isFinite(step) ? step : step > 0 ? 1e9 : -1e9)))];
  node.g.setAttribute('tabindex', '-1');
  next.g.setAttribute('tabindex', '0');
  next.g.focus();
}

const who = (layers, n) => {
  const L = layers.length - 1;
  const layer = n.k === 0 ? 'input' : n.k === L ? 'output' : `hidden layer ${n.k}`;
  return `${layer} ${n.inter ? 'interneuron' : n.k === 0 ? 'rate' : 'neuron'} ${n.index + 1}`;
};

function values(snap, n) {
  if (n.k === 0) return { rate: snap.input[n.j] };
  if (n.inter) return { 'u^I': snap.u_i[n.k - 1][n.j] };
  const v = { v_B: snap.v_b[n.k - 1][n.j], u: snap.u[n.k - 1][n.j] };
  if (snap.v_a[n.k - 1].length) v.v_A = snap.v_a[n.k - 1][n.j];
  else v.target = snap.target[n.j];
  return v;
}

function draw(layers, snap, bundles, scale) {
  if (JSON.stringify(layers) !== state.shape) build(layers);
  for (const n of state.nodes) {
    const p = n.parts;
    if (p.input) p.input.setAttribute('fill', colour(snap.input[n.j], 1));
    if (p.u_i) p.u_i.setAttribute('fill', colour(snap.u_i[n.k - 1][n.j], scale.u_i));
    if (p.v_b) p.v_b.setAttribute('fill', colour(snap.v_b[n.k - 1][n.j], scale.v_b));
    if (p.u) p.u.setAttribute('fill', colour(snap.u[n.k - 1][n.j], scale.u));
    if (p.v_a) p.v_a.setAttribute('fill', colour(snap.v_a[n.k - 1][n.j], scale.v_a));
    if (p.target) p.target.setAttribute('fill', colour(snap.target[n.j], scale.u));
    const v = values(snap, n);
    n.g.setAttribute('aria-label', `${who(layers, n)}: ` + Object.entries(v).map(([k, x]) => `${k} ${n3(x)}`).join(', '));
    n.g.setAttribute('aria-pressed', String(state.selected?.k === n.k && state.selected?.j === n.j && state.selected?.inter === n.inter));
  }
  drawBundles(layers, bundles);
  state.layers = layers;
  state.snap = snap;
  summary(layers, snap, bundles, scale);
  if (state.selected) detail();
  state.frames++;
  $('circuit-svg').dataset.frames = String(state.frames);
}

// The bundles go on a canvas under the SVG: restyling ~200 SVG paths ten times a
// second cost the main thread 50–90 ms tasks under load, a canvas ~1 ms.
const SCALE = 2; // canvas pixels per viewBox unit
function drawBundles(layers, bundles) {
  const canvas = $('circuit-lines');
  const pos = state.pos;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.globalAlpha = 0.45;
  for (const b of bundles) {
    const k = b.layer;
    const p = pos[k];
    // (x, y) of pre neuron c and post neuron r, per family.
    const ends = {
      up: (r, c) => [pos[k - 1].xs[c], pos[k - 1].y - 8, p.xs[r], p.y + 21],
      down: (r, c) => [pos[k + 1].xs[c], pos[k + 1].y + 10, p.xs[r], p.y - 30],
      ip: (r, c) => [p.xs[c], p.y + 2, p.xi[r], p.yi + 9],
      pi: (r, c) => [p.xi[c], p.yi - 9, p.xs[r], p.y - 26],
    }[b.projection];
    const bend = b.projection === 'down' ? -18 : b.projection === 'pi' ? -14 : 0;
    ctx.setLineDash(FAMILY[b.projection].dash ? FAMILY[b.projection].dash.split(' ').map(Number) : []);
    const max = b.max_abs || 1;
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.cols; c++) {
        const w = b.w[r * b.cols + c];
        const [x1, y1, x2, y2] = ends(r, c);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.quadraticCurveTo((x1 + x2) / 2 + bend, (y1 + y2) / 2, x2, y2);
        ctx.strokeStyle = w >= 0 ? POS : NEG;
        ctx.lineWidth = 0.2 + 2.3 * Math.abs(w) / max;
        ctx.stroke();
      }
    }
  }
  state.lineCount = bundles.reduce((n, b) => n + b.rows * b.cols, 0);
}

function summary(layers, snap, bundles, scale) {
  const L = layers.length - 1;
  const shownText = layers.slice(1).map((l, i) => `${i + 1 === L ? 'output' : `hidden layer ${i + 1}`} ${l.shown.length} of ${l.size}`).join(', ');
  const w = bundles.map((b) => `${FAMILY[b.projection].name}_${b.layer} mean ${n3(b.mean)}, mean |w| ${n3(b.mean_abs)}`).join('; ');
  $('circuit-summary').textContent = `After ${snap.pattern.toLocaleString('en')} patterns: input rates ` +
    `(${snap.input.map(n3).join(', ')}); output u (${snap.u[L - 1].map(n3).join(', ')}), target ` +
    `(${snap.target.map(n3).join(', ')}); mean |v_A| over the hidden neurons ${n3(snap.mean_abs_apical)}. ` +
    `Shown: ${shownText}. Weights: ${w}. Colour scales: v_B ±${n3(scale.v_b)}, u ±${n3(scale.u)}, v_A ±${n3(scale.v_a)}` +
    (scale.u_i > 1e-6 ? `, u^I ±${n3(scale.u_i)}` : '') + '.';
}

function select(node) {
  state.selected = { k: node.k, j: node.j, inter: node.inter, index: node.index };
  for (const n of state.nodes) n.g.setAttribute('aria-pressed', String(n === node));
  detail();
}

// The selected neuron's potentials over the last patterns (or the replay's moments).
function detail() {
  const n = state.selected;
  const box = $('circuit-detail');
  if (!n || !state.layers) return;
  box.hidden = false;
  const snaps = state.demo ? state.demo.moments.map((m) => m.snap) : (state.live?.history ?? []);
  const series = {};
  for (const s of snaps) for (const [k, v] of Object.entries(values(s, n))) (series[k] ??= []).push(v);
  $('circuit-detail-title').textContent = `${who(state.layers, n)}: ` + (state.demo
    ? `the replay's ${snaps.length} moments` : `the end of each of the last ${snaps.length} patterns`);
  const svg = $('circuit-detail-svg');
  svg.replaceChildren();
  const all = Object.values(series).flat();
  const lo = Math.min(0, ...all), hi = Math.max(1e-6, ...all);
  const X = (i) => 40 + (i * 380) / Math.max(1, snaps.length - 1), Y = (v) => 100 - ((v - lo) * 90) / (hi - lo || 1);
  el('line', { x1: 40, x2: 420, y1: Y(0), y2: Y(0), stroke: '#999' }, svg);
  el('text', { x: 2, y: Y(hi) + 4, class: 'circuit-more' }, svg).textContent = n3(hi);
  el('text', { x: 2, y: Y(lo), class: 'circuit-more' }, svg).textContent = n3(lo);
  const COL = { v_B: '#009e73', u: '#000', v_A: '#cc79a7', target: '#e69f00', 'u^I': '#000', rate: '#000' };
  const legend = [];
  for (const [k, v] of Object.entries(series)) {
    el('polyline', { points: v.map((x, i) => `${X(i)},${Y(x)}`).join(' '), fill: 'none', stroke: COL[k], 'stroke-width': 1.5 }, svg);
    legend.push(`${k} (${COL[k] === '#000' ? 'black' : { '#009e73': 'green', '#cc79a7': 'pink', '#e69f00': 'orange' }[COL[k]]}): latest ${n3(v.at(-1))}`);
  }
  $('circuit-detail-text').textContent = legend.join('; ') + '.';
}
