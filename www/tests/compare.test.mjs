// "Compare with backprop" on the page (issue 13, item 4): the switch trains
// backprop and feedback alignment in a second worker, following the main run's
// pattern count; their curves are drawn over the run's, their regions small beside
// it, their numbers in text; they give the CLI's numbers for the same seed; the
// switch is in the address, keyboard operable, restarts with the run and ends its
// worker when off; where it does not apply the page says why. Needs www/pkg
// (scripts/serve --build-only) and the CLI (target/{release,debug}/microcircuit, or
// MICROCIRCUIT_CLI; built with cargo if neither exists).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useBrowser, openPage, waitInked, progress, waitPatterns, cliPath, ROOT } from '../browser.mjs';

const env = useBrowser();


const cli = (args) => JSON.parse(execFileSync(cliPath(), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }));

const learners = (page) => page.evaluate(() => window.__app.compare.learners.map((l) => ({
  label: l.label, engine: l.engine, patterns: l.progress?.patterns ?? 0, checksum: l.checksum,
  last: l.curves?.points.at(-1) ?? null, test: l.curves?.test ?? null, drawn: l.regions != null })));

test('the switch trains backprop and feedback alignment beside the run, with the CLI\'s numbers', { timeout: 240000 }, async () => {
  const seed = 11;
  const { page, context, errors } = await openPage(env.browser, env.base, `#preset=yin_yang&engine=steadnet&seed=${seed}&epochs=1&compare=1`);
  assert.equal(await page.isChecked('#compare'), true);
  // Both learners train to the end of the main run's schedule and test.
  await page.waitForFunction(() => {
    const l = window.__app.compare.learners;
    return l.length === 2 && l.every((x) => x.curves?.test && x.regions);
  }, null, { timeout: 120000 });
  const got = await learners(page);
  assert.deepEqual(got.map((l) => l.engine), ['backprop', 'feedback-alignment']);
  // Drawn: the curves chart has the learners' lines; their small regions are inked.
  await page.waitForFunction(() => window.__app.frame?.curves.test);
  for (const id of ['curves', 'compare-regions-0', 'compare-regions-1']) {
    assert.ok(await waitInked(page, id, 0.02) > 0.02, `${id} drawn`);
  }
  assert.equal(await page.isVisible('#compare-regions'), true);
  assert.match(await page.textContent('#compare-regions-0-text'), /^backprop: test accuracy \d+\.\d %$/);
  assert.match(await page.getAttribute('#compare-regions-1', 'aria-label'), /feedback alignment, test accuracy \d+\.\d %/);
  // The key numbers in text, readable without the canvases.
  const summary = await page.textContent('#compare-summary');
  assert.match(summary, /^Latest validation: this run \d+\.\d % after 6,000 patterns; backprop \d+\.\d % after 6,000 patterns; test \d+\.\d %; feedback alignment \d+\.\d % after 6,000 patterns; test \d+\.\d %\.$/);
  assert.match(await page.textContent('#compare-note'), /Backprop and feedback alignment train beside this run/);
  // The same numbers as the command line for the same seed: weights checksum, the
  // last validation (at the epoch's end) and the test.
  for (const l of got) {
    const c = cli(['train', '--preset', 'yin_yang', '--engine', l.engine, '--seed', String(seed), '--epochs', '1']);
    assert.equal(l.checksum, c.checksum, `${l.engine}: checksum`);
    const v = c.val_history.at(-1);
    assert.equal(l.last.patterns, 6000);
    assert.equal(v.patterns, 6000);
    assert.equal(l.last.accuracy, v.accuracy, `${l.engine}: validation accuracy`);
    assert.ok(Math.abs(l.last.mse - v.mse) <= 1e-12 * v.mse, `${l.engine}: validation MSE ${l.last.mse} vs ${v.mse}`);
    assert.equal(l.test.accuracy, c.test_accuracy, `${l.engine}: test accuracy`);
    console.log(`${l.engine} seed ${seed}: checksum ${l.checksum}, validation ${(100 * v.accuracy).toFixed(2)} %, ` +
      `test ${(100 * c.test_accuracy).toFixed(2)} % = CLI`);
  }
  assert.match(await page.textContent('#compare-checksums'), new RegExp(`backprop ${got[0].checksum} at 6,000 patterns`));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the learners follow the main run\'s pattern count; off ends the worker, on (keyboard) restarts it; a new seed restarts it', { timeout: 120000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=pyralnet&seed=3&compare=1');
  await waitPatterns(page, 60);
  await page.click('#play'); // pause
  await page.waitForFunction(() => !window.__app.running);
  await page.waitForTimeout(300);
  const n = (await progress(page)).patterns;
  // Never ahead of the main run; caught up with it while it is paused.
  await page.waitForFunction((n) => window.__app.compare.learners.every((l) => l.progress?.patterns === n), n, { timeout: 30000 });
  await page.waitForTimeout(500);
  assert.ok((await learners(page)).every((l) => l.patterns === n), 'no training beyond the main run');
  // Off: the worker ends, the texts and small regions go, the address forgets it.
  await page.click('#compare');
  await page.waitForFunction(() => window.__app.compare.worker === null && !location.hash.includes('compare'));
  assert.equal(await page.isVisible('#compare-summary'), false);
  assert.equal(await page.isVisible('#compare-regions'), false);
  assert.equal((await progress(page)).patterns, n, 'the main run is untouched');
  // On from the keyboard: Space on the focused switch.
  await page.focus('#compare');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.__app.compare.worker !== null && location.hash.includes('compare=1'));
  await page.waitForFunction((n) => window.__app.compare.learners.every((l) => l.progress?.patterns === n), n, { timeout: 30000 });
  // A new seed is a new run: the comparison starts again with it.
  const w = await page.evaluate(() => window.__app.compare.worker);
  await page.fill('#seed', '4');
  await page.dispatchEvent('#seed', 'change');
  await page.waitForFunction(() => window.__app.config.seed === 4 && window.__app.ready);
  await page.waitForFunction(() => window.__app.compare.seed === 4 && window.__app.compare.learners.every((l) => l.progress));
  assert.notEqual(w, null);
  assert.equal(await page.isChecked('#compare'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('where it does not apply the page says why; a bad value is named; a phone shows it without scrolling sideways', { timeout: 120000 }, async () => {
  // The run is backprop: only feedback alignment beside it.
  let { page, context, errors } = await openPage(env.browser, env.base, '#preset=mimic&engine=backprop&seed=2&compare=1');
  await page.waitForFunction(() => window.__app.compare.learners.length === 1 && window.__app.compare.learners[0].curves);
  assert.equal((await learners(page))[0].engine, 'feedback-alignment');
  assert.match(await page.textContent('#compare-note'), /This run is backprop itself: feedback alignment trains beside it/);
  // Mimic has no accuracy: the text gives the MSE; no regions on this task.
  assert.match(await page.textContent('#compare-summary'), /feedback alignment MSE [\d.e-]+ after [\d,]+ patterns/);
  assert.equal(await page.isVisible('#compare-regions'), false);
  await context.close();
  // The chip's formats: nothing runs, and the note says why.
  ({ page, context } = await openPage(env.browser, env.base, '#preset=yin_yang_bss2&seed=2&compare=1'));
  await page.waitForFunction(() => /Not offered with the BSS-2 number formats/.test(document.getElementById('compare-note').textContent));
  assert.equal(await page.evaluate(() => window.__app.compare.worker), null);
  await context.close();
  // A bad value: ignored with the key, the value and the allowed values; the run goes on.
  ({ page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=steadnet&seed=2&compare=yes'));
  await page.waitForFunction(() => /compare=yes \(invalid parameter `compare` = "yes": allowed 1 or 0\)/.test(document.getElementById('messages').textContent));
  await waitPatterns(page, 100);
  assert.equal(await page.isChecked('#compare'), false);
  assert.deepEqual(errors, []);
  await context.close();
  // A 320 px phone: the switch, the texts and the small regions fit.
  ({ page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=steadnet&seed=2&compare=1',
    { viewport: { width: 320, height: 700 }, isMobile: true, hasTouch: true }));
  await page.waitForFunction(() => window.__app.compare.learners.every((l) => l.regions), null, { timeout: 60000 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320,
    `page is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide`);
  assert.deepEqual(errors, []);
  await context.close();
});
