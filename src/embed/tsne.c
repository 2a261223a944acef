/* tsne.c — the t-SNE driver: kNN graph, affinities, initialisation and the
 * gradient-descent loop (see embview/tsne.h for the method and defaults). */
#include <math.h>
#include <string.h>

#include "core/parallel.h"
#include "core/rng.h"
#include "embed/embed_internal.h"
#include "embed/tsne_internal.h"

#define EXACT_BELOW 2000 /* AUTO uses the exact gradient below this many points */
/* Barnes-Hut's default opening angles.  Measured on 3-D maps
 * (bench/RESULTS.md): 1.0 while the early exaggeration gathers the clusters
 * and 0.7 afterwards give the same 10-NN accuracy and recall as the classic
 * 0.5 throughout, in half the time. */
#define BH_THETA_EARLY 1.0
#define BH_THETA_LATE 0.7
/* The observer's default: a frame every this many iterations. */
#define OBSERVE_EVERY 10

enum { GRAD_EXACT, GRAD_FFT, GRAD_BH };

static const char *const init_names[] = {[EV_TSNE_INIT_PCA] = "pca", [EV_TSNE_INIT_RANDOM] = "random",
                                         [EV_TSNE_INIT_USER] = "user"};
static const char *const gradient_names[] = {[EV_TSNE_GRADIENT_AUTO] = "auto", [EV_TSNE_GRADIENT_FFT] = "fft",
                                             [EV_TSNE_GRADIENT_EXACT] = "exact", [EV_TSNE_GRADIENT_BH] = "bh"};

const char *ev_tsne_init_name(ev_tsne_init init) { return ev__enum_name(init_names, EV__COUNT(init_names), (int)init); }

int ev_tsne_init_parse(const char *name) { return ev__enum_parse(init_names, EV__COUNT(init_names), name); }

const char *ev_tsne_gradient_name(ev_tsne_gradient g) {
  return ev__enum_name(gradient_names, EV__COUNT(gradient_names), (int)g);
}

int ev_tsne_gradient_parse(const char *name) { return ev__enum_parse(gradient_names, EV__COUNT(gradient_names), name); }

ev_tsne_params ev_tsne_params_default(void) {
  ev_tsne_params p;
  memset(&p, 0, sizeof p);
  p.n_dims = 2;
  p.perplexity = 30;
  p.n_iter = 750;
  p.early_iter = 250;
  p.early_exaggeration = 12;
  p.exaggeration = 1;
  p.momentum = 0.5;
  p.final_momentum = 0.8;
  p.dof = 1;
  p.init = EV_TSNE_INIT_PCA;
  p.gradient = EV_TSNE_GRADIENT_AUTO;
  p.seed = 42;
  p.early_theta = BH_THETA_EARLY;
  p.theta = BH_THETA_LATE;
  p.kl_every = 50;
  p.knn = ev_knn_params_default();
  p.observer.every = OBSERVE_EVERY;
  return p;
}

/* Attraction (exaggerated P) into grad, and optionally the per-row KL terms
 * sum p log(p / w) (without Z; the caller adds log Z). */
/* The 2-D case without KL, the one that runs every iteration: a branch-free
 * inner loop the compiler can vectorise (gathers of y_j). */
static void attraction_2d(const ev_csr *p, const float *y, float inv_dof, float fexag, int nt,
                          double *grad) {
  int64_t n = p->n_rows;
  (void)nt;
#pragma omp parallel for schedule(dynamic, 512) num_threads(nt)
  for (int64_t i = 0; i < n; i++) {
    float ax = 0, ay = 0;
    const float yx = y[2 * i], yy = y[2 * i + 1];
    const int32_t *col = p->col;
    const float *val = p->val;
#pragma omp simd reduction(+ : ax, ay)
    for (int64_t e = p->row_ptr[i]; e < p->row_ptr[i + 1]; e++) {
      int64_t j = col[e];
      float dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
      float f = fexag * val[e] / (1.0f + (dx * dx + dy * dy) * inv_dof);
      ax += f * dx;
      ay += f * dy;
    }
    grad[2 * i] = ax;
    grad[2 * i + 1] = ay;
  }
}

static void attraction(const ev_csr *p, const float *y, int dims, double dof, double exag,
                       int nt, double *grad, double *kl_rows) {
  int64_t n = p->n_rows;
  float inv_dof = (float)(1.0 / dof), fexag = (float)exag;
  if (dims == 2 && !kl_rows) {
    attraction_2d(p, y, inv_dof, fexag, nt, grad);
    return;
  }
  (void)nt;
#pragma omp parallel for schedule(dynamic, 512) num_threads(nt)
  for (int64_t i = 0; i < n; i++) {
    float a[3] = {0, 0, 0};
    double kl = 0;
    const float *yi = y + i * dims;
    for (int64_t e = p->row_ptr[i]; e < p->row_ptr[i + 1]; e++) {
      const float *yj = y + (int64_t)p->col[e] * dims;
      float diff[3], d2 = 0;
      for (int c = 0; c < dims; c++) {
        diff[c] = yi[c] - yj[c];
        d2 += diff[c] * diff[c];
      }
      float u = 1.0f + d2 * inv_dof;
      float f = fexag * p->val[e] / u;
      for (int c = 0; c < dims; c++) a[c] += f * diff[c];
      if (kl_rows && p->val[e] > 0) kl += p->val[e] * (log(p->val[e]) + dof * log(u));
    }
    for (int c = 0; c < dims; c++) grad[i * dims + c] = a[c];
    if (kl_rows) kl_rows[i] = kl;
  }
}

/* Full gradient (without the factor 4) and KL when kl != NULL. */
static int gradient_step(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                         double exag, int method, double theta, ev__fft_grid *grid, int nt, double *scratch_z,
                         double *scratch_rep, double *grad, double *kl_rows, double *kl,
                         ev_error *err) {
  if (method == GRAD_EXACT) {
    float *gf = (float *)(void *)scratch_rep; /* n * dims doubles hold n * dims floats */
    int rc = ev__tsne_gradient_exact(p, y, n, dims, dof, exag, gf, kl, err);
    if (rc) return rc;
    for (int64_t t = n * dims - 1; t >= 0; t--) grad[t] = gf[t];
    return EV_OK;
  }
  attraction(p, y, dims, dof, exag, nt, grad, kl ? kl_rows : NULL);
  double z = 0;
  (void)scratch_z;
  int rc;
  if (method == GRAD_BH) {
    rc = ev__bh_repulsion(y, n, NULL, 0, dims, dof, theta, nt, NULL, &z, scratch_rep, err);
  } else {
    rc = ev__fft_repulsion(grid, y, n, y, n, nt, NULL, &z, scratch_rep, err);
    z -= (double)n; /* each point's own K_Z(0) = 1 */
  }
  if (rc) return rc;
  if (!(z > 0)) z = 1e-12;
  double inv_z = 1.0 / z;
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t t = 0; t < n * dims; t++) grad[t] -= scratch_rep[t] * inv_z;
  if (kl) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += kl_rows[i];
    *kl = s + log(z); /* sum p = 1 */
  }
  return EV_OK;
}

int ev__tsne_gradient_fft(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                          double exaggeration, int n_threads, float *grad, double *kl,
                          ev_error *err) {
  ev__fft_grid *grid = NULL;
  double *z = ev__malloc((size_t)n * sizeof *z);
  double *rep = ev__malloc((size_t)n * (size_t)dims * sizeof *rep);
  double *g = ev__malloc((size_t)n * (size_t)dims * sizeof *g);
  double *klr = ev__malloc((size_t)n * sizeof *klr);
  int rc = (!z || !rep || !g || !klr) ? ev__err(err, EV_ENOMEM, "tsne: out of memory") : EV_OK;
  if (!rc) rc = ev__fft_grid_new(dims, dof, &grid, err);
  if (!rc) ev__fft_grid_set_points(grid, n);
  int nt = ev__resolve_threads(n_threads);
  if (!rc) rc = gradient_step(p, y, n, dims, dof, exaggeration, GRAD_FFT, 0, grid, nt, z, rep, g, klr, kl, err);
  if (!rc)
    for (int64_t t = 0; t < n * dims; t++) grad[t] = (float)g[t];
  ev__fft_grid_free(grid);
  ev__free(z);
  ev__free(rep);
  ev__free(g);
  ev__free(klr);
  return rc;
}

int ev__tsne_gradient_bh(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                         double exaggeration, double theta, int n_threads, float *grad, double *kl,
                         ev_error *err) {
  double *rep = ev__malloc((size_t)n * (size_t)dims * sizeof *rep);
  double *g = ev__malloc((size_t)n * (size_t)dims * sizeof *g);
  double *klr = ev__malloc((size_t)n * sizeof *klr);
  int nt = ev__resolve_threads(n_threads);
  int rc = (!rep || !g || !klr) ? ev__err(err, EV_ENOMEM, "tsne: out of memory") : EV_OK;
  double z = 0;
  if (!rc) {
    attraction(p, y, dims, dof, exaggeration, nt, g, kl ? klr : NULL);
    rc = ev__bh_repulsion(y, n, NULL, 0, dims, dof, theta, nt, NULL, &z, rep, err);
  }
  if (!rc) {
    for (int64_t t = 0; t < n * dims; t++) grad[t] = (float)(g[t] - rep[t] / z);
    if (kl) {
      double s = 0;
      for (int64_t i = 0; i < n; i++) s += klr[i];
      *kl = s + log(z);
    }
  }
  ev__free(rep);
  ev__free(g);
  ev__free(klr);
  return rc;
}

/* PCA initialisation scaled so that the first coordinate has sd 1e-4;
 * dimensions beyond the data's rank get small noise. */
static int init_pca(const ev_matrix *x, int dims, const ev_tsne_params *p, float *y, ev_error *err) {
  int64_t n = x->n_rows;
  int k = (int)EV__MIN((int64_t)dims, EV__MIN(n, x->n_cols));
  int rc = ev__pca_coords(x, dims, p->seed, p->n_threads, y, err);
  if (rc) return rc;
  double s = 0, s2 = 0;
  for (int64_t i = 0; i < n; i++) {
    double v = y[i * dims];
    s += v;
    s2 += v * v;
  }
  double mean = s / (double)n, sd = sqrt(EV__MAX(s2 / (double)n - mean * mean, 0.0));
  double scale = sd > 0 ? 1e-4 / sd : 1.0;
  ev__rng rng;
  ev__rng_seed(&rng, p->seed, 0x696e6974ull);
  for (int64_t i = 0; i < n; i++)
    for (int c = 0; c < dims; c++)
      y[i * dims + c] = c < k ? (float)(y[i * dims + c] * scale) : (float)(1e-4 * ev__rng_normal(&rng));
  return EV_OK;
}

/* The optimisation loop shared by ev_tsne_run and ev_tsne_transform.
 * y (n x dims) is updated in place; `fixed` points (the first n_fixed) never
 * move (transform); exaggeration/momentum follow the schedule. */
typedef struct loop_cfg {
  int n_iter, early_iter;
  double early_exaggeration, exaggeration, momentum, final_momentum, dof;
  double lr;        /* > 0: fixed learning rate; 0: auto, N / (current exaggeration), at least 50 */
  int method;       /* GRAD_EXACT, GRAD_FFT or GRAD_BH */
  double theta_early, theta_late; /* GRAD_BH: the opening angle in the early phase and after it */
  int kl_every;
  int n_threads;
  ev_embed_observer observer;
  ev_progress progress;
} loop_cfg;

/* Moves the map's mean to the origin.  The gradient does not change when
 * every point moves by the same amount, but float coordinates keep a point's
 * distance to its neighbours only to about 1e-7 of its distance from the
 * origin.  Early exaggeration on a small, well-connected graph (600 points at
 * perplexity 30) contracts the map by many orders of magnitude; off-centre,
 * its points became bit-identical, the gradient exactly zero, and the map a
 * single dot.  Centred, the contracted map keeps full precision and expands
 * again once the exaggeration ends.  The mean is summed in fixed blocks, so
 * it is the same for every thread count. */
#define CENTRE_BLOCKS 64
static void centre(float *y, int64_t n, int dims, int nt) {
  (void)nt; /* without OpenMP */
  double part[CENTRE_BLOCKS][3];
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int b = 0; b < CENTRE_BLOCKS; b++) {
    double s[3] = {0, 0, 0};
    for (int64_t i = n * b / CENTRE_BLOCKS; i < n * (b + 1) / CENTRE_BLOCKS; i++)
      for (int c = 0; c < dims; c++) s[c] += y[i * dims + c];
    memcpy(part[b], s, sizeof s);
  }
  float mean[3];
  for (int c = 0; c < dims; c++) {
    double s = 0;
    for (int b = 0; b < CENTRE_BLOCKS; b++) s += part[b][c];
    mean[c] = (float)(s / (double)n);
  }
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t i = 0; i < n; i++)
    for (int c = 0; c < dims; c++) y[i * dims + c] -= mean[c];
}

static int optimise(const ev_csr *p, float *y, int64_t n, int dims, const loop_cfg *cfg, int *iters_done,
                    double *kl_final, ev_error *err) {
  int nt = ev__resolve_threads(cfg->n_threads);
  size_t nd = (size_t)n * (size_t)dims;
  double *grad = ev__malloc(nd * sizeof *grad);
  double *update = ev__calloc(nd, sizeof *update);
  double *gains = ev__malloc(nd * sizeof *gains);
  double *z = ev__malloc((size_t)n * sizeof *z);
  double *rep = ev__malloc(nd * sizeof *rep);
  double *klr = ev__malloc((size_t)n * sizeof *klr);
  ev__fft_grid *grid = NULL;
  int rc = EV_OK;
  if (!grad || !update || !gains || !z || !rep || !klr) {
    rc = ev__err(err, EV_ENOMEM, "tsne: out of memory for the optimiser (%lld points)", (long long)n);
    goto done;
  }
  if (cfg->method == GRAD_FFT) {
    if ((rc = ev__fft_grid_new(dims, cfg->dof, &grid, err))) goto done;
    ev__fft_grid_set_points(grid, n);
  }
  for (size_t t = 0; t < nd; t++) gains[t] = 1.0;
  double kl = NAN;
  for (int it = 0; it < cfg->n_iter; it++) {
    int early = it < cfg->early_iter;
    double exag = early ? cfg->early_exaggeration : cfg->exaggeration;
    double mom = early ? cfg->momentum : cfg->final_momentum;
    double lr = cfg->lr > 0 ? cfg->lr : EV__MAX((double)n / (exag > 0 ? exag : 1.0), 50.0);
    int want_kl = (cfg->kl_every > 0 && (it + 1) % cfg->kl_every == 0) || it + 1 == cfg->n_iter;
    double kl_now = NAN;
    rc = gradient_step(p, y, n, dims, cfg->dof, exag, cfg->method, early ? cfg->theta_early : cfg->theta_late,
                       grid, nt, z, rep, grad, klr,
                       want_kl ? &kl_now : NULL, err);
    if (rc) goto done;
    if (want_kl) kl = kl_now;
#pragma omp parallel for schedule(static) num_threads(nt)
    for (size_t t = 0; t < nd; t++) {
      double g = grad[t];
      gains[t] = (update[t] * g < 0.0) ? gains[t] + 0.2 : gains[t] * 0.8;
      if (gains[t] < 0.01) gains[t] = 0.01;
      update[t] = mom * update[t] - lr * gains[t] * g;
      y[t] = (float)(y[t] + update[t]);
    }
    centre(y, n, dims, nt);
    *iters_done = it + 1;
    int last = it + 1 == cfg->n_iter;
    if (cfg->observer.fn && (last || (it + 1) % cfg->observer.every == 0)) {
      ev_embed_frame f = {it + 1, cfg->n_iter, want_kl ? kl_now : NAN, y, n, dims};
      if (cfg->observer.fn(cfg->observer.user, &f)) {
        rc = ev__err(err, EV_ECANCELED, "tsne: canceled at iteration %d", it + 1);
        goto done;
      }
    }
    if (cfg->progress.fn && ((it + 1) % 10 == 0 || last) &&
        cfg->progress.fn(cfg->progress.user, "tsne: optimising", (double)(it + 1) / cfg->n_iter)) {
      rc = ev__err(err, EV_ECANCELED, "tsne: canceled at iteration %d", it + 1);
      goto done;
    }
  }
  *kl_final = kl;
done:
  ev__fft_grid_free(grid);
  ev__free(grad);
  ev__free(update);
  ev__free(gains);
  ev__free(z);
  ev__free(rep);
  ev__free(klr);
  return rc;
}

static int check_params(const ev_tsne_params *p, int64_t n, ev_error *err) {
  if (p->n_dims < 1 || p->n_dims > 3)
    return ev__err(err, EV_EINVAL, "tsne: dims must be 1, 2 or 3, got %d", p->n_dims);
  if (!(p->perplexity > 0))
    return ev__err(err, EV_EINVAL, "tsne: perplexity must be positive, got %g", p->perplexity);
  if (n < 4) return ev__err(err, EV_EINVAL, "tsne: needs at least 4 points, got %lld", (long long)n);
  if (3.0 * p->perplexity > (double)(n - 1))
    return ev__err(err, EV_EINVAL,
                   "tsne: perplexity %g too large for %lld points (needs 3 x perplexity + 1 = %.0f "
                   "points; use perplexity <= %.1f)",
                   p->perplexity, (long long)n, ceil(3.0 * p->perplexity + 1), (double)(n - 1) / 3.0);
  if (p->n_iter < 0 || p->early_iter < 0)
    return ev__err(err, EV_EINVAL, "tsne: iteration counts must not be negative");
  if (!(p->dof > 0)) return ev__err(err, EV_EINVAL, "tsne: dof must be positive, got %g", p->dof);
  if (!(p->learning_rate >= 0)) return ev__err(err, EV_EINVAL, "tsne: learning rate must not be negative");
  if (!(p->early_theta > 0 && p->early_theta <= 2))
    return ev__err(err, EV_EINVAL, "tsne: early_theta %g: expected more than 0, at most 2", p->early_theta);
  if (!(p->theta > 0 && p->theta <= 2))
    return ev__err(err, EV_EINVAL, "tsne: theta %g: expected more than 0, at most 2", p->theta);
  if (p->observer.fn && p->observer.every < 1)
    return ev__err(err, EV_EINVAL, "tsne: observer.every %d: expected at least 1 (default %d)", p->observer.every,
                   OBSERVE_EVERY);
  return EV_OK;
}

int ev_tsne_run(const ev_matrix *x, const ev_knn_graph *graph, const ev_tsne_params *params,
                ev_matrix **y_out, ev_tsne_info *info, ev_error *err) {
  ev_tsne_params p = params ? *params : ev_tsne_params_default();
  int64_t n = x->n_rows;
  int dims = p.n_dims;
  *y_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = check_params(&p, n, err);
  if (!rc) rc = ev_matrix_check_finite(x, "tsne: input", err);
  if (rc) return rc;
  int k = (int)EV__MIN((int64_t)floor(3.0 * p.perplexity), n - 1);
  ev_knn_graph *own = NULL;
  ev_csr *P = NULL;
  ev_matrix *y = NULL;
  double t0 = ev_seconds();
  rc = ev__embed_graph("tsne", x, graph, k, &p.knn, p.n_threads, p.progress, &graph, &own, err);
  if (rc) goto done;
  double t1 = ev_seconds();
  rc = ev_tsne_affinities(graph, &p, &P, NULL, NULL, err);
  if (rc) goto done;
  double t2 = ev_seconds();
  rc = ev_matrix_new(n, dims, &y, err);
  if (rc) goto done;
  if (p.init == EV_TSNE_INIT_USER) {
    if (!p.init_y || p.init_y->n_rows != n || p.init_y->n_cols != dims) {
      rc = ev__err(err, EV_EMISMATCH, "tsne: the initial layout must be %lld x %d, got %lld x %lld",
                   (long long)n, dims, p.init_y ? (long long)p.init_y->n_rows : 0LL,
                   p.init_y ? (long long)p.init_y->n_cols : 0LL);
      goto done;
    }
    rc = ev_matrix_check_finite(p.init_y, "tsne: initial layout", err);
    if (rc) goto done;
    for (int64_t i = 0; i < n; i++) memcpy(ev_matrix_row(y, i), ev_matrix_row(p.init_y, i), (size_t)dims * 4);
  } else if (p.init == EV_TSNE_INIT_RANDOM) {
    ev__rng rng;
    ev__rng_seed(&rng, p.seed, 0x72616e64ull);
    for (int64_t t = 0; t < n * dims; t++) y->data[t] = (float)(1e-4 * ev__rng_normal(&rng));
  } else {
    rc = init_pca(x, dims, &p, y->data, err);
    if (rc) goto done;
  }
  loop_cfg cfg = {0};
  cfg.n_iter = p.n_iter;
  cfg.early_iter = (int)EV__MIN(p.early_iter, p.n_iter);
  cfg.early_exaggeration = p.early_exaggeration;
  cfg.exaggeration = p.exaggeration;
  cfg.momentum = p.momentum;
  cfg.final_momentum = p.final_momentum;
  cfg.lr = p.learning_rate;
  cfg.dof = p.dof;
  if (p.gradient == EV_TSNE_GRADIENT_EXACT || (p.gradient == EV_TSNE_GRADIENT_AUTO && n < EXACT_BELOW))
    cfg.method = GRAD_EXACT;
  else if (p.gradient == EV_TSNE_GRADIENT_BH || (p.gradient == EV_TSNE_GRADIENT_AUTO && dims == 3))
    cfg.method = GRAD_BH;
  else
    cfg.method = GRAD_FFT;
  cfg.theta_early = p.early_theta;
  cfg.theta_late = p.theta;
  cfg.kl_every = p.kl_every;
  cfg.n_threads = p.n_threads;
  cfg.observer = p.observer;
  cfg.progress = p.progress;
  int iters = 0;
  double kl = NAN;
  rc = optimise(P, y->data, n, dims, &cfg, &iters, &kl, err);
  if (rc) goto done;
  if (info) {
    info->k = k;
    info->n_iter = iters;
    info->kl = kl;
    info->learning_rate = cfg.lr > 0 ? cfg.lr : EV__MAX((double)n / (p.early_exaggeration > 0 ? p.early_exaggeration : 1), 50.0);
    info->seconds_knn = t1 - t0;
    info->seconds_affinities = t2 - t1;
    info->seconds_optimize = ev_seconds() - t2;
  }
done:
  ev_knn_graph_free(own);
  ev_csr_free(P);
  if (rc)
    ev_matrix_free(y);
  else
    *y_out = y;
  return rc;
}
