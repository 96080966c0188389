// One view per embed: each `view=NAME` (with embed=1) inside an iframe of a page
// served from another origin (another port) trains and draws that panel alone,
// with play, pause and reset only, and no CSP or console errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { start } from '../browser.mjs';

let env, host, hostBase;
before(async () => {
  env = await start();
  // The course page: another origin (port), framing the app.
  host = createServer((req, res) => {
    const src = decodeURIComponent(new URL(req.url, 'http://x').searchParams.get('src') || '');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Course page</title><h1>Week 3</h1>
<iframe id="app" src="${src.replace(/"/g, '&quot;')}" width="720" height="640" style="border:0" title="microcircuit"></iframe>`);
  });
  await new Promise((ok) => host.listen(0, '127.0.0.1', ok));
  hostBase = `http://localhost:${host.address().port}/`;
});
after(async () => {
  host?.close();
  await env?.stop();
});

// Each view with a preset that has it.
const CASES = [
  ['circuit', 'yin_yang&engine=pyralnet'], ['regions', 'yin_yang&engine=steadnet'], ['curves', 'mimic'],
  ['sps', 'yin_yang&engine=pyralnet'], ['potentials', 'yin_yang&engine=pyralnet'], ['codes', 'yin_yang_bss2'],
  ['confusion', 'mnist'], ['digits', 'mnist'],
];

test('every view embeds alone from another origin, trains and draws without errors', { timeout: 240000 }, async () => {
  const context = await env.browser.newContext({ viewport: { width: 800, height: 700 } });
  for (const [view, preset] of CASES) {
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const src = `${env.base}#preset=${preset}&seed=1&embed=1&view=${view}&autoplay=1`;
    await page.goto(`${hostBase}?src=${encodeURIComponent(src)}`);
    const frame = page.frameLocator('#app');
    const f = page.frame({ url: (u) => u.href.startsWith(env.base) });
    assert.notEqual(new URL(f.url()).origin, new URL(page.url()).origin, 'another origin');
    await f.waitForFunction(() => window.__app?.progress?.patterns >= 3, null, { timeout: 60000 });
    // Only this panel, and only play/pause and reset of the controls.
    const shown = await f.evaluate(() => [...document.querySelectorAll('#plots > figure')]
      .filter((x) => x.offsetParent !== null).map((x) => x.dataset.view));
    assert.deepEqual(shown, [view], `${view}: panels shown`);
    for (const id of ['play', 'reset']) assert.ok(await frame.locator(`#${id}`).isVisible(), `${view}: ${id}`);
    for (const id of ['step', 'speed', 'task', 'params', 'share']) assert.ok(!(await frame.locator(`#${id}`).isVisible()), `${view}: ${id} hidden`);
    // Sized to the frame: the panel spans the frame's width.
    const width = await f.evaluate((v) => document.querySelector(`[data-view=${v}]`).getBoundingClientRect().width, view);
    assert.ok(width > 650, `${view}: ${width} px wide in a 720 px frame`);
    // Drawn: ink on its canvas, or the circuit's frames.
    await f.waitForFunction((v) => {
      const fig = document.querySelector(`[data-view=${v}]`);
      const svg = fig.querySelector('svg');
      if (svg) return +svg.dataset.frames >= 2;
      const c = fig.querySelector('canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) ink++;
      return ink / (d.length / 4) > 0.02;
    }, view, { timeout: 60000 });
    // Pause and reset work from the frame.
    await frame.locator('#play').click();
    await f.waitForFunction(() => !window.__app.running);
    await frame.locator('#reset').click();
    if (await f.evaluate(() => document.getElementById('reset-dialog').open)) await frame.locator('#reset-confirm').click();
    await f.waitForFunction(() => window.__app.progress?.patterns === 0);
    assert.deepEqual(problems, [], `${view}: console`);
    console.log(`${view}: drawn alone in a cross-origin frame, ${Math.round(width)} px wide`);
    await page.close();
  }
  await context.close();
});

test('autoplay=0 waits for play; the snippet offers one view', { timeout: 60000 }, async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.base}#preset=mimic&seed=1&embed=1&view=curves&autoplay=0`);
  await page.waitForFunction(() => window.__app?.ready);
  await page.waitForTimeout(800);
  assert.equal(await page.evaluate(() => window.__app.progress.patterns), 0);
  assert.equal(await page.evaluate(() => window.__app.running), false);
  await page.click('#play');
  await page.waitForFunction(() => window.__app.progress?.patterns > 0);
  // The full page's snippet.
  await page.goto(`${env.base}#preset=mimic&seed=1`);
  await page.waitForFunction(() => window.__app?.ready);
  await page.selectOption('#embed-view', 'circuit');
  assert.match(await page.textContent('#embed-snippet'), /#preset=mimic&.*&embed=1&view=circuit"\s+width="720"/);
  await page.uncheck('#embed-autoplay');
  assert.match(await page.textContent('#embed-snippet'), /&embed=1&view=circuit&autoplay=0"/);
  await context.close();
});
