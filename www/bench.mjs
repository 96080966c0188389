// Browser vs native: times the CLI's `bench` workload (PyraLNet, Yin-Yang preset)
// natively (`microcircuit bench`) and in headless Chromium (the wasm build, the
// `bench` binding), best of several runs each, and prints both with their ratio;
// then the wasm file size and the page's load time. Natively it times both copies
// of the kernels (src/model/simd.rs): the ratio compares the browser with the
// baseline copy, four lanes like wasm SIMD, so it measures what wasm costs rather
// than what AVX2 gains; the AVX2 copy's figure and ratio are printed beside it.
// Above issue 17's target of 1.25 it warns; above 1.5 (the first target) it warns
// and fails with MICROCIRCUIT_BENCH_STRICT=1. The measured ratio, 1.20–1.26 on this
// 2-core machine, is too close to 1.25 for a hard limit on a shared one.
//
// Usage: node www/bench.mjs [path/to/native/microcircuit]
//   (default: $CARGO_TARGET_DIR or target, /release/microcircuit; build it with
//    `cargo build --release` first)

import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { start } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR || join(here, '..', 'target');
const native = resolve(process.argv[2] || join(targetDir, 'release', 'microcircuit'));
const PATTERNS = 40;   // 40 000 Euler steps per run
const RUNS = 5;        // alternating native and browser runs; the best of each counts
const TARGET = 1.25;
const LIMIT = 1.5;

const best = (runs) => runs.reduce((a, b) => (b.us_per_step < a.us_per_step ? b : a));

function nativeRun(simd) {
  const out = execFileSync(native, ['bench', '--engine', 'pyralnet', '--preset', 'yin_yang',
    '--patterns', String(PATTERNS), '--seed', '1', '--simd', simd], { stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString());
}

const { base, browser, stop } = await start();
const nativeRuns = [];
const autoRuns = [];
const wasmRuns = [];
let load;
try {
  const page = await browser.newPage();
  await page.goto(base + 'bench.html');
  await page.evaluate(async () => {
    window.m = await import('./pkg/microcircuit.js');
    await window.m.default();
    window.m.bench('pyralnet', 'yin_yang', 5, 1); // warm-up: tier-up of the hot code
  });
  // Alternate, so that load from elsewhere on the machine hits both alike.
  for (let i = 0; i < RUNS; i++) {
    nativeRuns.push(nativeRun('baseline'));
    autoRuns.push(nativeRun('auto'));
    wasmRuns.push(await page.evaluate((n) => window.m.bench('pyralnet', 'yin_yang', n, 1), PATTERNS));
  }
  await page.close();

  // Page load: a fresh context (no cache), the default Yin-Yang page, paused.
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const app = await context.newPage();
  await app.goto(base + '#preset=yin_yang&seed=1');
  await app.waitForFunction(() => window.__app?.timing.regions && window.__app.timing.frame, null, { timeout: 60000 });
  load = await app.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
      load_event_ms: Math.round(nav.loadEventEnd),
      worker_ready_ms: Math.round(window.__app.timing.ready),
      first_charts_ms: Math.round(window.__app.timing.frame),
      first_regions_ms: Math.round(window.__app.timing.regions),
      startup_long_tasks_ms: window.__app.longTasks.map((t) => Math.round(t.duration)),
    };
  });
  await context.close();
} finally {
  await stop();
}

const n = best(nativeRuns);
const a = best(autoRuns);
const w = best(wasmRuns);
const ratio = w.us_per_step / n.us_per_step;
const wasmFile = join(here, 'pkg', 'microcircuit_bg.wasm');
const bytes = readFileSync(wasmFile);
const result = {
  workload: `PyraLNet, preset yin_yang (4-120-3), ${PATTERNS} patterns = ${PATTERNS * 1000} Euler steps, best of ${RUNS}`,
  native_us_per_step: +n.us_per_step.toFixed(3),
  native_simd: n.simd,
  native_auto_us_per_step: +a.us_per_step.toFixed(3),
  native_auto_simd: a.simd,
  wasm_chromium_us_per_step: +w.us_per_step.toFixed(3),
  ratio: +ratio.toFixed(3),
  ratio_to_auto: +(w.us_per_step / a.us_per_step).toFixed(3),
  wasm_bytes: statSync(wasmFile).size,
  wasm_gzip_bytes: gzipSync(bytes).length,
  page_load: load,
};
console.log(JSON.stringify(result, null, 2));
if (ratio > LIMIT) {
  console.error(`WARNING: browser/native = ${ratio.toFixed(3)} > ${LIMIT} (the first target)`);
  if (process.env.MICROCIRCUIT_BENCH_STRICT === '1') process.exit(1);
} else if (ratio > TARGET) {
  console.error(`WARNING: browser/native = ${ratio.toFixed(3)} > ${TARGET} (issue 17's target), <= ${LIMIT}`);
} else {
  console.log(`browser/native = ${ratio.toFixed(3)} <= ${TARGET}: within the target`);
}
