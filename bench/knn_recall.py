#!/usr/bin/python3
"""Recall of kNN index files against exact neighbours (ties at the k-th
distance count as found), on a random sample of points.

usage: knn_recall.py IDX K EXACT.npy|- SAMPLE OUT1 [OUT2 ...]
OUTn is an .npy of int32 indices (N x K) or an embview graph .npz.  The exact
neighbours of the sample are computed here with numpy when EXACT is '-'."""
import json
import sys

import numpy as np


def load(path):
    raw = open(path, "rb").read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h * w).astype(np.float64)


def main():
    path, k, _, n_sample = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    x = load(path)
    sq = (x * x).sum(1)
    rng = np.random.default_rng(0)
    sample = rng.choice(len(x), size=min(n_sample, len(x)), replace=False)
    kth = np.empty(len(sample))
    for s, i in enumerate(sample):
        d = sq + sq[i] - 2 * x @ x[i]
        d[i] = np.inf
        kth[s] = np.partition(d, k - 1)[k - 1]
    for f in sys.argv[5:]:
        idx = np.load(f)["indices"] if f.endswith(".npz") else np.load(f)
        found = 0
        for s, i in enumerate(sample):
            nb = idx[i][(idx[i] >= 0) & (idx[i] != i)][:k]
            d = ((x[nb] - x[i]) ** 2).sum(1)
            found += min(k, int((d <= kth[s] * (1 + 1e-9)).sum()))
        print(json.dumps({"file": f, "recall": found / (k * len(sample))}))


if __name__ == "__main__":
    main()
