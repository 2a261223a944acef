#!/usr/bin/python3
"""Reference kNN tools on an IDX image file, one tool per process, for bench/run_knn.sh.

usage: knn_reference.py faiss|pynndescent|hnswlib IDX K OUT.npy
Loads the images as float32 (pixel values 0..255), builds the k-nearest-
neighbour lists of every point (itself excluded), saves the int32 indices
(N x K) and prints one JSON line with the tool's own build time."""
import json
import sys
import time

import numpy as np


def load(path):
    raw = open(path, "rb").read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h * w).astype(np.float32)


def drop_self(idx, k):
    out = np.empty((idx.shape[0], k), dtype=np.int32)
    for i, row in enumerate(idx):
        row = row[row != i]
        out[i] = row[:k]
    return out


def main():
    tool, path, k, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    x = load(path)
    t = time.perf_counter()
    if tool == "faiss":
        import faiss
        index = faiss.IndexFlatL2(x.shape[1])
        index.add(x)
        _, idx = index.search(x, k + 1)
    elif tool == "pynndescent":
        from pynndescent import NNDescent
        nnd = NNDescent(x, n_neighbors=k + 1, random_state=42)
        idx, _ = nnd.neighbor_graph
    elif tool == "hnswlib":
        import hnswlib
        index = hnswlib.Index(space="l2", dim=x.shape[1])
        index.init_index(max_elements=len(x), ef_construction=200, M=16)
        index.add_items(x)
        index.set_ef(max(2 * (k + 1), 50))
        idx, _ = index.knn_query(x, k=k + 1)
    else:
        sys.exit(f"unknown tool {tool}")
    build_s = time.perf_counter() - t
    np.save(out, drop_self(np.asarray(idx), k))
    print(json.dumps({"tool": tool, "build_s": build_s}))


if __name__ == "__main__":
    main()
