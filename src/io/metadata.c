/* metadata.c — metadata TSV and labels files.
 *
 * Metadata follows the TensorBoard projector's parser (vz_projector
 * data-provider.ts, parseMetadata): split on '\n' only, skip lines that
 * JavaScript trim() leaves empty (U+0085 is data), the first line is a header
 * iff it holds a TAB, fields split on TAB, empty fields are "no value", extra
 * fields ignored, missing ones empty.  Two deliberate differences, both about
 * the row count M against N points:
 *   - a one-column file with M == N + 1 whose first line is not one of the
 *     other values (the "label" header many tutorials write) is read with
 *     that line as the column name, and a note says so (TensorBoard rejects
 *     the file);
 *   - any other M != N is an error naming both counts (TensorBoard only
 *     warns and attaches the first min(M, N) rows, which silently misaligns
 *     labels).
 * A trailing '\r' (CRLF files) is removed from each line, with a note, and a
 * UTF-8 byte order mark at the start of the file is skipped.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/file.h"
#include "core/strmap.h"
#include "embview/io.h"
#include "io/idx.h"
#include "io/npy.h"
#include "io/text_lines.h"

#define METADATA_MAX_BYTES ((size_t)16 << 30)
#define METADATA_MAX_COLS 4096

typedef struct meta_line {
  char *s;
  size_t len;
} meta_line;

/* Split the line in place on TABs (they become NULs); up to n_cols cells. */
static void split_cells(char *s, size_t len, int n_cols, const char **cells) {
  int k = 0;
  char *p = s, *end = s + len;
  while (k < n_cols) {
    char *q = memchr(p, '\t', (size_t)(end - p));
    if (!q) q = end;
    *q = '\0';
    cells[k++] = q > p ? p : NULL;
    if (q == end) break;
    p = q + 1;
  }
  while (k < n_cols) cells[k++] = NULL;
}

int ev_metadata_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                     ev_error *err) {
  ev__buf buf;
  meta_line *lines = NULL;
  const char **cells = NULL;
  const char **names = NULL;
  ev_table *t = NULL;
  int64_t n_lines = 0, cap = 0, n_crlf = 0;
  *out = NULL;
  int rc = ev__file_read_all(path, "metadata", METADATA_MAX_BYTES, &buf, err);
  if (rc) return rc;
  if (ev__buf_append(&buf, "", 1) != EV_OK) {
    rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory", path);
    goto done;
  }
  const char *pos = (const char *)buf.data, *end = (const char *)buf.data + buf.len - 1;
  ev__skip_bom(&pos, end);
  size_t len;
  for (const char *s; (s = ev__next_line(&pos, end, &len));) {
    if (ev__js_blank(s, len)) continue;
    if (len && s[len - 1] == '\r') len--, n_crlf++;
    if (n_lines == cap) {
      cap = cap ? cap * 2 : 1024;
      meta_line *nl = ev__realloc(lines, (size_t)cap * sizeof *lines);
      if (!nl) {
        rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory", path);
        goto done;
      }
      lines = nl;
    }
    lines[n_lines++] = (meta_line){(char *)s, len};
  }
  if (n_lines == 0) {
    rc = ev__err(err, EV_EFORMAT, "metadata: %s: no rows (the file is empty or blank)", path);
    goto done;
  }
  /* Header rule: a TAB in the first line. */
  int has_header = memchr(lines[0].s, '\t', lines[0].len) != NULL;
  int n_cols = 1;
  if (has_header) {
    for (size_t i = 0; i < lines[0].len; i++) n_cols += lines[0].s[i] == '\t';
    if (n_cols > METADATA_MAX_COLS) {
      rc = ev__err(err, EV_ERANGE, "metadata: %s: %d columns in the header; at most %d supported",
                   path, n_cols, METADATA_MAX_COLS);
      goto done;
    }
  }
  int64_t first = has_header ? 1 : 0;
  int64_t m = n_lines - first;
  if (!has_header && n_points >= 0 && m == n_points + 1) {
    /* One column, one row too many: a header line such as "label", unless
     * that first value occurs again below (then it is data, and the count
     * is simply wrong). */
    int repeated = 0;
    for (int64_t i = 1; i < n_lines && !repeated; i++)
      repeated = lines[i].len == lines[0].len && !memcmp(lines[i].s, lines[0].s, lines[0].len);
    if (!repeated) {
      ev__note(notes,
               "metadata: %s: one column with %lld rows for %lld points: reading the first row "
               "('%.*s') as the column name (TensorBoard would reject this file)",
               path, (long long)m, (long long)n_points, (int)EV__MIN(lines[0].len, 60),
               lines[0].s);
      has_header = 1;
      first = 1;
      m = n_points;
    }
  }
  if (n_points >= 0 && m != n_points) {
    rc = ev__err(err, EV_EMISMATCH,
                 "metadata: %s: %lld data rows for %lld points (%s); the counts must match",
                 path, (long long)m, (long long)n_points,
                 has_header ? "after a header row" : "one column, no header row");
    goto done;
  }
  cells = ev__malloc((size_t)(m ? m : 1) * (size_t)n_cols * sizeof *cells);
  names = ev__malloc((size_t)n_cols * sizeof *names);
  if (!cells || !names) {
    rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory for %lld x %d cells", path,
                 (long long)m, n_cols);
    goto done;
  }
  if (has_header) {
    split_cells(lines[0].s, lines[0].len, n_cols, names);
  } else {
    names[0] = "label";
  }
  for (int64_t i = 0; i < m; i++)
    split_cells(lines[first + i].s, lines[first + i].len, n_cols, cells + (size_t)i * (size_t)n_cols);
  rc = ev_table_new(m, &t, err);
  if (rc) goto done;
  const char **col_vals = ev__malloc((size_t)(m ? m : 1) * sizeof *col_vals);
  if (!col_vals) {
    rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory", path);
    goto done;
  }
  for (int j = 0; j < n_cols && rc == EV_OK; j++) {
    char fallback[32];
    const char *name = names[j];
    if (!name) {
      snprintf(fallback, sizeof fallback, "column_%d", j + 1);
      name = fallback;
    }
    if (ev_table_find_col(t, name) >= 0) {
      snprintf(fallback, sizeof fallback, "column_%d", j + 1);
      ev__note(notes, "metadata: %s: duplicate column name '%s' renamed to '%s'", path, name, fallback);
      name = fallback;
    }
    for (int64_t i = 0; i < m; i++) col_vals[i] = cells[(size_t)i * (size_t)n_cols + (size_t)j];
    rc = ev_table_add_column(t, name, col_vals, err);
  }
  ev__free(col_vals);
  if (rc) goto done;
  if (n_crlf) ev__note(notes, "metadata: %s: CRLF line endings (the '\\r' was dropped)", path);
done:
  ev__free(lines);
  ev__free(cells);
  ev__free(names);
  ev__buf_free(&buf);
  if (rc)
    ev_table_free(t);
  else
    *out = t;
  return rc;
}

/* Labels from a 1-D IDX or NPY array, or a text file. */
int ev_labels_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                   ev_error *err) {
  ev__stream s;
  unsigned char head[8];
  size_t got = 0;
  *out = NULL;
  int rc = ev__stream_open(&s, path, "labels", err);
  if (rc) return rc;
  rc = ev__stream_read(&s, head, sizeof head, &got, err);
  int gz = s.is_gzip;
  ev__stream_close(&s);
  if (rc) return rc;
  ev__ndarray a;
  unsigned char *owned = NULL;
  void *map = NULL;
  size_t map_len = 0;
  const char *kind;
  if (ev__idx_is_magic(head, got)) {
    int is_gzip;
    kind = "idx";
    rc = ev__idx_read_array(path, &a, &owned, &is_gzip, err);
  } else if (got >= 6 && !memcmp(head, "\x93NUMPY", 6) && gz) {
    /* labels are small: a compressed .npy is read whole */
    kind = "npy";
    ev__buf b = {0};
    rc = ev__file_read_all(path, "labels", (size_t)1 << 34, &b, err);
    owned = b.data;
    if (!rc) rc = ev__npy_parse(b.data, b.len, "labels", path, &a, err);
  } else if (got >= 6 && !memcmp(head, "\x93NUMPY", 6)) {
    kind = "npy";
    rc = ev__file_map(path, "labels", &map, &map_len, err);
    if (!rc) rc = ev__npy_parse(map, map_len, "labels", path, &a, err);
  } else {
    return ev_metadata_read(path, n_points, out, notes, err);
  }
  if (rc) goto done;
  if (a.ndim != 1 && !(a.ndim == 2 && a.shape[1] == 1)) {
    rc = ev__err(err, EV_EFORMAT, "labels: %s: a %s array with %d dimensions; expected 1-D labels",
                 path, kind, a.ndim);
    goto done;
  }
  a.ndim = 1;
  if (n_points >= 0 && a.shape[0] != n_points) {
    rc = ev__err(err, EV_EMISMATCH, "labels: %s: %lld labels for %lld points; the counts must match",
                 path, (long long)a.shape[0], (long long)n_points);
    goto done;
  }
  rc = ev_table_new(a.shape[0], out, err);
  if (!rc) rc = ev__ndarray_to_column(&a, "label", *out, err);
  if (rc) {
    ev_table_free(*out);
    *out = NULL;
  }
done:
  ev__free(owned);
  if (map) munmap(map, map_len);
  return rc;
}
