/* table_internal.h — building ev_tables in bulk, for the readers.  Internal.
 *
 * ev_table_add_column wants an array of n_rows string pointers per column;
 * a reader of a wide file would need n_rows x n_cols of them, or would have
 * to walk the file once per column.  Instead a reader walks its rows twice:
 * once counting, per column, the cells with a value and their bytes (an
 * ev__col_plan), then, after ev__table_add_planned has sized each column's
 * storage exactly, once more putting every cell in place.  Each column is
 * stored densely (an offset per row) or sparsely (row and offset per
 * present cell), whichever is smaller, with 4-byte entries unless the
 * column needs 8, so storage follows the cells present: a mostly-empty
 * column of a million rows costs what its few values cost.
 */
#ifndef EV_CORE_TABLE_INTERNAL_H
#define EV_CORE_TABLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/budget.h"
#include "embview/table.h"

typedef struct ev__col_plan {
  int64_t n_present;   /* cells with a value (NULL / empty cells are not counted) */
  uint64_t n_bytes;    /* their lengths plus one (the NUL) each */
  int not_numeric;     /* some present cell is not a number */
} ev__col_plan;

/* Add n columns with storage for plans[0..n-1], charged to b (may be NULL);
 * *first receives the first new column's index.  Each column must then be
 * named with ev__table_name_col, in column order (a name is only found by
 * ev_table_find_col once given, so a reader can pick each name knowing the
 * ones before it), and its cells put with ev__table_put, before the table
 * is used otherwise. */
int ev__table_add_planned(ev_table *t, int n, const ev__col_plan *plans, ev__budget *b,
                          const char *who, const char *path, int *first, ev_error *err);

/* Name column col (the name is copied); EV_ENOMEM on allocation failure. */
int ev__table_name_col(ev_table *t, int col, const char *name);

/* The k-th present cell (0-based, in row order) of column col: row `row`,
 * at byte `pos` of the column's text (the lengths + 1 of the cells before
 * it).  Different columns, or different cells of one column, may be put
 * from different threads. */
void ev__table_put(ev_table *t, int col, int64_t k, int64_t row, uint64_t pos, const char *s,
                   size_t len);

/* Add a column whose n_rows values are NUL-terminated strings back to back
 * in `text` (arena_len bytes, an ev__malloc block the table takes over, also
 * on failure); an empty string is "no value".  The row index (4 or 8 bytes
 * per row) is charged to b. */
int ev__table_add_packed(ev_table *t, const char *name, char *text, size_t text_len,
                         ev__budget *b, const char *who, const char *path, ev_error *err);

/* A name no column has yet: `base` cut to max_base bytes, then "_2", "_3",
 * ... — the first free one, counting on per base from the last one handed
 * out, so n repeats of a name cost O(n) in all.  Written to out (NUL-
 * terminated, truncated at out_len).  EV_ENOMEM on allocation failure. */
int ev__table_suffixed_name(ev_table *t, const char *base, size_t max_base, char *out, size_t out_len);

/* Move src's columns to the end of dst (renamed like ev_table_merge) without
 * copying their cells; src keeps no columns and must then be freed. */
int ev__table_merge_move(ev_table *dst, ev_table *src, ev_error *err);

#endif
