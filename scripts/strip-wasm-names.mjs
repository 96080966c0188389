// Removes the "name" custom section (function names for stack traces) from a
// WebAssembly module in place; every other section is copied unchanged.
// Usage: node scripts/strip-wasm-names.mjs FILE.wasm

import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const d = readFileSync(file);
if (d.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a WebAssembly module`);
const leb = (i) => {
  let v = 0, shift = 0, b;
  do { b = d[i++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [v, i];
};
const keep = [d.subarray(0, 8)];
let i = 8, dropped = 0;
while (i < d.length) {
  const start = i;
  const id = d[i++];
  const [size, body] = leb(i);
  const end = body + size;
  let name = '';
  if (id === 0) {
    const [len, at] = leb(body);
    name = d.subarray(at, at + len).toString();
  }
  if (id === 0 && name === 'name') dropped += end - start;
  else keep.push(d.subarray(start, end));
  i = end;
}
writeFileSync(file, Buffer.concat(keep));
console.error(`== ${file}: name section removed (${dropped} bytes), ${d.length - dropped} bytes`);
