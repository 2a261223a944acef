/* rows.c — preparing rows for distance computation (see knn_internal.h). */
#include <math.h>
#include <string.h>

#include "core/parallel.h"
#include "knn/knn_internal.h"

/* Every value an integer in 0..255?  (Checked in full: one pass over the data.) */
static int all_bytes(const ev_matrix *x) {
  int ok = 1;
#pragma omp parallel for schedule(static) reduction(&& : ok)
  for (int64_t i = 0; i < x->n_rows; i++) {
    const float *r = ev_matrix_row(x, i);
    int row_ok = 1;
    for (int64_t j = 0; j < x->n_cols; j++) {
      float v = r[j];
      row_ok &= (v >= 0.0f && v <= 255.0f && v == (float)(int)v);
    }
    ok = ok && row_ok;
  }
  return ok;
}

int ev__knn_rows_init(ev__knn_rows *r, const ev_matrix *x, ev_metric metric, int allow_u8,
                      int n_threads, ev_error *err) {
  memset(r, 0, sizeof *r);
  r->n = x->n_rows;
  r->d = x->n_cols;
  r->metric = metric;
  r->f = x->data;
  r->fs = x->stride;
  (void)n_threads;
  int64_t n = r->n, d = r->d;
  r->sqnorm = ev__malloc((size_t)(n ? n : 1) * sizeof *r->sqnorm);
  if (!r->sqnorm) goto oom;
  /* Byte rows give exact integer products; they need d * 255^2 < 2^31. */
  if (allow_u8 && d < 33000 && n > 0 && all_bytes(x)) {
    r->is_u8 = 1;
    r->dp = (d + 63) / 64 * 64;
    size_t bytes;
    if (ev__mul((size_t)n, (size_t)r->dp, &bytes)) goto oom;
    r->u8 = ev__calloc(1, bytes);
    r->u8_sum = ev__malloc((size_t)n * sizeof *r->u8_sum);
    if (!r->u8 || !r->u8_sum) goto oom;
    uint8_t *u8 = r->u8;
    int64_t dp = r->dp;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      const float *src = ev_matrix_row(x, i);
      uint8_t *dst = u8 + (size_t)i * (size_t)dp;
      int64_t s = 0, s2 = 0;
      for (int64_t j = 0; j < d; j++) {
        int v = (int)src[j];
        dst[j] = (uint8_t)v;
        s += v;
        s2 += v * v;
      }
      r->u8_sum[i] = (int32_t)s;
      r->sqnorm[i] = (double)s2;
    }
    int rc = ev__dot_u8_prepare(r, err);
    if (rc) {
      ev__knn_rows_free(r);
      return rc;
    }
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      const float *src = ev_matrix_row(x, i);
      double s2 = 0;
      for (int64_t j = 0; j < d; j++) s2 += (double)src[j] * src[j];
      r->sqnorm[i] = s2;
    }
  }
  if (metric == EV_METRIC_COSINE) {
    r->inv_norm = ev__malloc((size_t)(n ? n : 1) * sizeof *r->inv_norm);
    if (!r->inv_norm) goto oom;
    for (int64_t i = 0; i < n; i++)
      r->inv_norm[i] = r->sqnorm[i] > 0 ? (float)(1.0 / sqrt(r->sqnorm[i])) : 0.0f;
  }
  return EV_OK;
oom:
  ev__knn_rows_free(r);
  return ev__err(err, EV_ENOMEM, "knn: out of memory preparing %lld rows", (long long)n);
}

int ev__knn_rows_add_s8(ev__knn_rows *r, ev_error *err) {
  if (!r->is_u8 || r->u8_s8 || !ev__knn_pair_kernel_wants_s8()) return EV_OK;
  size_t bytes = (size_t)r->n * (size_t)r->dp;
  r->u8_s8 = ev__malloc(bytes ? bytes : 1);
  if (!r->u8_s8) return ev__err(err, EV_ENOMEM, "knn: out of memory for %lld signed rows", (long long)r->n);
  const uint8_t *src = r->u8;
  int8_t *dst = r->u8_s8;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < (int64_t)bytes; i++) dst[i] = (int8_t)(src[i] ^ 0x80);
  return EV_OK;
}

void ev__knn_rows_free(ev__knn_rows *r) {
  ev__free(r->u8_s8);
  ev__free(r->u8);
  ev__free(r->u8_sum);
  ev__free(r->u8_packed);
  ev__free(r->sqnorm);
  ev__free(r->inv_norm);
  memset(r, 0, sizeof *r);
}

double ev__knn_pair_dist(const ev__knn_rows *a, int64_t i, const ev__knn_rows *b, int64_t j) {
  const float *x = a->f + (size_t)i * (size_t)a->fs;
  const float *y = b->f + (size_t)j * (size_t)b->fs;
  double s = 0;
  switch (a->metric) {
    case EV_METRIC_EUCLIDEAN:
      for (int64_t t = 0; t < a->d; t++) {
        double diff = (double)x[t] - y[t];
        s += diff * diff;
      }
      return s;
    case EV_METRIC_COSINE: {
      double nx = 0, ny = 0;
      for (int64_t t = 0; t < a->d; t++) {
        s += (double)x[t] * y[t];
        nx += (double)x[t] * x[t];
        ny += (double)y[t] * y[t];
      }
      if (nx == 0 || ny == 0) return 1.0;
      double dd = 1.0 - s / sqrt(nx * ny);
      return dd > 0 ? dd : 0;
    }
    case EV_METRIC_INNER_PRODUCT:
      for (int64_t t = 0; t < a->d; t++) s += (double)x[t] * y[t];
      return -s;
  }
  return 0;
}
