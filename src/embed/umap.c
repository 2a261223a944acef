/* umap.c — ev_umap_run: kNN graph -> fuzzy simplicial set -> initial layout
 * -> SGD, with umap-learn's defaults (see embview/umap.h). */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/rng.h"
#include "embed/embed_internal.h"
#include "embed/umap_internal.h"

ev_umap_params ev_umap_params_default(void) {
  ev_umap_params p;
  memset(&p, 0, sizeof p);
  p.n_dims = 2;
  p.n_neighbors = 15;
  p.min_dist = 0.1;
  p.spread = 1.0;
  p.local_connectivity = 1.0;
  p.set_op_mix_ratio = 1.0;
  p.repulsion_strength = 1.0;
  p.negative_sample_rate = 5;
  p.learning_rate = 1.0;
  p.init = EV_UMAP_INIT_SPECTRAL;
  p.sgd = EV_UMAP_SGD_DETERMINISTIC;
  p.seed = 42;
  p.knn = ev_knn_params_default();
  p.observer.every = 5;
  return p;
}

static const char *const init_names[] = {[EV_UMAP_INIT_SPECTRAL] = "spectral", [EV_UMAP_INIT_PCA] = "pca",
                                         [EV_UMAP_INIT_RANDOM] = "random", [EV_UMAP_INIT_USER] = "user"};
static const char *const sgd_names[] = {[EV_UMAP_SGD_DETERMINISTIC] = "deterministic",
                                        [EV_UMAP_SGD_HOGWILD] = "hogwild"};

const char *ev_umap_init_name(ev_umap_init init) { return ev__enum_name(init_names, EV__COUNT(init_names), (int)init); }

int ev_umap_init_parse(const char *name) { return ev__enum_parse(init_names, EV__COUNT(init_names), name); }

const char *ev_umap_sgd_name(ev_umap_sgd sgd) { return ev__enum_name(sgd_names, EV__COUNT(sgd_names), (int)sgd); }

int ev_umap_sgd_parse(const char *name) { return ev__enum_parse(sgd_names, EV__COUNT(sgd_names), name); }

static int check_params(const ev_umap_params *p, ev_error *err) {
  if (p->n_dims < 1 || p->n_dims > 1000) return ev__err(err, EV_EINVAL, "umap: dims must be 1..1000, got %d", p->n_dims);
  if (p->n_neighbors < 2) return ev__err(err, EV_EINVAL, "umap: n_neighbors must be at least 2, got %d", p->n_neighbors);
  if (p->n_epochs < 0) return ev__err(err, EV_EINVAL, "umap: epochs must not be negative, got %d", p->n_epochs);
  if (p->observer.fn && p->observer.every < 1)
    return ev__err(err, EV_EINVAL, "umap: observer.every %d: expected at least 1 (default 5)", p->observer.every);
  if (p->negative_sample_rate < 0)
    return ev__err(err, EV_EINVAL, "umap: negative sample rate must not be negative, got %d", p->negative_sample_rate);
  if (!(p->learning_rate > 0)) return ev__err(err, EV_EINVAL, "umap: learning rate must be positive, got %g", p->learning_rate);
  if (!(p->repulsion_strength >= 0))
    return ev__err(err, EV_EINVAL, "umap: repulsion strength must not be negative, got %g", p->repulsion_strength);
  if ((p->a > 0) != (p->b > 0) || p->a < 0 || p->b < 0)
    return ev__err(err, EV_EINVAL, "umap: give both curve parameters a and b (positive), or neither");
  return EV_OK;
}

/* a, b: given, or fitted from min_dist and spread */
int ev__umap_curve_params(const ev_umap_params *p, double *a, double *b, ev_error *err) {
  if (p->a > 0 && p->b > 0) {
    *a = p->a;
    *b = p->b;
    return EV_OK;
  }
  return ev_umap_find_ab(p->spread, p->min_dist, a, b, err);
}

/* Every column scaled to [0, 10], as umap-learn does to any initial layout. */
static void rescale_columns(float *y, int64_t n, int dims) {
  for (int d = 0; d < dims; d++) {
    float lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
      lo = EV__MIN(lo, y[i * dims + d]);
      hi = EV__MAX(hi, y[i * dims + d]);
    }
    float s = hi > lo ? 10.0f / (hi - lo) : 0.0f;
    for (int64_t i = 0; i < n; i++) y[i * dims + d] = (y[i * dims + d] - lo) * s;
  }
}

static int initial_layout(const ev_matrix *x, const ev_csr *g, const ev_umap_params *p, float *y, int *n_comp,
                          ev_error *err) {
  int64_t n = x->n_rows;
  int dims = p->n_dims;
  ev__rng rng;
  ev__rng_seed(&rng, p->seed, 0x696e6974ull);
  switch (p->init) {
    case EV_UMAP_INIT_USER:
      if (!p->init_y || p->init_y->n_rows != n || p->init_y->n_cols != dims)
        return ev__err(err, EV_EMISMATCH, "umap: the initial layout must be %lld x %d, got %lld x %lld",
                       (long long)n, dims, p->init_y ? (long long)p->init_y->n_rows : 0LL,
                       p->init_y ? (long long)p->init_y->n_cols : 0LL);
      {
        int rc = ev_matrix_check_finite(p->init_y, "umap: initial layout", err);
        if (rc) return rc;
      }
      for (int64_t i = 0; i < n; i++) memcpy(y + i * dims, ev_matrix_row(p->init_y, i), (size_t)dims * sizeof *y);
      return EV_OK;
    case EV_UMAP_INIT_RANDOM:
      for (int64_t t = 0; t < n * dims; t++) y[t] = (float)(20.0 * ev__rng_uniform(&rng) - 10.0);
      return EV_OK;
    case EV_UMAP_INIT_PCA: {
      int rc = ev__pca_coords(x, dims, p->seed, p->n_threads, y, err);
      if (rc) return rc;
      double mx = 0; /* noisy_scale_coords: max |coordinate| 10, noise 1e-4 */
      for (int64_t t = 0; t < n * dims; t++) mx = EV__MAX(mx, fabs((double)y[t]));
      double s = mx > 0 ? 10.0 / mx : 1.0;
      for (int64_t t = 0; t < n * dims; t++) y[t] = (float)(y[t] * s + 1e-4 * ev__rng_normal(&rng));
      return EV_OK;
    }
    case EV_UMAP_INIT_SPECTRAL: break;
  }
  return ev_umap_spectral_layout(g, x, p, y, n_comp, err);
}

int ev_umap_epochs(const ev_umap_params *params, int64_t n_points) {
  return params->n_epochs > 0 ? params->n_epochs : n_points <= 10000 ? 500 : 200;
}

int ev_umap_run(const ev_matrix *x, const ev_knn_graph *graph, const ev_umap_params *params, ev_matrix **y_out,
                ev_umap_info *info, ev_error *err) {
  ev_umap_params p = params ? *params : ev_umap_params_default();
  int64_t n = x->n_rows;
  int dims = p.n_dims;
  *y_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = check_params(&p, err);
  if (!rc && n < 1) rc = ev__err(err, EV_EINVAL, "umap: no points to embed");
  if (!rc) rc = ev_matrix_check_finite(x, "umap: input", err);
  if (rc) return rc;
  double a, b;
  rc = ev__umap_curve_params(&p, &a, &b, err);
  if (rc) return rc;
  /* umap-learn's rule for small inputs: at most N neighbours, self included */
  int n_neighbors = (int)EV__MIN((int64_t)p.n_neighbors, n);
  int k = n_neighbors - 1;
  int n_epochs = ev_umap_epochs(&p, n);
  ev_knn_graph *own = NULL;
  ev_csr *g = NULL;
  ev_matrix *y = NULL;
  int n_comp = 1;
  double t0 = ev_seconds(), t1 = t0, t2 = t0, t3 = t0;
  rc = ev_matrix_new(n, dims, &y, err);
  if (rc) goto done;
  if (n == 1) { /* nothing to lay out */
    memset(y->data, 0, (size_t)dims * sizeof(float));
    goto done;
  }
  rc = ev__embed_graph("umap", x, graph, k, &p.knn, p.n_threads, p.progress, &graph, &own, err);
  if (rc) goto done;
  t1 = ev_seconds();
  ev_umap_params gp = p; /* with n_neighbors as lowered for small inputs */
  gp.n_neighbors = n_neighbors;
  rc = ev_umap_fuzzy_graph(graph, &gp, &g, NULL, NULL, err);
  if (rc) goto done;
  ev__umap_prune(g, n_epochs);
  t2 = ev_seconds();
  rc = initial_layout(x, g, &p, y->data, &n_comp, err);
  if (rc) goto done;
  rescale_columns(y->data, n, dims);
  t3 = ev_seconds();
  ev__umap_sgd_cfg cfg = {0};
  cfg.dims = dims;
  cfg.a = a;
  cfg.b = b;
  cfg.gamma = p.repulsion_strength;
  cfg.alpha = p.learning_rate;
  cfg.negative_sample_rate = p.negative_sample_rate;
  cfg.n_epochs = n_epochs;
  cfg.mode = p.sgd;
  cfg.seed = p.seed;
  cfg.n_threads = p.n_threads;
  cfg.observer = p.observer;
  cfg.progress = p.progress;
  cfg.stage = "umap: optimising the layout";
  rc = ev__umap_sgd(g, y->data, n, NULL, 0, &cfg, err);
  if (rc) goto done;
  if (info) {
    info->k = k;
    info->n_epochs = n_epochs;
    info->n_edges = g->row_ptr[n];
    info->a = a;
    info->b = b;
    info->n_components = n_comp;
    info->init = ev_umap_init_name(p.init);
    info->seconds_knn = t1 - t0;
    info->seconds_graph = t2 - t1;
    info->seconds_init = t3 - t2;
    info->seconds_optimize = ev_seconds() - t3;
  }
done:
  ev_knn_graph_free(own);
  ev_csr_free(g);
  if (rc)
    ev_matrix_free(y);
  else
    *y_out = y;
  return rc;
}
