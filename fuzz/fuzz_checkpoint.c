/* fuzz_checkpoint.c — TensorFlow V2 checkpoints (src/io/tf_checkpoint.c):
 * the index table and the tensors in the data shards.
 *
 * Input: PREFIX.index, then for each data shard the 8 bytes "EVFZDATA" and
 * the shard's bytes (shard 0 first).  The parts are written as
 * ckpt.index and ckpt.data-0000K-of-N (N from the index's bundle header)
 * in the scratch folder.
 *
 * Checksums: before the index is written, the harness recomputes the masked
 * CRC-32C of every block it can find (the data blocks named by the index
 * block, the metaindex and the index block), and before each tensor is read
 * it sets the entry's CRC-32C to that of the bytes the entry names.  So
 * mutations reach the entries and tensors instead of stopping at a
 * checksum; the mismatch messages are covered by tests/test_tensorboard.c.
 *
 * Reaches: the footer and its block handles, block trailers, prefix-shared
 * keys and restart arrays, the bundle header, BundleEntryProto fields
 * (dtype, shape, shard, offset, size, slices), the shard checks, name
 * lookup (exact, ":0", TF2 suffix), and reading every numeric dtype's tensor
 * from its shard into float32 rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embview/tensorboard.h"
#include "fuzz_util.h"
#include "io/crc32c.h"

#define SEP "EVFZDATA"
#define SEP_LEN 8
#define MAX_SHARDS 4
#define MAX_READS 16/* tensors read per input */

typedef struct part {
  const uint8_t *p;
  size_t n;
} part;

static const uint8_t *find_sep(const uint8_t *p, const uint8_t *end) {
  for (; end - p >= SEP_LEN; p++) {
    p = memchr(p, SEP[0], (size_t)(end - p) - SEP_LEN + 1);
    if (!p) return NULL;
    if (!memcmp(p, SEP, SEP_LEN)) return p;
  }
  return NULL;
}

/* a varint within [*p, end); 0 on a malformed or truncated one */
static int varint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    unsigned char b = *(*p)++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return 1;
  }
  return 0;
}

static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* the trailer's masked CRC-32C over the block and its type byte */
static void fix_block(unsigned char *b, size_t len, uint64_t off, uint64_t size) {
  if (off > len || size > len - off || len - off - size < 5) return;
  uint32_t crc = ev__crc32c_mask(ev__crc32c(0, b + off, (size_t)size + 1));
  for (int i = 0; i < 4; i++) b[off + size + 1 + (size_t)i] = (unsigned char)(crc >> (8 * i));
}

static void fix_index(unsigned char *b, size_t len) {
  if (len < 48) return;
  const unsigned char *f = b + len - 48, *fend = f + 40;
  uint64_t meta_off, meta_size, idx_off, idx_size;
  if (!varint(&f, fend, &meta_off) || !varint(&f, fend, &meta_size) || !varint(&f, fend, &idx_off) ||
      !varint(&f, fend, &idx_size))
    return;
  if (idx_off <= len && idx_size <= len - idx_off && idx_size >= 4) {
    /* the index block's entries: separator key -> data block handle */
    const unsigned char *blk = b + idx_off;
    uint64_t n_restarts = rd32(blk + idx_size - 4);
    if (n_restarts * 4 + 4 <= idx_size) {
      const unsigned char *p = blk, *end = blk + idx_size - 4 - n_restarts * 4;
      for (int k = 0; k < 100000 && p < end; k++) {
        uint64_t shared, non_shared, vlen, off, size;
        if (!varint(&p, end, &shared) || !varint(&p, end, &non_shared) || !varint(&p, end, &vlen)) break;
        if (non_shared > (uint64_t)(end - p) || vlen > (uint64_t)(end - p) - non_shared) break;
        p += non_shared;
        const unsigned char *v = p, *vend = p + vlen;
        if (varint(&v, vend, &off) && varint(&v, vend, &size)) fix_block(b, len, off, size);
        p += vlen;
      }
    }
  }
  fix_block(b, len, meta_off, meta_size);
  fix_block(b, len, idx_off, idx_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX], name[64];
  part parts[1 + MAX_SHARDS];
  int n_parts = 0;
  const uint8_t *p = data, *end = data + size;
  while (n_parts < 1 + MAX_SHARDS) {
    const uint8_t *s = n_parts < MAX_SHARDS ? find_sep(p, end) : NULL;
    parts[n_parts++] = (part){p, (size_t)((s ? s : end) - p)};
    if (!s) break;
    p = s + SEP_LEN;
  }
  unsigned char *index = malloc(parts[0].n ? parts[0].n : 1);
  if (!index) return 0;
  memcpy(index, parts[0].p, parts[0].n);
  fix_index(index, parts[0].n);
  fz_write(path, "ckpt.index", index, parts[0].n);
  free(index);

  ev_error err = {0};
  ev_tf_checkpoint *c = NULL;
  int rc = ev_tf_checkpoint_open(fz_path(path, "ckpt"), &c, &err);
  fz_outcome("index", rc, &err);
  if (rc == EV_OK) {
    int n_shards = c->num_shards;
    for (int k = 0; k < n_shards && k < MAX_SHARDS; k++) {
      snprintf(name, sizeof name, "ckpt.data-%05d-of-%05d", k, n_shards);
      part d = k + 1 < n_parts ? parts[k + 1] : (part){data, 0};
      fz_write(path, name, d.p, d.n);
    }
    for (int64_t i = 0; i < c->n_tensors && i < MAX_READS; i++) {
      ev_tf_tensor *t = &c->tensors[i];
      /* (each lookup is a scan: only the first few, so the harness stays linear) */
      if (!t->name || ev_tf_checkpoint_find(c, t->name) == NULL) abort();
      ev_tf_tensor_is_embedding(t);
      if (t->shard >= 0 && t->shard + 1 < n_parts) {
        part d = parts[t->shard + 1];
        if (t->offset >= 0 && t->size >= 0 && (uint64_t)t->offset <= d.n && (uint64_t)t->size <= d.n - (uint64_t)t->offset)
          t->crc32c = ev__crc32c(0, d.p + t->offset, (size_t)t->size);
      }
      ev_matrix *m = NULL;
      rc = ev_tf_tensor_read(c, t, &m, &err);
      fz_outcome(t->name, rc, &err);
      if (rc == EV_OK) fz_check_matrix(m);
      ev_matrix_free(m);
    }
    if (c->n_tensors) {
      snprintf(name, sizeof name, "%.40s:0", c->tensors[0].name);
      ev_tf_checkpoint_find(c, name);
    }
    ev_tf_checkpoint_find(c, "embedding");
    for (int k = 0; k < n_shards && k < MAX_SHARDS; k++) {
      snprintf(name, sizeof name, "ckpt.data-%05d-of-%05d", k, n_shards);
      fz_remove(name);
    }
    ev_tf_checkpoint_free(c);
  }
  return 0;
}
