// "Alignment with backprop" on the page (issue 13): the chart and its text
// alternative, transposed feedback in the address, the reference engines in the
// engine selector. Needs www/pkg (scripts/serve --build-only).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, waitInked } from '../browser.mjs';

const env = useBrowser();

const summary = (page) => page.textContent('#alignment-data-summary');

test('the alignment chart draws the angles and says them in text', { timeout: 90000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base,
    '#preset=yin_yang&engine=steadnet&seed=5&val_every=300&feedback=transpose');
  await page.waitForFunction(() => (window.__app.frame?.alignment?.patterns.length ?? 0) >= 3, null, { timeout: 60000 });
  assert.ok(await waitInked(page, 'alignment', 0.02) > 0.02, 'alignment chart drawn');
  assert.equal(await page.locator('figure[data-view=alignment] canvas#alignment').count(), 1);
  assert.equal(await page.getAttribute('#alignment', 'aria-describedby'), 'alignment-data-summary');
  await page.waitForFunction(() => /this run vs backprop \d+\.\d°/.test(
    document.getElementById('alignment-data-summary').textContent), null, { timeout: 30000 });
  // W^down = (W^up)ᵀ: feedback alignment is backprop, the feedback angle is 0.
  const s = await summary(page);
  assert.match(s, /feedback alignment vs backprop 0\.0°/);
  assert.match(s, /W\^down vs \(W\^up\)ᵀ 0\.0°/);
  assert.equal(await page.inputValue('select[name=feedback]'), 'transpose');
  // The table opens with one row per validation shown.
  await page.click('#alignment-data summary');
  await page.waitForSelector('#alignment-data table');
  assert.match(await page.textContent('#alignment-data table'), /this run vs backprop \(degrees\)/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the reference engines run in the page; backprop is at 0° with itself', { timeout: 90000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=backprop&seed=5&val_every=300');
  assert.equal(await page.inputValue('#engine'), 'backprop');
  await page.waitForFunction(() => /this run vs backprop 0\.0°/.test(
    document.getElementById('alignment-data-summary').textContent), null, { timeout: 60000 });
  assert.match(await summary(page), /feedback alignment vs backprop \d+\.\d°/);
  assert.deepEqual(errors, []);
  await context.close();
  // Feedback alignment on the chip's formats is refused with the field named.
  const fa = await openPage(env.browser, env.base, '#preset=yin_yang&engine=feedback-alignment&arith=bss2');
  await fa.page.waitForFunction(() => /arith/.test(document.getElementById('messages').textContent), null, { timeout: 30000 });
  await fa.context.close();
});
