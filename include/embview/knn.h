/* embview/knn.h — k-nearest-neighbour graphs.
 *
 * The kNN graph is what t-SNE, UMAP, the overlap analysis, the mislabel
 * finder and the viewer's "nearest neighbours" all stand on.  It is built
 * once and reused; it can be saved to .npz and loaded back.
 *
 * Methods
 *   EXACT   all pairs, blocked.  Self-joins compute each pair once (tiles
 *           (I, J) with J >= I, scheduled so that concurrent tiles never share
 *           a block) and update both points' lists.  Float data go through
 *           BLAS sgemm tiles; data whose values are all integers in 0..255
 *           (images) go through an exact integer kernel (AVX-512 VNNI, AVX2,
 *           or portable C, chosen at run time), so their distances carry no
 *           rounding at all.  Memory is O(N * k) plus one tile per thread.
 *   APPROX  NN-descent (Dong, Moses & Li 2011) started from a forest of
 *           random-projection trees, as PyNNDescent does; the same seed gives
 *           the same graph for any thread count.
 *   AUTO    EXACT when its estimated cost is small (see ev_knn_params.method),
 *           else APPROX.
 *
 * Distances
 *   EUCLIDEAN      the Euclidean distance (not squared)
 *   COSINE         1 - cos(x, y); all-zero rows are at distance 1 from everything
 *   INNER_PRODUCT  -<x, y> (smaller is closer; may be negative)
 * Lists are sorted by (distance, index): ties go to the smaller index, so
 * results do not depend on the thread count or block sizes.  A point is never
 * its own neighbour, but an exact duplicate is (at distance 0).
 */
#ifndef EMBVIEW_KNN_H
#define EMBVIEW_KNN_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/matrix.h"
#include "embview/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ev_metric {
  EV_METRIC_EUCLIDEAN = 0,
  EV_METRIC_COSINE,
  EV_METRIC_INNER_PRODUCT
} ev_metric;

const char *ev_metric_name(ev_metric m);
int ev_metric_parse(const char *name); /* "euclidean" | "cosine" | "ip"/"inner_product"; -1 unknown */

typedef enum ev_knn_method {
  EV_KNN_AUTO = 0,
  EV_KNN_EXACT,
  EV_KNN_APPROX
} ev_knn_method;

const char *ev_knn_method_name(ev_knn_method m);
int ev_knn_method_parse(const char *name); /* "auto" | "exact" | "approx"; -1 unknown */

typedef struct ev_knn_params {
  int k;                  /* neighbours per point, >= 1 (default 15) */
  ev_metric metric;       /* default EUCLIDEAN */
  ev_knn_method method;   /* default AUTO */
  int pca_dims;           /* > 0: first project to this many PCA dimensions when the input is
                             wider (distances are then those of the projection); 0 = never */
  int n_trees;            /* APPROX: random-projection trees; 0 = auto (the default), since
                             it depends on N: 5 + N^(1/4), at most 64 */
  int max_iters;          /* APPROX: NN-descent iterations at most; 0 = auto (the default),
                             since it depends on N: log2(N), at least 5 */
  int max_candidates;     /* APPROX: candidates sampled per point and round, >= 1 (default 32) */
  double delta;           /* APPROX: stop when fewer than delta * N * k lists change (default 0.001) */
  uint64_t seed;          /* APPROX: random seed */
  int n_threads;          /* 0 = OpenMP default */
  ev_progress progress;   /* optional */
} ev_knn_params;

ev_knn_params ev_knn_params_default(void);

typedef struct ev_knn_graph {
  int64_t n_points;       /* rows of the queried set */
  int k;                  /* neighbours per point */
  ev_metric metric;
  int exact;              /* 1 when computed by EXACT (on the full-dimensional input) */
  int32_t *indices;       /* n_points x k, row-major; -1 where fewer than k exist */
  float *distances;       /* n_points x k, ascending per row; +inf where index is -1 */
} ev_knn_graph;

/* All points' k nearest other points.  k must be <= n_rows - 1 unless
 * n_rows <= k, in which case each list holds the n_rows - 1 others padded
 * with -1.  x must be finite (EV_ENONFINITE naming the first bad value).
 * *out is NULL on failure; free with ev_knn_graph_free. */
int ev_knn_graph_build(const ev_matrix *x, const ev_knn_params *params, ev_knn_graph **out,
                       ev_error *err);

/* Exact k nearest rows of `base` for every row of `queries` (same number of
 * columns).  Nothing is excluded: a query equal to a base row finds it at
 * distance 0. */
int ev_knn_query(const ev_matrix *base, const ev_matrix *queries, const ev_knn_params *params,
                 ev_knn_graph **out, ev_error *err);

void ev_knn_graph_free(ev_knn_graph *g);

/* The k nearest rows of x to one vector q (x's width), exactly, on the
 * calling thread: for interactive queries (the viewer's inspector), where
 * the batch engine's set-up costs more than the search.  skip: a row to
 * leave out (the query's own), or -1.  norms: x's row norms from
 * ev_knn_row_norms (kept between queries), or NULL to compute them.  idx and
 * dist receive params.k entries ascending by (distance, index), -1 / +inf
 * past the last row.  From params (the kNN parameters, as for ev_knn_query;
 * NULL: the defaults): k (1..100000) and metric (EUCLIDEAN or COSINE);
 * distances computed in double.  The search is always exact, on the
 * calling thread and in x's own dimensions: method, pca_dims, n_threads,
 * the APPROX fields and progress are not used. */
int ev_knn_search_one(const ev_matrix *x, const float *q, int64_t skip, const float *norms,
                      const ev_knn_params *params, int32_t *idx, float *dist, ev_error *err);
int ev_knn_row_norms(const ev_matrix *x, float *norms);

/* Empty graph with every slot unset (index -1, distance +inf). */
int ev_knn_graph_new(int64_t n_points, int k, ev_metric metric, ev_knn_graph **out,
                     ev_error *err);

/* Save as .npz with members "indices" (int32 N x k), "distances" (float32
 * N x k) and "info" (int64: metric, exact); written atomically. */
int ev_knn_graph_save(const char *path, const ev_knn_graph *g, ev_error *err);
int ev_knn_graph_load(const char *path, ev_knn_graph **out, ev_error *err);

/* Its own parameters, not ev_knn_params: k and the metric are the graph's,
 * and a sample to measure on is no setting of a graph. */
typedef struct ev_knn_recall_params {
  int64_t n_sample;       /* points measured: 0 = all (default), else that many drawn from the
                             seed (all of them when n_sample >= N) */
  uint64_t seed;          /* the sample's (default 42) */
  int n_threads;          /* 0 = OpenMP default */
} ev_knn_recall_params;

ev_knn_recall_params ev_knn_recall_params_default(void);

/* Recall of `g` against exact search: the mean share of each sampled point's
 * true k neighbours found in its list, over params.n_sample points (params
 * NULL: the defaults, every point).  Distance ties at the k-th neighbour
 * count as found. */
int ev_knn_recall(const ev_matrix *x, const ev_knn_graph *g, const ev_knn_recall_params *params, double *recall,
                  ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
