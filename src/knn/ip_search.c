/* ip_search.c — approximate inner-product ("maximum inner product") graphs.
 *
 * The inner product is not a metric: a point's best partners are long
 * vectors in its direction, shared by everyone, and NN-descent's premise ("a
 * neighbour of a neighbour is a neighbour") fails (recall about 0.88 on
 * MNIST).  So, as in the MIPS-to-nearest-neighbour reduction of Bachrach et
 * al. (RecSys 2014):
 *   1. every row x becomes x' = [x, sqrt(M^2 - |x|^2)] with M the largest
 *      norm; for a query q' = [q, 0], |q' - x'|^2 = |q|^2 + M^2 - 2<q, x>,
 *      so Euclidean order from q' is inner-product order;
 *   2. NN-descent builds the Euclidean graph of the augmented rows (a true
 *      metric, where it works well);
 *   3. each point then searches that graph, with its reverse edges added,
 *      best-first (a beam of `ef` candidates) for its largest inner
 *      products, starting from itself.
 * Deterministic: the search is sequential per point and the graph is.
 */
#include <math.h>
#include <string.h>

#include "core/parallel.h"
#include "knn/heap.h"
#include "knn/knn_internal.h"

typedef struct cand {
  float d;
  int32_t id;
} cand;

/* Min-heap of candidates to expand. */
static void minheap_push(cand *h, int *n, cand c) {
  int i = (*n)++;
  while (i > 0) {
    int p = (i - 1) / 2;
    if (!ev__pair_less(c.d, c.id, h[p].d, h[p].id)) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = c;
}

static cand minheap_pop(cand *h, int *n) {
  cand top = h[0], last = h[--(*n)];
  int i = 0;
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = l;
    if (l >= *n) break;
    if (r < *n && ev__pair_less(h[r].d, h[r].id, h[l].d, h[l].id)) m = r;
    if (!ev__pair_less(h[m].d, h[m].id, last.d, last.id)) break;
    h[i] = h[m];
    i = m;
  }
  if (*n > 0) h[i] = last;
  return top;
}

int ev__knn_ip_approx(ev__knn_rows *r, const ev_matrix *x, const ev_knn_params *p, ev_knn_graph *out,
                      ev_error *err) {
  int64_t n = x->n_rows, d = x->n_cols;
  int k = out->k;
  int nt = ev__resolve_threads(p->n_threads);
  /* Measured on MNIST-10k: k_nav 16 with ef 64 gives recall 0.99 at k = 15,
   * ef 200 gives 0.998 at k = 90; k_nav 10 or ef 32 fall below 0.98. */
  int k_nav = 16;                            /* navigation graph degree (plus reverse edges) */
  int ef = 2 * k + 20 < 64 ? 64 : 2 * k + 20; /* beam width */
  ev_matrix *aug = NULL;
  ev_knn_graph *nav = NULL;
  ev__knn_rows ar;
  memset(&ar, 0, sizeof ar);
  int rc = ev_matrix_new(n, d + 1, &aug, err);
  if (rc) return rc;
  double max_sq = 0;
  for (int64_t i = 0; i < n; i++) max_sq = r->sqnorm[i] > max_sq ? r->sqnorm[i] : max_sq;
  for (int64_t i = 0; i < n; i++) {
    float *a = ev_matrix_row(aug, i);
    memcpy(a, ev_matrix_row(x, i), (size_t)d * sizeof(float));
    double extra = max_sq - r->sqnorm[i];
    a[d] = (float)sqrt(extra > 0 ? extra : 0);
  }
  rc = ev__knn_rows_init(&ar, aug, EV_METRIC_EUCLIDEAN, 0, p->n_threads, err);
  if (!rc) rc = ev_knn_graph_new(n, k_nav, EV_METRIC_EUCLIDEAN, &nav, err);
  if (!rc) rc = ev__knn_nndescent(&ar, p, nav, err);
  ev__knn_rows_free(&ar);
  ev_matrix_free(aug);
  if (rc) {
    ev_knn_graph_free(nav);
    return rc;
  }
  /* Navigation adjacency: forward lists plus reverse edges (a kNN graph alone
   * has poorly reachable regions; the reverse edges make it navigable). */
  int64_t *off = ev__calloc((size_t)n + 1, sizeof *off);
  int32_t *adj = NULL;
  if (!off) {
    ev_knn_graph_free(nav);
    return ev__err(err, EV_ENOMEM, "knn: out of memory for the navigation graph");
  }
  for (int64_t i = 0; i < n; i++)
    for (int t = 0; t < k_nav; t++) {
      int32_t v = nav->indices[(size_t)i * (size_t)k_nav + (size_t)t];
      if (v >= 0) {
        off[i + 1]++;
        off[v + 1]++;
      }
    }
  for (int64_t i = 0; i < n; i++) off[i + 1] += off[i];
  adj = ev__malloc((size_t)(off[n] ? off[n] : 1) * sizeof *adj);
  int64_t *fill = ev__malloc((size_t)n * sizeof *fill);
  if (!adj || !fill) {
    ev__free(off);
    ev__free(adj);
    ev__free(fill);
    ev_knn_graph_free(nav);
    return ev__err(err, EV_ENOMEM, "knn: out of memory for the navigation graph");
  }
  memcpy(fill, off, (size_t)n * sizeof *fill);
  for (int64_t i = 0; i < n; i++)
    for (int t = 0; t < k_nav; t++) {
      int32_t v = nav->indices[(size_t)i * (size_t)k_nav + (size_t)t];
      if (v >= 0) {
        adj[fill[i]++] = v;
        adj[fill[v]++] = (int32_t)i;
      }
    }
  ev__free(fill);
  int max_deg = 0;
  for (int64_t i = 0; i < n; i++) max_deg = (int)EV__MAX(max_deg, off[i + 1] - off[i]);
  int fail = 0;
#pragma omp parallel num_threads(nt)
  {
    uint32_t *seen = ev__calloc((size_t)n, sizeof *seen);
    cand *todo = ev__malloc(((size_t)n + 1) * sizeof *todo);
    float *best_d = ev__malloc((size_t)ef * sizeof *best_d);
    int32_t *best_i = ev__malloc((size_t)ef * sizeof *best_i);
    int32_t *batch = ev__malloc((size_t)(max_deg + 1) * sizeof *batch);
    double *g = ev__malloc((size_t)(max_deg + 1) * sizeof *g);
    if (!seen || !todo || !best_d || !best_i || !batch || !g) {
#pragma omp atomic write
      fail = 1;
    }
    uint32_t stamp = 0;
#pragma omp for schedule(dynamic, 64)
    for (int64_t q = 0; q < n; q++) {
      if (fail) continue;
      if (++stamp == 0) { /* wrapped: clear */
        memset(seen, 0, (size_t)n * sizeof *seen);
        stamp = 1;
      }
      ev__heap_init(best_d, best_i, ef);
      int n_todo = 0;
      int32_t qi = (int32_t)q;
      seen[q] = stamp;
      minheap_push(todo, &n_todo, (cand){-INFINITY, qi}); /* expand the point itself first */
      while (n_todo > 0) {
        cand c = minheap_pop(todo, &n_todo);
        if (c.id != qi && !ev__pair_less(c.d, c.id, best_d[0], best_i[0])) break;
        const int32_t *nb = adj + off[c.id];
        int deg = (int)(off[c.id + 1] - off[c.id]);
        int m = 0;
        for (int t = 0; t < deg; t++) {
          int32_t v = nb[t];
          if (v < 0 || seen[v] == stamp) continue;
          seen[v] = stamp;
          batch[m++] = v;
        }
        if (!m) continue;
        ev__knn_dot_block(r, &qi, 1, batch, m, g);
        for (int t = 0; t < m; t++) {
          float dist = (float)-g[t];
          if (ev__pair_less(dist, batch[t], best_d[0], best_i[0])) {
            ev__heap_push(best_d, best_i, ef, dist, batch[t]);
            minheap_push(todo, &n_todo, (cand){dist, batch[t]});
          }
        }
      }
      ev__heap_finish(best_d, best_i, ef);
      float *od = out->distances + (size_t)q * (size_t)k;
      int32_t *oi = out->indices + (size_t)q * (size_t)k;
      for (int t = 0; t < k; t++) {
        oi[t] = t < ef ? best_i[t] : -1;
        od[t] = oi[t] >= 0 ? best_d[t] : INFINITY;
      }
    }
    ev__free(seen);
    ev__free(todo);
    ev__free(best_d);
    ev__free(best_i);
    ev__free(batch);
    ev__free(g);
  }
  ev_knn_graph_free(nav);
  ev__free(off);
  ev__free(adj);
  if (fail) return ev__err(err, EV_ENOMEM, "knn: out of memory for the inner-product search");
  if (!r->is_u8) ev__knn_refine(r, r, out, nt);
  return EV_OK;
}
