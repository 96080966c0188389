// "Load data (CSV)": a file of two-dimensional points the run trains on instead of
// the task's own (src/data/points.rs parses it, splits it with the run's seed and
// refuses a bad file with the line and column). The file stays in this tab: the
// address records only `data=custom`. A refused file leaves the current run as it was.

import { Cmd } from './protocol.js';

const $ = (id) => document.getElementById(id);
let ctx = null;
let pending = null;      // {name, bytes}: a file sent to the worker, not yet accepted
let current = null;      // {name, bytes}: the file the current run trains on

/** `c`: {post(cmd), config(), running(), limits(), message(parts, kind, id, box), bdi(text, max)}. */
export function initData(c) {
  ctx = c;
  $('load-data').onchange = onFile;
}

const box = () => $('data-message');

async function onFile(e) {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  box().replaceChildren();
  const limit = ctx.limits().data_bytes;
  if (file.size > limit) {
    ctx.message(['Data refused: ', ctx.bdi(file.name, 80), ` is ${file.size.toLocaleString('en')} bytes, ` +
      `more than the limit of ${limit.toLocaleString('en')} bytes.`], 'error', 'data', box());
    return;
  }
  pending = { name: file.name, bytes: await file.arrayBuffer() };
  ctx.post({ cmd: Cmd.INIT, config: ctx.config(), data: pending.bytes, play: ctx.running() });
}

/** The bytes a run of `config` needs (undefined without `data=custom`). */
export const dataFor = (config) => (config.data ? current?.bytes : undefined);

/** A run was installed (Ev.READY). */
export function onDataReady(m) {
  if (!m.config.data) {
    current = null;
    return;
  }
  if (!pending) return; // the same file again (reset, undo, a restarted worker)
  current = pending;
  pending = null;
  const k = m.config.params.layers.at(-1);
  const per = m.progress.total_patterns / Math.max(1, m.progress.epochs);
  box().replaceChildren();
  ctx.message(['Training on ', ctx.bdi(current.name, 80), `: ${k} classes, ${per.toLocaleString('en')} training ` +
    `points per epoch (80/10/10 split with seed ${m.config.seed}); the decision regions cover the data's bounding box.`],
  'notice', 'data', box());
}

/** The worker refused the file (Ev.ERROR, op data): said next to the control. */
export function onDataRefused(m, clean) {
  const name = pending?.name ?? '';
  pending = null;
  box().replaceChildren();
  ctx.message(['Data refused: ', ctx.bdi(name, 80), `: ${clean(m.message, 400)} The current run goes on.`], 'error', 'data', box());
}

/** A link made with data of its own names no file: the page says so and runs the
 *  preset's task until the visitor loads one. Returns the configuration to run. */
export function linkWithoutFile(config) {
  if (!config.data) return config;
  ctx.message('This link was made with a data set of its own (a CSV file, which stays on its author\'s ' +
    'computer): load it with "Load data (CSV)". Until then the preset\'s task runs.', 'notice', 'data', box());
  return { ...config, data: undefined };
}
