/* test_io_write.c — the writers (ev_npy_write, ev_tsv_write,
 * ev_table_write_tsv): round trips through our readers and through numpy,
 * refusal of directory targets, and atomicity: a failed write (file size
 * limit, allocation failure) leaves the previous file as it was and no
 * temporary file behind.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "core/internal.h"
#include "io_fixtures.h"

#define PYTHON "/usr/bin/python3"

/* Names of temporary files (".tmp.") left in EV_TEST_OUT by this binary's
 * targets (all named write_*); 0 when none. */
static int leftover_tmp(char *first, size_t first_len) {
  DIR *d = opendir(EV_TEST_OUT);
  int n = 0;
  if (!d) return 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!strncmp(e->d_name, "write_", 6) && strstr(e->d_name, ".tmp.")) {
      if (!n) snprintf(first, first_len, "%s", e->d_name);
      n++;
    }
  }
  closedir(d);
  return n;
}

#define ASSERT_NO_TMP()                                                   \
  do {                                                                    \
    char tmp_[256] = "";                                                  \
    int n_tmp_ = leftover_tmp(tmp_, sizeof tmp_);                         \
    if (n_tmp_) TEST_FAIL_("%d temporary file(s) left, e.g. %s", n_tmp_, tmp_); \
  } while (0)

/* 7 x 3 values with a row stride of 5, special values included. */
static float odd_values[7 * 5];
static ev_matrix *odd_matrix(void) {
  for (int i = 0; i < 7 * 5; i++) odd_values[i] = (float)(i * 1.37 - 20.0) / 3.0f;
  odd_values[0] = NAN;
  odd_values[1] = INFINITY;
  odd_values[2] = -INFINITY;
  odd_values[5] = -0.0f;
  odd_values[6] = 1e-45f;   /* smallest subnormal */
  odd_values[7] = 3.4028235e38f;
  odd_values[10] = 0.1f;
  ev_matrix *m = NULL;
  ev_error err;
  ev_matrix_wrap(odd_values, 7, 3, 5, &m, &err);
  return m;
}

TEST(write_npy_round_trip) {
  ev_error err = {0};
  ev_matrix *m = odd_matrix(), *back = NULL;
  ASSERT_TRUE(m != NULL);
  const char *path = test_out_path("write_odd.npy");
  ASSERT_OK(ev_npy_write(path, m, &err), &err);
  ev_source_info info;
  ASSERT_OK(ev_npy_read(path, &back, &info, &err), &err);
  int same = fx_matrices_equal(m, back);
  ev_matrix_free(back);
  ASSERT_TRUE(same);
  ASSERT_EQ(info.mapped, 1);
  /* numpy reads the same bits: compare with the raw values */
  float raw[21];
  for (int i = 0; i < 7; i++) memcpy(raw + 3 * i, ev_matrix_row(m, i), 12);
  ev_matrix_free(m);
  const char *raw_path = test_write_file("write_odd.f32", raw, sizeof raw);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           PYTHON " -c \"import sys, numpy as np; a = np.load(sys.argv[1]); "
           "b = np.fromfile(sys.argv[2], '<f4').reshape(7, 3); "
           "assert a.dtype == np.dtype('<f4') and a.shape == (7, 3), (a.dtype, a.shape); "
           "assert a.flags.c_contiguous and a.tobytes() == b.tobytes()\" '%s' '%s'",
           path, raw_path);
  ASSERT_EQ(test_system(cmd), 0);
  struct stat st;
  ASSERT_EQ(stat(path, &st), 0);
  ASSERT_EQ(st.st_mode & 0777, 0644);
  ASSERT_NO_TMP();
}

/* 10000 MNIST digits: written by us, read by numpy, equal to numpy's own file. */
TEST(write_npy_mnist_numpy_reads) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_idx_read(EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz", &m, NULL, &err), &err);
  const char *path = test_out_path("write_mnist.npy");
  int rc = ev_npy_write(path, m, &err);
  ev_matrix_free(m);
  ASSERT_OK(rc, &err);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           PYTHON " -c \"import sys, numpy as np; a = np.load(sys.argv[1]); "
           "b = np.load(sys.argv[2]); assert a.shape == (10000, 784) and a.dtype == b.dtype; "
           "assert np.array_equal(a, b)\" '%s' '%s'",
           path, fx_path("mnist/mnist10k_f4.npy"));
  ASSERT_EQ(test_system(cmd), 0);
  /* and the header is the one numpy would write (v1.0, 64-byte aligned data) */
  size_t len;
  char *b = test_read_file(path, &len);
  ASSERT_TRUE(b != NULL);
  unsigned hlen = (unsigned char)b[8] | ((unsigned char)b[9] << 8);
  int ok = !memcmp(b, "\x93NUMPY\x01\x00", 8) && (10 + hlen) % 64 == 0 && b[9 + hlen] == '\n' &&
           len == 10 + hlen + 10000 * 784 * 4;
  free(b);
  ASSERT_TRUE(ok);
}

TEST(write_npy_zero_rows) {
  ev_error err = {0};
  ev_matrix *m = NULL, *back = NULL;
  ASSERT_OK(ev_matrix_new(0, 4, &m, &err), &err);
  const char *path = test_out_path("write_zero.npy");
  int rc = ev_npy_write(path, m, &err);
  ev_matrix_free(m);
  ASSERT_OK(rc, &err);
  ASSERT_OK(ev_npy_read(path, &back, NULL, &err), &err);
  int64_t n = back->n_rows, d = back->n_cols;
  ev_matrix_free(back);
  ASSERT_EQ(n, 0);
  ASSERT_EQ(d, 4);
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           PYTHON " -c \"import sys, numpy as np; assert np.load(sys.argv[1]).shape == (0, 4)\" '%s'",
           path);
  ASSERT_EQ(test_system(cmd), 0);
}

TEST(write_tsv_round_trip) {
  ev_error err = {0};
  ev_matrix *m = odd_matrix(), *back = NULL;
  const char *path = test_out_path("write_odd.tsv");
  ASSERT_OK(ev_tsv_write(path, m, &err), &err);
  ASSERT_OK(ev_text_tensor_read(path, NULL, &back, NULL, NULL, NULL, &err), &err);
  int same = fx_matrices_equal(m, back);
  ev_matrix_free(m);
  ev_matrix_free(back);
  ASSERT_TRUE(same);
  /* real data: the scaled MNIST floats, and numpy reads them back */
  ASSERT_OK(ev_npy_read(fx_path("mnist/mnist500_scaled.npy"), &m, NULL, &err), &err);
  path = test_out_path("write_scaled.tsv");
  int rc = ev_tsv_write(path, m, &err);
  if (rc == EV_OK) rc = ev_text_tensor_read(path, NULL, &back, NULL, NULL, NULL, &err);
  same = rc == EV_OK && fx_matrices_equal(m, back);
  ev_matrix_free(m);
  ev_matrix_free(back);
  ASSERT_OK(rc, &err);
  ASSERT_TRUE(same);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           PYTHON " -c \"import sys, numpy as np; a = np.loadtxt(sys.argv[1], delimiter='\\t', "
           "dtype=np.float32); b = np.load(sys.argv[2]); assert a.tobytes() == b.tobytes()\" '%s' '%s'",
           path, fx_path("mnist/mnist500_scaled.npy"));
  ASSERT_EQ(test_system(cmd), 0);
  ASSERT_NO_TMP();
}

TEST(write_table_round_trip) {
  ev_error err = {0};
  ev_table *t = NULL, *back = NULL;
  /* several columns: a header row */
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 500, &t, NULL, &err), &err);
  const char *path = test_out_path("write_meta.tsv");
  ASSERT_OK(ev_table_write_tsv(path, t, &err), &err);
  ASSERT_OK(ev_metadata_read(path, 500, &back, NULL, &err), &err);
  int same = ev_table_n_cols(back) == 3;
  for (int j = 0; same && j < 3; j++) {
    same = !strcmp(ev_table_col_name(t, j), ev_table_col_name(back, j));
    for (int64_t i = 0; same && i < 500; i++)
      same = !strcmp(ev_table_cell(t, i, j), ev_table_cell(back, i, j));
  }
  ev_table_free(t);
  ev_table_free(back);
  ASSERT_TRUE(same);
  /* one column: no header, so it reads back with exactly n rows */
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_label.tsv"), 500, &t, NULL, &err), &err);
  ASSERT_OK(ev_table_write_tsv(path, t, &err), &err);
  ev_notes notes = {0};
  ASSERT_OK(ev_metadata_read(path, 500, &back, &notes, &err), &err);
  same = ev_table_n_rows(back) == 500 && notes.n == 0;
  for (int64_t i = 0; same && i < 500; i++) same = !strcmp(ev_table_cell(t, i, 0), ev_table_cell(back, i, 0));
  ev_table_free(t);
  ev_table_free(back);
  ASSERT_TRUE(same);
  /* missing cells stay missing; TABs and newlines in values become spaces */
  ASSERT_OK(ev_table_new(3, &t, &err), &err);
  const char *a[3] = {"x", NULL, "a\tb"};
  const char *b[3] = {"1", "two\nlines", NULL};
  ASSERT_OK(ev_table_add_column(t, "first", a, &err), &err);
  ASSERT_OK(ev_table_add_column(t, "second", b, &err), &err);
  ASSERT_OK(ev_table_write_tsv(path, t, &err), &err);
  ev_table_free(t);
  char *text = test_read_file(path, NULL);
  ASSERT_TRUE(text != NULL);
  int text_ok = !strcmp(text, "first\tsecond\nx\t1\n\ttwo lines\na b\t\n");
  free(text);
  ASSERT_TRUE(text_ok);
  ASSERT_OK(ev_metadata_read(path, 3, &back, NULL, &err), &err);
  int missing = ev_table_cell(back, 1, 0) == NULL && ev_table_cell(back, 2, 1) == NULL;
  ev_table_free(back);
  ASSERT_TRUE(missing);
  /* a table without columns cannot be written */
  ASSERT_OK(ev_table_new(3, &t, &err), &err);
  ASSERT_ERR(ev_table_write_tsv(path, t, &err), EV_EINVAL, &err, "no columns");
  ev_table_free(t);
  ASSERT_NO_TMP();
}

TEST(write_into_directory_fails) {
  ev_error err;
  ev_matrix *m = odd_matrix();
  ev_table *t = NULL;
  ev_table_new(7, &t, &err);
  const char *col[7] = {"a", "b", "c", "d", "e", "f", "g"};
  ev_table_add_column(t, "c", col, &err);
  const char *dir = EV_TEST_OUT;
  ASSERT_ERR(ev_npy_write(dir, m, &err), EV_EINVAL, &err, "is a directory");
  ASSERT_CONTAINS(err.msg, dir);
  ASSERT_ERR(ev_tsv_write(dir, m, &err), EV_EINVAL, &err, "is a directory");
  ASSERT_ERR(ev_table_write_tsv(dir, t, &err), EV_EINVAL, &err, "is a directory");
  const char *nodir = EV_TEST_OUT "/no-such-dir/write_x.npy";
  ASSERT_ERR(ev_npy_write(nodir, m, &err), EV_EIO, &err, "cannot create a file there");
  ASSERT_CONTAINS(err.msg, nodir);
  ev_matrix_free(m);
  ev_table_free(t);
  ASSERT_NO_TMP();
}

/* The bytes of a file, to check it is untouched. */
static int same_bytes(const char *path, const char *want, size_t want_len) {
  size_t len;
  char *b = test_read_file(path, &len);
  int same = b && len == want_len && !memcmp(b, want, len);
  free(b);
  return same;
}

/* Writes that fail when the file grows past a size limit (EFBIG) leave the
 * previous file in place and remove their temporary file. */
TEST(write_failure_keeps_previous_file) {
  ev_error err = {0};
  ev_matrix *small = odd_matrix(), *big = NULL;
  ASSERT_OK(ev_matrix_new(300, 300, &big, &err), &err);
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 500, &t, NULL, &err), &err);
  const char *npy = test_out_path("write_keep.npy"), *tsv = test_out_path("write_keep.tsv"),
             *meta = test_out_path("write_keep_meta.tsv");
  ASSERT_OK(ev_npy_write(npy, small, &err), &err);
  ASSERT_OK(ev_tsv_write(tsv, small, &err), &err);
  ev_table *t1 = NULL;
  ev_table_new(7, &t1, &err);
  const char *col[7] = {"a", "b", "c", "d", "e", "f", "g"};
  ev_table_add_column(t1, "c", col, &err);
  ASSERT_OK(ev_table_write_tsv(meta, t1, &err), &err);
  ev_table_free(t1);
  size_t l_npy, l_tsv, l_meta;
  char *b_npy = test_read_file(npy, &l_npy), *b_tsv = test_read_file(tsv, &l_tsv),
       *b_meta = test_read_file(meta, &l_meta);
  ASSERT_TRUE(b_npy && b_tsv && b_meta);

  struct rlimit old, lim;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  lim = old;
  lim.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
  ev_error e1, e2, e3;
  int rc1 = ev_npy_write(npy, big, &e1);
  int rc2 = ev_tsv_write(tsv, big, &e2);
  int rc3 = ev_table_write_tsv(meta, t, &e3);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);

  int kept = same_bytes(npy, b_npy, l_npy) && same_bytes(tsv, b_tsv, l_tsv) &&
             same_bytes(meta, b_meta, l_meta);
  free(b_npy);
  free(b_tsv);
  free(b_meta);
  ev_matrix_free(small);
  ev_matrix_free(big);
  ev_table_free(t);
  ASSERT_EQ(rc1, EV_EIO);
  ASSERT_EQ(rc2, EV_EIO);
  ASSERT_EQ(rc3, EV_EIO);
  ASSERT_CONTAINS(e1.msg, "npy");
  ASSERT_CONTAINS(e1.msg, "File too large");
  ASSERT_CONTAINS(e3.msg, "tsv");
  ASSERT_TRUE(kept);
  ASSERT_NO_TMP();
}

/* Allocation failures inside the writers: an error, the old file intact. */
TEST(write_allocation_failures) {
  ev_error err = {0};
  ev_matrix *m = odd_matrix();
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 500, &t, NULL, &err), &err);
  const char *npy = test_out_path("write_fault.npy"), *meta = test_out_path("write_fault.tsv");
  ASSERT_OK(ev_npy_write(npy, m, &err), &err);
  ASSERT_OK(ev_table_write_tsv(meta, t, &err), &err);
  size_t l_npy, l_meta;
  char *b_npy = test_read_file(npy, &l_npy), *b_meta = test_read_file(meta, &l_meta);
  int n_failures = 0, bad = 0;
  for (int which = 0; which < 3; which++) {
    for (long k = 1; k < 100; k++) {
      ev__alloc_fail_at(k);
      int rc = which == 0 ? ev_npy_write(npy, m, &err)
               : which == 1 ? ev_tsv_write(npy, m, &err)
                            : ev_table_write_tsv(meta, t, &err);
      long count = ev__alloc_count();
      ev__alloc_fail_at(0);
      if (rc == EV_OK) {
        if (count >= k) bad++;
        break;
      }
      n_failures++;
      if (rc != EV_ENOMEM) bad++;
      if (!same_bytes(npy, b_npy, l_npy) || !same_bytes(meta, b_meta, l_meta)) bad++;
    }
    /* a successful tsv write replaced the .npy; put it back */
    if (which == 1) ASSERT_OK(ev_npy_write(npy, m, &err), &err);
  }
  free(b_npy);
  free(b_meta);
  ev_matrix_free(m);
  ev_table_free(t);
  ASSERT_EQ(bad, 0);
  ASSERT_TRUE(n_failures >= 3);
  ASSERT_NO_TMP();
}

TEST(write_same_file) {
  ev_error err = {0};
  ev_matrix *m = odd_matrix();
  const char *a = test_out_path("write_same.npy");
  int rc = ev_npy_write(a, m, &err);
  ev_matrix_free(m);
  ASSERT_OK(rc, &err);
  char other[1100];
  snprintf(other, sizeof other, "%s/../tests/out/./write_same.npy", EV_BINARY_DIR "/tests");
  ASSERT_EQ(ev_same_file(a, other), 1);
  ASSERT_EQ(ev_same_file(a, fx_path("npy/small_f4.npy")), 0);
  ASSERT_EQ(ev_same_file(a, EV_TEST_OUT "/write_missing.npy"), 0);
}

static const test_case tests[] = {
    {"write_npy_round_trip", write_npy_round_trip},
    {"write_npy_mnist_numpy_reads", write_npy_mnist_numpy_reads},
    {"write_npy_zero_rows", write_npy_zero_rows},
    {"write_tsv_round_trip", write_tsv_round_trip},
    {"write_table_round_trip", write_table_round_trip},
    {"write_into_directory_fails", write_into_directory_fails},
    {"write_failure_keeps_previous_file", write_failure_keeps_previous_file},
    {"write_allocation_failures", write_allocation_failures},
    {"write_same_file", write_same_file},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
