/* embview/pca.h — principal component analysis.
 *
 * Two solvers, picked automatically (or forced):
 *   EIG         the D x D covariance of the centred data, accumulated in
 *               blocks of rows with BLAS ssyrk into a double matrix, then the
 *               top k eigenpairs with LAPACK dsyevr.  Cost ~ N*D^2 + D^3,
 *               memory ~ 8*D^2 bytes plus one block of rows.  Exact.
 *   RANDOMIZED  Halko, Martinsson & Tropp (2011), Alg. 4.4 with the centring
 *               folded into the products (X is never copied): a Gaussian sketch
 *               of k + oversample columns, q power iterations with QR
 *               re-orthonormalisation, then the SVD of the small projected
 *               matrix.  Cost ~ 4(q+1)*N*D*(k+p), memory ~ (N + D)*(k+p).
 * AUTO chooses RANDOMIZED when its estimated cost is below EIG's (wide inputs,
 * few components) and EIG otherwise.
 *
 * Signs are deterministic: each component's largest-magnitude loading is
 * positive (the first such loading on ties).  The explained-variance ratios
 * divide by the total variance of the (centred, possibly scaled) data.
 */
#ifndef EMBVIEW_PCA_H
#define EMBVIEW_PCA_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/matrix.h"
#include "embview/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ev_pca_solver {
  EV_PCA_AUTO = 0,
  EV_PCA_EIG,
  EV_PCA_RANDOMIZED
} ev_pca_solver;

typedef struct ev_pca_params {
  int n_components;      /* k >= 1, <= min(N, D) */
  int scale;             /* 1: divide columns by their standard deviation (correlation PCA) */
  ev_pca_solver solver;
  int n_oversamples;     /* randomized: extra sketch columns (default 10) */
  int n_power_iters;     /* randomized: power iterations (default -1 = auto: 7 if k < 0.1*min(N,D), else 4) */
  uint64_t seed;         /* randomized: sketch seed */
  int n_threads;         /* 0 = OpenMP default */
  ev_progress progress;  /* optional */
} ev_pca_params;

ev_pca_params ev_pca_params_default(void);

typedef struct ev_pca {
  int64_t n_features;           /* D */
  int n_components;             /* k */
  ev_pca_solver solver;         /* the solver that ran */
  float *mean;                  /* D column means */
  float *scale;                 /* D column scales (all 1 when params.scale == 0) */
  float *components;            /* k x D, row-major, unit rows */
  double *explained_variance;   /* k variances (divided by N - 1) */
  double *explained_variance_ratio; /* k ratios of the total variance */
  double total_variance;        /* sum of column variances */
} ev_pca;

/* Fit PCA to the rows of x.  x must be finite (EV_ENONFINITE otherwise).
 * *out is NULL on failure; free with ev_pca_free. */
int ev_pca_fit(const ev_matrix *x, const ev_pca_params *params, ev_pca **out, ev_error *err);

/* y (n_rows x k, caller-allocated, any stride) = ((x - mean) / scale) * components^T. */
int ev_pca_transform(const ev_pca *pca, const ev_matrix *x, ev_matrix *y, int n_threads,
                     ev_error *err);

/* Fit and project in one call (what most callers want): *y_out is a new
 * N x params->n_components matrix of x's coordinates on the components.
 * model_out (optional) receives the fitted model (free with ev_pca_free);
 * NULL discards it.  On failure both outputs are NULL. */
int ev_pca_project(const ev_matrix *x, const ev_pca_params *params, ev_matrix **y_out, ev_pca **model_out,
                   ev_error *err);

void ev_pca_free(ev_pca *pca);

const char *ev_pca_solver_name(ev_pca_solver s);
int ev_pca_solver_parse(const char *name);  /* "auto" | "eig" | "randomized"; -1 unknown */

#ifdef __cplusplus
}
#endif
#endif
