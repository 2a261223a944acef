/* text_write.c — TSV writers for matrices and metadata tables (atomic). */
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "embview/io.h"

int ev_tsv_write(const char *path, const ev_matrix *m, ev_error *err) {
  ev__atomic a;
  int rc = ev__atomic_begin(&a, path, "tsv", err);
  if (rc) return rc;
  for (int64_t i = 0; i < m->n_rows; i++) {
    const float *r = ev_matrix_row(m, i);
    for (int64_t j = 0; j < m->n_cols; j++)
      fprintf(a.fp, j + 1 < m->n_cols ? "%.9g\t" : "%.9g\n", (double)r[j]);
  }
  return ev__atomic_commit(&a, "tsv", err);
}

/* A cell as written: TABs and newlines inside a value would break the rows,
 * so they become spaces. */
static void put_cell(FILE *fp, const char *s) {
  for (; s && *s; s++) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

int ev_table_write_tsv(const char *path, const ev_table *t, ev_error *err) {
  int n_cols = ev_table_n_cols(t);
  if (n_cols < 1) return ev__err(err, EV_EINVAL, "tsv: %s: table has no columns", path);
  ev__atomic a;
  int rc = ev__atomic_begin(&a, path, "tsv", err);
  if (rc) return rc;
  /* TensorBoard's rule: a single column has no header, several columns do. */
  if (n_cols > 1) {
    for (int j = 0; j < n_cols; j++) {
      put_cell(a.fp, ev_table_col_name(t, j));
      fputc(j + 1 < n_cols ? '\t' : '\n', a.fp);
    }
  }
  for (int64_t i = 0; i < ev_table_n_rows(t); i++) {
    for (int j = 0; j < n_cols; j++) {
      put_cell(a.fp, ev_table_cell(t, i, j));
      fputc(j + 1 < n_cols ? '\t' : '\n', a.fp);
    }
  }
  return ev__atomic_commit(&a, "tsv", err);
}
