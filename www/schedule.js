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
