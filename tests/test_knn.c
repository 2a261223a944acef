/* test_knn.c — kNN graphs against a double-precision brute-force oracle on
 * MNIST-10k and on small synthetic cases with ties and duplicates. */
#include <float.h>

#include "test.h"

#define MNIST EV_SOURCE_DIR "/data/mnist10k-images-idx3-ubyte.gz"

static ev_matrix *mnist;        /* bytes 0..255: the exact integer path */
static ev_matrix *mnist_float;  /* pixel/255 + a tiny offset: the BLAS path */

static int load(void) {
  ev_error err = {0};
  if (!mnist && ev_idx_read(MNIST, &mnist, NULL, &err) != EV_OK) return 0;
  if (!mnist_float) {
    if (ev_matrix_clone(mnist, &mnist_float, &err)) return 0;
    for (int64_t i = 0; i < mnist_float->n_rows; i++) {
      float *r = ev_matrix_row(mnist_float, i);
      for (int64_t j = 0; j < mnist_float->n_cols; j++) r[j] = r[j] / 255.0f + 0.001f * (float)(j % 7);
    }
  }
  return 1;
}

/* Reference distance in double, in reported units. */
static double ref_dist(const ev_matrix *x, int64_t i, const ev_matrix *y, int64_t j, ev_metric m) {
  const float *a = ev_matrix_row(x, i), *b = ev_matrix_row(y, j);
  double s = 0, na = 0, nb = 0;
  for (int64_t t = 0; t < x->n_cols; t++) {
    if (m == EV_METRIC_EUCLIDEAN) {
      double d = (double)a[t] - b[t];
      s += d * d;
    } else {
      s += (double)a[t] * b[t];
      na += (double)a[t] * a[t];
      nb += (double)b[t] * b[t];
    }
  }
  if (m == EV_METRIC_EUCLIDEAN) return sqrt(s);
  if (m == EV_METRIC_INNER_PRODUCT) return -s;
  if (na == 0 || nb == 0) return 1.0;
  double d = 1 - s / sqrt(na * nb);
  return d > 0 ? d : 0;
}

/* Brute-force k nearest (excluding `self`) for row i: fills idx/dist sorted by (dist, index). */
static void brute(const ev_matrix *base, const ev_matrix *q, int64_t i, int64_t self, int k,
                  ev_metric m, int32_t *idx, double *dist) {
  for (int t = 0; t < k; t++) {
    idx[t] = -1;
    dist[t] = INFINITY;
  }
  for (int64_t j = 0; j < base->n_rows; j++) {
    if (j == self) continue;
    double d = ref_dist(q, i, base, j, m);
    if (d > dist[k - 1] || (d == dist[k - 1] && j > idx[k - 1])) continue;
    int t = k - 1;
    while (t > 0 && (d < dist[t - 1] || (d == dist[t - 1] && j < idx[t - 1]))) {
      dist[t] = dist[t - 1];
      idx[t] = idx[t - 1];
      t--;
    }
    dist[t] = d;
    idx[t] = (int32_t)j;
  }
}

/* The graph's lists match brute force on `n_check` rows: same distances (to
 * rel_tol) position by position, and the same indices except where the
 * reference itself has a tie within tolerance. */
static int lists_match(const ev_matrix *x, const ev_knn_graph *g, int n_check, double rel_tol, int exact_ties) {
  int k = g->k;
  int32_t idx[128];
  double dist[128];
  for (int c = 0; c < n_check; c++) {
    int64_t i = (int64_t)c * 7919 % x->n_rows;
    brute(x, x, i, i, k, g->metric, idx, dist);
    const int32_t *gi = g->indices + i * k;
    const float *gd = g->distances + i * k;
    for (int t = 0; t < k; t++) {
      double tol = rel_tol * (fabs(dist[t]) + 1e-3);
      if (fabs(gd[t] - dist[t]) > tol) {
        fprintf(stderr, "  row %lld pos %d: distance %.9g, reference %.9g\n", (long long)i, t, gd[t], dist[t]);
        return 0;
      }
      if (gi[t] != idx[t]) {
        /* allowed only for a tie in the reference (distance equal within tol) */
        double dg = ref_dist(x, i, x, gi[t], g->metric);
        if (exact_ties ? dg != dist[t] : fabs(dg - dist[t]) > tol) {
          fprintf(stderr, "  row %lld pos %d: index %d (d %.9g), reference %d (d %.9g)\n", (long long)i, t,
                  gi[t], dg, idx[t], dist[t]);
          return 0;
        }
      }
    }
  }
  return 1;
}

static void check_exact(ev_matrix *x, ev_metric metric, int k, double tol, int exact_ties) {
  ev_error err = {0};
  ev_knn_params p = ev_knn_params_default();
  p.k = k;
  p.metric = metric;
  p.method = EV_KNN_EXACT;
  ev_knn_graph *g = NULL;
  ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
  ASSERT_TRUE(g->exact);
  ASSERT_TRUE(lists_match(x, g, 60, tol, exact_ties));
  ev_knn_graph_free(g);
}

TEST(exact_bytes_euclidean) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist, EV_METRIC_EUCLIDEAN, 15, 1e-6, 1);
}
TEST(exact_bytes_cosine) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist, EV_METRIC_COSINE, 15, 1e-5, 0);
}
TEST(exact_bytes_ip) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist, EV_METRIC_INNER_PRODUCT, 15, 1e-6, 1);
}
TEST(exact_float_euclidean) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist_float, EV_METRIC_EUCLIDEAN, 15, 1e-5, 0);
}
TEST(exact_float_cosine) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist_float, EV_METRIC_COSINE, 15, 1e-4, 0);
}
TEST(exact_float_ip) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist_float, EV_METRIC_INNER_PRODUCT, 15, 1e-5, 0);
}
TEST(exact_large_k) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_exact(mnist, EV_METRIC_EUCLIDEAN, 90, 1e-6, 1);
}

/* Points on a line with repeated positions: many exact ties and duplicates. */
TEST(ties_and_duplicates) {
  ev_error err = {0};
  float v[40];
  for (int i = 0; i < 40; i++) v[i] = (float)(i / 4); /* each value 4 times */
  ev_matrix *x = NULL;
  ASSERT_OK(ev_matrix_wrap(v, 40, 1, 1, &x, &err), &err);
  for (int m = EV_METRIC_EUCLIDEAN; m <= EV_METRIC_EUCLIDEAN; m++) {
    ev_knn_params p = ev_knn_params_default();
    p.k = 6;
    p.method = EV_KNN_EXACT;
    ev_knn_graph *g = NULL;
    ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
    ASSERT_TRUE(lists_match(x, g, 40, 0, 1));
    /* point 5 (value 1): duplicates 4, 6, 7 at 0, then value 0 (0..3) and 2 (8..11) at 1: lowest indices */
    const int32_t want[6] = {4, 6, 7, 0, 1, 2};
    for (int t = 0; t < 6; t++) ASSERT_EQ(g->indices[5 * 6 + t], want[t]);
    ASSERT_NEAR(g->distances[5 * 6 + 0], 0.0, 0.0);
    ASSERT_NEAR(g->distances[5 * 6 + 3], 1.0, 0.0);
    ev_knn_graph_free(g);
  }
  ev_matrix_free(x);
}

TEST(threads_do_not_change_results) {
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  ev_matrix *inputs[2] = {mnist, mnist_float};
  for (int w = 0; w < 2; w++) {
    ev_knn_graph *g[2] = {NULL, NULL};
    for (int t = 0; t < 2; t++) {
      ev_knn_params p = ev_knn_params_default();
      p.k = 10;
      p.method = EV_KNN_EXACT;
      p.n_threads = t + 1;
      ASSERT_OK(ev_knn_graph_build(inputs[w], &p, &g[t], &err), &err);
    }
    size_t cells = (size_t)g[0]->n_points * 10;
    ASSERT_TRUE(memcmp(g[0]->indices, g[1]->indices, cells * 4) == 0);
    ASSERT_TRUE(memcmp(g[0]->distances, g[1]->distances, cells * 4) == 0);
    ev_knn_graph_free(g[0]);
    ev_knn_graph_free(g[1]);
  }
}

TEST(query_matches_self_join) {
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  ev_matrix *q = NULL;
  ASSERT_OK(ev_matrix_new(50, 784, &q, &err), &err);
  for (int i = 0; i < 50; i++) memcpy(ev_matrix_row(q, i), ev_matrix_row(mnist, i * 100), 784 * 4);
  ev_knn_params p = ev_knn_params_default();
  p.k = 11;
  ev_knn_graph *gq = NULL;
  ASSERT_OK(ev_knn_query(mnist, q, &p, &gq, &err), &err);
  int32_t idx[11];
  double dist[11];
  for (int i = 0; i < 50; i++) {
    brute(mnist, q, i, -1, 11, EV_METRIC_EUCLIDEAN, idx, dist);
    ASSERT_EQ(gq->indices[i * 11], i * 100); /* itself, at 0 */
    for (int t = 0; t < 11; t++) {
      ASSERT_EQ(gq->indices[i * 11 + t], idx[t]);
      ASSERT_NEAR(gq->distances[i * 11 + t], dist[t], 1e-6 * dist[t]);
    }
  }
  ev_knn_graph_free(gq);
  ev_matrix_free(q);
}

/* One query at a time (the viewer's inspector) equals the brute-force
 * reference in double, for both metrics, with and without kept norms. */
TEST(search_one_matches_brute_force) {
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  float *norms = malloc((size_t)mnist->n_rows * sizeof *norms);
  ASSERT_OK(ev_knn_row_norms(mnist, norms), &err);
  int32_t idx[12], want[12];
  float dist[12];
  double wd[12];
  ev_knn_params kp = ev_knn_params_default();
  kp.k = 12;
  for (int m = 0; m < 2; m++) {
    ev_metric metric = m ? EV_METRIC_COSINE : EV_METRIC_EUCLIDEAN;
    kp.metric = metric;
    for (int i = 0; i < 10000; i += 997) {
      brute(mnist, mnist, i, i, 12, metric, want, wd);
      ASSERT_OK(ev_knn_search_one(mnist, ev_matrix_row(mnist, i), i, m ? NULL : norms, &kp, idx, dist, &err), &err);
      for (int t = 0; t < 12; t++) {
        ASSERT_EQ(idx[t], want[t]);
        ASSERT_NEAR(dist[t], wd[t], 1e-6 * wd[t] + 1e-7);
      }
    }
  }
  /* more neighbours than rows: padded */
  ev_matrix *few = test_mnist_rows(0, 5);
  kp.k = 6;
  kp.metric = EV_METRIC_EUCLIDEAN;
  ASSERT_OK(ev_knn_search_one(few, ev_matrix_row(few, 0), 0, NULL, &kp, idx, dist, &err), &err);
  ASSERT_TRUE(idx[3] >= 0 && idx[4] == -1 && isinf(dist[5]));
  kp.k = 3;
  kp.metric = EV_METRIC_INNER_PRODUCT;
  ASSERT_ERR(ev_knn_search_one(few, ev_matrix_row(few, 0), 0, NULL, &kp, idx, dist, &err), EV_EINVAL, &err,
             "euclidean or cosine");
  kp.k = 0;
  kp.metric = EV_METRIC_EUCLIDEAN;
  ASSERT_ERR(ev_knn_search_one(few, ev_matrix_row(few, 0), 0, NULL, &kp, idx, dist, &err), EV_EINVAL, &err, "k = 0");
  ev_matrix_free(few);
  free(norms);
}

TEST(degenerate_inputs) {
  ev_error err = {0};
  ev_knn_graph *g = NULL;
  ev_matrix *x = NULL;
  ev_knn_params p = ev_knn_params_default();
  /* N <= k: the N - 1 others, then -1 / inf padding */
  float three[6] = {0, 0, 1, 0, 0, 2};
  ASSERT_OK(ev_matrix_wrap(three, 3, 2, 2, &x, &err), &err);
  p.k = 5;
  ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
  ASSERT_EQ(g->k, 5);
  ASSERT_EQ(g->indices[0], 1);
  ASSERT_EQ(g->indices[1], 2);
  ASSERT_EQ(g->indices[2], -1);
  ASSERT_TRUE(isinf(g->distances[4]));
  ev_knn_graph_free(g);
  ev_matrix_free(x);
  /* one point: no neighbours at all */
  ASSERT_OK(ev_matrix_wrap(three, 1, 2, 2, &x, &err), &err);
  ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
  ASSERT_EQ(g->indices[0], -1);
  ev_knn_graph_free(g);
  ev_matrix_free(x);
  /* all-zero rows with cosine: distance 1 to everything, no NaN */
  float zeros[8] = {0, 0, 0, 0, 1, 0, 0, 1};
  ASSERT_OK(ev_matrix_wrap(zeros, 4, 2, 2, &x, &err), &err);
  p.k = 3;
  p.metric = EV_METRIC_COSINE;
  ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
  for (int t = 0; t < 3; t++) ASSERT_NEAR(g->distances[t], 1.0, 1e-6);
  ASSERT_NEAR(g->distances[2 * 3 + 0], 1.0, 1e-6); /* (1,0) vs (0,1) and zeros: all 1 */
  ev_knn_graph_free(g);
  ev_matrix_free(x);
  /* NaN: a clear error */
  float bad[4] = {1, 2, NAN, 4};
  ASSERT_OK(ev_matrix_wrap(bad, 2, 2, 2, &x, &err), &err);
  p.metric = EV_METRIC_EUCLIDEAN;
  ASSERT_ERR(ev_knn_graph_build(x, &p, &g, &err), EV_ENONFINITE, &err, "row 1, column 0 is NaN");
  ASSERT_TRUE(g == NULL);
  p.k = 0;
  ASSERT_ERR(ev_knn_graph_build(x, &p, &g, &err), EV_EINVAL, &err, "k must be at least 1");
  ev_matrix_free(x);
}

TEST(save_and_load) {
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  ev_knn_params p = ev_knn_params_default();
  p.k = 7;
  p.metric = EV_METRIC_COSINE;
  ev_knn_graph *g = NULL, *h = NULL;
  ASSERT_OK(ev_knn_graph_build(mnist, &p, &g, &err), &err);
  const char *path = test_out_path("graph.npz");
  ASSERT_OK(ev_knn_graph_save(path, g, &err), &err);
  ASSERT_OK(ev_knn_graph_load(path, &h, &err), &err);
  ASSERT_EQ(h->n_points, g->n_points);
  ASSERT_EQ(h->k, 7);
  ASSERT_EQ(h->metric, EV_METRIC_COSINE);
  ASSERT_EQ(h->exact, g->exact);
  ASSERT_TRUE(memcmp(g->indices, h->indices, (size_t)g->n_points * 7 * 4) == 0);
  ASSERT_TRUE(memcmp(g->distances, h->distances, (size_t)g->n_points * 7 * 4) == 0);
  ev_knn_graph_free(h);
  h = NULL;
  /* numpy reads it */
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c \"import numpy as np; z = np.load('%s'); "
           "assert z['indices'].shape == (10000, 7) and z['distances'].dtype == np.float32\"",
           path);
  ASSERT_EQ(test_system(cmd), 0);
  /* a truncated copy is refused */
  size_t len;
  char *bytes = test_read_file(path, &len);
  ASSERT_TRUE(bytes != NULL);
  const char *cut = test_write_file("graph_cut.npz", bytes, len / 2);
  free(bytes);
  ASSERT_ERR(ev_knn_graph_load(cut, &h, &err), EV_EFORMAT, &err, "graph_cut.npz");
  /* an npz that is not a graph */
  ASSERT_ERR(ev_knn_graph_load(test_out_path("nope.npz"), &h, &err), EV_ENOTFOUND, &err, "nope.npz");
  ev_knn_graph_free(g);
}

TEST(recall_of_exact_is_one) {
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  ev_knn_params p = ev_knn_params_default();
  p.method = EV_KNN_EXACT;
  ev_knn_graph *g = NULL;
  ASSERT_OK(ev_knn_graph_build(mnist, &p, &g, &err), &err);
  double r;
  ev_knn_recall_params rp = ev_knn_recall_params_default();
  rp.n_sample = 300;
  rp.seed = 1;
  ASSERT_OK(ev_knn_recall(mnist, g, &rp, &r, &err), &err);
  ASSERT_NEAR(r, 1.0, 0.0);
  /* damage the graph: replace each list's last neighbour by a far point */
  for (int64_t i = 0; i < g->n_points; i++) g->indices[i * 15 + 14] = (int32_t)((i + 5000) % 10000);
  ASSERT_OK(ev_knn_recall(mnist, g, &rp, &r, &err), &err);
  ASSERT_TRUE(r < 0.95 && r > 0.9);
  ev_knn_graph_free(g);
}

/* NN-descent (and the inner-product search) reach recall 0.98 at k = 15. */
static void check_approx(ev_matrix *x, ev_metric metric) {
  ev_error err = {0};
  ev_knn_params p = ev_knn_params_default();
  p.k = 15;
  p.metric = metric;
  p.method = EV_KNN_APPROX;
  ev_knn_graph *g = NULL;
  ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
  ASSERT_TRUE(!g->exact);
  double r;
  ASSERT_OK(ev_knn_recall(x, g, NULL, &r, &err), &err); /* the defaults: every point */
  fprintf(stderr, "  %s recall@15 over all points: %.4f\n", ev_metric_name(metric), r);
  ASSERT_TRUE(r >= 0.98);
  /* lists are sorted, free of self and duplicates */
  for (int64_t i = 0; i < g->n_points; i++) {
    const int32_t *gi = g->indices + i * 15;
    const float *gd = g->distances + i * 15;
    for (int t = 0; t < 15; t++) {
      ASSERT_TRUE(gi[t] >= 0 && gi[t] != i);
      if (t) ASSERT_TRUE(gd[t - 1] <= gd[t]);
      for (int u = 0; u < t; u++) ASSERT_TRUE(gi[u] != gi[t]);
    }
  }
  ev_knn_graph_free(g);
}

TEST(approx_recall_euclidean) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_approx(mnist, EV_METRIC_EUCLIDEAN);
}
TEST(approx_recall_cosine) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_approx(mnist, EV_METRIC_COSINE);
}
TEST(approx_recall_ip) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_approx(mnist, EV_METRIC_INNER_PRODUCT);
}
TEST(approx_recall_float_data) {
  if (!load()) TEST_FAIL_("MNIST missing");
  check_approx(mnist_float, EV_METRIC_EUCLIDEAN);
}

TEST(approx_is_deterministic) {
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  ev_knn_graph *g[3] = {NULL, NULL, NULL};
  int threads[3] = {2, 2, 1};
  for (int t = 0; t < 3; t++) {
    ev_knn_params p = ev_knn_params_default();
    p.k = 12;
    p.method = EV_KNN_APPROX;
    p.seed = 7;
    p.n_threads = threads[t];
    ASSERT_OK(ev_knn_graph_build(mnist, &p, &g[t], &err), &err);
  }
  size_t cells = (size_t)g[0]->n_points * 12;
  for (int t = 1; t < 3; t++) {
    ASSERT_TRUE(memcmp(g[0]->indices, g[t]->indices, cells * 4) == 0);
    ASSERT_TRUE(memcmp(g[0]->distances, g[t]->distances, cells * 4) == 0);
  }
  for (int t = 0; t < 3; t++) ev_knn_graph_free(g[t]);
}

TEST(approx_handles_duplicates) {
  /* 300 points, each repeated 3 times: every list starts with its two twins at 0 */
  ev_error err = {0};
  if (!load()) TEST_FAIL_("MNIST missing");
  ev_matrix *x = NULL;
  ASSERT_OK(ev_matrix_new(900, 784, &x, &err), &err);
  for (int i = 0; i < 900; i++) memcpy(ev_matrix_row(x, i), ev_matrix_row(mnist, i / 3), 784 * 4);
  ev_knn_params p = ev_knn_params_default();
  p.k = 5;
  p.method = EV_KNN_APPROX;
  ev_knn_graph *g = NULL;
  ASSERT_OK(ev_knn_graph_build(x, &p, &g, &err), &err);
  int twins_found = 0;
  for (int i = 0; i < 900; i++) {
    int base = i / 3 * 3;
    for (int t = 0; t < 2; t++) twins_found += g->indices[i * 5 + t] / 3 * 3 == base && g->distances[i * 5 + t] == 0;
  }
  ASSERT_TRUE(twins_found >= 0.98 * 1800);
  ev_knn_graph_free(g);
  ev_matrix_free(x);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"exact_bytes_euclidean", exact_bytes_euclidean},
      {"exact_bytes_cosine", exact_bytes_cosine},
      {"exact_bytes_ip", exact_bytes_ip},
      {"exact_float_euclidean", exact_float_euclidean},
      {"exact_float_cosine", exact_float_cosine},
      {"exact_float_ip", exact_float_ip},
      {"exact_large_k", exact_large_k},
      {"ties_and_duplicates", ties_and_duplicates},
      {"threads_do_not_change_results", threads_do_not_change_results},
      {"query_matches_self_join", query_matches_self_join},
      {"search_one_matches_brute_force", search_one_matches_brute_force},
      {"degenerate_inputs", degenerate_inputs},
      {"save_and_load", save_and_load},
      {"recall_of_exact_is_one", recall_of_exact_is_one},
      {"approx_recall_euclidean", approx_recall_euclidean},
      {"approx_recall_cosine", approx_recall_cosine},
      {"approx_recall_ip", approx_recall_ip},
      {"approx_recall_float_data", approx_recall_float_data},
      {"approx_is_deterministic", approx_is_deterministic},
      {"approx_handles_duplicates", approx_handles_duplicates},
  };
  int rc = test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
  ev_matrix_free(mnist);
  ev_matrix_free(mnist_float);
  return rc;
}
