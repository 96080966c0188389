// End-to-end tests of the Experiments view (experiments.js): a quick sweep on the
// pool of Web Workers draws its figure and exports one result line per point (the
// CLI's format); cancelling stops the workers and keeps the finished points.
// Needs www/pkg (scripts/serve --build-only) and Debian's Chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, inked } from '../browser.mjs';

const env = useBrowser();

async function openView() {
  const context = await env.browser.newContext({ viewport: { width: 1300, height: 1400 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.base + '#preset=mimic&seed=1');
  await page.waitForFunction(() => window.__app?.progress);
  await page.click('#exp-details summary');
  await page.waitForFunction(() => document.getElementById('exp-name').options.length >= 6);
  return { page, context, errors };
}

test('a quick sweep runs on the worker pool, draws the figure and exports one line per point', { timeout: 180000 }, async () => {
  const { page, context, errors } = await openView();
  await page.selectOption('#exp-name', 'yinyang-tauw');
  await page.fill('#exp-seeds', '1');
  // A Yin-Yang sweep opens at the short scale, which says what it runs and why.
  assert.equal(await page.inputValue('#exp-scale'), 'short');
  assert.match(await page.textContent('#exp-scale-note'), /^Short: SteadNet runs the study's schedule \(45 epochs of 6000\), PyraLNet 3 epochs of 3000 \(1\/30 .*96\.7 %/);
  assert.match(await page.textContent('#exp-cli'), /microcircuit sweep yinyang-tauw --short --seeds 1/);
  assert.match(await page.textContent('#exp-size'), /^8 points/);
  await page.selectOption('#exp-scale', 'quick');
  assert.match(await page.textContent('#exp-scale-note'), /^Quick: .*too short\s+to learn/);
  assert.match(await page.textContent('#exp-cli'), /microcircuit sweep yinyang-tauw --quick --seeds 1/);
  await page.click('#exp-run');
  await page.waitForFunction(() => window.__experiments.done, null, { timeout: 150000 });
  const st = await page.evaluate(() => ({
    points: window.__experiments.points.map((p) => p.key),
    lines: window.__experiments.lines.size,
    pool: window.__experiments.poolSize,
    hw: navigator.hardwareConcurrency,
    failed: window.__experiments.failed,
    summary: window.__experiments.summary,
  }));
  assert.deepEqual(st.failed, []);
  assert.equal(st.points.length, 6, 'quick tau_w sweep: 3 values x 2 engines');
  assert.equal(st.lines, st.points.length);
  assert.equal(st.pool, Math.min(st.hw, st.points.length), 'one worker per core');
  assert.match(await page.textContent('#exp-status'), /Done: 6 of 6 points/);
  // The figure: drawn after the last point, with every group in the summary.
  await page.waitForFunction(() => +document.getElementById('exp-canvas').dataset.drawn >= 1);
  assert.ok(await inked(page, 'exp-canvas') > 0.03, 'figure drawn');
  assert.equal(st.summary.length, 6);
  for (const row of st.summary) assert.ok(row.mean > 0.34 && row.mean <= 1, `${row.group}: ${row.mean}`);
  // Export: one JSON line per point, each the CLI's record with its key.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#exp-export')]);
  assert.equal(download.suggestedFilename(), 'yinyang-tauw-quick.jsonl');
  const text = await readFile(await download.path(), 'utf8');
  assert.ok(text.endsWith('\n'));
  const records = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => r.key), st.points, 'one line per point, in point order');
  for (const r of records) {
    assert.equal(r.format, 'microcircuit-sweep');
    assert.equal(r.outcome.kind, 'accuracy');
    assert.ok(r.seconds >= 0);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('cancel stops the pool and keeps the finished points', { timeout: 120000 }, async () => {
  const { page, context, errors } = await openView();
  await page.selectOption('#exp-name', 'steady-state');
  await page.fill('#exp-seeds', '3');
  await page.click('#exp-run');
  await page.waitForFunction(() => window.__experiments.lines.size >= 1, null, { timeout: 60000 });
  await page.click('#exp-cancel');
  const st = await page.evaluate(() => ({
    n: window.__experiments.points.length,
    lines: window.__experiments.lines.size,
    workers: window.__experiments.workers.length,
    running: window.__experiments.running,
  }));
  assert.equal(st.running, false);
  assert.equal(st.workers, 0, 'workers terminated');
  assert.ok(st.lines >= 1 && st.lines < st.n, `${st.lines} of ${st.n}`);
  assert.match(await page.textContent('#exp-status'), new RegExp(`Cancelled after ${st.lines} of ${st.n} points`));
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.__experiments.lines.size), st.lines, 'nothing arrives after cancel');
  assert.equal(await page.isEnabled('#exp-export'), true);
  assert.equal(await page.isEnabled('#exp-run'), true);
  assert.deepEqual(errors, []);
  await context.close();
});
