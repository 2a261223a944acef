/* graph.c — the kNN graph object: names, lifetime, save/load, recall. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/parallel.h"
#include "core/rng.h"
#include "io/npz.h"
#include "knn/knn_internal.h"

const char *ev_metric_name(ev_metric m) {
  switch (m) {
    case EV_METRIC_EUCLIDEAN: return "euclidean";
    case EV_METRIC_COSINE: return "cosine";
    case EV_METRIC_INNER_PRODUCT: return "ip";
  }
  return "?";
}

int ev_metric_parse(const char *name) {
  if (!strcasecmp(name, "euclidean") || !strcasecmp(name, "l2")) return EV_METRIC_EUCLIDEAN;
  if (!strcasecmp(name, "cosine")) return EV_METRIC_COSINE;
  if (!strcasecmp(name, "ip") || !strcasecmp(name, "inner_product") || !strcasecmp(name, "dot"))
    return EV_METRIC_INNER_PRODUCT;
  return -1;
}

const char *ev_knn_method_name(ev_knn_method m) {
  switch (m) {
    case EV_KNN_AUTO: return "auto";
    case EV_KNN_EXACT: return "exact";
    case EV_KNN_APPROX: return "approx";
  }
  return "?";
}

int ev_knn_method_parse(const char *name) {
  for (int m = EV_KNN_AUTO; m <= EV_KNN_APPROX; m++)
    if (!strcasecmp(name, ev_knn_method_name((ev_knn_method)m))) return m;
  return -1;
}

ev_knn_params ev_knn_params_default(void) {
  ev_knn_params p;
  memset(&p, 0, sizeof p);
  p.k = 15;
  p.metric = EV_METRIC_EUCLIDEAN;
  p.method = EV_KNN_AUTO;
  p.max_candidates = 32; /* measured in knn/nndescent.c */
  p.delta = 0.001;
  p.seed = 42;
  return p;
}

int ev_knn_graph_new(int64_t n_points, int k, ev_metric metric, ev_knn_graph **out, ev_error *err) {
  *out = NULL;
  size_t cells;
  if (n_points < 0 || k < 1 || ev__mul((size_t)n_points, (size_t)k, &cells) || cells > SIZE_MAX / 8)
    return ev__err(err, EV_EINVAL, "knn: invalid graph size %lld x %d", (long long)n_points, k);
  ev_knn_graph *g = ev__calloc(1, sizeof *g);
  if (g) {
    g->indices = ev__malloc((cells ? cells : 1) * sizeof *g->indices);
    g->distances = ev__malloc((cells ? cells : 1) * sizeof *g->distances);
  }
  if (!g || !g->indices || !g->distances) {
    ev_knn_graph_free(g);
    return ev__err(err, EV_ENOMEM, "knn: out of memory for a %lld x %d graph", (long long)n_points, k);
  }
  g->n_points = n_points;
  g->k = k;
  g->metric = metric;
  for (size_t c = 0; c < cells; c++) {
    g->indices[c] = -1;
    g->distances[c] = INFINITY;
  }
  *out = g;
  return EV_OK;
}

void ev_knn_graph_free(ev_knn_graph *g) {
  if (!g) return;
  ev__free(g->indices);
  ev__free(g->distances);
  ev__free(g);
}

void ev__knn_finish_units(ev_knn_graph *g) {
  if (g->metric != EV_METRIC_EUCLIDEAN) return;
  size_t cells = (size_t)g->n_points * (size_t)g->k;
  for (size_t c = 0; c < cells; c++)
    if (g->indices[c] >= 0) g->distances[c] = sqrtf(g->distances[c]);
}

/* ---- save / load ---- */

/* A graph file is an .npz of three arrays: indices (N x k int32, -1 where
 * a point has fewer than k neighbours), distances (N x k float32) and info
 * (int64: format version 1, metric, exact). */
int ev_knn_graph_save(const char *path, const ev_knn_graph *g, ev_error *err) {
  int64_t shape[2] = {g->n_points, g->k}, info_shape[1] = {3};
  int64_t info[3] = {1, (int64_t)g->metric, (int64_t)g->exact};
  const ev__npz_array arrays[3] = {
      {"indices", "<i4", 2, shape, g->indices},
      {"distances", "<f4", 2, shape, g->distances},
      {"info", "<i8", 1, info_shape, info},
  };
  return ev__npz_write(path, "knn", arrays, 3, err);
}

int ev_knn_graph_load(const char *path, ev_knn_graph **out, ev_error *err) {
  static const char *const names[3] = {"indices", "distances", "info"};
  *out = NULL;
  ev__npz z;
  int rc = ev__npz_open(&z, path, "knn", err);
  if (rc) return rc;
  ev__budget b;
  ev__budget_init(&b, 0);
  ev__ndarray arr[3];
  size_t off[3];
  int idx[3];
  ev_knn_graph *g = NULL;
  for (int w = 0; w < 3; w++) idx[w] = ev__npz_find(&z, names[w]);
  if (idx[0] < 0 || idx[1] < 0 || idx[2] < 0) {
    rc = ev__err(err, EV_EFORMAT, "knn: %s: not a kNN graph file (needs indices, distances and info arrays)", path);
    goto done;
  }
  /* headers first: nothing is inflated before the shapes are known to fit */
  for (int w = 0; w < 3 && !rc; w++) rc = ev__npz_head(&z, idx[w], &b, &arr[w], &off[w], err);
  if (rc) goto done;
  if (arr[0].ndim != 2 || arr[0].dtype != EV__DT_I32 || arr[0].big_endian || arr[0].fortran ||
      arr[1].ndim != 2 || arr[1].dtype != EV__DT_F32 || arr[1].big_endian || arr[1].fortran ||
      arr[0].shape[0] != arr[1].shape[0] || arr[0].shape[1] != arr[1].shape[1] || arr[2].ndim != 1 ||
      arr[2].dtype != EV__DT_I64 || arr[2].big_endian || arr[2].shape[0] != 3 || arr[0].shape[1] < 1 ||
      arr[0].shape[1] > INT32_MAX) {
    rc = ev__err(err, EV_EFORMAT, "knn: %s: arrays have unexpected types or shapes", path);
    goto done;
  }
  int64_t info[3];
  if ((rc = ev__npz_copy(&z, idx[2], off[2], info, err))) goto done;
  if (info[0] != 1 || info[1] < 0 || info[1] > EV_METRIC_INNER_PRODUCT) {
    rc = ev__err(err, EV_EFORMAT, "knn: %s: unknown graph format version %lld or metric %lld", path,
                 (long long)info[0], (long long)info[1]);
    goto done;
  }
  int64_t n = arr[0].shape[0];
  int k = (int)arr[0].shape[1];
  if ((rc = ev__budget_take(&b, (uint64_t)n * (uint64_t)k * 8, "knn", path, "the graph", err))) goto done;
  rc = ev_knn_graph_new(n, k, (ev_metric)info[1], &g, err);
  if (!rc) rc = ev__npz_copy(&z, idx[0], off[0], g->indices, err);
  if (!rc) rc = ev__npz_copy(&z, idx[1], off[1], g->distances, err);
  if (rc) goto done;
  g->exact = info[2] != 0;
  for (size_t c = 0; c < (size_t)n * (size_t)k; c++) {
    if (g->indices[c] < -1 || g->indices[c] >= n) {
      rc = ev__err(err, EV_EFORMAT, "knn: %s: neighbour index %d out of range 0..%lld", path,
                   g->indices[c], (long long)n - 1);
      goto done;
    }
  }
done:
  ev__npz_close(&z);
  if (rc)
    ev_knn_graph_free(g);
  else
    *out = g;
  return rc;
}

/* ---- recall ---- */

ev_knn_recall_params ev_knn_recall_params_default(void) {
  ev_knn_recall_params p;
  memset(&p, 0, sizeof p);
  p.n_sample = 0;
  p.seed = 42;
  return p;
}

int ev_knn_recall(const ev_matrix *x, const ev_knn_graph *g, const ev_knn_recall_params *params, double *recall,
                  ev_error *err) {
  ev_knn_recall_params p = params ? *params : ev_knn_recall_params_default();
  int64_t n_sample = p.n_sample;
  uint64_t seed = p.seed;
  int n_threads = p.n_threads;
  int64_t n = x->n_rows;
  int k = g->k;
  *recall = NAN;
  if (g->n_points != n)
    return ev__err(err, EV_EMISMATCH, "knn: graph has %lld points, data %lld", (long long)g->n_points,
                   (long long)n);
  if (n < 2) return ev__err(err, EV_EINVAL, "knn: recall needs at least 2 points");
  if (n_sample <= 0 || n_sample > n) n_sample = n;
  int64_t *rows = ev__malloc((size_t)n_sample * sizeof *rows);
  ev_matrix *qm = NULL;
  ev_knn_graph *truth = NULL;
  ev__knn_rows qr, br;
  memset(&qr, 0, sizeof qr);
  memset(&br, 0, sizeof br);
  int rc = EV_OK;
  if (!rows) return ev__err(err, EV_ENOMEM, "knn: out of memory");
  /* A sample without replacement: partial Fisher-Yates over an index array
   * is O(N) memory; for a small sample use Floyd's method instead. */
  if (n_sample == n) {
    for (int64_t i = 0; i < n; i++) rows[i] = i;
  } else {
    ev__rng rng;
    ev__rng_seed(&rng, seed, 0x72656361ull);
    int64_t filled = 0;
    for (int64_t j = n - n_sample; j < n; j++) {
      int64_t t = (int64_t)ev__rng_below(&rng, (uint64_t)j + 1);
      int dup = 0;
      for (int64_t u = 0; u < filled && !dup; u++) dup = rows[u] == t;
      rows[filled++] = dup ? j : t;
    }
  }
  rc = ev_matrix_new(n_sample, x->n_cols, &qm, err);
  if (rc) goto done;
  for (int64_t s = 0; s < n_sample; s++)
    memcpy(ev_matrix_row(qm, s), ev_matrix_row(x, rows[s]), (size_t)x->n_cols * sizeof(float));
  int kq = (int)EV__MIN((int64_t)k + 1, n);
  rc = ev_knn_graph_new(n_sample, kq, g->metric, &truth, err);
  if (!rc) rc = ev__knn_rows_init(&br, x, g->metric, 1, n_threads, err);
  if (!rc) rc = ev__knn_rows_init(&qr, qm, g->metric, br.is_u8, n_threads, err);
  if (!rc) rc = ev__knn_exact(&qr, &br, 0, kq, truth, n_threads, NULL, err);
  if (rc) goto done;
  double total = 0;
  int kk = (int)EV__MIN((int64_t)k, n - 1);
  for (int64_t s = 0; s < n_sample; s++) {
    int64_t i = rows[s];
    const int32_t *ti = truth->indices + (size_t)s * (size_t)kq;
    const float *td = truth->distances + (size_t)s * (size_t)kq;
    /* k-th true distance, skipping the point itself */
    double kth = 0;
    int seen = 0;
    for (int t = 0; t < kq && seen < kk; t++) {
      if (ti[t] == i || ti[t] < 0) continue;
      kth = td[t];
      seen++;
    }
    int found = 0;
    const int32_t *gi = g->indices + (size_t)i * (size_t)k;
    for (int t = 0; t < k; t++) {
      if (gi[t] < 0 || gi[t] == i) continue;
      double d = ev__knn_pair_dist(&br, i, &br, gi[t]);
      if (d <= kth + 1e-6 * fabs(kth) + 1e-12) found++;
    }
    total += (double)EV__MIN(found, kk) / (double)kk;
  }
  *recall = total / (double)n_sample;
done:
  ev__free(rows);
  ev_matrix_free(qm);
  ev_knn_graph_free(truth);
  ev__knn_rows_free(&qr);
  ev__knn_rows_free(&br);
  return rc;
}
