/* test_io_idx.c — the IDX reader on MNIST (the repository's 10k subset, raw
 * and gzip), on big-endian files of every IDX type written with numpy, and on
 * Fashion-MNIST when the system has it.
 *
 * MNIST-10k facts (data/README.md, checked with numpy): 10000 images of
 * 28 x 28, labels begin 8 8 0 8 4 6 5 9 1 0 9 3 0 8 4 1 3 0 8 0, per-class
 * counts 1001 1127 991 1032 980 863 1014 1070 944 978; pixel sum 262146600,
 * sum weighted by (flat index % 997) 130523803816, 1502215 non-zero pixels.
 */
#include "io_fixtures.h"

#define MNIST_IMAGES EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz"
#define MNIST_LABELS EV_REPO_DATA "/mnist10k-labels-idx1-ubyte.gz"
#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

static const int mnist_first20[20] = {8, 8, 0, 8, 4, 6, 5, 9, 1, 0, 9, 3, 0, 8, 4, 1, 3, 0, 8, 0};
static const long long mnist_counts[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};

/* The checksums numpy wrote into mnist/expect.txt. */
static int read_expect(long long *sum, long long *weighted, long long *nonzero) {
  char *s = test_read_file(fx_path("mnist/expect.txt"), NULL);
  if (!s) return 0;
  int ok = sscanf(s, "sum %lld\nweighted %lld\nnonzero %lld", sum, weighted, nonzero) == 3;
  free(s);
  return ok;
}

TEST(idx_mnist_gz) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_source_info info;
  ASSERT_OK(ev_idx_read(MNIST_IMAGES, &m, &info, &err), &err);
  long long sum, weighted, nonzero;
  fx_checksums(m, &sum, &weighted, &nonzero);
  int64_t n = m->n_rows, d = m->n_cols;
  int h = m->image_h, w = m->image_w, c = m->image_c;
  ev_matrix_free(m);
  ASSERT_EQ(n, 10000);
  ASSERT_EQ(d, 784);
  ASSERT_EQ(h, 28);
  ASSERT_EQ(w, 28);
  ASSERT_EQ(c, 1);
  ASSERT_EQ(info.format, EV_FORMAT_IDX);
  ASSERT_STR_EQ(info.dtype, "uint8");
  ASSERT_CONTAINS(info.detail, "gzip");
  ASSERT_EQ(info.ndim, 3);
  ASSERT_EQ(info.shape[0], 10000);
  ASSERT_EQ(info.shape[1], 28);
  ASSERT_EQ(info.shape[2], 28);
  ASSERT_EQ(info.mapped, 0);
  ASSERT_EQ(sum, 262146600LL);
  ASSERT_EQ(weighted, 130523803816LL);
  ASSERT_EQ(nonzero, 1502215LL);
  long long s2, w2, nz2;
  ASSERT_TRUE(read_expect(&s2, &w2, &nz2));
  ASSERT_EQ(sum, s2);
  ASSERT_EQ(weighted, w2);
  ASSERT_EQ(nonzero, nz2);
}

TEST(idx_mnist_raw_equals_gz) {
  ev_error err = {0};
  ev_matrix *raw = NULL, *gz = NULL;
  ev_source_info info;
  ASSERT_OK(ev_idx_read(fx_path("mnist/mnist10k-images-idx3-ubyte"), &raw, &info, &err), &err);
  ASSERT_OK(ev_idx_read(MNIST_IMAGES, &gz, NULL, &err), &err);
  int same = fx_matrices_equal(raw, gz);
  int h = raw->image_h;
  ev_matrix_free(raw);
  ev_matrix_free(gz);
  ASSERT_TRUE(same);
  ASSERT_EQ(h, 28);
  ASSERT_TRUE(strstr(info.detail, "gzip") == NULL);
}

TEST(idx_mnist_labels) {
  const char *paths[2] = {MNIST_LABELS, NULL};
  paths[1] = fx_path("mnist/mnist10k-labels-idx1-ubyte");
  for (int k = 0; k < 2; k++) {
    ev_error err = {0};
    ev_matrix *m = NULL;
    ev_source_info info;
    ASSERT_OK(ev_idx_read(paths[k], &m, &info, &err), &err);
    int first[20];
    long long counts[10] = {0};
    int bad = 0;
    for (int i = 0; i < 20; i++) first[i] = (int)m->data[i];
    for (int64_t i = 0; i < m->n_rows; i++) {
      int v = (int)m->data[i];
      if (v < 0 || v > 9) bad++;
      else counts[v]++;
    }
    int64_t n = m->n_rows, d = m->n_cols;
    ev_matrix_free(m);
    ASSERT_EQ(n, 10000);
    ASSERT_EQ(d, 1);
    ASSERT_EQ(info.ndim, 1);
    ASSERT_EQ(bad, 0);
    for (int i = 0; i < 20; i++) ASSERT_EQ(first[i], mnist_first20[i]);
    for (int c = 0; c < 10; c++) ASSERT_EQ(counts[c], mnist_counts[c]);
  }
}

TEST(idx_mnist_labels_as_classes) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  ev_labels *l = NULL;
  ASSERT_OK(ev_labels_read(MNIST_LABELS, 10000, &t, &notes, &err), &err);
  ASSERT_EQ(ev_table_n_cols(t), 1);
  ASSERT_STR_EQ(ev_table_col_name(t, 0), "label");
  ASSERT_TRUE(ev_table_col_is_numeric(t, 0));
  ASSERT_STR_EQ(ev_table_cell(t, 7, 0), "9");
  ASSERT_OK(ev_labels_from_column(t, 0, &l, &err), &err);
  ev_table_free(t);
  int32_t k = l->n_classes;
  long long counts[10];
  char names[10][4];
  for (int c = 0; c < 10 && c < k; c++) {
    counts[c] = l->class_counts[c];
    snprintf(names[c], sizeof names[c], "%s", l->class_names[c]);
  }
  int codes_ok = 1;
  for (int i = 0; i < 20; i++) codes_ok &= l->codes[i] == mnist_first20[i];
  long long missing = l->n_missing;
  ev_labels_free(l);
  ASSERT_EQ(k, 10);
  ASSERT_EQ(missing, 0);
  ASSERT_TRUE(codes_ok);
  for (int c = 0; c < 10; c++) {
    char want[4];
    snprintf(want, sizeof want, "%d", c);
    ASSERT_STR_EQ(names[c], want);
    ASSERT_EQ(counts[c], mnist_counts[c]);
  }
}

TEST(idx_every_type_matches_numpy) {
  static fx_entry e[64];
  int n = fx_manifest("idx", e, 64);
  ASSERT_EQ(n, 36);
  for (int k = 0; k < n; k++) {
    char rel[300], expect[300], why[256], base[128];
    snprintf(rel, sizeof rel, "idx/%.127s", e[k].name);
    snprintf(base, sizeof base, "%.120s", e[k].name);
    *strchr(base, '.') = '\0';
    snprintf(expect, sizeof expect, "idx/%s.expect.f32", base);
    ev_error err = {0};
    ev_matrix *m = NULL;
    ev_source_info info;
    int rc = ev_idx_read(fx_path(rel), &m, &info, &err);
    if (rc != EV_OK) TEST_FAIL_("%s: %s (%s)", e[k].name, err.msg, ev_err_name(rc));
    int bad = fx_compare_file(m, fx_path(expect), e[k].n_rows, e[k].n_cols, why, sizeof why);
    int img_ok = m->image_h == e[k].image_h && m->image_w == e[k].image_w &&
                 m->image_c == e[k].image_c;
    ev_matrix_free(m);
    if (bad) TEST_FAIL_("%s: %s", e[k].name, why);
    if (!img_ok) TEST_FAIL_("%s: image shape", e[k].name);
    if (strcmp(info.dtype, e[k].dtype) != 0)
      TEST_FAIL_("%s: dtype '%s', expected '%s'", e[k].name, info.dtype, e[k].dtype);
    int gz = strstr(e[k].name, ".gz") != NULL;
    if (gz != (strstr(info.detail, "gzip") != NULL))
      TEST_FAIL_("%s: detail '%s'", e[k].name, info.detail);
    if (strcmp(info.dtype, "uint8") && strcmp(info.dtype, "int8") && !strstr(info.detail, "big-endian"))
      TEST_FAIL_("%s: detail '%s' should say big-endian", e[k].name, info.detail);
  }
}

TEST(idx_detect_and_load_with_labels) {
  ev_error err = {0};
  ev_format f = EV_FORMAT_AUTO;
  ASSERT_OK(ev_format_detect(MNIST_IMAGES, &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_IDX);
  ASSERT_OK(ev_format_detect(fx_path("idx/double_2d.idx"), &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_IDX);
  ev_load_options opts = ev_load_options_default();
  opts.labels_path = MNIST_LABELS;
  ev_dataset *ds = NULL;
  ASSERT_OK(ev_dataset_load(MNIST_IMAGES, &opts, &ds, NULL, &err), &err);
  int64_t n = ds->x->n_rows;
  int n_cols = ev_table_n_cols(ds->meta);
  char first[8];
  snprintf(first, sizeof first, "%s", ev_table_cell(ds->meta, 0, 0));
  ev_dataset_free(ds);
  ASSERT_EQ(n, 10000);
  ASSERT_EQ(n_cols, 1);
  ASSERT_STR_EQ(first, "8");
  /* 500 labels for 10000 images */
  opts.labels_path = fx_path("mnist/mnist500-labels-idx1-ubyte");
  ASSERT_ERR(ev_dataset_load(MNIST_IMAGES, &opts, &ds, NULL, &err), EV_EMISMATCH, &err,
             "500 labels for 10000 points");
  ASSERT_CONTAINS(err.msg, "mnist500-labels-idx1-ubyte");
  ASSERT_TRUE(ds == NULL);
}

/* Fashion-MNIST (Zalando, MIT): 60000 + 10000 images, 6000 / 1000 per class. */
static void check_fashion(const char *images, const char *labels, int64_t n, long long sum,
                          long long weighted, const int *first10) {
  char pi[512], pl[512];
  snprintf(pi, sizeof pi, "%s/%s", FASHION_DIR, images);
  snprintf(pl, sizeof pl, "%s/%s", FASHION_DIR, labels);
  if (!test_file_exists(pi) || !test_file_exists(pl)) TEST_SKIP("Fashion-MNIST is not installed");
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_idx_read(pi, &m, NULL, &err), &err);
  long long s, w, nz;
  fx_checksums(m, &s, &w, &nz);
  int64_t rows = m->n_rows, d = m->n_cols;
  int h = m->image_h, wd = m->image_w;
  ev_matrix_free(m);
  ASSERT_EQ(rows, n);
  ASSERT_EQ(d, 784);
  ASSERT_EQ(h, 28);
  ASSERT_EQ(wd, 28);
  ASSERT_EQ(s, sum);
  ASSERT_EQ(w, weighted);
  ev_table *t = NULL;
  ev_labels *l = NULL;
  ASSERT_OK(ev_labels_read(pl, n, &t, NULL, &err), &err);
  ASSERT_OK(ev_labels_from_column(t, 0, &l, &err), &err);
  ev_table_free(t);
  int ok = l->n_classes == 10;
  for (int c = 0; ok && c < 10; c++) ok = l->class_counts[c] == n / 10;
  for (int i = 0; ok && i < 10; i++) ok = l->codes[i] == first10[i];
  ev_labels_free(l);
  ASSERT_TRUE(ok);
}

TEST(idx_fashion_mnist_train) {
  static const int first10[10] = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
  check_fashion("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60000, 3431114169LL,
                1708901694491LL, first10);
}

TEST(idx_fashion_mnist_t10k) {
  static const int first10[10] = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
  check_fashion("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000, 573469082LL,
                286034809707LL, first10);
}

static const test_case tests[] = {
    {"idx_mnist_gz", idx_mnist_gz},
    {"idx_mnist_raw_equals_gz", idx_mnist_raw_equals_gz},
    {"idx_mnist_labels", idx_mnist_labels},
    {"idx_mnist_labels_as_classes", idx_mnist_labels_as_classes},
    {"idx_every_type_matches_numpy", idx_every_type_matches_numpy},
    {"idx_detect_and_load_with_labels", idx_detect_and_load_with_labels},
    {"idx_fashion_mnist_train", idx_fashion_mnist_train},
    {"idx_fashion_mnist_t10k", idx_fashion_mnist_t10k},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
