/* graph_input.c — the kNN graph an embedding runs on: the caller's, checked
 * and cut to the k neighbours the method uses, or one built here. */
#include <string.h>

#include "core/internal.h"
#include "embed/embed_internal.h"

int ev__embed_graph(const char *who, const ev_matrix *x, const ev_knn_graph *given, int k,
                    const ev_knn_params *knn, int n_threads, ev_progress progress, const ev_knn_graph **used,
                    ev_knn_graph **own, ev_error *err) {
  int64_t n = x->n_rows;
  *used = NULL;
  *own = NULL;
  if (!given) {
    ev_knn_params kp = *knn;
    kp.k = k;
    kp.n_threads = n_threads;
    if (!kp.progress.fn) kp.progress = progress;
    int rc = ev_knn_graph_build(x, &kp, own, err);
    if (!rc) *used = *own;
    return rc;
  }
  if (given->n_points != n)
    return ev__err(err, EV_EMISMATCH, "%s: the kNN graph has %lld points, the data %lld", who,
                   (long long)given->n_points, (long long)n);
  if (given->k < k)
    return ev__err(err, EV_EINVAL, "%s: needs %d neighbours per point, the kNN graph has %d", who, k, given->k);
  if (given->k == k) {
    *used = given;
    return EV_OK;
  }
  int rc = ev_knn_graph_new(n, k, given->metric, own, err); /* the first k of each list */
  if (rc) return rc;
  for (int64_t i = 0; i < n; i++) {
    memcpy((*own)->indices + i * k, given->indices + i * given->k, (size_t)k * sizeof(int32_t));
    memcpy((*own)->distances + i * k, given->distances + i * given->k, (size_t)k * sizeof(float));
  }
  *used = *own;
  return EV_OK;
}
