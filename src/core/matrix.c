/* matrix.c — the dense float32 matrix: lifetime, statistics, finiteness. */
#include <math.h>
#include <string.h>
#include <sys/mman.h>

#include "core/internal.h"
#include "core/parallel.h"

enum { KIND_HEAP = 0, KIND_BORROWED = 1, KIND_MAP = 2 };

static int check_shape(int64_t n_rows, int64_t n_cols, size_t *n_bytes, ev_error *err) {
  size_t row_bytes;
  if (n_rows < 0 || n_cols < 1)
    return ev__err(err, EV_EINVAL, "matrix: invalid shape %lld x %lld", (long long)n_rows,
                   (long long)n_cols);
  /* a row must be addressable too, even in a matrix of no rows: 0 x 2^62 is not a matrix */
  if ((uint64_t)n_cols > (uint64_t)INT64_MAX / sizeof(float) ||
      ev__mul((size_t)n_cols, sizeof(float), &row_bytes) || ev__mul((size_t)n_rows, row_bytes, n_bytes))
    return ev__err(err, EV_ERANGE, "matrix: shape %lld x %lld is too large", (long long)n_rows,
                   (long long)n_cols);
  return EV_OK;
}

static int wrap_new(float *data, int64_t n_rows, int64_t n_cols, int kind, ev_matrix **out,
                    ev_error *err) {
  ev_matrix *m = ev__calloc(1, sizeof *m);
  if (!m) return ev__err(err, EV_ENOMEM, "matrix: out of memory");
  m->n_rows = n_rows;
  m->n_cols = n_cols;
  m->stride = n_cols;
  m->data = data;
  m->ev__kind = kind;
  *out = m;
  return EV_OK;
}

int ev_matrix_new(int64_t n_rows, int64_t n_cols, ev_matrix **out, ev_error *err) {
  size_t n_bytes = 0;
  *out = NULL;
  int rc = check_shape(n_rows, n_cols, &n_bytes, err);
  if (rc) return rc;
  float *data = ev__calloc(1, n_bytes);
  if (!data) {
    char b[32];
    ev__fmt_bytes(b, sizeof b, (double)n_bytes);
    return ev__err(err, EV_ENOMEM, "matrix: cannot allocate %s for %lld x %lld floats", b,
                   (long long)n_rows, (long long)n_cols);
  }
  rc = wrap_new(data, n_rows, n_cols, KIND_HEAP, out, err);
  if (rc) ev__free(data);
  return rc;
}

int ev__matrix_adopt_heap(float *data, int64_t n_rows, int64_t n_cols, ev_matrix **out,
                          ev_error *err) {
  return wrap_new(data, n_rows, n_cols, KIND_HEAP, out, err);
}

int ev__matrix_adopt_map(void *base, size_t len, float *data, int64_t n_rows, int64_t n_cols,
                         ev_matrix **out, ev_error *err) {
  size_t n_bytes;
  *out = NULL;
  int rc = check_shape(n_rows, n_cols, &n_bytes, err);
  if (!rc) rc = wrap_new(data, n_rows, n_cols, KIND_MAP, out, err);
  if (rc) return rc;
  (*out)->ev__base = base;
  (*out)->ev__len = len;
  return EV_OK;
}

int ev_matrix_wrap(float *data, int64_t n_rows, int64_t n_cols, int64_t stride, ev_matrix **out,
                   ev_error *err) {
  size_t n_bytes;
  *out = NULL;
  int rc = check_shape(n_rows, n_cols, &n_bytes, err);
  if (rc) return rc;
  if (stride < n_cols)
    return ev__err(err, EV_EINVAL, "matrix: stride %lld is smaller than %lld columns",
                   (long long)stride, (long long)n_cols);
  rc = wrap_new(data, n_rows, n_cols, KIND_BORROWED, out, err);
  if (rc == EV_OK) (*out)->stride = stride;
  return rc;
}

int ev_matrix_clone(const ev_matrix *m, ev_matrix **out, ev_error *err) {
  int rc = ev_matrix_new(m->n_rows, m->n_cols, out, err);
  if (rc) return rc;
  for (int64_t i = 0; i < m->n_rows; i++)
    memcpy(ev_matrix_row(*out, i), ev_matrix_row(m, i), (size_t)m->n_cols * sizeof(float));
  (*out)->image_h = m->image_h;
  (*out)->image_w = m->image_w;
  (*out)->image_c = m->image_c;
  return EV_OK;
}

void ev_matrix_free(ev_matrix *m) {
  if (!m) return;
  if (m->ev__kind == KIND_HEAP)
    ev__free(m->data);
  else if (m->ev__kind == KIND_MAP)
    munmap(m->ev__base, m->ev__len);
  ev__free(m);
}

/* Rows per chunk for reductions: partial results are kept per chunk and
 * combined in chunk order, so the thread count never changes the result. */
#define STATS_CHUNK 2048

typedef struct stats_part {
  double min, max, sum;
  int64_t n_finite, n_nan, n_inf, n_zero_rows;
} stats_part;

void ev_matrix_stats_compute(const ev_matrix *m, int n_threads, ev_matrix_stats *out) {
  int64_t n_chunks = (m->n_rows + STATS_CHUNK - 1) / STATS_CHUNK;
  stats_part *parts = ev__calloc((size_t)(n_chunks ? n_chunks : 1), sizeof *parts);
  memset(out, 0, sizeof *out);
  out->min = out->max = out->mean = NAN;
  if (!parts) return; /* statistics are best effort; NaNs say "unknown" */
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (int64_t c = 0; c < n_chunks; c++) {
    stats_part p = {INFINITY, -INFINITY, 0, 0, 0, 0, 0};
    int64_t end = EV__MIN(m->n_rows, (c + 1) * STATS_CHUNK);
    for (int64_t i = c * STATS_CHUNK; i < end; i++) {
      const float *r = ev_matrix_row(m, i);
      int all_zero = 1;
      double row_sum = 0;
      for (int64_t j = 0; j < m->n_cols; j++) {
        float v = r[j];
        if (isnan(v)) {
          p.n_nan++;
          all_zero = 0;
        } else if (isinf(v)) {
          p.n_inf++;
          all_zero = 0;
        } else {
          if (v < p.min) p.min = v;
          if (v > p.max) p.max = v;
          row_sum += v;
          p.n_finite++;
          if (v != 0.0f) all_zero = 0;
        }
      }
      p.sum += row_sum;
      p.n_zero_rows += all_zero;
    }
    parts[c] = p;
  }
  double mn = INFINITY, mx = -INFINITY, sum = 0;
  int64_t n_finite = 0;
  for (int64_t c = 0; c < n_chunks; c++) {
    if (parts[c].min < mn) mn = parts[c].min;
    if (parts[c].max > mx) mx = parts[c].max;
    sum += parts[c].sum;
    n_finite += parts[c].n_finite;
    out->n_nan += parts[c].n_nan;
    out->n_inf += parts[c].n_inf;
    out->n_zero_rows += parts[c].n_zero_rows;
  }
  if (n_finite > 0) {
    out->min = mn;
    out->max = mx;
    out->mean = sum / (double)n_finite;
  }
  ev__free(parts);
}

int ev_matrix_check_finite(const ev_matrix *m, const char *what, ev_error *err) {
  for (int64_t i = 0; i < m->n_rows; i++) {
    const float *r = ev_matrix_row(m, i);
    for (int64_t j = 0; j < m->n_cols; j++) {
      if (!isfinite(r[j])) {
        return ev__err(err, EV_ENONFINITE,
                       "%s: row %lld, column %lld is %s; remove or impute non-finite values first",
                       what ? what : "input", (long long)i, (long long)j,
                       isnan(r[j]) ? "NaN" : "infinite");
      }
    }
  }
  return EV_OK;
}
