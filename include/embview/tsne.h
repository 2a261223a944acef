/* embview/tsne.h — t-distributed stochastic neighbour embedding.
 *
 * Pipeline: kNN graph (k = min(N - 1, 3 x perplexity), ev_knn_graph_build's
 * auto method, or a graph the caller already has) -> Gaussian conditional
 * affinities calibrated per point to the perplexity (binary search on the
 * precision, entropy tolerance 1e-5) -> symmetrised, normalised sparse P ->
 * gradient descent on KL(P || Q) with the output kernel
 * w = (1 + d^2 / dof)^(-dof) (dof 1 is the Cauchy kernel of standard t-SNE,
 * smaller values give heavier tails).
 *
 * Gradient: attractive forces over P's non-zeros; repulsive forces and the
 * normalisation Z by FFT-accelerated interpolation (Linderman et al., Nature
 * Methods 2019): charges spread to an equispaced grid of boxes with 3
 * Lagrange nodes each, convolved with the kernel by FFTW, interpolated back.
 * In 3-D that grid grows with the cube of the map's extent, so 3-D maps use
 * a Barnes-Hut octree (theta 1.0, then 0.7) instead.  An exact O(N^2) gradient serves
 * small N and the tests.
 *
 * Optimisation (openTSNE's defaults, Kobak & Berens 2019; Belkina et al.
 * 2019): PCA initialisation scaled to standard deviation 1e-4, early
 * exaggeration 12 for 250 iterations with momentum 0.5, then exaggeration 1
 * with momentum 0.8, 750 iterations in all, per-coordinate gains, learning
 * rate N / early_exaggeration.  As in openTSNE the gradient omits the
 * constant factor 4 of the textbook formula; the learning rate absorbs it.
 *
 * Determinism: the same input, seed and thread count give the same output;
 * every parallel sum runs in a fixed order, so the thread count does not
 * change the result either.
 */
#ifndef EMBVIEW_TSNE_H
#define EMBVIEW_TSNE_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/knn.h"
#include "embview/matrix.h"
#include "embview/progress.h"
#include "embview/sparse.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ev_tsne_init {
  EV_TSNE_INIT_PCA = 0,  /* first principal components, scaled to sd 1e-4 */
  EV_TSNE_INIT_RANDOM,   /* N(0, 1e-4^2) from the seed */
  EV_TSNE_INIT_USER      /* params.init_y (N x n_dims), used as given */
} ev_tsne_init;

typedef enum ev_tsne_gradient {
  EV_TSNE_GRADIENT_AUTO = 0, /* exact below 2,000 points, else FFT in 2-D, Barnes-Hut in 3-D */
  EV_TSNE_GRADIENT_FFT,
  EV_TSNE_GRADIENT_EXACT,
  EV_TSNE_GRADIENT_BH        /* Barnes-Hut octree (see early_theta and theta) */
} ev_tsne_gradient;

/* The names front ends use, one table per enum: "pca", "random", "user" and
 * "auto", "fft", "exact", "bh" (static strings; "?" for a value outside the
 * enum).  _parse is the way back: the value, or -1 for an unknown name. */
const char *ev_tsne_init_name(ev_tsne_init init);
int ev_tsne_init_parse(const char *name);
const char *ev_tsne_gradient_name(ev_tsne_gradient g);
int ev_tsne_gradient_parse(const char *name);

typedef struct ev_tsne_params {
  int n_dims;                  /* 2 or 3 (default 2) */
  double perplexity;           /* default 30 */
  int n_iter;                  /* iterations in all, default 750 */
  int early_iter;              /* of which with early exaggeration, default 250 */
  double early_exaggeration;   /* default 12 */
  double exaggeration;         /* after the early phase, default 1 */
  double learning_rate;        /* 0 = auto (the default), since it depends on N: max(N / the
                                  phase's exaggeration, 50); > 0: that rate throughout */
  double momentum;             /* early phase, default 0.5 */
  double final_momentum;       /* afterwards, default 0.8 */
  double dof;                  /* degrees of freedom of the output kernel, default 1 */
  ev_tsne_init init;
  const ev_matrix *init_y;     /* EV_TSNE_INIT_USER: N x n_dims */
  ev_tsne_gradient gradient;
  double early_theta;          /* Barnes-Hut opening angle during the early exaggeration,
                                  default 1.0; in (0, 2], smaller is more exact and slower */
  double theta;                /* after it, default 0.7 (as accurate as 0.5 on the maps
                                  measured, twice as fast) */
  uint64_t seed;
  int n_threads;               /* 0 = OpenMP default */
  int kl_every;                /* compute the KL divergence every this many iterations (50) */
  ev_knn_params knn;           /* used when no graph is given; k is set from the perplexity */
  ev_embed_observer observer;  /* optional: the coordinates every observer.every iterations (default 10) */
  ev_progress progress;        /* optional: stage progress (kNN, affinities, optimisation) */
} ev_tsne_params;

/* Every field at its default (openTSNE's, above); the seed 42. */
ev_tsne_params ev_tsne_params_default(void);

/* Symmetric t-SNE affinities from a kNN graph (distances as the graph holds
 * them: euclidean distances are squared here).  Per point the Gaussian
 * precision is found by bisection so that the conditional distribution over
 * its neighbours has perplexity params.perplexity (entropy within 1e-5 nats,
 * at most 200 steps; duplicates and zero distances are fine).  Then
 * P = (P_j|i + P_i|j) / (2N).  `sigma_out` (optional, N values) receives each
 * point's bandwidth and `entropy_out` (optional) each achieved entropy.
 * From params (the t-SNE run's own, so that this is the P ev_tsne_run
 * computes; NULL: the defaults): perplexity and n_threads. */
int ev_tsne_affinities(const ev_knn_graph *g, const ev_tsne_params *params, ev_csr **p_out, double *sigma_out,
                       double *entropy_out, ev_error *err);

typedef struct ev_tsne_info {
  int k;                 /* neighbours used */
  int n_iter;            /* iterations run */
  double kl;             /* final KL divergence */
  double learning_rate;  /* the rate used */
  double seconds_knn, seconds_affinities, seconds_optimize;
} ev_tsne_info;

/* Embed the rows of x.  `graph` may be NULL (built here with params.knn) or a
 * kNN graph of x with at least min(N - 1, 3 x perplexity) neighbours (extra
 * ones are ignored).  *y_out is a new N x n_dims matrix; info may be NULL.
 * Errors: EV_EINVAL for bad parameters (perplexity too large for N names
 * both), EV_ENONFINITE for NaN input, EV_ECANCELED from the observer or progress. */
int ev_tsne_run(const ev_matrix *x, const ev_knn_graph *graph, const ev_tsne_params *params,
                ev_matrix **y_out, ev_tsne_info *info, ev_error *err);

/* Place new points into an existing embedding without moving the old ones
 * (openTSNE's transform, with its defaults): each new point gets Gaussian
 * affinities to its 25 nearest old points (exact search) at perplexity 5,
 * starts at the coordinate-wise median of those neighbours' positions, and
 * moves for 250 iterations (learning rate 0.1, momentum 0.8, exaggeration
 * 1.5, gradient norm clipped at 0.25) under attraction to its neighbours and
 * repulsion from all old points, normalised per new point.  New points do
 * not act on each other.  From params: dof, n_threads and knn.metric.
 * x_old: the reference vectors; y_old: their embedding (2 or 3 columns). */
int ev_tsne_transform(const ev_matrix *x_old, const ev_matrix *y_old, const ev_matrix *x_new,
                      const ev_tsne_params *params, ev_matrix **y_new, ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
