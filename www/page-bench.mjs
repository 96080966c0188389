// The page's training speed against the bare engine's (issue 17): opens the page
// with PyraLNet on Yin-Yang, charts, validations and decision regions live, and
// counts the patterns it trains per second over windows; between windows it pauses
// the page and times the bare engine in the same browser (the `bench` binding: the
// CLI's workload, training only). Prints the medians, their ratio, the full run's
// time in a tab (45 epochs × 6000 patterns at the page's median) and the machine's
// load. It warns, and does not fail, below the 90 % target or when the machine is
// loaded (1-minute load average above the number of cores): other work on the
// machine slows the page's two workers more than the single bare run.
//
// Usage: node www/page-bench.mjs [windows] [seconds per window]   (defaults 5, 4)
//   (needs www/pkg: scripts/serve --build-only)

import os from 'node:os';
import { start } from './browser.mjs';

const WINDOWS = Math.max(1, +(process.argv[2] || 5));
const WINDOW_S = Math.max(1, +(process.argv[3] || 4));
const BARE_PATTERNS = 300;   // ~0.35 s of the bare engine per window
const TARGET = 0.9;
const FULL_RUN = 45 * 6000;  // patterns of the seed's 45-epoch Yin-Yang run

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const load0 = os.loadavg()[0];
const { base, browser, stop } = await start();
const pageRates = [];
const bareRates = [];
let live;
try {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1400 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '#preset=yin_yang&engine=pyralnet&seed=1&autoplay=1');
  // Warm: the first validations and regions are in, the hot code has tiered up.
  await page.waitForFunction(() => window.__app?.progress?.patterns >= 300 && window.__app.timing.regions,
    null, { timeout: 60000 });

  const bare = await browser.newPage();
  await bare.goto(base + 'bench.html');
  await bare.evaluate(async () => {
    window.m = await import('./pkg/microcircuit.js');
    await window.m.default();
    window.m.bench('pyralnet', 'yin_yang', 20, 1); // warm-up
  });

  const setRunning = (on) => page.evaluate(async (on) => {
    if (window.__app.running !== on) document.getElementById('play').click();
    while (window.__app.running !== on) await new Promise((ok) => setTimeout(ok, 10));
  }, on);

  for (let i = 0; i < WINDOWS; i++) {
    await setRunning(true);
    // Patterns per second over the window, after half a second to get going again.
    const rate = await page.evaluate(async (ms) => {
      const wait = (t) => new Promise((ok) => setTimeout(ok, t));
      await wait(500);
      const [t0, p0] = [performance.now(), window.__app.progress.patterns];
      await wait(ms);
      const [t1, p1] = [performance.now(), window.__app.progress.patterns];
      return (1000 * (p1 - p0)) / (t1 - t0);
    }, WINDOW_S * 1000);
    pageRates.push(rate);
    await setRunning(false);
    const b = await bare.evaluate((n) => window.m.bench('pyralnet', 'yin_yang', n, 1), BARE_PATTERNS);
    bareRates.push(1e6 / b.us_per_pattern);
  }
  // What was live meanwhile: validations recorded, regions drawn, charts drawn.
  live = await page.evaluate(() => ({
    validations: window.__app.frame?.curves.points.length ?? 0,
    regions_drawn: +document.getElementById('regions').dataset.drawn || 0,
    potentials_redraws: window.__app.draws,
  }));
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await context.close();
} finally {
  await stop();
}

const pageRate = median(pageRates);
const bareRate = median(bareRates);
const ratio = pageRate / bareRate;
const load1 = os.loadavg()[0];
const cpus = os.cpus().length;
const result = {
  workload: `the page, PyraLNet yin_yang (4-120-3) seed 1, ${WINDOWS} windows of ${WINDOW_S} s; ` +
    `bare engine: bench binding, ${BARE_PATTERNS} patterns between windows`,
  page_patterns_per_s: +pageRate.toFixed(1),
  page_windows: pageRates.map((r) => +r.toFixed(1)),
  wasm_bare_patterns_per_s: +bareRate.toFixed(1),
  wasm_bare_runs: bareRates.map((r) => +r.toFixed(1)),
  page_over_bare: +ratio.toFixed(3),
  full_run_minutes: +(FULL_RUN / pageRate / 60).toFixed(2),
  live,
  loadavg_1min: [+load0.toFixed(2), +load1.toFixed(2)],
  cpus,
};
console.log(JSON.stringify(result, null, 2));
if (Math.max(load0, load1) > cpus) {
  console.error(`WARNING: the machine is loaded (1-minute load average ${Math.max(load0, load1).toFixed(2)} > ${cpus} cores): the figures are low`);
}
if (ratio < TARGET) {
  console.error(`WARNING: the page trains at ${(100 * ratio).toFixed(0)} % of the bare engine's speed, below the ${100 * TARGET} % target`);
} else {
  console.log(`page / bare engine = ${ratio.toFixed(2)} >= ${TARGET}: within the target`);
}
