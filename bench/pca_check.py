#!/usr/bin/python3
"""Compares PCA outputs: the variance of each output column is that
component's explained variance, so the explained-variance share of a run is
sum(var(Y)) / total variance of X.  Prints one JSON line per output file,
with its relative difference to the exact solution (given as REF.npy).

usage: pca_check.py IDX REF.npy OUT1.npy [OUT2.npy ...]"""
import json
import sys

import numpy as np


def main():
    path, ref = sys.argv[1], sys.argv[2]
    raw = open(path, "rb").read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    x = np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h * w).astype(np.float64)
    total = x.var(axis=0, ddof=1).sum()

    def share_of(f):
        y = np.load(f).astype(np.float64)
        scale = 255.0 if np.abs(y).max() < 50 else 1.0  # sklearn runs on pixel/255
        return (y * scale).var(axis=0, ddof=1).sum() / total

    exact = share_of(ref)
    for out in sys.argv[3:]:
        share = share_of(out)
        print(json.dumps({"file": out, "explained": share, "exact": exact,
                          "rel_diff": (share - exact) / exact}))


if __name__ == "__main__":
    main()
