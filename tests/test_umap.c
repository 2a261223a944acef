/* test_umap.c — UMAP: the curve fit against umap-learn's values, rho/sigma
 * calibration, the fuzzy union, the spectral layout against LAPACK, quality
 * floors on MNIST-10k, determinism, disconnected and degenerate inputs,
 * transform. */
#include <lapacke.h>

#include "test.h"

/* umap-learn 0.5's find_ab_params (scipy curve_fit), computed with scipy 1.10 */
TEST(curve_fit_matches_umap_learn) {
  ev_error err = {0};
  static const double cases[][4] = {
      {1.0, 0.1, 1.57694346, 0.89506088},
      {1.0, 0.5, 0.58303002, 1.33416699},
      {2.0, 0.01, 0.63534441, 0.79555289},
      {1.0, 0.0, 1.93280840, 0.79049497},
  };
  for (int c = 0; c < 4; c++) {
    double a, b;
    ASSERT_OK(ev_umap_find_ab(cases[c][0], cases[c][1], &a, &b, &err), &err);
    fprintf(stderr, "  spread %g min_dist %g: a = %.6f (umap-learn %.6f), b = %.6f (%.6f)\n", cases[c][0],
            cases[c][1], a, cases[c][2], b, cases[c][3]);
    ASSERT_NEAR(a, cases[c][2], 1e-4 * cases[c][2]);
    ASSERT_NEAR(b, cases[c][3], 1e-4 * cases[c][3]);
  }
  double a, b;
  ASSERT_ERR(ev_umap_find_ab(1.0, 2.0, &a, &b, &err), EV_EINVAL, &err, "min_dist");
  ASSERT_ERR(ev_umap_find_ab(0.0, 0.1, &a, &b, &err), EV_EINVAL, &err, "spread");
}

static ev_knn_graph *mnist_graph(int k) {
  ev_error err = {0};
  ev_knn_params kp = ev_knn_params_default();
  kp.k = k;
  ev_knn_graph *g = NULL;
  if (ev_knn_graph_build(test_mnist(), &kp, &g, &err)) return NULL;
  return g;
}

TEST(calibration_hits_log2_k) {
  ev_error err = {0};
  if (!test_mnist()) TEST_FAIL_("MNIST missing");
  ev_knn_graph *g = mnist_graph(14);
  ASSERT_TRUE(g != NULL);
  float *rho = malloc(10000 * sizeof *rho), *sigma = malloc(10000 * sizeof *sigma);
  ev_csr *fz = NULL;
  /* NULL: the defaults, 15 neighbours and local_connectivity 1 */
  ASSERT_OK(ev_umap_fuzzy_graph(g, NULL, &fz, rho, sigma, &err), &err);
  double worst = 0;
  for (int i = 0; i < 10000; i++) {
    ASSERT_NEAR(rho[i], g->distances[i * 14], 1e-6 * g->distances[i * 14]); /* local_connectivity 1 */
    double s = 0;
    for (int t = 0; t < 14; t++) {
      double r = g->distances[i * 14 + t] - rho[i];
      s += r > 0 ? exp(-r / sigma[i]) : 1.0;
    }
    worst = fmax(worst, fabs(s - log2(15.0)));
  }
  fprintf(stderr, "  largest |sum of memberships - log2(15)| %.2e\n", worst);
  ASSERT_TRUE(worst < 1e-4);
  /* fuzzy union: symmetric, in (0, 1], a + b - ab of the directed memberships */
  int64_t nnz = fz->row_ptr[10000];
  for (int i = 0; i < 10000; i += 37)
    for (int64_t e = fz->row_ptr[i]; e < fz->row_ptr[i + 1]; e++) {
      int j = fz->col[e];
      ASSERT_TRUE(fz->val[e] > 0 && fz->val[e] <= 1.0f);
      double a = 0, b = 0;
      for (int t = 0; t < 14; t++) {
        if (g->indices[i * 14 + t] == j) a = exp(-fmax(g->distances[i * 14 + t] - rho[i], 0) / sigma[i]);
        if (g->indices[j * 14 + t] == i) b = exp(-fmax(g->distances[j * 14 + t] - rho[j], 0) / sigma[j]);
      }
      ASSERT_NEAR(fz->val[e], a + b - a * b, 1e-5);
      int found = 0;
      for (int64_t f = fz->row_ptr[j]; f < fz->row_ptr[j + 1]; f++)
        if (fz->col[f] == i) found = fz->val[f] == fz->val[e];
      ASSERT_TRUE(found);
    }
  ASSERT_TRUE(nnz >= 10000 * 14 && nnz <= 10000 * 28);
  free(rho);
  free(sigma);
  ev_csr_free(fz);
  ev_knn_graph_free(g);
}

/* Rayleigh quotient and relative residual of column c of y (n x dims)
 * for M = D^-1/2 W D^-1/2 */
static void rayleigh(const ev_csr *w, const float *y, int dims, int c, double *lambda, double *resid) {
  int64_t n = w->n_rows;
  double *dis = malloc((size_t)n * sizeof *dis), *mv = malloc((size_t)n * sizeof *mv);
  for (int64_t i = 0; i < n; i++) {
    double d = 0;
    for (int64_t e = w->row_ptr[i]; e < w->row_ptr[i + 1]; e++) d += w->val[e];
    dis[i] = 1.0 / sqrt(d);
  }
  double vv = 0, vmv = 0;
  for (int64_t i = 0; i < n; i++) {
    double s = 0;
    for (int64_t e = w->row_ptr[i]; e < w->row_ptr[i + 1]; e++) s += w->val[e] * dis[w->col[e]] * y[w->col[e] * dims + c];
    mv[i] = s * dis[i];
    vv += (double)y[i * dims + c] * y[i * dims + c];
    vmv += y[i * dims + c] * mv[i];
  }
  *lambda = vmv / vv;
  double r = 0;
  for (int64_t i = 0; i < n; i++) r += (mv[i] - *lambda * y[i * dims + c]) * (mv[i] - *lambda * y[i * dims + c]);
  *resid = sqrt(r / vv);
  free(dis);
  free(mv);
}

/* Lanczos (1,500 points: above the dense limit) against LAPACK's dense
 * eigenvalues of the same matrix. */
TEST(spectral_layout_matches_lapack) {
  ev_error err = {0};
  ev_matrix *x = test_mnist_rows(0, 1500);
  ASSERT_TRUE(x != NULL);
  ev_knn_params kp = ev_knn_params_default();
  kp.k = 14;
  ev_knn_graph *g = NULL;
  ev_csr *w = NULL;
  ASSERT_OK(ev_knn_graph_build(x, &kp, &g, &err), &err);
  ev_umap_params up = ev_umap_params_default(); /* 15 neighbours, local_connectivity 1, set_op_mix_ratio 1 */
  ASSERT_OK(ev_umap_fuzzy_graph(g, &up, &w, NULL, NULL, &err), &err);
  float *y = malloc(1500 * 3 * sizeof *y);
  int n_comp = 0;
  up.n_dims = 3;
  up.seed = 7;
  ASSERT_OK(ev_umap_spectral_layout(w, x, &up, y, &n_comp, &err), &err);
  ASSERT_EQ(n_comp, 1);
  double *m = calloc(1500 * 1500, sizeof *m), ev[4];
  double *dis = malloc(1500 * sizeof *dis);
  for (int i = 0; i < 1500; i++) {
    double d = 0;
    for (int64_t e = w->row_ptr[i]; e < w->row_ptr[i + 1]; e++) d += w->val[e];
    dis[i] = 1.0 / sqrt(d);
  }
  for (int i = 0; i < 1500; i++)
    for (int64_t e = w->row_ptr[i]; e < w->row_ptr[i + 1]; e++) m[i * 1500 + w->col[e]] = w->val[e] * dis[i] * dis[w->col[e]];
  lapack_int found = 0;
  double *z = malloc(1500 * 4 * sizeof *z);
  lapack_int *supp = malloc(8 * sizeof *supp);
  ASSERT_EQ(LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', 1500, m, 1500, 0, 0, 1497, 1500, 0.0, &found, ev, z, 4,
                           supp),
            0);
  /* ev ascending: ev[3] = 1 (trivial), then ev[2], ev[1], ev[0] */
  ASSERT_NEAR(ev[3], 1.0, 1e-9);
  for (int c = 0; c < 3; c++) {
    double lambda, resid;
    rayleigh(w, y, 3, c, &lambda, &resid);
    fprintf(stderr, "  eigenvalue %d: Lanczos %.8f, LAPACK %.8f, residual %.1e\n", c + 2, lambda, ev[2 - c], resid);
    ASSERT_NEAR(lambda, ev[2 - c], 1e-5);
    ASSERT_TRUE(resid < 1e-3);
  }
  free(z);
  free(supp);
  free(m);
  free(dis);
  free(y);
  ev_csr_free(w);
  ev_knn_graph_free(g);
  ev_matrix_free(x);
}

TEST(quality_on_mnist) {
  ev_error err = {0};
  if (!test_mnist() || !test_mnist_labels()) TEST_FAIL_("MNIST missing");
  for (int dims = 2; dims <= (EV_TEST_SANITIZED ? 2 : 3); dims++) {
    ev_umap_params p = ev_umap_params_default();
    p.n_dims = dims;
    if (EV_TEST_SANITIZED) p.n_epochs = 50; /* memory checks only; floors in the optimised build */
    ev_matrix *y = NULL;
    ev_umap_info info;
    ASSERT_OK(ev_umap_run(test_mnist(), NULL, &p, &y, &info, &err), &err);
    ASSERT_EQ(info.n_epochs, EV_TEST_SANITIZED ? 50 : 500);
    double acc, recall;
    test_embed_quality(test_mnist(), y, test_mnist_labels(), &acc, &recall);
    fprintf(stderr, "  MNIST-10k %d-D: 10-NN accuracy %.4f, 10-NN recall %.4f (%d components, %.1f s SGD)\n", dims,
            acc, recall, info.n_components, info.seconds_optimize);
    if (!EV_TEST_SANITIZED) {
      ASSERT_TRUE(acc >= 0.92);
      ASSERT_TRUE(recall >= 0.24);
    }
    ev_matrix_free(y);
  }
}

TEST(deterministic_for_any_thread_count) {
  ev_error err = {0};
  ev_matrix *x = test_mnist_rows(0, 3000);
  ASSERT_TRUE(x != NULL);
  ev_umap_params p = ev_umap_params_default();
  p.n_epochs = EV_TEST_SANITIZED ? 20 : 200;
  ev_matrix *y1 = NULL, *y2 = NULL, *y3 = NULL;
  p.n_threads = 1;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y1, NULL, &err), &err);
  p.n_threads = 2;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y2, NULL, &err), &err);
  ASSERT_TRUE(memcmp(y1->data, y2->data, 3000 * 2 * sizeof(float)) == 0);
  p.seed = 43;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y3, NULL, &err), &err);
  ASSERT_TRUE(memcmp(y1->data, y3->data, 3000 * 2 * sizeof(float)) != 0);
  for (int64_t t = 0; t < 3000 * 2; t++) ASSERT_TRUE(isfinite(y1->data[t]));
  ev_matrix_free(y1);
  ev_matrix_free(y2);
  ev_matrix_free(y3);
  /* hogwild runs and stays finite (its result may vary with more threads) */
  p.sgd = EV_UMAP_SGD_HOGWILD;
  p.n_epochs = 50;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y1, NULL, &err), &err);
  for (int64_t t = 0; t < 3000 * 2; t++) ASSERT_TRUE(isfinite(y1->data[t]));
  ev_matrix_free(y1);
  ev_matrix_free(x);
}

/* Two Gaussian blobs 1,000 standard deviations apart: no edge joins them. */
TEST(disconnected_clusters_stay_apart) {
  ev_error err = {0};
  enum { N = 400, D = 5 };
  ev_matrix *x = NULL;
  ASSERT_OK(ev_matrix_new(N, D, &x, &err), &err);
  uint64_t s = 12345;
  for (int i = 0; i < N; i++)
    for (int d = 0; d < D; d++) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      double u = ((double)(s >> 11) / 9007199254740992.0) - 0.5;
      ev_matrix_row(x, i)[d] = (float)(u + (i < N / 2 ? 0.0 : 1000.0));
    }
  for (int init = 0; init < 2; init++) {
    ev_umap_params p = ev_umap_params_default();
    p.init = init ? EV_UMAP_INIT_PCA : EV_UMAP_INIT_SPECTRAL;
    p.n_epochs = 200;
    ev_matrix *y = NULL;
    ev_umap_info info;
    ASSERT_OK(ev_umap_run(x, NULL, &p, &y, &info, &err), &err);
    if (!init) ASSERT_EQ(info.n_components, 2);
    /* every point's nearest point on the map is from its own blob */
    int wrong = 0;
    for (int i = 0; i < N; i++) {
      int best = -1;
      float bd = INFINITY;
      for (int j = 0; j < N; j++) {
        if (j == i) continue;
        float dx = ev_matrix_row(y, i)[0] - ev_matrix_row(y, j)[0], dy = ev_matrix_row(y, i)[1] - ev_matrix_row(y, j)[1];
        if (dx * dx + dy * dy < bd) {
          bd = dx * dx + dy * dy;
          best = j;
        }
      }
      wrong += (best < N / 2) != (i < N / 2);
    }
    ASSERT_EQ(wrong, 0);
    ev_matrix_free(y);
  }
  ev_matrix_free(x);
}

typedef struct watch {
  int calls, last_epoch, stop_at;
} watch;

static int on_epoch(void *user, const ev_embed_frame *f) {
  watch *w = user;
  w->calls++;
  w->last_epoch = f->iteration;
  if (f->n_iterations != 100 || !isnan(f->kl)) return 1;
  for (int64_t t = 0; t < f->n_points * f->n_dims; t++)
    if (!isfinite(f->y[t])) return 1;
  return w->stop_at && f->iteration >= w->stop_at;
}

TEST(callback_sees_epochs_and_can_stop) {
  ev_error err = {0};
  ev_matrix *x = test_mnist_rows(0, 1000);
  ASSERT_TRUE(x != NULL);
  ev_umap_params p = ev_umap_params_default();
  p.n_epochs = 100;
  watch w = {0, 0, 0};
  p.observer = (ev_embed_observer){on_epoch, &w, 10};
  ev_matrix *y = NULL;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y, NULL, &err), &err);
  ASSERT_EQ(w.calls, 10);
  ASSERT_EQ(w.last_epoch, 100);
  ev_matrix_free(y);
  watch w2 = {0, 0, 30};
  p.observer.user = &w2;
  ASSERT_ERR(ev_umap_run(x, NULL, &p, &y, NULL, &err), EV_ECANCELED, &err, "epoch 30");
  ASSERT_TRUE(y == NULL);
  ev_matrix_free(x);
}

/* One name table per enum (what the CLI maps --init and --sgd through):
 * every value's name parses back to it; unknown names are -1, unknown
 * values "?". */
TEST(enum_names_round_trip) {
  for (int v = EV_UMAP_INIT_SPECTRAL; v <= EV_UMAP_INIT_USER; v++)
    ASSERT_EQ(ev_umap_init_parse(ev_umap_init_name((ev_umap_init)v)), v);
  for (int v = EV_UMAP_SGD_DETERMINISTIC; v <= EV_UMAP_SGD_HOGWILD; v++)
    ASSERT_EQ(ev_umap_sgd_parse(ev_umap_sgd_name((ev_umap_sgd)v)), v);
  ASSERT_STR_EQ(ev_umap_init_name(EV_UMAP_INIT_SPECTRAL), "spectral");
  ASSERT_STR_EQ(ev_umap_sgd_name(EV_UMAP_SGD_HOGWILD), "hogwild");
  ASSERT_STR_EQ(ev_umap_init_name((ev_umap_init)4), "?");
  ASSERT_STR_EQ(ev_umap_sgd_name((ev_umap_sgd)-1), "?");
  ASSERT_EQ(ev_umap_init_parse("fft"), -1);
  ASSERT_EQ(ev_umap_init_parse("Spectral"), -1);
  ASSERT_EQ(ev_umap_sgd_parse("?"), -1);
  ASSERT_EQ(ev_umap_sgd_parse(NULL), -1);
}

/* Defaults are values; only the epochs, which depend on N, stay 0 = auto.
 * The observer's interval has no "0 = default" any more. */
TEST(defaults_are_values) {
  ev_error err = {0};
  ev_umap_params p = ev_umap_params_default();
  ASSERT_EQ(p.observer.every, 5);
  ASSERT_EQ(p.n_epochs, 0);
  ASSERT_EQ(ev_umap_epochs(&p, 10000), 500);
  ASSERT_EQ(ev_umap_epochs(&p, 10001), 200);
  ASSERT_EQ(ev_map_params_default(EV_MAP_UMAP).observer.every, 5);
  ev_matrix *x = test_mnist_rows(0, 100), *y = NULL;
  ASSERT_TRUE(x != NULL);
  watch w = {0, 0, 0};
  p.observer = (ev_embed_observer){on_epoch, &w, 0};
  ASSERT_ERR(ev_umap_run(x, NULL, &p, &y, NULL, &err), EV_EINVAL, &err, "observer.every 0: expected at least 1");
  ASSERT_TRUE(y == NULL && w.calls == 0);
  ev_matrix_free(x);
}

TEST(degenerate_inputs) {
  ev_error err = {0};
  ev_umap_params p = ev_umap_params_default();
  p.n_epochs = 50;
  ev_matrix *y = NULL;
  /* fewer points than n_neighbors, down to one */
  for (int n = 1; n <= 12; n += 11) {
    ev_matrix *x = test_mnist_rows(0, n);
    ASSERT_OK(ev_umap_run(x, NULL, &p, &y, NULL, &err), &err);
    for (int64_t t = 0; t < n * 2; t++) ASSERT_TRUE(isfinite(y->data[t]));
    ev_matrix_free(y);
    ev_matrix_free(x);
  }
  /* duplicates: 300 rows, 3 distinct values */
  ev_matrix *x = NULL;
  ASSERT_OK(ev_matrix_new(300, 4, &x, &err), &err);
  for (int i = 0; i < 300; i++)
    for (int d = 0; d < 4; d++) ev_matrix_row(x, i)[d] = (float)(i % 3 == d);
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y, NULL, &err), &err);
  for (int64_t t = 0; t < 600; t++) ASSERT_TRUE(isfinite(y->data[t]));
  ev_matrix_free(y);
  /* NaN */
  ev_matrix_row(x, 17)[2] = NAN;
  ASSERT_ERR(ev_umap_run(x, NULL, &p, &y, NULL, &err), EV_ENONFINITE, &err, "umap");
  ev_matrix_free(x);
  /* a single class: MNIST's ones */
  const ev_matrix *all = test_mnist();
  const int32_t *labels = test_mnist_labels();
  ASSERT_TRUE(all && labels);
  int n1 = 0;
  for (int i = 0; i < 10000; i++) n1 += labels[i] == 1;
  ASSERT_OK(ev_matrix_new(n1, 784, &x, &err), &err);
  for (int i = 0, r = 0; i < 10000; i++)
    if (labels[i] == 1) memcpy(ev_matrix_row(x, r++), ev_matrix_row(all, i), 784 * sizeof(float));
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y, NULL, &err), &err);
  for (int64_t t = 0; t < (int64_t)n1 * 2; t++) ASSERT_TRUE(isfinite(y->data[t]));
  ev_matrix_free(y);
  ev_matrix_free(x);
  /* bad parameters and a mismatched graph */
  x = test_mnist_rows(0, 100);
  p.n_neighbors = 1;
  ASSERT_ERR(ev_umap_run(x, NULL, &p, &y, NULL, &err), EV_EINVAL, &err, "n_neighbors");
  p = ev_umap_params_default();
  p.min_dist = 5;
  ASSERT_ERR(ev_umap_run(x, NULL, &p, &y, NULL, &err), EV_EINVAL, &err, "min_dist");
  p = ev_umap_params_default();
  ev_knn_graph *g = NULL;
  ev_matrix *x2 = test_mnist_rows(0, 50);
  ev_knn_params kp = ev_knn_params_default();
  ASSERT_OK(ev_knn_graph_build(x2, &kp, &g, &err), &err);
  ASSERT_ERR(ev_umap_run(x, g, &p, &y, NULL, &err), EV_EMISMATCH, &err, "50 points");
  ev_knn_graph_free(g);
  ev_matrix_free(x2);
  ev_matrix_free(x);
}

TEST(transform_places_new_points) {
  ev_error err = {0};
  if (!test_mnist_labels()) TEST_FAIL_("MNIST missing");
  const int32_t *labels = test_mnist_labels();
  ev_matrix *old = test_mnist_rows(0, 8000), *fresh = test_mnist_rows(8000, 2000);
  ASSERT_TRUE(old && fresh);
  ev_umap_params p = ev_umap_params_default();
  if (EV_TEST_SANITIZED) p.n_epochs = 30;
  ev_matrix *y_old = NULL, *y_new = NULL, *y_again = NULL;
  ASSERT_OK(ev_umap_run(old, NULL, &p, &y_old, NULL, &err), &err);
  float *before = malloc((size_t)8000 * 2 * sizeof(float));
  memcpy(before, y_old->data, (size_t)8000 * 2 * sizeof(float));
  p.n_threads = 1;
  ASSERT_OK(ev_umap_transform(old, y_old, fresh, &p, &y_new, &err), &err);
  p.n_threads = 2;
  ASSERT_OK(ev_umap_transform(old, y_old, fresh, &p, &y_again, &err), &err);
  ASSERT_TRUE(memcmp(y_new->data, y_again->data, 2000 * 2 * sizeof(float)) == 0);
  ASSERT_TRUE(memcmp(before, y_old->data, (size_t)8000 * 2 * sizeof(float)) == 0);
  double acc = test_placed_accuracy(y_old, labels, y_new, labels + 8000);
  fprintf(stderr, "  placed digits' 10-NN label accuracy among the reference points: %.4f\n", acc);
  if (!EV_TEST_SANITIZED) ASSERT_TRUE(acc >= 0.88);
  ev_matrix *y_bad = NULL;
  ASSERT_ERR(ev_umap_transform(old, y_old, y_old, &p, &y_bad, &err), EV_EMISMATCH, &err, "dims");
  ASSERT_TRUE(y_bad == NULL);
  free(before);
  ev_matrix_free(y_old);
  ev_matrix_free(y_new);
  ev_matrix_free(y_again);
  ev_matrix_free(old);
  ev_matrix_free(fresh);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"curve_fit_matches_umap_learn", curve_fit_matches_umap_learn},
      {"calibration_hits_log2_k", calibration_hits_log2_k},
      {"spectral_layout_matches_lapack", spectral_layout_matches_lapack},
      {"quality_on_mnist", quality_on_mnist},
      {"deterministic_for_any_thread_count", deterministic_for_any_thread_count},
      {"disconnected_clusters_stay_apart", disconnected_clusters_stay_apart},
      {"callback_sees_epochs_and_can_stop", callback_sees_epochs_and_can_stop},
      {"degenerate_inputs", degenerate_inputs},
      {"transform_places_new_points", transform_places_new_points},
      {"enum_names_round_trip", enum_names_round_trip},
      {"defaults_are_values", defaults_are_values},
  };
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
