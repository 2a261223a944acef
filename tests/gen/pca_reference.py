#!/usr/bin/python3
"""Independent PCA of MNIST-10k with numpy's SVD (float64), for tests/test_pca.c.

usage: pca_reference.py IDX_IMAGES_GZ OUTDIR
Writes OUTDIR/pca_ref_components.npy (10 x 784, float64, rows = components,
sign-fixed so the largest |loading| is positive), pca_ref_ratio.npy (10),
pca_ref_scaled_components.npy / pca_ref_scaled_ratio.npy for standardised
columns, and pca_ref_proj.npy (first 100 rows projected on 10 components).
"""
import gzip
import os
import sys

import numpy as np


def load_idx(path):
    raw = gzip.open(path).read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h * w).astype(np.float64)


def pca(x, k):
    xc = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    var = s ** 2 / (len(x) - 1)
    ratio = var / xc.var(axis=0, ddof=1).sum()
    comps = vt[:k].copy()
    for c in comps:
        if c[np.argmax(np.abs(c))] < 0:
            c *= -1
    return comps, ratio[:k], xc


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    x = load_idx(src)
    comps, ratio, xc = pca(x, 10)
    np.save(os.path.join(out, "pca_ref_components.npy"), comps)
    np.save(os.path.join(out, "pca_ref_ratio.npy"), ratio)
    np.save(os.path.join(out, "pca_ref_proj.npy"), xc[:100] @ comps.T)
    sd = x.std(axis=0)
    xs = np.where(sd > 0, x / np.where(sd > 0, sd, 1), 0.0)
    comps_s, ratio_s, _ = pca(xs, 10)
    np.save(os.path.join(out, "pca_ref_scaled_components.npy"), comps_s)
    np.save(os.path.join(out, "pca_ref_scaled_ratio.npy"), ratio_s)


if __name__ == "__main__":
    main()
