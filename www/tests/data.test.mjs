// "Load data (CSV)" (www/data.js, src/data/points.rs): a file of points trains the
// network, whose decision regions cover the data's bounding box; the address
// records that custom data was used; bad files are refused with the line and
// column next to the control while the current run goes on.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openPage, waitPatterns, progress } from '../browser.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

/** Four Gaussian blobs around (±3, ±3) + (100, 50), `n` points, a seeded generator. */
function blobs(n) {
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const rows = ['x,y,label'];
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    rows.push(`${100 + (c % 2 ? 3 : -3) + 0.8 * g()},${50 + (c > 1 ? 3 : -3) + 0.8 * g()},${c}`);
  }
  return rows.join('\n') + '\n';
}

const load = (page, name, text) => page.setInputFiles('#load-data', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('a CSV file of four blobs trains, the regions cover its bounding box, the address records it', { timeout: 120000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=mimic&seed=4');
  await waitPatterns(page, 5);
  await load(page, 'blobs.csv', blobs(1000));
  await page.waitForFunction(() => window.__app.config.data === 'custom');
  assert.match(await page.textContent('#data-message'), /Training on blobs\.csv: 4 classes, 800 training points per epoch \(80\/10\/10 split with seed 4\)/);
  assert.match(await page.evaluate(() => location.hash), /^#preset=yin_yang&.*&seed=4&.*&data=custom$/);
  assert.deepEqual(await page.evaluate(() => window.__app.config.params.layers), [4, 120, 4]);
  await page.waitForFunction(() => window.__app.progress.patterns >= 800, null, { timeout: 60000 });
  await page.waitForFunction(() => /^0.*1.*2.*3.*test accuracy.*\(x 9[0-9.]+ to 10[0-9.]+, y 4[0-9.]+ to 5[0-9.]+\)$/.test(
    document.getElementById('regions-legend').textContent), null, { timeout: 30000 });
  assert.match(await page.getAttribute('#regions', 'aria-label'), /Decision regions of the loaded data over x /);
  // Validation accuracy within the first epochs (PyraLNet, the preset's rates).
  await page.waitForFunction(() => (window.__app.frame?.curves.points.at(-1)?.accuracy ?? 0) >= 0.95, null, { timeout: 60000 });
  // A live change keeps the run (and its data); a new seed re-splits the same file.
  const before = (await progress(page)).patterns;
  await page.fill('input[name=g_a]', '0.3');
  await page.dispatchEvent('input[name=g_a]', 'change');
  await page.waitForTimeout(400);
  assert.ok((await progress(page)).patterns >= before, 'no restart');
  await page.fill('#seed', '9');
  await page.dispatchEvent('#seed', 'change');
  await page.waitForFunction(() => window.__app.config.seed === 9 && window.__app.ready);
  assert.equal(await page.evaluate(() => window.__app.config.data), 'custom');
  assert.deepEqual(await page.evaluate(() => window.__app.config.params.layers), [4, 120, 4]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad files are refused with line and column and the run goes on; a link with data=custom asks for the file', { timeout: 90000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=steadnet&seed=2');
  await waitPatterns(page, 50);
  const good = '1,2,0\n3,4,1\n'.repeat(6);
  for (const [name, text, want] of [
    ['cell.csv', `x,y,label\n${good}1,abc,0\n`, /line 14, column 2: "abc" is not a finite number/],
    ['ragged.csv', `${good}1,2\n`, /line 13, column 2: 2 columns, expected 3/],
    ['label.csv', `${good}1,2,11\n`, /line 13, column 3: label "11": allowed an integer in 0..=9/],
    ['one.csv', '1,2,0\n'.repeat(20), /only one class/],
  ]) {
    const p = (await progress(page)).patterns;
    await load(page, name, text);
    await page.waitForFunction((n) => document.getElementById('data-message').textContent.includes(n), name);
    const msg = await page.textContent('#data-message');
    assert.match(msg, want, name);
    assert.match(msg, /The current run goes on/);
    assert.equal(await page.evaluate(() => window.__app.config.data), undefined, name);
    await waitPatterns(page, p + 10);
  }
  const big = await page.evaluate(() => window.__app.limits.data_bytes);
  await page.setInputFiles('#load-data', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.alloc(big + 1, 49) });
  assert.match(await page.textContent('#data-message'), /big\.csv is [\d,]+ bytes, more than the limit of 8,000,000 bytes/);
  assert.deepEqual(errors, []);
  await context.close();
  const link = await openPage(env.browser, env.base, '#preset=yin_yang&engine=steadnet&seed=2&data=custom');
  assert.match(await link.page.textContent('#data-message'), /made with a data set of its own.*load it/);
  await waitPatterns(link.page, 5);
  assert.ok(!(await link.page.evaluate(() => location.hash)).includes('data='));
  await link.context.close();
});
