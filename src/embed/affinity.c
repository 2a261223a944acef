/* affinity.c — t-SNE input affinities from a kNN graph.
 *
 * For point i with neighbour distances d_ij (j = 1..k), the conditional
 * affinities are p_j|i = exp(-beta_i (D_ij - D_i1)) / Z_i with D = d^2
 * (shifting by the nearest distance D_i1 changes nothing after normalising
 * but keeps exp() in range).  beta_i is found by bisection in log space so
 * that the entropy H_i = log Z_i + beta_i * sum_j p_j|i (D_ij - D_i1) equals
 * log(perplexity) within 1e-5 nats.  If every neighbour is at the same
 * distance (duplicates), any beta gives the uniform distribution, whose
 * entropy log(k) is then the closest one can get; that is accepted.
 *
 * Symmetrisation: P = (P_j|i + P_i|j) / (2N) (ev__csr_symmetrize).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "core/sparse.h"
#include "embview/tsne.h"

#define AFF_TOL 1e-5
#define AFF_MAX_STEPS 200

/* Calibrate one row: p (k values) from squared distances dsq (ascending). */
void ev__tsne_calibrate(const double *dsq, int k, double target_h, double *p, double *beta_out,
                        double *h_out) {
  double beta = 1.0, lo = 0.0, hi = INFINITY;
  double d0 = dsq[0];
  /* a starting precision on the scale of the distances */
  double spread = dsq[k - 1] - d0;
  if (spread > 0) beta = 1.0 / spread;
  double h = 0;
  for (int step = 0; step < AFF_MAX_STEPS; step++) {
    double z = 0, s = 0;
    for (int j = 0; j < k; j++) {
      double e = exp(-beta * (dsq[j] - d0));
      p[j] = e;
      z += e;
      s += e * (dsq[j] - d0);
    }
    h = log(z) + beta * s / z;
    for (int j = 0; j < k; j++) p[j] /= z;
    double diff = h - target_h;
    if (fabs(diff) < AFF_TOL) break;
    if (spread <= 0) break; /* all equidistant: uniform whatever beta */
    if (diff > 0) { /* too flat: sharpen */
      lo = beta;
      beta = isinf(hi) ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  *beta_out = beta;
  *h_out = h;
}

int ev_tsne_affinities(const ev_knn_graph *g, const ev_tsne_params *params, ev_csr **p_out, double *sigma_out,
                       double *entropy_out, ev_error *err) {
  ev_tsne_params defaults = ev_tsne_params_default();
  if (!params) params = &defaults;
  double perplexity = params->perplexity;
  int n_threads = params->n_threads;
  int64_t n = g->n_points;
  int k_all = g->k;
  *p_out = NULL;
  if (!(perplexity > 0))
    return ev__err(err, EV_EINVAL, "tsne: perplexity must be positive, got %g", perplexity);
  /* neighbours actually present in every row */
  int k = k_all;
  for (int64_t i = 0; i < n; i++)
    for (int t = 0; t < k; t++)
      if (g->indices[(size_t)i * (size_t)k_all + (size_t)t] < 0) {
        k = t;
        break;
      }
  if (n < 2 || k < 1)
    return ev__err(err, EV_EINVAL, "tsne: the kNN graph has no neighbours (%lld points)", (long long)n);
  if (perplexity > k)
    return ev__err(err, EV_EINVAL,
                   "tsne: perplexity %g needs at least %g neighbours per point, the graph has %d",
                   perplexity, ceil(perplexity), k);
  double target_h = log(perplexity);
  float *cond = ev__malloc((size_t)n * (size_t)k * sizeof *cond); /* P_j|i, row-major */
  ev_csr *m = NULL;
  int rc = EV_OK;
  if (!cond) {
    rc = ev__err(err, EV_ENOMEM, "tsne: out of memory for affinities of %lld points", (long long)n);
    goto done;
  }
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
#pragma omp parallel num_threads(nt)
  {
    double *dsq = ev__malloc((size_t)k * sizeof *dsq);
    double *p = ev__malloc((size_t)k * sizeof *p);
#pragma omp for schedule(dynamic, 256)
    for (int64_t i = 0; i < n; i++) {
      if (!dsq || !p) continue;
      const float *d = g->distances + (size_t)i * (size_t)k_all;
      for (int t = 0; t < k; t++) {
        double v = g->metric == EV_METRIC_EUCLIDEAN ? (double)d[t] * d[t] : (double)d[t];
        dsq[t] = v;
      }
      double beta, h;
      ev__tsne_calibrate(dsq, k, target_h, p, &beta, &h);
      for (int t = 0; t < k; t++) cond[(size_t)i * (size_t)k + (size_t)t] = (float)p[t];
      if (sigma_out) sigma_out[i] = beta > 0 ? sqrt(1.0 / (2.0 * beta)) : INFINITY;
      if (entropy_out) entropy_out[i] = h;
    }
    if (!dsq || !p) {
#pragma omp atomic write
      rc = EV_ENOMEM;
    }
    ev__free(dsq);
    ev__free(p);
  }
  if (rc) {
    rc = ev__err(err, EV_ENOMEM, "tsne: out of memory calibrating affinities");
    goto done;
  }
  rc = ev__csr_symmetrize(n, k, k_all, g->indices, cond, EV__SYM_SUM, 0.0, 1.0 / (2.0 * (double)n), &m, err);
done:
  ev__free(cond);
  if (rc) {
    ev_csr_free(m);
  } else {
    *p_out = m;
  }
  return rc;
}
