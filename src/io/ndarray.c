/* ndarray.c — conversion of typed file arrays to float32 rows and text. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/parallel.h"
#include "core/table_internal.h"
#include "io/ndarray.h"

size_t ev__dtype_size(ev__dtype t) {
  switch (t) {
    case EV__DT_BOOL: case EV__DT_U8: case EV__DT_I8: return 1;
    case EV__DT_U16: case EV__DT_I16: case EV__DT_F16: case EV__DT_BF16: return 2;
    case EV__DT_U32: case EV__DT_I32: case EV__DT_F32: return 4;
    case EV__DT_U64: case EV__DT_I64: case EV__DT_F64: return 8;
  }
  return 1;
}

const char *ev__dtype_name(ev__dtype t) {
  static const char *names[] = {"bool",  "uint8",  "int8",  "uint16", "int16",   "uint32",
                                "int32", "uint64", "int64", "float16", "float32", "float64", "bfloat16"};
  return names[t];
}

int64_t ev__shape_prod(const int64_t *shape, int ndim, int from) {
  uint64_t p = 1;
  for (int i = from; i < ndim; i++) {
    if (shape[i] < 0 || __builtin_mul_overflow(p, (uint64_t)shape[i], &p) || p > INT64_MAX)
      return -1;
  }
  return (int64_t)p;
}

void ev__ndarray_describe(const ev__ndarray *a, ev_format fmt, ev_source_info *info) {
  if (!info) return;
  info->format = fmt;
  snprintf(info->dtype, sizeof info->dtype, "%s", ev__dtype_name(a->dtype));
  info->ndim = a->ndim;
  for (int i = 0; i < a->ndim && i < 8; i++) info->shape[i] = a->shape[i];
  size_t used = strlen(info->detail);
  if (ev__dtype_size(a->dtype) > 1)
    used += (size_t)snprintf(info->detail + used, sizeof info->detail - used, "%s%s-endian",
                             used ? ", " : "", a->big_endian ? "big" : "little");
  if (a->fortran && used < sizeof info->detail)
    snprintf(info->detail + used, sizeof info->detail - used, "%sFortran order",
             used ? ", " : "");
}

/* IEEE 754 half to single precision, exact for every value including
 * subnormals, infinities and NaN. */
static float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { /* subnormal: normalise */
      int e = -1;
      do {
        e++;
        mant <<= 1;
      } while (!(mant & 0x400));
      bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static uint64_t load_uint(const unsigned char *p, size_t size, int big) {
  uint64_t v = 0;
  if (big)
    for (size_t i = 0; i < size; i++) v = (v << 8) | p[i];
  else
    for (size_t i = size; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

/* Element k (in storage order) as a double. */
static double load_elem(const ev__ndarray *a, size_t k) {
  size_t sz = ev__dtype_size(a->dtype);
  const unsigned char *p = a->data + k * sz;
  uint64_t u = sz == 1 ? p[0] : load_uint(p, sz, a->big_endian);
  switch (a->dtype) {
    case EV__DT_BOOL: return u != 0;
    case EV__DT_U8: case EV__DT_U16: case EV__DT_U32: case EV__DT_U64: return (double)u;
    case EV__DT_I8: return (int8_t)u;
    case EV__DT_I16: return (int16_t)u;
    case EV__DT_I32: return (int32_t)u;
    case EV__DT_I64: return (double)(int64_t)u;
    case EV__DT_F16: return half_to_float((uint16_t)u);
    case EV__DT_BF16: {
      uint32_t b = (uint32_t)u << 16;
      float f;
      memcpy(&f, &b, 4);
      return f;
    }
    case EV__DT_F32: {
      uint32_t b = (uint32_t)u;
      float f;
      memcpy(&f, &b, 4);
      return f;
    }
    case EV__DT_F64: {
      double d;
      memcpy(&d, &u, 8);
      return d;
    }
  }
  return 0;
}

/* Element k as float32, rounded once as numpy's astype does: a 64-bit
 * integer converted through double would be rounded twice and could land on
 * the other neighbour (2**60 + 2**36 + 1 is one). */
static float load_f32(const ev__ndarray *a, size_t k) {
  if (a->dtype == EV__DT_I64) return (float)(int64_t)load_uint(a->data + k * 8, 8, a->big_endian);
  if (a->dtype == EV__DT_U64) return (float)load_uint(a->data + k * 8, 8, a->big_endian);
  return (float)load_elem(a, k);
}

static int host_big_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 0;
}

static void shape_text(const ev__ndarray *a, char *out, size_t len) {
  size_t used = (size_t)snprintf(out, len, "(");
  for (int i = 0; i < a->ndim && used < len; i++)
    used += (size_t)snprintf(out + used, len - used, "%s%lld", i ? ", " : "", (long long)a->shape[i]);
  if (used < len) snprintf(out + used, len - used, ")");
}

int ev__ndarray_row_len(const ev__ndarray *a, const char *who, const char *path, int64_t *d,
                        ev_error *err) {
  *d = a->ndim <= 1 ? 1 : ev__shape_prod(a->shape, a->ndim, 1);
  size_t row_bytes;
  if (*d < 0 || ev__mul((size_t)*d, EV__MAX(sizeof(float), ev__dtype_size(a->dtype)), &row_bytes) ||
      row_bytes > (size_t)INT64_MAX) {
    char shape[200];
    shape_text(a, shape, sizeof shape);
    if (*d < 0)
      return ev__err(err, EV_ERANGE, "%s: %s: shape %s: a row would hold more than 2^63 values",
                     who, path, shape);
    return ev__err(err, EV_ERANGE,
                   "%s: %s: shape %s: a row of %lld values is too large to address (its size in "
                   "bytes overflows)",
                   who, path, shape, (long long)*d);
  }
  return EV_OK;
}

int ev__ndarray_to_matrix(const ev__ndarray *a, const char *who, const char *path, int n_threads,
                          ev__budget *b, ev_matrix **out, ev_error *err) {
  *out = NULL;
  if (a->ndim < 1)
    return ev__err(err, EV_EFORMAT, "%s: %s: holds a scalar (0-d array), expected a 2-D array",
                   who, path);
  int64_t n = a->shape[0], d;
  int rc = ev__ndarray_row_len(a, who, path, &d, err);
  if (rc) return rc;
  if (d < 1)
    return ev__err(err, EV_EFORMAT, "%s: %s: rows have %lld values, expected at least 1", who,
                   path, (long long)d);
  if ((rc = ev__budget_take_matrix(b, n, d, who, path, err))) return rc;
  rc = ev_matrix_new(n, d, out, err);
  if (rc) {
    ev__budget_give(b, (uint64_t)n * (uint64_t)d * sizeof(float));
    return ev__err_prefix(err, "%s: %s", who, path);
  }
  ev_matrix *m = *out;
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
  if (!a->fortran && a->dtype == EV__DT_F32 && a->big_endian == host_big_endian()) {
    memcpy(m->data, a->data, (size_t)n * (size_t)d * 4);
  } else if (!a->fortran && a->dtype == EV__DT_U8) {
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t i = 0; i < n; i++) {
      const unsigned char *src = a->data + (size_t)i * (size_t)d;
      float *dst = m->data + (size_t)i * (size_t)d;
      for (int64_t j = 0; j < d; j++) dst[j] = (float)src[j];
    }
  } else if (!a->fortran) {
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t i = 0; i < n; i++) {
      float *dst = m->data + (size_t)i * (size_t)d;
      for (int64_t j = 0; j < d; j++) dst[j] = load_f32(a, (size_t)i * (size_t)d + (size_t)j);
    }
  } else {
    /* Column-major: element (i, c1, c2, ...) sits at i + n * (c1 + s1 * (c2 + ...)).
     * Output column c is the row-major index of (c1, c2, ...). */
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t i = 0; i < n; i++) {
      float *dst = m->data + (size_t)i * (size_t)d;
      for (int64_t c = 0; c < d; c++) {
        int64_t rest = c, f_index = 0, f_stride = 1;
        int64_t idx[EV__NDIM_MAX];
        for (int k = a->ndim - 1; k >= 1; k--) {
          idx[k] = rest % a->shape[k];
          rest /= a->shape[k];
        }
        for (int k = 1; k < a->ndim; k++) {
          f_index += idx[k] * f_stride;
          f_stride *= a->shape[k];
        }
        dst[c] = load_f32(a, (size_t)i + (size_t)n * (size_t)f_index);
      }
    }
  }
  ev__matrix_set_image_shape(m, a);
  return EV_OK;
}

void ev__matrix_set_image_shape(ev_matrix *m, const ev__ndarray *a) {
  if (a->ndim == 3) {
    m->image_h = (int32_t)EV__MIN(a->shape[1], INT32_MAX);
    m->image_w = (int32_t)EV__MIN(a->shape[2], INT32_MAX);
    m->image_c = 1;
  } else if (a->ndim == 4 && (a->shape[3] == 1 || a->shape[3] == 3 || a->shape[3] == 4)) {
    m->image_h = (int32_t)EV__MIN(a->shape[1], INT32_MAX);
    m->image_w = (int32_t)EV__MIN(a->shape[2], INT32_MAX);
    m->image_c = (int32_t)a->shape[3];
  }
}

/* Longest text (with its NUL) one value of each dtype can need. */
static size_t max_text(ev__dtype t) {
  switch (t) {
    case EV__DT_BOOL: return 2;
    case EV__DT_U8: return 4;
    case EV__DT_I8: return 5;
    case EV__DT_U16: return 6;
    case EV__DT_I16: return 7;
    case EV__DT_U32: return 11;
    case EV__DT_I32: return 12;
    case EV__DT_U64: case EV__DT_I64: return 21;
    case EV__DT_F16: case EV__DT_F32: case EV__DT_BF16: return 16; /* %.9g: -1.17549435e-38 */
    case EV__DT_F64: return 25;                                     /* %.17g: -2.2250738585072014e-308 */
  }
  return 32;
}

int ev__ndarray_to_column(const ev__ndarray *a, const char *name, ev_table *t, ev__budget *b,
                          const char *who, const char *path, ev_error *err) {
  int64_t n = a->shape[0];
  if (a->ndim != 1 || n != ev_table_n_rows(t))
    return ev__err(err, EV_EMISMATCH, "column '%s': expected %lld values, got %lld", name,
                   (long long)ev_table_n_rows(t), (long long)(a->ndim ? n : 0));
  /* the longest text every value could need, then shrunk to what they took */
  size_t cap, sz = ev__dtype_size(a->dtype), room = max_text(a->dtype), used = 0;
  if (ev__mul((size_t)(n ? n : 1), room, &cap))
    return ev__err(err, EV_ERANGE, "%s: %s: column '%s' is too large", who, path, name);
  char what[300];
  snprintf(what, sizeof what, "the text of column '%.200s'", name);
  int rc = ev__budget_take(b, cap, who, path, what, err);
  if (rc) return rc;
  char *text = ev__malloc(cap);
  if (!text) {
    ev__budget_give(b, cap);
    return ev__err(err, EV_ENOMEM, "column '%s': out of memory", name);
  }
  for (int64_t i = 0; i < n; i++) {
    char *cell = text + used;
    int k;
    switch (a->dtype) {
      case EV__DT_F16: case EV__DT_F32: case EV__DT_BF16:
        k = snprintf(cell, room, "%.9g", load_elem(a, (size_t)i));
        break;
      case EV__DT_F64:
        k = snprintf(cell, room, "%.17g", load_elem(a, (size_t)i));
        break;
      case EV__DT_U64:
        k = snprintf(cell, room, "%llu",
                     (unsigned long long)load_uint(a->data + (size_t)i * sz, sz, a->big_endian));
        break;
      case EV__DT_I64:
        k = snprintf(cell, room, "%lld",
                     (long long)(int64_t)load_uint(a->data + (size_t)i * sz, sz, a->big_endian));
        break;
      default:
        k = snprintf(cell, room, "%.0f", load_elem(a, (size_t)i));
        break;
    }
    used += (size_t)EV__MIN((size_t)k, room - 1) + 1;
  }
  char *shrunk = used < cap ? ev__realloc(text, used ? used : 1) : text;
  if (!shrunk) {
    ev__free(text);
    ev__budget_give(b, cap);
    return ev__err(err, EV_ENOMEM, "column '%s': out of memory", name);
  }
  text = shrunk;
  ev__budget_give(b, cap - used);
  return ev__table_add_packed(t, name, text, used, b, who, path, err);
}
