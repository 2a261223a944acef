#!/usr/bin/python3
"""An independent view of which MNIST classes get confused: a 3-fold
cross-validated logistic regression on the pixels (not a neighbour method).
Compares embview's pair scores (file: lines "a b score") with the
classifier's symmetric pair confusions: prints the Spearman rank correlation
and how many of the classifier's top 5 pairs are among embview's top 5.
usage: confusion_reference.py IMAGES_IDX.gz LABELS_IDX.gz SCORES.txt [CACHE.npy]"""
import gzip
import warnings
import os
import sys

import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

warnings.filterwarnings("ignore")  # convergence chatter; the predictions are what count
images, labels, scores = sys.argv[1:4]
cache = sys.argv[4] if len(sys.argv) > 4 else None
y = np.frombuffer(gzip.open(labels).read()[8:], np.uint8).astype(int)
if cache and os.path.exists(cache):
    pred = np.load(cache)
else:
    x = np.frombuffer(gzip.open(images).read()[16:], np.uint8).reshape(len(y), -1) / 255.0
    pred = cross_val_predict(LogisticRegression(max_iter=300), x, y, cv=3)
    if cache:
        np.save(cache, pred)
conf = np.zeros((10, 10))
np.add.at(conf, (y, pred), 1)
conf /= conf.sum(1, keepdims=True)
ours, ref = {}, {}
for line in open(scores):
    a, b, s = line.split()
    ours[(int(a), int(b))] = float(s)
for a in range(10):
    for b in range(a + 1, 10):
        ref[(a, b)] = conf[a, b] + conf[b, a]
keys = sorted(ref)
rho = spearmanr([ours[k] for k in keys], [ref[k] for k in keys]).correlation
top_ours = set(sorted(keys, key=lambda k: -ours[k])[:5])
top_ref = sorted(keys, key=lambda k: -ref[k])[:5]
print("spearman %.4f top5 %d classifier-top5 %s" % (rho, len(top_ours & set(top_ref)), top_ref))
