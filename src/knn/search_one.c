/* search_one.c — exact neighbours of one query vector, on the calling
 * thread: what an interactive click needs (the viewer's inspector), where
 * the batch engine's set-up (row preparation, tiles, a thread team) would
 * cost more than the search.  One BLAS sgemv ranks every row; the best
 * candidates are then re-ranked with distances computed in double. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "embview/knn.h"
#include "knn/heap.h"

#define EXTRA 8 /* candidates beyond k, re-ranked exactly: float scores can swap near-ties */

int ev_knn_row_norms(const ev_matrix *x, float *norms) {
  for (int64_t i = 0; i < x->n_rows; i++) {
    const float *r = ev_matrix_row(x, i);
    double s = 0;
    for (int64_t j = 0; j < x->n_cols; j++) s += (double)r[j] * r[j];
    norms[i] = (float)sqrt(s);
  }
  return EV_OK;
}

static double exact_distance(const float *q, double q_norm, const float *r, int64_t d, ev_metric metric) {
  double s = 0;
  if (metric == EV_METRIC_EUCLIDEAN) {
    for (int64_t j = 0; j < d; j++) s += ((double)q[j] - r[j]) * ((double)q[j] - r[j]);
    return sqrt(s);
  }
  double rn = 0;
  for (int64_t j = 0; j < d; j++) {
    s += (double)q[j] * r[j];
    rn += (double)r[j] * r[j];
  }
  return q_norm > 0 && rn > 0 ? 1.0 - s / (q_norm * sqrt(rn)) : 1.0; /* all-zero rows: distance 1 */
}

int ev_knn_search_one(const ev_matrix *x, const float *q, int64_t skip, const float *norms,
                      const ev_knn_params *params, int32_t *idx, float *dist, ev_error *err) {
  ev_knn_params defaults = ev_knn_params_default();
  if (!params) params = &defaults;
  int k = params->k;
  ev_metric metric = params->metric;
  if (metric != EV_METRIC_EUCLIDEAN && metric != EV_METRIC_COSINE)
    return ev__err(err, EV_EINVAL, "knn search: euclidean or cosine only");
  if (k < 1 || k > 100000) return ev__err(err, EV_EINVAL, "knn search: k = %d (need 1..100000)", k);
  int64_t n = x->n_rows, d = x->n_cols;
  int kc = k + EXTRA;
  float *score = ev__malloc((size_t)(n ? n : 1) * sizeof *score);
  float *own = norms ? NULL : ev__malloc((size_t)(n ? n : 1) * sizeof *own);
  float *hd = ev__malloc((size_t)kc * sizeof *hd);
  int32_t *hi = ev__malloc((size_t)kc * sizeof *hi);
  double *ed = ev__malloc((size_t)kc * sizeof *ed);
  if (!score || (!norms && !own) || !hd || !hi || !ed) {
    ev__free(score);
    ev__free(own);
    ev__free(hd);
    ev__free(hi);
    ev__free(ed);
    return ev__err(err, EV_ENOMEM, "knn search: out of memory for %lld rows", (long long)n);
  }
  if (!norms) {
    ev_knn_row_norms(x, own);
    norms = own;
  }
  if (n) { /* score = x q on one thread: concurrent queries each get their own core */
    ev__blas_scope scope = ev__blas_threads_begin(1);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (blasint)n, (blasint)d, 1.0f, x->data, (blasint)x->stride, q, 1, 0.0f,
                score, 1);
    ev__blas_threads_end(scope);
  }
  double qn = 0;
  for (int64_t j = 0; j < d; j++) qn += (double)q[j] * q[j];
  qn = sqrt(qn);
  /* rank: euclidean |x|^2 - 2 x.q (|q|^2 is the same for all), cosine -x.q / |x| */
  ev__heap_init(hd, hi, kc);
  for (int64_t i = 0; i < n; i++) {
    if (i == skip) continue;
    float s = metric == EV_METRIC_EUCLIDEAN ? norms[i] * norms[i] - 2.0f * score[i]
                                            : norms[i] > 0 ? -score[i] / norms[i] : 0.0f;
    if (isnan(s)) s = INFINITY;
    ev__heap_push(hd, hi, kc, s, (int32_t)i);
  }
  ev__heap_finish(hd, hi, kc);
  int m = 0;
  for (int t = 0; t < kc; t++)
    if (hi[t] >= 0) {
      hi[m] = hi[t];
      ed[m++] = exact_distance(q, qn, ev_matrix_row(x, hi[t]), d, metric);
    }
  /* the exact order: (distance, index), a selection sort over k + 8 entries */
  for (int a = 0; a < k; a++) {
    int best = -1;
    for (int b = a; b < m; b++)
      if (best < 0 || ed[b] < ed[best] || (ed[b] == ed[best] && hi[b] < hi[best])) best = b;
    if (best < 0) {
      idx[a] = -1;
      dist[a] = INFINITY;
      continue;
    }
    double td = ed[a];
    int32_t ti = hi[a];
    ed[a] = ed[best];
    hi[a] = hi[best];
    ed[best] = td;
    hi[best] = ti;
    idx[a] = hi[a];
    dist[a] = (float)ed[a];
  }
  ev__free(score);
  ev__free(own);
  ev__free(hd);
  ev__free(hi);
  ev__free(ed);
  return EV_OK;
}
