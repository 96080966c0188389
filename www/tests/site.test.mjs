// The built site (scripts/build-site -> target/site/) served from a sub-path by a
// plain static server that is not the project's own (Python's http.server): it
// trains there with no console or CSP error, and after the first visit it works
// offline (its service worker).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, symlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM, ARGS } from '../browser.mjs';

const SITE = fileURLToPath(new URL('../../target/site/', import.meta.url));
let py, browser, base;

const freePort = () => new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

before(async () => {
  await stat(join(SITE, 'sw.js')).catch(() => { throw new Error('no target/site: run scripts/build-site first'); });
  const root = await mkdtemp(join(tmpdir(), 'microcircuit-site-'));
  await mkdir(join(root, 'course'));
  await symlink(SITE, join(root, 'course', 'microcircuit'));
  const port = await freePort();
  py = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}/course/microcircuit/`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(base).then((r) => r.ok, () => false)) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  py?.kill();
});

test('the site trains from a sub-path of a plain static server, then offline', { timeout: 120000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}#preset=yin_yang&engine=steadnet&seed=1`);
  await page.waitForFunction(() => window.__app?.progress?.patterns >= 100, null, { timeout: 60000 });
  await page.waitForFunction(() => +document.getElementById('regions').dataset.drawn >= 1, null, { timeout: 30000 });
  // The service worker took over and cached the app.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30000 });
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => window.__app?.progress?.patterns >= 100, null, { timeout: 60000 });
  console.log('site: trained from /course/microcircuit/ on python3 -m http.server, and again offline');
  assert.deepEqual(problems, []);
  await context.close();
});
