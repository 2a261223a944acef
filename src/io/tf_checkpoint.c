/* tf_checkpoint.c — TensorFlow V2 checkpoints (tensor bundles): reading the
 * index table and tensors, and writing one-shard bundles of float32 matrices.
 * Layout in ../shared/docs/tensorboard-formats.md §4-§7 (LevelDB's table
 * format: data blocks, an empty metaindex block, an index block of
 * separators -> block handles, a 48-byte footer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/tensorboard.h"
#include "io/crc32c.h"
#include "io/ndarray.h"
#include "io/protobuf.h"
#include "io/tb_internal.h"

#define FOOTER_LEN 48
#define TABLE_MAGIC 0xdb4775248b80fb57ull
#define INDEX_LIMIT ((size_t)1 << 30)

const char *ev_tf_dtype_name(int dtype) {
  switch (dtype) {
    case EV_TF_FLOAT: return "float32";
    case EV_TF_DOUBLE: return "float64";
    case EV_TF_INT32: return "int32";
    case EV_TF_UINT8: return "uint8";
    case EV_TF_INT16: return "int16";
    case EV_TF_INT8: return "int8";
    case EV_TF_STRING: return "string";
    case EV_TF_INT64: return "int64";
    case EV_TF_BOOL: return "bool";
    case EV_TF_BFLOAT16: return "bfloat16";
    case EV_TF_UINT16: return "uint16";
    case EV_TF_HALF: return "float16";
    case EV_TF_UINT32: return "uint32";
    case EV_TF_UINT64: return "uint64";
  }
  static __thread char buf[24];
  snprintf(buf, sizeof buf, "dtype %d", dtype);
  return buf;
}

/* TensorFlow dtype -> the readers' element type; -1 when not numeric */
static int to_ndarray_dtype(int dtype) {
  switch (dtype) {
    case EV_TF_FLOAT: return EV__DT_F32;
    case EV_TF_DOUBLE: return EV__DT_F64;
    case EV_TF_INT32: return EV__DT_I32;
    case EV_TF_UINT8: return EV__DT_U8;
    case EV_TF_INT16: return EV__DT_I16;
    case EV_TF_INT8: return EV__DT_I8;
    case EV_TF_INT64: return EV__DT_I64;
    case EV_TF_BOOL: return EV__DT_BOOL;
    case EV_TF_BFLOAT16: return EV__DT_BF16;
    case EV_TF_UINT16: return EV__DT_U16;
    case EV_TF_HALF: return EV__DT_F16;
    case EV_TF_UINT32: return EV__DT_U32;
    case EV_TF_UINT64: return EV__DT_U64;
  }
  return -1;
}

void ev_tf_checkpoint_free(ev_tf_checkpoint *c) {
  if (!c) return;
  for (int64_t i = 0; i < c->n_tensors; i++) ev__free(c->tensors[i].name);
  ev__free(c->tensors);
  ev__free(c->prefix);
  ev__free(c);
}

/* ---- reading the table ---- */

typedef struct table {
  const char *path;
  const unsigned char *data;
  size_t len;
} table;

/* A block's contents after checking its trailer (type byte, masked CRC). */
static int read_block(const table *t, uint64_t off, uint64_t size, const char *what, const unsigned char **out,
                      size_t *out_len, ev_error *err) {
  if (off > t->len || size > t->len - off || t->len - off - size < 5)
    return ev__err(err, EV_EFORMAT,
                   "checkpoint index %s: the %s block (offset %llu, %llu bytes) runs past the end of the file "
                   "(%zu bytes); the file is truncated or corrupt",
                   t->path, what, (unsigned long long)off, (unsigned long long)size, t->len);
  const unsigned char *b = t->data + off;
  unsigned char type = b[size];
  uint32_t stored = (uint32_t)b[size + 1] | (uint32_t)b[size + 2] << 8 | (uint32_t)b[size + 3] << 16 |
                    (uint32_t)b[size + 4] << 24;
  uint32_t actual = ev__crc32c(0, b, (size_t)size + 1);
  if (ev__crc32c_unmask(stored) != actual)
    return ev__err(err, EV_EFORMAT,
                   "checkpoint index %s: checksum mismatch in the %s block at offset %llu (stored 0x%08x, "
                   "computed 0x%08x): the file is corrupt",
                   t->path, what, (unsigned long long)off, ev__crc32c_unmask(stored), actual);
  if (type == 1)
    return ev__err(err, EV_EUNSUPPORTED,
                   "checkpoint index %s: Snappy-compressed blocks (written by TensorFlow 1.1) are not supported",
                   t->path);
  if (type != 0)
    return ev__err(err, EV_EFORMAT, "checkpoint index %s: unknown block compression type %d at offset %llu",
                   t->path, type, (unsigned long long)off);
  *out = b;
  *out_len = (size_t)size;
  return EV_OK;
}

/* Walks one block's entries: key (rebuilt from the shared prefix) and value.
 * Keys must increase strictly, as LevelDB writes them: within the block
 * that is checked on the bytes that differ (O(non-shared bytes) per entry);
 * the block's first key is compared with `prev`, the last key before the
 * block (NULL: none), and the block's last key is left in `prev`. */
typedef int (*entry_fn)(void *user, const unsigned char *key, size_t key_len, const unsigned char *val,
                        size_t val_len, ev_error *err);

static int walk_block(const table *t, const unsigned char *b, size_t len, uint64_t off, const char *what,
                      ev__buf *prev, entry_fn fn, void *user, ev_error *err) {
  if (len < 4) goto bad;
  uint32_t n_restarts = (uint32_t)b[len - 4] | (uint32_t)b[len - 3] << 8 | (uint32_t)b[len - 2] << 16 |
                        (uint32_t)b[len - 1] << 24;
  if (n_restarts == 0 || (uint64_t)n_restarts * 4 + 4 > len) goto bad;
  size_t end = len - 4 - (size_t)n_restarts * 4;
  ev__buf key = {0};
  key.limit = len;
  ev__pb r = ev__pb_init(b, end);
  int rc = EV_OK, first = 1;
  while (ev__pb_more(&r) && !rc) {
    uint64_t shared = ev__pb_varint(&r), non_shared = ev__pb_varint(&r), vlen = ev__pb_varint(&r);
    if (r.bad || shared > key.len || non_shared > (uint64_t)(r.end - r.p) || vlen > (uint64_t)(r.end - r.p) - non_shared) {
      ev__buf_free(&key);
      goto bad;
    }
    /* strictly greater than the key before: compare where they differ */
    const unsigned char *old = first && prev ? prev->data : key.data;
    size_t old_len = first && prev ? prev->len : key.len, from = first ? 0 : (size_t)shared;
    if (!first || (prev && prev->data)) {
      size_t rest = old_len - from, k = EV__MIN(rest, (size_t)non_shared);
      int c = k ? memcmp(r.p, old + from, k) : 0;
      if (c < 0 || (c == 0 && (size_t)non_shared <= rest)) {
        ev__buf_free(&key);
        return ev__err(err, EV_EFORMAT,
                       "checkpoint index %s: the keys of the %s block at offset %llu do not increase "
                       "(a LevelDB table holds each key once, in order): the file is corrupt",
                       t->path, what, (unsigned long long)off);
      }
    }
    first = 0;
    key.len = (size_t)shared;
    if (ev__buf_append(&key, r.p, (size_t)non_shared)) {
      ev__buf_free(&key);
      return ev__err(err, EV_ENOMEM, "checkpoint index %s: out of memory", t->path);
    }
    r.p += non_shared;
    rc = fn(user, key.data ? key.data : (const unsigned char *)"", key.len, r.p, (size_t)vlen, err);
    r.p += vlen;
  }
  if (!rc && prev && !first) {
    prev->len = 0;
    if (ev__buf_append(prev, key.data ? key.data : (const unsigned char *)"", key.len) ||
        ev__buf_reserve(prev, 1))
      rc = ev__err(err, EV_ENOMEM, "checkpoint index %s: out of memory", t->path);
  }
  ev__buf_free(&key);
  if (r.bad) goto bad;
  return rc;
bad:
  return ev__err(err, EV_EFORMAT, "checkpoint index %s: malformed %s block at offset %llu", t->path, what,
                 (unsigned long long)off);
}

static int read_handle(ev__pb *r, uint64_t *off, uint64_t *size) {
  *off = ev__pb_varint(r);
  *size = ev__pb_varint(r);
  return r->bad ? -1 : 0;
}

/* Reading the index is two walks over it: the first checks LevelDB's
 * invariants (each block's checksum; keys strictly increasing over the
 * whole table; data blocks in file order, each once, none overlapping
 * another or the index) and counts the tensors and their names' bytes; the
 * second, after one allocation of exactly that, fills them in.  So an index
 * whose entries all point at one block, or that repeats a key, is refused,
 * and what the index costs is bounded by its size: at most one tensor per
 * 4 bytes (an entry's three lengths and a key byte), and names of at most
 * NAMES_PER_BYTE x its size (keys share prefixes, so a long name can cost
 * a few bytes). */
#define NAMES_PER_BYTE 32

typedef struct reader {
  table t;
  ev_tf_checkpoint *c;
  int fill;                 /* second walk */
  int have_header;
  int64_t n_tensors;        /* counted by the first walk */
  uint64_t name_bytes;
  int64_t skipped_slices;
  uint64_t data_end;        /* the data blocks so far end here */
  uint64_t data_limit;      /* and must end before the metaindex and index blocks */
  ev__buf prev;             /* the last key of the data blocks so far */
} reader;

static int parse_shape(ev__pb sub, ev_tf_tensor *x) {
  while (ev__pb_more(&sub)) {
    uint64_t tag = ev__pb_varint(&sub);
    if (tag == ((2 << 3) | 2)) { /* dim */
      ev__pb dim = ev__pb_bytes(&sub);
      int64_t size = 0;
      while (ev__pb_more(&dim)) {
        uint64_t dt = ev__pb_varint(&dim);
        if (dt == ((1 << 3) | 0))
          size = (int64_t)ev__pb_varint(&dim);
        else
          ev__pb_skip(&dim, (int)(dt & 7));
      }
      if (dim.bad || x->ndim >= 8) return -1;
      x->shape[x->ndim++] = size;
    } else if (tag == ((3 << 3) | 0)) { /* unknown_rank */
      if (ev__pb_varint(&sub)) return -1;
    } else {
      ev__pb_skip(&sub, (int)(tag & 7));
    }
  }
  return sub.bad ? -1 : 0;
}

static int on_entry(void *user, const unsigned char *key, size_t key_len, const unsigned char *val, size_t val_len,
                    ev_error *err) {
  reader *rd = user;
  ev_tf_checkpoint *c = rd->c;
  ev__pb r = ev__pb_init(val, val_len);
  if (key_len == 0) { /* BundleHeaderProto (the smallest key: the first entry) */
    if (rd->fill) return EV_OK;
    c->num_shards = 1;
    while (ev__pb_more(&r)) {
      uint64_t tag = ev__pb_varint(&r);
      if (tag == ((1 << 3) | 0))
        c->num_shards = (int)ev__pb_varint(&r);
      else if (tag == ((2 << 3) | 0))
        c->big_endian = ev__pb_varint(&r) == 1;
      else
        ev__pb_skip(&r, (int)(tag & 7));
    }
    if (r.bad || c->num_shards < 1 || c->num_shards > 100000)
      return ev__err(err, EV_EFORMAT, "checkpoint index %s: malformed bundle header", rd->t.path);
    rd->have_header = 1;
    return EV_OK;
  }
  if (key[0] == 0) { /* a slice of a partitioned variable */
    if (!rd->fill) rd->skipped_slices++;
    return EV_OK;
  }
  if (!rd->fill) {
    rd->n_tensors++;
    rd->name_bytes += key_len + 1;
    return EV_OK;
  }
  if (c->n_tensors == rd->n_tensors) /* the index changed between the walks */
    return ev__err(err, EV_EINTERNAL, "checkpoint index %s: inconsistent walks", rd->t.path);
  ev_tf_tensor *x = &c->tensors[c->n_tensors];
  memset(x, 0, sizeof *x);
  x->name = ev__malloc(key_len + 1);
  if (!x->name) return ev__err(err, EV_ENOMEM, "checkpoint index %s: out of memory", rd->t.path);
  memcpy(x->name, key, key_len);
  x->name[key_len] = '\0';
  c->n_tensors++;
  int shape_bad = 0;
  while (ev__pb_more(&r)) {
    uint64_t tag = ev__pb_varint(&r);
    switch (tag) {
      case (1 << 3) | 0: x->dtype = (int)ev__pb_varint(&r); break;
      case (2 << 3) | 2: shape_bad |= parse_shape(ev__pb_bytes(&r), x); break;
      case (3 << 3) | 0: x->shard = (int32_t)ev__pb_varint(&r); break;
      case (4 << 3) | 0: x->offset = (int64_t)ev__pb_varint(&r); break;
      case (5 << 3) | 0: x->size = (int64_t)ev__pb_varint(&r); break;
      case (6 << 3) | 5: x->crc32c = ev__crc32c_unmask(ev__pb_fixed32(&r)); break;
      case (7 << 3) | 2:
        ev__pb_bytes(&r);
        x->sliced = 1;
        break;
      default: ev__pb_skip(&r, (int)(tag & 7));
    }
  }
  if (r.bad || shape_bad || x->offset < 0 || x->size < 0)
    return ev__err(err, EV_EFORMAT, "checkpoint index %s: malformed entry for tensor '%s'", rd->t.path, x->name);
  for (int d = 0; d < x->ndim; d++)
    if (x->shape[d] < 0)
      return ev__err(err, EV_EFORMAT, "checkpoint index %s: tensor '%s' has a negative dimension", rd->t.path,
                     x->name);
  return EV_OK;
}

static int on_index_entry(void *user, const unsigned char *key, size_t key_len, const unsigned char *val,
                          size_t val_len, ev_error *err) {
  (void)key;
  (void)key_len;
  reader *rd = user;
  ev__pb r = ev__pb_init(val, val_len);
  uint64_t off, size;
  if (read_handle(&r, &off, &size))
    return ev__err(err, EV_EFORMAT, "checkpoint index %s: malformed block handle in the index block", rd->t.path);
  /* each data block once, in file order, before the metaindex and index */
  if (off < rd->data_end || size > rd->data_limit || off > rd->data_limit - size ||
      rd->data_limit - size - off < 5)
    return ev__err(err, EV_EFORMAT,
                   "checkpoint index %s: the index names a data block at offset %llu (%llu bytes) that %s: "
                   "the file is corrupt",
                   rd->t.path, (unsigned long long)off, (unsigned long long)size,
                   off < rd->data_end ? "overlaps or repeats an earlier one"
                                      : "reaches past the data blocks' end");
  rd->data_end = off + size + 5;
  const unsigned char *b;
  size_t len;
  int rc = read_block(&rd->t, off, size, "data", &b, &len, err);
  if (!rc) rc = walk_block(&rd->t, b, len, off, "data", &rd->prev, on_entry, rd, err);
  return rc;
}

int ev_tf_checkpoint_open(const char *prefix, ev_tf_checkpoint **out, ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__tf_checkpoint_open(prefix, out, &b, err);
}

int ev__tf_checkpoint_open(const char *prefix, ev_tf_checkpoint **out, ev__budget *b, ev_error *err) {
  *out = NULL;
  size_t plen = strlen(prefix);
  char *index_path = ev__malloc(plen + 7);
  ev_tf_checkpoint *c = ev__calloc(1, sizeof *c);
  ev__buf file = {0};
  reader rd;
  memset(&rd, 0, sizeof rd);
  uint64_t charged = 0;
  int rc = EV_OK;
  if (!index_path || !c || !(c->prefix = ev__strdup(prefix))) {
    rc = ev__err(err, EV_ENOMEM, "checkpoint: out of memory");
    goto done;
  }
  snprintf(index_path, plen + 7, "%s.index", prefix);
  rc = ev__file_read_budget(index_path, "checkpoint index", INDEX_LIMIT, b, &file, err);
  if (rc) goto done;
  rd.t = (table){index_path, file.data, file.len};
  rd.c = c;
  if (file.len < FOOTER_LEN) {
    rc = ev__err(err, EV_EFORMAT, "checkpoint index %s: %zu bytes is too short for a table (footer: 48 bytes)",
                 index_path, file.len);
    goto done;
  }
  const unsigned char *foot = file.data + file.len - FOOTER_LEN;
  uint64_t magic = 0;
  for (int i = 7; i >= 0; i--) magic = (magic << 8) | foot[40 + i];
  if (magic != TABLE_MAGIC) {
    rc = ev__err(err, EV_EFORMAT,
                 "checkpoint index %s: no table magic number at the end of the file (not a V2 checkpoint index, "
                 "or truncated)",
                 index_path);
    goto done;
  }
  ev__pb fr = ev__pb_init(foot, 40);
  uint64_t meta_off, meta_size, idx_off, idx_size;
  if (read_handle(&fr, &meta_off, &meta_size) || read_handle(&fr, &idx_off, &idx_size)) {
    rc = ev__err(err, EV_EFORMAT, "checkpoint index %s: malformed footer", index_path);
    goto done;
  }
  const unsigned char *blk;
  size_t len;
  rc = read_block(&rd.t, meta_off, meta_size, "metaindex", &blk, &len, err);
  if (!rc) rc = read_block(&rd.t, idx_off, idx_size, "index", &blk, &len, err);
  if (rc) goto done;
  rd.data_limit = EV__MIN(meta_off, idx_off);
  for (rd.fill = 0; rd.fill < 2 && !rc; rd.fill++) {
    rd.data_end = 0;
    ev__buf_free(&rd.prev);
    ev__buf seps = {0}; /* the index block's own keys increase too */
    rc = walk_block(&rd.t, blk, len, idx_off, "index", &seps, on_index_entry, &rd, err);
    ev__buf_free(&seps);
    if (rc || rd.fill) break;
    if (!rd.have_header) {
      rc = ev__err(err, EV_EFORMAT, "checkpoint index %s: no bundle header (the empty key)", index_path);
      break;
    }
    /* what the tensors cost, bounded by the index's size */
    if (rd.n_tensors > (int64_t)(file.len / 4) ||
        rd.name_bytes > (uint64_t)NAMES_PER_BYTE * file.len + ((uint64_t)1 << 20)) {
      rc = ev__err(err, EV_EFORMAT,
                   "checkpoint index %s: %lld tensor names of %llu bytes in all from a %zu-byte index (at most "
                   "%d x its size): keys that share implausibly long prefixes; the file is corrupt",
                   index_path, (long long)rd.n_tensors, (unsigned long long)rd.name_bytes, file.len,
                   NAMES_PER_BYTE);
      break;
    }
    charged = (uint64_t)rd.n_tensors * (sizeof *c->tensors + 16) + rd.name_bytes;
    if ((rc = ev__budget_take(b, charged, "checkpoint index", index_path, "the tensor list", err))) {
      charged = 0;
      break;
    }
    c->tensors = ev__calloc((size_t)(rd.n_tensors ? rd.n_tensors : 1), sizeof *c->tensors);
    if (!c->tensors) rc = ev__err(err, EV_ENOMEM, "checkpoint index %s: out of memory", index_path);
  }
  if (rc) goto done;
  for (int64_t i = 0; i < c->n_tensors; i++)
    if (c->tensors[i].shard >= c->num_shards || c->tensors[i].shard < 0) {
      rc = ev__err(err, EV_EFORMAT, "checkpoint index %s: tensor '%s' is in shard %d of %d", index_path,
                   c->tensors[i].name, c->tensors[i].shard, c->num_shards);
      goto done;
    }
done:
  ev__buf_free(&rd.prev);
  ev__budget_give(b, file.cap);
  ev__buf_free(&file);
  ev__free(index_path);
  if (rc) {
    ev__budget_give(b, charged);
    ev_tf_checkpoint_free(c);
  } else {
    *out = c; /* its charge stays while the load runs */
  }
  return rc;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

const ev_tf_tensor *ev_tf_checkpoint_find(const ev_tf_checkpoint *c, const char *name) {
  size_t n = strlen(name);
  char *base = ev__strdup(name);
  if (!base) return NULL;
  if (ends_with(base, ":0")) base[n - 2] = '\0';
  const ev_tf_tensor *hit = NULL;
  for (int pass = 0; pass < 3 && !hit; pass++) {
    const char *want = pass == 0 ? name : base;
    for (int64_t i = 0; i < c->n_tensors && !hit; i++) {
      const char *key = c->tensors[i].name;
      if (pass < 2) {
        if (!strcmp(key, want)) hit = &c->tensors[i];
      } else {
        static const char tf2[] = "/.ATTRIBUTES/VARIABLE_VALUE";
        size_t bl = strlen(base);
        if (!strncmp(key, base, bl) && !strcmp(key + bl, tf2)) hit = &c->tensors[i];
      }
    }
  }
  ev__free(base);
  return hit;
}

int ev_tf_tensor_is_embedding(const ev_tf_tensor *t) {
  return t->ndim == 2 && !t->sliced && to_ndarray_dtype(t->dtype) >= 0 && !strstr(t->name, ".OPTIMIZER_SLOT");
}

int ev_tf_tensor_read(const ev_tf_checkpoint *c, const ev_tf_tensor *t, ev_matrix **out, ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__tf_tensor_read(c, t, out, &b, err);
}

int ev__tf_tensor_read(const ev_tf_checkpoint *c, const ev_tf_tensor *t, ev_matrix **out, ev__budget *b,
                       ev_error *err) {
  *out = NULL;
  int dt = to_ndarray_dtype(t->dtype);
  if (t->sliced)
    return ev__err(err, EV_EUNSUPPORTED, "checkpoint %s: tensor '%s' is a partitioned variable (not supported)",
                   c->prefix, t->name);
  if (dt < 0)
    return ev__err(err, EV_EUNSUPPORTED, "checkpoint %s: tensor '%s' holds %s values, not numbers", c->prefix,
                   t->name, ev_tf_dtype_name(t->dtype));
  ev__ndarray a = {0};
  a.dtype = (ev__dtype)dt;
  a.big_endian = c->big_endian;
  a.ndim = t->ndim;
  for (int d = 0; d < t->ndim; d++) a.shape[d] = t->shape[d];
  if (t->ndim == 0) { /* a scalar as one 1 x 1 row */
    a.ndim = 1;
    a.shape[0] = 1;
  }
  int64_t n_elems = ev__shape_prod(a.shape, a.ndim, 0), d;
  size_t esz = ev__dtype_size(a.dtype), want = 0;
  int fits = n_elems >= 0 && !ev__mul((size_t)n_elems, esz, &want);
  if (!fits || (uint64_t)want != (uint64_t)t->size) {
    /* every size here comes from the file: checked arithmetic only */
    char shape[200], need[64];
    size_t used = 0;
    shape[0] = '\0';
    for (int k = 0; k < t->ndim && used < sizeof shape; k++)
      used += (size_t)snprintf(shape + used, sizeof shape - used, "%s%lld", k ? ", " : "", (long long)t->shape[k]);
    if (n_elems < 0)
      snprintf(need, sizeof need, "more than 2^63 values");
    else if (!fits)
      snprintf(need, sizeof need, "%lld values of %zu bytes, more than 2^64 bytes", (long long)n_elems, esz);
    else
      snprintf(need, sizeof need, "%zu bytes", want);
    return ev__err(err, EV_EFORMAT, "checkpoint %s: tensor '%s' has %lld bytes, its shape [%s] and dtype %s need %s",
                   c->prefix, t->name, (long long)t->size, shape, ev_tf_dtype_name(t->dtype), need);
  }
  int rc = ev__ndarray_row_len(&a, "checkpoint", c->prefix, &d, err);
  if (rc) return rc;
  size_t plen = strlen(c->prefix) + 32;
  char *path = ev__malloc(plen);
  unsigned char *bytes = NULL;
  uint64_t charged = 0, matrix_charge = 0;
  FILE *fp = NULL;
  /* float32 in the host's byte order goes straight into the matrix */
  int direct = a.dtype == EV__DT_F32 && !a.big_endian && d >= 1;
  if (!path) {
    rc = ev__err(err, EV_ENOMEM, "checkpoint %s: out of memory for tensor '%s' (%lld bytes)", c->prefix, t->name,
                 (long long)t->size);
    goto done;
  }
  snprintf(path, plen, "%s.data-%05d-of-%05d", c->prefix, t->shard, c->num_shards);
  uint64_t fsize;
  rc = ev__file_stat(path, "checkpoint data", &fsize, err);
  if (rc) goto done;
  if ((uint64_t)t->offset > fsize || (uint64_t)t->size > fsize - (uint64_t)t->offset) {
    rc = ev__err(err, EV_EFORMAT,
                 "checkpoint data %s: tensor '%s' needs %lld bytes from offset %lld but the file has %llu (truncated?)",
                 path, t->name, (long long)t->size, (long long)t->offset, (unsigned long long)fsize);
    goto done;
  }
  /* allocated only once the data file is known to hold that many bytes */
  if (direct) {
    if ((rc = ev__budget_take_matrix(b, a.shape[0], d, "checkpoint", path, err))) goto done;
    matrix_charge = want;
    if ((rc = ev_matrix_new(a.shape[0], d, out, err))) goto done;
    ev__matrix_set_image_shape(*out, &a);
    bytes = (unsigned char *)(*out)->data;
  } else {
    if ((rc = ev__budget_take(b, want, "checkpoint", path, "the tensor's bytes", err))) goto done;
    charged = want;
    if (!(bytes = ev__malloc(want ? want : 1))) {
      rc = ev__err(err, EV_ENOMEM, "checkpoint %s: out of memory for tensor '%s' (%lld bytes)", c->prefix,
                   t->name, (long long)t->size);
      goto done;
    }
  }
  fp = fopen(path, "rb");
  if (!fp || fseeko(fp, (off_t)t->offset, SEEK_SET) || fread(bytes, 1, want, fp) != want) {
    rc = ev__err(err, EV_EIO, "checkpoint data %s: cannot read tensor '%s' at offset %lld", path, t->name,
                 (long long)t->offset);
    goto done;
  }
  uint32_t crc = ev__crc32c(0, bytes, want);
  if (crc != t->crc32c) {
    rc = ev__err(err, EV_EFORMAT,
                 "checkpoint data %s: checksum mismatch for tensor '%s' (bytes %llu..%llu: stored 0x%08x, computed "
                 "0x%08x): the file is corrupt",
                 path, t->name, (unsigned long long)t->offset, (unsigned long long)t->offset + (uint64_t)t->size,
                 t->crc32c, crc);
    goto done;
  }
  if (!direct) {
    a.data = bytes;
    a.n_elems = (size_t)n_elems;
    rc = ev__ndarray_to_matrix(&a, "checkpoint", path, 0, b, out, err);
  }
done:
  if (fp) fclose(fp);
  ev__free(path);
  if (!direct) ev__free(bytes);
  ev__budget_give(b, charged);
  if (rc) {
    ev_matrix_free(*out);
    *out = NULL;
    ev__budget_give(b, matrix_charge);
  }
  return rc;
}

/* ---- writing ---- */

static int put_u32(ev__buf *b, uint32_t v) {
  unsigned char tmp[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  return ev__buf_append(b, tmp, 4);
}

/* A block of (key, value) entries, a restart at every entry (no sharing, as
 * the index block is written; TensorFlow shares prefixes in data blocks,
 * which readers accept either way), then its trailer. */
typedef struct kv {
  const char *key;
  size_t key_len;
  ev__buf val;
} kv;

static int put_block(ev__buf *f, const kv *items, int n, uint64_t *off, uint64_t *size) {
  ev__buf b = {0};
  int rc = 0;
  uint32_t *restarts = ev__malloc((size_t)(n ? n : 1) * sizeof *restarts);
  if (!restarts) return EV_ENOMEM;
  for (int i = 0; i < n && !rc; i++) {
    restarts[i] = (uint32_t)b.len;
    rc = ev__pb_put_varint(&b, 0) || ev__pb_put_varint(&b, items[i].key_len) ||
         ev__pb_put_varint(&b, items[i].val.len) || ev__buf_append(&b, items[i].key, items[i].key_len) ||
         ev__buf_append(&b, items[i].val.data, items[i].val.len);
  }
  if (n == 0) rc = rc || put_u32(&b, 0); /* an empty block still has restart[0] = 0 */
  for (int i = 0; i < n && !rc; i++) rc = put_u32(&b, restarts[i]);
  rc = rc || put_u32(&b, (uint32_t)(n ? n : 1));
  ev__free(restarts);
  if (!rc) {
    *off = f->len;
    *size = b.len;
    unsigned char type = 0;
    rc = ev__buf_append(&b, &type, 1);
    uint32_t crc = rc ? 0 : ev__crc32c_mask(ev__crc32c(0, b.data, b.len));
    rc = rc || ev__buf_append(f, b.data, b.len) || put_u32(f, crc);
  }
  ev__buf_free(&b);
  return rc ? EV_ENOMEM : EV_OK;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

/* The data file and the index as one: a reader never sees one without the
 * other, and a failure leaves the previous pair. */
static int write_pair(const char *const path[2], const ev__buf *const buf[2], ev_error *err) {
  ev__atomic at[2];
  int rc = ev__atomic_begin(&at[0], path[0], "checkpoint", err);
  if (rc) return rc;
  if ((rc = ev__atomic_begin(&at[1], path[1], "checkpoint", err))) {
    ev__atomic_abort(&at[0]);
    return rc;
  }
  for (int i = 0; i < 2; i++)
    if (buf[i]->len && fwrite(buf[i]->data, 1, buf[i]->len, at[i].fp) != buf[i]->len) {
      rc = ev__atomic_fail(&at[i], "checkpoint", err);
      ev__atomic_abort(&at[1 - i]);
      return rc;
    }
  return ev__atomic_commit_set(at, 2, "checkpoint", err);
}

int ev_tf_checkpoint_write(const char *prefix, int n, const char *const *names, const ev_matrix *const *values,
                           ev_error *err) {
  const char *const **order = ev__malloc((size_t)(n ? n : 1) * sizeof *order);
  kv *items = ev__calloc((size_t)n + 1, sizeof *items);
  ev__buf data = {0}, index = {0};
  int rc = EV_OK, oom = 0;
  size_t plen = strlen(prefix) + 32;
  char *path = ev__malloc(2 * plen); /* the data file's name, then the index's */
  int64_t *offsets = ev__malloc((size_t)(n ? n : 1) * sizeof *offsets);
  if (!order || !items || !path || !offsets) {
    oom = 1;
    goto done;
  }
  for (int i = 0; i < n; i++) {
    if (!names[i][0] || names[i][0] == 0) {
      rc = ev__err(err, EV_EINVAL, "checkpoint: tensor names must not be empty");
      goto done;
    }
    order[i] = &names[i];
  }
  /* data: tensors in the order given, back to back */
  for (int i = 0; i < n && !oom; i++) {
    const ev_matrix *m = values[i];
    offsets[i] = (int64_t)data.len;
    for (int64_t r = 0; r < m->n_rows && !oom; r++)
      oom = ev__buf_append(&data, ev_matrix_row(m, r), (size_t)m->n_cols * sizeof(float)) != 0;
  }
  /* index entries in key order: the header under "", then the tensors */
  qsort(order, (size_t)n, sizeof *order, cmp_names);
  items[0].key = "";
  oom = oom || ev__pb_put_tag(&items[0].val, 1, 0) || ev__pb_put_varint(&items[0].val, 1) ||
        ev__pb_put_tag(&items[0].val, 3, 2) || ev__pb_put_varint(&items[0].val, 2) ||
        ev__pb_put_tag(&items[0].val, 1, 0) || ev__pb_put_varint(&items[0].val, 1); /* version { producer: 1 } */
  for (int k = 0; k < n && !oom; k++) {
    int i = (int)(order[k] - names);
    const ev_matrix *m = values[i];
    ev__buf *v = &items[k + 1].val, shape = {0}, dim = {0};
    items[k + 1].key = names[i];
    items[k + 1].key_len = strlen(names[i]);
    size_t bytes = (size_t)m->n_rows * (size_t)m->n_cols * sizeof(float);
    uint32_t crc = ev__crc32c(0, data.data ? data.data + offsets[i] : NULL, bytes);
    int64_t dims[2] = {m->n_rows, m->n_cols};
    for (int d = 0; d < 2 && !oom; d++) {
      dim.len = 0;
      if (dims[d]) oom = ev__pb_put_tag(&dim, 1, 0) || ev__pb_put_varint(&dim, (uint64_t)dims[d]);
      oom = oom || ev__pb_put_bytes(&shape, 2, dim.data ? dim.data : (const unsigned char *)"", dim.len);
    }
    oom = oom || ev__pb_put_tag(v, 1, 0) || ev__pb_put_varint(v, EV_TF_FLOAT) ||
          ev__pb_put_bytes(v, 2, shape.data, shape.len);
    if (offsets[i]) oom = oom || ev__pb_put_tag(v, 4, 0) || ev__pb_put_varint(v, (uint64_t)offsets[i]);
    if (bytes) oom = oom || ev__pb_put_tag(v, 5, 0) || ev__pb_put_varint(v, bytes);
    oom = oom || ev__pb_put_fixed32(v, 6, ev__crc32c_mask(crc));
    ev__buf_free(&shape);
    ev__buf_free(&dim);
  }
  if (oom) goto done;
  /* one data block, the empty metaindex, the index ("last key + 1 byte" as
   * separator is valid: >= every key of the block), the footer */
  uint64_t d_off, d_size, m_off, m_size, i_off, i_size;
  if (put_block(&index, items, n + 1, &d_off, &d_size) || put_block(&index, NULL, 0, &m_off, &m_size)) {
    oom = 1;
    goto done;
  }
  kv sep = {0};
  const char *last = n ? names[(int)(order[n - 1] - names)] : "";
  ev__buf key = {0};
  unsigned char one = 0xff;
  oom = ev__buf_append(&key, last, strlen(last)) || ev__buf_append(&key, &one, 1);
  sep.key = (const char *)key.data;
  sep.key_len = key.len;
  oom = oom || ev__pb_put_varint(&sep.val, d_off) || ev__pb_put_varint(&sep.val, d_size) ||
        put_block(&index, &sep, 1, &i_off, &i_size);
  ev__buf_free(&key);
  ev__buf_free(&sep.val);
  if (oom) goto done;
  ev__buf foot = {0};
  oom = ev__pb_put_varint(&foot, m_off) || ev__pb_put_varint(&foot, m_size) || ev__pb_put_varint(&foot, i_off) ||
        ev__pb_put_varint(&foot, i_size);
  unsigned char pad[40] = {0};
  oom = oom || ev__buf_append(&foot, pad, 40 - foot.len);
  for (int b = 0; b < 8 && !oom; b++) {
    unsigned char byte = (unsigned char)(TABLE_MAGIC >> (8 * b));
    oom = ev__buf_append(&foot, &byte, 1) != 0;
  }
  oom = oom || ev__buf_append(&index, foot.data, foot.len);
  ev__buf_free(&foot);
  if (oom) goto done;
  snprintf(path, plen, "%s.data-00000-of-00001", prefix);
  snprintf(path + plen, plen, "%s.index", prefix);
  const char *paths[2] = {path, path + plen};
  const ev__buf *bufs[2] = {&data, &index};
  rc = write_pair(paths, bufs, err);
done:
  if (oom) rc = ev__err(err, EV_ENOMEM, "checkpoint: out of memory writing %s", prefix);
  for (int i = 0; items && i <= n; i++) ev__buf_free(&items[i].val);
  ev__free(items);
  ev__free(order);
  ev__free(offsets);
  ev__free(path);
  ev__buf_free(&data);
  ev__buf_free(&index);
  return rc;
}
