/* umap_graph.c — UMAP's fuzzy simplicial set from a kNN graph, as
 * umap-learn's smooth_knn_dist, compute_membership_strengths and
 * fuzzy_simplicial_set.
 *
 * umap-learn's neighbour lists start with the point itself (distance 0);
 * ours do not, so a point's list here is its n_neighbors - 1 nearest others,
 * and the self entry's zero is counted where umap-learn's sums count it (the
 * mean distance that bounds sigma from below).
 */
#include <math.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "core/sparse.h"
#include "embed/umap_internal.h"
#include "embview/umap.h"

#define SMOOTH_TOL 1e-5
#define MIN_K_DIST_SCALE 1e-3
#define SMOOTH_STEPS 64

void ev__umap_smooth_knn(const float *d, int k, int n_neighbors, double local_connectivity, double mean_all,
                         float *rho_out, float *sigma_out) {
  double target = log2((double)n_neighbors);
  /* rho: the local_connectivity-th smallest non-zero distance, interpolated */
  int nz = 0, first_nz = -1;
  double sum = 0, max_nz = 0;
  for (int j = 0; j < k; j++) {
    if (!(d[j] >= 0 || d[j] < 0)) continue; /* NaN: missing */
    sum += d[j];
    if (d[j] > 0) {
      if (first_nz < 0) first_nz = j;
      nz++;
      max_nz = EV__MAX(max_nz, (double)d[j]);
    }
  }
  double rho = 0;
  if (nz >= local_connectivity) {
    int index = (int)floor(local_connectivity);
    double interp = local_connectivity - index;
    /* the distances are ascending, so the non-zero ones run from first_nz */
    if (index > 0) {
      rho = d[first_nz + index - 1];
      if (interp > SMOOTH_TOL) rho += interp * (d[first_nz + index] - d[first_nz + index - 1]);
    } else if (nz > 0) {
      rho = interp * d[first_nz];
    }
  } else if (nz > 0) {
    rho = max_nz;
  }
  double lo = 0, hi = INFINITY, mid = 1;
  for (int step = 0; step < SMOOTH_STEPS; step++) {
    double psum = 0;
    for (int j = 0; j < k; j++) {
      if (!(d[j] >= 0 || d[j] < 0)) continue;
      double r = d[j] - rho;
      psum += r > 0 ? exp(-r / mid) : 1.0;
    }
    if (fabs(psum - target) < SMOOTH_TOL) break;
    if (psum > target) {
      hi = mid;
      mid = (lo + hi) / 2;
    } else {
      lo = mid;
      mid = isinf(hi) ? mid * 2 : (lo + hi) / 2;
    }
  }
  /* umap-learn's lower bound: a thousandth of the mean neighbour distance
   * (its lists include the self zero, hence n_neighbors in the mean) */
  double floor_mean = rho > 0 ? sum / n_neighbors : mean_all;
  if (mid < MIN_K_DIST_SCALE * floor_mean) mid = MIN_K_DIST_SCALE * floor_mean;
  *rho_out = (float)rho;
  *sigma_out = (float)mid;
}

float ev__umap_membership(float d, float rho, float sigma) {
  double r = (double)d - rho;
  if (r <= 0 || sigma <= 0) return 1.0f;
  return (float)exp(-r / sigma);
}

int ev__umap_memberships(const ev_knn_graph *g, int k, int n_neighbors, double local_connectivity, int n_threads,
                         float *w, float *rho_out, float *sigma_out, ev_error *err) {
  int64_t n = g->n_points;
  int stride = g->k;
  (void)err;
  /* the mean of all distances, self zeros included, for points with rho 0 */
  double total = 0;
  int64_t count = 0;
  for (int64_t i = 0; i < n; i++) {
    for (int t = 0; t < k; t++) {
      size_t at = (size_t)i * (size_t)stride + (size_t)t;
      if (g->indices[at] >= 0) {
        total += g->distances[at];
        count++;
      }
    }
    count++;
  }
  double mean_all = count ? total / (double)count : 0.0;
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
#pragma omp parallel num_threads(nt)
  {
    float dbuf[256];
    float *d = k <= 256 ? dbuf : ev__malloc((size_t)k * sizeof *d);
#pragma omp for schedule(dynamic, 512)
    for (int64_t i = 0; i < n; i++) {
      float rho = 0, sigma = 0;
      if (d) {
        for (int t = 0; t < k; t++) {
          size_t at = (size_t)i * (size_t)stride + (size_t)t;
          d[t] = g->indices[at] >= 0 ? g->distances[at] : NAN;
        }
        ev__umap_smooth_knn(d, k, n_neighbors, local_connectivity, mean_all, &rho, &sigma);
        for (int t = 0; t < k; t++)
          w[(size_t)i * (size_t)k + (size_t)t] = isnan(d[t]) ? 0.0f : ev__umap_membership(d[t], rho, sigma);
      }
      if (rho_out) rho_out[i] = rho;
      if (sigma_out) sigma_out[i] = sigma;
    }
    if (!d) {
#pragma omp atomic write
      total = -1;
    }
    if (d != dbuf) ev__free(d);
  }
  if (total < 0) return EV_ENOMEM;
  return EV_OK;
}

int ev_umap_fuzzy_graph(const ev_knn_graph *g, const ev_umap_params *params, ev_csr **out, float *rho_out,
                        float *sigma_out, ev_error *err) {
  *out = NULL;
  ev_umap_params defaults = ev_umap_params_default();
  if (!params) params = &defaults;
  int n_neighbors = params->n_neighbors;
  double local_connectivity = params->local_connectivity, set_op_mix_ratio = params->set_op_mix_ratio;
  int n_threads = params->n_threads;
  int64_t n = g->n_points;
  int k = n_neighbors - 1;
  if (n_neighbors < 2)
    return ev__err(err, EV_EINVAL, "umap: n_neighbors must be at least 2, got %d", n_neighbors);
  if (k > g->k)
    return ev__err(err, EV_EINVAL, "umap: n_neighbors %d needs %d neighbours per point, the graph has %d",
                   n_neighbors, k, g->k);
  if (!(local_connectivity >= 0))
    return ev__err(err, EV_EINVAL, "umap: local_connectivity must not be negative, got %g", local_connectivity);
  if (!(set_op_mix_ratio >= 0 && set_op_mix_ratio <= 1))
    return ev__err(err, EV_EINVAL, "umap: set_op_mix_ratio must be in 0..1, got %g", set_op_mix_ratio);
  float *w = ev__malloc((size_t)(n ? n : 1) * (size_t)k * sizeof *w);
  if (!w) return ev__err(err, EV_ENOMEM, "umap: out of memory for the memberships of %lld points", (long long)n);
  int rc = ev__umap_memberships(g, k, n_neighbors, local_connectivity, n_threads, w, rho_out, sigma_out, err);
  if (rc) rc = ev__err(err, EV_ENOMEM, "umap: out of memory calibrating memberships");
  if (!rc) rc = ev__csr_symmetrize(n, k, g->k, g->indices, w, EV__SYM_FUZZY_UNION, set_op_mix_ratio, 1.0, out, err);
  ev__free(w);
  return rc;
}
