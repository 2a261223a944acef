#!/usr/bin/python3
"""scikit-learn TSNE (Barnes-Hut, its defaults) on IDX images, as a whole process.

usage: tsne_sklearn.py IMAGES_IDX[.gz] OUT.npy [DIMS]"""
import gzip
import sys

import numpy as np
from sklearn.manifold import TSNE


def main():
    path, out = sys.argv[1], sys.argv[2]
    dims = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    x = np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h * w).astype(np.float32)
    y = TSNE(n_components=dims, perplexity=30, init="pca", learning_rate="auto", n_jobs=2,
             random_state=0).fit_transform(x)
    np.save(out, y.astype(np.float32))


if __name__ == "__main__":
    main()
