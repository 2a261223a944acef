/* sparse.h — building sparse graphs between points (embview/sparse.h's
 * ev_csr): the symmetrisation of directed kNN weights that t-SNE, UMAP and
 * the label analyses share.  Internal. */
#ifndef EV_CORE_SPARSE_H
#define EV_CORE_SPARSE_H

#include <stdint.h>

#include "embview/error.h"
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

#endif
