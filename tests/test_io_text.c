/* test_io_text.c — TSV/CSV tensors: the first 500 MNIST digits as text in
 * every layout (must equal the IDX values), the standalone word-vector TSV
 * from ../shared, and the line rules: headers, text columns, ragged rows,
 * bad numbers, CRLF, blank lines and U+0085.
 */
#include <zlib.h>

#include "core/internal.h"
#include "io_fixtures.h"

#define VECS_TSV EV_SHARED_DIR "/fixtures/standalone-subword-vecs/vecs.tsv"

static const char *digit_names[10] = {"zero", "one", "two",   "three", "four",
                                      "five", "six", "seven", "eight", "nine"};

/* First 500 MNIST rows, as read from the repository's IDX file. */
static ev_matrix *mnist500(void) {
  ev_error err = {0};
  ev_matrix *m = NULL, *sub = NULL;
  if (ev_idx_read(EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz", &m, NULL, &err) != EV_OK)
    return NULL;
  ev_matrix_wrap(m->data, 500, 784, 784, &sub, &err);
  ev_matrix *copy = NULL;
  if (sub) ev_matrix_clone(sub, &copy, &err);
  ev_matrix_free(sub);
  ev_matrix_free(m);
  return copy;
}

static int first_labels[500];
static int load_first_labels(void) {
  ev_error err = {0};
  ev_matrix *l = NULL;
  if (ev_idx_read(EV_REPO_DATA "/mnist10k-labels-idx1-ubyte.gz", &l, NULL, &err) != EV_OK) return 0;
  for (int i = 0; i < 500; i++) first_labels[i] = (int)l->data[i];
  ev_matrix_free(l);
  return 1;
}

/* Read `rel` (a fixture) and compare with the first 500 MNIST rows; check the
 * text column (if any) holds the digit names. */
static void check_mnist_text(const char *rel, int format, const char *detail, const char *text_col) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_matrix *m = NULL, *ref = mnist500();
  ev_table *cols = NULL;
  ev_source_info info;
  ASSERT_TRUE(ref != NULL);
  ASSERT_TRUE(load_first_labels());
  int rc = ev_text_tensor_read(fx_path(rel), NULL, &m, &cols, &info, &notes, &err);
  if (rc != EV_OK) {
    ev_matrix_free(ref);
    TEST_FAIL_("%s: %s", rel, err.msg);
  }
  int same = fx_matrices_equal(m, ref);
  ev_matrix_free(m);
  ev_matrix_free(ref);
  int n_text = cols ? ev_table_n_cols(cols) : 0;
  int names_ok = 1;
  char col_name[64] = "";
  if (cols) {
    snprintf(col_name, sizeof col_name, "%s", ev_table_col_name(cols, 0));
    for (int i = 0; i < 500 && names_ok; i++) {
      const char *c = ev_table_cell(cols, i, 0);
      names_ok = c && !strcmp(c, digit_names[first_labels[i]]);
    }
  }
  ev_table_free(cols);
  ASSERT_TRUE(same);
  ASSERT_EQ(info.format, format);
  ASSERT_CONTAINS(info.detail, detail);
  ASSERT_EQ(info.shape[0], 500);
  ASSERT_EQ(notes.n, 0);
  if (text_col) {
    ASSERT_EQ(n_text, 1);
    ASSERT_STR_EQ(col_name, text_col);
    ASSERT_TRUE(names_ok);
    ASSERT_EQ(info.shape[1], 785);
  } else {
    ASSERT_EQ(n_text, 0);
    ASSERT_EQ(info.shape[1], 784);
  }
}

TEST(text_mnist_tsv_plain) { check_mnist_text("mnist/mnist500.tsv", EV_FORMAT_TSV, "no header row", NULL); }
TEST(text_mnist_tsv_header_label_last) {
  check_mnist_text("mnist/mnist500_header.tsv", EV_FORMAT_TSV, "header row", "name");
}
TEST(text_mnist_csv_header_label_first) {
  check_mnist_text("mnist/mnist500_header.csv", EV_FORMAT_CSV, "comma-separated, header row", "name");
}
TEST(text_mnist_csv_no_header) {
  check_mnist_text("mnist/mnist500_noheader.csv", EV_FORMAT_CSV, "no header row", "label");
}

/* %.9g text of float32 values reads back to the very same floats. */
TEST(text_scaled_floats_exact) {
  ev_error err = {0};
  ev_matrix *a = NULL, *b = NULL;
  ASSERT_OK(ev_text_tensor_read(fx_path("mnist/mnist500_scaled.tsv"), NULL, &a, NULL, NULL, NULL, &err), &err);
  ASSERT_OK(ev_npy_read(fx_path("mnist/mnist500_scaled.npy"), &b, NULL, &err), &err);
  int same = fx_matrices_equal(a, b);
  ev_matrix_free(a);
  ev_matrix_free(b);
  ASSERT_TRUE(same);
}

TEST(text_shared_word_vectors) {
  if (!test_file_exists(VECS_TSV)) TEST_SKIP("../shared fixtures are absent");
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_source_info info;
  ASSERT_OK(ev_text_tensor_read(VECS_TSV, NULL, &m, NULL, &info, NULL, &err), &err);
  int64_t n = m->n_rows, d = m->n_cols;
  float a = m->data[0], b = m->data[1], c = m->data[2];
  float last = ev_matrix_row(m, n - 1)[0];
  ev_matrix_free(m);
  ASSERT_EQ(n, 7928);
  ASSERT_EQ(d, 16);
  ASSERT_TRUE(a == 0.15633065f);
  ASSERT_TRUE(b == 0.14381538f);
  ASSERT_TRUE(c == -0.10570898f);
  ASSERT_TRUE(last == 0.18727927f);
  ASSERT_EQ(info.format, EV_FORMAT_TSV);
  ASSERT_CONTAINS(info.detail, "no header row");
  ev_format f;
  ASSERT_OK(ev_format_detect(VECS_TSV, &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_TSV);
}

/* Read `text` written to a file named `name`; returns the reader's code. */
static int read_text(const char *name, const char *text, const ev_text_options *opts,
                     ev_matrix **m, ev_table **cols, ev_notes *notes, ev_error *err) {
  const char *path = test_write_file(name, text, strlen(text));
  return ev_text_tensor_read(path, opts, m, cols, NULL, notes, err);
}

TEST(text_ragged_rows) {
  ev_error err;
  ev_matrix *m = NULL;
  ASSERT_ERR(read_text("text_ragged.tsv", "1\t2\t3\n4\t5\t6\n7\t8\n", NULL, &m, NULL, NULL, &err),
             EV_EFORMAT, &err, "line 3: expected 3 fields, got 2");
  ASSERT_CONTAINS(err.msg, "text_ragged.tsv");
  ASSERT_TRUE(m == NULL);
  /* blank lines still count in the line numbers */
  ASSERT_ERR(read_text("text_ragged.csv", "1,2\n\n\n3,4,5\n", NULL, &m, NULL, NULL, &err),
             EV_EFORMAT, &err, "line 4: expected 2 fields, got 3");
  /* the header and the first data row disagree */
  ASSERT_ERR(read_text("text_ragged_header.csv", "a,b,c\n1,2\n", NULL, &m, NULL, NULL, &err),
             EV_EFORMAT, &err, "line 2: expected 3 fields (as in the header), got 2");
}

TEST(text_not_a_number) {
  ev_error err;
  ev_matrix *m = NULL;
  ASSERT_ERR(read_text("text_nan.tsv", "1\t2\t3\n4\t5x\t6\n", NULL, &m, NULL, NULL, &err),
             EV_EFORMAT, &err, "line 2, column 2: '5x' is not a number");
  ASSERT_CONTAINS(err.msg, "text_nan.tsv");
  ASSERT_ERR(read_text("text_nan.csv", "1,2\n3,4\n5,\n", NULL, &m, NULL, NULL, &err), EV_EFORMAT,
             &err, "line 3, column 2: empty value, expected a number");
  /* the first bad line in file order is the one named, however threads split the work */
  char *big = malloc(2000 * 8 + 64);
  size_t p = 0;
  for (int i = 0; i < 2000; i++) p += (size_t)sprintf(big + p, i == 1500 || i == 1900 ? "1,q\n" : "1,2\n");
  ASSERT_ERR(read_text("text_nan_late.csv", big, NULL, &m, NULL, NULL, &err), EV_EFORMAT, &err,
             "line 1501, column 2: 'q'");
  free(big);
}

TEST(text_nan_and_inf_are_numbers) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(read_text("text_inf.tsv", "nan\t1\ninf\t-inf\n 2.5 \t1e3\n", NULL, &m, NULL, NULL, &err), &err);
  int ok = isnan(m->data[0]) && isinf(m->data[2]) && m->data[3] < 0 && m->data[4] == 2.5f &&
           m->data[5] == 1000.0f;
  ev_matrix_free(m);
  ASSERT_TRUE(ok);
}

TEST(text_crlf) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ASSERT_OK(read_text("text_crlf.csv", "x,y,name\r\n1,2,cat\r\n3,4,dog\r\n", NULL, &m, &cols, &notes, &err), &err);
  int64_t n = m->n_rows, d = m->n_cols;
  float last = m->data[3];
  ev_matrix_free(m);
  char c1[16];
  snprintf(c1, sizeof c1, "%s", ev_table_cell(cols, 1, 0));
  ev_table_free(cols);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(d, 2);
  ASSERT_TRUE(last == 4.0f);
  ASSERT_STR_EQ(c1, "dog");
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "CRLF");
}

TEST(text_blank_lines_skipped) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  /* empty, spaces, TAB, NBSP (U+00A0) and U+3000 lines are blank for JavaScript */
  ASSERT_OK(read_text("text_blank.tsv", "\n1\t2\n   \n\t\n\xc2\xa0\n\xe3\x80\x80\n3\t4\n\n\n", NULL,
                      &m, NULL, NULL, &err), &err);
  int64_t n = m->n_rows;
  float v = m->data[2];
  ev_matrix_free(m);
  ASSERT_EQ(n, 2);
  ASSERT_TRUE(v == 3.0f);
  /* no final newline */
  ASSERT_OK(read_text("text_no_eol.tsv", "1\t2\n3\t4", NULL, &m, NULL, NULL, &err), &err);
  n = m->n_rows;
  ev_matrix_free(m);
  ASSERT_EQ(n, 2);
}

/* A UTF-8 byte order mark (Excel's "CSV UTF-8") is not part of the first field. */
TEST(text_byte_order_mark) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ASSERT_OK(read_text("text_bom.tsv", "\xef\xbb\xbf" "1\t2\n3\t4\n", NULL, &m, NULL, NULL, &err), &err);
  int64_t n = m->n_rows;
  float v = m->data[0];
  ev_matrix_free(m);
  ASSERT_EQ(n, 2); /* not 1 row under a "header" */
  ASSERT_TRUE(v == 1.0f);
  ASSERT_OK(read_text("text_bom.csv", "\xef\xbb\xbfname,x\na,1\n", NULL, &m, &cols, NULL, &err), &err);
  ev_matrix_free(m);
  char name[16];
  snprintf(name, sizeof name, "%s", ev_table_col_name(cols, 0));
  ev_table_free(cols);
  ASSERT_STR_EQ(name, "name");
}

TEST(text_u0085_is_data) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  /* A U+0085 line is not blank: as a vector it is an error ... */
  ASSERT_ERR(read_text("text_nel.tsv", "1\t2\n\xc2\x85\t3\n", NULL, &m, NULL, NULL, &err),
             EV_EFORMAT, &err, "line 2, column 1");
  ASSERT_ERR(read_text("text_nel2.tsv", "1\t2\n\xc2\x85\n3\t4\n", NULL, &m, NULL, NULL, &err),
             EV_EFORMAT, &err, "line 2: expected 2 fields, got 1");
  /* ... and as a label it is a value */
  ASSERT_OK(read_text("text_nel.csv", "a,1,2\nb,3,4\n\xc2\x85,5,6\n\xc2\x85 ,7,8\n", NULL, &m, &cols, NULL, &err), &err);
  int64_t n = m->n_rows;
  ev_matrix_free(m);
  char c2[8], c3[8];
  snprintf(c2, sizeof c2, "%s", ev_table_cell(cols, 2, 0));
  snprintf(c3, sizeof c3, "%s", ev_table_cell(cols, 3, 0));
  ev_table_free(cols);
  ASSERT_EQ(n, 4);
  ASSERT_STR_EQ(c2, "\xc2\x85");
  ASSERT_STR_EQ(c3, "\xc2\x85 ");
}

TEST(text_columns_and_options) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  /* two text columns without a header: label, label_2; an empty cell is no value */
  ASSERT_OK(read_text("text_two_labels.csv", "a,1,x\nb,2,\nc,3,z\n", NULL, &m, &cols, NULL, &err), &err);
  int64_t d = m->n_cols;
  ev_matrix_free(m);
  int nc = ev_table_n_cols(cols);
  char n0[16], n1[16];
  snprintf(n0, sizeof n0, "%s", ev_table_col_name(cols, 0));
  snprintf(n1, sizeof n1, "%s", ev_table_col_name(cols, 1));
  int missing = ev_table_cell(cols, 1, 1) == NULL;
  ev_table_free(cols);
  ASSERT_EQ(d, 1);
  ASSERT_EQ(nc, 2);
  ASSERT_STR_EQ(n0, "label");
  ASSERT_STR_EQ(n1, "label_2");
  ASSERT_TRUE(missing);
  /* text columns not wanted: a note says they were ignored */
  ASSERT_OK(read_text("text_ignored.csv", "a,1\nb,2\n", NULL, &m, NULL, &notes, &err), &err);
  ev_matrix_free(m);
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "ignored 1 non-numeric column");
  /* the defaults detect both (the zero struct would mean "no header row"), as NULL does */
  ev_text_options o = ev_text_options_default();
  ASSERT_EQ(o.delimiter, 0);
  ASSERT_EQ(o.header, -1);
  ASSERT_EQ(ev_load_options_default().text.header, -1);
  ASSERT_OK(read_text("text_defaults.csv", "x,y\n3,4\n", &o, &m, NULL, NULL, &err), &err);
  ASSERT_EQ(m->n_rows, 1);
  ev_matrix_free(m);
  /* forced header: the first all-numeric row becomes names */
  o.delimiter = ',';
  o.header = 1;
  ASSERT_OK(read_text("text_forced.csv", "1,2\n3,4\n", &o, &m, NULL, NULL, &err), &err);
  int64_t n = m->n_rows;
  ev_matrix_free(m);
  ASSERT_EQ(n, 1);
  /* forced "no header": the names row is data, and not numbers */
  o.header = 0;
  ASSERT_ERR(read_text("text_forced2.csv", "x,y\n3,4\n", &o, &m, NULL, NULL, &err), EV_EFORMAT,
             &err, "line 1 has no numeric field");
  /* forced delimiter: a comma file read as TSV is one text column */
  o.delimiter = '\t';
  o.header = -1;
  ASSERT_ERR(read_text("text_forced3.csv", "1,2\n3,4\n", &o, &m, NULL, NULL, &err), EV_EFORMAT,
             &err, "line 1 has no numeric field");
}

TEST(text_empty_and_header_only) {
  ev_error err;
  ev_matrix *m = NULL;
  ASSERT_ERR(read_text("text_empty.tsv", "", NULL, &m, NULL, NULL, &err), EV_EFORMAT, &err,
             "no data");
  ASSERT_CONTAINS(err.msg, "text_empty.tsv");
  ASSERT_ERR(read_text("text_blank_only.tsv", "\n \n\t\r\n", NULL, &m, NULL, NULL, &err), EV_EFORMAT,
             &err, "no data");
  ASSERT_ERR(read_text("text_header_only.csv", "a,b\n", NULL, &m, NULL, NULL, &err), EV_EFORMAT,
             &err, "only a header row");
  ASSERT_ERR(read_text("text_no_numbers.csv", "a,b\nc,d\n", NULL, &m, NULL, NULL, &err), EV_EFORMAT,
             &err, "no numeric field");
}

TEST(text_gzip) {
  const char *path = test_out_path("text_gz.tsv.gz");
  gzFile gz = gzopen(path, "wb");
  ASSERT_TRUE(gz != NULL);
  gzputs(gz, "1\t2\n3\t4\n5\t6\n");
  gzclose(gz);
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_text_tensor_read(path, NULL, &m, NULL, NULL, NULL, &err), &err);
  int64_t n = m->n_rows;
  float v = m->data[5];
  ev_matrix_free(m);
  ASSERT_EQ(n, 3);
  ASSERT_TRUE(v == 6.0f);
}

TEST(text_detect_and_load) {
  ev_error err = {0};
  ev_format f;
  ASSERT_OK(ev_format_detect(fx_path("mnist/mnist500_header.csv"), &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_CSV);
  ASSERT_OK(ev_format_detect(fx_path("mnist/mnist500.tsv"), &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_TSV);
  /* a comma-separated file with another extension is still CSV */
  const char *p = test_write_file("text_detect.txt", "1,2\n3,4\n", 8);
  ASSERT_OK(ev_format_detect(p, &f, &err), &err);
  ASSERT_EQ(f, EV_FORMAT_CSV);
  ev_load_options opts = ev_load_options_default();
  opts.metadata_path = fx_path("mnist/mnist500_meta_multi.tsv");
  ev_dataset *ds = NULL;
  ASSERT_OK(ev_dataset_load(fx_path("mnist/mnist500_header.csv"), &opts, &ds, NULL, &err), &err);
  int n_cols = ev_table_n_cols(ds->meta);
  int64_t n = ds->x->n_rows;
  char names[4][16] = {"", "", "", ""};
  for (int j = 0; j < n_cols && j < 4; j++) snprintf(names[j], 16, "%s", ev_table_col_name(ds->meta, j));
  ev_dataset_free(ds);
  ASSERT_EQ(n, 500);
  ASSERT_EQ(n_cols, 4);
  ASSERT_STR_EQ(names[0], "name");   /* the CSV's own text column */
  ASSERT_STR_EQ(names[1], "digit");  /* then the metadata file's */
  ASSERT_STR_EQ(names[2], "name_2");
  ASSERT_STR_EQ(names[3], "parity");
  /* explicit format: TSV forced on a CSV file */
  opts.format = EV_FORMAT_TSV;
  opts.metadata_path = NULL;
  ASSERT_ERR(ev_dataset_load(fx_path("mnist/mnist500_noheader.csv"), &opts, &ds, NULL, &err),
             EV_EFORMAT, &err, "no numeric field");
}

/* ---- hostile files (issue #13): time linear in the file, memory a small
 * multiple of it.  The allocation hooks count the bytes a reader holds at
 * most (ev__alloc_peak); the time findings have no allocation to count, so
 * their files are sized to take hours the old way (ctest's TIMEOUT for this
 * binary turns that into a failure) and milliseconds now. */

/* A million columns in 5 MB: "x,a,a,...,a" (999,999 text columns that all
 * want the name "a"), a first data row whose text values are all empty (each
 * column's kind comes from the next row), and that next row.  Before: every
 * text column re-split every row (1M x 5 MB), every repeated name tried its
 * suffixes with a linear search each (cubic), and every empty first value
 * was looked up again field by field (quadratic in the columns).  Now each
 * row is split once per pass, names come from a hash index with a counter
 * per base name. */
TEST(text_million_columns_linear) {
  enum { N_TEXT = 999999 };
  size_t cap = (size_t)N_TEXT * 2 * 3 + 64, len = 0;
  char *b = malloc(cap);
  ASSERT_TRUE(b != NULL);
  len += (size_t)sprintf(b + len, "x");
  for (int j = 0; j < N_TEXT; j++) b[len++] = ',', b[len++] = 'a';
  len += (size_t)sprintf(b + len, "\n1");
  for (int j = 0; j < N_TEXT; j++) b[len++] = ',';
  len += (size_t)sprintf(b + len, "\n2");
  for (int j = 0; j < N_TEXT; j++) b[len++] = ',', b[len++] = 't';
  b[len++] = '\n';
  const char *path = test_write_file("text_million_columns.csv", b, len);
  free(b);
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ev__alloc_track(1);
  int rc = ev_text_tensor_read(path, NULL, &m, &cols, NULL, NULL, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  if (rc) TEST_FAIL_("%s", err.msg);
  int64_t n = m->n_rows, d = m->n_cols;
  float v0 = m->data[0], v1 = m->data[1];
  ev_matrix_free(m);
  int nc = ev_table_n_cols(cols);
  char first[16], second[16], last[16];
  snprintf(first, sizeof first, "%s", ev_table_col_name(cols, 0));
  snprintf(second, sizeof second, "%s", ev_table_col_name(cols, 1));
  snprintf(last, sizeof last, "%s", ev_table_col_name(cols, N_TEXT - 1));
  int found = ev_table_find_col(cols, "a_500000");
  int empty = ev_table_cell(cols, 0, 7) == NULL;
  const char *t = ev_table_cell(cols, 1, 7);
  int is_t = t && !strcmp(t, "t");
  ev_table_free(cols);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(d, 1);
  ASSERT_TRUE(v0 == 1.0f && v1 == 2.0f);
  ASSERT_EQ(nc, N_TEXT);
  ASSERT_STR_EQ(first, "a");
  ASSERT_STR_EQ(second, "a_2");
  ASSERT_STR_EQ(last, "a_999999");
  ASSERT_EQ(found, 499999);
  ASSERT_TRUE(empty && is_t);
  /* memory: per column its name, its two cells and the table's entry */
  ASSERT_TRUE(peak < (int64_t)len * 30);
}

/* 4 million one-character lines, gzip-compressed to a few KB.  Before: 24
 * bytes of line index per line on top of the text and the matrix (16x the
 * text here; a 204 KB file of 104 million lines wanted 4 GB).  Now the lines
 * are counted per chunk and parsed in place: the text plus the matrix. */
TEST(text_gzip_many_short_lines_bounded) {
  enum { N = 4000000 };
  char *b = malloc((size_t)N * 2);
  ASSERT_TRUE(b != NULL);
  for (size_t i = 0; i < N; i++) b[2 * i] = (char)('0' + i % 10), b[2 * i + 1] = '\n';
  const char *path = test_out_path("text_many_lines.tsv.gz");
  gzFile gz = gzopen(path, "wb9");
  ASSERT_TRUE(gz != NULL);
  int wrote = gzwrite(gz, b, (unsigned)N * 2);
  gzclose(gz);
  free(b);
  ASSERT_EQ(wrote, N * 2);
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev__alloc_track(1);
  int rc = ev_text_tensor_read(path, NULL, &m, NULL, NULL, NULL, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  if (rc) TEST_FAIL_("%s", err.msg);
  int64_t n = m->n_rows;
  float last = m->data[N - 1], mid = m->data[N / 2 + 3];
  ev_matrix_free(m);
  ASSERT_EQ(n, N);
  ASSERT_TRUE(last == 9.0f && mid == 3.0f);
  /* text (8 MB, in a buffer grown by doubling) + float32 matrix (16 MB) */
  int64_t text = (int64_t)N * 2;
  if (peak > 3 * text + ((int64_t)4 << 20))
    TEST_FAIL_("held %lld bytes at most for %lld bytes of text", (long long)peak, (long long)text);
}

static const test_case tests[] = {
    {"text_mnist_tsv_plain", text_mnist_tsv_plain},
    {"text_mnist_tsv_header_label_last", text_mnist_tsv_header_label_last},
    {"text_mnist_csv_header_label_first", text_mnist_csv_header_label_first},
    {"text_mnist_csv_no_header", text_mnist_csv_no_header},
    {"text_scaled_floats_exact", text_scaled_floats_exact},
    {"text_shared_word_vectors", text_shared_word_vectors},
    {"text_ragged_rows", text_ragged_rows},
    {"text_not_a_number", text_not_a_number},
    {"text_nan_and_inf_are_numbers", text_nan_and_inf_are_numbers},
    {"text_crlf", text_crlf},
    {"text_blank_lines_skipped", text_blank_lines_skipped},
    {"text_byte_order_mark", text_byte_order_mark},
    {"text_u0085_is_data", text_u0085_is_data},
    {"text_columns_and_options", text_columns_and_options},
    {"text_empty_and_header_only", text_empty_and_header_only},
    {"text_gzip", text_gzip},
    {"text_detect_and_load", text_detect_and_load},
    {"text_million_columns_linear", text_million_columns_linear},
    {"text_gzip_many_short_lines_bounded", text_gzip_many_short_lines_bounded},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
