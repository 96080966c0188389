// The app's static server on a free port and Debian's Chromium, for the end-to-end
// tests, the benchmark and the soak run. Chromium comes from the system (never a
// download); without the background-networking flags it keeps trying to reach
// Google's hosts, which this machine's closed network refuses.

import { chromium } from 'playwright-core';
import { server } from './serve.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'];

/** Starts both; `stop()` closes the browser and the server. */
export async function start() {
  const srv = server();
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${srv.address().port}/`;
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  } catch (e) {
    srv.close();
    throw e;
  }
  return {
    base,
    browser,
    async stop() {
      await browser.close();
      srv.close();
    },
  };
}
