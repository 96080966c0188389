// The MNIST subset is not compiled into the wasm (1.6 MB every visitor would
// download): a worker fetches its two gzipped IDX files, which scripts/serve copies
// to pkg/mnist/, the first time a run needs them, decompresses them with the
// browser's DecompressionStream (the wasm has no inflater) and hands them over.

/** The error a run without the files gives (src/data/mnist_subset.rs, NOT_LOADED). */
export const needsMnist = (err) => /MNIST subset: not loaded/.test(String((err && err.message) || err));

let loading = null;
let files = null;

/** The two files once fetched, `{images, labels}` (else null): the training worker
 *  hands them to the evaluation worker, so a visit fetches them once. */
export const mnistFiles = () => files;

/** The bytes decompressed if they are gzip (a host that sent the .gz with
 *  `Content-Encoding: gzip` has had the browser decompress them already). */
async function gunzip(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const plain = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(plain).arrayBuffer());
}

/** Fetches the files once and passes them to `provide(images, labels)` (provideMnist). */
export function loadMnist(provide) {
  loading ??= Promise.all(['images-idx3', 'labels-idx1'].map(async (name) => {
    const r = await fetch(new URL(`./pkg/mnist/mnist-subset-${name}-ubyte.gz`, import.meta.url));
    if (!r.ok) throw new Error(`cannot fetch the MNIST subset: ${r.status} ${r.statusText}`);
    return gunzip(new Uint8Array(await r.arrayBuffer()));
  })).then(([images, labels]) => {
    files = { images, labels };
    return provide(images, labels);
  }).catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}
