// The chip model's controls (issue 19, item 1), in Debian's Chromium: each piece of
// the BSS-2 emulation, realistic or idealised by name, from the address and from
// the keyboard; the formats line names the idealisations that are on; a run with
// one is the command line's for the same settings (weights checksum). Needs
// www/pkg and the CLI (built if missing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useBrowser, openPage, cliPath, ROOT } from '../browser.mjs';

const env = useBrowser();

const cli = (args) => JSON.parse(execFileSync(cliPath(), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }));
const format = (page) => page.textContent('#arith-format');

test('an idealisation from the address: its control, the formats line, and the command line\'s checksum', { timeout: 120000 }, async () => {
  const seed = 1;
  const { page, context, errors } = await openPage(env.browser, env.base,
    `#preset=yin_yang_bss2&engine=steadnet&seed=${seed}&epochs=1&val_every=6000&analog=ideal&phi=exact`);
  assert.equal(await page.inputValue('#analog'), 'ideal');
  // The preset's other choices stay; a bad one is refused with the allowed set.
  assert.equal(await page.inputValue('#rng'), 'lfsr');
  assert.equal(await page.inputValue('#phi'), 'table');
  assert.match(await page.textContent('#messages'), /phi=exact.*arith\.phi.*`f32` or `table`/);
  assert.ok(await page.isVisible('#chip-row'));
  assert.ok(await page.isDisabled('#analog-noise'), 'the MAC\'s noise only with its mock');
  assert.match(await format(page), /LFSRs with carry, 16-bit shadow weights \(Q6\.9\), PyraLNet rule every 100 steps; idealised: analog ideal\./);
  // It trains to the end of its epoch; its weights are the command line's.
  await page.waitForFunction(() => document.getElementById('checksum').textContent.endsWith('at 6,000 patterns'),
    null, { timeout: 90000 });
  const got = (await page.textContent('#checksum')).split(' ')[0];
  const args = ['train', '--preset', 'yin_yang_bss2', '--engine', 'steadnet', '--seed', String(seed), '--epochs', '1'];
  const ideal = cli([...args, '--analog', 'ideal']);
  assert.equal(got, ideal.checksum, 'weights checksum with --analog ideal');
  // And the key did something: the realistic MAC gives other weights.
  assert.notEqual(cli(args).checksum, got);
  console.log(`yin_yang_bss2 steadnet seed ${seed}, analog ideal: checksum ${got} = CLI`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chip model from the keyboard: each change starts a new run and is named; a bad noise is refused', { timeout: 60000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang_bss2&engine=steadnet&seed=2');
  assert.match(await format(page), /; realistic chip model\./);
  assert.ok(await page.isEnabled('#analog-noise'));
  const run = () => page.evaluate(() => window.__app.evaluator.gen);
  let gen = await run();
  await page.focus('#rng');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => location.hash.includes('rng=pcg'));
  await page.waitForFunction((g) => window.__app.evaluator.gen > g, gen);
  assert.match(await format(page), /stochastic rounding with carry, .*; idealised: rng pcg\./);
  gen = await run();
  await page.focus('#accumulator');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => location.hash.includes('accumulator=ideal32'));
  await page.waitForFunction((g) => window.__app.evaluator.gen > g, gen);
  assert.match(await format(page), /; idealised: rng pcg, accumulator ideal32\./);
  // The MAC's noise: a bad value is refused with the field and range, a good one
  // is said in the line.
  await page.fill('#analog-noise', '-1');
  await page.press('#analog-noise', 'Enter');
  await page.waitForFunction(() => /analog_noise/.test(document.getElementById('messages').textContent));
  assert.match(await page.textContent('#messages'), /arith\.analog_noise.*0 <= analog_noise <= 128/);
  assert.equal(await page.getAttribute('#analog-noise', 'aria-invalid'), 'true');
  await page.fill('#analog-noise', '0.5');
  await page.press('#analog-noise', 'Enter');
  await page.waitForFunction(() => location.hash.includes('analog_noise=0.5'));
  assert.match(await format(page), /analog MAC \(gain 0\.002 × sends, noise 0\.5 LSB,/);
  assert.equal(await page.getAttribute('#analog-noise', 'aria-invalid'), null);
  // Float: the chip model is not shown (the address keeps it for the way back).
  await page.selectOption('#arith', 'float');
  await page.waitForFunction(() => location.hash.includes('arith=float'));
  assert.ok(await page.isHidden('#chip-row'));
  assert.match(await page.evaluate(() => location.hash), /rng=pcg/);
  assert.deepEqual(errors, []);
  await context.close();
});
