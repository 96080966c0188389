// End-to-end tests of the page's hardening (issue 7), in Debian's Chromium: the
// Content-Security-Policy holds and nothing violates it; user strings from the URL
// are shown as text; size limits are refused with the limit; a diverged run keeps
// its last good checkpoint exportable; a crashed worker is restarted and its last
// checkpoint can still be exported. Needs www/pkg (scripts/serve --build-only).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CSP } from '../serve.mjs';
import { useBrowser } from '../browser.mjs';

const env = useBrowser();

/** A fresh page at `hash` that records CSP violations (page and console). */
async function open(hash = '') {
  const context = await env.browser.newContext({ viewport: { width: 1300, height: 1400 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  const cspConsole = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspConsole.push(m.text()); });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI}`));
  });
  await page.goto(env.base + hash);
  await page.waitForFunction(() => window.__app?.progress);
  return { page, context, errors, cspConsole };
}

const messages = (page) => page.textContent('#messages');
const waitPatterns = (page, n, timeout = 30000) =>
  page.waitForFunction((n) => window.__app.progress?.patterns >= n, n, { timeout });

async function save(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), body: await readFile(await d.path()) };
}

test('the page trains, draws and exports under its CSP without a single violation', { timeout: 90000 }, async () => {
  const res = await fetch(env.base);
  assert.equal(res.headers.get('content-security-policy'), `${CSP}; frame-ancestors *`);
  // Every response carries the policy, nosniff and a referrer policy, errors too.
  for (const url of [env.base, env.base + 'main.js', env.base + 'no-such-file', env.base + '..%2f..%2fetc%2fpasswd']) {
    const r = await fetch(url);
    assert.match(r.headers.get('content-security-policy'), /default-src 'none'.*; frame-ancestors \*$/, url);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', url);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', url);
  }
  for (const directive of ["script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
    assert.ok(CSP.includes(directive), directive);
  }
  const { page, context, errors, cspConsole } = await open('#preset=yin_yang&engine=pyralnet&seed=21');
  assert.equal(await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content'), CSP);
  await waitPatterns(page, 20);
  await page.waitForFunction(() => +document.getElementById('regions').dataset.drawn >= 1, null, { timeout: 30000 });
  await page.waitForFunction(() => window.__app.timing.frame);
  const ck = await save(page, '#export-checkpoint');
  assert.equal(JSON.parse(ck.body.toString()).format, 'microcircuit-checkpoint');
  await save(page, 'button.png[data-canvas=curves]');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(cspConsole, []);
  assert.deepEqual(errors, []);
  // The policy is in force: an injected inline script is blocked and reported.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.append(s);
    return window.__inline === 1;
  });
  assert.equal(ran, false);
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.match((await page.evaluate(() => window.__violations))[0], /script-src/);
  await context.close();
});

test('HTML and script in the URL state are shown as text, never run', { timeout: 60000 }, async () => {
  const payloads = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>'];
  const hash = `#preset=mimic&seed=22&bogus=${payloads[0]}&g_a=${payloads[1]}` +
    `&<svg onload="window.__xss=3">=1`;
  const { page, context, errors } = await open(hash);
  const text = await messages(page);
  assert.ok(text.includes(`bogus=${payloads[0]}`), text);
  assert.ok(text.includes(`g_a=${payloads[1]}`), text);
  assert.ok(text.includes('<svg onload="window.__xss=3">=1'), text);
  assert.equal(await page.locator('#messages img, #messages script, #messages svg').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await waitPatterns(page, 5);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  // The canonical hash no longer holds the payloads.
  assert.ok(!(await page.evaluate(() => location.hash)).includes('onerror'));
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('sizes beyond the limits are refused with the limit: URL length, network size, import size', { timeout: 60000 }, async () => {
  const limits = { hash: 8192, synapses: 5000000 };
  const { page, context } = await open(`#preset=mimic&seed=23&zz=${'x'.repeat(limits.hash)}`);
  assert.match(await messages(page), new RegExp(`more than the limit of ${limits.hash}; none of it was used`));
  assert.deepEqual(await page.evaluate(() => window.__app.limits.hash_chars), limits.hash);
  // A network too large for a tab, typed into the form (9 M synapses).
  await page.evaluate(() => { location.hash = '#preset=yin_yang&seed=23'; });
  await page.waitForFunction(() => window.__app.config.preset === 'yin_yang');
  await page.fill('input[name=hidden]', '1500,1500');
  await page.dispatchEvent('input[name=hidden]', 'change');
  assert.match(await page.textContent('#param-error'),
    new RegExp(`hidden = 1500,1500 was not applied: .*at most ${limits.synapses} synapses in all in the browser`));
  assert.deepEqual(await page.evaluate(() => window.__app.config.params.layers), [4, 120, 3]);
  // An import larger than the limit is refused before it is read (limit lowered
  // here so that the test needs no 200 MB file).
  await page.evaluate(() => { window.__app.limits.import_bytes = 100; });
  await page.setInputFiles('#import', { name: 'big.json', mimeType: 'application/json', buffer: Buffer.alloc(101, 32) });
  await page.waitForFunction(() => document.getElementById('import-message').textContent.includes('big.json'));
  assert.match(await page.textContent('#import-message'), /Checkpoint refused: big\.json is 101 bytes, more than the limit of 100 bytes/);
  await context.close();
});

test('a diverged run stops with the message and its last good checkpoint can be exported and loaded', { timeout: 60000 }, async () => {
  const { page, context } = await open('#preset=mimic&seed=24&eta_up=1000,1000');
  await page.waitForFunction(() => document.getElementById('messages').textContent.includes('diverged'), null, { timeout: 30000 });
  assert.match(await messages(page), /Training stopped, the network diverged: diverged: .* in layer \d+ is .* at pattern \d+/);
  assert.equal(await page.evaluate(() => window.__app.running), false);
  const good = await page.evaluate(() => window.__app.lastCheckpoint.patterns);
  const button = page.locator('#messages button.export-good');
  assert.equal(await button.textContent(), `Export the last good checkpoint (${good} patterns)`);
  const a = await save(page, '#messages button.export-good');
  const b = await save(page, '#export-checkpoint');
  assert.equal(a.body.toString(), b.body.toString(), 'export gives the last good checkpoint too');
  const ck = JSON.parse(a.body.toString());
  assert.equal(ck.patterns, good);
  for (const m of ck.weights.up.concat(ck.weights.ip, ck.weights.pi, ck.weights.down)) {
    assert.ok(m.data.every((x) => Number.isFinite(x)), 'finite weights');
  }
  // It loads (the page checks every weight again).
  await page.setInputFiles('#import', { name: 'good.json', mimeType: 'application/json', buffer: a.body });
  await page.waitForFunction(() => document.getElementById('import-message').textContent.includes('Checkpoint loaded'));
  assert.equal(await page.evaluate(() => window.__app.diverged), false);
  await context.close();
});

test('a worker panic shows the error, restarts the worker and its last checkpoint stays exportable', { timeout: 60000 }, async () => {
  const { page, context } = await open('#preset=yin_yang&engine=steadnet&seed=25');
  await waitPatterns(page, 100);
  await page.click('#play'); // pause: autosave
  await page.waitForFunction(() => window.__app.lastCheckpoint?.patterns >= 100);
  const saved = await page.evaluate(() => window.__app.lastCheckpoint.patterns);
  await page.evaluate(() => { window.__oldWorker = window.__app.worker; window.__app.worker.postMessage({ cmd: 'crash' }); });
  await page.waitForFunction(() => document.getElementById('messages').textContent.includes('crashed'));
  const alert = page.locator('#messages p[data-id=crash]');
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.match(await alert.textContent(), new RegExp(`deliberate panic.*restarted from the last checkpoint \\(${saved} patterns\\)`));
  await page.waitForFunction(() => window.__app.worker !== window.__oldWorker);
  await page.waitForFunction((n) => window.__app.progress?.patterns === n, saved);
  const ck = await save(page, '#export-checkpoint');
  assert.equal(JSON.parse(ck.body.toString()).patterns, saved);
  await context.close();
});
