/* embview/sparse.h — sparse graphs between points (t-SNE's P, UMAP's fuzzy
 * simplicial set). */
#ifndef EMBVIEW_SPARSE_H
#define EMBVIEW_SPARSE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Compressed sparse rows: row i's entries are col[row_ptr[i] .. row_ptr[i+1]). */
typedef struct ev_csr {
  int64_t n_rows;
  int64_t n_cols;
  int64_t *row_ptr;  /* n_rows + 1 */
  int32_t *col;      /* nnz, ascending within a row */
  float *val;        /* nnz */
} ev_csr;

void ev_csr_free(ev_csr *m);

#ifdef __cplusplus
}
#endif
#endif
