/* tsne_transform.c — placing new points into an existing t-SNE map.
 *
 * Each new point i minimises its own KL(p_.|i || q_.|i) with
 * q_j|i = w_ij / Z_i over the reference points j, the references fixed:
 *   gradient_i = exaggeration * sum_j p_j|i u_ij^-1 (y_i - y_j)
 *                - (1 / Z_i) sum_j u_ij^-(dof+1) (y_i - y_j)
 * with the repulsion from all references by FFT interpolation (2-D) or
 * Barnes-Hut (3-D), targets being the new points.  Schedule as openTSNE's
 * transform: perplexity 5 over 25 neighbours, median initialisation, 250
 * iterations, learning rate 0.1, momentum 0.8, exaggeration 1.5, gradient
 * norm clipped at 0.25 per point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "embed/tsne_internal.h"

#define T_PERPLEXITY 5.0
#define T_K 25
#define T_ITERS 250
#define T_LR 0.1
#define T_MOMENTUM 0.8
#define T_EXAGGERATION 1.5
#define T_MAX_GRAD 0.25

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

int ev_tsne_transform(const ev_matrix *x_old, const ev_matrix *y_old, const ev_matrix *x_new,
                      const ev_tsne_params *params, ev_matrix **y_new, ev_error *err) {
  ev_tsne_params p = params ? *params : ev_tsne_params_default();
  *y_new = NULL;
  int64_t n_old = x_old->n_rows, n_new = x_new->n_rows;
  int dims = (int)y_old->n_cols;
  if (y_old->n_rows != n_old)
    return ev__err(err, EV_EMISMATCH, "tsne: the reference map has %lld points, the reference vectors %lld",
                   (long long)y_old->n_rows, (long long)n_old);
  if (x_new->n_cols != x_old->n_cols)
    return ev__err(err, EV_EMISMATCH, "tsne: new points have %lld dims, the reference %lld",
                   (long long)x_new->n_cols, (long long)x_old->n_cols);
  if (dims < 2 || dims > 3) return ev__err(err, EV_EINVAL, "tsne: the reference map must be 2-D or 3-D");
  if (n_old < 4) return ev__err(err, EV_EINVAL, "tsne: the reference needs at least 4 points");
  int rc = ev_matrix_check_finite(x_new, "tsne: new points", err);
  if (!rc) rc = ev_matrix_check_finite(y_old, "tsne: reference map", err);
  if (rc) return rc;
  int k = (int)EV__MIN((int64_t)T_K, n_old);
  int nt = ev__resolve_threads(p.n_threads);
  ev_knn_params kp = ev_knn_params_default();
  kp.k = k;
  kp.metric = p.knn.metric == EV_METRIC_INNER_PRODUCT ? EV_METRIC_EUCLIDEAN : p.knn.metric;
  kp.n_threads = p.n_threads;
  ev_knn_graph *g = NULL;
  ev_matrix *y = NULL;
  float *cond = NULL;
  double *grad = NULL, *update = NULL, *gains = NULL, *z = NULL, *rep = NULL;
  ev__fft_grid *grid = NULL;
  rc = ev_knn_query(x_old, x_new, &kp, &g, err);
  if (!rc) rc = ev_matrix_new(n_new, dims, &y, err);
  if (rc) goto done;
  size_t nd = (size_t)n_new * (size_t)dims;
  cond = ev__malloc((size_t)n_new * (size_t)k * sizeof *cond);
  grad = ev__malloc(nd * sizeof *grad);
  update = ev__calloc(nd, sizeof *update);
  gains = ev__malloc(nd * sizeof *gains);
  z = ev__malloc((size_t)(n_new ? n_new : 1) * sizeof *z);
  rep = ev__malloc(nd * sizeof *rep);
  if (!cond || !grad || !update || !gains || !z || !rep) {
    rc = ev__err(err, EV_ENOMEM, "tsne: out of memory placing %lld points", (long long)n_new);
    goto done;
  }
  double target_h = log(EV__MIN(T_PERPLEXITY, (double)k));
  /* affinities and median initialisation */
#pragma omp parallel num_threads(nt)
  {
    double dsq[T_K], pv[T_K];
    float vals[T_K];
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n_new; i++) {
      const float *d = g->distances + (size_t)i * (size_t)k;
      const int32_t *nb = g->indices + (size_t)i * (size_t)k;
      for (int t = 0; t < k; t++) dsq[t] = kp.metric == EV_METRIC_EUCLIDEAN ? (double)d[t] * d[t] : d[t];
      double beta, h;
      ev__tsne_calibrate(dsq, k, target_h, pv, &beta, &h);
      for (int t = 0; t < k; t++) cond[(size_t)i * (size_t)k + (size_t)t] = (float)pv[t];
      for (int c = 0; c < dims; c++) {
        for (int t = 0; t < k; t++) vals[t] = ev_matrix_row(y_old, nb[t])[c];
        qsort(vals, (size_t)k, sizeof *vals, cmp_float);
        ev_matrix_row(y, i)[c] = k % 2 ? vals[k / 2] : 0.5f * (vals[k / 2 - 1] + vals[k / 2]);
      }
    }
  }
  for (size_t t = 0; t < nd; t++) gains[t] = 1.0;
  if (dims == 2) {
    if ((rc = ev__fft_grid_new(dims, p.dof, &grid, err))) goto done;
    ev__fft_grid_set_points(grid, n_old);
  }
  for (int it = 0; it < T_ITERS; it++) {
    rc = dims == 2 ? ev__fft_repulsion(grid, y_old->data, n_old, y->data, n_new, nt, z, NULL, rep, err)
                   : ev__bh_repulsion(y_old->data, n_old, y->data, n_new, dims, p.dof, 0.5, nt, z, NULL, rep, err);
    if (rc) goto done;
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t i = 0; i < n_new; i++) {
      const float *yi = ev_matrix_row(y, i);
      double a[3] = {0, 0, 0};
      for (int t = 0; t < k; t++) {
        const float *yj = ev_matrix_row(y_old, g->indices[(size_t)i * (size_t)k + (size_t)t]);
        double diff[3], d2 = 0;
        for (int c = 0; c < dims; c++) {
          diff[c] = (double)yi[c] - yj[c];
          d2 += diff[c] * diff[c];
        }
        double f = T_EXAGGERATION * cond[(size_t)i * (size_t)k + (size_t)t] / (1.0 + d2 / p.dof);
        for (int c = 0; c < dims; c++) a[c] += f * diff[c];
      }
      double norm2 = 0, zi = z[i] > 0 ? z[i] : 1e-12;
      double gi[3];
      for (int c = 0; c < dims; c++) {
        gi[c] = a[c] - rep[i * dims + c] / zi;
        norm2 += gi[c] * gi[c];
      }
      double scale = norm2 > T_MAX_GRAD * T_MAX_GRAD ? T_MAX_GRAD / sqrt(norm2) : 1.0;
      for (int c = 0; c < dims; c++) grad[i * dims + c] = gi[c] * scale;
    }
#pragma omp parallel for schedule(static) num_threads(nt)
    for (size_t t = 0; t < nd; t++) {
      double gt = grad[t];
      gains[t] = (update[t] * gt < 0.0) ? gains[t] + 0.2 : gains[t] * 0.8;
      if (gains[t] < 0.01) gains[t] = 0.01;
      update[t] = T_MOMENTUM * update[t] - T_LR * gains[t] * gt;
      y->data[t] = (float)(y->data[t] + update[t]);
    }
    if (p.progress.fn && ((it + 1) % 10 == 0 || it + 1 == T_ITERS) &&
        p.progress.fn(p.progress.user, "tsne: placing new points", (double)(it + 1) / T_ITERS)) {
      rc = ev__err(err, EV_ECANCELED, "tsne: canceled");
      goto done;
    }
  }
done:
  ev__fft_grid_free(grid);
  ev_knn_graph_free(g);
  ev__free(cond);
  ev__free(grad);
  ev__free(update);
  ev__free(gains);
  ev__free(z);
  ev__free(rep);
  if (rc)
    ev_matrix_free(y);
  else
    *y_new = y;
  return rc;
}
