#!/usr/bin/python3
"""make_fixtures.py — reader fixtures written by numpy itself.

Usage: /usr/bin/python3 tests/gen/make_fixtures.py OUTDIR   (ctest: gen_fixtures)

Needs only Python 3 and Debian's numpy.  Deterministic (fixed seeds, gzip
mtime 0) and fast (about a second).  Writes under OUTDIR:

  npy/      one .npy per dtype (f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1), C and
            Fortran order, little and big endian, 1-D / 2-D / 3-D / 4-D, a
            few with format versions 2.0 and 3.0.  Each NAME.npy has a sibling
            NAME.expect.f32: the values as little-endian float32 in C order,
            reshaped to (N, -1), converted by numpy:
                arr.astype('<f4').reshape(len(arr), -1).tobytes()
            npy/manifest.txt lists them, one per line:
                name n_rows n_cols mapped image_h image_w image_c dtype
            (mapped: 1 when the reader should memory-map it: '<f4', C order).
  idx/      IDX files (big-endian) of every IDX type, raw and gzip, with
            NAME.expect.f32 as above and idx/manifest.txt (same columns,
            mapped always 0, dtype as the reader names it).
  npz/      basic_stored.npz (np.savez) and basic_deflated.npz
            (np.savez_compressed): x (37 x 5 float32) plus 1-D arrays label
            (int64), score (float64), big (uint64), flag (bool);
            basic.expect.f32 for x and basic.columns.tsv (header row, then
            the exact text each column cell must have).  Error cases:
            two_matrices.npz, mismatch.npz (x 37 rows, y 36 values),
            empty.npz (no members), only_1d.npz.  cube_deflated.npz holds a
            10 x 4 x 3 float64 array (image shape 4 x 3).
  mnist/    the repository's data/mnist10k (10000 x 28 x 28 uint8) as raw
            IDX (un-gzipped copies), .npy (uint8 3-D, float32 2-D), .npz
            (stored and deflated, with a 'label' array), label .npy files,
            and the first 500 rows as text:
              mnist500.tsv            TAB, no header, no label column
              mnist500_header.tsv     TAB, header px0..px783 + 'name' (text, last)
              mnist500_header.csv     comma, header 'name' (text, first) + px0..
              mnist500_noheader.csv   comma, no header, text name first
              mnist500_scaled.tsv     pixels/255 as float32 printed with %.9g
              mnist500_scaled.npy     the same float32 values
              mnist500_meta.tsv       one column of digit labels, no header
              mnist500_meta_label.tsv 'label' header line + 500 labels (N+1 case)
              mnist500_meta_multi.tsv header digit/name/parity + 500 rows
              mnist500-labels-idx1-ubyte  first 500 labels as IDX
            mnist/expect.txt holds numpy's checksums of the 10000 x 784 pixels.
"""
import gzip
import os
import shutil
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DTYPES = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]
NAMES = {"f2": "float16", "f4": "float32", "f8": "float64", "i1": "int8", "i2": "int16",
         "i4": "int32", "i8": "int64", "u1": "uint8", "u2": "uint16", "u4": "uint32",
         "u8": "uint64", "b1": "bool"}
DIGIT_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Values that stress each conversion: float16 subnormals, infinities and NaN;
# float64 values that overflow, underflow or round to even in float32; 64-bit
# integers that float32 must round once (a detour through double would round
# twice and differ: 2**60 + 2**36 + 1 lies just above a float32 midpoint).
SPECIAL = {
    "f2": [0.0, -0.0, 2.0 ** -24, -(2.0 ** -24), 2.0 ** -20, 6.097555e-05, 6.1035156e-05,
           65504.0, -65504.0, np.inf, -np.inf, np.nan, 0.333, -1.5],
    "f4": [np.nan, np.inf, -np.inf, 1e-40, -1e-45, 3.4028235e38, -0.0, 1.0000001],
    "f8": [1e300, -1e300, 1e-320, 1e-42, 0.1, 1.0 / 3.0, np.nan, 1.0 + 2.0 ** -24,
           1.0 + 2.0 ** -24 + 2.0 ** -52, 3.4028235677973366e38, 3.4028236e38, -np.inf],
    "i8": [2 ** 63 - 1, -2 ** 63, 2 ** 62 + 1, 2 ** 60 + 2 ** 36 + 1, -(2 ** 60 + 2 ** 36 + 1),
           2 ** 53 + 1, 2 ** 24 + 1, -(2 ** 24 + 3), 123456789012345678],
    "u8": [2 ** 64 - 1, 2 ** 63 + 2 ** 39 + 1, 2 ** 60 + 2 ** 36 + 1, 2 ** 53 + 1, 2 ** 24 + 1,
           18446744073709549568, 9223372036854775808],
    "i4": [2 ** 31 - 1, -2 ** 31, 2 ** 24 + 1, -(2 ** 24 + 1), 16777219],
    "u4": [2 ** 32 - 1, 2 ** 31, 2 ** 24 + 1],
    "i2": [32767, -32768, -1],
    "u2": [65535, 32768],
    "i1": [127, -128, -1],
    "u1": [255, 128],
}


def values(code, shape, rng):
    """Deterministic values of dtype `code` with its special values mixed in."""
    dt = np.dtype("<" + code if code != "b1" else "?")
    n = int(np.prod(shape))
    if code == "b1":
        return (rng.random(n) < 0.5).reshape(shape)
    if dt.kind == "f":
        v = rng.standard_normal(n) * 100.0
    else:
        info = np.iinfo(dt)
        lo, hi = int(info.min), int(info.max)
        small = rng.integers(max(lo, -100), min(hi, 100), size=n, endpoint=True)
        big = rng.integers(lo, hi, size=n, endpoint=True, dtype=dt)
        v = np.where(rng.random(n) < 0.5, small.astype(dt), big)
    with np.errstate(over="ignore", invalid="ignore"):
        v = np.asarray(v).astype(dt)
        sp = np.array(SPECIAL.get(code, []), dtype=object)
        k = min(len(sp), n)
        if k:
            v[:k] = np.array(list(sp[:k]), dtype=dt)
    return v.reshape(shape)


def expect_bytes(arr):
    with np.errstate(over="ignore", invalid="ignore"):
        return arr.astype("<f4").reshape(len(arr), -1).tobytes()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def image_shape(arr):
    if arr.ndim == 3:
        return arr.shape[1], arr.shape[2], 1
    if arr.ndim == 4 and arr.shape[3] in (1, 3, 4):
        return arr.shape[1], arr.shape[2], arr.shape[3]
    return 0, 0, 0


def manifest_line(name, arr, mapped, dtype_name):
    n = len(arr)
    d = int(np.prod(arr.shape[1:])) if arr.ndim > 1 else 1
    h, w, c = image_shape(arr)
    return "%s %d %d %d %d %d %d %s\n" % (name, n, d, mapped, h, w, c, dtype_name)


def gen_npy(out):
    d = os.path.join(out, "npy")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(20240601)
    lines = []
    shapes = {"1d": (11,), "2d": (37, 5), "3d": (6, 4, 3)}
    jobs = []
    for code in DTYPES:
        single = code in ("i1", "u1", "b1")
        endians = [("", "|")] if single else [("le", "<"), ("be", ">")]
        for sname, shape in shapes.items():
            base = values(code, shape, rng)
            orders = ["C"] if len(shape) == 1 else ["C", "F"]
            for order in orders:
                for ename, echar in endians:
                    jobs.append((code, sname, order, ename, echar, base, (1, 0)))
    # Format versions 2.0 and 3.0, and 4-D image stacks (N x H x W x C).
    extra = [
        ("f4", "2d", "C", "le", "<", (2, 0)), ("f4", "3d", "C", "le", "<", (3, 0)),
        ("i2", "2d", "F", "be", ">", (2, 0)), ("f2", "2d", "C", "be", ">", (3, 0)),
        ("u8", "2d", "C", "le", "<", (3, 0)), ("b1", "3d", "F", "", "|", (2, 0)),
    ]
    for code, sname, order, ename, echar, ver in extra:
        jobs.append((code, sname, order, ename, echar, values(code, shapes[sname], rng), ver))
    for code in ("f4", "u1"):
        arr4 = values(code, (3, 4, 2, 3), rng)
        for order in ("C", "F"):
            jobs.append((code, "4d", order, "le" if code == "f4" else "",
                         "<" if code == "f4" else "|", arr4, (1, 0)))
    for code, sname, order, ename, echar, base, ver in jobs:
        arr = base.astype(echar + code if code != "b1" else "?")
        arr = np.asfortranarray(arr) if order == "F" else np.ascontiguousarray(arr)
        name = "%s_%s_%s" % (code, sname, order)
        if ename:
            name += "_" + ename
        if ver != (1, 0):
            name += "_v%d" % ver[0]
        with open(os.path.join(d, name + ".npy"), "wb") as f:
            np.lib.format.write_array(f, arr, version=ver)
        write(os.path.join(d, name + ".expect.f32"), expect_bytes(arr))
        # numpy writes 1-D arrays as C order whatever their flags say.
        fortran = order == "F" and arr.ndim > 1
        mapped = int(code == "f4" and echar == "<" and not fortran)
        lines.append(manifest_line(name, arr, mapped, NAMES[code]))
    # A 0-row matrix is legal (an empty selection saved by numpy).
    z = np.zeros((0, 5), "<f4")
    np.save(os.path.join(d, "empty_rows.npy"), z)
    write(os.path.join(d, "empty_rows.expect.f32"), b"")
    lines.append(manifest_line("empty_rows", z, 1, "float32"))
    write(os.path.join(d, "manifest.txt"), "".join(lines).encode())
    # Not readable as a matrix: a scalar, and zero columns.
    np.save(os.path.join(d, "scalar.npy"), np.float32(3.5))
    np.save(os.path.join(d, "zero_cols.npy"), np.zeros((4, 0), "<f4"))
    np.save(os.path.join(d, "complex.npy"), np.zeros((3, 2), np.complex64))
    np.save(os.path.join(d, "record.npy"), np.zeros(3, dtype=[("a", "<f4"), ("b", "<i4")]))
    np.save(os.path.join(d, "unicode.npy"), np.array(["a", "bc"]))
    # Small files for the corruption and fault-injection tests.
    small = values("f4", (8, 3), rng)
    np.save(os.path.join(d, "small_f4.npy"), small)
    np.save(os.path.join(d, "small_i2_be_F.npy"), np.asfortranarray(values("i2", (8, 3), rng).astype(">i2")))
    np.save(os.path.join(d, "labels_u1.npy"), np.arange(37, dtype=np.uint8) % 4)
    np.save(os.path.join(d, "labels_i8_col.npy"), (np.arange(37, dtype=np.int64) % 3).reshape(37, 1))


IDX_TYPES = [(0x08, "u1", "uint8"), (0x09, "i1", "int8"), (0x0B, "i2", "int16"),
             (0x0C, "i4", "int32"), (0x0D, "f4", "float32"), (0x0E, "f8", "float64")]


def idx_bytes(arr, code):
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(">%dI" % arr.ndim, *arr.shape)
    return header + arr.astype(">" + arr.dtype.str[1:]).tobytes()


def gen_idx(out):
    d = os.path.join(out, "idx")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(7)
    lines = []
    names = {0x08: "ubyte", 0x09: "byte", 0x0B: "short", 0x0C: "int", 0x0D: "float",
             0x0E: "double"}
    for code, npcode, dtname in IDX_TYPES:
        for sname, shape in (("1d", (11,)), ("2d", (37, 5)), ("3d", (6, 4, 3))):
            arr = values(npcode, shape, rng)
            data = idx_bytes(arr, code)
            for gz in (False, True):
                name = "%s_%s%s" % (names[code], sname, "_gz" if gz else "")
                fname = name + (".idx.gz" if gz else ".idx")
                write(os.path.join(d, fname), gzip.compress(data, mtime=0) if gz else data)
                write(os.path.join(d, name + ".expect.f32"), expect_bytes(arr))
                lines.append(manifest_line(fname, arr, 0, dtname))
    write(os.path.join(d, "manifest.txt"), "".join(lines).encode())
    # Labels for ev_labels_read: IDX int32, 37 values.
    write(os.path.join(d, "labels37_int.idx"),
          idx_bytes((np.arange(37, dtype=">i4") * 7) % 5 - 1, 0x0C))


def gen_npz(out):
    d = os.path.join(out, "npz")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(99)
    x = values("f4", (37, 5), rng)
    label = (np.arange(37, dtype=np.int64) * 5) % 7 - 2
    score = rng.standard_normal(37)
    score[0] = 0.1
    score[1] = -1e300
    big = rng.integers(0, 2 ** 64 - 1, size=37, dtype=np.uint64, endpoint=True)
    big[0] = 2 ** 64 - 1
    big[1] = 0
    flag = rng.random(37) < 0.5
    np.savez(os.path.join(d, "basic_stored.npz"), x=x, label=label, score=score, big=big,
             flag=flag)
    np.savez_compressed(os.path.join(d, "basic_deflated.npz"), x=x, label=label, score=score,
                        big=big, flag=flag)
    write(os.path.join(d, "basic.expect.f32"), expect_bytes(x))
    rows = ["label\tscore\tbig\tflag"]
    for i in range(37):
        rows.append("%d\t%s\t%d\t%d" % (label[i], "%.17g" % score[i], int(big[i]), int(flag[i])))
    write(os.path.join(d, "basic.columns.tsv"), ("\n".join(rows) + "\n").encode())
    np.savez(os.path.join(d, "two_matrices.npz"), alpha=x, beta=x[:, :3], gamma=label)
    np.savez(os.path.join(d, "mismatch.npz"), x=x, y=label[:36])
    np.savez(os.path.join(d, "empty.npz"))
    np.savez(os.path.join(d, "only_1d.npz"), y=label)
    cube = rng.standard_normal((10, 4, 3))
    np.savez_compressed(os.path.join(d, "cube_deflated.npz"), cube=cube)
    write(os.path.join(d, "cube.expect.f32"), expect_bytes(cube))
    np.savez(os.path.join(d, "small.npz"), x=x[:6, :3], y=label[:6])
    np.savez_compressed(os.path.join(d, "small_deflated.npz"), x=x[:6, :3], y=label[:6])


def read_idx_gz(path):
    b = gzip.open(path).read()
    nd = b[3]
    shape = struct.unpack(">%dI" % nd, b[4:4 + 4 * nd])
    return b, np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(shape)


def gen_mnist(out):
    d = os.path.join(out, "mnist")
    os.makedirs(d, exist_ok=True)
    raw_x, x = read_idx_gz(os.path.join(REPO, "data", "mnist10k-images-idx3-ubyte.gz"))
    raw_y, y = read_idx_gz(os.path.join(REPO, "data", "mnist10k-labels-idx1-ubyte.gz"))
    write(os.path.join(d, "mnist10k-images-idx3-ubyte"), raw_x)
    write(os.path.join(d, "mnist10k-labels-idx1-ubyte"), raw_y)
    shutil.copyfile(os.path.join(REPO, "data", "mnist10k-images-idx3-ubyte.gz"),
                    os.path.join(d, "mnist10k-images-idx3-ubyte.gz"))
    flat = x.reshape(len(x), -1)
    np.save(os.path.join(d, "mnist10k_u8.npy"), x)
    np.save(os.path.join(d, "mnist10k_f4.npy"), flat.astype("<f4"))
    np.save(os.path.join(d, "mnist10k_labels.npy"), y)
    np.save(os.path.join(d, "mnist10k_labels_i8.npy"), y.astype(np.int64))
    np.savez(os.path.join(d, "mnist10k.npz"), x=flat, label=y.astype(np.int64))
    np.savez_compressed(os.path.join(d, "mnist10k_deflated.npz"), images=x, label=y)
    v = flat.astype(np.int64)
    weights = np.arange(v.size, dtype=np.int64).reshape(v.shape) % 997
    with open(os.path.join(d, "expect.txt"), "w") as f:
        f.write("sum %d\nweighted %d\nnonzero %d\n"
                % (v.sum(), (v * weights).sum(), int((v > 0).sum())))
    n = 500
    sub = flat[:n]
    names = [DIGIT_NAMES[k] for k in y[:n]]
    px = ["px%d" % j for j in range(sub.shape[1])]
    rows_plain = ["\t".join(map(str, r)) for r in sub.tolist()]
    write(os.path.join(d, "mnist500.tsv"), ("\n".join(rows_plain) + "\n").encode())
    body = ["\t".join(px + ["name"])] + [r + "\t" + nm for r, nm in zip(rows_plain, names)]
    write(os.path.join(d, "mnist500_header.tsv"), ("\n".join(body) + "\n").encode())
    rows_csv = [",".join(map(str, r)) for r in sub.tolist()]
    body = [",".join(["name"] + px)] + [nm + "," + r for r, nm in zip(rows_csv, names)]
    write(os.path.join(d, "mnist500_header.csv"), ("\n".join(body) + "\n").encode())
    body = [nm + "," + r for r, nm in zip(rows_csv, names)]
    write(os.path.join(d, "mnist500_noheader.csv"), ("\n".join(body) + "\n").encode())
    scaled = (sub / np.float32(255)).astype("<f4")
    np.save(os.path.join(d, "mnist500_scaled.npy"), scaled)
    write(os.path.join(d, "mnist500_scaled.tsv"),
          ("\n".join("\t".join("%.9g" % t for t in r) for r in scaled.tolist()) + "\n").encode())
    labels = [str(k) for k in y[:n]]
    write(os.path.join(d, "mnist500_meta.tsv"), ("\n".join(labels) + "\n").encode())
    write(os.path.join(d, "mnist500_meta_label.tsv"), ("label\n" + "\n".join(labels) + "\n").encode())
    multi = ["digit\tname\tparity"] + ["%d\t%s\t%s" % (k, DIGIT_NAMES[k], "even" if k % 2 == 0 else "odd")
                                       for k in y[:n]]
    write(os.path.join(d, "mnist500_meta_multi.tsv"), ("\n".join(multi) + "\n").encode())
    write(os.path.join(d, "mnist500-labels-idx1-ubyte"), idx_bytes(np.ascontiguousarray(y[:n]), 0x08))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make_fixtures.py OUTDIR\n")
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    gen_npy(out)
    gen_idx(out)
    gen_npz(out)
    gen_mnist(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
