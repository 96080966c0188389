// A worker's main loop: `scheduler(tick)` returns `schedule(delay)`, which runs
// `tick` once after `delay` ms, however often it is asked meanwhile. Zero delay is a
// message to ourselves, a new task, so messages from the page queued meanwhile are
// handled first (setTimeout(0) is clamped to 4 ms).
export function scheduler(tick) {
  let scheduled = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    scheduled = false;
    tick();
  };
  return (delay = 0) => {
    if (scheduled) return;
    scheduled = true;
    if (delay > 0) setTimeout(() => channel.port2.postMessage(null), delay);
    else channel.port2.postMessage(null);
  };
}

/** The evaluation worker's next work (eval-worker.js): the regions when their
 * snapshot waits and is due (a run's first at once, later ones from
 * `regionsNext`), before any queued validation, since a queue that never empties
 * (validations slower than training) would otherwise freeze the picture for the
 * whole run; else the oldest queued validation; else nothing. */
export function nextEvaluation({ queued, latest, pictured, regionsNext }, now) {
  if (latest && (!pictured || now >= regionsNext)) return 'regions';
  return queued > 0 ? 'validation' : null;
}

/** When the next regions may start, `spent` ms of work after the last ended at
 * `end`: late enough that they take at most `share` of the worker's time, and at
 * least `gap` ms later (a training worker held back by unanswered validations asks
 * for them after each of its slices, not once a second). */
export const regionsNextAt = (end, spent, share, gap) => end + Math.max(gap, spent * (1 / share - 1));
