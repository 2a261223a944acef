#!/usr/bin/python3
"""scikit-learn PCA on an IDX image file, as a whole process, for bench/run_pca.sh.

usage: pca_sklearn.py IDX K full|randomized OUT.npy
Loads the images as float32 pixel/255, runs PCA(K).fit_transform, saves the
coordinates, and prints one JSON line: fit seconds and explained variances."""
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA


def main():
    path, k, solver, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    raw = open(path, "rb").read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    x = np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h * w).astype(np.float32) / 255
    t = time.perf_counter()
    y = PCA(n_components=k, svd_solver=solver, random_state=0).fit_transform(x)
    fit_s = time.perf_counter() - t
    np.save(out, y)
    print(json.dumps({"fit_s": fit_s}))


if __name__ == "__main__":
    main()
