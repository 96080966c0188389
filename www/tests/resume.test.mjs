// End-to-end tests of exact resume in the page (issue 15), in Debian's Chromium: a
// crashed worker continues from its last autosave, and a reload continues the run
// saved in the browser's storage (IndexedDB), both ending with the weights of a
// run never interrupted (the same checksum); a browser that refuses storage says
// so and the run goes on. PyraLNet, so the potentials and the noise stream
// must be carried over, not only the weights. Needs www/pkg.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openPage, waitPatterns } from '../browser.mjs';

// Two epochs of the mimic task (2 × 1000 patterns, small layers), somatic noise on.
const RUN = '#preset=mimic&engine=pyralnet&seed=9&epochs=2&noise=0.05';
let env, base, browser, reference;

before(async () => {
  env = await start();
  ({ base, browser } = env);
});

after(async () => {
  await env?.stop();
});

/** Waits for the end of the run and returns the checksum of its final autosave. */
async function finalChecksum(page) {
  await page.waitForFunction(() => window.__app.progress?.phase === 'done', null, { timeout: 120000 });
  await page.waitForFunction(() => document.getElementById('checksum').textContent.endsWith(
    `at ${window.__app.progress.total_patterns.toLocaleString('en')} patterns`), null, { timeout: 10000 });
  return (await page.textContent('#checksum')).split(' ')[0];
}

/** The checksum of the run never interrupted (computed once). */
async function uninterrupted() {
  if (!reference) {
    const { page, context } = await openPage(browser, base, RUN);
    reference = await finalChecksum(page);
    await context.close();
  }
  return reference;
}

/** Pauses at >= n patterns and waits for the pause's autosave. */
async function pauseAt(page, n) {
  await waitPatterns(page, n, 60000);
  await page.click('#play');
  await page.waitForFunction(() => !window.__app.running && window.__app.lastCheckpoint?.patterns ===
    window.__app.progress.patterns);
  return page.evaluate(() => window.__app.lastCheckpoint.patterns);
}

test('a crashed worker continues from its autosave to the same weights as a run never interrupted', { timeout: 240000 }, async () => {
  const want = await uninterrupted();
  assert.match(want, /^\d+$/);
  const { page, context, errors } = await openPage(browser, base, RUN);
  const saved = await pauseAt(page, 700);
  assert.ok(saved > 0 && saved < 2000, `paused mid-run (${saved})`);
  await page.evaluate(() => { window.__old = window.__app.worker; window.__app.worker.postMessage({ cmd: 'crash' }); });
  await page.waitForFunction(() => window.__app.worker !== window.__old && window.__app.ready);
  assert.equal(await page.evaluate(() => window.__app.progress.patterns), saved);
  await page.click('#play');
  assert.equal(await finalChecksum(page), want);
  assert.deepEqual(errors.filter((e) => !/deliberate panic/.test(e)), []);
  await context.close();
});

test('a reload offers the run saved in the browser and continuing it is exact', { timeout: 240000 }, async () => {
  const want = await uninterrupted();
  const { page, context, errors } = await openPage(browser, base, RUN);
  const saved = await pauseAt(page, 1300);
  // The autosave is in IndexedDB (written just after the pause's checkpoint).
  await page.waitForFunction(async (n) => (await (await import('./store.js')).loadRun())?.patterns === n, saved);
  await page.reload();
  await page.waitForFunction(() => window.__app?.progress);
  const box = page.locator('#resume-box');
  await box.waitFor({ state: 'visible' });
  assert.match(await box.textContent(), new RegExp(`mimic, pyralnet, ${saved.toLocaleString('en')} of 2,000 patterns`));
  await page.click('#resume-run');
  await page.waitForFunction((n) => window.__app.progress?.patterns === n && window.__app.ready, saved);
  assert.equal(await box.isHidden(), true);
  await page.click('#play');
  assert.equal(await finalChecksum(page), want);
  // Discard forgets it: the next reload offers nothing.
  await page.reload();
  await page.waitForFunction(() => window.__app?.progress);
  await page.locator('#resume-box').waitFor({ state: 'visible' });
  await page.click('#resume-discard');
  await page.waitForFunction(async () => (await (await import('./store.js')).loadRun()) === null);
  await page.reload();
  await page.waitForFunction(() => window.__app?.progress);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#resume-box').isHidden(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a browser that refuses storage is told about it and the run goes on', { timeout: 60000 }, async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const refuse = () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    Object.defineProperty(window.indexedDB, 'open', { value: refuse });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '#preset=yin_yang&engine=steadnet&seed=3');
  await waitPatterns(page, 200);
  await page.click('#play'); // pause: autosave, refused by the storage
  const note = page.locator('#messages p[data-id=storage]');
  await note.waitFor();
  assert.match(await note.textContent(), /did not keep the autosave \(.*quota.*\); the run goes on/i);
  const n = await page.evaluate(() => window.__app.progress.patterns);
  await page.click('#play');
  await waitPatterns(page, n + 200);
  assert.deepEqual(errors, []);
  await context.close();
});
