/* test_io_npy.c — the .npy reader against files written by numpy itself.
 *
 * Every dtype, C and Fortran order, both byte orders, 1-D to 4-D and format
 * versions 1 to 3 (tests/gen/make_fixtures.py) must give exactly numpy's own
 * float32 conversion; little-endian float32 C-order files are memory-mapped.
 */
#include <zlib.h>

#include "io_fixtures.h"

TEST(npy_every_dtype_matches_numpy) {
  static fx_entry e[256];
  int n = fx_manifest("npy", e, 256);
  ASSERT_TRUE(n >= 100);
  int n_mapped = 0, n_checked = 0;
  for (int k = 0; k < n; k++) {
    char rel[300], expect[300], why[256];
    snprintf(rel, sizeof rel, "npy/%s.npy", e[k].name);
    snprintf(expect, sizeof expect, "npy/%s.expect.f32", e[k].name);
    ev_error err = {0};
    ev_matrix *m = NULL;
    ev_source_info info;
    int rc = ev_npy_read(fx_path(rel), &m, &info, &err);
    if (rc != EV_OK) TEST_FAIL_("%s: %s (%s)", e[k].name, err.msg, ev_err_name(rc));
    int bad = fx_compare_file(m, fx_path(expect), e[k].n_rows, e[k].n_cols, why, sizeof why);
    int img_ok = m->image_h == e[k].image_h && m->image_w == e[k].image_w &&
                 m->image_c == e[k].image_c;
    int mapped = info.mapped;
    int fmt_ok = info.format == EV_FORMAT_NPY && !strcmp(info.dtype, e[k].dtype);
    ev_matrix_free(m);
    if (bad) TEST_FAIL_("%s: %s", e[k].name, why);
    if (!img_ok) TEST_FAIL_("%s: image shape differs from %d x %d x %d", e[k].name, e[k].image_h,
                            e[k].image_w, e[k].image_c);
    if (mapped != e[k].mapped) TEST_FAIL_("%s: mapped %d, expected %d", e[k].name, mapped, e[k].mapped);
    if (!fmt_ok) TEST_FAIL_("%s: info says dtype '%s', expected '%s'", e[k].name, info.dtype, e[k].dtype);
    n_mapped += mapped;
    n_checked++;
  }
  ASSERT_EQ(n_checked, n);
  ASSERT_TRUE(n_mapped >= 6);
}

/* The 64-bit integer cases that must round once, straight to float32. */
TEST(npy_int64_rounds_like_numpy) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_npy_read(fx_path("npy/i8_2d_C_le.npy"), &m, NULL, &err), &err);
  /* element 3 is 2**60 + 2**36 + 1: float32 rounds it up to 2**60 + 2**37 */
  float want = 1152921642045800448.0f;
  float got = m->data[3];
  float big = m->data[0];
  ev_matrix_free(m);
  ASSERT_TRUE(got == want);
  ASSERT_TRUE(big == 9223372036854775808.0f);
  ASSERT_OK(ev_npy_read(fx_path("npy/u8_2d_F_be.npy"), &m, NULL, &err), &err);
  /* [0][0] is 2**64 - 1 whatever the storage order */
  got = m->data[0];
  ev_matrix_free(m);
  ASSERT_TRUE(got == 18446744073709551616.0f);
}

TEST(npy_mmap_float32_c_order) {
  ev_error err = {0};
  ev_matrix *m = NULL, *ref = NULL;
  ev_source_info info;
  const char *path = fx_path("mnist/mnist10k_f4.npy");
  ASSERT_OK(ev_npy_read(path, &m, &info, &err), &err);
  ASSERT_EQ(info.mapped, 1);
  ASSERT_EQ(m->n_rows, 10000);
  ASSERT_EQ(m->n_cols, 784);
  ASSERT_EQ(m->stride, 784);
  ASSERT_STR_EQ(info.dtype, "float32");
  ASSERT_CONTAINS(info.detail, "little-endian");
  ASSERT_OK(ev_idx_read(EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz", &ref, NULL, &err), &err);
  int same = fx_matrices_equal(m, ref);
  /* The map is private: writing to it never reaches the file. */
  float old = m->data[0];
  m->data[0] = 12345.0f;
  ev_matrix_free(m);
  ev_matrix_free(ref);
  ASSERT_TRUE(same);
  ASSERT_OK(ev_npy_read(path, &m, NULL, &err), &err);
  float again = m->data[0];
  ev_matrix_free(m);
  ASSERT_TRUE(again == old);
}

TEST(npy_image_shape_from_3d) {
  ev_error err = {0};
  ev_matrix *m = NULL, *ref = NULL;
  ev_source_info info;
  ASSERT_OK(ev_npy_read(fx_path("mnist/mnist10k_u8.npy"), &m, &info, &err), &err);
  ASSERT_EQ(info.mapped, 0);
  ASSERT_EQ(info.ndim, 3);
  ASSERT_EQ(info.shape[0], 10000);
  ASSERT_EQ(info.shape[1], 28);
  ASSERT_EQ(info.shape[2], 28);
  ASSERT_STR_EQ(info.dtype, "uint8");
  ASSERT_EQ(m->n_rows, 10000);
  ASSERT_EQ(m->n_cols, 784);
  ASSERT_EQ(m->image_h, 28);
  ASSERT_EQ(m->image_w, 28);
  ASSERT_EQ(m->image_c, 1);
  ASSERT_OK(ev_idx_read(EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz", &ref, NULL, &err), &err);
  int same = fx_matrices_equal(m, ref);
  ev_matrix_free(m);
  ev_matrix_free(ref);
  ASSERT_TRUE(same);
}

/* N x H x W x C stacks keep their image shape whether mapped or converted. */
TEST(npy_image_shape_from_4d) {
  const char *names[] = {"npy/f4_4d_C_le.npy", "npy/f4_4d_F_le.npy", "npy/u1_4d_C.npy"};
  for (int k = 0; k < 3; k++) {
    ev_error err = {0};
    ev_matrix *m = NULL;
    ev_source_info info;
    ASSERT_OK(ev_npy_read(fx_path(names[k]), &m, &info, &err), &err);
    int h = m->image_h, w = m->image_w, c = m->image_c;
    int64_t d = m->n_cols;
    ev_matrix_free(m);
    ASSERT_EQ(info.mapped, k == 0);
    ASSERT_EQ(d, 24);
    ASSERT_EQ(h, 4);
    ASSERT_EQ(w, 2);
    ASSERT_EQ(c, 3);
  }
}

TEST(npy_versions_2_and_3) {
  struct {
    const char *name;
    int mapped;
    int64_t n, d;
  } cases[] = {{"npy/f4_2d_C_le_v2.npy", 1, 37, 5},  {"npy/f4_3d_C_le_v3.npy", 1, 6, 12},
               {"npy/i2_2d_F_be_v2.npy", 0, 37, 5},  {"npy/f2_2d_C_be_v3.npy", 0, 37, 5},
               {"npy/u8_2d_C_le_v3.npy", 0, 37, 5},  {"npy/b1_3d_F_v2.npy", 0, 6, 12}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ev_error err = {0};
    ev_matrix *m = NULL;
    ev_source_info info;
    char head[8] = {0};
    FILE *f = fopen(fx_path(cases[k].name), "rb");
    ASSERT_TRUE(f != NULL);
    size_t got = fread(head, 1, 8, f);
    fclose(f);
    ASSERT_EQ(got, 8);
    ASSERT_EQ(head[6], cases[k].name[strlen(cases[k].name) - 5] - '0'); /* "_vN.npy" */
    ASSERT_OK(ev_npy_read(fx_path(cases[k].name), &m, &info, &err), &err);
    int64_t n = m->n_rows, d = m->n_cols;
    ev_matrix_free(m);
    ASSERT_EQ(info.mapped, cases[k].mapped);
    ASSERT_EQ(n, cases[k].n);
    ASSERT_EQ(d, cases[k].d);
  }
}

TEST(npy_info_detail) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_source_info info;
  ASSERT_OK(ev_npy_read(fx_path("npy/i8_2d_F_be.npy"), &m, &info, &err), &err);
  ev_matrix_free(m);
  ASSERT_EQ(info.format, EV_FORMAT_NPY);
  ASSERT_STR_EQ(info.dtype, "int64");
  ASSERT_CONTAINS(info.detail, "big-endian");
  ASSERT_CONTAINS(info.detail, "Fortran order");
  ASSERT_EQ(info.ndim, 2);
  ASSERT_EQ(info.shape[0], 37);
  ASSERT_EQ(info.shape[1], 5);
  ASSERT_EQ(info.mapped, 0);
}

TEST(npy_one_dimensional_is_one_column) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_npy_read(fx_path("mnist/mnist10k_labels.npy"), &m, NULL, &err), &err);
  int64_t n = m->n_rows, d = m->n_cols;
  float first = m->data[0], second = m->data[1], third = m->data[2];
  ev_matrix_free(m);
  ASSERT_EQ(n, 10000);
  ASSERT_EQ(d, 1);
  ASSERT_TRUE(first == 8.0f && second == 8.0f && third == 0.0f);
}

TEST(npy_empty_rows) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_npy_read(fx_path("npy/empty_rows.npy"), &m, NULL, &err), &err);
  int64_t n = m->n_rows, d = m->n_cols;
  ev_matrix_free(m);
  ASSERT_EQ(n, 0);
  ASSERT_EQ(d, 5);
}

TEST(npy_unreadable_arrays) {
  ev_error err;
  ev_matrix *m = NULL;
  ASSERT_ERR(ev_npy_read(fx_path("npy/scalar.npy"), &m, NULL, &err), EV_EFORMAT, &err, "scalar");
  ASSERT_CONTAINS(err.msg, "scalar.npy");
  ASSERT_TRUE(m == NULL);
  ASSERT_ERR(ev_npy_read(fx_path("npy/zero_cols.npy"), &m, NULL, &err), EV_EFORMAT, &err,
             "0 values");
  ASSERT_ERR(ev_npy_read(fx_path("npy/complex.npy"), &m, NULL, &err), EV_EUNSUPPORTED, &err,
             "'<c8'");
  ASSERT_ERR(ev_npy_read(fx_path("npy/record.npy"), &m, NULL, &err), EV_EUNSUPPORTED, &err,
             "structured");
  ASSERT_ERR(ev_npy_read(fx_path("npy/unicode.npy"), &m, NULL, &err), EV_EUNSUPPORTED, &err,
             "'<U2'");
  ASSERT_CONTAINS(err.msg, "unicode.npy");
  ASSERT_TRUE(m == NULL);
}

/* Headers as other writers might make them: double quotes, no trailing comma,
 * odd spacing, and data that do not start at a 4-byte boundary (then the
 * float32 values are copied instead of mapped). */
TEST(npy_hand_written_headers) {
  static const struct {
    const char *dict;
    int64_t n, d;
    int mapped;
  } cases[] = {
      {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}\n", 2, 3, 0},
      {"{'descr':'<f4','fortran_order':False,'shape':( 2 , 3 ) }    \n", 2, 3, 1},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n", 2, 3, 0}, /* Python 2's longs */
      {"{'shape': (3, 2), 'fortran_order': True, 'descr': '<f4'}\n", 3, 2, 0},
  };
  const float vals[6] = {1.5f, -2.0f, 3.25f, 0.0f, 1e30f, -7.0f};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    unsigned char buf[256];
    size_t dl = strlen(cases[k].dict);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    memcpy(buf + 10, cases[k].dict, dl - 1);
    /* pad with spaces: data aligned to 4 bytes exactly when it should be mapped */
    while ((10 + dl) % 4 != (cases[k].mapped ? 0u : 1u)) buf[10 + dl++ - 1] = ' ';
    buf[10 + dl - 1] = '\n';
    buf[8] = (unsigned char)dl;
    buf[9] = 0;
    memcpy(buf + 10 + dl, vals, sizeof vals);
    const char *p = test_write_file("npy_hand.npy", buf, 10 + dl + sizeof vals);
    ev_error err = {0};
    ev_matrix *m = NULL;
    ev_source_info info;
    ASSERT_OK(ev_npy_read(p, &m, &info, &err), &err);
    int64_t n = m->n_rows, d = m->n_cols;
    float got[6];
    for (int i = 0; i < 6; i++) got[i] = ev_matrix_row(m, i / d)[i % d];
    ev_matrix_free(m);
    ASSERT_EQ(n, cases[k].n);
    ASSERT_EQ(d, cases[k].d);
    ASSERT_EQ(info.mapped, cases[k].mapped);
    if (k < 3) {
      for (int i = 0; i < 6; i++) ASSERT_TRUE(got[i] == vals[i]);
    } else { /* Fortran order: element (i, j) is vals[i + 3 * j] */
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) ASSERT_TRUE(got[i * 2 + j] == vals[i + 3 * j]);
    }
  }
}

/* labels as a gzip-compressed .npy (np.save then gzip): read whole */
TEST(npy_gzip_labels) {
  unsigned char buf[128 + 5 * 4];
  const char *dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }";
  memset(buf, ' ', 128);
  memcpy(buf, "\x93NUMPY\x01\x00", 8);
  buf[8] = 128 - 10;
  buf[9] = 0;
  memcpy(buf + 10, dict, strlen(dict));
  buf[127] = '\n';
  const int32_t lab[5] = {3, 1, 4, 1, 5};
  memcpy(buf + 128, lab, sizeof lab);
  const char *p = test_out_path("labels.npy.gz");
  gzFile gz = gzopen(p, "wb");
  ASSERT_TRUE(gz != NULL);
  ASSERT_EQ(gzwrite(gz, buf, sizeof buf), (int)sizeof buf);
  ASSERT_EQ(gzclose(gz), Z_OK);
  ev_error err = {0};
  ev_table *t = NULL;
  ev_labels *l = NULL;
  ASSERT_OK(ev_labels_read(p, 5, &t, NULL, &err), &err);
  ASSERT_OK(ev_labels_from_column(t, 0, &l, &err), &err);
  ev_table_free(t);
  char got[16] = "";
  for (int i = 0; i < 5; i++) strcat(got, l->class_names[l->codes[i]]);
  ev_labels_free(l);
  ASSERT_STR_EQ(got, "31415");
}

TEST(npy_detect_and_load) {
  ev_error err = {0};
  ev_format f = EV_FORMAT_AUTO;
  ASSERT_OK(ev_format_detect(fx_path("npy/f8_2d_F_be.npy"), &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_NPY);
  ev_dataset *ds = NULL;
  ASSERT_OK(ev_dataset_load(fx_path("npy/f8_3d_C_le.npy"), NULL, &ds, NULL, &err), &err);
  int64_t n = ds->x->n_rows, d = ds->x->n_cols;
  int fmt = ds->source.format, has_meta = ds->meta != NULL;
  ev_dataset_free(ds);
  ASSERT_EQ(n, 6);
  ASSERT_EQ(d, 12);
  ASSERT_EQ(fmt, EV_FORMAT_NPY);
  ASSERT_EQ(has_meta, 0);
}

static const test_case tests[] = {
    {"npy_every_dtype_matches_numpy", npy_every_dtype_matches_numpy},
    {"npy_int64_rounds_like_numpy", npy_int64_rounds_like_numpy},
    {"npy_mmap_float32_c_order", npy_mmap_float32_c_order},
    {"npy_image_shape_from_3d", npy_image_shape_from_3d},
    {"npy_image_shape_from_4d", npy_image_shape_from_4d},
    {"npy_versions_2_and_3", npy_versions_2_and_3},
    {"npy_info_detail", npy_info_detail},
    {"npy_one_dimensional_is_one_column", npy_one_dimensional_is_one_column},
    {"npy_empty_rows", npy_empty_rows},
    {"npy_unreadable_arrays", npy_unreadable_arrays},
    {"npy_hand_written_headers", npy_hand_written_headers},
    {"npy_detect_and_load", npy_detect_and_load},
    {"npy_gzip_labels", npy_gzip_labels},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
