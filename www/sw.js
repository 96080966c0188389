// The service worker of a built site (scripts/build-site writes the version and the
// file list): after the first visit the app works offline. The cache is named by
// the version, so a new build installs a new cache and deletes the old one.
// MNIST's files are cached when a run first fetches them.

const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `microcircuit-${VERSION}`;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('microcircuit-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Cache first (the files of one version never change), then the network, keeping
// what it gives (the MNIST subset).
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== location.origin) return;
  e.respondWith(caches.open(CACHE).then(async (c) => {
    const hit = await c.match(req, { ignoreSearch: true });
    if (hit) return hit;
    const res = await fetch(req);
    if (res.ok) c.put(req, res.clone());
    return res;
  }));
});
