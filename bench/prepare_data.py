#!/usr/bin/python3
"""Writes bench/data/fashion70k-{images-idx3,labels-idx1}-ubyte: Fashion-MNIST
train (60,000) followed by t10k (10,000), uncompressed IDX, from Debian's
dataset-fashion-mnist package.  Idempotent."""
import gzip
import os
import sys

SRC = "/usr/share/datasets/fashion-mnist"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "data")
    os.makedirs(out, exist_ok=True)
    for kind, magic, hdr in (("images", 0x803, 16), ("labels", 0x801, 8)):
        dst = os.path.join(out, f"fashion70k-{kind}-idx{3 if kind == 'images' else 1}-ubyte")
        if os.path.exists(dst):
            continue
        parts = [gzip.open(os.path.join(SRC, f"{s}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz")).read()
                 for s in ("train", "t10k")]
        n = sum(int.from_bytes(p[4:8], "big") for p in parts)
        head = magic.to_bytes(4, "big") + n.to_bytes(4, "big") + parts[0][8:hdr]
        with open(dst + ".tmp", "wb") as f:
            f.write(head)
            for p in parts:
                f.write(p[hdr:])
        os.rename(dst + ".tmp", dst)
    print(out)


if __name__ == "__main__":
    main()
