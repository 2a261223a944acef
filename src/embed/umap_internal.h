/* umap_internal.h — pieces of the UMAP engine shared by its files.  Internal. */
#ifndef EV_EMBED_UMAP_INTERNAL_H
#define EV_EMBED_UMAP_INTERNAL_H

#include <stdint.h>

#include "embview/umap.h"

/* rho and sigma of one point from its k ascending neighbour distances (NaN =
 * missing), so that sum_j exp(-(d_j - rho) / sigma) = log2(n_neighbors).
 * mean_all: the mean of all distances, the floor's scale when rho is 0. */
void ev__umap_smooth_knn(const float *d, int k, int n_neighbors, double local_connectivity, double mean_all,
                         float *rho_out, float *sigma_out);
float ev__umap_membership(float d, float rho, float sigma);

/* Directed memberships w (n x k) of a graph's first k neighbours. */
int ev__umap_memberships(const ev_knn_graph *g, int k, int n_neighbors, double local_connectivity, int n_threads,
                         float *w, float *rho_out, float *sigma_out, ev_error *err);

/* One SGD run.  head: the points that move (graph rows, n_head x dims);
 * tail: the points they are pulled to and pushed from (graph columns,
 * n_tail x dims), NULL when they are the head points themselves (fit). */
typedef struct ev__umap_sgd_cfg {
  int dims;
  double a, b, gamma, alpha;
  int negative_sample_rate;
  int n_epochs;
  ev_umap_sgd mode;
  uint64_t seed;
  int n_threads;
  ev_embed_observer observer;
  ev_progress progress;
  const char *stage; /* progress stage name */
} ev__umap_sgd_cfg;

int ev__umap_sgd(const ev_csr *graph, float *head, int64_t n_head, const float *tail, int64_t n_tail,
                 const ev__umap_sgd_cfg *cfg, ev_error *err);

/* a, b as given in the parameters, or fitted from min_dist and spread. */
int ev__umap_curve_params(const ev_umap_params *p, double *a, double *b, ev_error *err);

/* Drop the edges below max / n_epochs (umap-learn's pruning) in place. */
void ev__umap_prune(ev_csr *g, int n_epochs);

#endif
