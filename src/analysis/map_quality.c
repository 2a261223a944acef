/* map_quality.c — trustworthiness, continuity, k-NN recall and accuracy of
 * a map (see embview/analysis.h).
 *
 * Per evaluated point i: squared distances to every point in both spaces
 * (input space by sgemm on blocks of evaluated points: |a|^2 + |b|^2 - 2ab;
 * map space directly), the k nearest in each by bounded heaps, and the rank
 * of each intruder by counting the points ordered before it ((distance,
 * index) order, self excluded).  Per-point sums are added in point order,
 * so the result does not depend on the thread count.
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "embview/analysis.h"
#include "knn/heap.h"

#define BLOCK 64 /* evaluated points per sgemm */

typedef struct point_result {
  double t_sum, c_sum;
  int kept, right;
} point_result;

/* rank (1-based) of j among all m != i by (d[m], m) */
static int64_t rank_of(const float *d, int64_t n, int64_t i, int64_t j) {
  int64_t r = 1;
  float dj = d[j];
  for (int64_t m = 0; m < n; m++)
    if (m != i && m != j && ev__pair_less(d[m], (int32_t)m, dj, (int32_t)j)) r++;
  return r;
}

static void knn_of(const float *d, int64_t n, int64_t i, int k, float *hd, int32_t *hi) {
  ev__heap_init(hd, hi, k);
  for (int64_t m = 0; m < n; m++)
    if (m != i) ev__heap_push(hd, hi, k, d[m], (int32_t)m);
}

static int contains(const int32_t *set, int k, int32_t v) {
  for (int t = 0; t < k; t++)
    if (set[t] == v) return 1;
  return 0;
}

static void evaluate(const float *dx, const float *dy, int64_t n, int64_t i, int k, const int32_t *labels,
                     float *hd, int32_t *nx, int32_t *ny, point_result *out) {
  knn_of(dx, n, i, k, hd, nx);
  knn_of(dy, n, i, k, hd, ny);
  memset(out, 0, sizeof *out);
  for (int t = 0; t < k; t++) {
    if (!contains(nx, k, ny[t])) out->t_sum += (double)(rank_of(dx, n, i, ny[t]) - k);
    else out->kept++;
    if (!contains(ny, k, nx[t])) out->c_sum += (double)(rank_of(dy, n, i, nx[t]) - k);
  }
  if (labels) {
    /* the neighbours' majority, ties to the smaller code: O(k^2) compares
     * instead of a table per class, so any number of classes works */
    int best = -1, best_votes = 0;
    for (int t = 0; t < k; t++) {
      int c = labels[ny[t]], votes = 0;
      for (int u = 0; u < k; u++) votes += labels[ny[u]] == c;
      if (votes > best_votes || (votes == best_votes && c < best)) best = c, best_votes = votes;
    }
    out->right = best == labels[i];
  }
}

ev_map_quality_params ev_map_quality_params_default(void) {
  ev_map_quality_params p;
  memset(&p, 0, sizeof p);
  p.k = 15;
  p.sample = 0;
  p.seed = 42;
  return p;
}

int ev_map_quality_compute(const ev_matrix *x, const ev_matrix *y, const int32_t *labels,
                           const ev_map_quality_params *params, ev_map_quality *out, ev_error *err) {
  ev_map_quality_params p = params ? *params : ev_map_quality_params_default();
  int k = p.k;
  int64_t sample = p.sample;
  int64_t n = x->n_rows, dx_dim = x->n_cols, dy_dim = y->n_cols;
  memset(out, 0, sizeof *out);
  if (y->n_rows != n)
    return ev__err(err, EV_EMISMATCH, "map quality: the map has %lld points, the input %lld", (long long)y->n_rows,
                   (long long)n);
  if (k < 1 || 2 * (int64_t)k >= n)
    return ev__err(err, EV_EINVAL, "map quality: k = %d must be at least 1 and below N / 2 = %lld", k,
                   (long long)(n / 2));
  if (labels)
    for (int64_t i = 0; i < n; i++)
      if (labels[i] < 0)
        return ev__err(err, EV_EINVAL, "map quality: point %lld has no label (class codes must be >= 0)",
                       (long long)i);
  int rc = ev_matrix_check_finite(x, "map quality: input", err);
  if (!rc) rc = ev_matrix_check_finite(y, "map quality: map", err);
  if (rc) return rc;
  /* the evaluated points: all, or a sample (a partial Fisher-Yates shuffle) */
  int64_t m = sample <= 0 || sample >= n ? n : sample;
  int64_t *pts = ev__malloc((size_t)n * sizeof *pts);
  float *norms = ev__malloc((size_t)n * sizeof *norms);
  point_result *res = ev__calloc((size_t)m, sizeof *res);
  if (!pts || !norms || !res) {
    ev__free(pts);
    ev__free(norms);
    ev__free(res);
    return ev__err(err, EV_ENOMEM, "map quality: out of memory for %lld points", (long long)n);
  }
  for (int64_t i = 0; i < n; i++) pts[i] = i;
  if (m < n) {
    ev__rng rng;
    ev__rng_seed(&rng, p.seed, 0x6d617071ull);
    for (int64_t t = 0; t < m; t++) {
      int64_t u = t + (int64_t)ev__rng_below(&rng, (uint64_t)(n - t));
      int64_t tmp = pts[t];
      pts[t] = pts[u];
      pts[u] = tmp;
    }
  }
  for (int64_t i = 0; i < n; i++) {
    const float *r = ev_matrix_row(x, i);
    double s = 0;
    for (int64_t t = 0; t < dx_dim; t++) s += (double)r[t] * r[t];
    norms[i] = (float)s;
  }
  int nt = ev__resolve_threads(p.n_threads);
  (void)nt; /* only read by the pragma */
  int64_t n_blocks = (m + BLOCK - 1) / BLOCK;
  int oom = 0;
#pragma omp parallel num_threads(nt)
  {
    ev__blas_scope one = ev__blas_threads_begin(1);
    float *q = ev__malloc((size_t)BLOCK * (size_t)dx_dim * sizeof *q);
    float *dots = ev__malloc((size_t)BLOCK * (size_t)n * sizeof *dots);
    float *dy = ev__malloc((size_t)n * sizeof *dy);
    float *hd = ev__malloc((size_t)k * sizeof *hd);
    int32_t *nx = ev__malloc((size_t)k * sizeof *nx), *ny = ev__malloc((size_t)k * sizeof *ny);
    if (!q || !dots || !dy || !hd || !nx || !ny) {
#pragma omp atomic write
      oom = 1;
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < n_blocks; b++) {
      if (!q || !dots || !dy || !hd || !nx || !ny) continue;
      int64_t t0 = b * BLOCK, cnt = EV__MIN((int64_t)BLOCK, m - t0);
      for (int64_t u = 0; u < cnt; u++)
        memcpy(q + u * dx_dim, ev_matrix_row(x, pts[t0 + u]), (size_t)dx_dim * sizeof *q);
      /* dots[u][j] = q_u . x_j */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)cnt, (blasint)n, (blasint)dx_dim, 1.0f, q,
                  (blasint)dx_dim, x->data, (blasint)x->stride, 0.0f, dots, (blasint)n);
      for (int64_t u = 0; u < cnt; u++) {
        int64_t i = pts[t0 + u];
        float *dx = dots + u * n;
        for (int64_t j = 0; j < n; j++) {
          float v = norms[i] + norms[j] - 2.0f * dx[j];
          dx[j] = v > 0 ? v : 0.0f;
        }
        dx[i] = 0;
        const float *yi = ev_matrix_row(y, i);
        for (int64_t j = 0; j < n; j++) {
          const float *yj = ev_matrix_row(y, j);
          float s = 0;
          for (int64_t t = 0; t < dy_dim; t++) s += (yi[t] - yj[t]) * (yi[t] - yj[t]);
          dy[j] = s;
        }
        evaluate(dx, dy, n, i, k, labels, hd, nx, ny, &res[t0 + u]);
      }
    }
    ev__free(q);
    ev__free(dots);
    ev__free(dy);
    ev__free(hd);
    ev__free(nx);
    ev__free(ny);
    ev__blas_threads_end(one);
  }
  if (oom) {
    ev__free(pts);
    ev__free(norms);
    ev__free(res);
    return ev__err(err, EV_ENOMEM, "map quality: out of memory for the distance blocks");
  }
  double t_sum = 0, c_sum = 0;
  int64_t kept = 0, right = 0;
  for (int64_t t = 0; t < m; t++) {
    t_sum += res[t].t_sum;
    c_sum += res[t].c_sum;
    kept += res[t].kept;
    right += res[t].right;
  }
  double norm = 2.0 / ((double)m * k * (2.0 * (double)n - 3.0 * k - 1.0));
  out->k = k;
  out->n_points = n;
  out->n_sampled = m;
  out->trustworthiness = 1.0 - t_sum * norm;
  out->continuity = 1.0 - c_sum * norm;
  out->knn_recall = (double)kept / ((double)m * k);
  out->knn_accuracy = labels ? (double)right / (double)m : NAN;
  ev__free(pts);
  ev__free(norms);
  ev__free(res);
  return EV_OK;
}
