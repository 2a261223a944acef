/* embed_internal.h — pieces shared by the embedding methods.  Internal. */
#ifndef EV_EMBED_INTERNAL_H
#define EV_EMBED_INTERNAL_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/knn.h"
#include "embview/matrix.h"
#include "embview/sparse.h"

/* The first `dims` principal coordinates of x's rows into y (n x dims,
 * row-major); columns beyond min(N, D) are 0.  Deterministic. */
int ev__pca_coords(const ev_matrix *x, int dims, uint64_t seed, int n_threads, float *y, ev_error *err);

/* The kNN graph an embedding runs on (k neighbours per point): `given`
 * checked against x and cut to its first k neighbours, or, when NULL, one
 * built with `knn` (its k, threads and progress set here).  *own is what the
 * caller frees; *used is what it reads.  `who` prefixes messages. */
int ev__embed_graph(const char *who, const ev_matrix *x, const ev_knn_graph *given, int k,
                    const ev_knn_params *knn, int n_threads, ev_progress progress, const ev_knn_graph **used,
                    ev_knn_graph **own, ev_error *err);

#endif
