// Load only what is used: the wasm every visitor downloads leaves the MNIST subset
// out (<= 1.3 MB, the target); a Yin-Yang visit never fetches it; choosing MNIST fetches its
// two files once and trains (src/data/mnist_subset.rs, www/mnist.js).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { start, openPage, waitPatterns } from '../browser.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

test('the wasm is at most 1.3 MB (the target), 0.485 MB gzipped and a Yin-Yang visit fetches no MNIST', { timeout: 90000 }, async () => {
  const bytes = await readFile(new URL('../pkg/microcircuit_bg.wasm', import.meta.url));
  const size = bytes.length;
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`microcircuit_bg.wasm: ${(size / 1e6).toFixed(3)} MB, ${(gz / 1e3).toFixed(0)} kB gzipped (what a host that compresses sends)`);
  // Issue 14's target was 1.3 MB (1.23 MB when it was met); the reference learners,
  // the alignment diagnostics, the checkpoint's engine state, the comparison, the
  // evaluation worker and the chip's write-back and analog MAC, merged after it,
  // made 1.49 MB. Without the inflater (the page decompresses the MNIST subset),
  // with outcomes read by kind and one shared sort: 1 379 659 bytes, 509 kB
  // gzipped here (505 kB by gzip -9; what a visitor waits for); with the chip
  // model's `analog_exact`, 1 392 137 and 513 kB. LLVM's inliner at threshold 50
  // (.cargo/config.toml) then made it 1 285 985 bytes, 478 kB gzipped here (474 kB
  // by gzip -9): the target is met. Binaryen 132's wasm-opt -O3 would take it to
  // 1 228 003 but slows the engine in Chromium by 6-8 %. The joint apical MAC then
  // added 3.4 kB: 1 289 432 bytes. The dependencies no engine step runs at
  // opt-level "z" (Cargo.toml) and one reader for the enums of unit variants
  // (src/json.rs) then took 1 294 787 bytes (482 kB gzipped here) to 1 264 438 (477 kB),
  // which made room for the column-major kernels' eight-row blocks: 1 272 159 (479 kB).
  // The bound is the target itself, so growth past it fails here.
  assert.ok(size <= 1.3e6, `${size} bytes`);
  assert.ok(gz <= 0.485e6, `${gz} bytes gzipped`);
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  context.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(`${env.base}#preset=yin_yang&engine=pyralnet&seed=1`);
  await page.waitForFunction(() => window.__app?.timing.regions, null, { timeout: 30000 });
  const t = await page.evaluate(() => window.__app.timing);
  console.log(`first decision regions after ${(t.regions / 1000).toFixed(2)} s (worker ready ${(t.ready / 1000).toFixed(2)} s)`);
  assert.ok(t.regions < 5000, `${t.regions} ms`);
  assert.deepEqual(fetched.filter((p) => p.startsWith('/pkg/mnist/')), []);
  await context.close();
});

test('choosing MNIST fetches the subset once and trains', { timeout: 120000 }, async () => {
  const { page, context, errors } = await openPage(env.browser, env.base, '#preset=yin_yang&seed=1');
  const fetched = [];
  context.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.selectOption('#task', 'mnist');
  // Digits are drawn only from MNIST frames: the Yin-Yang run's progress, still
  // there for a moment after the switch, does not count.
  await page.waitForFunction(() => window.__app.config.preset === 'mnist' && window.__app.digits && window.__app.progress?.patterns > 3, null, { timeout: 60000 });
  assert.deepEqual(fetched.filter((p) => p.startsWith('/pkg/mnist/')).sort(),
    ['/pkg/mnist/mnist-subset-images-idx3-ubyte.gz', '/pkg/mnist/mnist-subset-labels-idx1-ubyte.gz']);
  // A reset builds the run again from the files already handed over.
  await page.click('#play');
  await page.click('#reset');
  await page.waitForFunction(() => window.__app.ready && window.__app.progress.patterns === 0);
  await waitPatterns(page, 0);
  assert.equal(fetched.filter((p) => p.startsWith('/pkg/mnist/')).length, 2, 'fetched once');
  assert.deepEqual(errors, []);
  await context.close();
});
