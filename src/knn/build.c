/* build.c — ev_knn_graph_build / ev_knn_query: checks, method choice, the
 * optional PCA pre-step, and the hand-off to the exact or NN-descent engine. */
#include <math.h>
#include <string.h>

#include "core/parallel.h"
#include "embview/pca.h"
#include "knn/knn_internal.h"

/* AUTO picks whichever engine is expected to finish first.  Exact search
 * costs ~ N^2 D; NN-descent ~ N D (a + b k).  Both constants were fitted to
 * runs on Fashion-MNIST-70k (784 dims, two threads):
 *   byte data (VNNI kernel): exact 8.1 s / 8.6 s, NN-descent 3.0 s / 11.6 s
 *   float data:              exact 24.9 s / 30.4 s, NN-descent 4.6 s / 18.9 s
 * at k = 15 / k = 90, which gives exact for N <= 2 (a + b k) with
 * (a, b) = (6100, 460) for bytes and (3400, 205) for floats: about 26,000
 * points at k = 15 and 95,000 at k = 90 for bytes.  The inner-product search
 * costs several times NN-descent (MNIST-10k: 1.5 s against 0.27 s), so it
 * counts four times. */
static int want_exact(const ev_knn_params *p, int64_t n, int is_u8) {
  if (p->method == EV_KNN_EXACT) return 1;
  if (p->method == EV_KNN_APPROX) return n <= 4 * (int64_t)p->k + 16; /* too small for trees */
  int fast_bytes = is_u8 && ev__dot_u8_is_fast();
  double a = fast_bytes ? 6100 : 3400, b = fast_bytes ? 460 : 205;
  double limit = 2.0 * (a + b * p->k);
  if (p->metric == EV_METRIC_INNER_PRODUCT) limit *= 4.0;
  return (double)n <= limit;
}

static int check(const ev_matrix *x, const ev_knn_params *p, const char *what, ev_error *err) {
  if (p->k < 1) return ev__err(err, EV_EINVAL, "knn: k must be at least 1, got %d", p->k);
  if (p->max_candidates < 1)
    return ev__err(err, EV_EINVAL, "knn: max_candidates %d: expected at least 1 (default 32)", p->max_candidates);
  if (p->metric < EV_METRIC_EUCLIDEAN || p->metric > EV_METRIC_INNER_PRODUCT)
    return ev__err(err, EV_EINVAL, "knn: unknown metric %d", (int)p->metric);
  if (x->n_rows > INT32_MAX - 1)
    return ev__err(err, EV_ERANGE, "knn: %lld points; at most %d are supported", (long long)x->n_rows,
                   INT32_MAX - 1);
  return ev_matrix_check_finite(x, what, err);
}

/* PCA pre-step: returns a new matrix in *reduced, or NULL when not applied. */
static int maybe_reduce(const ev_matrix *x, const ev_knn_params *p, ev_matrix **reduced, ev_error *err) {
  *reduced = NULL;
  if (p->pca_dims <= 0 || x->n_cols <= p->pca_dims || x->n_rows <= p->pca_dims) return EV_OK;
  ev_pca_params pp = ev_pca_params_default();
  pp.n_components = p->pca_dims;
  pp.n_threads = p->n_threads;
  pp.seed = p->seed;
  pp.progress = p->progress;
  if (ev_pca_project(x, &pp, reduced, NULL, err)) return ev__err_prefix(err, "knn: PCA pre-step");
  return EV_OK;
}

int ev_knn_graph_build(const ev_matrix *x, const ev_knn_params *params, ev_knn_graph **out,
                       ev_error *err) {
  ev_knn_params p = params ? *params : ev_knn_params_default();
  *out = NULL;
  int rc = check(x, &p, "knn: input", err);
  if (rc) return rc;
  int64_t n = x->n_rows;
  ev_matrix *reduced = NULL;
  rc = maybe_reduce(x, &p, &reduced, err);
  if (rc) return rc;
  const ev_matrix *xs = reduced ? reduced : x;
  ev_knn_graph *g = NULL;
  ev__knn_rows rows;
  memset(&rows, 0, sizeof rows);
  rc = ev_knn_graph_new(n, p.k, p.metric, &g, err);
  if (rc) goto done;
  if (n <= 1) goto done; /* nothing to find: lists stay empty */
  int k_eff = (int)EV__MIN((int64_t)p.k, n - 1);
  rc = ev__knn_rows_init(&rows, xs, p.metric, 1, p.n_threads, err);
  if (rc) goto done;
  if (want_exact(&p, n, rows.is_u8)) {
    if (k_eff == p.k) {
      rc = ev__knn_exact(&rows, &rows, 1, p.k, g, p.n_threads, &p.progress, err);
    } else {
      /* fewer points than k + 1: compute the n - 1 others, pad with -1 */
      ev_knn_graph *small = NULL;
      rc = ev_knn_graph_new(n, k_eff, p.metric, &small, err);
      if (!rc) rc = ev__knn_exact(&rows, &rows, 1, k_eff, small, p.n_threads, &p.progress, err);
      if (!rc)
        for (int64_t i = 0; i < n; i++) {
          memcpy(g->indices + i * p.k, small->indices + i * k_eff, (size_t)k_eff * 4);
          memcpy(g->distances + i * p.k, small->distances + i * k_eff, (size_t)k_eff * 4);
        }
      ev_knn_graph_free(small);
    }
    g->exact = reduced == NULL;
  } else {
    rc = p.metric == EV_METRIC_INNER_PRODUCT ? ev__knn_ip_approx(&rows, xs, &p, g, err)
                                             : ev__knn_nndescent(&rows, &p, g, err);
    g->exact = 0;
  }
  if (rc) goto done;
  ev__knn_finish_units(g);
done:
  ev__knn_rows_free(&rows);
  ev_matrix_free(reduced);
  if (rc) {
    ev_knn_graph_free(g);
    g = NULL;
  }
  *out = g;
  return rc;
}

int ev_knn_query(const ev_matrix *base, const ev_matrix *queries, const ev_knn_params *params,
                 ev_knn_graph **out, ev_error *err) {
  ev_knn_params p = params ? *params : ev_knn_params_default();
  *out = NULL;
  if (base->n_cols != queries->n_cols)
    return ev__err(err, EV_EMISMATCH, "knn: queries have %lld dims, the base %lld",
                   (long long)queries->n_cols, (long long)base->n_cols);
  int rc = check(base, &p, "knn: base", err);
  if (!rc) rc = check(queries, &p, "knn: queries", err);
  if (rc) return rc;
  ev__knn_rows br, qr;
  memset(&qr, 0, sizeof qr);
  ev_knn_graph *g = NULL;
  rc = ev__knn_rows_init(&br, base, p.metric, 1, p.n_threads, err);
  if (!rc) rc = ev__knn_rows_init(&qr, queries, p.metric, br.is_u8, p.n_threads, err);
  if (!rc && br.is_u8 != qr.is_u8) {
    /* queries are not bytes: redo the base in float form */
    ev__knn_rows_free(&br);
    rc = ev__knn_rows_init(&br, base, p.metric, 0, p.n_threads, err);
  }
  int k_eff = (int)EV__MIN((int64_t)p.k, base->n_rows);
  if (!rc) rc = ev_knn_graph_new(queries->n_rows, p.k, p.metric, &g, err);
  if (!rc && k_eff > 0 && queries->n_rows > 0) {
    if (k_eff == p.k) {
      rc = ev__knn_exact(&qr, &br, 0, p.k, g, p.n_threads, &p.progress, err);
    } else {
      ev_knn_graph *small = NULL;
      rc = ev_knn_graph_new(queries->n_rows, k_eff, p.metric, &small, err);
      if (!rc) rc = ev__knn_exact(&qr, &br, 0, k_eff, small, p.n_threads, &p.progress, err);
      if (!rc)
        for (int64_t i = 0; i < queries->n_rows; i++) {
          memcpy(g->indices + i * p.k, small->indices + i * k_eff, (size_t)k_eff * 4);
          memcpy(g->distances + i * p.k, small->distances + i * k_eff, (size_t)k_eff * 4);
        }
      ev_knn_graph_free(small);
    }
  }
  if (!rc) {
    g->exact = 1;
    ev__knn_finish_units(g);
  }
  ev__knn_rows_free(&br);
  ev__knn_rows_free(&qr);
  if (rc) {
    ev_knn_graph_free(g);
    g = NULL;
  }
  *out = g;
  return rc;
}
