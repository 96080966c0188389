// Evaluation off the training worker (issue 17), in Debian's Chromium: the
// validations, the test and the decision regions come from the evaluation worker
// (eval-worker.js), computed on snapshots the training worker sends, which itself
// sends no metrics or regions; the page still shows the numbers, and they are the
// command line's for the same seed. Needs www/pkg and the CLI (built if missing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useBrowser, cliPath, ROOT } from '../browser.mjs';

const env = useBrowser();


/** A page whose workers' messages are counted by type, per worker script. */
async function open(hash) {
  const context = await env.browser.newContext({ viewport: { width: 1300, height: 1400 } });
  await context.addInitScript(() => {
    const Base = window.Worker;
    window.__messages = {};
    window.Worker = class extends Base {
      constructor(url, options) {
        super(url, options);
        const name = String(url).split('/').pop();
        const counts = (window.__messages[name] ??= {});
        this.addEventListener('message', (e) => { counts[e.data?.type] = (counts[e.data?.type] || 0) + 1; });
      }
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.base + hash);
  return { page, context, errors };
}

test('a finished run\'s validations, test and regions come from the evaluation worker, with the CLI\'s numbers', { timeout: 240000 }, async () => {
  const seed = 12;
  const { page, context, errors } = await open(`#preset=yin_yang&engine=steadnet&seed=${seed}&epochs=1&autoplay=1`);
  await page.waitForFunction(() => window.__app.progress?.phase === 'done' && window.__app.frame?.curves.test,
    null, { timeout: 180000 });
  await page.waitForFunction(() => document.getElementById('checksum').textContent.endsWith('at 6,000 patterns'));
  const got = await page.evaluate(() => ({
    curves: window.__app.frame.curves, checksum: document.getElementById('checksum').textContent.split(' ')[0],
    messages: window.__messages, running: window.__app.running,
  }));
  // The training worker sent snapshots and no metrics or regions; the evaluation
  // worker every validation (every 300 patterns from 0 to 6000), the test and regions.
  const train = got.messages['worker.js'];
  const evals = got.messages['eval-worker.js'];
  assert.ok(train.snapshot >= 22, `${train.snapshot} snapshots`);
  assert.equal(train.metrics, undefined);
  assert.equal(train.regions, undefined);
  assert.equal(evals.metrics, 22, 'validations at 0, 300, …, 6000 and the test');
  assert.ok(evals.regions >= 1);
  assert.deepEqual(got.curves.points.map((p) => p.patterns), Array.from({ length: 21 }, (_, i) => 300 * i));
  assert.equal(got.running, false, 'the test ends the run');
  // The numbers the command line gives for the same seed.
  const c = JSON.parse(execFileSync(cliPath(), ['train', '--preset', 'yin_yang', '--engine', 'steadnet',
    '--seed', String(seed), '--epochs', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }));
  assert.equal(got.checksum, c.checksum, 'weights checksum');
  const [v, mine] = [c.val_history.at(-1), got.curves.points.at(-1)];
  assert.equal(mine.patterns, v.patterns);
  assert.equal(mine.accuracy, v.accuracy, 'last validation accuracy');
  assert.ok(Math.abs(mine.mse - v.mse) <= 1e-12 * v.mse, `last validation MSE ${mine.mse} vs ${v.mse}`);
  assert.equal(got.curves.test.accuracy, c.test_accuracy, 'test accuracy');
  // Shown as text: the test message, the curves' and the regions' summaries.
  const acc = (100 * c.test_accuracy).toFixed(1);
  assert.match(await page.textContent('#messages'), new RegExp(`Test set: MSE [\\d.e+-]+, accuracy ${acc} %`));
  assert.match(await page.textContent('#curves-data-summary'), new RegExp(`^21 validations; .*; test: MSE [\\d.e+-]+, accuracy ${acc} %`));
  await page.waitForFunction(() => /^600 test points, \d+ \([\d.]+ %\) classified correctly/.test(
    document.getElementById('regions-data-summary').textContent));
  console.log(`steadnet seed ${seed}: checksum ${got.checksum}, validation ${(100 * v.accuracy).toFixed(2)} %, test ${acc} % = CLI`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('PyraLNet trains on while its validations (with the alignment angles) and regions arrive', { timeout: 120000 }, async () => {
  const { page, context, errors } = await open('#preset=yin_yang&engine=pyralnet&seed=4&autoplay=1');
  await page.waitForFunction(() => (window.__app.frame?.curves.points.length ?? 0) >= 3 &&
    +document.getElementById('regions').dataset.drawn >= 2, null, { timeout: 90000 });
  const f = await page.evaluate(() => window.__app.frame);
  assert.deepEqual(f.curves.points.slice(0, 3).map((p) => p.patterns), [0, 300, 600]);
  assert.ok(f.curves.points.every((p) => p.accuracy >= 0 && p.accuracy <= 1 && Number.isFinite(p.mse)));
  assert.ok(f.alignment.patterns.length >= 3, 'alignment angles at the validations');
  assert.match(await page.textContent('#regions-legend'), /yin.*yang.*dot.*test accuracy \d+\.\d %/);
  assert.match(await page.textContent('#status'), /training/);
  // After a reset, the new run's evaluations only (the old run's are dropped).
  const gen = await page.evaluate(() => { window.__app.frame.old = true; return window.__app.evaluator.gen; });
  await page.keyboard.press('Alt+Shift+R');
  if (await page.evaluate(() => document.getElementById('reset-dialog').open)) await page.click('#reset-confirm');
  await page.waitForFunction((g) => window.__app.evaluator.gen > g, gen);
  await page.keyboard.press('Alt+Shift+K'); // a reset pauses: play
  await page.waitForFunction(() => !window.__app.frame.old && window.__app.frame.curves.points.length >= 3, null, { timeout: 30000 });
  const after = await page.evaluate(() => window.__app.frame.curves.points.map((p) => p.patterns));
  assert.deepEqual(after, after.map((_, i) => 300 * i), `validations of the new run only: ${after}`);
  assert.doesNotMatch(await page.textContent('#messages'), /Error|refused/);
  assert.deepEqual(errors, []);
  await context.close();
});
