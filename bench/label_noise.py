#!/usr/bin/python3
"""Label-noise recovery of `embview analyze`: flip a share of the labels to a
random other class (seeded), run analyze with the noisy labels (--tsv), and
measure how many flipped points its suspects hold: among the top m (m =
number flipped), and in the automatically chosen set (precision, recall).
Beside it, in the same run, the baseline the issue names: a plain 10-NN vote
on the raw vectors (scikit-learn, brute force), ranked by the vote for the
given label.

usage: label_noise.py EMBVIEW IMAGES LABELS OUT_DIR [SHARE] [SEEDS]"""
import gzip
import os
import subprocess
import sys
import time

import numpy as np


def read_idx(path):
    raw = (gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open)(path, "rb").read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw[4 + 4 * ndim:], np.uint8).reshape(shape[0], -1)


embview, images, labels, out = sys.argv[1:5]
share = float(sys.argv[5]) if len(sys.argv) > 5 else 0.02
seeds = [int(s) for s in (sys.argv[6] if len(sys.argv) > 6 else "1,2,3").split(",")]
os.makedirs(out, exist_ok=True)
y = read_idx(labels).ravel().astype(np.int64)
n = len(y)
x = None
for seed in seeds:
    rng = np.random.default_rng(seed)
    m = int(round(share * n))
    flip = rng.choice(n, m, replace=False)
    noisy = y.copy()
    noisy[flip] = (y[flip] + rng.integers(1, 10, m)) % 10
    isflip = np.zeros(n, bool)
    isflip[flip] = True
    lp = os.path.join(out, "noisy_%d.npy" % seed)
    np.save(lp, noisy.astype(np.int32))
    tsv = os.path.join(out, "suspects_%d.tsv" % seed)
    t0 = time.time()
    subprocess.run([embview, "analyze", images, "--labels", lp, "--tsv", tsv, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.time() - t0
    rows = [line.rstrip("\n").split("\t") for line in open(tsv)][1:]
    score = np.array([float(r[3]) if r[3] else -1 for r in rows])
    flagged = np.array([r[4] == "1" for r in rows])
    top = np.argsort(-score, kind="stable")[:m]
    hit = isflip[flagged].sum()
    line = "| seed %d | %d flipped | embview | %.1f s | top-m %.3f | %d flagged: precision %.3f, recall %.3f |" % (
        seed, m, wall, isflip[top].mean(), flagged.sum(), hit / max(flagged.sum(), 1), hit / m)
    print(line, flush=True)
    if os.environ.get("BASELINE", "1") == "1":
        from sklearn.neighbors import NearestNeighbors
        if x is None:
            x = read_idx(images).astype(np.float32)
        t0 = time.time()
        idx = NearestNeighbors(n_neighbors=11, algorithm="brute").fit(x).kneighbors(x, return_distance=False)[:, 1:]
        vote = (noisy[idx] == noisy[:, None]).mean(1)
        top = np.argsort(vote, kind="stable")[:m]
        print("| seed %d | %d flipped | 10-NN vote, raw vectors | %.1f s | top-m %.3f | |" % (
            seed, m, time.time() - t0, isflip[top].mean()), flush=True)
