#!/usr/bin/python3
"""scikit-learn's trustworthiness and continuity (trustworthiness with the
spaces swapped) of a map, for test_analysis.  usage: trustworthiness.py X.npy Y.npy K"""
import sys

import numpy as np
from sklearn.manifold import trustworthiness

x, y, k = np.load(sys.argv[1]).astype(np.float64), np.load(sys.argv[2]).astype(np.float64), int(sys.argv[3])
print("%.12f %.12f" % (trustworthiness(x, y, n_neighbors=k), trustworthiness(y, x, n_neighbors=k)))
