/* normalize.c — centring, spherizing and standardising a matrix (a copy).
 *
 * Column statistics are computed per block of columns, each block scanning
 * all rows in order, in double: the same numbers for any thread count.
 */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"

#define COL_BLOCK 64

int ev_normalize_parse(const char *name) {
  if (!strcmp(name, "none")) return EV_NORMALIZE_NONE;
  if (!strcmp(name, "center") || !strcmp(name, "centre")) return EV_NORMALIZE_CENTER;
  if (!strcmp(name, "spherize") || !strcmp(name, "spherise")) return EV_NORMALIZE_SPHERIZE;
  if (!strcmp(name, "standardize") || !strcmp(name, "standardise")) return EV_NORMALIZE_STANDARDIZE;
  return -1;
}

const char *ev_normalize_name(ev_normalize mode) {
  switch (mode) {
    case EV_NORMALIZE_NONE: return "none";
    case EV_NORMALIZE_CENTER: return "center";
    case EV_NORMALIZE_SPHERIZE: return "spherize";
    case EV_NORMALIZE_STANDARDIZE: return "standardize";
  }
  return "?";
}

/* mean[j] and (if sd) population standard deviation sd[j], two-pass for accuracy. */
void ev__column_moments(const ev_matrix *m, int n_threads, double *mean, double *sd) {
  int64_t d = m->n_cols, n = m->n_rows;
  int64_t n_blocks = (d + COL_BLOCK - 1) / COL_BLOCK;
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (int64_t b = 0; b < n_blocks; b++) {
    int64_t j0 = b * COL_BLOCK, j1 = EV__MIN(d, j0 + COL_BLOCK);
    double acc[COL_BLOCK] = {0};
    for (int64_t i = 0; i < n; i++) {
      const float *r = ev_matrix_row(m, i);
      for (int64_t j = j0; j < j1; j++) acc[j - j0] += r[j];
    }
    for (int64_t j = j0; j < j1; j++) mean[j] = n > 0 ? acc[j - j0] / (double)n : 0.0;
    if (!sd) continue;
    memset(acc, 0, sizeof acc);
    for (int64_t i = 0; i < n; i++) {
      const float *r = ev_matrix_row(m, i);
      for (int64_t j = j0; j < j1; j++) {
        double t = r[j] - mean[j];
        acc[j - j0] += t * t;
      }
    }
    for (int64_t j = j0; j < j1; j++) sd[j] = n > 0 ? sqrt(acc[j - j0] / (double)n) : 0.0;
  }
}

int ev_matrix_normalized(const ev_matrix *m, ev_normalize mode, int n_threads, ev_matrix **out,
                         ev_error *err) {
  *out = NULL;
  if ((int)mode < EV_NORMALIZE_NONE || mode > EV_NORMALIZE_STANDARDIZE)
    return ev__err(err, EV_EINVAL, "normalize: unknown mode %d", (int)mode);
  int rc = ev_matrix_clone(m, out, err);
  if (rc || mode == EV_NORMALIZE_NONE) return rc;
  int64_t d = m->n_cols, n = m->n_rows;
  double *mean = ev__malloc((size_t)d * sizeof *mean);
  double *sd = ev__malloc((size_t)d * sizeof *sd);
  if (!mean || !sd) {
    ev__free(mean);
    ev__free(sd);
    ev_matrix_free(*out);
    *out = NULL;
    return ev__err(err, EV_ENOMEM, "normalize: out of memory for %lld column statistics",
                   (long long)d);
  }
  ev__column_moments(m, n_threads, mean, mode == EV_NORMALIZE_STANDARDIZE ? sd : NULL);
  ev_matrix *y = *out;
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t i = 0; i < n; i++) {
    float *r = ev_matrix_row(y, i);
    for (int64_t j = 0; j < d; j++) r[j] = (float)(r[j] - mean[j]);
    if (mode == EV_NORMALIZE_STANDARDIZE) {
      for (int64_t j = 0; j < d; j++) r[j] = sd[j] > 0 ? (float)(r[j] / sd[j]) : 0.0f;
    } else if (mode == EV_NORMALIZE_SPHERIZE) {
      double norm2 = 0;
      for (int64_t j = 0; j < d; j++) norm2 += (double)r[j] * r[j];
      if (norm2 > 0) {
        float inv = (float)(1.0 / sqrt(norm2));
        for (int64_t j = 0; j < d; j++) r[j] *= inv;
      }
    }
  }
  ev__free(mean);
  ev__free(sd);
  return EV_OK;
}
