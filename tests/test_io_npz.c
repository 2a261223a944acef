/* test_io_npz.c — the .npz reader on archives written by np.savez (stored)
 * and np.savez_compressed (deflated): the matrix, 1-D arrays as metadata
 * columns with exact text, and the archives it must refuse.
 */
#include "io/npy.h"
#include "io/zip.h"
#include "io_fixtures.h"

/* basic.columns.tsv: header, then the text numpy gives each cell. */
static int check_columns(const ev_table *t, char *why, size_t why_len) {
  char *s = test_read_file(fx_path("npz/basic.columns.tsv"), NULL);
  if (!s) {
    snprintf(why, why_len, "cannot read basic.columns.tsv");
    return 1;
  }
  int bad = 0;
  int64_t row = -1;
  char *save = NULL;
  for (char *line = strtok_r(s, "\n", &save); line && !bad; line = strtok_r(NULL, "\n", &save), row++) {
    char *save2 = NULL;
    int j = 0;
    for (char *f = strtok_r(line, "\t", &save2); f; f = strtok_r(NULL, "\t", &save2), j++) {
      const char *got = row < 0 ? ev_table_col_name(t, j) : ev_table_cell(t, row, j);
      if (!got || strcmp(got, f) != 0) {
        snprintf(why, why_len, "row %lld, column %d: got '%s', expected '%s'", (long long)row, j,
                 got ? got : "(null)", f);
        bad = 1;
        break;
      }
    }
  }
  if (!bad && row != ev_table_n_rows(t)) {
    snprintf(why, why_len, "%lld rows, expected %lld", (long long)ev_table_n_rows(t), (long long)row);
    bad = 1;
  }
  free(s);
  return bad;
}

static void check_basic(const char *name, const char *method) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ev_source_info info;
  char why[256];
  ASSERT_OK(ev_npz_read(fx_path(name), &m, &cols, &info, &err), &err);
  int bad = fx_compare_file(m, fx_path("npz/basic.expect.f32"), 37, 5, why, sizeof why);
  ev_matrix_free(m);
  if (bad) {
    ev_table_free(cols);
    TEST_FAIL_("%s: %s", name, why);
  }
  ASSERT_TRUE(cols != NULL);
  int n_cols = ev_table_n_cols(cols);
  int numeric = ev_table_col_is_numeric(cols, 0) && ev_table_col_is_numeric(cols, 1) &&
                ev_table_col_is_numeric(cols, 3);
  bad = check_columns(cols, why, sizeof why);
  ev_table_free(cols);
  if (bad) TEST_FAIL_("%s: %s", name, why);
  ASSERT_EQ(n_cols, 4);
  ASSERT_TRUE(numeric);
  ASSERT_EQ(info.format, EV_FORMAT_NPZ);
  ASSERT_STR_EQ(info.dtype, "float32");
  ASSERT_CONTAINS(info.detail, "array 'x'");
  ASSERT_CONTAINS(info.detail, method);
  ASSERT_EQ(info.ndim, 2);
  ASSERT_EQ(info.shape[0], 37);
  ASSERT_EQ(info.shape[1], 5);
}

TEST(npz_stored) { check_basic("npz/basic_stored.npz", "stored"); }
TEST(npz_deflated) { check_basic("npz/basic_deflated.npz", "deflated"); }

TEST(npz_columns_not_wanted) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_npz_read(fx_path("npz/basic_deflated.npz"), &m, NULL, NULL, &err), &err);
  int64_t n = m->n_rows;
  ev_matrix_free(m);
  ASSERT_EQ(n, 37);
}

TEST(npz_two_matrices) {
  ev_error err;
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ASSERT_ERR(ev_npz_read(fx_path("npz/two_matrices.npz"), &m, &cols, NULL, &err), EV_EFORMAT,
             &err, "two_matrices.npz");
  ASSERT_CONTAINS(err.msg, "alpha (2d)");
  ASSERT_CONTAINS(err.msg, "beta (2d)");
  ASSERT_CONTAINS(err.msg, "gamma (1d)");
  ASSERT_TRUE(m == NULL && cols == NULL);
}

TEST(npz_length_mismatch) {
  ev_error err;
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ASSERT_ERR(ev_npz_read(fx_path("npz/mismatch.npz"), &m, &cols, NULL, &err), EV_EMISMATCH, &err,
             "mismatch.npz");
  ASSERT_CONTAINS(err.msg, "'y'");
  ASSERT_CONTAINS(err.msg, "36 values");
  ASSERT_CONTAINS(err.msg, "(37)");
  ASSERT_TRUE(m == NULL && cols == NULL);
}

TEST(npz_empty_archive) {
  ev_error err;
  ev_matrix *m = NULL;
  ASSERT_ERR(ev_npz_read(fx_path("npz/empty.npz"), &m, NULL, NULL, &err), EV_EFORMAT, &err,
             "empty archive");
  ASSERT_CONTAINS(err.msg, "empty.npz");
}

TEST(npz_only_1d) {
  ev_error err;
  ev_matrix *m = NULL;
  ASSERT_ERR(ev_npz_read(fx_path("npz/only_1d.npz"), &m, NULL, NULL, &err), EV_EFORMAT, &err,
             "y (1d)");
  ASSERT_CONTAINS(err.msg, "only_1d.npz");
}

TEST(npz_cube_image_shape) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ev_source_info info;
  char why[256];
  ASSERT_OK(ev_npz_read(fx_path("npz/cube_deflated.npz"), &m, &cols, &info, &err), &err);
  int bad = fx_compare_file(m, fx_path("npz/cube.expect.f32"), 10, 12, why, sizeof why);
  int h = m->image_h, w = m->image_w, c = m->image_c;
  ev_matrix_free(m);
  if (bad) TEST_FAIL_("%s", why);
  ASSERT_TRUE(cols == NULL);
  ASSERT_EQ(h, 4);
  ASSERT_EQ(w, 3);
  ASSERT_EQ(c, 1);
  ASSERT_STR_EQ(info.dtype, "float64");
  ASSERT_CONTAINS(info.detail, "array 'cube'");
}

/* The same 10000 MNIST digits from IDX and from both kinds of archive. */
TEST(npz_mnist) {
  ev_error err = {0};
  ev_matrix *ref = NULL, *a = NULL, *b = NULL;
  ev_table *ca = NULL, *cb = NULL;
  ASSERT_OK(ev_idx_read(EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz", &ref, NULL, &err), &err);
  ASSERT_OK(ev_npz_read(fx_path("mnist/mnist10k.npz"), &a, &ca, NULL, &err), &err);
  ASSERT_OK(ev_npz_read(fx_path("mnist/mnist10k_deflated.npz"), &b, &cb, NULL, &err), &err);
  int same = fx_matrices_equal(ref, a) && fx_matrices_equal(ref, b);
  int img_a = a->image_h, img_b = b->image_h;
  ev_matrix_free(ref);
  ev_matrix_free(a);
  ev_matrix_free(b);
  ASSERT_TRUE(same);
  ASSERT_EQ(img_a, 0);  /* stored as 10000 x 784 */
  ASSERT_EQ(img_b, 28); /* stored as 10000 x 28 x 28 */
  ev_labels *la = NULL, *lb = NULL;
  int col_a = ev_table_find_col(ca, "label"), col_b = ev_table_find_col(cb, "label");
  ASSERT_TRUE(col_a == 0 && col_b == 0);
  ASSERT_OK(ev_labels_from_column(ca, col_a, &la, &err), &err);
  ASSERT_OK(ev_labels_from_column(cb, col_b, &lb, &err), &err);
  ev_table_free(ca);
  ev_table_free(cb);
  int ok = la->n_classes == 10 && lb->n_classes == 10 && la->class_counts[0] == 1001 &&
           la->class_counts[5] == 863 && lb->class_counts[1] == 1127 && la->codes[0] == 8 &&
           lb->codes[7] == 9;
  ev_labels_free(la);
  ev_labels_free(lb);
  ASSERT_TRUE(ok);
}

TEST(npz_dataset_load) {
  ev_error err = {0};
  ev_format f;
  ASSERT_OK(ev_format_detect(fx_path("npz/basic_deflated.npz"), &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_NPZ);
  ASSERT_OK(ev_format_detect(fx_path("npz/empty.npz"), &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_NPZ);
  ev_load_options opts;
  ev_load_options_default(&opts);
  opts.labels_path = fx_path("mnist/mnist10k_labels.npy");
  ev_dataset *ds = NULL;
  ASSERT_OK(ev_dataset_load(fx_path("mnist/mnist10k.npz"), &opts, &ds, NULL, &err), &err);
  int n_cols = ev_table_n_cols(ds->meta);
  char n0[32] = "", n1[32] = "";
  snprintf(n0, sizeof n0, "%s", ev_table_col_name(ds->meta, 0));
  if (n_cols > 1) snprintf(n1, sizeof n1, "%s", ev_table_col_name(ds->meta, 1));
  int same = n_cols > 1 && !strcmp(ev_table_cell(ds->meta, 9999, 0), ev_table_cell(ds->meta, 9999, 1));
  ev_dataset_free(ds);
  ASSERT_EQ(n_cols, 2);
  ASSERT_STR_EQ(n0, "label");
  ASSERT_STR_EQ(n1, "label_2");
  ASSERT_TRUE(same);
}

/* Archives in the layout embview itself writes (src/io/zip.c: stored
 * members, zip64 end records and extra fields): readable by us and numpy. */
static const char *write_own_npz(const char *name, int with_text_member, ev_error *err) {
  static float x[6 * 3];
  static int64_t y[6];
  for (int i = 0; i < 18; i++) x[i] = (float)i * 0.25f - 2.0f;
  for (int i = 0; i < 6; i++) y[i] = (int64_t)i * 1000000007LL - 3;
  y[5] = (int64_t)1 << 62;
  char hx[256], hy[256];
  int64_t sx[2] = {6, 3}, sy[1] = {6};
  size_t lx = ev__npy_header(hx, sizeof hx, "<f4", sx, 2);
  size_t ly = ev__npy_header(hy, sizeof hy, "<i8", sy, 1);
  const char *path = test_out_path(name);
  FILE *fp = fopen(path, "wb");
  if (!fp) return NULL;
  ev__zip_writer w = {0};
  w.fp = fp;
  int rc = ev__zip_write_member(&w, "x.npy", hx, lx, x, sizeof x, err);
  if (!rc) rc = ev__zip_write_member(&w, "y.npy", hy, ly, y, sizeof y, err);
  if (!rc && with_text_member) rc = ev__zip_write_member(&w, "readme.txt", "hello", 5, NULL, 0, err);
  if (!rc) rc = ev__zip_write_end(&w, err);
  fclose(fp);
  return rc ? NULL : path;
}

TEST(npz_own_zip64_layout) {
  ev_error err = {0};
  const char *path = write_own_npz("npz_own.npz", 0, &err);
  ASSERT_TRUE(path != NULL);
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ASSERT_OK(ev_npz_read(path, &m, &cols, NULL, &err), &err);
  int64_t n = m->n_rows, d = m->n_cols;
  float last = m->data[17];
  ev_matrix_free(m);
  char y0[32], y5[32];
  snprintf(y0, sizeof y0, "%s", ev_table_cell(cols, 0, 0));
  snprintf(y5, sizeof y5, "%s", ev_table_cell(cols, 5, 0));
  ev_table_free(cols);
  ASSERT_EQ(n, 6);
  ASSERT_EQ(d, 3);
  ASSERT_TRUE(last == 2.25f);
  ASSERT_STR_EQ(y0, "-3");
  ASSERT_STR_EQ(y5, "4611686018427387904");
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c \"import sys, numpy as np; z = np.load(sys.argv[1]); "
           "assert sorted(z.files) == ['x', 'y']; assert z['x'].shape == (6, 3) and z['x'][5, 2] == 2.25; "
           "assert z['y'][5] == 2**62\" '%s'",
           path);
  ASSERT_EQ(test_system(cmd), 0);
  /* a member that is not an .npy is named in the error */
  path = write_own_npz("npz_own_text.npz", 1, &err);
  ASSERT_TRUE(path != NULL);
  ASSERT_ERR(ev_npz_read(path, &m, &cols, NULL, &err), EV_EFORMAT, &err, "[readme.txt]: not a .npy file");
  ASSERT_CONTAINS(err.msg, "npz_own_text.npz");
}

static const test_case tests[] = {
    {"npz_own_zip64_layout", npz_own_zip64_layout},
    {"npz_stored", npz_stored},
    {"npz_deflated", npz_deflated},
    {"npz_columns_not_wanted", npz_columns_not_wanted},
    {"npz_two_matrices", npz_two_matrices},
    {"npz_length_mismatch", npz_length_mismatch},
    {"npz_empty_archive", npz_empty_archive},
    {"npz_only_1d", npz_only_1d},
    {"npz_cube_image_shape", npz_cube_image_shape},
    {"npz_mnist", npz_mnist},
    {"npz_dataset_load", npz_dataset_load},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
