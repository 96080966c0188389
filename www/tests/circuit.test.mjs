// End-to-end tests of the circuit panel (www/circuit.js, src/app/circuit.rs): it
// draws the network live at most 10 frames a second, shows a representative subset
// of wide layers, replays a pattern step by step, and a neuron selected by mouse or
// keyboard shows its potentials over the last patterns.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openPage, waitPatterns } from '../browser.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

test('the circuit is drawn live from the worker payload, at most 10 frames a second', { timeout: 90000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=pyralnet&seed=2');
  await waitPatterns(page, 20);
  await page.waitForFunction(() => +document.getElementById('circuit-svg').dataset.frames >= 2);
  // 4 inputs, 12 of 120 hidden neurons, 3 interneurons, 3 outputs.
  assert.equal(await page.locator('#circuit-svg .circuit-neuron').count(), 4 + 12 + 3 + 3);
  assert.match(await page.textContent('#circuit-svg'), /\+108 more/);
  assert.match(await page.textContent('#circuit-svg'), /hidden layer 1: 120 pyramidal, 3 interneurons/);
  // Bundles of the four families (12×4 up, 3×12 up, 12×3 down, 3×12 ip, 12×3 pi).
  assert.equal(await page.evaluate(() => window.__circuit.lineCount), 48 + 36 + 36 + 36 + 36);
  assert.match(await page.textContent('#circuit-summary'), /After [\d,]+ patterns: input rates .*mean \|v_A\| over the hidden neurons .*W\^up_1 mean/);
  // The panel's numbers are the payload's (Rust), not recomputed.
  const rate = await page.evaluate(() => new Promise((resolve) => {
    let n = 0;
    const w = window.__app.worker;
    const on = (e) => { if (e.data.type === 'circuit') n++; };
    w.addEventListener('message', on);
    setTimeout(() => { w.removeEventListener('message', on); resolve(n / 3); }, 3000);
  }));
  assert.ok(rate > 2 && rate <= 10.5, `${rate} circuit frames per second`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a neuron shows its potentials by mouse and keyboard; a pattern replays step by step', { timeout: 90000 }, async () => {
  // Paused, then exactly 3 single steps: the replay below starts from the same
  // weights on every machine, however loaded (a timed pause made it vary).
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&engine=pyralnet&seed=2&autoplay=0');
  for (let i = 1; i <= 3; i++) {
    await page.click('#step');
    await waitPatterns(page, i);
  }
  assert.equal(await page.evaluate(() => window.__app.progress.patterns), 3);
  await page.locator('#circuit-svg .circuit-neuron').nth(6).click();
  assert.match(await page.textContent('#circuit-detail-title'), /hidden layer 1 neuron \d+: the end of each of the last \d+ patterns/);
  assert.match(await page.textContent('#circuit-detail-text'), /v_B .*latest .*u .*v_A .*latest/);
  // Keyboard: one tab stop, arrows move, Enter selects.
  const first = page.locator('#circuit-svg .circuit-neuron[tabindex="0"]');
  await first.focus();
  await page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#circuit-detail-title'), /hidden layer 1 interneuron 3/);
  assert.match(await page.textContent('#circuit-detail-text'), /u\^I/);
  // The replay: a new pattern, nudged, released.
  await page.click('#circuit-explain');
  await page.waitForFunction(() => /^1 of 3/.test(document.getElementById('circuit-caption').textContent));
  assert.match(await page.textContent('#circuit-caption'), /a new pattern arrives .*no target/);
  const apical = async () => parseFloat((await page.textContent('#circuit-caption')).match(/mean \|v_A\| over the hidden neurons ([\d.e-]+)/)[1]);
  await page.fill('#circuit-moment', '39');
  await page.dispatchEvent('#circuit-moment', 'input');
  assert.match(await page.textContent('#circuit-caption'), /^1 of 3, 100 ms/);
  const free = await apical();
  await page.fill('#circuit-moment', '79');
  await page.dispatchEvent('#circuit-moment', 'input');
  assert.match(await page.textContent('#circuit-caption'), /^2 of 3, 200 ms: the target .* nudges the output/);
  const nudged = await apical();
  await page.click('#circuit-next');
  await page.fill('#circuit-moment', '119');
  await page.dispatchEvent('#circuit-moment', 'input');
  assert.match(await page.textContent('#circuit-caption'), /^3 of 3, 300 ms: the target is released/);
  const released = await apical();
  console.log(`apical: free ${free}, nudged ${nudged}, released ${released}`);
  assert.ok(nudged > 2 * free && Math.abs(released - free) < 0.1 * nudged, `${free} ${nudged} ${released}`);
  assert.match(await page.textContent('#circuit-detail-title'), /the replay's 120 moments/);
  await page.click('#circuit-live');
  assert.equal(await page.textContent('#circuit-caption'), '');
  assert.deepEqual(errors, []);
  await context.close();
});
