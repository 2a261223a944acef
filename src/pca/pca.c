/* pca.c — principal component analysis (see embview/pca.h for the method).
 *
 * Centring (and optional scaling) is never applied to the input in place:
 * the covariance solver centres one block of rows at a time into a scratch
 * buffer, and the randomized solver folds the mean into its products
 * (Xs * W = X * (S^-1 W) - 1 * (mu^T S^-1 W)), so X is read but not copied.
 */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "embview/pca.h"

#define PCA_BLOCK_ROWS 2048

ev_pca_params ev_pca_params_default(void) {
  ev_pca_params p;
  memset(&p, 0, sizeof p);
  p.n_components = 2;
  p.solver = EV_PCA_AUTO;
  p.n_oversamples = 10;
  p.n_power_iters = -1;
  p.seed = 42;
  return p;
}

const char *ev_pca_solver_name(ev_pca_solver s) {
  switch (s) {
    case EV_PCA_AUTO: return "auto";
    case EV_PCA_EIG: return "eig";
    case EV_PCA_RANDOMIZED: return "randomized";
  }
  return "?";
}

int ev_pca_solver_parse(const char *name) {
  for (int s = EV_PCA_AUTO; s <= EV_PCA_RANDOMIZED; s++)
    if (!strcmp(name, ev_pca_solver_name((ev_pca_solver)s))) return s;
  return -1;
}

void ev_pca_free(ev_pca *p) {
  if (!p) return;
  ev__free(p->mean);
  ev__free(p->scale);
  ev__free(p->components);
  ev__free(p->explained_variance);
  ev__free(p->explained_variance_ratio);
  ev__free(p);
}

static int report(const ev_pca_params *p, const char *stage, double f) {
  return p->progress.fn && p->progress.fn(p->progress.user, stage, f);
}

/* Rows [i0, i1) of x, centred and scaled, into dst (row-major, ld = d). */
static void centre_block(const ev_matrix *x, int64_t i0, int64_t i1, const float *mean,
                         const float *inv_scale, float *dst) {
  int64_t d = x->n_cols;
  for (int64_t i = i0; i < i1; i++) {
    const float *r = ev_matrix_row(x, i);
    float *o = dst + (size_t)(i - i0) * (size_t)d;
    for (int64_t j = 0; j < d; j++) o[j] = (r[j] - mean[j]) * inv_scale[j];
  }
}

/* Make each component's largest-magnitude loading positive (first on ties). */
static void fix_signs(float *comp, int k, int64_t d) {
  for (int c = 0; c < k; c++) {
    float *v = comp + (size_t)c * (size_t)d;
    int64_t best = 0;
    for (int64_t j = 1; j < d; j++)
      if (fabsf(v[j]) > fabsf(v[best])) best = j;
    if (v[best] < 0)
      for (int64_t j = 0; j < d; j++) v[j] = -v[j];
  }
}

/* Exact: top-k eigenpairs of the D x D scatter matrix. */
static int fit_eig(const ev_matrix *x, const ev_pca_params *p, const float *inv_scale, ev_pca *out,
                   ev_error *err) {
  int64_t n = x->n_rows, d = x->n_cols;
  int k = p->n_components;
  size_t dd = (size_t)d * (size_t)d;
  double *cov = ev__calloc(dd, sizeof *cov);
  float *cblock = ev__malloc(dd * sizeof *cblock);
  float *scratch = ev__malloc((size_t)PCA_BLOCK_ROWS * (size_t)d * sizeof *scratch);
  double *w = ev__malloc((size_t)d * sizeof *w);
  double *z = ev__malloc((size_t)d * (size_t)k * sizeof *z);
  lapack_int *isuppz = ev__malloc(2 * (size_t)k * sizeof *isuppz);
  int rc = EV_OK;
  if (!cov || !cblock || !scratch || !w || !z || !isuppz) {
    char b[32];
    ev__fmt_bytes(b, sizeof b, (double)dd * 12);
    rc = ev__err(err, EV_ENOMEM, "pca: out of memory for the %lld x %lld covariance (%s)",
                 (long long)d, (long long)d, b);
    goto done;
  }
  /* Blocks of rows in parallel, each block's ssyrk single-threaded (BLAS
   * calls inside an OpenMP region run on one thread), accumulated in block
   * order: the covariance is the same for any thread count. */
  int nt = ev__resolve_threads(p->n_threads);
  (void)nt; /* only read by the pragma */
  int64_t n_blocks = (n + PCA_BLOCK_ROWS - 1) / PCA_BLOCK_ROWS;
  int stop = 0, oom = 0;
#pragma omp parallel num_threads(nt)
  {
    ev__blas_scope one = ev__blas_threads_begin(1); /* also when the team has one thread */
    int first = ev__thread_id() == 0;
    float *scr = first ? scratch : ev__malloc((size_t)PCA_BLOCK_ROWS * (size_t)d * sizeof *scr);
    float *cb = first ? cblock : ev__malloc(dd * sizeof *cb);
    if (!scr || !cb) {
#pragma omp atomic write
      oom = 1;
    }
#pragma omp for ordered schedule(static, 1)
    for (int64_t b = 0; b < n_blocks; b++) {
      int64_t i0 = b * PCA_BLOCK_ROWS, i1 = EV__MIN(n, i0 + PCA_BLOCK_ROWS);
      int skip = oom || stop;
      if (!skip) {
        centre_block(x, i0, i1, out->mean, inv_scale, scr);
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (blasint)d, (blasint)(i1 - i0), 1.0f, scr,
                    (blasint)d, 0.0f, cb, (blasint)d);
      }
#pragma omp ordered
      if (!skip && !stop) {
        for (int64_t a = 0; a < d; a++)
          for (int64_t c = a; c < d; c++) cov[(size_t)a * (size_t)d + (size_t)c] += cb[(size_t)a * (size_t)d + (size_t)c];
        if (report(p, "pca: covariance", (double)i1 / (double)n)) stop = 1;
      }
    }
    if (!first) {
      ev__free(scr);
      ev__free(cb);
    }
    ev__blas_threads_end(one);
  }
  if (oom) rc = ev__err(err, EV_ENOMEM, "pca: out of memory for per-thread covariance blocks");
  else if (stop) rc = ev__err(err, EV_ECANCELED, "pca: canceled");
  /* one thread for LAPACK too: its BLAS calls would round differently with more */
  ev__blas_scope scope = ev__blas_threads_begin(1);
  if (rc == EV_OK) {
    lapack_int m_found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)d, cov,
                                     (lapack_int)d, 0.0, 0.0, (lapack_int)(d - k + 1), (lapack_int)d,
                                     0.0, &m_found, w, z, (lapack_int)k, isuppz);
    if (info != 0 || m_found != k)
      rc = ev__err(err, EV_EINTERNAL, "pca: eigen-decomposition failed (LAPACK dsyevr info %d)",
                   (int)info);
  }
  ev__blas_threads_end(scope);
  if (rc) goto done;
  /* dsyevr returns ascending eigenvalues; components go largest first. */
  for (int c = 0; c < k; c++) {
    int src = k - 1 - c;
    double lam = w[src] > 0 ? w[src] : 0;
    out->explained_variance[c] = lam / (double)(n - 1);
    for (int64_t j = 0; j < d; j++)
      out->components[(size_t)c * (size_t)d + (size_t)j] = (float)z[(size_t)j * (size_t)k + (size_t)src];
  }
done:
  ev__free(cov);
  ev__free(cblock);
  ev__free(scratch);
  ev__free(w);
  ev__free(z);
  ev__free(isuppz);
  return rc;
}

/* Orthonormalise the columns of the row-major m x l matrix a in place (QR). */
static int orthonormalise(float *a, int64_t m, int l, float *tau) {
  lapack_int info = LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, (lapack_int)m, l, a, l, tau);
  if (info == 0) info = LAPACKE_sorgqr(LAPACK_ROW_MAJOR, (lapack_int)m, l, l, a, l, tau);
  return info == 0 ? EV_OK : EV_EINTERNAL;
}

/* y (n x l) = Xs * w, where Xs = (X - mu) / s; wsc is scratch of d x l. */
static void times_w(const ev_matrix *x, const float *mean, const float *inv_scale, const float *w,
                    int l, float *wsc, float *offset, float *y) {
  int64_t n = x->n_rows, d = x->n_cols;
  for (int64_t j = 0; j < d; j++)
    for (int c = 0; c < l; c++) wsc[(size_t)j * (size_t)l + (size_t)c] = w[(size_t)j * (size_t)l + (size_t)c] * inv_scale[j];
  for (int c = 0; c < l; c++) {
    double s = 0;
    for (int64_t j = 0; j < d; j++) s += (double)mean[j] * wsc[(size_t)j * (size_t)l + (size_t)c];
    offset[c] = (float)s;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)n, l, (blasint)d, 1.0f, x->data,
              (blasint)x->stride, wsc, l, 0.0f, y, l);
  for (int64_t i = 0; i < n; i++)
    for (int c = 0; c < l; c++) y[(size_t)i * (size_t)l + (size_t)c] -= offset[c];
}

/* z (d x l) = Xs^T * q. */
static void times_q(const ev_matrix *x, const float *mean, const float *inv_scale, const float *q,
                    int l, float *colsum, float *z) {
  int64_t n = x->n_rows, d = x->n_cols;
  for (int c = 0; c < l; c++) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += q[(size_t)i * (size_t)l + (size_t)c];
    colsum[c] = (float)s;
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (blasint)d, l, (blasint)n, 1.0f, x->data,
              (blasint)x->stride, q, l, 0.0f, z, l);
  for (int64_t j = 0; j < d; j++)
    for (int c = 0; c < l; c++) {
      float *v = &z[(size_t)j * (size_t)l + (size_t)c];
      *v = (*v - mean[j] * colsum[c]) * inv_scale[j];
    }
}

/* Halko et al. 2011, Alg. 4.4 (randomized subspace iteration). */
static int fit_randomized(const ev_matrix *x, const ev_pca_params *p, const float *inv_scale,
                          ev_pca *out, ev_error *err) {
  int64_t n = x->n_rows, d = x->n_cols;
  int k = p->n_components;
  int64_t min_nd = EV__MIN(n, d);
  int l = (int)EV__MIN((int64_t)k + (p->n_oversamples >= 0 ? p->n_oversamples : 10), min_nd);
  int q_iters = p->n_power_iters >= 0 ? p->n_power_iters : (k < 0.1 * (double)min_nd ? 7 : 4);
  float *omega = ev__malloc((size_t)d * (size_t)l * sizeof *omega);
  float *wsc = ev__malloc((size_t)d * (size_t)l * sizeof *wsc);
  float *y = ev__malloc((size_t)n * (size_t)l * sizeof *y);
  float *tau = ev__malloc((size_t)l * sizeof *tau);
  float *tmp = ev__malloc((size_t)l * sizeof *tmp);
  double *b = ev__malloc((size_t)l * (size_t)d * sizeof *b);
  double *sv = ev__malloc((size_t)l * sizeof *sv);
  double *vt = ev__malloc((size_t)l * (size_t)d * sizeof *vt);
  double *u = ev__malloc((size_t)l * (size_t)l * sizeof *u);
  int rc = EV_OK;
  if (!omega || !wsc || !y || !tau || !tmp || !b || !sv || !vt || !u) {
    rc = ev__err(err, EV_ENOMEM, "pca: out of memory for the randomized sketch (%lld x %d)",
                 (long long)n, l);
    goto done;
  }
  ev__rng rng;
  ev__rng_seed(&rng, p->seed, 0x7063611ull);
  for (size_t i = 0; i < (size_t)d * (size_t)l; i++) omega[i] = (float)ev__rng_normal(&rng);
  ev__blas_scope scope = ev__blas_threads_begin(p->n_threads);
  times_w(x, out->mean, inv_scale, omega, l, wsc, tmp, y);
  rc = orthonormalise(y, n, l, tau);
  for (int it = 0; it < q_iters && rc == EV_OK; it++) {
    times_q(x, out->mean, inv_scale, y, l, tmp, omega);
    rc = orthonormalise(omega, d, l, tau);
    if (rc) break;
    times_w(x, out->mean, inv_scale, omega, l, wsc, tmp, y);
    rc = orthonormalise(y, n, l, tau);
    if (rc == EV_OK && report(p, "pca: power iterations", (double)(it + 1) / q_iters)) {
      ev__blas_threads_end(scope);
      rc = ev__err(err, EV_ECANCELED, "pca: canceled");
      goto done;
    }
  }
  if (rc == EV_OK) {
    /* B = Q^T Xs (l x d), computed as (Xs^T Q)^T into omega (d x l). */
    times_q(x, out->mean, inv_scale, y, l, tmp, omega);
    for (int64_t j = 0; j < d; j++)
      for (int c = 0; c < l; c++) b[(size_t)c * (size_t)d + (size_t)j] = omega[(size_t)j * (size_t)l + (size_t)c];
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', l, (lapack_int)d, b, (lapack_int)d, sv,
                                     u, l, vt, (lapack_int)d);
    if (info != 0) rc = EV_EINTERNAL;
  }
  ev__blas_threads_end(scope);
  if (rc) {
    rc = ev__err(err, EV_EINTERNAL, "pca: LAPACK failed in the randomized solver");
    goto done;
  }
  for (int c = 0; c < k; c++) {
    out->explained_variance[c] = sv[c] * sv[c] / (double)(n - 1);
    for (int64_t j = 0; j < d; j++)
      out->components[(size_t)c * (size_t)d + (size_t)j] = (float)vt[(size_t)c * (size_t)d + (size_t)j];
  }
done:
  ev__free(omega);
  ev__free(wsc);
  ev__free(y);
  ev__free(tau);
  ev__free(tmp);
  ev__free(b);
  ev__free(sv);
  ev__free(vt);
  ev__free(u);
  return rc;
}

/* Flop estimates: EIG ~ N*D^2 (ssyrk) + 4/3 D^3 (dsyevr); RANDOMIZED ~
 * 2 products of 2*N*D*l per pass over 1 + q passes, with skinny products
 * weighted x3 because they run at memory rather than compute speed. */
static ev_pca_solver choose_solver(int64_t n, int64_t d, int k) {
  int64_t min_nd = EV__MIN(n, d);
  int l = (int)EV__MIN((int64_t)k + 10, min_nd);
  int q = k < 0.1 * (double)min_nd ? 7 : 4;
  double eig = (double)n * (double)d * (double)d + 4.0 / 3.0 * (double)d * (double)d * (double)d;
  double rnd = 3.0 * (2.0 + 2.0 * q) * 2.0 * (double)n * (double)d * (double)l;
  if ((double)d * (double)d * 12.0 > 4e9) return EV_PCA_RANDOMIZED; /* covariance would not fit */
  return rnd < eig ? EV_PCA_RANDOMIZED : EV_PCA_EIG;
}

int ev_pca_fit(const ev_matrix *x, const ev_pca_params *params, ev_pca **out, ev_error *err) {
  ev_pca_params p = params ? *params : ev_pca_params_default();
  int64_t n = x->n_rows, d = x->n_cols;
  *out = NULL;
  if (n < 2) return ev__err(err, EV_EINVAL, "pca: needs at least 2 points, got %lld", (long long)n);
  if (p.n_components < 1 || p.n_components > EV__MIN(n, d))
    return ev__err(err, EV_EINVAL, "pca: n_components %d is out of range 1..%lld (min of %lld points, %lld dims)",
                   p.n_components, (long long)EV__MIN(n, d), (long long)n, (long long)d);
  int rc = ev_matrix_check_finite(x, "pca: input", err);
  if (rc) return rc;
  int k = p.n_components;
  ev_pca *r = ev__calloc(1, sizeof *r);
  double *mean_d = ev__malloc((size_t)d * sizeof *mean_d);
  double *sd_d = ev__malloc((size_t)d * sizeof *sd_d);
  float *inv_scale = ev__malloc((size_t)d * sizeof *inv_scale);
  if (r) {
    r->mean = ev__malloc((size_t)d * sizeof *r->mean);
    r->scale = ev__malloc((size_t)d * sizeof *r->scale);
    r->components = ev__malloc((size_t)k * (size_t)d * sizeof *r->components);
    r->explained_variance = ev__calloc((size_t)k, sizeof *r->explained_variance);
    r->explained_variance_ratio = ev__calloc((size_t)k, sizeof *r->explained_variance_ratio);
  }
  if (!r || !mean_d || !sd_d || !inv_scale || !r->mean || !r->scale || !r->components ||
      !r->explained_variance || !r->explained_variance_ratio) {
    rc = ev__err(err, EV_ENOMEM, "pca: out of memory");
    goto done;
  }
  r->n_features = d;
  r->n_components = k;
  ev__column_moments(x, p.n_threads, mean_d, sd_d);
  double total = 0;
  for (int64_t j = 0; j < d; j++) {
    r->mean[j] = (float)mean_d[j];
    double s = (p.scale && sd_d[j] > 0) ? sd_d[j] : 1.0;
    r->scale[j] = (float)s;
    inv_scale[j] = (float)(1.0 / s);
    /* sample variance of the (scaled) column */
    total += sd_d[j] * sd_d[j] / (s * s) * (double)n / (double)(n - 1);
  }
  r->total_variance = total;
  r->solver = p.solver == EV_PCA_AUTO ? choose_solver(n, d, k) : p.solver;
  if (r->solver == EV_PCA_EIG)
    rc = fit_eig(x, &p, inv_scale, r, err);
  else
    rc = fit_randomized(x, &p, inv_scale, r, err);
  if (rc) goto done;
  fix_signs(r->components, k, d);
  for (int c = 0; c < k; c++)
    r->explained_variance_ratio[c] = total > 0 ? r->explained_variance[c] / total : 0.0;
done:
  ev__free(mean_d);
  ev__free(sd_d);
  ev__free(inv_scale);
  if (rc)
    ev_pca_free(r);
  else
    *out = r;
  return rc;
}

int ev_pca_transform(const ev_pca *pca, const ev_matrix *x, ev_matrix *y, int n_threads,
                     ev_error *err) {
  int64_t n = x->n_rows, d = x->n_cols;
  int k = pca->n_components;
  if (d != pca->n_features)
    return ev__err(err, EV_EMISMATCH, "pca: transform input has %lld dims, the fit had %lld",
                   (long long)d, (long long)pca->n_features);
  if (y->n_rows != n || y->n_cols != k)
    return ev__err(err, EV_EMISMATCH, "pca: output is %lld x %lld, expected %lld x %d",
                   (long long)y->n_rows, (long long)y->n_cols, (long long)n, k);
  float *scratch = ev__malloc((size_t)PCA_BLOCK_ROWS * (size_t)d * sizeof *scratch);
  float *inv_scale = ev__malloc((size_t)d * sizeof *inv_scale);
  if (!scratch || !inv_scale) {
    ev__free(scratch);
    ev__free(inv_scale);
    return ev__err(err, EV_ENOMEM, "pca: out of memory");
  }
  for (int64_t j = 0; j < d; j++) inv_scale[j] = 1.0f / pca->scale[j];
  /* blocks in parallel, single-threaded BLAS each: thread-count independent */
  int nt = ev__resolve_threads(n_threads);
  (void)nt; /* only read by the pragma */
  int64_t n_blocks = (n + PCA_BLOCK_ROWS - 1) / PCA_BLOCK_ROWS;
  int oom = 0;
#pragma omp parallel num_threads(nt)
  {
    ev__blas_scope one = ev__blas_threads_begin(1);
    int first = ev__thread_id() == 0;
    float *scr = first ? scratch : ev__malloc((size_t)PCA_BLOCK_ROWS * (size_t)d * sizeof *scr);
    if (!scr) {
#pragma omp atomic write
      oom = 1;
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < n_blocks; b++) {
      if (!scr) continue;
      int64_t i0 = b * PCA_BLOCK_ROWS, i1 = EV__MIN(n, i0 + PCA_BLOCK_ROWS);
      centre_block(x, i0, i1, pca->mean, inv_scale, scr);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)(i1 - i0), k, (blasint)d, 1.0f, scr,
                  (blasint)d, pca->components, (blasint)d, 0.0f, ev_matrix_row(y, i0), (blasint)y->stride);
    }
    if (!first) ev__free(scr);
    ev__blas_threads_end(one);
  }
  if (oom) {
    ev__free(scratch);
    ev__free(inv_scale);
    return ev__err(err, EV_ENOMEM, "pca: out of memory for per-thread blocks");
  }
  ev__free(scratch);
  ev__free(inv_scale);
  return EV_OK;
}

int ev_pca_project(const ev_matrix *x, const ev_pca_params *params, ev_matrix **y_out, ev_pca **model_out,
                   ev_error *err) {
  *y_out = NULL;
  if (model_out) *model_out = NULL;
  ev_pca *pca = NULL;
  ev_matrix *y = NULL;
  int rc = ev_pca_fit(x, params, &pca, err);
  if (!rc) rc = ev_matrix_new(x->n_rows, pca->n_components, &y, err);
  if (!rc) rc = ev_pca_transform(pca, x, y, params->n_threads, err);
  if (rc) {
    ev_matrix_free(y);
    ev_pca_free(pca);
    return rc;
  }
  *y_out = y;
  if (model_out) *model_out = pca;
  else ev_pca_free(pca);
  return EV_OK;
}
