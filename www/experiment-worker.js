// One worker of the Experiments view's pool (experiments.js): loads the wasm
// module and runs the points it is given, one at a time, with the same code as
// `microcircuit sweep`. A point cannot be interrupted; cancelling terminates the
// worker.
//
// In:  {id, point}            point: JSON text from experimentPoints()
// Out: {type: 'ready'} once loaded; {type: 'line', id, line} per finished point;
//      {type: 'error', id, message, fatal} (fatal: a Rust panic, the module is gone)

import init, { runExperimentPoint } from './pkg/microcircuit.js';

const ready = init().then(() => postMessage({ type: 'ready' }));

onmessage = async (e) => {
  const { id, point } = e.data;
  try {
    await ready;
    postMessage({ type: 'line', id, line: runExperimentPoint(point) });
  } catch (err) {
    const fatal = err instanceof WebAssembly.RuntimeError;
    const message = (fatal && globalThis.__microcircuitPanic) || String((err && err.message) || err);
    postMessage({ type: 'error', id, message, fatal });
  }
};
