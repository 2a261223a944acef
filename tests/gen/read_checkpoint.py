#!/usr/bin/python3
"""Independent reader of a TensorFlow V2 checkpoint (tensor bundle), written
from ../shared/docs/tensorboard-formats.md, to check embview's writer:
verifies the footer, every block's masked CRC-32C, the entries, and that
tensor NAME equals the first ROWS x COLS of MNIST-10k (as float32).
usage: read_checkpoint.py PREFIX NAME ROWS COLS"""
import gzip
import os
import sys

import numpy as np

TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    TABLE.append(c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = (c >> 8) ^ TABLE[(c ^ b) & 0xFF]
    return c ^ 0xFFFFFFFF


def unmask(m):
    r = (m - 0xA282EAD8) & 0xFFFFFFFF
    return ((r >> 17) | (r << 15)) & 0xFFFFFFFF


def varint(buf, pos):
    v = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, pos


def block(f, off, size):
    data = f[off:off + size]
    stored = int.from_bytes(f[off + size + 1:off + size + 5], "little")
    assert f[off + size] == 0, "compressed block"
    assert unmask(stored) == crc32c(f[off:off + size + 1]), "block checksum"
    n = int.from_bytes(data[-4:], "little")
    end = len(data) - 4 - 4 * n
    pos, key, out = 0, b"", []
    while pos < end:
        shared, pos = varint(data, pos)
        non_shared, pos = varint(data, pos)
        vlen, pos = varint(data, pos)
        key = key[:shared] + data[pos:pos + non_shared]
        pos += non_shared
        out.append((key, data[pos:pos + vlen]))
        pos += vlen
    return out


def fields(buf):
    pos, out = 0, []
    while pos < len(buf):
        tag, pos = varint(buf, pos)
        num, wire = tag >> 3, tag & 7
        if wire == 0:
            v, pos = varint(buf, pos)
        elif wire == 2:
            n, pos = varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            v, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise ValueError("wire type %d" % wire)
        out.append((num, v))
    return out


def main():
    prefix, name, rows, cols = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4])
    f = open(prefix + ".index", "rb").read()
    assert f[-8:] == bytes.fromhex("57fb808b247547db"), "magic"
    pos = len(f) - 48
    moff, pos = varint(f, pos)
    msize, pos = varint(f, pos)
    ioff, pos = varint(f, pos)
    isize, pos = varint(f, pos)
    assert block(f, moff, msize) == [], "metaindex not empty"
    entries = {}
    for sep, handle in block(f, ioff, isize):
        off, p = varint(handle, 0)
        size, p = varint(handle, p)
        for key, val in block(f, off, size):
            assert key <= sep
            entries[key] = dict(fields(val))
    assert entries[b""].get(1) == 1, "num_shards"
    e = entries[name]
    assert e[1] == 1, "dtype float32"
    dims = [dict(fields(d)).get(1, 0) for n, d in fields(e[2]) if n == 2]
    assert dims == [rows, cols], dims
    data = open(prefix + ".data-00000-of-00001", "rb").read()
    off, size = e.get(4, 0), e.get(5, 0)
    raw = data[off:off + size]
    assert unmask(e[6]) == crc32c(raw), "tensor checksum"
    x = np.frombuffer(raw, "<f4").reshape(rows, cols)
    src = os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist10k-images-idx3-ubyte.gz")
    mnist = np.frombuffer(gzip.open(src).read()[16:], np.uint8).reshape(10000, 784)[:rows, :cols]
    assert (x == mnist.astype(np.float32)).all(), "values"
    print("checkpoint ok: %d tensors, %s is %d x %d" % (len(entries) - 1, name.decode(), rows, cols))


main()
