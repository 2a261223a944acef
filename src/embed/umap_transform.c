/* umap_transform.c — new points into an existing UMAP embedding, as
 * umap-learn's transform (see embview/umap.h). */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "embed/umap_internal.h"

int ev_umap_transform(const ev_matrix *x_old, const ev_matrix *y_old, const ev_matrix *x_new,
                      const ev_umap_params *params, ev_matrix **y_new, ev_error *err) {
  ev_umap_params p = params ? *params : ev_umap_params_default();
  *y_new = NULL;
  int64_t n_old = x_old->n_rows, n_new = x_new->n_rows;
  int dims = (int)y_old->n_cols;
  if (y_old->n_rows != n_old)
    return ev__err(err, EV_EMISMATCH, "umap: the reference map has %lld points, the reference vectors %lld",
                   (long long)y_old->n_rows, (long long)n_old);
  if (x_new->n_cols != x_old->n_cols)
    return ev__err(err, EV_EMISMATCH, "umap: new points have %lld dims, the reference %lld",
                   (long long)x_new->n_cols, (long long)x_old->n_cols);
  if (n_old < 2) return ev__err(err, EV_EINVAL, "umap: the reference needs at least 2 points");
  if (p.n_neighbors < 2) return ev__err(err, EV_EINVAL, "umap: n_neighbors must be at least 2, got %d", p.n_neighbors);
  int rc = ev_matrix_check_finite(x_new, "umap: new points", err);
  if (!rc) rc = ev_matrix_check_finite(y_old, "umap: reference map", err);
  double a, b;
  if (!rc) rc = ev__umap_curve_params(&p, &a, &b, err);
  if (rc) return rc;
  int k = (int)EV__MIN((int64_t)p.n_neighbors, n_old);
  int n_epochs = p.n_epochs > 0 ? EV__MAX(p.n_epochs / 3, 1) : n_old <= 10000 ? 100 : 30;
  ev_knn_params kp = p.knn;
  kp.k = k;
  kp.method = EV_KNN_EXACT;
  kp.n_threads = p.n_threads;
  ev_knn_graph *g = NULL;
  ev_matrix *y = NULL;
  float *w = NULL;
  ev_csr *m = ev__calloc(1, sizeof *m);
  if (!m) return ev__err(err, EV_ENOMEM, "umap: out of memory");
  rc = ev_knn_query(x_old, x_new, &kp, &g, err);
  if (!rc) rc = ev_matrix_new(n_new, dims, &y, err);
  if (rc) goto done;
  w = ev__malloc((size_t)(n_new ? n_new : 1) * (size_t)k * sizeof *w);
  m->row_ptr = ev__malloc(((size_t)n_new + 1) * sizeof *m->row_ptr);
  m->col = ev__malloc((size_t)(n_new ? n_new : 1) * (size_t)k * sizeof *m->col);
  m->val = ev__malloc((size_t)(n_new ? n_new : 1) * (size_t)k * sizeof *m->val);
  if (!w || !m->row_ptr || !m->col || !m->val) {
    rc = ev__err(err, EV_ENOMEM, "umap: out of memory placing %lld points", (long long)n_new);
    goto done;
  }
  /* memberships with one nearest neighbour less of certain connection */
  double lc = EV__MAX(p.local_connectivity - 1.0, 0.0);
  if (ev__umap_memberships(g, k, k, lc, p.n_threads, w, NULL, NULL, err)) {
    rc = ev__err(err, EV_ENOMEM, "umap: out of memory placing points");
    goto done;
  }
  m->n_rows = n_new;
  m->n_cols = n_old;
  int64_t pos = 0;
  for (int64_t i = 0; i < n_new; i++) {
    m->row_ptr[i] = pos;
    double tot = 0;
    float *yi = ev_matrix_row(y, i);
    double acc[64] = {0};
    for (int t = 0; t < k; t++) {
      int32_t j = g->indices[(size_t)i * (size_t)k + (size_t)t];
      float v = w[(size_t)i * (size_t)k + (size_t)t];
      if (j < 0 || !(v > 0)) continue;
      m->col[pos] = j;
      m->val[pos++] = v;
      tot += v;
    }
    /* start at the membership-weighted mean of the neighbours' positions */
    for (int d0 = 0; d0 < dims; d0 += 64) {
      int cnt = (int)EV__MIN(64, dims - d0);
      memset(acc, 0, sizeof acc);
      for (int64_t e = m->row_ptr[i]; e < pos; e++) {
        const float *yo = ev_matrix_row(y_old, m->col[e]);
        for (int d = 0; d < cnt; d++) acc[d] += (double)m->val[e] * yo[d0 + d];
      }
      for (int d = 0; d < cnt; d++) yi[d0 + d] = tot > 0 ? (float)(acc[d] / tot) : 0.0f;
    }
  }
  m->row_ptr[n_new] = pos;
  ev__umap_prune(m, n_epochs);
  ev__umap_sgd_cfg cfg = {0};
  cfg.dims = dims;
  cfg.a = a;
  cfg.b = b;
  cfg.gamma = p.repulsion_strength;
  cfg.alpha = p.learning_rate / 4.0;
  cfg.negative_sample_rate = p.negative_sample_rate;
  cfg.n_epochs = n_epochs;
  cfg.mode = EV_UMAP_SGD_DETERMINISTIC; /* the tails are fixed: no snapshot needed, no races */
  cfg.seed = p.seed;
  cfg.n_threads = p.n_threads;
  cfg.progress = p.progress;
  cfg.stage = "umap: placing new points";
  rc = ev__umap_sgd(m, y->data, n_new, y_old->data, n_old, &cfg, err);
done:
  ev__free(w);
  ev_csr_free(m);
  ev_knn_graph_free(g);
  if (rc)
    ev_matrix_free(y);
  else
    *y_new = y;
  return rc;
}
