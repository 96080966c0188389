// The evaluation worker's order of work (schedule.js, used by eval-worker.js),
// without a browser: due decision regions go before queued validations, so a
// queue that never empties cannot freeze the picture (it did in CI, under load),
// and the regions still take at most their share of the worker's time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextEvaluation, regionsNextAt } from '../schedule.js';

const SHARE = 0.25, GAP = 750;

test('a run\'s first regions go first; later ones when due, even with validations queued', () => {
  const snap = {};
  assert.equal(nextEvaluation({ queued: 3, latest: snap, pictured: false, regionsNext: 1e9 }, 0), 'regions');
  assert.equal(nextEvaluation({ queued: 3, latest: snap, pictured: true, regionsNext: 500 }, 499), 'validation');
  assert.equal(nextEvaluation({ queued: 3, latest: snap, pictured: true, regionsNext: 500 }, 500), 'regions');
  assert.equal(nextEvaluation({ queued: 0, latest: snap, pictured: true, regionsNext: 500 }, 100), null);
  assert.equal(nextEvaluation({ queued: 2, latest: null, pictured: true, regionsNext: 0 }, 100), 'validation');
  assert.equal(nextEvaluation({ queued: 0, latest: null, pictured: false, regionsNext: 0 }, 100), null);
});

test('the pause after regions keeps them to their share, and at least the gap', () => {
  assert.equal(regionsNextAt(1000, 400, SHARE, GAP), 1000 + 1200);
  assert.equal(regionsNextAt(1000, 10, SHARE, GAP), 1000 + GAP);
});

// A worker whose validations arrive faster than it answers them (the queue never
// empties) and a regions snapshot always waiting: a minute of its time.
function simulate(validationMs, regionsMs) {
  let now = 0, regionsNext = 0, pictured = false, regions = 0, regionsTime = 0, validations = 0;
  while (now < 60000) {
    const next = nextEvaluation({ queued: 64, latest: {}, pictured, regionsNext }, now);
    if (next === 'regions') {
      now += regionsMs;
      regionsTime += regionsMs;
      regions += 1;
      pictured = true;
      regionsNext = regionsNextAt(now, regionsMs, SHARE, GAP);
    } else {
      assert.equal(next, 'validation');
      now += validationMs;
      validations += 1;
    }
  }
  return { regions, share: regionsTime / now, validations };
}

test('with a queue that never empties the regions are redrawn and take at most their share', () => {
  // SteadNet on the chip formats (~50 ms a grid) and PyraLNet (~500 ms a grid).
  for (const [validationMs, regionsMs, least] of [[20, 50, 70], [30, 500, 25]]) {
    const { regions, share, validations } = simulate(validationMs, regionsMs);
    assert.ok(regions >= least, `${regions} regions in a minute (${regionsMs} ms each)`);
    assert.ok(share <= SHARE + 1e-9, `regions took ${(100 * share).toFixed(1)} % of the time`);
    assert.ok(validations > 0.7 * 60000 / validationMs, `${validations} validations`);
  }
});
