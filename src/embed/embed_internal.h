/* embed_internal.h — pieces shared by the embedding methods.  Internal. */
#ifndef EV_EMBED_INTERNAL_H
#define EV_EMBED_INTERNAL_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/knn.h"
#include "embview/matrix.h"
#include "embview/sparse.h"

typedef enum ev__sym_op {
  EV__SYM_SUM,         /* a_ij + a_ji (t-SNE) */
  EV__SYM_FUZZY_UNION  /* mix (a + b - ab) + (1 - mix) ab (UMAP) */
} ev__sym_op;

/* Symmetric CSR from directed weights: n rows of k neighbours (idx with row
 * stride `stride`, -1 and self entries skipped; w with stride k); entries
 * combined by `op`, multiplied by `scale`; zeros dropped. */
int ev__csr_symmetrize(int64_t n, int k, int stride, const int32_t *idx, const float *w, ev__sym_op op,
                       double mix, double scale, ev_csr **out, ev_error *err);

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
