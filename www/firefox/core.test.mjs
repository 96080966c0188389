// The page's core path in Firefox (Debian's firefox-esr, headless, driven over
// WebDriver BiDi by puppeteer-core; no browser download): load and train, the
// determinism checksum (the same weights as native and as Chromium), an embed, a
// refused import that keeps the run going. Run by scripts/test after the Chromium
// tests (tests/); needs www/pkg (scripts/serve --build-only).
//
// MICROCIRCUIT_NATIVE_CHECKSUMS (`name=checksum;...`, written by `cargo test --test
// wasm` to target/tmp/native-checksums.txt) adds the comparison with native runs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { start } from '../browser.mjs';

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

// Short runs of tests/wasm.rs's cases (name, preset, engine, patterns, noise).
const CASES = [
  ['yin_yang-pyralnet', 'yin_yang', 'pyralnet', 3, null],
  ['yin_yang_random_init-steadnet', 'yin_yang_random_init', 'steadnet', 300, null],
  ['mimic-pyralnet-noise', 'mimic', 'pyralnet', 20, 0.05],
];

let env, base, firefox, dir;

before(async () => {
  env = await start(); // the server and Chromium
  base = env.base;
  firefox = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    // The window's own size: ESR 140's BiDi has no screen-orientation override,
    // which puppeteer's viewport emulation calls.
    defaultViewport: null,
    args: ['--width=1300', '--height=1400'],
    // No updates, telemetry or safe-browsing look-ups: this machine's network is closed.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'datareporting.healthreport.uploadEnabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'microcircuit-ff-'));
});

after(async () => {
  await firefox?.close();
  await env?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(hash) {
  const page = await firefox.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + hash);
  await until(page, () => window.__app?.progress, { timeout: 30000 });
  return { page, errors };
}

/** Polls `fn(arg)` in the page until it is truthy. (puppeteer's waitForFunction
 *  builds its predicate with Function(), which the page's CSP refuses; evaluate
 *  goes through BiDi's script.callFunction, which the CSP does not govern.) */
async function until(page, fn, { timeout = 30000 } = {}, arg) {
  const t0 = Date.now();
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const waitPatterns = (page, n, timeout = 60000) =>
  until(page, (n) => window.__app.progress?.patterns >= n, { timeout }, n);

/** The weights checksums of CASES, computed in the page with the app's module. */
function checksums(cases) {
  return (async () => {
    const m = await import('./pkg/microcircuit.js');
    await m.default();
    const out = {};
    for (const [name, preset, engine, n, noise] of cases) {
      const c = structuredClone(m.presets().find((p) => p.name === preset).config);
      c.engine = engine;
      c.seed = 20240601;
      c.val_every = 1000000;
      if (noise != null) c.params.noise = noise;
      const sim = new m.Sim(c);
      const r = sim.advance(n, 1e12);
      if (r.trained !== n) throw new Error(`${name}: trained ${r.trained} of ${n}`);
      out[name] = sim.checksum();
      sim.free();
    }
    return out;
  })();
}

test('Firefox: loads, trains, draws, announces the accuracy', { timeout: 120000 }, async () => {
  const t0 = Date.now();
  const { page, errors } = await open('#preset=yin_yang&engine=steadnet&seed=3');
  await waitPatterns(page, 300);
  await until(page, () => +document.getElementById('regions').dataset.drawn >= 1, { timeout: 60000 });
  await until(page, () => window.__app.timing.frame, { timeout: 30000 });
  await until(page, () => /validation accuracy [\d.]+ %/.test(document.getElementById('announce').textContent),
    { timeout: 60000 });
  const st = await page.evaluate(() => ({ status: document.getElementById('status').textContent, rate: window.__app.progress.perSec }));
  assert.match(st.status, /Epoch \d+\/45 · [\d,]+\/270,000 patterns/);
  console.log(`firefox: trained to ${st.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Firefox: the same weights as native and as Chromium (determinism checksums)', { timeout: 120000 }, async () => {
  const { page } = await open('#preset=mimic&seed=1');
  const ff = await page.evaluate(checksums, CASES);
  await page.close();
  const context = await env.browser.newContext();
  const cr = await context.newPage();
  await cr.goto(base + '#preset=mimic&seed=1');
  await cr.waitForFunction(() => window.__app?.progress);
  const chromium = await cr.evaluate(checksums, CASES);
  await context.close();
  assert.deepEqual(ff, chromium, 'Firefox and Chromium');
  const native = process.env.MICROCIRCUIT_NATIVE_CHECKSUMS;
  if (native) {
    const want = Object.fromEntries(native.split(';').map((kv) => kv.split('=')));
    for (const [name] of CASES) assert.equal(ff[name], want[name], `${name}: Firefox vs native`);
  }
  console.log(`firefox checksums ${JSON.stringify(ff)}${native ? ' = native' : ' (no native checksums given)'} = chromium`);
});

test('Firefox: an embed shows the controls and plots only, and trains', { timeout: 90000 }, async () => {
  const { page, errors } = await open('#preset=mimic&seed=9&embed=1');
  await waitPatterns(page, 50);
  const shown = await page.evaluate(() => {
    const visible = (sel) => { const e = document.querySelector(sel); return !!e && e.getClientRects().length > 0; };
    return { header: visible('header'), params: visible('#params-section'), play: visible('#play'), curves: visible('#curves') };
  });
  assert.deepEqual(shown, { header: false, params: false, play: true, curves: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Firefox: a refused import is said next to Import and the run goes on', { timeout: 90000 }, async () => {
  const { page, errors } = await open('#preset=yin_yang&engine=steadnet&seed=6');
  await waitPatterns(page, 100);
  const file = join(dir, 'bad.json');
  await writeFile(file, '{"format": "something-else"}');
  const input = await page.$('#import');
  await input.uploadFile(file);
  await until(page, () => /Checkpoint refused/.test(document.getElementById('import-message').textContent),
    { timeout: 30000 });
  assert.match(await page.evaluate(() => document.getElementById('import-message').textContent),
    /Checkpoint refused: malformed checkpoint: format "something-else", expected "microcircuit-checkpoint"/);
  const p = await page.evaluate(() => window.__app.progress.patterns);
  await until(page, (n) => window.__app.progress.patterns > n + 100, { timeout: 30000 }, p);
  assert.equal(await page.evaluate(() => window.__app.running), true);
  assert.deepEqual(errors, []);
  await page.close();
});
