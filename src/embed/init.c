/* init.c — initial layouts shared by t-SNE and UMAP. */
#include <string.h>

#include "core/internal.h"
#include "embed/embed_internal.h"
#include "embview/pca.h"

int ev__pca_coords(const ev_matrix *x, int dims, uint64_t seed, int n_threads, float *y, ev_error *err) {
  int64_t n = x->n_rows;
  int k = (int)EV__MIN((int64_t)dims, EV__MIN(n, x->n_cols));
  memset(y, 0, (size_t)n * (size_t)dims * sizeof *y);
  if (k < 1) return EV_OK;
  ev_pca_params pp = ev_pca_params_default();
  pp.n_components = k;
  pp.n_threads = n_threads;
  pp.seed = seed;
  ev_matrix *proj = NULL;
  int rc = ev_pca_project(x, &pp, &proj, NULL, err);
  if (!rc)
    for (int64_t i = 0; i < n; i++) memcpy(y + i * dims, ev_matrix_row(proj, i), (size_t)k * sizeof *y);
  ev_matrix_free(proj);
  return rc;
}
