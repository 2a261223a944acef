#!/usr/bin/python3
"""Synthetic Gaussian-mixture data of MNIST's width for the kNN scaling row.

usage: make_synthetic.py OUTDIR N [N ...]
Writes OUTDIR/gmm-N.npy (float32, N x 784) for each N: 100 clusters whose
centres are N(0, 4^2 I) in a random 40-dimensional subspace, points = centre +
N(0, 1) noise in that subspace + N(0, 0.1^2) noise in all 784 dimensions, so
the data have a low intrinsic dimension like real embeddings.  Seeded; the
first rows of a larger set equal a smaller set.  Written in chunks."""
import os
import sys

import numpy as np

D, SUB, K = 784, 40, 100


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1234)
    basis = np.linalg.qr(rng.standard_normal((D, SUB)))[0].astype(np.float32)  # D x SUB
    centres = (4 * rng.standard_normal((K, SUB))).astype(np.float32)
    for n in map(int, sys.argv[2:]):
        path = os.path.join(out, f"gmm-{n}.npy")
        if os.path.exists(path):
            continue
        arr = np.lib.format.open_memmap(path + ".tmp", mode="w+", dtype=np.float32, shape=(n, D))
        chunk = 50000
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            r = np.random.default_rng([99, start])
            lab = r.integers(0, K, m)
            z = centres[lab] + r.standard_normal((m, SUB)).astype(np.float32)
            arr[start:start + m] = z @ basis.T + 0.1 * r.standard_normal((m, D)).astype(np.float32)
        arr.flush()
        del arr
        os.rename(path + ".tmp", path)
        print(path)


if __name__ == "__main__":
    main()
