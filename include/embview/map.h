/* embview/map.h — from vectors to a map, one recipe for every front end.
 *
 * `embed`, `report`, `analyze --method`, the viewer's projections and the
 * Python package all call ev_map_compute, so that the same input, method,
 * parameters, seed and thread count give byte-identical coordinates
 * wherever the map is made.  The method table (names, titles) lives here
 * too.
 *
 * The neighbour graph of t-SNE and UMAP is decided here, once: it is built
 * on the input as given (no PCA pre-step), exact or approximate by the kNN
 * AUTO rule, with k = 3 x perplexity (t-SNE) or n_neighbors - 1 (UMAP) and
 * the map's seed.  Why not on the first 50 principal components, as the
 * analysis graph is: on MNIST-10k the graph on the input took 0.39 s
 * (exact) and the PCA-50 route 0.42 s, and the t-SNE maps had the same
 * 10-NN accuracy (0.9475) with a slightly higher 15-NN recall of the input's
 * neighbourhoods (0.4224 against 0.4192); byte images go through the exact
 * integer kernel, which a projection would replace by rounded floats.  The
 * analysis graph (another k, on PCA-50) is therefore never reused for a
 * map; a graph the caller passes (`embed --knn`, a saved one) is used as
 * given.
 *
 * Determinism: PCA, the kNN graph (exact, or approximate for a seed), t-SNE
 * and UMAP (with the default deterministic SGD) give the same map for a seed
 * and any thread count.  Across machines: the AUTO rule weighs the CPU's
 * integer kernels (AVX-512 VNNI) when it picks an exact or an approximate
 * graph for byte data, so two kinds of CPU may pick differently.
 */
#ifndef EMBVIEW_MAP_H
#define EMBVIEW_MAP_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/knn.h"
#include "embview/matrix.h"
#include "embview/pca.h"
#include "embview/progress.h"
#include "embview/tsne.h"
#include "embview/umap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ev_map_method {
  EV_MAP_PCA = 0,
  EV_MAP_TSNE,
  EV_MAP_UMAP
} ev_map_method;

#define EV_MAP_N_METHODS 3

const char *ev_map_method_name(ev_map_method m);   /* "pca", "tsne", "umap" */
const char *ev_map_method_title(ev_map_method m);  /* "PCA", "t-SNE", "UMAP" (for people) */
int ev_map_method_parse(const char *name);         /* a name above; -1 unknown */

typedef struct ev_map_params {
  ev_map_method method;
  int n_dims;                   /* default 2 (t-SNE: 2 or 3) */
  uint64_t seed;                /* default 42: the graph, the initial layout, the optimisation, PCA's sketch */
  int n_threads;                /* 0 = OpenMP default */
  const int *pca_components;    /* PCA: n_dims 1-based components as the axes; NULL = the first n_dims */
  ev_pca_solver pca_solver;     /* PCA: default EV_PCA_AUTO */
  ev_tsne_params tsne;          /* t-SNE's own parameters (perplexity, iterations, ...) */
  ev_umap_params umap;          /* UMAP's own parameters (n_neighbors, min_dist, epochs, ...) */
  ev_progress progress;         /* optional: stages and cancellation */
  ev_embed_observer observer;   /* optional: the coordinates as they move (progress.h); every:
                                   the method's default (t-SNE 10, UMAP 5) */
} ev_map_params;
/* In tsne and umap, the fields the recipe owns are overwritten by
 * ev_map_compute: n_dims, seed, n_threads, progress, observer and the
 * graph's seed and PCA pre-step (knn.seed, knn.pca_dims).  The graph's
 * method and metric (knn.method, knn.metric) stay the caller's. */

/* Every field at its default for `method`, tsne and umap at theirs. */
ev_map_params ev_map_params_default(ev_map_method method);

typedef struct ev_map_info {
  ev_map_method method;
  int n_iterations;                  /* t-SNE iterations or UMAP epochs run; 0 for PCA */
  double seconds;
  ev_tsne_info tsne;                 /* t-SNE maps */
  ev_umap_info umap;                 /* UMAP maps */
  double explained_variance_ratio;   /* PCA maps: the axes' share of the variance, together */
  ev_pca *pca;                       /* PCA maps: the fitted model (ev_map_info_clear frees it) */
} ev_map_info;

/* The map of x's rows by p.  graph: a kNN graph of x for t-SNE or UMAP, used
 * as given, or NULL to build the recipe's (above); p NULL: the defaults
 * (a UMAP map).  *y is a new N x n_dims
 * matrix.  info may be NULL; when given, release it with ev_map_info_clear.
 * Errors: EV_EINVAL for bad parameters (naming them), EV_ENONFINITE,
 * EV_EMISMATCH (a graph or initial layout of the wrong size), EV_ENOMEM,
 * EV_ECANCELED. */
int ev_map_compute(const ev_matrix *x, const ev_knn_graph *graph, const ev_map_params *p, ev_matrix **y,
                   ev_map_info *info, ev_error *err);

void ev_map_info_clear(ev_map_info *info);

#ifdef __cplusplus
}
#endif
#endif
