/* test_io_npz.c — the .npz reader on archives written by np.savez (stored)
 * and np.savez_compressed (deflated): the matrix, 1-D arrays as metadata
 * columns with exact text, and the archives it must refuse.
 */
#include <zlib.h>

#include "core/internal.h"
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
  ev_load_options opts = ev_load_options_default();
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

/* ---- hostile archives (issue #13) ---- */

typedef struct zbuf {
  unsigned char *p;
  size_t len, cap;
} zbuf;

static void zput(zbuf *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
}
static void zput16(zbuf *b, unsigned v) {
  unsigned char t[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  zput(b, t, 2);
}
static void zput32(zbuf *b, uint32_t v) {
  zput16(b, v & 0xffff);
  zput16(b, v >> 16);
}

typedef struct zmember {
  const char *name;
  unsigned char *data; /* an .npy image (malloc'd) */
  size_t len;
  int deflate;
} zmember;

/* An .npy image of `descr` and `shape` whose data are all `fill` bytes. */
static unsigned char *npy_image(const char *descr, const int64_t *shape, int ndim, size_t item,
                                unsigned char fill, size_t *len) {
  char h[256];
  size_t n = 1;
  for (int i = 0; i < ndim; i++) n *= (size_t)shape[i];
  size_t hl = ev__npy_header(h, sizeof h, descr, shape, ndim);
  unsigned char *b = malloc(hl + n * item);
  memcpy(b, h, hl);
  memset(b + hl, fill, n * item);
  *len = hl + n * item;
  return b;
}

/* A zip of the members, written as Python's zipfile would (no zip64), whose
 * central directory has n_entries entries: entry k names member of[k] under
 * the name names[k] (NULL: the member's), so entries may repeat a member. */
static const char *write_zip(const char *out, const zmember *m, int n_m, const int *of,
                             const char *const *names, int n_entries) {
  zbuf b = {0}, cd = {0};
  uint32_t *off = calloc((size_t)n_m, sizeof *off), *crc = calloc((size_t)n_m, sizeof *crc);
  size_t *clen = calloc((size_t)n_m, sizeof *clen);
  for (int i = 0; i < n_m; i++) {
    unsigned char *data = m[i].data;
    size_t dl = m[i].len;
    unsigned char *z = NULL;
    if (m[i].deflate) {
      z_stream zs;
      memset(&zs, 0, sizeof zs);
      deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
      z = malloc(deflateBound(&zs, dl));
      zs.next_in = data;
      zs.avail_in = (uInt)dl;
      zs.next_out = z;
      zs.avail_out = (uInt)deflateBound(&zs, dl);
      deflate(&zs, Z_FINISH);
      dl = zs.total_out;
      deflateEnd(&zs);
      data = z;
    }
    off[i] = (uint32_t)b.len;
    crc[i] = (uint32_t)crc32(0, m[i].data, (uInt)m[i].len);
    clen[i] = dl;
    zput32(&b, 0x04034b50);
    zput16(&b, 20), zput16(&b, 0), zput16(&b, m[i].deflate ? 8 : 0), zput16(&b, 0), zput16(&b, 0x21);
    zput32(&b, crc[i]), zput32(&b, (uint32_t)dl), zput32(&b, (uint32_t)m[i].len);
    zput16(&b, (unsigned)strlen(m[i].name)), zput16(&b, 0);
    zput(&b, m[i].name, strlen(m[i].name));
    zput(&b, data, dl);
    free(z);
  }
  for (int k = 0; k < n_entries; k++) {
    int i = of[k];
    const char *name = names && names[k] ? names[k] : m[i].name;
    zput32(&cd, 0x02014b50);
    zput16(&cd, 20), zput16(&cd, 20), zput16(&cd, 0), zput16(&cd, m[i].deflate ? 8 : 0);
    zput16(&cd, 0), zput16(&cd, 0x21);
    zput32(&cd, crc[i]), zput32(&cd, (uint32_t)clen[i]), zput32(&cd, (uint32_t)m[i].len);
    zput16(&cd, (unsigned)strlen(name)), zput16(&cd, 0), zput16(&cd, 0), zput16(&cd, 0), zput16(&cd, 0);
    zput32(&cd, 0), zput32(&cd, off[i]);
    zput(&cd, name, strlen(name));
  }
  uint32_t cd_off = (uint32_t)b.len;
  zput(&b, cd.p, cd.len);
  zput32(&b, 0x06054b50);
  zput16(&b, 0), zput16(&b, 0), zput16(&b, (unsigned)n_entries), zput16(&b, (unsigned)n_entries);
  zput32(&b, (uint32_t)cd.len), zput32(&b, cd_off), zput16(&b, 0);
  const char *path = test_write_file(out, b.p, b.len);
  free(b.p);
  free(cd.p);
  free(off);
  free(crc);
  free(clen);
  return path;
}

/* 200 central-directory entries naming one 4 MB deflated member: a 13 KB
 * file.  Before: every entry was inflated and kept before one was chosen
 * (800 MB here; 12.8 GB for 200 x 64 MB).  Now overlapping entries are
 * refused as CPython's zipfile refuses them, before anything is inflated. */
TEST(npz_overlapping_members_refused) {
  int64_t shape[2] = {64, 16384};
  zmember m = {"x.npy", NULL, 0, 1};
  m.data = npy_image("<f4", shape, 2, 4, 0, &m.len);
  enum { N = 200 };
  int of[N];
  char names_buf[N][16];
  const char *names[N];
  for (int k = 0; k < N; k++) {
    of[k] = 0;
    snprintf(names_buf[k], sizeof names_buf[k], "x%d.npy", k);
    names[k] = names_buf[k];
  }
  const char *path = write_zip("npz_bomb.npz", &m, 1, of, names, N);
  free(m.data);
  ev_error err = {0};
  ev_matrix *x = NULL;
  ev_table *cols = NULL;
  ev__alloc_track(1);
  int rc = ev_npz_read(path, &x, &cols, NULL, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  ev_matrix_free(x);
  ev_table_free(cols);
  ASSERT_EQ(rc, EV_EFORMAT);
  ASSERT_CONTAINS(err.msg, "npz_bomb.npz");
  ASSERT_CONTAINS(err.msg, "overlap");
  ASSERT_TRUE(peak < ((int64_t)1 << 20));
  /* one entry of it is a good archive */
  m.data = npy_image("<f4", shape, 2, 4, 0, &m.len);
  path = write_zip("npz_bomb1.npz", &m, 1, of, NULL, 1);
  free(m.data);
  ASSERT_OK(ev_npz_read(path, &x, NULL, NULL, &err), &err);
  ev_matrix_free(x);
}

/* Members are inflated only when used, after the headers chose the matrix:
 * two 4 MB matrices are refused having inflated a few bytes of each; a
 * deflated float32 matrix inflates straight into the matrix. */
TEST(npz_members_read_lazily) {
  int64_t shape[2] = {256, 4096}, lshape[1] = {256};
  zmember m[3] = {{"a.npy", NULL, 0, 1}, {"b.npy", NULL, 0, 1}, {"lab.npy", NULL, 0, 1}};
  m[0].data = npy_image("<f4", shape, 2, 4, 0, &m[0].len);
  m[1].data = npy_image("<f4", shape, 2, 4, 0, &m[1].len);
  m[2].data = npy_image("<i8", lshape, 1, 8, 0, &m[2].len);
  int of[3] = {0, 1, 2}, of2[2] = {0, 1};
  const char *two = write_zip("npz_two_big.npz", m, 3, of, NULL, 3);
  ev_error err = {0};
  ev_matrix *x = NULL;
  ev_table *cols = NULL;
  ev__alloc_track(1);
  int rc = ev_npz_read(two, &x, &cols, NULL, &err);
  int64_t peak_refused = ev__alloc_peak();
  ev__alloc_track(0);
  ASSERT_EQ(rc, EV_EFORMAT);
  ASSERT_CONTAINS(err.msg, "several arrays");
  zmember one[2] = {m[0], m[2]};
  const char *good = write_zip("npz_one_big.npz", one, 2, of2, NULL, 2);
  ev__alloc_track(1);
  rc = ev_npz_read(good, &x, &cols, NULL, &err);
  int64_t peak_read = ev__alloc_peak();
  ev__alloc_track(0);
  for (int i = 0; i < 3; i++) free(m[i].data);
  if (rc) TEST_FAIL_("%s", err.msg);
  int64_t n = x->n_rows;
  ev_matrix_free(x);
  const char *cell = ev_table_cell(cols, 255, 0);
  int zero = cell && !strcmp(cell, "0");
  ev_table_free(cols);
  ASSERT_EQ(n, 256);
  ASSERT_TRUE(zero);
  int64_t matrix = 256 * 4096 * 4;
  ASSERT_TRUE(peak_refused < ((int64_t)1 << 20));
  ASSERT_TRUE(peak_read < matrix + ((int64_t)1 << 20));
}

/* A million uint8 labels beside the matrix: before, 32 bytes of text per
 * value, a pointer per value and then the table's own copies (about 60
 * bytes per label); now each value's own text and a 4-byte row index. */
TEST(npz_label_columns_compact) {
  enum { N = 1000000 };
  int64_t xs[2] = {N, 1}, ys[1] = {N};
  zmember m[2] = {{"x.npy", NULL, 0, 0}, {"y.npy", NULL, 0, 0}};
  m[0].data = npy_image("<f4", xs, 2, 4, 0, &m[0].len);
  m[1].data = npy_image("|u1", ys, 1, 1, 0, &m[1].len);
  size_t hl = m[1].len - N;
  for (size_t i = 0; i < N; i++) m[1].data[hl + i] = (unsigned char)(i % 251);
  int of[2] = {0, 1};
  const char *path = write_zip("npz_labels.npz", m, 2, of, NULL, 2);
  free(m[0].data);
  free(m[1].data);
  ev_error err = {0};
  ev_matrix *x = NULL;
  ev_table *cols = NULL;
  ev__alloc_track(1);
  int rc = ev_npz_read(path, &x, &cols, NULL, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  if (rc) TEST_FAIL_("%s", err.msg);
  ev_matrix_free(x);
  char c[8];
  snprintf(c, sizeof c, "%s", ev_table_cell(cols, 999999, 0));
  int numeric = ev_table_col_is_numeric(cols, 0);
  double v = ev_table_cell_number(cols, 250, 0);
  ev_table_free(cols);
  ASSERT_STR_EQ(c, "15"); /* 999999 % 251 */
  ASSERT_TRUE(numeric);
  ASSERT_TRUE(v == 250.0);
  /* the 4 MB matrix, then at most 4 bytes of text and 4 of index a label */
  ASSERT_TRUE(peak < (int64_t)N * 4 + (int64_t)N * 8 + ((int64_t)1 << 20));
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
    {"npz_overlapping_members_refused", npz_overlapping_members_refused},
    {"npz_members_read_lazily", npz_members_read_lazily},
    {"npz_label_columns_compact", npz_label_columns_compact},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
