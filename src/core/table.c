/* table.c — metadata table: named string columns with numeric detection.
 *
 * Each column keeps its strings in one arena with per-row offsets (-1 = no
 * value), so a 1M-row column costs two allocations, not a million.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "core/strmap.h"
#include "embview/table.h"

typedef struct column {
  char *name;
  char *arena;
  int64_t *offsets;    /* n_rows entries, -1 = no value */
  int is_numeric;
  double *numbers;     /* n_rows values when numeric (NaN = no value) */
  int64_t n_distinct;
} column;

struct ev_table {
  int64_t n_rows;
  int n_cols;
  column *cols;
};

int ev_table_new(int64_t n_rows, ev_table **out, ev_error *err) {
  *out = NULL;
  if (n_rows < 0) return ev__err(err, EV_EINVAL, "table: negative row count");
  ev_table *t = ev__calloc(1, sizeof *t);
  if (!t) return ev__err(err, EV_ENOMEM, "table: out of memory");
  t->n_rows = n_rows;
  *out = t;
  return EV_OK;
}

static void column_free(column *c) {
  ev__free(c->name);
  ev__free(c->arena);
  ev__free(c->offsets);
  ev__free(c->numbers);
}

void ev_table_free(ev_table *t) {
  if (!t) return;
  for (int j = 0; j < t->n_cols; j++) column_free(&t->cols[j]);
  ev__free(t->cols);
  ev__free(t);
}

int ev_table_add_column(ev_table *t, const char *name, const char *const *values, ev_error *err) {
  column c = {0};
  size_t total = 0;
  int64_t n = t->n_rows;
  for (int64_t i = 0; i < n; i++)
    if (values[i]) total += strlen(values[i]) + 1;
  column *cols = ev__realloc(t->cols, (size_t)(t->n_cols + 1) * sizeof *cols);
  if (!cols) return ev__err(err, EV_ENOMEM, "table: out of memory adding column '%s'", name);
  t->cols = cols;
  c.name = ev__strdup(name);
  c.arena = ev__malloc(total);
  c.offsets = ev__malloc((size_t)(n ? n : 1) * sizeof *c.offsets);
  if (!c.name || !c.arena || !c.offsets) goto oom;
  size_t pos = 0;
  int numeric = 1, any = 0;
  for (int64_t i = 0; i < n; i++) {
    if (!values[i]) {
      c.offsets[i] = -1;
      continue;
    }
    size_t len = strlen(values[i]);
    memcpy(c.arena + pos, values[i], len + 1);
    c.offsets[i] = (int64_t)pos;
    pos += len + 1;
    double v;
    any = 1;
    if (numeric && !ev__parse_number(values[i], len, &v)) numeric = 0;
  }
  c.is_numeric = numeric && any;
  c.n_distinct = -1;
  if (c.is_numeric) {
    c.numbers = ev__malloc((size_t)(n ? n : 1) * sizeof *c.numbers);
    if (!c.numbers) goto oom;
    for (int64_t i = 0; i < n; i++) {
      double v = NAN;
      if (c.offsets[i] >= 0) {
        const char *s = c.arena + c.offsets[i];
        ev__parse_number(s, strlen(s), &v);
      }
      c.numbers[i] = v;
    }
  }
  t->cols[t->n_cols++] = c;
  return EV_OK;
oom:
  column_free(&c);
  return ev__err(err, EV_ENOMEM, "table: out of memory adding column '%s' (%lld rows)", name,
                 (long long)n);
}

int64_t ev_table_n_rows(const ev_table *t) { return t->n_rows; }
int ev_table_n_cols(const ev_table *t) { return t->n_cols; }

const char *ev_table_col_name(const ev_table *t, int col) {
  return (col >= 0 && col < t->n_cols) ? t->cols[col].name : NULL;
}

int ev_table_find_col(const ev_table *t, const char *name) {
  for (int j = 0; j < t->n_cols; j++)
    if (!strcmp(t->cols[j].name, name)) return j;
  return -1;
}

const char *ev_table_cell(const ev_table *t, int64_t row, int col) {
  if (col < 0 || col >= t->n_cols || row < 0 || row >= t->n_rows) return NULL;
  int64_t off = t->cols[col].offsets[row];
  return off < 0 ? NULL : t->cols[col].arena + off;
}

int ev_table_col_is_numeric(const ev_table *t, int col) {
  return col >= 0 && col < t->n_cols && t->cols[col].is_numeric;
}

double ev_table_cell_number(const ev_table *t, int64_t row, int col) {
  if (!ev_table_col_is_numeric(t, col) || row < 0 || row >= t->n_rows) return NAN;
  return t->cols[col].numbers[row];
}

int64_t ev_table_col_n_distinct(const ev_table *t, int col) {
  if (col < 0 || col >= t->n_cols) return 0;
  column *c = &t->cols[col];
  if (c->n_distinct >= 0) return c->n_distinct;
  ev__strmap m;
  if (ev__strmap_init(&m, 64) != EV_OK) return -1;
  for (int64_t i = 0; i < t->n_rows; i++) {
    const char *s = ev_table_cell(t, i, col);
    int ins;
    if (s && !ev__strmap_upsert(&m, s, 0, &ins)) {
      ev__strmap_free(&m);
      return -1;
    }
  }
  c->n_distinct = (int64_t)m.n;
  ev__strmap_free(&m);
  return c->n_distinct;
}

int ev_table_default_label_col(const ev_table *t) {
  if (!t || t->n_cols == 0) return -1;
  for (int j = 0; j < t->n_cols; j++)
    if (!t->cols[j].is_numeric) return j;
  return 0;
}

int ev_table_merge(ev_table *dst, const ev_table *src, ev_error *err) {
  if (dst->n_rows != src->n_rows)
    return ev__err(err, EV_EMISMATCH, "table: cannot merge %lld rows into %lld rows",
                   (long long)src->n_rows, (long long)dst->n_rows);
  const char **vals = ev__malloc((size_t)(src->n_rows ? src->n_rows : 1) * sizeof *vals);
  if (!vals) return ev__err(err, EV_ENOMEM, "table: out of memory");
  int rc = EV_OK;
  for (int j = 0; j < src->n_cols && rc == EV_OK; j++) {
    char name[256];
    snprintf(name, sizeof name, "%s", src->cols[j].name);
    for (int k = 2; ev_table_find_col(dst, name) >= 0; k++)
      snprintf(name, sizeof name, "%s_%d", src->cols[j].name, k);
    for (int64_t i = 0; i < src->n_rows; i++) vals[i] = ev_table_cell(src, i, j);
    rc = ev_table_add_column(dst, name, vals, err);
  }
  ev__free(vals);
  return rc;
}
