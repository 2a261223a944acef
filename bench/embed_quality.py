#!/usr/bin/python3
"""Quality of a 2-D/3-D embedding: leave-one-out 10-NN label accuracy in the
embedding, and 10-NN recall (mean share of each point's 10 nearest
neighbours in the input, exact euclidean, kept among its 10 nearest in the
embedding).  Prints one JSON line.

usage: embed_quality.py IMAGES_IDX LABELS_IDX EMBEDDING.npy|.tsv [CACHE_DIR]
The input-space neighbours are exact (scikit-learn brute force) and cached in
CACHE_DIR when given, since they do not depend on the embedding."""
import gzip
import hashlib
import json
import os
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors


def read_idx(path):
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    nd = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    data = np.frombuffer(raw[4 + 4 * nd:], dtype=np.uint8)
    return data.reshape(shape[0], -1) if nd > 1 else data


def main():
    images, labels, emb = sys.argv[1:4]
    cache = sys.argv[4] if len(sys.argv) > 4 else None
    x = read_idx(images).astype(np.float32)
    lab = read_idx(labels).astype(np.int64)
    y = np.load(emb) if emb.endswith(".npy") else np.loadtxt(emb, dtype=np.float32)
    k = 10
    ix = None
    if cache:
        os.makedirs(cache, exist_ok=True)
        key = hashlib.sha1(open(images, "rb").read(1 << 20) + str(x.shape).encode()).hexdigest()[:12]
        path = os.path.join(cache, f"knn10-{key}.npy")
        if os.path.exists(path):
            ix = np.load(path)
    if ix is None:
        ix = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(x).kneighbors(x, return_distance=False)[:, 1:]
        if cache:
            np.save(path, ix)
    iy = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    votes = lab[iy]
    pred = np.array([np.bincount(v, minlength=lab.max() + 1).argmax() for v in votes])
    acc = float((pred == lab).mean())
    recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ix, iy)]))
    print(json.dumps({"embedding": emb, "knn_acc": acc, "knn_recall": recall}))


if __name__ == "__main__":
    main()
