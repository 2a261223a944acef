#!/usr/bin/python3
"""Writes the hostile reader inputs of issue #13 (and a well-formed file of
about the same size beside each) into a folder, for run_hostile_readers.sh.

usage: make_hostile.py OUT_DIR

Each entry of OUT_DIR/cases.tsv is: name, kind (hostile | good), the
embview info arguments (paths relative to OUT_DIR), what it checks.
Written with the real writers where they can write the file (numpy,
zipfile, gzip); zip entries that overlap and LevelDB tables are put
together byte by byte (struct, zlib), as nothing else writes them.
Idempotent: existing files are kept.
"""
import gzip
import io
import os
import struct
import sys
import zlib

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "bench/out/hostile"
os.makedirs(OUT, exist_ok=True)
CASES = []


def path(name):
    return os.path.join(OUT, name)


def case(name, kind, args, what):
    CASES.append((name, kind, args, what))


def once(name, write):
    p = path(name)
    if not os.path.exists(p):
        write(p + ".tmp")
        os.rename(p + ".tmp", p)
    return name


# ---- 5: text that used to take super-linear time ----

def header_2000a(p):
    # 8 KB: 2,000 text columns all named "a", one numeric column
    with open(p, "w") as f:
        f.write("x" + ",a" * 2000 + "\n1" + ",t" * 2000 + "\n")


def good_8k(p):
    rng = np.random.default_rng(1)
    np.savetxt(p, rng.integers(0, 100, size=(280, 10)), fmt="%d", delimiter=",")


def million_columns(p):
    # 5 MB: a million columns, their names all "a", first data values empty
    n = 999999
    with open(p, "w") as f:
        f.write("x" + ",a" * n + "\n1" + "," * n + "\n2" + ",t" * n + "\n")


def good_5m(p):
    rng = np.random.default_rng(2)
    np.savetxt(p, rng.random((5000, 100), dtype=np.float32), fmt="%.6f", delimiter="\t")


case(once("header_2000a.csv", header_2000a), "hostile", "{f}", "5: 2,000 repeated header names (8 KB)")
case(once("good_8k.csv", good_8k), "good", "{f}", "5: numbers, 8 KB")
case(once("million_columns.csv", million_columns), "hostile", "{f}",
     "5: a million columns, names repeated, first values empty (5 MB)")
case(once("good_5m.tsv", good_5m), "good", "{f}", "5: 5000 x 100 floats (5 MB)")


# ---- 6a: a zip whose directory names one deflated member 200 times ----

def npy_bytes(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def zip_bomb(p):
    data = npy_bytes(np.zeros((16384, 1024), np.float32))  # 64 MB
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    comp = c.compress(data) + c.flush()
    crc = zlib.crc32(data)
    name = b"x.npy"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), len(data),
                        len(name), 0) + name
    body = local + comp
    cd = b""
    for k in range(200):
        n = b"x%d.npy" % k
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp),
                          len(data), len(n), 0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 200, 200, len(cd), len(body), 0)
    with open(p, "wb") as f:
        f.write(body + cd + end)


def good_npz_64m(p):
    with open(p, "wb") as f:
        np.savez_compressed(f, x=np.zeros((16384, 1024), np.float32))


case(once("zip_bomb.npz", zip_bomb), "hostile", "{f}", "6a: 200 entries naming one 64 MB deflated member")
case(once("good_64m.npz", good_npz_64m), "good", "{f}", "6a: one 64 MB deflated matrix (np.savez_compressed)")


# ---- 6b, 7: TensorFlow V2 checkpoint indexes (LevelDB tables) ----

def crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


CRC32C = crc32c_table()


def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = CRC32C[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def mask(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def block(entries):
    """A block of (key, value) pairs as given, prefix-compressed, one restart."""
    b = bytearray()
    prev = b""
    for k, v in entries:
        shared = 0
        while shared < min(len(k), len(prev)) and k[shared] == prev[shared]:
            shared += 1
        b += varint(shared) + varint(len(k) - shared) + varint(len(v)) + k[shared:] + v
        prev = k
    b += struct.pack("<II", 0, 1)
    return bytes(b)


def table(data_blocks, index_refs):
    """data_blocks: lists of entries; index_refs: which block each index entry names."""
    f = bytearray()
    handles = []
    for entries in data_blocks:
        blk = block(entries)
        handles.append((len(f), len(blk)))
        f += blk + b"\0" + struct.pack("<I", mask(crc32c(blk + b"\0")))
    meta = block([])
    m = (len(f), len(meta))
    f += meta + b"\0" + struct.pack("<I", mask(crc32c(meta + b"\0")))
    idx = block([(b"s%07d" % k, varint(handles[r][0]) + varint(handles[r][1])) for k, r in enumerate(index_refs)])
    i = (len(f), len(idx))
    f += idx + b"\0" + struct.pack("<I", mask(crc32c(idx + b"\0")))
    foot = varint(m[0]) + varint(m[1]) + varint(i[0]) + varint(i[1])
    f += foot + b"\0" * (40 - len(foot)) + struct.pack("<Q", 0xDB4775248B80FB57)
    return bytes(f)


HEADER = (b"", b"\x08\x01")  # num_shards: 1


def entry(shape, offset, size, crc=0):
    sh = b""
    for d in shape:
        dim = varint(0x08) + varint(d)
        sh += varint(0x12) + varint(len(dim)) + dim
    v = varint(0x08) + varint(1) + varint(0x12) + varint(len(sh)) + sh
    if offset:
        v += varint(0x20) + varint(offset)
    v += varint(0x28) + varint(size) + b"\x35" + struct.pack("<I", mask(crc))
    return v


def ckpt_same_block(p):
    # 1,000 index entries naming one block of 100,000 copies of one key
    # (empty entries: 3 bytes each)
    with open(p, "wb") as f:
        f.write(table([[HEADER] + [(b"k", b"")] * 100000], [0] * 1000))
    with open(p[:-len(".index.tmp")] + ".data-00000-of-00001", "wb") as f:
        f.write(b"\0" * 16)


def ckpt_good(p):
    # about the same size, well formed: 14,000 empty 1-D tensors and one 1000 x 64 float32 embedding
    emb = np.random.default_rng(3).random((1000, 64), dtype=np.float32).tobytes()
    entries = [HEADER, (b"embedding", entry([1000, 64], 0, len(emb), crc32c(emb)))]
    entries += [(b"t%06d" % k, entry([0], 0, 0)) for k in range(14000)]
    with open(p, "wb") as f:
        f.write(table([entries], [0]))
    with open(p[:-len(".index.tmp")] + ".data-00000-of-00001", "wb") as f:
        f.write(emb)


def ckpt_huge(p):
    # a tensor of shape [2^62, 1], and one at offset 2^63 - 8
    entries = [HEADER, (b"big", entry([1 << 62, 1], 0, 16)), (b"far", entry([2, 2], (1 << 63) - 8, 16))]
    with open(p, "wb") as f:
        f.write(table([entries], [0]))
    with open(p[:-len(".index.tmp")] + ".data-00000-of-00001", "wb") as f:
        f.write(b"\0" * 64)


case(once("ckpt_same_block.index", ckpt_same_block), "hostile", "{f}",
     "6b: 1,000 index entries naming one block of 100,000 copies of one key")
case(once("ckpt_good.index", ckpt_good), "good", "{f} --tensor embedding", "6b: 14,001 tensors")
case(once("ckpt_huge.index", ckpt_huge), "hostile", "{f} --tensor big", "7: shape [2^62, 1]")
case("ckpt_huge.index", "hostile", "{f} --tensor far", "7: offset 2^63 - 8")


# ---- 6c: a wide metadata header over one-byte rows ----

def meta_wide(p):
    with open(p, "w") as f:
        f.write("\t".join(["a"] * 4096) + "\n" + "x\n" * 30000)


def meta_good(p):
    with open(p, "w") as f:
        f.write("label\tgroup\n" + "".join("%d\t%d\n" % (i % 10, i % 7) for i in range(17000)))


def vecs_30k(p):
    with open(p, "wb") as f:
        np.save(f, np.zeros((30000, 2), np.float32))


once("vecs_30k.npy", vecs_30k)
case(once("meta_wide.tsv", meta_wide), "hostile", "vecs_30k.npy --metadata {f}",
     "6c: 4,096 metadata columns over 30,000 one-byte rows")
def vecs_17k(p):
    with open(p, "wb") as f:
        np.save(f, np.zeros((17000, 2), np.float32))


once("vecs_17k.npy", vecs_17k)
case(once("meta_good.tsv", meta_good), "good", "vecs_17k.npy --metadata {f}", "6c: 2 columns x 17,000 rows")


# ---- 6d: a hundred million one-character lines, gzip-compressed ----

def lines_gz(p):
    chunk = b"1\n" * (1 << 20)
    with gzip.open(p, "wb", compresslevel=9) as f:
        for _ in range(104000000 // (1 << 20)):
            f.write(chunk)


def good_gz(p):
    rng = np.random.default_rng(4)
    b = io.StringIO()
    np.savetxt(b, rng.random((3400, 20), dtype=np.float32), fmt="%.5f", delimiter="\t")
    with gzip.open(p, "wb", compresslevel=9) as f:
        f.write(b.getvalue().encode())


case(once("lines.tsv.gz", lines_gz), "hostile", "{f}", "6d: 104 million one-character lines, gzip")
case(once("good.tsv.gz", good_gz), "good", "{f}", "6d: 3400 x 20 floats, gzip")


# ---- 6e: 1-D label arrays in an NPZ ----

def labels_npz(p):
    n = 10000000
    with open(p, "wb") as f:
        np.savez_compressed(f, x=np.zeros((n, 2), np.float32), label=(np.arange(n) % 10).astype(np.uint8))


def nolabels_npz(p):
    with open(p, "wb") as f:
        np.savez_compressed(f, x=np.zeros((10000000, 3), np.float32))


case(once("labels.npz", labels_npz), "hostile", "{f}", "6e: 10 million uint8 labels beside the matrix")
case(once("nolabels.npz", nolabels_npz), "good", "{f}", "6e: the matrix alone")


# ---- 11: no rows, rows too long ----

def zero_rows(p):
    h = b"{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904), }"
    h += b" " * (118 - len(h)) + b"\n"
    with open(p, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h)


case(once("zero_rows.npy", zero_rows), "hostile", "{f}", "11: shape (0, 2^62)")

with open(path("cases.tsv"), "w") as f:
    for c in CASES:
        f.write("\t".join(c) + "\n")
print(OUT)
