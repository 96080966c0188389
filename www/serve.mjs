// A small static server for the app (no dependencies): serves this folder with the
// right MIME types (application/wasm for .wasm, text/javascript for modules).
// Usage: node serve.mjs [port] [host]  (default 8000 on localhost)

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.argv[2] || process.env.PORT || 8000);
const host = process.argv[3] || '127.0.0.1';
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

// Content-Security-Policy of every response (index.html repeats it in a meta tag
// for other servers): only this origin's scripts and wasm ('wasm-unsafe-eval' lets
// WebAssembly compile, nothing else), workers from this origin, no inline script,
// no plugins, no <base>. Style sheets only from this origin; style *attributes* are
// allowed because plotters measures chart text with a <span style=...> (attributes
// cannot run script). A worker's policy comes from its script's header.
export const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; style-src-attr 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'";

// Which sites may show the page in a frame (frame-ancestors works in the header
// only, not in the meta tag). Embedding in course pages is the point, so any site
// may by default; a host restricts it with FRAME_ANCESTORS, e.g.
// FRAME_ANCESTORS="'self' https://moodle.example.edu" (docs/design.md).
export const FRAME_ANCESTORS = process.env.FRAME_ANCESTORS || '*';

/** The security headers of every response, errors included. */
export function securityHeaders() {
  return {
    'Content-Security-Policy': `${CSP}; frame-ancestors ${FRAME_ANCESTORS}`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

export function server() {
  return createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root.endsWith(sep) ? root : root + sep) && file !== root) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders() }).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': types[extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-cache',
        ...securityHeaders(),
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders() }).end('not found');
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  server().listen(port, host, () => {
    console.log(`microcircuit app: http://localhost:${port}/`);
  });
}
