// End-to-end tests of the page's accessibility and of the runs it must not lose
// (issue 18), in Debian's Chromium: axe-core (WCAG 2.1 A and AA, injected over the
// DevTools protocol so that the page's CSP stays on) on the page, the embed, the
// Experiments view and a phone; the screen-reader status; keyboard-only operation;
// no single-key shortcuts; Reset's confirmation and undo; refused imports and
// hashes that keep the run; field errors; reflow at 320 px; untrusted text; the
// charts' Data tables. Needs www/pkg (scripts/serve --build-only).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useBrowser, openPage, progress, waitPatterns } from '../browser.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG21AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const env = useBrowser();

/** A fresh page at `hash`, collecting page errors. */
const open = (hash = '', options = {}) => openPage(env.browser, env.base, hash, options);


/** axe-core's WCAG 2.1 A/AA violations, run through a DevTools session
 *  (Runtime.evaluate is not subject to the page's CSP; a <script> tag would be). */
async function axe(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Runtime.evaluate', { expression: AXE });
  const r = await cdp.send('Runtime.evaluate', {
    expression: `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG21AA)} } })
      .then((r) => JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(' ')) }))))`,
    awaitPromise: true,
    returnByValue: true,
  });
  await cdp.detach();
  return JSON.parse(r.result.value);
}

test('axe-core: no WCAG 2.1 A/AA violation on the page, the embed, single views, the Experiments view and a 390 px phone (also with the chip model)', { timeout: 180000 }, async () => {
  const cases = [
    ['default page', '#preset=yin_yang&engine=pyralnet&seed=3', {}],
    ['embed', '#preset=yin_yang&engine=pyralnet&seed=3&embed=1', { viewport: { width: 1000, height: 900 } }],
    ['one view (circuit) embedded', '#preset=yin_yang&engine=pyralnet&seed=3&embed=1&view=circuit', { viewport: { width: 720, height: 720 } }],
    ['one view (regions)', '#preset=yin_yang&engine=steadnet&seed=3&embed=1&view=regions', { viewport: { width: 560, height: 520 } }],
    ['"Compare with backprop" on', '#preset=yin_yang&engine=steadnet&seed=3&compare=1', {}],
    ['Experiments view', '#preset=mimic&seed=1', {}, true],
    ['390 px phone', '#preset=mnist&seed=3', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ['the chip model (BSS-2) on a 390 px phone', '#preset=yin_yang_bss2&seed=3', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
  ];
  for (const [name, hash, options, experiments] of cases) {
    const { page, context, errors } = await open(hash, options);
    await waitPatterns(page, 5);
    await page.waitForFunction(() => window.__app.timing.frame);
    if (experiments) {
      await page.click('#exp-details summary');
      await page.waitForFunction(() => !document.getElementById('exp-run').disabled);
    }
    // With the Data disclosures open too (tables, scroll regions).
    for (const d of await page.locator('details.data:visible').all()) await d.locator('summary').click();
    assert.deepEqual(await axe(page), [], name);
    assert.deepEqual(errors, [], name);
    await context.close();
  }
});

test('the accuracy is announced in the live region; the visible counters are not live and say "paused"', { timeout: 60000 }, async () => {
  const { page, context } = await open('#preset=yin_yang&engine=steadnet&seed=31');
  assert.equal(await page.getAttribute('#announce', 'role'), 'status');
  assert.equal(await page.getAttribute('#status', 'aria-live'), null);
  assert.equal(await page.getAttribute('#status', 'role'), null);
  await page.waitForFunction(() => /(^| )Epoch \d+, [\d,]+ patterns: validation accuracy [\d.]+ %, MSE [\d.e-]+\.$/
    .test(document.getElementById('announce').textContent), null, { timeout: 30000 });
  await page.click('#play');
  await page.waitForFunction(() => /(^| )Paused at [\d,]+ patterns\./.test(document.getElementById('announce').textContent));
  await page.waitForFunction(() => / · paused$/.test(document.getElementById('status').textContent));
  await context.close();
});

test('keyboard only: every control is reached with Tab; play, step and reset work from the keyboard', { timeout: 90000 }, async () => {
  const { page, context, errors } = await open('#preset=mimic&seed=32', { reducedMotion: 'reduce' });
  // Tab order reaches every enabled form control of the controls and parameters.
  const want = await page.evaluate(() => [...document.querySelectorAll('#controls :is(button, select, input), #params :is(input)')]
    .filter((e) => !e.disabled && e.offsetParent !== null).map((e) => e.id || e.name));
  await page.focus('body');
  const seen = new Set();
  for (let i = 0; i < 80 && seen.size < want.length; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement.id || document.activeElement.name);
    if (want.includes(id)) seen.add(id);
  }
  assert.deepEqual(want.filter((id) => !seen.has(id)), [], 'controls never reached with Tab');
  // Play with Enter, pause with Space, step with Enter.
  await page.focus('#play');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__app.running);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !window.__app.running);
  const a = (await progress(page)).patterns;
  await page.focus('#step');
  await page.keyboard.press('Enter');
  await waitPatterns(page, a + 1);
  // A select and a number field from the keyboard.
  await page.focus('#engine');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => window.__app.config.engine === 'steadnet');
  await page.focus('input[name=g_a]');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('0.7');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('g_a=0.7'));
  // Reset from the keyboard (after 1,000 patterns it asks: Shift+Tab to its Reset).
  await page.focus('#play');
  await page.keyboard.press('Enter');
  await waitPatterns(page, 10);
  await page.focus('#reset');
  await page.keyboard.press('Enter');
  if (await page.isVisible('#reset-dialog')) {
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reset-confirm');
    await page.keyboard.press('Enter');
  }
  await page.waitForFunction(() => window.__app.progress.patterns === 0 && !window.__app.running);
  assert.deepEqual(errors, []);
  await context.close();
});

test('no reset by a bare letter key; Alt+Shift+R asks after 1,000 patterns and the reset can be undone', { timeout: 90000 }, async () => {
  const { page, context, errors } = await open('#preset=yin_yang&engine=steadnet&seed=33');
  await waitPatterns(page, 1200);
  // The slip of the issue: r with focus on "Export CSV".
  await page.focus('#export-csv');
  const before = (await progress(page)).patterns;
  for (const key of ['r', 'k', 's', 'R']) await page.keyboard.press(key);
  await page.waitForFunction((n) => window.__app.progress.patterns > n + 50, before);
  assert.equal(await page.evaluate(() => window.__app.running), true, 'still training');
  // The shortcut asks first; Escape keeps the run.
  await page.keyboard.press('Alt+Shift+KeyR');
  await page.waitForSelector('#reset-dialog[open]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reset-keep', 'the safe choice has focus');
  assert.match(await page.textContent('#reset-question'), /trained [\d,]+ patterns/);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.getElementById('reset-dialog').open);
  await page.waitForFunction((n) => window.__app.progress.patterns > n + 100, before);
  // Confirmed, the run resets; "Undo reset" brings it back where it was.
  await page.click('#reset');
  await page.click('#reset-confirm');
  await page.waitForFunction(() => window.__app.progress.patterns === 0);
  await page.waitForSelector('#undo-box:not([hidden])');
  const saved = await page.evaluate(() => window.__app.undo.patterns);
  assert.ok(saved > 1000, `saved ${saved}`);
  assert.match(await page.textContent('#undo-text'), new RegExp(`reset at ${saved.toLocaleString('en')} patterns`));
  await page.focus('#undo-reset');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => window.__app.progress.patterns === n, saved);
  await page.waitForFunction(() => /Reset undone/.test(document.getElementById('announce').textContent));
  assert.equal(await page.isVisible('#undo-box'), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reset', 'focus kept when the undo box goes');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a refused import and a refused hash keep the run going; messages sit next to their control', { timeout: 90000 }, async () => {
  const { page, context, errors } = await open('#preset=yin_yang&engine=steadnet&seed=34&g_a=0.5');
  await waitPatterns(page, 200);
  await page.setInputFiles('#import', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "x"}') });
  await page.waitForFunction(() => /Checkpoint refused/.test(document.getElementById('import-message').textContent));
  assert.doesNotMatch(await page.textContent('#messages'), /Checkpoint refused/);
  // Next to the Import control: within a few lines of it.
  const gap = await page.evaluate(() => document.getElementById('import-message').getBoundingClientRect().top -
    document.getElementById('import').getBoundingClientRect().bottom);
  assert.ok(gap >= 0 && gap < 60, `message ${gap} px below the control`);
  let p = (await progress(page)).patterns;
  await page.waitForFunction((n) => window.__app.progress.patterns > n + 100, p);
  assert.equal(await page.evaluate(() => window.__app.running), true, 'the run goes on');
  assert.doesNotMatch(await page.textContent('#status'), /paused/);
  // A hash of which every key is refused: said, and the run (with its g_a) goes on.
  p = (await progress(page)).patterns;
  await page.evaluate(() => { location.hash = '#bogus=1&g_a=-5&seed=x'; });
  await page.waitForFunction(() => /Ignored from the address/.test(document.getElementById('messages').textContent));
  await page.waitForFunction((n) => window.__app.progress.patterns > n + 100, p);
  assert.equal(await page.evaluate(() => window.__app.config.params.g_a), 0.5);
  assert.match(await page.evaluate(() => location.hash), /g_a=0\.5/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('field errors are tied to their field with aria-invalid and read well', { timeout: 60000 }, async () => {
  const { page, context } = await open('#preset=mimic&seed=35');
  await page.focus('input[name=g_l]');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('e-');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.getElementById('param-error').hidden);
  assert.equal(await page.textContent('#param-error'), 'g_l was not applied: enter a number');
  assert.equal(await page.getAttribute('input[name=g_l]', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('input[name=g_l]', 'aria-describedby'), 'param-error');
  await page.fill('input[name=g_l]', '0.1');
  await page.press('input[name=g_l]', 'Enter');
  await page.waitForFunction(() => document.getElementById('param-error').hidden);
  assert.equal(await page.getAttribute('input[name=g_l]', 'aria-invalid'), null);
  // A control outside the parameter form: its message is its description.
  await page.fill('#epochs', '0');
  await page.press('#epochs', 'Enter');
  await page.waitForSelector('#msg-edit');
  assert.equal(await page.getAttribute('#epochs', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#epochs', 'aria-describedby'), 'msg-edit');
  await context.close();
});

test('reflow: no horizontal scrolling at 320 px (float, and the chip model\'s row); the scrollable regions take focus', { timeout: 90000 }, async () => {
  for (const hash of ['#preset=yin_yang&seed=36', '#preset=yin_yang_bss2&seed=36']) {
    const { page, context } = await open(hash, { viewport: { width: 320, height: 700 } });
    await waitPatterns(page, 5);
    await page.waitForFunction(() => window.__app.timing.frame);
    for (const d of await page.locator('details:visible').all()) {
      if (!(await d.evaluate((e) => e.open))) await d.locator('summary').first().click();
    }
    await page.waitForFunction(() => document.querySelector('#curves-data table'));
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320,
      `${hash}: page is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide`);
    const unfocusable = await page.evaluate(() => [...document.querySelectorAll('pre, .table-wrap')]
      .filter((e) => e.offsetParent !== null && e.tabIndex < 0).map((e) => e.id || e.className));
    assert.deepEqual(unfocusable, [], hash);
    await context.close();
  }
});

test('untrusted text is isolated, stripped of control characters and cut', { timeout: 60000 }, async () => {
  const rlo = '\u202e';
  const { page, context } = await open(`#preset=mimic&bogus=abc${encodeURIComponent(rlo)}def&seed=${'9'.repeat(8000)}`);
  await page.waitForFunction(() => /Ignored from the address/.test(document.getElementById('messages').textContent));
  const text = await page.textContent('#messages');
  assert.ok(!text.includes(rlo), 'no right-to-left override');
  assert.ok(text.includes('bogus=abcdef'));
  assert.ok(text.length < 1500, `message is ${text.length} characters`);
  assert.ok(await page.locator('#messages bdi').count() >= 2);
  await context.close();
});

test('each chart has a Data table from its payload, the canvas described by its summary', { timeout: 60000 }, async () => {
  const { page, context } = await open('#preset=yin_yang&engine=steadnet&seed=37');
  await page.waitForFunction(() => window.__app.frame?.curves.points.length >= 2, null, { timeout: 30000 });
  await page.waitForFunction(() => +document.getElementById('regions').dataset.drawn >= 1, null, { timeout: 30000 });
  for (const id of ['regions', 'curves', 'sps', 'potentials']) {
    const described = await page.getAttribute(`#${id}`, 'aria-describedby');
    assert.equal(described, `${id}-data-summary`);
    await page.waitForFunction((id) => document.getElementById(`${id}-data-summary`).textContent !== 'No data yet.', id);
    await page.click(`#${id}-data summary`);
    await page.waitForFunction((id) => document.querySelectorAll(`#${id}-data tbody tr`).length >= 1, id);
  }
  // The validation table matches the payload.
  const { rows, points } = await page.evaluate(() => ({
    rows: document.querySelectorAll('#curves-data tbody tr').length,
    points: window.__app.chartData.curves.points.length,
  }));
  assert.ok(rows >= Math.min(points, 100) && rows <= points + 1, `${rows} rows for ${points} points`);
  assert.match(await page.textContent('#regions-data-summary'), /^\d+ test points, \d+ \([\d.]+ %\) classified correctly/);
  assert.match(await page.textContent('#curves-data-summary'), /validations; the latest after [\d,]+ patterns: MSE [\d.e-]+, accuracy [\d.]+ %/);
  await context.close();
});

test('a network too large for feedback within a second says so', { timeout: 60000 }, async () => {
  const { page, context } = await open('#preset=yin_yang&engine=pyralnet&seed=38');
  assert.doesNotMatch(await page.textContent('#derived'), /too large/);
  await page.fill('input[name=hidden]', '100000');
  await page.dispatchEvent('input[name=hidden]', 'change');
  await page.waitForFunction(() => /too large to give feedback within a second: about \d+ s per training pattern/
    .test(document.getElementById('derived').textContent));
  await context.close();
});

test('Experiments: focus stays on a control when Run and Cancel disable themselves', { timeout: 120000 }, async () => {
  const { page, context, errors } = await open('#preset=mimic&seed=1', { reducedMotion: 'reduce' });
  await page.click('#exp-details summary');
  await page.waitForFunction(() => !document.getElementById('exp-run').disabled);
  await page.selectOption('#exp-name', 'steady-state');
  await page.fill('#exp-seeds', '3');
  await page.focus('#exp-run');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__experiments.running);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'exp-cancel');
  await page.waitForFunction(() => window.__experiments.lines.size >= 1, null, { timeout: 60000 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !window.__experiments.running);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'exp-run');
  // The figure as data: mean ± sd of each group.
  await page.click('#exp-data summary');
  assert.match(await page.textContent('#exp-data-summary'), /steady-state: \d+ groups?, .* as mean ± sd over seeds: .+ [\d.e-]+ ± /);
  assert.ok(await page.locator('#exp-data tbody tr').count() >= 1);
  assert.deepEqual(errors, []);
  await context.close();
});
