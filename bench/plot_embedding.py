#!/usr/bin/python3
"""Scatter plot of a 2-D embedding coloured by label (matplotlib), for the
benchmark record.  usage: plot_embedding.py EMBEDDING.npy LABELS_IDX[.gz] OUT.png TITLE"""
import gzip
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    emb, labels, out, title = sys.argv[1:5]
    y = np.load(emb)
    raw = gzip.open(labels).read() if labels.endswith(".gz") else open(labels, "rb").read()
    lab = np.frombuffer(raw[8:], dtype=np.uint8)
    fig, ax = plt.subplots(figsize=(7, 7), dpi=110)
    cmap = plt.get_cmap("tab10")
    for c in range(10):
        m = lab == c
        ax.scatter(y[m, 0], y[m, 1], s=1.5, color=cmap(c), label=str(c), rasterized=True)
        cx, cy = np.median(y[m, 0]), np.median(y[m, 1])
        ax.text(cx, cy, str(c), fontsize=16, weight="bold", ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.7, lw=0))
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(markerscale=6, loc="upper right", fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    main()
