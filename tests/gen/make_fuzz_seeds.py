#!/usr/bin/python3
"""make_fuzz_seeds.py — the fuzzers' seed corpora (fuzz/corpus/NAME/).

Usage: /usr/bin/python3 tests/gen/make_fuzz_seeds.py [OUTDIR]   (default: fuzz/corpus)

Small, deterministic inputs (numpy 1.24 writes the .npy/.npz ones; gzip
mtime 0) that reach each reader's main paths, so a campaign starts deep
instead of rediscovering the formats.  The one real file is
tests/data/tf2-lol-champions (MIT, see its LICENSE): its checkpoint, config,
state file and metadata.  Everything else is synthetic.  The output is
committed; re-run this after changing it and commit the difference.

Input layouts are those of the harnesses (fuzz/fuzz_NAME.c); the checkpoint
harness takes PREFIX.index, then "EVFZDATA" and each data shard.
"""
import gzip
import io
import os
import shutil
import struct
import sys
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LOL = os.path.join(REPO, "tests", "data", "tf2-lol-champions", "logs")


def put(out, harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):
    b = io.BytesIO()
    with gzip.GzipFile(fileobj=b, mode="wb", mtime=0) as f:
        f.write(data)
    return b.getvalue()


def npy(arr, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr, version=version, allow_pickle=False)
    return b.getvalue()


def values(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100), min(info.max, 200), size=shape, endpoint=True).astype(dtype)
    return (rng.standard_normal(shape) * 3).astype(dtype)


# ---- IDX ----

IDX_CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx(arr, code):
    return bytes([0, 0, code, arr.ndim]) + b"".join(struct.pack(">I", n) for n in arr.shape) + arr.tobytes()


def gen_idx(out):
    shapes = {"u1": (3, 4, 4), "i1": (6,), ">i2": (2, 3), ">i4": (2, 2), ">f4": (3, 2), ">f8": (2, 2, 2)}
    for i, (dt, shape) in enumerate(shapes.items()):
        name = dt.strip("><")
        put(out, "idx", "%s_%s.idx" % (name, "x".join(map(str, shape))), idx(values(dt, shape, i), IDX_CODES[dt]))
    put(out, "idx", "u1_labels_10.idx", idx(np.arange(10, dtype="u1") % 3, 0x08))
    put(out, "idx", "u1_3x4x4.idx.gz", gz(idx(values("u1", (3, 4, 4), 0), 0x08)))
    put(out, "idx", "f4_3x2.idx.gz", gz(idx(values(">f4", (3, 2), 4), 0x0D)))
    put(out, "idx", "u1_0x5.idx", idx(np.zeros((0, 5), dtype="u1"), 0x08))


# ---- NPY ----

def gen_npy(out):
    for i, code in enumerate(["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]):
        put(out, "npy", "%s_3x2.npy" % code, npy(values("<" + code if code != "b1" else "?", (3, 2), i)))
    put(out, "npy", "f4_be_3x2.npy", npy(values(">f4", (3, 2), 20)))
    put(out, "npy", "f8_fortran_3x4.npy", npy(np.asfortranarray(values("<f8", (3, 4), 21))))
    put(out, "npy", "u1_image_2x4x4.npy", npy(values("u1", (2, 4, 4), 22)))
    put(out, "npy", "f4_rgb_2x2x2x3.npy", npy(values("<f4", (2, 2, 2, 3), 23)))
    put(out, "npy", "i8_labels_5.npy", npy(np.array([3, 1, 4, 1, 5], dtype="<i8")))
    put(out, "npy", "f4_v2_2x2.npy", npy(values("<f4", (2, 2), 24), version=(2, 0)))
    put(out, "npy", "f4_v3_2x2.npy", npy(values("<f4", (2, 2), 25), version=(3, 0)))
    put(out, "npy", "f4_0x3.npy", npy(np.zeros((0, 3), dtype="<f4")))
    put(out, "npy", "f8_scalar.npy", npy(np.array(2.5)))
    # Python 2's long shapes, as numpy 1.x on Python 2 wrote them
    body = values("<f4", (2, 3), 26).tobytes()
    head = "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }"
    head += " " * (64 - 10 - len(head) - 1) + "\n"
    put(out, "npy", "f4_py2_long_2x3.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head.encode() + body)


# ---- NPZ ----

def fixed_zip_times(data):
    """Members' modification times set to 1980-01-01 00:00, so that the
    output does not change from one run to the next."""
    data = bytearray(data)
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    p = z.start_dir
    for info in z.infolist():
        data[info.header_offset + 10:info.header_offset + 14] = b"\x00\x00\x21\x00"
        assert data[p:p + 4] == b"PK\x01\x02"
        data[p + 12:p + 16] = b"\x00\x00\x21\x00"
        n, x, c = struct.unpack("<HHH", data[p + 28:p + 34])
        p += 46 + n + x + c
    return bytes(data)


def npz(members, compressed):
    b = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(b, **members)
    return fixed_zip_times(b.getvalue())


def gen_npz(out):
    x = values("<f4", (5, 3), 30)
    label = np.array([0, 1, 1, 2, 0], dtype="<i8")
    score = values("<f8", (5,), 31)
    flag = np.array([True, False, True, True, False])
    put(out, "npz", "stored.npz", npz({"x": x, "label": label, "score": score, "flag": flag}, False))
    put(out, "npz", "deflated.npz", npz({"x": x, "label": label}, True))
    put(out, "npz", "cube_deflated.npz", npz({"cube": values("<f8", (3, 2, 2), 32)}, True))
    put(out, "npz", "two_matrices.npz", npz({"a": x, "b": x}, False))
    put(out, "npz", "only_1d.npz", npz({"label": label}, False))
    put(out, "npz", "empty.npz", npz({}, False))
    # a plain (not zip64) stored archive, as other zip writers make them
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        z.writestr("x.npy", npy(x))
        z.writestr("y.npy", npy(label.astype("<u2")))
    put(out, "npz", "plain_zip.npz", fixed_zip_times(b.getvalue()))


# ---- TSV / CSV tensors ----

def gen_text(out):
    seeds = {
        "plain.tsv": "0.1\t0.2\t0.3\n1\t2\t3\n-4e-2\t5.5\t6\n",
        "header.csv": "name,x,y,z\na,1,2,3\nb,4,5,6\n\"c\",7,8,9\n",
        "header_tab.tsv": "x\ty\tlabel\tgroup\n1\t2\tcat\tA\n3\t4\tdog\tB\n",
        "noheader_text.csv": "cat,1,2\ndog,3,4\nbird,5,6\n",
        "crlf_bom.tsv": "\ufeff1\t2\r\n3\t4\r\n\r\n5\t6\r\n",
        "blank_lines.tsv": "\n \n1\t2\n\u00a0\t\n3\t4\n\u2028\n",
        "nan_inf.tsv": "nan\tinf\t-inf\n1e38\t-0\t1e-45\n",
        "empty_first.csv": "a,b,c\n,1,x\n2,,y\n3,4,z\n",
        "dup_names.csv": "t,t,,v\nx,y,z,1\np,q,r,2\n",
        "one_row_header.tsv": "alpha\tbeta\n",
        "bad_number.tsv": "1\t2\n3\tx4\n",
        "ragged.csv": "1,2,3\n4,5\n",
        "spaces.tsv": " 1 \t 2\t3 \n4\t 5 \t6\n",
        "single_col.tsv": "1\n2\n3\n4\n",
    }
    for name, text in seeds.items():
        put(out, "text_tensor", name, text)


# ---- metadata and labels ----

def gen_metadata(out):
    seeds = {
        "one_col.tsv": "cat\ndog\ncat\nbird\n",
        "label_header.tsv": "label\n3\n1\n4\n1\n5\n",
        "multi.tsv": "digit\tname\tparity\n0\tzero\teven\n1\tone\todd\n2\t\teven\n",
        "u0085.tsv": "a\n\u0085 \nb\n\u0085\n",
        "crlf_bom.tsv": "\ufeffname\tvalue\r\nx\t1\r\ny\t2\r\n",
        "ragged.tsv": "a\tb\tc\n1\n1\t2\t3\t4\n\t\t\n",
        "dup_names.tsv": "n\tn\t\tn\nq\tw\te\tr\n",
        "numbers.tsv": "1e3\n-2.5\n0x10\n 7 \nInfinity\n",
        "blank_lines.tsv": "\n  \nx\n\u3000\ny\n",
    }
    for name, text in seeds.items():
        put(out, "metadata", name, text)
    with open(os.path.join(LOL, "metadata.tsv"), "rb") as f:
        put(out, "metadata", "lol_champions_metadata.tsv", f.read())
    put(out, "metadata", "labels_10.idx", idx(np.arange(10, dtype="u1") % 4, 0x08))
    put(out, "metadata", "labels_i8.npy", npy(np.array([2, 7, 1, 8, 2, 8], dtype="<i8")))
    put(out, "metadata", "labels_f4_nx1.npy", npy(values("<f4", (4, 1), 40)))
    put(out, "metadata", "labels_b1.npy", npy(np.array([True, False, True])))
    put(out, "metadata", "labels_u2.npy.gz", gz(npy(np.array([5, 6, 7], dtype="<u2"))))
    put(out, "metadata", "labels_f8_big_endian.npy", npy(values(">f8", (3,), 41)))


# ---- TensorFlow V2 checkpoints ----

CRC_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC_TABLE.append(c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = (c >> 8) ^ CRC_TABLE[(c ^ b) & 0xFF]
    return c ^ 0xFFFFFFFF


def mask(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def varint(v):
    b = bytearray()
    while True:
        byte = v & 0x7F
        v >>= 7
        b.append(byte | (0x80 if v else 0))
        if not v:
            return bytes(b)


def field(num, wire, payload):
    tag = varint(num << 3 | wire)
    if wire == 0:
        return tag + varint(payload)
    if wire == 2:
        return tag + varint(len(payload)) + payload
    return tag + payload  # fixed32 as bytes


def block(entries, restart_every):
    """LevelDB block: prefix-shared keys, a restart every restart_every entries."""
    b, restarts, last = bytearray(), [], b""
    for i, (k, v) in enumerate(entries):
        shared = 0
        if i % restart_every:
            while shared < min(len(k), len(last)) and k[shared] == last[shared]:
                shared += 1
        else:
            restarts.append(len(b))
        b += varint(shared) + varint(len(k) - shared) + varint(len(v)) + k[shared:] + v
        last = k
    for r in restarts or [0]:
        b += struct.pack("<I", r)
    b += struct.pack("<I", len(restarts) or 1)
    return bytes(b)


def table(entries, per_block=2, restart_every=2):
    f, index = bytearray(), []

    def emit(content):
        off = len(f)
        f.extend(content + b"\x00")
        f.extend(struct.pack("<I", mask(crc32c(content + b"\x00"))))
        return off, len(content)

    for i in range(0, len(entries), per_block):
        chunk = entries[i:i + per_block]
        off, size = emit(block(chunk, restart_every))
        index.append((chunk[-1][0] + b"\xff", varint(off) + varint(size)))
    meta = emit(block([], 1))
    idx_handle = emit(block(index, 1))
    foot = varint(meta[0]) + varint(meta[1]) + varint(idx_handle[0]) + varint(idx_handle[1])
    foot += b"\x00" * (40 - len(foot)) + struct.pack("<Q", 0xDB4775248B80FB57)
    return bytes(f) + foot


def entry(dtype, shape, shard, offset, data, slices=False):
    shp = b"".join(field(2, 2, field(1, 0, n) if n else b"") for n in shape)
    e = field(1, 0, dtype) + field(2, 2, shp)
    if shard:
        e += field(3, 0, shard)
    if offset:
        e += field(4, 0, offset)
    if data:
        e += field(5, 0, len(data))
    e += field(6, 5, struct.pack("<I", mask(crc32c(data))))
    if slices:
        e += field(7, 2, field(1, 2, b""))
    return e


def checkpoint(tensors, shards=1, big_endian=False, per_block=2, restart_every=2):
    """tensors: (key, tf dtype, shape, numpy bytes, shard); returns the harness input."""
    data = [bytearray() for _ in range(shards)]
    entries = []
    for key, dtype, shape, raw, shard, *rest in tensors:
        off = len(data[shard])
        data[shard] += raw
        entries.append((key.encode(), entry(dtype, shape, shard, off, raw, *rest)))
    header = field(1, 0, shards) + (field(2, 0, 1) if big_endian else b"") + field(3, 2, field(1, 0, 1))
    entries = sorted([(b"", header)] + entries)
    out = table(entries, per_block, restart_every)
    for d in data:
        out += b"EVFZDATA" + bytes(d)
    return out


def gen_checkpoint(out):
    with open(os.path.join(LOL, "embedding.ckpt-1.index"), "rb") as f:
        index = f.read()
    with open(os.path.join(LOL, "embedding.ckpt-1.data-00000-of-00001"), "rb") as f:
        data = f.read()
    put(out, "checkpoint", "lol_champions.ckpt", index + b"EVFZDATA" + data)
    emb = values("<f4", (4, 3), 50)
    v = "/.ATTRIBUTES/VARIABLE_VALUE"
    put(out, "checkpoint", "tf2_small.ckpt", checkpoint([
        ("_CHECKPOINTABLE_OBJECT_GRAPH", 7, [], b"\x0a\x00", 0),
        ("embedding" + v, 1, [4, 3], emb.tobytes(), 0),
        ("save_counter" + v, 9, [], struct.pack("<q", 1), 0),
    ]))
    put(out, "checkpoint", "dtypes.ckpt", checkpoint([
        ("a_f64", 2, [2, 2], values("<f8", (2, 2), 51).tobytes(), 0),
        ("b_i32", 3, [3], values("<i4", (3,), 52).tobytes(), 0),
        ("c_u8", 4, [2, 2, 2], values("u1", (2, 2, 2), 53).tobytes(), 0),
        ("d_i16", 5, [2, 1], values("<i2", (2, 1), 54).tobytes(), 0),
        ("e_i8", 6, [2], values("i1", (2,), 55).tobytes(), 0),
        ("f_bool", 10, [3], values("?", (3,), 56).tobytes(), 0),
        ("g_bf16", 14, [2, 2], (values("<f4", (2, 2), 57).view("<u4") >> 16).astype("<u2").tobytes(), 0),
        ("h_u16", 17, [2], values("<u2", (2,), 58).tobytes(), 0),
        ("i_half", 19, [2, 2], values("<f2", (2, 2), 59).tobytes(), 0),
        ("j_u32", 22, [1, 2], values("<u4", (1, 2), 60).tobytes(), 0),
        ("k_u64", 23, [2], values("<u8", (2,), 61).tobytes(), 0),
        ("l_i64", 9, [0, 3], b"", 0),
    ], per_block=3, restart_every=4))
    put(out, "checkpoint", "big_endian.ckpt", checkpoint([
        ("emb", 1, [2, 2], values(">f4", (2, 2), 62).tobytes(), 0),
        ("emb/.OPTIMIZER_SLOT/m", 2, [2, 2], values(">f8", (2, 2), 63).tobytes(), 0),
    ], big_endian=True))
    put(out, "checkpoint", "two_shards.ckpt", checkpoint([
        ("layer_0/kernel", 1, [2, 3], values("<f4", (2, 3), 64).tobytes(), 0),
        ("layer_1/kernel", 1, [3, 2], values("<f4", (3, 2), 65).tobytes(), 1),
        ("partitioned", 1, [4, 2], b"", 0, True),
        ("\x00partitioned/slice", 1, [2, 2], values("<f4", (2, 2), 66).tobytes(), 1),
    ], shards=2, per_block=1))


# ---- protobuf text ----

def gen_pbtxt(out):
    for name in ("projector_config.pbtxt", "checkpoint"):
        with open(os.path.join(LOL, name), "rb") as f:
            put(out, "pbtxt", "lol_champions_" + name.replace(".", "_"), f.read())
    put(out, "pbtxt", "full_config.pbtxt", """# every ProjectorConfig field
model_checkpoint_path: "model.ckpt-100"
model_checkpoint_dir: 'runs/a'
embeddings {
  tensor_name: "embedding/.ATTRIBUTES/VARIABLE_VALUE"
  metadata_path: "metadata.tsv"
  bookmarks_path: "bookmarks.json"
  tensor_shape: 10000
  tensor_shape: 0x310
  sprite {
    image_path: "sprite.png"
    single_image_dim: 28
    single_image_dim: 28
  }
}
embeddings <
  tensor_name: "words" tensor_path: "tensors.tsv";
  sprite: { image_path: "a" "b" 'c' }
  tensor_shape: [4, 016]
>,
unknown_field: 3.5e-1
unknown_message { nested { deep: true } }
""")
    put(out, "pbtxt", "escapes.pbtxt",
        'embeddings { tensor_name: "tab\\there\\nnew\\\\ \\"q\\" \\x41\\101\\a\\b\\f\\v\\r\\? \\\'s\\\'" '
        "metadata_path: '\\303\\251t\\xc3\\xa9' }\n")
    put(out, "pbtxt", "checkpoint_state", """model_checkpoint_path: "ckpt-3"
all_model_checkpoint_paths: "ckpt-1"
all_model_checkpoint_paths: "ckpt-2"
all_model_checkpoint_paths: "ckpt-3"
all_model_checkpoint_timestamps: 1700000000.5
last_preserved_timestamp: 1699999999.25
""")
    put(out, "pbtxt", "errors.pbtxt", "embeddings {\n  tensor_shape: -1\n  tensor_name: 5\n}\n")


# ---- JSON ----

def gen_json(out):
    put(out, "json", "standalone_tsv.json", """{
  "embeddings": [{
    "tensorName": "vectors",
    "tensorShape": [2, 3],
    "tensorPath": "vecs.tsv",
    "metadataPath": "meta.tsv",
    "sprite": {"imagePath": "sprite.png", "singleImageDim": [4, 4]}
  }],
  "modelCheckpointPath": "unused"
}
""")
    put(out, "json", "standalone_bytes.json",
        '{"embeddings":[{"tensorName":"b","tensorShape":[2,3],"tensorPath":"vecs.bytes","metadataPath":"https://h/m.tsv",'
        '"sprite":{"imagePath":"sprite.png"}},{"tensorName":"a","tensorShape":[2,3],"tensorPath":"http://x/y.tsv"}]}')
    put(out, "json", "bookmarks.json", """[
  {"label": "start", "isSelected": true, "cameraDef": {"orthographic": false, "position": [1.5e0, -2, 3E-1]},
   "projections": [{"pca-0": 0.25, "pca-1": -0.5}, {"pca-0": 1e-3, "pca-1": null}],
   "selectedPoints": [], "selectedColorOptionName": "label"},
  {"label": "caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t"},
  {"noLabel": 1}
]
""")
    put(out, "json", "values.json", '\ufeff{"a": [true, false, null, -0.0, 12345678901234567890, "x"], "b": {}, "c": []}')
    put(out, "json", "deep.json", "[" * 40 + "]" * 40)
    put(out, "json", "string.json", '"caf\\u00e9 \\ud83d\\ude00 \\ud800 \\udc00x \\ufffd \\u0000end \\" \\\\"')


# ---- PNG sprites ----

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, depth, color, rows, plte=None, trns=None, interlace=0):
    """rows: the raw scanlines (each with its filter byte), already in pass order when interlaced."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    if plte:
        out += png_chunk(b"PLTE", plte)
    if trns:
        out += png_chunk(b"tRNS", trns)
    return out + png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b"")


def scanlines(pixels, filt=0):
    """pixels: list of rows of bytes; filter type 0 (none) or 1 (sub, 1-byte pixels only)."""
    out = bytearray()
    for row in pixels:
        if filt == 1:
            row = bytes([row[0]] + [(row[i] - row[i - 1]) & 0xFF for i in range(1, len(row))])
        out += bytes([filt]) + row
    return bytes(out)


def adam7(width, height, pixel):
    """Interlaced scanlines of a 1-byte-per-pixel image given by pixel(x, y)."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    out = bytearray()
    for x0, y0, dx, dy in passes:
        xs = range(x0, width, dx)
        for y in range(y0, height, dy):
            if len(xs):
                out += b"\x00" + bytes(pixel(x, y) for x in xs)
    return bytes(out)


def gen_sprite(out):
    w, h = 8, 8
    grey = [bytes((x * 32 + y * 4) & 0xFF for x in range(w)) for y in range(h)]
    put(out, "sprite", "grey8_8x8.png", png(w, h, 8, 0, scanlines(grey)))
    put(out, "sprite", "grey8_sub_filter_8x8.png", png(w, h, 8, 0, scanlines(grey, 1)))
    ga = [bytes(v for x in range(w) for v in ((x * 30) & 0xFF, (y * 30 + 15) & 0xFF)) for y in range(h)]
    put(out, "sprite", "grey_alpha_8x8.png", png(w, h, 8, 4, scanlines(ga)))
    rgb = [bytes(v for x in range(w) for v in (x * 32, y * 32, 128)) for y in range(4)]
    put(out, "sprite", "rgb_8x4.png", png(w, 4, 8, 2, scanlines(rgb)))
    rgba = [bytes(v for x in range(6) for v in (x * 40, y * 40, 200, (x * 50 + y * 10) & 0xFF)) for y in range(6)]
    put(out, "sprite", "rgba_6x6.png", png(6, 6, 8, 6, scanlines(rgba)))
    rgba16 = [bytes(v for x in range(4) for c in (x * 60, y * 60, 9, 128 + x) for v in (c, 0x55)) for y in range(4)]
    put(out, "sprite", "rgba16_4x4.png", png(4, 4, 16, 6, scanlines(rgba16)))
    pal = [bytes((x + y) % 4 for x in range(w)) for y in range(h)]
    put(out, "sprite", "palette_8x8.png",
        png(w, h, 8, 3, scanlines(pal), plte=bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]), trns=bytes([0, 128])))
    bits = [bytes([0b10110010]) for _ in range(8)]
    put(out, "sprite", "grey1_8x8.png", png(8, 8, 1, 0, scanlines(bits)))
    put(out, "sprite", "interlaced_grey8_9x9.png", png(9, 9, 8, 0, adam7(9, 9, lambda x, y: (x * 28 + y) & 0xFF),
                                                     interlace=1))
    put(out, "sprite", "truncated_rgb_8x4.png", png(w, 4, 8, 2, scanlines(rgb))[:60])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "fuzz", "corpus")
    for harness in ("idx", "npy", "npz", "text_tensor", "metadata", "checkpoint", "pbtxt", "json", "sprite"):
        shutil.rmtree(os.path.join(out, harness), ignore_errors=True)
    gen_idx(out)
    gen_npy(out)
    gen_npz(out)
    gen_text(out)
    gen_metadata(out)
    gen_checkpoint(out)
    gen_pbtxt(out)
    gen_json(out)
    gen_sprite(out)


if __name__ == "__main__":
    main()
