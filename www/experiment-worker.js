// One worker of the Experiments view's pool (experiments.js): loads the wasm
// module and runs the points it is given, one at a time, with the same code as
// `microcircuit sweep`. A point cannot be interrupted; cancelling terminates the
// worker.
//
// The messages are XEv in protocol.js.

import init, { runExperimentPoint, provideMnist } from './pkg/microcircuit.js';
import { XEv } from './protocol.js';
import { loadMnist, needsMnist } from './mnist.js';

const ready = init().then(() => postMessage({ type: XEv.READY }));

onmessage = async (e) => {
  const { id, point } = e.data;
  try {
    await ready;
    let line;
    try {
      line = runExperimentPoint(point);
    } catch (err) {
      if (!needsMnist(err)) throw err;
      await loadMnist(provideMnist); // MNIST points: the subset is fetched once
      line = runExperimentPoint(point);
    }
    postMessage({ type: XEv.LINE, id, line });
  } catch (err) {
    const fatal = err instanceof WebAssembly.RuntimeError;
    const message = (fatal && globalThis.__microcircuitPanic) || String((err && err.message) || err);
    const kind = fatal ? 'panic' : (err && err.kind) || 'error';
    postMessage({ type: XEv.ERROR, id, kind, message, fatal });
  }
};
