/* test_pca.c — PCA against numpy's SVD on MNIST-10k, solvers, signs,
 * normalisation and degenerate inputs. */
#include "test.h"

#define MNIST EV_SOURCE_DIR "/data/mnist10k-images-idx3-ubyte.gz"

static ev_matrix *mnist;

static int load_mnist(void) {
  ev_error err = {0};
  if (!mnist && ev_idx_read(MNIST, &mnist, NULL, &err) != EV_OK) {
    fprintf(stderr, "  cannot read %s: %s\n", MNIST, err.msg);
    return 0;
  }
  return 1;
}

/* Runs tests/gen/pca_reference.py once; returns 1 when the files exist. */
static int make_reference(void) {
  static int state; /* 0 unknown, 1 ok, -1 failed */
  if (state == 0) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/gen/pca_reference.py %s %s",
             EV_SOURCE_DIR, MNIST, EV_TEST_OUT);
    state = test_system(cmd) == 0 ? 1 : -1;
  }
  return state == 1;
}

static ev_matrix *load_ref(const char *name) {
  ev_matrix *m = NULL;
  ev_error err = {0};
  if (ev_npy_read(test_out_path(name), &m, NULL, &err) != EV_OK) fprintf(stderr, "  %s\n", err.msg);
  return m;
}

static double dot(const float *a, const float *b, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += (double)a[i] * b[i];
  return s;
}

/* Components agree with numpy's (same sign convention) and ratios match. */
static void check_against_numpy(ev_pca_solver solver, int scale, double comp_tol, double ratio_rel_tol) {
  ev_error err = {0};
  if (!load_mnist()) TEST_FAIL_("MNIST not readable");
  if (!make_reference()) TEST_FAIL_("numpy reference script failed (is python3-numpy installed?)");
  ev_matrix *ref_c = load_ref(scale ? "pca_ref_scaled_components.npy" : "pca_ref_components.npy");
  ev_matrix *ref_r = load_ref(scale ? "pca_ref_scaled_ratio.npy" : "pca_ref_ratio.npy");
  ASSERT_TRUE(ref_c && ref_r);
  ev_pca_params p = ev_pca_params_default();
  p.n_components = 10;
  p.solver = solver;
  p.scale = scale;
  ev_pca *pca = NULL;
  ASSERT_OK(ev_pca_fit(mnist, &p, &pca, &err), &err);
  ASSERT_EQ(pca->solver, solver);
  for (int c = 0; c < 10; c++) {
    double ref = ev_matrix_row(ref_r, c)[0];
    ASSERT_NEAR(pca->explained_variance_ratio[c], ref, ratio_rel_tol * ref);
    /* Same direction and the same (deterministic) sign. */
    double d = dot(pca->components + c * 784, ev_matrix_row(ref_c, c), 784);
    ASSERT_NEAR(d, 1.0, comp_tol);
  }
  ev_pca_free(pca);
  ev_matrix_free(ref_c);
  ev_matrix_free(ref_r);
}

TEST(eig_matches_numpy) { check_against_numpy(EV_PCA_EIG, 0, 1e-5, 1e-5); }
TEST(randomized_matches_numpy) { check_against_numpy(EV_PCA_RANDOMIZED, 0, 1e-3, 1e-3); }
TEST(scaled_matches_numpy) { check_against_numpy(EV_PCA_EIG, 1, 1e-4, 1e-4); }

TEST(transform_matches_numpy) {
  ev_error err = {0};
  if (!load_mnist() || !make_reference()) TEST_FAIL_("data or reference missing");
  ev_matrix *ref = load_ref("pca_ref_proj.npy");
  ASSERT_TRUE(ref);
  ev_pca_params p = ev_pca_params_default();
  p.n_components = 10;
  ev_pca *pca = NULL;
  ev_matrix *y = NULL;
  ASSERT_OK(ev_pca_fit(mnist, &p, &pca, &err), &err);
  ASSERT_OK(ev_matrix_new(mnist->n_rows, 10, &y, &err), &err);
  ASSERT_OK(ev_pca_transform(pca, mnist, y, 0, &err), &err);
  for (int i = 0; i < 100; i++)
    for (int c = 0; c < 10; c++) {
      double r = ev_matrix_row(ref, i)[c];
      ASSERT_NEAR(ev_matrix_row(y, i)[c], r, 1e-3 * (fabs(r) + 100));
    }
  ev_matrix_free(y);
  ev_matrix_free(ref);
  ev_pca_free(pca);
}

TEST(same_input_same_output) {
  ev_error err = {0};
  if (!load_mnist()) TEST_FAIL_("MNIST not readable");
  for (int s = EV_PCA_EIG; s <= EV_PCA_RANDOMIZED; s++) {
    ev_pca_params p = ev_pca_params_default();
    p.n_components = 5;
    p.solver = (ev_pca_solver)s;
    p.n_threads = 2;
    ev_pca *a = NULL, *b = NULL;
    ASSERT_OK(ev_pca_fit(mnist, &p, &a, &err), &err);
    ASSERT_OK(ev_pca_fit(mnist, &p, &b, &err), &err);
    ASSERT_TRUE(memcmp(a->components, b->components, 5 * 784 * sizeof(float)) == 0);
    ev_pca_free(a);
    ev_pca_free(b);
  }
}

TEST(thread_count_does_not_change_eig) {
  ev_error err = {0};
  if (!load_mnist()) TEST_FAIL_("MNIST not readable");
  ev_pca *a = NULL, *b = NULL;
  ev_matrix *ya = NULL, *yb = NULL;
  for (int t = 1; t <= 2; t++) {
    ev_pca_params p = ev_pca_params_default();
    p.n_components = 3;
    p.solver = EV_PCA_EIG;
    p.n_threads = t;
    ASSERT_OK(ev_pca_fit(mnist, &p, t == 1 ? &a : &b, &err), &err);
    ASSERT_OK(ev_matrix_new(mnist->n_rows, 3, t == 1 ? &ya : &yb, &err), &err);
    ASSERT_OK(ev_pca_transform(t == 1 ? a : b, mnist, t == 1 ? ya : yb, t, &err), &err);
  }
  ASSERT_TRUE(memcmp(a->components, b->components, 3 * 784 * sizeof(float)) == 0);
  ASSERT_TRUE(memcmp(ya->data, yb->data, (size_t)mnist->n_rows * 3 * sizeof(float)) == 0);
  ev_pca_free(a);
  ev_pca_free(b);
  ev_matrix_free(ya);
  ev_matrix_free(yb);
}

TEST(signs_are_deterministic) {
  ev_error err = {0};
  if (!load_mnist()) TEST_FAIL_("MNIST not readable");
  ev_pca_params p = ev_pca_params_default();
  p.n_components = 8;
  ev_pca *pca = NULL;
  ASSERT_OK(ev_pca_fit(mnist, &p, &pca, &err), &err);
  for (int c = 0; c < 8; c++) {
    const float *v = pca->components + c * 784;
    int best = 0;
    for (int j = 1; j < 784; j++)
      if (fabsf(v[j]) > fabsf(v[best])) best = j;
    ASSERT_TRUE(v[best] > 0);
    ASSERT_NEAR(dot(v, v, 784), 1.0, 1e-5);
  }
  ev_pca_free(pca);
}

TEST(auto_picks_a_solver) {
  ev_error err = {0};
  if (!load_mnist()) TEST_FAIL_("MNIST not readable");
  ev_pca_params p = ev_pca_params_default();
  p.n_components = 50;
  ev_pca *pca = NULL;
  ASSERT_OK(ev_pca_fit(mnist, &p, &pca, &err), &err);
  ASSERT_TRUE(pca->solver == EV_PCA_EIG || pca->solver == EV_PCA_RANDOMIZED);
  double total = 0;
  for (int c = 0; c < 50; c++) total += pca->explained_variance_ratio[c];
  ASSERT_NEAR(total, 0.8283, 0.001); /* numpy: 0.828261585 */
  ev_pca_free(pca);
}

TEST(degenerate_inputs) {
  ev_error err = {0};
  ev_pca *pca = NULL;
  float data[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  ev_matrix *x = NULL;
  ASSERT_OK(ev_matrix_wrap(data, 4, 3, 3, &x, &err), &err);
  ev_pca_params p = ev_pca_params_default();
  p.n_components = 4;
  ASSERT_ERR(ev_pca_fit(x, &p, &pca, &err), EV_EINVAL, &err, "n_components 4");
  ASSERT_TRUE(pca == NULL);
  p.n_components = 0;
  ASSERT_ERR(ev_pca_fit(x, &p, &pca, &err), EV_EINVAL, &err, "n_components");
  ev_matrix_free(x);
  /* one point */
  ASSERT_OK(ev_matrix_wrap(data, 1, 3, 3, &x, &err), &err);
  p.n_components = 1;
  ASSERT_ERR(ev_pca_fit(x, &p, &pca, &err), EV_EINVAL, &err, "at least 2 points");
  ev_matrix_free(x);
  /* NaN */
  data[5] = NAN;
  ASSERT_OK(ev_matrix_wrap(data, 4, 3, 3, &x, &err), &err);
  ASSERT_ERR(ev_pca_fit(x, &p, &pca, &err), EV_ENONFINITE, &err, "row 1, column 2 is NaN");
  ev_matrix_free(x);
  /* constant columns and D = 1 work */
  float cst[8] = {5, 1, 5, 2, 5, 3, 5, 4};
  ASSERT_OK(ev_matrix_wrap(cst, 4, 2, 2, &x, &err), &err);
  p.n_components = 2;
  for (int s = EV_PCA_EIG; s <= EV_PCA_RANDOMIZED; s++) {
    p.solver = (ev_pca_solver)s;
    p.scale = 1;
    ASSERT_OK(ev_pca_fit(x, &p, &pca, &err), &err);
    ASSERT_NEAR(pca->explained_variance_ratio[0], 1.0, 1e-5);
    ASSERT_NEAR(pca->explained_variance_ratio[1], 0.0, 1e-5);
    ASSERT_NEAR(fabsf(pca->components[1]), 1.0, 1e-5);
    ev_pca_free(pca);
    pca = NULL;
  }
  ev_matrix_free(x);
  float one_d[3] = {1, 2, 4};
  ASSERT_OK(ev_matrix_wrap(one_d, 3, 1, 1, &x, &err), &err);
  p.n_components = 1;
  p.solver = EV_PCA_AUTO;
  p.scale = 0;
  ASSERT_OK(ev_pca_fit(x, &p, &pca, &err), &err);
  ASSERT_NEAR(pca->explained_variance[0], 7.0 / 3.0, 1e-5);
  ev_pca_free(pca);
  ev_matrix_free(x);
}

TEST(normalizations) {
  ev_error err = {0};
  float data[12] = {1, 10, 0, 2, 20, 0, 3, 30, 0, 6, 60, 0};
  ev_matrix *x = NULL, *y = NULL;
  ASSERT_OK(ev_matrix_wrap(data, 4, 3, 3, &x, &err), &err);
  ASSERT_OK(ev_matrix_normalized(x, EV_NORMALIZE_CENTER, 1, &y, &err), &err);
  ASSERT_NEAR(ev_matrix_row(y, 0)[0], -2.0, 1e-6);
  ASSERT_NEAR(ev_matrix_row(y, 3)[1], 30.0, 1e-5);
  ev_matrix_free(y);
  ASSERT_OK(ev_matrix_normalized(x, EV_NORMALIZE_STANDARDIZE, 1, &y, &err), &err);
  double s2 = 0;
  for (int i = 0; i < 4; i++) s2 += ev_matrix_row(y, i)[1] * ev_matrix_row(y, i)[1];
  ASSERT_NEAR(s2 / 4, 1.0, 1e-5);                 /* unit population variance */
  ASSERT_NEAR(ev_matrix_row(y, 2)[2], 0.0, 0.0);  /* constant column becomes 0 */
  ev_matrix_free(y);
  ASSERT_OK(ev_matrix_normalized(x, EV_NORMALIZE_SPHERIZE, 1, &y, &err), &err);
  for (int i = 0; i < 4; i++) {
    const float *r = ev_matrix_row(y, i);
    /* row 2 equals the mean: it stays the zero vector */
    ASSERT_NEAR(r[0] * r[0] + r[1] * r[1] + r[2] * r[2], i == 2 ? 0.0 : 1.0, 1e-5);
  }
  ev_matrix_free(y);
  /* input untouched */
  ASSERT_NEAR(data[0], 1.0, 0.0);
  ASSERT_NEAR(data[10], 60.0, 0.0);
  ASSERT_EQ(ev_normalize_parse("spherize"), EV_NORMALIZE_SPHERIZE);
  ASSERT_EQ(ev_normalize_parse("bogus"), -1);
  ev_matrix_free(x);
}

static int cancel_at_first_report(void *user, const char *stage, double f) {
  (void)stage;
  (void)f;
  ++*(int *)user;
  return 1;
}

TEST(progress_can_cancel) {
  ev_error err = {0};
  if (!load_mnist()) TEST_FAIL_("MNIST not readable");
  ev_pca_params p = ev_pca_params_default();
  p.n_components = 3;
  p.solver = EV_PCA_EIG;
  int calls = 0;
  p.progress.user = &calls;
  p.progress.fn = cancel_at_first_report;
  ev_pca *pca = NULL;
  ASSERT_ERR(ev_pca_fit(mnist, &p, &pca, &err), EV_ECANCELED, &err, "canceled");
  ASSERT_TRUE(pca == NULL);
  ASSERT_EQ(calls, 1);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"eig_matches_numpy", eig_matches_numpy},
      {"randomized_matches_numpy", randomized_matches_numpy},
      {"scaled_matches_numpy", scaled_matches_numpy},
      {"transform_matches_numpy", transform_matches_numpy},
      {"same_input_same_output", same_input_same_output},
      {"thread_count_does_not_change_eig", thread_count_does_not_change_eig},
      {"signs_are_deterministic", signs_are_deterministic},
      {"auto_picks_a_solver", auto_picks_a_solver},
      {"degenerate_inputs", degenerate_inputs},
      {"normalizations", normalizations},
      {"progress_can_cancel", progress_can_cancel},
  };
  int rc = test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
  ev_matrix_free(mnist);
  return rc;
}
