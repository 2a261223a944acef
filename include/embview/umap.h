/* embview/umap.h — uniform manifold approximation and projection.
 *
 * Pipeline (McInnes, Healy & Melville 2018, as umap-learn implements it):
 * kNN graph (n_neighbors - 1 neighbours besides the point itself; umap-learn
 * counts the point as its own first neighbour) -> per point rho (distance to
 * the nearest neighbour, with local_connectivity) and sigma (bisection so that
 * sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(n_neighbors)) -> fuzzy union
 * A + A^T - A o A^T (set_op_mix_ratio) -> edges below max / n_epochs dropped
 * -> initial layout (spectral by default) -> stochastic gradient descent on
 * the fuzzy cross-entropy with the curve 1 / (1 + a d^(2b)), edges sampled in
 * proportion to their weight, negative_sample_rate random points pushed away
 * per positive sample, learning rate decaying linearly to 0, gradients
 * clipped at 4.
 *
 * Optimisation modes:
 *  - EV_UMAP_SGD_DETERMINISTIC (default): points are processed in parallel,
 *    each moving only itself; it reads the others' positions as they were at
 *    the start of the epoch, and its random draws come from a stream of
 *    (seed, point, epoch).  The result depends on the seed alone, not on the
 *    thread count or the timing.
 *  - EV_UMAP_SGD_HOGWILD: umap-learn's parallel scheme: edges processed in
 *    parallel, both ends moved in place without locks.  Not reproducible
 *    with more than one thread.
 */
#ifndef EMBVIEW_UMAP_H
#define EMBVIEW_UMAP_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/knn.h"
#include "embview/matrix.h"
#include "embview/progress.h"
#include "embview/sparse.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ev_umap_init {
  EV_UMAP_INIT_SPECTRAL = 0, /* eigenvectors of the normalised graph Laplacian (per component) */
  EV_UMAP_INIT_PCA,          /* first principal components of the input */
  EV_UMAP_INIT_RANDOM,       /* uniform in [-10, 10] from the seed */
  EV_UMAP_INIT_USER          /* params.init_y (N x n_dims), used as given */
} ev_umap_init;

typedef enum ev_umap_sgd {
  EV_UMAP_SGD_DETERMINISTIC = 0,
  EV_UMAP_SGD_HOGWILD
} ev_umap_sgd;

/* The names front ends use, one table per enum: "spectral", "pca",
 * "random", "user" and "deterministic", "hogwild" (static strings; "?" for
 * a value outside the enum).  _parse is the way back: the value, or -1 for
 * an unknown name. */
const char *ev_umap_init_name(ev_umap_init init);
int ev_umap_init_parse(const char *name);
const char *ev_umap_sgd_name(ev_umap_sgd sgd);
int ev_umap_sgd_parse(const char *name);

typedef struct ev_umap_params {
  int n_dims;                 /* output dimensions, >= 1 (default 2) */
  int n_neighbors;            /* default 15, counting the point itself */
  double min_dist;            /* default 0.1 */
  double spread;              /* default 1 */
  double a, b;                /* curve; 0 = fitted from min_dist and spread */
  double local_connectivity;  /* default 1 */
  double set_op_mix_ratio;    /* 1 = fuzzy union (default), 0 = fuzzy intersection */
  double repulsion_strength;  /* gamma, default 1 */
  int negative_sample_rate;   /* default 5 */
  int n_epochs;               /* 0 = auto (the default), since it depends on N: 500 up to
                                 10,000 points, else 200 (ev_umap_epochs) */
  double learning_rate;       /* initial, default 1 */
  ev_umap_init init;
  const ev_matrix *init_y;    /* EV_UMAP_INIT_USER: N x n_dims */
  ev_umap_sgd sgd;
  uint64_t seed;
  int n_threads;              /* 0 = OpenMP default */
  ev_knn_params knn;          /* used when no graph is given; k is set from n_neighbors */
  ev_embed_observer observer; /* optional: the coordinates every observer.every epochs (default 5) */
  ev_progress progress;       /* optional: stage progress and cancellation */
} ev_umap_params;

/* Every field at its default (umap-learn's, above); the seed 42. */
ev_umap_params ev_umap_params_default(void);

typedef struct ev_umap_info {
  int k;                  /* neighbours per point used (n_neighbors - 1) */
  int n_epochs;
  int64_t n_edges;        /* directed edges the optimisation samples */
  double a, b;            /* the curve used */
  int n_components;       /* connected components of the graph (spectral init) */
  const char *init;       /* "spectral", "pca", "random", "user" */
  double seconds_knn, seconds_graph, seconds_init, seconds_optimize;
} ev_umap_info;

/* umap-learn's find_ab_params: least-squares fit of 1 / (1 + a x^(2b)) to
 * 1 below min_dist and exp(-(x - min_dist) / spread) above, on 300 points in
 * [0, 3 spread].  (1, 0.1) gives a = 1.577, b = 0.895. */
int ev_umap_find_ab(double spread, double min_dist, double *a, double *b, ev_error *err);

/* The fuzzy simplicial set of a kNN graph (its first n_neighbors - 1
 * neighbours per point; missing ones, index -1, are skipped): a symmetric
 * CSR matrix of membership strengths in (0, 1].  rho_out and sigma_out
 * (optional, N values each) receive the per-point calibration.  From params
 * (the UMAP run's own, so that this is the graph ev_umap_run builds; NULL:
 * the defaults): n_neighbors, local_connectivity, set_op_mix_ratio and
 * n_threads.  (ev_umap_run first lowers n_neighbors to N for smaller
 * inputs; this function takes it as given.) */
int ev_umap_fuzzy_graph(const ev_knn_graph *g, const ev_umap_params *params, ev_csr **out, float *rho_out,
                        float *sigma_out, ev_error *err);

/* Spectral layout of a symmetric graph: coordinates (N x n_dims, row-major,
 * into y) from the eigenvectors of the normalised Laplacian
 * I - D^-1/2 W D^-1/2 after the trivial one; dense LAPACK for small graphs,
 * thick-restart Lanczos otherwise.  Disconnected graphs are laid out per
 * component, components placed apart (at `centroids`' principal positions
 * when given: an N-row matrix, usually the input vectors; else on the axes).
 * The result is scaled to [-10, 10].  n_components_out is optional.  From
 * params (the UMAP run's own, as for its spectral initialisation; NULL: the
 * defaults): n_dims, seed and n_threads. */
int ev_umap_spectral_layout(const ev_csr *graph, const ev_matrix *centroids, const ev_umap_params *params, float *y,
                            int *n_components_out, ev_error *err);

/* The epochs a run of n_points points makes: params->n_epochs, or when that
 * is 0, 500 up to 10,000 points and 200 above (umap-learn's rule). */
int ev_umap_epochs(const ev_umap_params *params, int64_t n_points);

/* Embed the rows of x.  `graph` may be NULL (built here with params.knn) or
 * a kNN graph of x with at least n_neighbors - 1 neighbours (extra ones are
 * ignored).  *y_out is a new N x n_dims matrix; info may be NULL.  Errors:
 * EV_EINVAL for bad parameters, EV_ENONFINITE for NaN input, EV_EMISMATCH
 * for a graph or initial layout of the wrong size, EV_ECANCELED. */
int ev_umap_run(const ev_matrix *x, const ev_knn_graph *graph, const ev_umap_params *params,
                ev_matrix **y_out, ev_umap_info *info, ev_error *err);

/* Place new points into an existing embedding without moving the old ones
 * (umap-learn's transform): each new point's n_neighbors nearest old points
 * (exact search), memberships with local_connectivity - 1, start at their
 * membership-weighted mean position, then SGD against the fixed old points
 * for n_epochs / 3 epochs (100 up to 10,000 old points, else 30, when
 * n_epochs is 0) at a quarter of the learning rate.  From params: n_neighbors,
 * min_dist/spread/a/b, local_connectivity, repulsion_strength,
 * negative_sample_rate, n_epochs, learning_rate, seed, n_threads, knn.metric.
 * Deterministic for any thread count. */
int ev_umap_transform(const ev_matrix *x_old, const ev_matrix *y_old, const ev_matrix *x_new,
                      const ev_umap_params *params, ev_matrix **y_new, ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
