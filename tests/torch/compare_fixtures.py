#!/usr/bin/env python3
"""Compares freshly regenerated PyTorch fixtures with the committed ones.

    compare_fixtures.py COMMITTED_DIR REGENERATED_DIR [-v]

PyTorch's float32 kernels (and, in principle, its float64 ones) differ in their last bits
between instruction sets: a convolution run with AVX-512 rounds differently from the same one
run with AVX2. So the regenerated files are compared by what they hold, not byte for byte:

- both folders hold the same files;
- tensor fixtures (`*.txt`, lines `tensor NAME DTYPE NDIM DIMS... VALUES...`): every comment
  line equal, the same tensors in the same order with the same dtypes and shapes, and each
  tensor's values within TOLERANCE[dtype] · max|committed| of the committed ones elementwise
  (a relative error normwise, as the tests measure theirs);
- safetensors files: the same metadata and tensors (names, order, dtypes, shapes), values as
  above;
- every other file (the Markdown reports): equal after each decimal number (one with a point
  or an exponent) is replaced by `#`, since the reports quote differences measured in float32.

The tolerances are a tenth of the tests' own (1e-5 in float32 and 1e-10 in float64, the
precision the fixtures are compared with) and far above the last-bit differences seen between
machines (float32: a few 1e-7). Exit status 0 when everything matches; otherwise each mismatch
is printed and the status is 1. Standard library, plus tools/torch_to_safetensors.py's reader
for the safetensors files.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

TOLERANCE = {"f32": 1e-6, "f64": 1e-11, "F32": 1e-6, "F64": 1e-11,
             # One unit in the last place of the half formats, relative to 1.
             "F16": 2.0**-10, "BF16": 2.0**-7}
DECIMAL = re.compile(r"(?<![\w.])[-+]?(\d+\.\d+([eE][-+]?\d+)?|\d+[eE][-+]?\d+)")


def files(root):
    out = set()
    for d, _, names in os.walk(root):
        out.update(os.path.relpath(os.path.join(d, n), root) for n in names)
    return out


def close(a, b, dtype):
    """None if values a are within the dtype's tolerance of b, else a description."""
    if len(a) != len(b):
        return "%d values against %d" % (len(b), len(a))
    scale = max((abs(v) for v in b), default=0.0) or 1.0
    worst = max((abs(x - y) for x, y in zip(a, b)), default=0.0) / scale
    if worst > TOLERANCE[dtype]:
        return "differs by %.3g of max|committed| (tolerance %.1g)" % (worst, TOLERANCE[dtype])
    return None


def tensors_txt(path):
    comments, tensors = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == "tensor":
                name, dtype, ndim = parts[1], parts[2], int(parts[3])
                shape = tuple(int(d) for d in parts[4:4 + ndim])
                tensors.append((name, dtype, shape, [float(v) for v in parts[4 + ndim:]]))
            else:
                comments.append(line.rstrip("\n"))
    return comments, tensors


def compare_txt(old, new):
    (c_old, t_old), (c_new, t_new) = tensors_txt(old), tensors_txt(new)
    if c_old != c_new:
        return ["comment lines differ"]
    if [t[:3] for t in t_old] != [t[:3] for t in t_new]:
        return ["tensor names, dtypes or shapes differ"]
    out = []
    for (name, dtype, _, a), (_, _, _, b) in zip(t_new, t_old):
        why = close(a, b, dtype)
        if why:
            out.append("tensor %s: %s" % (name, why))
    return out


def compare_safetensors(old, new):
    from torch_to_safetensors import read_safetensors, DTYPES

    def read(path):
        with open(path, "rb") as f:
            return read_safetensors(f.read())
    (t_old, m_old), (t_new, m_new) = read(old), read(new)
    if m_old != m_new:
        return ["metadata differs"]
    if [(n, t.dtype, tuple(t.shape)) for n, t in t_old.items()] != \
       [(n, t.dtype, tuple(t.shape)) for n, t in t_new.items()]:
        return ["tensor names, dtypes or shapes differ"]
    code = {v[0]: k for k, v in DTYPES.items()}
    out = []
    for name, t in t_old.items():
        why = close(t_new[name].double().flatten().tolist(), t.double().flatten().tolist(),
                    code[t.dtype])
        if why:
            out.append("tensor %s: %s" % (name, why))
    return out


def compare_text(old, new):
    def masked(path):
        with open(path, encoding="utf-8") as f:
            return [DECIMAL.sub("#", line) for line in f]
    a, b = masked(old), masked(new)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return ["line %d differs beyond its numbers:\n  - %s  + %s" % (i + 1, x, y)]
    return [] if len(a) == len(b) else ["%d lines against %d" % (len(b), len(a))]


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    committed, fresh = args
    a, b = files(committed), files(fresh)
    problems = ["only in %s: %s" % (committed, p) for p in sorted(a - b)]
    problems += ["only in %s: %s" % (fresh, p) for p in sorted(b - a)]
    for rel in sorted(a & b):
        old, new = os.path.join(committed, rel), os.path.join(fresh, rel)
        with open(old, "rb") as f1, open(new, "rb") as f2:
            if f1.read() == f2.read():
                continue
        if rel.endswith(".txt"):
            found = compare_txt(old, new)
        elif rel.endswith(".safetensors"):
            found = compare_safetensors(old, new)
        else:
            found = compare_text(old, new)
        problems += ["%s: %s" % (rel, p) for p in found]
        if verbose and not found:
            print("%s: not byte-identical, within tolerance" % rel)
    for p in problems:
        print(p)
    if not problems:
        print("%d fixture files match" % len(a))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
