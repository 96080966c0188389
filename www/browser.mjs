// The app's static server on a free port and Debian's Chromium, for the end-to-end
// tests, the benchmark and the soak run. Chromium comes from the system (never a
// download); without the background-networking flags it keeps trying to reach
// Google's hosts, which this machine's closed network refuses.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { before, after } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { server } from './serve.mjs';

/** The repository's root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The command-line runner: MICROCIRCUIT_CLI, a built one, or built now. */
export function cliPath() {
  if (process.env.MICROCIRCUIT_CLI) return process.env.MICROCIRCUIT_CLI;
  const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: ROOT }));
  for (const p of ['release', 'debug']) {
    const bin = join(meta.target_directory, p, 'microcircuit');
    if (existsSync(bin)) return bin;
  }
  execFileSync('cargo', ['build', '--release', '--bin', 'microcircuit'], { cwd: ROOT, stdio: 'inherit' });
  return join(meta.target_directory, 'release', 'microcircuit');
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'];

/** Starts both; `stop()` closes the browser and the server. */
export async function start() {
  const srv = server();
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${srv.address().port}/`;
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  } catch (e) {
    srv.close();
    throw e;
  }
  return {
    base,
    browser,
    async stop() {
      await browser.close();
      srv.close();
    },
  };
}

/** One browser and server for a test file: `before` starts them, `after` stops
 * them; the returned object then has `base` and `browser`. */
export function useBrowser() {
  const env = {};
  before(async () => Object.assign(env, await start()));
  after(async () => { await env.stop?.(); });
  return env;
}

/** Fraction of non-white pixels of a canvas. */
export function inked(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) ink++;
    return ink / (d.length / 4);
  }, id);
}

/** `inked`, polled until it exceeds `min` or `timeout` ms pass: charts are drawn
 * when their data arrives, a frame or two after the run's first progress. */
export async function waitInked(page, id, min, timeout = 10000) {
  const t0 = Date.now();
  let ink = await inked(page, id);
  while (ink <= min && Date.now() - t0 < timeout) {
    await new Promise((ok) => setTimeout(ok, 100));
    ink = await inked(page, id);
  }
  return ink;
}

/** A fresh page of `browser` at `base + hash` (a new context with `options`),
 *  collecting page errors; waits until the page shows progress. */
export async function openPage(browser, base, hash = '', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1400 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + hash);
  await page.waitForFunction(() => window.__app?.progress);
  return { page, context, errors };
}

/** The page's progress (patterns, epoch, …), as the page holds it. */
export const progress = (page) => page.evaluate(() => window.__app.progress);

/** Waits until the page has trained at least `n` patterns. */
export async function waitPatterns(page, n, timeout = 30000) {
  await page.waitForFunction((n) => window.__app.progress?.patterns >= n, n, { timeout });
}
