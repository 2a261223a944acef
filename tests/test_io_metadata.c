/* test_io_metadata.c — metadata TSV (TensorBoard's rules plus embview's
 * stricter count check), labels files (IDX, NPY, text) and class codes.
 *
 * Count rule (src/io/metadata.c): M rows for N points must match, except a
 * one-column file with M == N + 1 whose first row is not one of the other
 * values: that row is the column name, with a note.  Anything else is
 * EV_EMISMATCH naming both counts.
 */
#include "core/internal.h"
#include "io_fixtures.h"

#define SUBWORD_META EV_SHARED_DIR "/fixtures/standalone-subword-vecs/meta.tsv"
#define IMDB_META EV_SHARED_DIR "/fixtures/tf2-imdb-tutorial/logs/imdb-example/metadata.tsv"

static const char *write_text(const char *name, const char *text) {
  return test_write_file(name, text, strlen(text));
}

/* 4,096 columns over 30,000 one-byte rows (80 KB).  Before: n_rows x n_cols
 * cell pointers in the reader and an offset per cell in every column, 2 GB
 * for 80 KB.  Now storage follows the cells present: a column with a value
 * in most rows has an offset per row, a mostly empty one only its values.
 * Also checked: the rows are split once (two passes), not once per column. */
TEST(meta_wide_header_short_rows_bounded) {
  enum { COLS = 4096, ROWS = 30000 };
  size_t cap = (size_t)COLS * 8 + (size_t)ROWS * 2 + 16, len = 0;
  char *b = malloc(cap);
  ASSERT_TRUE(b != NULL);
  for (int j = 0; j < COLS; j++) len += (size_t)sprintf(b + len, "%sc%d", j ? "\t" : "", j);
  b[len++] = '\n';
  for (int i = 0; i < ROWS; i++) b[len++] = (char)('a' + i % 3), b[len++] = '\n';
  const char *path = test_write_file("meta_wide_short.tsv", b, len);
  free(b);
  ev_error err = {0};
  ev_table *t = NULL;
  ev__alloc_track(1);
  int rc = ev_metadata_read(path, ROWS, &t, NULL, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  if (rc) TEST_FAIL_("%s", err.msg);
  int nc = ev_table_n_cols(t);
  char c0[4], name[16];
  snprintf(c0, sizeof c0, "%s", ev_table_cell(t, 29999, 0));
  snprintf(name, sizeof name, "%s", ev_table_col_name(t, 4095));
  int missing = ev_table_cell(t, 123, 4095) == NULL && ev_table_cell(t, 0, 1) == NULL;
  ev_table_free(t);
  ASSERT_EQ(nc, COLS);
  ASSERT_STR_EQ(c0, "c");
  ASSERT_STR_EQ(name, "c4095");
  ASSERT_TRUE(missing);
  if (peak > (int64_t)len * 16 + ((int64_t)1 << 20))
    TEST_FAIL_("held %lld bytes at most for a %zu-byte file", (long long)peak, len);
}

TEST(meta_one_column_no_header) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta.tsv"), 500, &t, &notes, &err), &err);
  int64_t n = ev_table_n_rows(t);
  int nc = ev_table_n_cols(t), numeric = ev_table_col_is_numeric(t, 0);
  char name[16], c0[8];
  snprintf(name, sizeof name, "%s", ev_table_col_name(t, 0));
  snprintf(c0, sizeof c0, "%s", ev_table_cell(t, 0, 0));
  double v = ev_table_cell_number(t, 4, 0);
  ev_table_free(t);
  ASSERT_EQ(n, 500);
  ASSERT_EQ(nc, 1);
  ASSERT_STR_EQ(name, "label");
  ASSERT_STR_EQ(c0, "8");
  ASSERT_TRUE(numeric);
  ASSERT_TRUE(v == 4.0);
  ASSERT_EQ(notes.n, 0);
}

TEST(meta_multi_column_header) {
  ev_error err = {0};
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 500, &t, NULL, &err), &err);
  int64_t n = ev_table_n_rows(t);
  int nc = ev_table_n_cols(t);
  char names[3][16];
  for (int j = 0; j < 3 && j < nc; j++) snprintf(names[j], 16, "%s", ev_table_col_name(t, j));
  int num0 = ev_table_col_is_numeric(t, 0), num1 = ev_table_col_is_numeric(t, 1);
  int deflt = ev_table_default_label_col(t);
  int64_t distinct = ev_table_col_n_distinct(t, 2);
  char c1[16];
  snprintf(c1, sizeof c1, "%s", ev_table_cell(t, 0, 1));
  ev_table_free(t);
  ASSERT_EQ(n, 500);
  ASSERT_EQ(nc, 3);
  ASSERT_STR_EQ(names[0], "digit");
  ASSERT_STR_EQ(names[1], "name");
  ASSERT_STR_EQ(names[2], "parity");
  ASSERT_TRUE(num0);
  ASSERT_TRUE(!num1);
  ASSERT_EQ(deflt, 1);
  ASSERT_EQ(distinct, 2);
  ASSERT_STR_EQ(c1, "eight");
  /* with a header, N + 1 rows is simply wrong */
  ASSERT_ERR(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 499, &t, NULL, &err),
             EV_EMISMATCH, &err, "500 data rows for 499 points");
  ASSERT_CONTAINS(err.msg, "after a header row");
  ASSERT_CONTAINS(err.msg, "mnist500_meta_multi.tsv");
  ASSERT_TRUE(t == NULL);
}

TEST(meta_label_header_n_plus_1) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_label.tsv"), 500, &t, &notes, &err), &err);
  int64_t n = ev_table_n_rows(t);
  char name[16], c0[8];
  snprintf(name, sizeof name, "%s", ev_table_col_name(t, 0));
  snprintf(c0, sizeof c0, "%s", ev_table_cell(t, 0, 0));
  int numeric = ev_table_col_is_numeric(t, 0);
  ev_table_free(t);
  ASSERT_EQ(n, 500);
  ASSERT_STR_EQ(name, "label");
  ASSERT_STR_EQ(c0, "8");
  ASSERT_TRUE(numeric);
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "501 rows for 500 points");
  ASSERT_CONTAINS(notes.msg[0], "'label'");
  /* a header other than "label" names the column */
  const char *p = write_text("meta_word_header.tsv", "word\ncat\ndog\ncat\n");
  ev_notes_clear(&notes);
  ASSERT_OK(ev_metadata_read(p, 3, &t, &notes, &err), &err);
  snprintf(name, sizeof name, "%s", ev_table_col_name(t, 0));
  n = ev_table_n_rows(t);
  ev_table_free(t);
  ASSERT_STR_EQ(name, "word");
  ASSERT_EQ(n, 3);
  ASSERT_EQ(notes.n, 1);
  /* without a point count nothing is guessed: 501 rows, the first is "label" */
  ev_notes_clear(&notes);
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_label.tsv"), -1, &t, &notes, &err), &err);
  n = ev_table_n_rows(t);
  snprintf(c0, sizeof c0, "%s", ev_table_cell(t, 0, 0));
  numeric = ev_table_col_is_numeric(t, 0);
  ev_table_free(t);
  ASSERT_EQ(n, 501);
  ASSERT_STR_EQ(c0, "label");
  ASSERT_TRUE(!numeric);
  ASSERT_EQ(notes.n, 0);
}

TEST(meta_n_plus_1_first_value_repeated) {
  /* "8" then the 500 labels, which contain 8: the first row is data, and 501 != 500 */
  char *body = test_read_file(fx_path("mnist/mnist500_meta.tsv"), NULL);
  ASSERT_TRUE(body != NULL);
  size_t len = strlen(body);
  char *text = malloc(len + 3);
  memcpy(text, "8\n", 2);
  memcpy(text + 2, body, len + 1);
  free(body);
  const char *p = write_text("meta_repeat.tsv", text);
  free(text);
  ev_error err;
  ev_notes notes = {0};
  ev_table *t = NULL;
  ASSERT_ERR(ev_metadata_read(p, 500, &t, &notes, &err), EV_EMISMATCH, &err,
             "501 data rows for 500 points");
  ASSERT_CONTAINS(err.msg, "meta_repeat.tsv");
  ASSERT_CONTAINS(err.msg, "one column, no header row");
  ASSERT_EQ(notes.n, 0);
  ASSERT_TRUE(t == NULL);
}

TEST(meta_other_mismatches) {
  ev_error err;
  ev_table *t = NULL;
  const char *p = fx_path("mnist/mnist500_meta.tsv");
  ASSERT_ERR(ev_metadata_read(p, 499, &t, NULL, &err), EV_EMISMATCH, &err, "500 data rows for 499 points");
  ASSERT_ERR(ev_metadata_read(p, 502, &t, NULL, &err), EV_EMISMATCH, &err, "500 data rows for 502 points");
  ASSERT_ERR(ev_metadata_read(p, 10000, &t, NULL, &err), EV_EMISMATCH, &err, "500 data rows for 10000 points");
  ASSERT_ERR(ev_metadata_read(p, 0, &t, NULL, &err), EV_EMISMATCH, &err, "500 data rows for 0 points");
  /* "label" header plus 500 rows, for 499 points: two rows too many */
  ASSERT_ERR(ev_metadata_read(fx_path("mnist/mnist500_meta_label.tsv"), 499, &t, NULL, &err),
             EV_EMISMATCH, &err, "501 data rows for 499 points");
  /* multi-column file one row short (TensorBoard: "should have a header row") */
  ASSERT_ERR(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 501, &t, NULL, &err),
             EV_EMISMATCH, &err, "500 data rows for 501 points");
  ASSERT_TRUE(t == NULL);
}

TEST(meta_crlf) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  const char *p = write_text("meta_crlf.tsv", "name\tsize\r\ncat\t3\r\ndog\t4\r\n");
  ASSERT_OK(ev_metadata_read(p, 2, &t, &notes, &err), &err);
  char name1[16], c[16];
  snprintf(name1, sizeof name1, "%s", ev_table_col_name(t, 1));
  snprintf(c, sizeof c, "%s", ev_table_cell(t, 1, 1));
  int numeric = ev_table_col_is_numeric(t, 1);
  ev_table_free(t);
  ASSERT_STR_EQ(name1, "size");
  ASSERT_STR_EQ(c, "4");
  ASSERT_TRUE(numeric);
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "CRLF");
  /* one column, CRLF, with the N + 1 header */
  p = write_text("meta_crlf1.tsv", "label\r\nx\r\ny\r\n");
  ev_notes_clear(&notes);
  ASSERT_OK(ev_metadata_read(p, 2, &t, &notes, &err), &err);
  snprintf(c, sizeof c, "%s", ev_table_cell(t, 0, 0));
  snprintf(name1, sizeof name1, "%s", ev_table_col_name(t, 0));
  ev_table_free(t);
  ASSERT_STR_EQ(c, "x");
  ASSERT_STR_EQ(name1, "label");
  ASSERT_EQ(notes.n, 2);
}

TEST(meta_empty_cells_and_extra_fields) {
  ev_error err = {0};
  ev_table *t = NULL;
  const char *p = write_text("meta_cells.tsv", "a\tb\tc\n1\t\tz\n\t2\n3\t4\t5\t6\textra\n");
  ASSERT_OK(ev_metadata_read(p, 3, &t, NULL, &err), &err);
  int nc = ev_table_n_cols(t);
  int null01 = ev_table_cell(t, 0, 1) == NULL, null10 = ev_table_cell(t, 1, 0) == NULL,
      null12 = ev_table_cell(t, 1, 2) == NULL;
  char c11[8], c22[8];
  snprintf(c11, sizeof c11, "%s", ev_table_cell(t, 1, 1));
  snprintf(c22, sizeof c22, "%s", ev_table_cell(t, 2, 2));
  int num_a = ev_table_col_is_numeric(t, 0), num_c = ev_table_col_is_numeric(t, 2);
  double missing = ev_table_cell_number(t, 1, 0);
  ev_table_free(t);
  ASSERT_EQ(nc, 3);
  ASSERT_TRUE(null01 && null10 && null12);
  ASSERT_STR_EQ(c11, "2");
  ASSERT_STR_EQ(c22, "5");
  ASSERT_TRUE(num_a);
  ASSERT_TRUE(!num_c); /* "z" */
  ASSERT_TRUE(isnan(missing));
  /* fields are not trimmed; empty and duplicate header names get fallbacks */
  ev_notes notes = {0};
  p = write_text("meta_names.tsv", "x\t\tx\n a \tb\tc\n");
  ASSERT_OK(ev_metadata_read(p, 1, &t, &notes, &err), &err);
  char n1[16], n2[16], c0[8];
  snprintf(n1, sizeof n1, "%s", ev_table_col_name(t, 1));
  snprintf(n2, sizeof n2, "%s", ev_table_col_name(t, 2));
  snprintf(c0, sizeof c0, "%s", ev_table_cell(t, 0, 0));
  ev_table_free(t);
  ASSERT_STR_EQ(n1, "column_2");
  ASSERT_STR_EQ(n2, "column_3");
  ASSERT_STR_EQ(c0, " a ");
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "duplicate column name 'x'");
}

TEST(meta_u0085_rows_are_data) {
  ev_error err = {0};
  ev_table *t = NULL;
  /* NEL and NEL+space are labels; NBSP, ideographic space and BOM-only lines are blank */
  const char *p = write_text("meta_nel.tsv",
                             "a\n\xc2\x85\n\xc2\x85 \n\xc2\xa0\n\xe3\x80\x80\n\xef\xbb\xbf\n  \nb\n\n");
  ASSERT_OK(ev_metadata_read(p, 4, &t, NULL, &err), &err);
  char c1[8], c2[8], c3[8];
  snprintf(c1, sizeof c1, "%s", ev_table_cell(t, 1, 0));
  snprintf(c2, sizeof c2, "%s", ev_table_cell(t, 2, 0));
  snprintf(c3, sizeof c3, "%s", ev_table_cell(t, 3, 0));
  ev_table_free(t);
  ASSERT_STR_EQ(c1, "\xc2\x85");
  ASSERT_STR_EQ(c2, "\xc2\x85 ");
  ASSERT_STR_EQ(c3, "b");
}

/* A UTF-8 byte order mark is skipped, so it never sticks to a column name. */
TEST(meta_byte_order_mark) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  const char *p = write_text("meta_bom.tsv", "\xef\xbb\xbfname\tv\na\t1\n");
  ASSERT_OK(ev_metadata_read(p, 1, &t, NULL, &err), &err);
  int col = ev_table_find_col(t, "name");
  ev_table_free(t);
  ASSERT_EQ(col, 0);
  p = write_text("meta_bom1.tsv", "\xef\xbb\xbflabel\nx\ny\n");
  ASSERT_OK(ev_metadata_read(p, 2, &t, &notes, &err), &err);
  char name[16];
  snprintf(name, sizeof name, "%s", ev_table_col_name(t, 0));
  ev_table_free(t);
  ASSERT_STR_EQ(name, "label");
  ASSERT_EQ(notes.n, 1);
}

static void check_shared_meta(const char *path, int64_t n, const char *first, const char *last) {
  if (!test_file_exists(path)) TEST_SKIP("../shared fixtures are absent");
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(path, n, &t, &notes, &err), &err);
  int64_t rows = ev_table_n_rows(t);
  char c0[64], cl[64], nel1[8], nel2[8];
  snprintf(c0, sizeof c0, "%s", ev_table_cell(t, 0, 0));
  snprintf(cl, sizeof cl, "%s", ev_table_cell(t, n - 1, 0));
  /* file lines 3239 and 3406 are U+0085 + space and U+0085 */
  snprintf(nel1, sizeof nel1, "%s", ev_table_cell(t, 3238, 0));
  snprintf(nel2, sizeof nel2, "%s", ev_table_cell(t, 3405, 0));
  char c1[8];
  snprintf(c1, sizeof c1, "%s", ev_table_cell(t, 1, 0));
  ev_table_free(t);
  ASSERT_EQ(rows, n);
  ASSERT_EQ(notes.n, 0);
  ASSERT_STR_EQ(c0, first);
  ASSERT_STR_EQ(cl, last);
  ASSERT_STR_EQ(c1, ", "); /* trailing space kept */
  ASSERT_STR_EQ(nel1, "\xc2\x85 ");
  ASSERT_STR_EQ(nel2, "\xc2\x85");
  /* a Python strip() count (n - 2) is a mismatch */
  ASSERT_ERR(ev_metadata_read(path, n - 2, &t, NULL, &err), EV_EMISMATCH, &err, "data rows for");
}

TEST(meta_shared_subword) { check_shared_meta(SUBWORD_META, 7928, "the_", "...\""); }
TEST(meta_shared_imdb) { check_shared_meta(IMDB_META, 8184, "the_", "unknown #256"); }

TEST(meta_numeric_detection) {
  ev_error err = {0};
  ev_table *t = NULL;
  const char *p = write_text("meta_numeric.tsv",
                             "int\tfloat\tmixed\tnan\tsigned\n1\t2.5\t1\tnan\t-3\n2\t-1e3\tx\t1\t+4\n3\t.5\t2\t2\t 5 \n");
  ASSERT_OK(ev_metadata_read(p, 3, &t, NULL, &err), &err);
  int num[5];
  for (int j = 0; j < 5; j++) num[j] = ev_table_col_is_numeric(t, j);
  double f1 = ev_table_cell_number(t, 1, 1), f2 = ev_table_cell_number(t, 2, 1);
  double s2 = ev_table_cell_number(t, 2, 4);
  double not_numeric = ev_table_cell_number(t, 0, 2);
  ev_table_free(t);
  ASSERT_TRUE(num[0] && num[1] && !num[2] && !num[3] && num[4]);
  ASSERT_TRUE(f1 == -1000.0);
  ASSERT_TRUE(f2 == 0.5);
  ASSERT_TRUE(s2 == 5.0);
  ASSERT_TRUE(isnan(not_numeric));
}

TEST(meta_labels_from_column) {
  ev_error err = {0};
  ev_table *t = NULL;
  ev_labels *l = NULL;
  /* numeric classes sort by value (2 < 9 < 10), text classes by bytes; empty = missing */
  const char *p = write_text("meta_classes.tsv", "num\tword\n10\tb\n9\ta\n2\t\n10\tc\n\ta\n");
  ASSERT_OK(ev_metadata_read(p, 5, &t, NULL, &err), &err);
  ASSERT_OK(ev_labels_from_column(t, 0, &l, &err), &err);
  int ok_num = l->n_classes == 3 && !strcmp(l->class_names[0], "2") &&
               !strcmp(l->class_names[1], "9") && !strcmp(l->class_names[2], "10") &&
               l->class_counts[0] == 1 && l->class_counts[1] == 1 && l->class_counts[2] == 2 &&
               l->codes[0] == 2 && l->codes[1] == 1 && l->codes[2] == 0 && l->codes[4] == -1 &&
               l->n_missing == 1 && l->n == 5;
  ev_labels_free(l);
  ASSERT_OK(ev_labels_from_column(t, 1, &l, &err), &err);
  int ok_word = l->n_classes == 3 && !strcmp(l->class_names[0], "a") &&
                !strcmp(l->class_names[2], "c") && l->class_counts[0] == 2 && l->codes[0] == 1 &&
                l->codes[2] == -1 && l->n_missing == 1;
  ev_labels_free(l);
  ASSERT_ERR(ev_labels_from_column(t, 2, &l, &err), EV_EINVAL, &err, "no column 2");
  ev_table_free(t);
  ASSERT_TRUE(ok_num);
  ASSERT_TRUE(ok_word);
}

/* Labels from IDX and NPY 1-D arrays, and from a one-column text file. */
TEST(meta_labels_read_formats) {
  struct {
    const char *rel;
    int64_t n;
    int n_classes;
    const char *first_class;
    long long first_count;
  } cases[] = {
      {"mnist/mnist10k-labels-idx1-ubyte", 10000, 10, "0", 1001},
      {"mnist/mnist10k_labels.npy", 10000, 10, "0", 1001},
      {"mnist/mnist10k_labels_i8.npy", 10000, 10, "0", 1001},
      {"mnist/mnist500_meta.tsv", 500, 10, "0", 0},
      {"mnist/mnist500-labels-idx1-ubyte", 500, 10, "0", 0},
      {"npy/labels_u1.npy", 37, 4, "0", 10},
      {"npy/labels_i8_col.npy", 37, 3, "0", 13},
      {"idx/labels37_int.idx", 37, 5, "-1", 8},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ev_error err = {0};
    ev_table *t = NULL;
    ev_labels *l = NULL;
    int rc = ev_labels_read(fx_path(cases[k].rel), cases[k].n, &t, NULL, &err);
    if (rc) TEST_FAIL_("%s: %s", cases[k].rel, err.msg);
    char name[16];
    snprintf(name, sizeof name, "%s", ev_table_col_name(t, 0));
    rc = ev_labels_from_column(t, 0, &l, &err);
    ev_table_free(t);
    if (rc) TEST_FAIL_("%s: %s", cases[k].rel, err.msg);
    int ok = l->n == cases[k].n && l->n_classes == cases[k].n_classes &&
             !strcmp(l->class_names[0], cases[k].first_class) &&
             (cases[k].first_count == 0 || l->class_counts[0] == cases[k].first_count);
    ev_labels_free(l);
    if (!ok) TEST_FAIL_("%s: unexpected classes", cases[k].rel);
    ASSERT_STR_EQ(name, "label");
  }
  ev_error err;
  ev_table *t = NULL;
  ASSERT_ERR(ev_labels_read(fx_path("mnist/mnist10k_labels.npy"), 500, &t, NULL, &err), EV_EMISMATCH,
             &err, "10000 labels for 500 points");
  ASSERT_CONTAINS(err.msg, "mnist10k_labels.npy");
  ASSERT_ERR(ev_labels_read(EV_REPO_DATA "/mnist10k-labels-idx1-ubyte.gz", 9999, &t, NULL, &err),
             EV_EMISMATCH, &err, "10000 labels for 9999 points");
  ASSERT_ERR(ev_labels_read(fx_path("npy/f4_2d_C_le.npy"), 37, &t, NULL, &err), EV_EFORMAT, &err,
             "2 dimensions");
  ASSERT_ERR(ev_labels_read(fx_path("idx/ubyte_3d.idx"), 6, &t, NULL, &err), EV_EFORMAT, &err,
             "3 dimensions");
  ASSERT_ERR(ev_labels_read(fx_path("mnist/mnist500_meta.tsv"), 400, &t, NULL, &err), EV_EMISMATCH,
             &err, "500 data rows for 400 points");
  ASSERT_TRUE(t == NULL);
}

TEST(meta_dataset_load_counts) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_load_options opts = ev_load_options_default();
  ev_dataset *ds = NULL;
  /* matching: 500 vectors, metadata with a "label" header line, IDX labels */
  opts.metadata_path = fx_path("mnist/mnist500_meta_label.tsv");
  opts.labels_path = fx_path("mnist/mnist500-labels-idx1-ubyte");
  ASSERT_OK(ev_dataset_load(fx_path("mnist/mnist500.tsv"), &opts, &ds, &notes, &err), &err);
  int nc = ev_table_n_cols(ds->meta);
  char n0[16], n1[16];
  snprintf(n0, sizeof n0, "%s", ev_table_col_name(ds->meta, 0));
  snprintf(n1, sizeof n1, "%s", ev_table_col_name(ds->meta, 1));
  int same = !strcmp(ev_table_cell(ds->meta, 123, 0), ev_table_cell(ds->meta, 123, 1));
  ev_dataset_free(ds);
  ASSERT_EQ(nc, 2);
  ASSERT_STR_EQ(n0, "label");
  ASSERT_STR_EQ(n1, "label_2");
  ASSERT_TRUE(same);
  ASSERT_EQ(notes.n, 1);
  /* metadata for 500 points, vectors for 10000 */
  opts.labels_path = NULL;
  opts.metadata_path = fx_path("mnist/mnist500_meta.tsv");
  ASSERT_ERR(ev_dataset_load(EV_REPO_DATA "/mnist10k-images-idx3-ubyte.gz", &opts, &ds, NULL, &err),
             EV_EMISMATCH, &err, "500 data rows for 10000 points");
  ASSERT_TRUE(ds == NULL);
  /* labels for 10000 points, vectors for 500 */
  opts.metadata_path = NULL;
  opts.labels_path = EV_REPO_DATA "/mnist10k-labels-idx1-ubyte.gz";
  ASSERT_ERR(ev_dataset_load(fx_path("mnist/mnist500.tsv"), &opts, &ds, NULL, &err), EV_EMISMATCH,
             &err, "10000 labels for 500 points");
  /* both given, the metadata fits and the labels do not */
  opts.metadata_path = fx_path("mnist/mnist500_meta_multi.tsv");
  ASSERT_ERR(ev_dataset_load(fx_path("mnist/mnist500.tsv"), &opts, &ds, NULL, &err), EV_EMISMATCH,
             &err, "10000 labels for 500 points");
  ASSERT_TRUE(ds == NULL);
}

TEST(meta_empty_file) {
  ev_error err;
  ev_table *t = NULL;
  const char *p = test_write_file("meta_empty.tsv", "", 0);
  ASSERT_ERR(ev_metadata_read(p, 3, &t, NULL, &err), EV_EFORMAT, &err, "no rows");
  ASSERT_CONTAINS(err.msg, "meta_empty.tsv");
  p = write_text("meta_blank.tsv", "\n \n\t\n");
  ASSERT_ERR(ev_metadata_read(p, -1, &t, NULL, &err), EV_EFORMAT, &err, "no rows");
  ASSERT_ERR(ev_labels_read(p, -1, &t, NULL, &err), EV_EFORMAT, &err, "no rows");
}

static const test_case tests[] = {
    {"meta_one_column_no_header", meta_one_column_no_header},
    {"meta_multi_column_header", meta_multi_column_header},
    {"meta_label_header_n_plus_1", meta_label_header_n_plus_1},
    {"meta_n_plus_1_first_value_repeated", meta_n_plus_1_first_value_repeated},
    {"meta_other_mismatches", meta_other_mismatches},
    {"meta_crlf", meta_crlf},
    {"meta_empty_cells_and_extra_fields", meta_empty_cells_and_extra_fields},
    {"meta_u0085_rows_are_data", meta_u0085_rows_are_data},
    {"meta_byte_order_mark", meta_byte_order_mark},
    {"meta_shared_subword", meta_shared_subword},
    {"meta_shared_imdb", meta_shared_imdb},
    {"meta_numeric_detection", meta_numeric_detection},
    {"meta_labels_from_column", meta_labels_from_column},
    {"meta_labels_read_formats", meta_labels_read_formats},
    {"meta_dataset_load_counts", meta_dataset_load_counts},
    {"meta_empty_file", meta_empty_file},
    {"meta_wide_header_short_rows_bounded", meta_wide_header_short_rows_bounded},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
