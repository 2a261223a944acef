/* embview/table.h — per-point metadata: named string columns, and labels.
 *
 * An ev_table has n_rows rows and n_cols named columns of UTF-8 strings.  A
 * cell may hold "no value" (NULL), e.g. an empty TSV field.  A column is
 * numeric when every present value parses as a number; numeric columns also
 * expose their values as doubles.  Tables are immutable once built.
 *
 * ev_labels turns one column into integer class codes 0..n_classes-1 (missing
 * values become -1), the form every analysis works on.
 */
#ifndef EMBVIEW_TABLE_H
#define EMBVIEW_TABLE_H

#include <stdint.h>

#include "embview/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ev_table ev_table;

/* Build a table column by column.  `values` has n_rows entries; NULL entries
 * are "no value".  Strings are copied. */
int ev_table_new(int64_t n_rows, ev_table **out, ev_error *err);
int ev_table_add_column(ev_table *t, const char *name, const char *const *values,
                        ev_error *err);
void ev_table_free(ev_table *t);

int64_t ev_table_n_rows(const ev_table *t);
int ev_table_n_cols(const ev_table *t);
const char *ev_table_col_name(const ev_table *t, int col);
/* Index of the column with that exact name, or -1. */
int ev_table_find_col(const ev_table *t, const char *name);
/* NULL when the cell has no value.  Valid until ev_table_free. */
const char *ev_table_cell(const ev_table *t, int64_t row, int col);
/* 1 when every present value of the column is a number (and at least one is present). */
int ev_table_col_is_numeric(const ev_table *t, int col);
/* Value of a numeric column's cell; NaN when missing or the column is not numeric. */
double ev_table_cell_number(const ev_table *t, int64_t row, int col);
/* Number of cells of the column that have a value. */
int64_t ev_table_col_n_present(const ev_table *t, int col);
/* Number of distinct present values in the column. */
int64_t ev_table_col_n_distinct(const ev_table *t, int col);
/* Default label column as TensorBoard picks it: the first non-numeric column,
 * else column 0; -1 for a table without columns. */
int ev_table_default_label_col(const ev_table *t);

/* Append the columns of `src` to `dst` (same n_rows).  Names that already
 * exist in dst get a suffix ("label_2"). */
int ev_table_merge(ev_table *dst, const ev_table *src, ev_error *err);

typedef struct ev_labels {
  int64_t n;              /* points */
  int32_t *codes;         /* n codes in 0..n_classes-1, or -1 for "no value" */
  int32_t n_classes;
  char **class_names;     /* n_classes names; numeric names sort numerically */
  int64_t *class_counts;  /* n_classes counts */
  int64_t n_missing;      /* points with code -1 */
} ev_labels;

/* Classes of one column, ordered by value (numerically when the column is numeric). */
int ev_labels_from_column(const ev_table *t, int col, ev_labels **out, ev_error *err);
void ev_labels_free(ev_labels *labels);

#ifdef __cplusplus
}
#endif
#endif
