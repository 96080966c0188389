// Soak benchmark: trains in headless Chromium (Debian's, via playwright-core) for a
// given time and samples, after a forced garbage collection, the JS heap of the page
// and of the simulation worker (Chrome DevTools Protocol, Runtime.getHeapUsage) and
// the worker's wasm memory (memory.buffer.byteLength, which only grows). Prints the
// samples and the figures at warm-up and at the end, and checks that memory stays
// flat after warm-up:
// Warm-up lasts until the validation history has been thinned once (its largest size).
//   - wasm memory grows by at most WASM_SLACK (steady growth fails). The largest
//     single allocation is the autosave's checkpoint JSON, ~0.7 MB at the history's
//     cap (reserved at its length, src/train/checkpoint.rs); its first time at the
//     cap can fall after warm-up on a slow machine, hence 1 MiB rather than 0,
//   - each JS heap grows by at most HEAP_SLACK_FRAC of its warm-up size + HEAP_SLACK.
// Exit status 1 when a check fails.
//
// Usage: node www/soak.mjs [seconds=600] [hash]
//   default hash: Yin-Yang with SteadNet, validating every 20 patterns, 100 000
//   epochs (the run never ends), so the validation history passes its cap
//   (src/app/mod.rs MAX_HISTORY) and is thinned many times; decision regions, curves,
//   potentials and the SPS trace are drawn throughout, as in a tab left training.
//   scripts/test runs a 75 s version.

import { start } from './browser.mjs';

const seconds = Number(process.argv[2] || 600);
const hash = process.argv[3] || '#preset=yin_yang&engine=steadnet&seed=1&epochs=100000&val_every=20';
const WARMUP_FRAC = 0.25;            // of the duration, at least 20 s
const SAMPLES = 12;                  // samples after warm-up
const WASM_SLACK = 1 << 20;          // bytes
const HEAP_SLACK = 2 << 20;          // bytes
const HEAP_SLACK_FRAC = 0.25;

const { base, browser, stop } = await start();
const context = await browser.newContext({ viewport: { width: 1300, height: 1400 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));

// The worker's heap: attach to it (non-flat session) through the page's CDP session
// and send it messages wrapped in Target.sendMessageToTarget.
const cdp = await context.newCDPSession(page);
let workerSession = null;
let nextId = 1;
const pending = new Map();
cdp.on('Target.attachedToTarget', (e) => {
  if (e.targetInfo.type === 'worker') workerSession = e.sessionId;
});
cdp.on('Target.receivedMessageFromTarget', (e) => {
  const m = JSON.parse(e.message);
  if (m.id && pending.has(m.id)) {
    pending.get(m.id)(m);
    pending.delete(m.id);
  }
});
function toWorker(method, params = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(`${method}: no answer`)); }, 30000);
    pending.set(id, (m) => { clearTimeout(timer); m.error ? reject(new Error(m.error.message)) : resolve(m.result); });
    cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id, method, params }) })
      .catch(reject);
  });
}
await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });

await page.goto(base + hash);
await page.waitForFunction(() => window.__app?.progress?.patterns > 0, null, { timeout: 60000 });
if (!(await page.evaluate(() => window.__app.running))) await page.click('#play');

async function sample(t0) {
  await cdp.send('HeapProfiler.collectGarbage');
  const main = await cdp.send('Runtime.getHeapUsage');
  let worker = null;
  if (workerSession) {
    try {
      await toWorker('HeapProfiler.collectGarbage');
      worker = (await toWorker('Runtime.getHeapUsage')).usedSize;
    } catch (e) {
      worker = null;
    }
  }
  const s = await page.evaluate(() => new Promise((resolve) => {
    const app = window.__app;
    const prev = app.stats;
    app.worker.postMessage({ cmd: 'stats' });
    const t = setInterval(() => {
      if (app.stats !== prev) {
        clearInterval(t);
        resolve({ wasm: app.stats.wasmBytes, patterns: app.progress.patterns,
          history: app.frame?.curves.points.length ?? 0, running: app.running });
      }
    }, 20);
  }));
  return { t: (performance.now() - t0) / 1000, mainHeap: main.usedSize, workerHeap: worker, ...s };
}

const MB = (b) => (b == null ? '   n/a' : (b / 1048576).toFixed(2).padStart(6));
const row = (s) => console.log(`${s.t.toFixed(0).padStart(5)} s  ${String(s.patterns).padStart(9)} patterns  ` +
  `history ${String(s.history).padStart(4)}  main heap ${MB(s.mainHeap)} MB  worker heap ${MB(s.workerHeap)} MB  ` +
  `wasm ${MB(s.wasm)} MB`);

const t0 = performance.now();
const warmup = Math.max(20, seconds * WARMUP_FRAC);
console.log(`soak: ${seconds} s of ${hash} (warm-up ${warmup.toFixed(0)} s)`);
const first = await sample(t0);
row(first);
await page.waitForTimeout(Math.max(0, warmup * 1000 - (performance.now() - t0)));
let warm = await sample(t0);
row(warm);
// The steady state includes the largest validation history: warm-up lasts until the
// history has passed its cap and been thinned once (it falls by more than a quarter
// between samples), so that a slower machine's first thinning does not count as
// growth. At most half the run.
for (let prev = first; warm.history >= 0.75 * prev.history && warm.t < seconds / 2;) {
  await page.waitForTimeout(2000);
  [prev, warm] = [warm, await sample(t0)];
  row(warm);
}
const settled = warm.t;
console.log(`warm-up ends at ${settled.toFixed(0)} s`);
const samples = [warm];
for (let i = 1; i <= SAMPLES; i++) {
  const at = settled + ((seconds - settled) * i) / SAMPLES;
  await page.waitForTimeout(Math.max(0, at * 1000 - (performance.now() - t0)));
  const s = await sample(t0);
  row(s);
  samples.push(s);
}
const end = samples.at(-1);
const messages = await page.textContent('#messages');
await stop();

const failures = [];
if (!end.running) failures.push(`the run stopped: ${messages}`);
if (end.patterns <= warm.patterns) failures.push('no training after warm-up');
if (errors.length) failures.push(`page errors: ${errors.join('; ')}`);
const wasmGrowth = end.wasm - warm.wasm;
if (wasmGrowth > WASM_SLACK) failures.push(`wasm memory grew by ${wasmGrowth} bytes after warm-up`);
for (const [name, key] of [['main-thread', 'mainHeap'], ['worker', 'workerHeap']]) {
  if (warm[key] == null || end[key] == null) continue;
  // The median of the last third against the warm-up sample: one GC-timing outlier
  // at the very end does not decide.
  const tail = samples.slice(-Math.max(1, Math.floor(SAMPLES / 3))).map((s) => s[key]).sort((a, b) => a - b);
  const median = tail[Math.floor(tail.length / 2)];
  const allowed = warm[key] * HEAP_SLACK_FRAC + HEAP_SLACK;
  if (median - warm[key] > allowed) failures.push(`${name} heap grew by ${median - warm[key]} bytes (allowed ${allowed.toFixed(0)})`);
}
const rate = (end.patterns - first.patterns) / (end.t - first.t);
console.log(`start: main heap ${MB(first.mainHeap)} MB, worker heap ${MB(first.workerHeap)} MB, wasm ${MB(first.wasm)} MB`);
console.log(`warm:  main heap ${MB(warm.mainHeap)} MB, worker heap ${MB(warm.workerHeap)} MB, wasm ${MB(warm.wasm)} MB`);
console.log(`end:   main heap ${MB(end.mainHeap)} MB, worker heap ${MB(end.workerHeap)} MB, wasm ${MB(end.wasm)} MB ` +
  `after ${end.patterns} patterns (${rate.toFixed(0)} patterns/s), ${end.history} validation points kept`);
if (failures.length) {
  console.log(`soak: FAILED\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('soak: memory flat after warm-up');
