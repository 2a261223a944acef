/* idx.c — the IDX format of the MNIST files, plain or gzip-compressed.
 *
 * Layout (all big-endian):
 *   byte 0, 1   zero
 *   byte 2      element type: 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int,
 *               0x0D float, 0x0E double
 *   byte 3      number of dimensions d (1..8 accepted)
 *   d x uint32  sizes, slowest first
 *   data        product(sizes) elements, row-major
 * Images N x H x W become N rows of H*W values with the image shape kept.
 * The data must be exactly as long as the header says.  For gzip input the
 * buffer grows only as decompressed bytes arrive, so a lying header cannot
 * make us allocate more than the data that really exists.
 */
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "io/idx.h"
#include "io/readers.h"

static int type_from_code(int code, ev__dtype *dt) {
  switch (code) {
    case 0x08: *dt = EV__DT_U8; return 1;
    case 0x09: *dt = EV__DT_I8; return 1;
    case 0x0B: *dt = EV__DT_I16; return 1;
    case 0x0C: *dt = EV__DT_I32; return 1;
    case 0x0D: *dt = EV__DT_F32; return 1;
    case 0x0E: *dt = EV__DT_F64; return 1;
  }
  return 0;
}

int ev__idx_is_magic(const unsigned char *m, size_t n) {
  ev__dtype dt;
  return n >= 4 && m[0] == 0 && m[1] == 0 && type_from_code(m[2], &dt) && m[3] >= 1 && m[3] <= 8;
}

int ev__idx_read_array(const char *path, ev__ndarray *a, unsigned char **owned, int *is_gzip,
                       ev__budget *b, ev_error *err) {
  ev__stream s;
  size_t charged = 0;
  unsigned char head[4 + 4 * 8];
  ev__buf buf = {0};
  memset(a, 0, sizeof *a);
  *owned = NULL;
  int rc = ev__stream_open(&s, path, "idx", err);
  if (rc) return rc;
  *is_gzip = s.is_gzip;
  rc = ev__stream_read_exact(&s, head, 4, "the 4-byte magic number", err);
  if (rc) goto done;
  if (head[0] != 0 || head[1] != 0 || !type_from_code(head[2], &a->dtype)) {
    rc = ev__err(err, EV_EFORMAT,
                 "idx: %s: bad magic number %02x %02x %02x %02x (expected 00 00, then a type "
                 "code 08/09/0B/0C/0D/0E)",
                 path, head[0], head[1], head[2], head[3]);
    goto done;
  }
  if (head[3] < 1 || head[3] > 8) {
    rc = ev__err(err, EV_EFORMAT, "idx: %s: %d dimensions in the header, expected 1 to 8", path,
                 head[3]);
    goto done;
  }
  a->ndim = head[3];
  a->big_endian = 1;
  rc = ev__stream_read_exact(&s, head + 4, 4 * (size_t)a->ndim, "the dimension sizes", err);
  if (rc) goto done;
  for (int i = 0; i < a->ndim; i++) {
    const unsigned char *p = head + 4 + 4 * i;
    a->shape[i] = ((int64_t)p[0] << 24) | ((int64_t)p[1] << 16) | ((int64_t)p[2] << 8) | p[3];
  }
  int64_t n_elems = ev__shape_prod(a->shape, a->ndim, 0);
  size_t n_bytes;
  if (n_elems < 0 || ev__mul((size_t)n_elems, ev__dtype_size(a->dtype), &n_bytes)) {
    rc = ev__err(err, EV_EFORMAT, "idx: %s: header sizes overflow", path);
    goto done;
  }
  uint64_t room = ev__stream_max_remaining(&s);
  if ((uint64_t)n_bytes > room) {
    rc = ev__err(err, EV_EFORMAT,
                 "idx: %s: header says %lld %s values (%zu bytes) but the file %s only %llu "
                 "bytes after the header",
                 path, (long long)n_elems, ev__dtype_name(a->dtype), n_bytes,
                 s.is_gzip ? "can decompress to" : "has", (unsigned long long)room);
    goto done;
  }
  buf.limit = n_bytes ? n_bytes : 1;
  while (buf.len < n_bytes) {
    size_t want = EV__MIN(n_bytes - buf.len, (size_t)16 << 20);
    char what[96];
    snprintf(what, sizeof what, "the data (%zu bytes)", n_bytes);
    if ((rc = ev__budget_take(b, want, "idx", path, what, err))) goto done;
    charged += want;
    if (ev__buf_reserve(&buf, want) != EV_OK) {
      rc = ev__err(err, EV_ENOMEM, "idx: %s: out of memory reading %zu bytes", path, n_bytes);
      goto done;
    }
    size_t got;
    rc = ev__stream_read(&s, buf.data + buf.len, want, &got, err);
    if (rc) goto done;
    buf.len += got;
    if (got < want) {
      rc = ev__err(err, EV_EFORMAT,
                   "idx: %s: file truncated: header says %zu data bytes, only %zu present", path,
                   n_bytes, buf.len);
      goto done;
    }
  }
  unsigned char extra;
  size_t got_extra;
  rc = ev__stream_read(&s, &extra, 1, &got_extra, err);
  if (rc) goto done;
  if (got_extra) {
    rc = ev__err(err, EV_EFORMAT,
                 "idx: %s: more data than the header's shape (%zu bytes) accounts for", path,
                 n_bytes);
    goto done;
  }
  if (!buf.data && !(buf.data = ev__malloc(1))) { /* no data: a 0 x ... array */
    rc = ev__err(err, EV_ENOMEM, "idx: %s: out of memory", path);
    goto done;
  }
  a->data = buf.data;
  a->n_elems = (size_t)n_elems;
  *owned = buf.data;
  buf.data = NULL;
done:
  if (rc) ev__budget_give(b, charged);
  ev__buf_free(&buf);
  ev__stream_close(&s);
  return rc;
}

int ev__idx_read(const char *path, ev_matrix **out, ev_source_info *info, ev__budget *b,
                 ev_error *err) {
  ev__ndarray a;
  unsigned char *owned;
  int is_gzip;
  *out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__idx_read_array(path, &a, &owned, &is_gzip, b, err);
  if (rc) return rc;
  rc = ev__ndarray_to_matrix(&a, "idx", path, 0, b, out, err);
  if (rc == EV_OK && info) {
    if (is_gzip) snprintf(info->detail, sizeof info->detail, "gzip");
    ev__ndarray_describe(&a, EV_FORMAT_IDX, info);
  }
  ev__free(owned);
  ev__budget_give(b, a.n_elems * ev__dtype_size(a.dtype));
  return rc;
}

int ev_idx_read(const char *path, ev_matrix **out, ev_source_info *info, ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__idx_read(path, out, info, &b, err);
}
