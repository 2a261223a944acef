/* npy.c — NumPy .npy reader and writer.
 *
 * Format (numpy/lib/format.py):
 *   "\x93NUMPY" major minor
 *   header length: uint16 LE (v1) or uint32 LE (v2, v3)
 *   header: a Python dict literal, ASCII (v1, v2) or UTF-8 (v3), padded with
 *           spaces and ending in '\n':
 *           {'descr': '<f4', 'fortran_order': False, 'shape': (10000, 784), }
 *   data: prod(shape) elements, C or Fortran order.
 * Little-endian float32 C-order files whose data start at a 4-byte boundary
 * are memory-mapped (numpy pads headers to 64 bytes, so they always do).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/file.h"
#include "io/npy.h"
#include "io/readers.h"

#define NPY_HEADER_MAX (1u << 20) /* numpy itself refuses headers over 10 KB by default */

typedef struct dict_parser {
  const char *p, *end;
} dict_parser;

static void skip_ws(dict_parser *d) {
  while (d->p < d->end && isspace((unsigned char)*d->p)) d->p++;
}

/* A quoted Python string; returns 0 on syntax error.  No escapes are needed
 * for the keys and dtype strings numpy writes. */
static int parse_str(dict_parser *d, char *out, size_t out_len) {
  skip_ws(d);
  if (d->p >= d->end || (*d->p != '\'' && *d->p != '"')) return 0;
  char q = *d->p++;
  size_t n = 0;
  while (d->p < d->end && *d->p != q) {
    if (n + 1 < out_len) out[n++] = *d->p;
    d->p++;
  }
  if (d->p >= d->end) return 0;
  d->p++;
  out[n] = '\0';
  return 1;
}

static int expect(dict_parser *d, char c) {
  skip_ws(d);
  if (d->p < d->end && *d->p == c) {
    d->p++;
    return 1;
  }
  return 0;
}

static int parse_descr(const char *s, ev__ndarray *a) {
  char order = s[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') return 0;
  a->big_endian = order == '>';
  const char *t = s + 1;
  static const struct {
    const char *code;
    ev__dtype dt;
  } table[] = {{"b1", EV__DT_BOOL}, {"u1", EV__DT_U8},  {"i1", EV__DT_I8},  {"u2", EV__DT_U16},
               {"i2", EV__DT_I16},  {"u4", EV__DT_U32}, {"i4", EV__DT_I32}, {"u8", EV__DT_U64},
               {"i8", EV__DT_I64},  {"f2", EV__DT_F16}, {"f4", EV__DT_F32}, {"f8", EV__DT_F64}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (!strcmp(t, table[i].code)) {
      a->dtype = table[i].dt;
      return 1;
    }
  }
  return 0;
}

int ev__npy_parse(const unsigned char *buf, size_t len, const char *who, const char *path,
                  ev__ndarray *a, ev_error *err) {
  size_t off, need;
  int rc = ev__npy_parse_head(buf, len, len, who, path, a, &off, &need, err);
  if (!rc) a->data = buf + off;
  return rc;
}

int ev__npy_parse_head(const unsigned char *buf, size_t avail, size_t len, const char *who,
                       const char *path, ev__ndarray *a, size_t *data_off, size_t *need,
                       ev_error *err) {
  memset(a, 0, sizeof *a);
  *need = 0;
  *data_off = 0;
  if (avail < EV__MIN(len, (size_t)12)) {
    *need = EV__MIN(len, (size_t)12);
    return EV_OK;
  }
  if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
    return ev__err(err, EV_EFORMAT, "%s: %s: not a .npy file (%s)", who, path,
                   len < 10 ? "too short for the 10-byte preamble" : "no \\x93NUMPY magic");
  int major = buf[6];
  size_t hlen, pre;
  if (major == 1) {
    hlen = (size_t)buf[8] | ((size_t)buf[9] << 8);
    pre = 10;
  } else if (major == 2 || major == 3) {
    if (len < 12) return ev__err(err, EV_EFORMAT, "%s: %s: file truncated in the preamble", who, path);
    hlen = (size_t)buf[8] | ((size_t)buf[9] << 8) | ((size_t)buf[10] << 16) | ((size_t)buf[11] << 24);
    pre = 12;
  } else {
    return ev__err(err, EV_EUNSUPPORTED, "%s: %s: .npy format version %d.%d, expected 1.0, 2.0 or 3.0",
                   who, path, major, buf[7]);
  }
  if (hlen > NPY_HEADER_MAX || pre + hlen > len)
    return ev__err(err, EV_EFORMAT, "%s: %s: header length %zu exceeds the file (%zu bytes)", who,
                   path, hlen, len);
  if (avail < pre + hlen) {
    *need = pre + hlen;
    return EV_OK;
  }
  dict_parser d = {(const char *)buf + pre, (const char *)buf + pre + hlen};
  char key[64], descr[64] = "";
  int have_descr = 0, have_order = 0, have_shape = 0;
  if (!expect(&d, '{')) goto syntax;
  for (;;) {
    skip_ws(&d);
    if (expect(&d, '}')) break;
    if (!parse_str(&d, key, sizeof key) || !expect(&d, ':')) goto syntax;
    skip_ws(&d);
    if (!strcmp(key, "descr")) {
      if (d.p < d.end && *d.p == '[')
        return ev__err(err, EV_EUNSUPPORTED,
                       "%s: %s: structured dtype (record array); expected a plain numeric array",
                       who, path);
      if (!parse_str(&d, descr, sizeof descr)) goto syntax;
      if (!parse_descr(descr, a))
        return ev__err(err, EV_EUNSUPPORTED,
                       "%s: %s: dtype '%s' is not supported (use float16/32/64, int8..64, "
                       "uint8..64 or bool)",
                       who, path, descr);
      have_descr = 1;
    } else if (!strcmp(key, "fortran_order")) {
      if ((size_t)(d.end - d.p) >= 4 && !strncmp(d.p, "True", 4)) {
        a->fortran = 1;
        d.p += 4;
      } else if ((size_t)(d.end - d.p) >= 5 && !strncmp(d.p, "False", 5)) {
        a->fortran = 0;
        d.p += 5;
      } else {
        goto syntax;
      }
      have_order = 1;
    } else if (!strcmp(key, "shape")) {
      if (!expect(&d, '(')) goto syntax;
      a->ndim = 0;
      for (;;) {
        skip_ws(&d);
        if (expect(&d, ')')) break;
        if (d.p >= d.end || !isdigit((unsigned char)*d.p)) goto syntax;
        uint64_t v = 0;
        while (d.p < d.end && isdigit((unsigned char)*d.p)) {
          if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, (uint64_t)(*d.p - '0'), &v) ||
              v > INT64_MAX)
            return ev__err(err, EV_EFORMAT, "%s: %s: shape value too large", who, path);
          d.p++;
        }
        if (d.p < d.end && (*d.p == 'L' || *d.p == 'l')) d.p++; /* Python 2 wrote longs as 10000L */
        if (a->ndim >= EV__NDIM_MAX)
          return ev__err(err, EV_EUNSUPPORTED, "%s: %s: more than %d dimensions", who, path,
                         EV__NDIM_MAX);
        a->shape[a->ndim++] = (int64_t)v;
        skip_ws(&d);
        if (expect(&d, ')')) break;
        if (!expect(&d, ',')) goto syntax;
      }
      have_shape = 1;
    } else {
      goto syntax;
    }
    skip_ws(&d);
    if (expect(&d, '}')) break;
    if (!expect(&d, ',')) goto syntax;
  }
  if (!have_descr || !have_order || !have_shape)
    return ev__err(err, EV_EFORMAT, "%s: %s: header lacks '%s'", who, path,
                   !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
  int64_t n_elems = ev__shape_prod(a->shape, a->ndim, 0), row;
  size_t n_bytes;
  if (n_elems < 0 || ev__mul((size_t)n_elems, ev__dtype_size(a->dtype), &n_bytes))
    return ev__err(err, EV_EFORMAT, "%s: %s: shape is too large", who, path);
  /* (0, 2**62) holds no data, yet its rows are not addressable */
  int rc = ev__ndarray_row_len(a, who, path, &row, err);
  if (rc) return rc;
  size_t have = len - pre - hlen;
  if (have != n_bytes)
    return ev__err(err, EV_EFORMAT,
                   "%s: %s: header says %lld %s values (%zu bytes) but the file holds %zu bytes of "
                   "data%s",
                   who, path, (long long)n_elems, ev__dtype_name(a->dtype), n_bytes, have,
                   have < n_bytes ? " (truncated?)" : "");
  *data_off = pre + hlen;
  a->n_elems = (size_t)n_elems;
  return EV_OK;
syntax:
  return ev__err(err, EV_EFORMAT, "%s: %s: cannot parse the header dictionary near byte %zu", who,
                 path, pre + (size_t)(d.p - ((const char *)buf + pre)));
}

int ev_npy_read(const char *path, ev_matrix **out, ev_source_info *info, ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__npy_read(path, out, info, &b, err);
}

int ev__npy_read(const char *path, ev_matrix **out, ev_source_info *info, ev__budget *b,
                 ev_error *err) {
  void *base;
  size_t len;
  ev__ndarray a;
  *out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__file_map(path, "npy", &base, &len, err);
  if (rc) return rc;
  rc = ev__npy_parse(base, len, "npy", path, &a, err);
  if (rc) goto fail;
  if (a.ndim == 0) {
    rc = ev__err(err, EV_EFORMAT, "npy: %s: holds a scalar (0-d array), expected a 2-D array", path);
    goto fail;
  }
  ev__ndarray_describe(&a, EV_FORMAT_NPY, info);
  const uint16_t one = 1;
  int little_host = *(const unsigned char *)&one == 1;
  int64_t d = a.ndim == 1 ? 1 : ev__shape_prod(a.shape, a.ndim, 1);
  size_t offset = (size_t)(a.data - (const unsigned char *)base);
  if (a.dtype == EV__DT_F32 && !a.fortran && a.big_endian != little_host && offset % 4 == 0 && d >= 1) {
    rc = ev__matrix_adopt_map(base, len, (float *)(void *)((unsigned char *)base + offset), a.shape[0],
                              d, out, err);
    if (rc) goto fail;
    if (info) info->mapped = 1;
    ev__matrix_set_image_shape(*out, &a);
    return EV_OK;
  }
  rc = ev__ndarray_to_matrix(&a, "npy", path, 0, b, out, err);
fail:
  munmap(base, len);
  return rc;
}

size_t ev__npy_header(char *out, size_t out_len, const char *descr, const int64_t *shape, int ndim) {
  char dict[200];
  int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  for (int i = 0; i < ndim; i++)
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%lld,%s", (long long)shape[i],
                  (i + 1 < ndim) ? " " : "");
  n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
  /* numpy drops the trailing comma for ndim > 1; both forms are valid Python. */
  size_t total = 10 + (size_t)n + 1;
  size_t padded = (total + 63) / 64 * 64;
  if (padded > out_len) return 0;
  memcpy(out, "\x93NUMPY\x01\x00", 8);
  size_t hlen = padded - 10;
  out[8] = (char)(hlen & 0xff);
  out[9] = (char)(hlen >> 8);
  memcpy(out + 10, dict, (size_t)n);
  memset(out + 10 + n, ' ', padded - 10 - (size_t)n - 1);
  out[padded - 1] = '\n';
  return padded;
}

int ev_npy_write(const char *path, const ev_matrix *m, ev_error *err) {
  char header[256];
  int64_t shape[2] = {m->n_rows, m->n_cols};
  size_t hlen = ev__npy_header(header, sizeof header, "<f4", shape, 2);
  ev__atomic a;
  int rc = ev__atomic_begin(&a, path, "npy", err);
  if (rc) return rc;
  fwrite(header, 1, hlen, a.fp);
  for (int64_t i = 0; i < m->n_rows; i++)
    fwrite(ev_matrix_row(m, i), sizeof(float), (size_t)m->n_cols, a.fp);
  return ev__atomic_commit(&a, "npy", err);
}
